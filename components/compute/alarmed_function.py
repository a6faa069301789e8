"""AlarmedFunction: a Lambda function with its own role, encrypted logs, Powertools and alarms."""

from __future__ import annotations

import json
import keyword
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import pulumi
import pulumi_aws as aws

from components.core.alarms import AlarmSpec, create_alarm
from components.core.arg_types import check_arg_types
from components.core.context import PlatformContext
from components.core.errors import ComponentArgumentsError, ProblemCollector
from components.core.iam import (
    Statement,
    attach_managed_policy,
    policy_document,
    service_trust_policy,
    validate_statements,
)
from components.core.kms import CustomerManagedKey, KeyUse
from components.core.lifecycle import state_options
from components.core.naming import Service, physical_name, record_component_path
from components.core.settings import StateKind
from components.core.severity import Severity
from components.core.tags import checked_tags

__all__ = [
    "POWERTOOLS_LAYER_ACCOUNT",
    "POWERTOOLS_LAYER_VERSION",
    "AlarmedFunction",
    "AlarmedFunctionArgs",
    "Architecture",
    "AsyncFailureDestination",
    "DestinationKind",
    "LogLevel",
    "Runtime",
    "VpcPlacement",
    "powertools_layer_arn",
    "problems",
]

COMPONENT = "AlarmedFunction"
RUNBOOK_PAGE = "lambda"
# The public Powertools for AWS Lambda (Python) v3 layer, published by AWS in this account in
# every commercial region. Version 23 is the version the Powertools docs list for
# ``AWSLambdaPowertoolsPythonV3-<python3xx>-<arch>`` as of Powertools 3.2x; the same number
# exists for every runtime/architecture pair. Pin a newer one with ``powertools_layer_version``.
POWERTOOLS_LAYER_ACCOUNT = "017000801446"
POWERTOOLS_LAYER_VERSION = 23
# Share of the timeout (and of the reserved concurrency) that counts as "near the limit".
NEAR_LIMIT_FRACTION = 0.8
_ENV_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_HANDLER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+$")
_RESERVED_ENV_PREFIXES = ("AWS_", "LAMBDA_")
_POWERTOOLS_ENV = (
    "POWERTOOLS_SERVICE_NAME",
    "POWERTOOLS_LOG_LEVEL",
    "POWERTOOLS_METRICS_NAMESPACE",
)
LOG_RETENTION_DAYS = frozenset(
    {1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557}
    | {2922, 3288, 3653}
)


class Runtime(StrEnum):
    """Python runtimes the Powertools v3 layer is published for (and this platform allows)."""

    PYTHON_3_12 = "python3.12"
    PYTHON_3_13 = "python3.13"

    @property
    def layer_tag(self) -> str:
        """``python312`` as in the layer name."""
        return self.value.replace(".", "")


class Architecture(StrEnum):
    ARM64 = "arm64"
    X86_64 = "x86_64"


class LogLevel(StrEnum):
    """Application log level of Lambda's JSON logging (Powertools gets the matching name)."""

    DEBUG = "DEBUG"
    INFO = "INFO"
    WARN = "WARN"
    ERROR = "ERROR"

    @property
    def powertools(self) -> str:
        return "WARNING" if self is LogLevel.WARN else self.value


class DestinationKind(StrEnum):
    """Services an asynchronous invocation's failure record can be sent to."""

    SQS = "sqs"
    SNS = "sns"
    LAMBDA = "lambda"
    EVENTS = "events"


_DESTINATION_ACTIONS: Mapping[DestinationKind, tuple[str, ...]] = {
    DestinationKind.SQS: ("sqs:SendMessage",),
    DestinationKind.SNS: ("sns:Publish",),
    DestinationKind.LAMBDA: ("lambda:InvokeFunction",),
    DestinationKind.EVENTS: ("events:PutEvents",),
}


@dataclass(frozen=True, kw_only=True)
class AsyncFailureDestination:
    """Where failed asynchronous invocations go; ``kms_key_arn`` when that target is encrypted."""

    arn: pulumi.Input[str]
    kind: DestinationKind
    kms_key_arn: pulumi.Input[str] | None = None


