"""AlarmedFunction: a Lambda function with its own role, encrypted logs, Powertools and alarms.

The component reads top to bottom: validate, then the key, log group, role, function and alarms,
each built by a helper that returns it. Its arguments are in ``function_args``, their checks in
``function_validation``, the role's statements in ``function_role``, the alarms in
``function_alarms`` and the Powertools layer in ``powertools``; the names this module exported
before the split are imported here, so ``components.compute.alarmed_function`` keeps working.
"""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from components.compute.function_alarms import (
    NEAR_LIMIT_FRACTION,
    RUNBOOK_PAGE,
    function_alarm_specs,
)
from components.compute.function_args import (
    COMPONENT,
    AlarmedFunctionArgs,
    Architecture,
    AsyncFailureDestination,
    DestinationKind,
    LogLevel,
    Runtime,
    VpcPlacement,
)
from components.compute.function_role import execution_role, function_statements
from components.compute.function_validation import problems, validate
from components.compute.powertools import (
    POWERTOOLS_LAYER_ACCOUNT,
    POWERTOOLS_LAYER_VERSION,
    powertools_layer_arn,
)
from components.core.alarms import create_alarm
from components.core.aws_values import LOG_RETENTION_DAYS
from components.core.context import PlatformContext
from components.core.iam import Statement
from components.core.kms import CustomerManagedKey, KeyUse
from components.core.logs import encrypted_log_group
from components.core.naming import Service, physical_name, record_component_path

__all__ = [
    "COMPONENT",
    "LOG_RETENTION_DAYS",
    "NEAR_LIMIT_FRACTION",
    "POWERTOOLS_LAYER_ACCOUNT",
    "POWERTOOLS_LAYER_VERSION",
    "RUNBOOK_PAGE",
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


class AlarmedFunction(pulumi.ComponentResource):
    """A Lambda function with everything production needs: its own least-privilege role, a
    KMS-encrypted log group created before it, JSON logging, X-Ray, environment encryption,
    Powertools, and alarms on errors, throttles, duration, concurrency and destinations.

    Powertools comes from AWS's public layer rather than being bundled because ``handlers/`` is
    shipped alone, as is, with no build step; the layer version is pinned (see
    ``POWERTOOLS_LAYER_VERSION``) so a deploy never changes it silently.

    Attributes:
        function: the Lambda function.
        role: its execution role (only ``lambda.amazonaws.com`` may assume it).
        policy: the role's customer-managed policy.
        policy_attachment: the policy's attachment to the role; whatever needs the permissions
            when it is created ``depends_on`` it.
        log_group: the encrypted log group ``/aws/lambda/<function name>``, created first.
        function_name: the function's name.
        function_arn: the function's ARN.
        role_arn: the execution role's ARN.
        role_name: the execution role's name.
        log_group_name: ``/aws/lambda/<function name>``.
        errors_alarm: the errors alarm (for composite alarms).
        alarms: every alarm, errors first.
        args: the arguments the function was built from.
        timeout_seconds: the timeout, for consumers deriving their queue timeouts.
        kms_key: the key of the log group and the environment (``kms_key`` or the one created).
        policy_statements: the role policy's statements, as rendered.
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
    args: AlarmedFunctionArgs
    timeout_seconds: int
    kms_key: CustomerManagedKey
    policy_statements: list[Statement]

    def __init__(
        self,
        name: str,
        context: PlatformContext,
        args: AlarmedFunctionArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        tags = validate(args, context)
        super().__init__(f"platform:compute:{COMPONENT}", name, None, opts)
        record_component_path(self, opts)
        child = pulumi.ResourceOptions(parent=self)
        invoke = pulumi.InvokeOutputOptions(parent=self)
        region = context.settings.region
        partition = aws.get_partition_output(opts=invoke).partition
        account = aws.get_caller_identity_output(opts=invoke).account_id

        key = args.kms_key or CustomerManagedKey(
            f"{name}-key", context, uses={KeyUse.LOGS, KeyUse.LAMBDA}, opts=child, tags=args.tags
        )
        function_name = physical_name(context, name, Service.LAMBDA_FUNCTION, within=self)
        log_group = encrypted_log_group(
            f"{name}-logs",
            context,
            name=f"/aws/lambda/{function_name}",
            kms_key_arn=key.arn,
            retention_days=args.log_retention_days,
            tags=tags,
            parent=self,
        )
        statements = function_statements(
            args,
            log_group_arn=log_group.arn,
            key_arn=key.arn,
            partition=partition,
            region=region,
            account=account,
        )
        role = execution_role(
            name,
            function_name=function_name,
            role_name=physical_name(context, name, Service.IAM_ROLE, within=self),
            policy_name=physical_name(context, name, Service.IAM_POLICY, within=self),
            account=account,
            statements=statements,
            tags=tags,
            parent=self,
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
        function = aws.lambda_.Function(
            f"{name}-function",
            name=function_name,
            description=args.description or f"{context.name_prefix} {name}",
            role=role.role.arn,
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
                log_group=log_group.name,
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
            opts=pulumi.ResourceOptions(parent=self, depends_on=[log_group, role.attachment]),
        )
        if args.on_failure is not None:
            aws.lambda_.FunctionEventInvokeConfig(
                f"{name}-async",
                function_name=function.name,
                destination_config=aws.lambda_.FunctionEventInvokeConfigDestinationConfigArgs(
                    on_failure=aws.lambda_.FunctionEventInvokeConfigDestinationConfigOnFailureArgs(
                        destination=args.on_failure.arn
                    )
                ),
                opts=child,
            )
        alarms = [
            create_alarm(f"{name}-{suffix}", context, spec, opts=child, tags=args.tags)
            for suffix, spec in function_alarm_specs(name, args, function.name).items()
        ]

        self.args = args
        self.timeout_seconds = args.timeout_seconds
        self.kms_key = key
        self.log_group = log_group
        self.policy_statements = statements
        self.role = role.role
        self.policy = role.policy
        self.policy_attachment = role.attachment
        self.function = function
        self.alarms = alarms
        self.errors_alarm = alarms[0]
        self.function_name = function.name
        self.function_arn = function.arn
        self.role_arn = role.role.arn
        self.role_name = role.role.name
        self.log_group_name = log_group.name
        self.register_outputs(
            {
                "function_name": self.function_name,
                "function_arn": self.function_arn,
                "role_arn": self.role_arn,
                "log_group_name": self.log_group_name,
                "alarm_arns": [alarm.arn for alarm in self.alarms],
            }
        )