@dataclass(frozen=True, kw_only=True)
class VpcPlacement:
    """Subnets and security groups of a function that must reach private resources."""

    subnet_ids: Sequence[pulumi.Input[str]]
    security_group_ids: Sequence[pulumi.Input[str]]


@dataclass(frozen=True, kw_only=True)
class AlarmedFunctionArgs:
    """Arguments of ``AlarmedFunction``; ``None`` means "the tier default".

    Args:
        handler: ``module.function`` inside ``code_path``, e.g. ``"shipment_events.handler"``.
        code_path: folder shipped as the function's code (default ``handlers``; it must exist).
        runtime: ``python3.12`` or ``python3.13`` (default).
        architecture: ``arm64`` (default) or ``x86_64``.
        memory_size_mb: 128..10240 (default 512, seed 003).
        timeout_seconds: 1..900 (default 60, seed 003).
        environment: extra environment variables (not ``AWS_*``/``LAMBDA_*`` nor the
            ``POWERTOOLS_*`` ones the component sets). Encrypted at rest under the key.
        reserved_concurrency: reserved concurrent executions (>= 1); None leaves it unreserved.
        tracing: X-Ray active tracing (default on).
        statements: extra IAM statements (``components.core.iam.Statement``) for what the handler
            touches; validated by the core builder (no wildcard actions).
        kms_key: key for the log group and the environment; must have ``KeyUse.LOGS`` and
            ``KeyUse.LAMBDA``. Created when omitted.
        vpc: subnets and security groups, when the function must run in a VPC.
        on_failure: destination of failed asynchronous invocations.
        description: the function's description.
        log_level: application log level (default INFO); also ``POWERTOOLS_LOG_LEVEL``.
        service_name: ``POWERTOOLS_SERVICE_NAME`` (default the component name).
        metrics_namespace: ``POWERTOOLS_METRICS_NAMESPACE`` (default the project name).
        powertools_layer_version: version of the public Powertools layer (default pinned).
        log_retention_days: log retention (a CloudWatch value); default the tier's.
        tags: extra tags, merged over the context's required tags.
    """

    handler: str
    code_path: str = "handlers"
    runtime: Runtime = Runtime.PYTHON_3_13
    architecture: Architecture = Architecture.ARM64
    memory_size_mb: int = 512
    timeout_seconds: int = 60
    environment: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    reserved_concurrency: int | None = None
    tracing: bool = True
    statements: Sequence[Statement] = ()
    kms_key: CustomerManagedKey | None = None
    vpc: VpcPlacement | None = None
    on_failure: AsyncFailureDestination | None = None
    description: str = ""
    log_level: LogLevel = LogLevel.INFO
    service_name: str | None = None
    metrics_namespace: str | None = None
    powertools_layer_version: int = POWERTOOLS_LAYER_VERSION
    log_retention_days: int | None = None
    tags: Mapping[str, str] = field(default_factory=dict)


def powertools_layer_arn(
    partition: str, region: str, runtime: Runtime, architecture: Architecture, version: int
) -> str:
    """The public Powertools for AWS Lambda (Python) v3 layer for this runtime and architecture.

    Powertools publishes it from ``POWERTOOLS_LAYER_ACCOUNT`` in the commercial partition:
    https://docs.powertools.aws.dev/lambda/python/latest/#lambda-layer
    """
    return (
        f"arn:{partition}:lambda:{region}:{POWERTOOLS_LAYER_ACCOUNT}:layer:"
        f"AWSLambdaPowertoolsPythonV3-{runtime.layer_tag}-{architecture.value}:{version}"
    )


def problems(args: AlarmedFunctionArgs, context: PlatformContext) -> list[str]:
    """Every problem of ``args``, registering nothing (a composing component calls this)."""
    p = ProblemCollector(COMPONENT)
    _check(p, args, context)
    return list(p.problems)


def _validate(args: AlarmedFunctionArgs, context: PlatformContext) -> dict[str, str]:
    """Raise one error naming every bad field; return the merged tags."""
    p = ProblemCollector(COMPONENT)
    tags = _check(p, args, context)
    p.raise_if_any()
    return tags


def _handler_problems(p: ProblemCollector, handler: str, code_path: str) -> None:
    """The Lambda Python runtime imports ``module`` from the code root and looks up
    ``function`` in it; a missing file fails only at the first invocation
    (Runtime.ImportModuleError), so refuse it here.
    https://docs.aws.amazon.com/lambda/latest/dg/python-handler.html#naming
    """
    if not isinstance(handler, str):
        return  # reported with the type problems
    if not p.check(
        bool(_HANDLER.match(handler)),
        f"handler: {handler!r} must be 'module.function' (Python identifiers)",
    ) or not os.path.isdir(code_path):
        return
    module, _, function = handler.rpartition(".")
    path = os.path.join(code_path, *module.split("."))
    p.check(
        os.path.isfile(f"{path}.py") or os.path.isfile(os.path.join(path, "__init__.py")),
        f"handler: module {module!r} is not in code_path {code_path!r} (no {path}.py or "
        f"{os.path.join(path, '__init__.py')}); Lambda would fail every invocation",
    )
    p.check(
        not keyword.iskeyword(function),
        f"handler: {function!r} is a Python keyword, not a function name",
    )


def _check(
    p: ProblemCollector, args: AlarmedFunctionArgs, context: PlatformContext
) -> dict[str, str]:
    """Record every problem of ``args`` in ``p``; return the merged tags."""
    checked = check_arg_types(args, AlarmedFunctionArgs)
    p.extend(checked.problems)
    p.settle(checked.ill_typed)
    if checked.usable is None:
        return {}
    args = checked.usable
    with p.checking():
        _handler_problems(p, args.handler, args.code_path)
        p.check(os.path.isdir(args.code_path), f"code_path: {args.code_path!r} is not a folder")
        p.check(isinstance(args.runtime, Runtime), f"runtime: {args.runtime!r} is not a Runtime")
        p.check(
            isinstance(args.architecture, Architecture),
            f"architecture: {args.architecture!r} is not an Architecture",
        )
        p.check(
            128 <= args.memory_size_mb <= 10_240,
            f"memory_size_mb: must be 128..10240, got {args.memory_size_mb}",
        )
        p.check(
            1 <= args.timeout_seconds <= 900,
            f"timeout_seconds: must be 1..900, got {args.timeout_seconds}",
        )
        for name in args.environment:
            p.check(
                bool(_ENV_NAME.match(name)),
                f"environment.{name}: must start with a letter and hold only letters, digits and _",
            )
            p.check(
                not name.startswith(_RESERVED_ENV_PREFIXES) and name != "TZ",
                f"environment.{name}: reserved by the Lambda runtime",
            )
            p.check(
                name not in _POWERTOOLS_ENV,
                f"environment.{name}: set by the component (service_name, log_level, "
                "metrics_namespace)",
            )
        p.check(
            args.reserved_concurrency is None or args.reserved_concurrency >= 1,
            f"reserved_concurrency: must be at least 1 (0 stops the function), "
            f"got {args.reserved_concurrency}",
        )
        if args.kms_key is not None:
            missing = {KeyUse.LOGS, KeyUse.LAMBDA} - set(args.kms_key.uses)
            p.check(
                not missing,
                "kms_key: its key policy must admit "
                + ", ".join(f"KeyUse.{use.name}" for use in sorted(missing)),
            )
        if args.vpc is not None:
            p.check(bool(args.vpc.subnet_ids), "vpc.subnet_ids: must not be empty")
            p.check(bool(args.vpc.security_group_ids), "vpc.security_group_ids: must not be empty")
        if args.on_failure is not None:
            p.check(
                isinstance(args.on_failure.kind, DestinationKind),
                "on_failure.kind: must be a DestinationKind",
            )
        p.check(len(args.description) <= 256, "description: at most 256 characters")
        p.check(
            isinstance(args.log_level, LogLevel), f"log_level: {args.log_level!r} not a LogLevel"
        )
        p.check(
            args.powertools_layer_version >= 1,
            f"powertools_layer_version: must be at least 1, got {args.powertools_layer_version}",
        )
        p.check(
            args.log_retention_days is None or args.log_retention_days in LOG_RETENTION_DAYS,
            f"log_retention_days: {args.log_retention_days} is not a CloudWatch Logs retention "
            "value",
        )
        try:
            if args.statements:
                validate_statements(args.statements, component=COMPONENT)
        except ComponentArgumentsError as error:
            p.extend(f"statements: {problem}" for problem in error.problems)
    return checked_tags(p, context.tags, args.tags)


def _vpc_statements(
    vpc: VpcPlacement, partition: pulumi.Input[str], region: str, account: pulumi.Input[str]
) -> list[Statement]:
    """What Lambda needs to manage the function's network interfaces, scoped to its subnets."""

    def arn(resource: pulumi.Input[str]) -> pulumi.Output[str]:
        return pulumi.Output.concat("arn:", partition, f":ec2:{region}:", account, ":", resource)

    interfaces = arn("network-interface/*")
    return [
        Statement(
            sid="ManageNetworkInterfaces",
            actions=["ec2:CreateNetworkInterface"],
            resources=[
                interfaces,
                *(arn(pulumi.Output.concat("subnet/", s)) for s in vpc.subnet_ids),
                *(arn(pulumi.Output.concat("security-group/", g)) for g in vpc.security_group_ids),
            ],
        ),
        Statement(
            sid="UseNetworkInterfaces",
            actions=[
                "ec2:DeleteNetworkInterface",
                "ec2:AssignPrivateIpAddresses",
                "ec2:UnassignPrivateIpAddresses",
            ],
            resources=[interfaces],
        ),
        Statement(
            sid="DescribeNetworkInterfaces",
            actions=["ec2:DescribeNetworkInterfaces"],
            resources=["*"],
        ),
    ]


class AlarmedFunction(pulumi.ComponentResource):
    """A Lambda function with everything production needs: its own least-privilege role, a
    KMS-encrypted log group created before it, JSON logging, X-Ray, environment encryption,
    Powertools, and alarms on errors, throttles, duration, concurrency and destinations.

    Powertools comes from AWS's public layer rather than being bundled because ``handlers/`` is
    shipped alone, as is, with no build step; the layer version is pinned (see
    ``POWERTOOLS_LAYER_VERSION``) so a deploy never changes it silently.
    """

    function: aws.lambda_.Function
    role: aws.iam.Role
    policy: aws.iam.Policy
    policy_attachment: aws.iam.RolePolicyAttachment
    log_group: aws.cloudwatch.LogGroup
    function_name: pulumi.Output[str]
    function_arn: pulumi.Output[str]
    role_arn: pulumi.Output[str]
    role_name: pulumi.Output[str]
    log_group_name: pulumi.Output[str]
    errors_alarm: aws.cloudwatch.MetricAlarm
    alarms: list[aws.cloudwatch.MetricAlarm]

    def __init__(
        self,
        name: str,
        context: PlatformContext,
        args: AlarmedFunctionArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        tags = _validate(args, context)
        super().__init__(f"platform:compute:{COMPONENT}", name, None, opts)
        record_component_path(self, opts)
        child = pulumi.ResourceOptions(parent=self)
        invoke = pulumi.InvokeOutputOptions(parent=self)
        self.args = args
        self.timeout_seconds = args.timeout_seconds
        region = context.settings.region
        partition = aws.get_partition_output(opts=invoke).partition
        account = aws.get_caller_identity_output(opts=invoke).account_id

        key = args.kms_key or CustomerManagedKey(
            f"{name}-key", context, uses={KeyUse.LOGS, KeyUse.LAMBDA}, opts=child, tags=args.tags
        )
        self.kms_key = key
        function_name = physical_name(context, name, Service.LAMBDA_FUNCTION, within=self)
        self.log_group = aws.cloudwatch.LogGroup(
            f"{name}-logs",
            name=f"/aws/lambda/{function_name}",
            retention_in_days=args.log_retention_days or context.profile.log_retention_days,
            kms_key_id=key.arn,
            tags=tags,
            opts=state_options(context, StateKind.LOG_GROUP, self),
        )
        self.role = aws.iam.Role(
            f"{name}-role",
            name=physical_name(context, name, Service.IAM_ROLE, within=self),
            description=f"Execution role of Lambda function {function_name}",
            assume_role_policy=account.apply(
                lambda a: json.dumps(service_trust_policy("lambda.amazonaws.com", a))
            ),
            tags=tags,
            opts=child,
        )
        self.policy_statements = self._statements(args, key, partition, region, account)
        self.policy, self.policy_attachment = attach_managed_policy(
            f"{name}-policy",
            self.role,
            policy_document(self.policy_statements, component=COMPONENT),
            policy_name=physical_name(context, name, Service.IAM_POLICY, within=self),
            description=f"Least privilege of Lambda function {function_name}",
            tags=tags,
            opts=child,
        )

        variables: dict[str, pulumi.Input[str]] = {
            **args.environment,
            "POWERTOOLS_SERVICE_NAME": args.service_name or name,
            "POWERTOOLS_LOG_LEVEL": args.log_level.powertools,
            "POWERTOOLS_METRICS_NAMESPACE": args.metrics_namespace or context.project,
        }
        layer = pulumi.Output.from_input(partition).apply(
            lambda p: powertools_layer_arn(
                p, region, args.runtime, args.architecture, args.powertools_layer_version
            )
        )
        self.function = aws.lambda_.Function(
            f"{name}-function",
            name=function_name,
            description=args.description or f"{context.name_prefix} {name}",
            role=self.role.arn,
            runtime=args.runtime.value,
            architectures=[args.architecture.value],
            handler=args.handler,
            code=pulumi.FileArchive(args.code_path),
            memory_size=args.memory_size_mb,
            timeout=args.timeout_seconds,
            reserved_concurrent_executions=args.reserved_concurrency,
            environment=aws.lambda_.FunctionEnvironmentArgs(variables=variables),
            kms_key_arn=key.arn,
            layers=[layer],
            tracing_config=aws.lambda_.FunctionTracingConfigArgs(
                mode="Active" if args.tracing else "PassThrough"
            ),
            logging_config=aws.lambda_.FunctionLoggingConfigArgs(
                log_format="JSON",
                log_group=self.log_group.name,
                application_log_level=args.log_level.value,
                system_log_level="INFO",
            ),
            vpc_config=(
                aws.lambda_.FunctionVpcConfigArgs(
                    subnet_ids=list(args.vpc.subnet_ids),
                    security_group_ids=list(args.vpc.security_group_ids),
                )
                if args.vpc
                else None
            ),
            tags=tags,
            opts=pulumi.ResourceOptions(
                parent=self, depends_on=[self.log_group, self.policy_attachment]
            ),
        )
        if args.on_failure is not None:
            aws.lambda_.FunctionEventInvokeConfig(
                f"{name}-async",
                function_name=self.function.name,
                destination_config=aws.lambda_.FunctionEventInvokeConfigDestinationConfigArgs(
                    on_failure=aws.lambda_.FunctionEventInvokeConfigDestinationConfigOnFailureArgs(
                        destination=args.on_failure.arn
                    )
                ),
                opts=child,
            )

        self.alarms = self._alarms(name, context, args)
        self.errors_alarm = self.alarms[0]
        self.function_name = self.function.name
        self.function_arn = self.function.arn
        self.role_arn = self.role.arn
        self.role_name = self.role.name
        self.log_group_name = self.log_group.name
        self.register_outputs(
            {
                "function_name": self.function_name,
                "function_arn": self.function_arn,
                "role_arn": self.role_arn,
                "log_group_name": self.log_group_name,
                "alarm_arns": [alarm.arn for alarm in self.alarms],
            }
        )

    def _statements(
        self,
        args: AlarmedFunctionArgs,
        key: CustomerManagedKey,
        partition: pulumi.Input[str],
        region: str,
        account: pulumi.Input[str],
    ) -> list[Statement]:
        statements = [
            Statement(
                sid="WriteOwnLogs",
                actions=["logs:CreateLogStream", "logs:PutLogEvents"],
                resources=[pulumi.Output.concat(self.log_group.arn, ":*")],
            ),
            Statement(sid="DecryptEnvironment", actions=["kms:Decrypt"], resources=[key.arn]),
        ]
        if args.tracing:
            statements.append(
                Statement(
                    sid="WriteTraces",
                    actions=["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
                    resources=["*"],
                )
            )
        if args.vpc is not None:
            statements.extend(_vpc_statements(args.vpc, partition, region, account))
        if args.on_failure is not None:
            destination = args.on_failure
            statements.append(
                Statement(
                    sid="SendFailedInvocations",
                    actions=list(_DESTINATION_ACTIONS[destination.kind]),
                    resources=[destination.arn],
                )
            )
            if destination.kms_key_arn is not None:
                statements.append(
                    Statement(
                        sid="EncryptFailedInvocations",
                        actions=["kms:GenerateDataKey", "kms:Decrypt"],
                        resources=[destination.kms_key_arn],
                    )
                )
        statements.extend(args.statements)
        return statements

    def _alarms(
        self, name: str, context: PlatformContext, args: AlarmedFunctionArgs
    ) -> list[aws.cloudwatch.MetricAlarm]:
        """Errors first (the composite alarms of callers use it), then the others."""
        child = pulumi.ResourceOptions(parent=self)
        dimensions = {"FunctionName": self.function.name}

        def spec(**values: Any) -> AlarmSpec:
            return AlarmSpec(
                namespace="AWS/Lambda",
                dimensions=dimensions,
                treat_missing_data="notBreaching",
                runbook_page=RUNBOOK_PAGE,
                **values,
            )

        specs: dict[str, AlarmSpec] = {
            "errors": spec(
                description=f"{name}: invocations are failing.",
                metric_name="Errors",
                statistic="Sum",
                comparison="GreaterThanOrEqualToThreshold",
                threshold=1,
                period_seconds=300,
                evaluation_periods=1,
                severity=Severity.P2,
                runbook_anchor="errors",
            ),
            "throttles": spec(
                description=f"{name}: invocations are throttled.",
                metric_name="Throttles",
                statistic="Sum",
                comparison="GreaterThanOrEqualToThreshold",
                threshold=1,
                period_seconds=300,
                evaluation_periods=1,
                severity=Severity.P3,
                runbook_anchor="throttles",
            ),
            "duration": spec(
                description=f"{name}: p99 duration is above 80 % of the timeout.",
                metric_name="Duration",
                extended_statistic="p99",
                comparison="GreaterThanThreshold",
                threshold=args.timeout_seconds * 1000 * NEAR_LIMIT_FRACTION,
                period_seconds=300,
                evaluation_periods=3,
                severity=Severity.P3,
                runbook_anchor="duration",
            ),
        }
        if args.reserved_concurrency is not None:
            specs["concurrency"] = spec(
                description=f"{name}: concurrency is above 80 % of its reservation.",
                metric_name="ConcurrentExecutions",
                statistic="Maximum",
                comparison="GreaterThanOrEqualToThreshold",
                threshold=max(1, int(args.reserved_concurrency * NEAR_LIMIT_FRACTION)),
                period_seconds=60,
                evaluation_periods=5,
                severity=Severity.P3,
                runbook_anchor="concurrency",
            )
        if args.on_failure is not None:
            specs["destination-failures"] = spec(
                description=f"{name}: failed async invocations could not reach the destination.",
                metric_name="DestinationDeliveryFailures",
                statistic="Sum",
                comparison="GreaterThanOrEqualToThreshold",
                threshold=1,
                period_seconds=300,
                evaluation_periods=1,
                severity=Severity.P2,
                runbook_anchor="destination-failures",
            )
        return [
            create_alarm(f"{name}-{suffix}", context, alarm, opts=child, tags=args.tags)
            for suffix, alarm in specs.items()
        ]
