"""Lambda functions, permissions, function URLs and event source mappings, and the stack rules that
link a function to its alarm, log group, failure destination and role.

The module name carries a trailing underscore because ``lambda`` is a Python keyword; its rules
are named ``lambda-...``."""

from __future__ import annotations

from collections.abc import Iterator

from ..lib import (
    UNKNOWN,
    Category,
    Context,
    Enforcement,
    Finding,
    PolicyDocument,
    Resource,
    Severity,
    Stack,
    StackResource,
    is_unknown,
    parse_policy,
    resource_rule,
    stack_rule,
    undecided,
)
from ..lib.secrets import describe, secrets_in_variable
from ..lib.semantics import principal_admits_anyone, value_names_caller
from ._common import (
    EVENT_INVOKE_CONFIG,
    EVENT_SOURCE_MAPPING,
    FUNCTION,
    FUNCTION_URL,
    IAM_POLICY,
    LOG_GROUP,
    PERMISSION,
    QUEUE,
    ROLE,
    ROLE_POLICY,
    ROLE_POLICY_ATTACHMENT,
    alarms_on,
    has_alarm_actions,
)

# Runtimes past their Lambda deprecation date (AWS Lambda runtimes page, Nov 2026).
DEPRECATED_RUNTIMES = [
    "nodejs", "nodejs4.3", "nodejs4.3-edge", "nodejs6.10", "nodejs8.10", "nodejs10.x",
    "nodejs12.x", "nodejs14.x", "nodejs16.x", "nodejs18.x", "nodejs20.x",
    "python2.7", "python3.6", "python3.7", "python3.8", "python3.9",
    "ruby2.5", "ruby2.7", "ruby3.2",
    "java8", "go1.x", "provided",
    "dotnetcore1.0", "dotnetcore2.0", "dotnetcore2.1", "dotnetcore3.1", "dotnet5.0", "dotnet6",
    "dotnet7",
]  # fmt: skip


_SCOPES = {
    "sourceArn": "aws:SourceArn",
    "sourceAccount": "aws:SourceAccount",
    "principalOrgId": "aws:PrincipalOrgID",
}


def _scoped_by(r: Resource, *props: str) -> bool:
    """Whether one of the permission's `props` names a caller no wider than one account or
    organization (a source ARN with account `*` does not)."""
    return any(
        isinstance(value := r.props.get(prop), str)
        and bool(value)
        and value_names_caller(_SCOPES[prop], value)
        for prop in props
    )


def _is_sqs_mapping(r: Resource) -> bool | None:
    """True/False from the source ARN; inferred from the shape while the ARN is unknown."""
    arn = r.props.string("eventSourceArn")
    if isinstance(arn, str):
        return ":sqs:" in arn
    if arn is None:
        return False
    # Unknown ARN: stream sources need startingPosition, MQ needs queues, Kafka its config.
    others = (
        "startingPosition",
        "queues",
        "selfManagedEventSource",
        "amazonManagedKafkaEventSourceConfig",
    )
    if any(r.props.get(k) is not None for k in others):
        return False
    return None


@resource_rule(
    name="lambda-function-supported-runtime",
    types=(FUNCTION,),
    description="Lambda functions use a runtime that AWS still supports.",
    severity=Severity.HIGH,
    category=Category.SECURITY,
    anchors=("AwsSolutions-L1", "Srv:LambdaLatestVersion", "CKV_AWS_363", "SH Lambda.2"),
    rationale="Deprecated runtimes get no security patches and soon cannot be updated.",
    fix="Move to a current runtime (python3.13, nodejs22.x, ...).",
    unknown="Skips the function while its runtime is unknown; image functions have none.",
    config_schema={"deprecatedRuntimes": {"type": "array", "items": {"type": "string"}}},
    config_defaults={"deprecatedRuntimes": DEPRECATED_RUNTIMES},
)
def lambda_function_supported_runtime(r: Resource, ctx: Context) -> Iterator[str]:
    runtime = r.props.string("runtime")
    if isinstance(runtime, str) and runtime in ctx.config["deprecatedRuntimes"]:
        yield f"function {r.name} uses the deprecated runtime {runtime}"


@resource_rule(
    name="lambda-permission-not-public",
    types=(PERMISSION,),
    description="Lambda permissions do not let any principal invoke the function.",
    severity=Severity.CRITICAL,
    category=Category.SECURITY,
    anchors=("pk:LambdaFunctionPublicAccessProhibited", "CKV_AWS_301", "SH Lambda.1"),
    rationale="`principal='*'` without a source or organisation condition makes it public;"
    " a source ARN with account `*` does not name a caller.",
    decided_by=("policyuniverse (condition values)",),
    fix="Name the principal and set source_arn / source_account / principal_org_id.",
    unknown="Skips the permission while its principal or conditions are unknown.",
)
def lambda_permission_not_public(r: Resource, ctx: Context) -> Iterator[str]:
    principal = r.props.string("principal")
    scopes = [r.props.get(k) for k in ("sourceArn", "sourceAccount", "principalOrgId")]
    if is_unknown(principal) or any(is_unknown(v) for v in scopes):
        return
    open_ = isinstance(principal, str) and principal_admits_anyone(principal)
    if open_ and not _scoped_by(r, *_SCOPES):
        yield f"permission {r.name} lets any principal ({principal}) invoke the function"


@resource_rule(
    name="lambda-permission-source-scoped",
    types=(PERMISSION,),
    description="A permission for an AWS service principal is scoped by source ARN or account.",
    severity=Severity.HIGH,
    category=Category.SECURITY,
    anchors=("crp:aws-lambda-permission-configure-source-arn", "CKV_AWS_364"),
    rationale="Without aws:SourceArn any resource of that service, in any account, can invoke it "
    "(confused deputy); a source ARN with account `*` is no better.",
    decided_by=("policyuniverse (condition values)",),
    fix="Set source_arn (the rule, topic or bucket ARN) or at least source_account.",
    unknown="Skips the permission while its principal or source is unknown.",
)
def lambda_permission_source_scoped(r: Resource, ctx: Context) -> Iterator[str]:
    principal = r.props.string("principal")
    source = [r.props.get("sourceArn"), r.props.get("sourceAccount")]
    if is_unknown(principal) or any(is_unknown(v) for v in source):
        return
    service = isinstance(principal, str) and principal.endswith(".amazonaws.com")
    if service and not _scoped_by(r, "sourceArn", "sourceAccount"):
        yield (
            f"permission {r.name} for {principal} has no source_arn or source_account that names"
            " our resources (a source ARN with account `*` admits every account's resources)"
        )


@resource_rule(
    name="lambda-function-url-auth",
    types=(FUNCTION_URL,),
    description="Function URLs require IAM auth and do not allow every CORS origin.",
    severity=Severity.CRITICAL,
    category=Category.SECURITY,
    anchors=("xtra:LambdaFunctionUrlAuth", "CKV_AWS_258", "CKV2_AWS_75"),
    rationale="authorization_type NONE exposes the function to the internet; `*` CORS origins "
    "let any site call it from a browser.",
    fix="Use authorization_type AWS_IAM and list the allowed origins.",
    unknown="Skips a field that is unknown.",
)
def lambda_function_url_auth(r: Resource, ctx: Context) -> Iterator[str]:
    auth = r.props.string("authorizationType")
    if auth == "NONE":
        yield f"function URL {r.name} has authorization_type NONE"
    origins = r.props.array("cors.allowOrigins")
    if isinstance(origins, list) and "*" in origins:
        yield f"function URL {r.name} allows every CORS origin"


@resource_rule(
    name="lambda-function-tracing",
    types=(FUNCTION,),
    description="Lambda functions have X-Ray active tracing.",
    severity=Severity.LOW,
    category=Category.RELIABILITY,
    anchors=(
        "Srv:LambdaTracing",
        "crp:aws-lambda-function-enable-tracing-config",
        "crp:aws-lambda-function-configure-tracing-config",
        "CKV_AWS_50",
    ),
    rationale="Traces are how an operator follows one event through bus, queue and function.",
    fix="Set tracing_config={'mode': 'Active'} (and allow xray:PutTraceSegments).",
    unknown="Skips the function while tracingConfig.mode is unknown.",
)
def lambda_function_tracing(r: Resource, ctx: Context) -> Iterator[str]:
    mode = r.props.string("tracingConfig.mode")
    if not is_unknown(mode) and mode != "Active":
        yield f"function {r.name} does not have active X-Ray tracing"


@resource_rule(
    name="lambda-function-reserved-concurrency",
    types=(FUNCTION,),
    description="Lambda functions set a function-level concurrency limit.",
    severity=Severity.LOW,
    category=Category.RELIABILITY,
    enforcement=Enforcement.ADVISORY,  # shared account concurrency is a capacity choice
    anchors=("pk:LambdaConcurrency", "CKV_AWS_115"),
    rationale="A limit stops one function from starving the account's concurrency and protects "
    "downstream stores; advisory because it also caps throughput.",
    fix="Set reserved_concurrent_executions.",
    unknown="Counts an unknown value as set.",
)
def lambda_function_reserved_concurrency(r: Resource, ctx: Context) -> Iterator[str]:
    value = r.props.number("reservedConcurrentExecutions")
    if not is_unknown(value) and (value is None or value < 0):  # type: ignore[operator]
        yield f"function {r.name} has no reserved concurrency"


@resource_rule(
    name="lambda-function-in-vpc",
    types=(FUNCTION,),
    description="Lambda functions run inside a VPC.",
    severity=Severity.LOW,
    category=Category.SECURITY,
    enforcement=Enforcement.ADVISORY,  # event-driven functions reaching only AWS APIs need none
    anchors=("pk:LambdaInsideVPC", "CKV_AWS_117", "SH Lambda.3"),
    rationale="A VPC gives network controls; advisory because functions that only call AWS "
    "APIs gain little and pay for endpoints (SH Lambda.3 is outside FSBP).",
    fix="Set vpc_config with private subnets and a security group.",
    unknown="Counts an unknown vpcConfig as set.",
)
def lambda_function_in_vpc(r: Resource, ctx: Context) -> Iterator[str]:
    subnets = r.props.array("vpcConfig.subnetIds")
    if isinstance(subnets, list) and not subnets:
        yield f"function {r.name} does not run in a VPC"


@resource_rule(
    name="lambda-function-vpc-multi-az",
    types=(FUNCTION,),
    description="A function in a VPC has at least two subnets.",
    severity=Severity.MEDIUM,
    category=Category.RELIABILITY,
    anchors=("SH Lambda.5",),
    rationale="One subnet is one AZ: an AZ outage stops the function (FSBP Lambda.5).",
    fix="Pass subnets in two or more availability zones.",
    unknown="Skips the function while its subnet list (or one entry) is unknown.",
)
def lambda_function_vpc_multi_az(r: Resource, ctx: Context) -> Iterator[str]:
    subnets = r.props.array("vpcConfig.subnetIds")
    known = isinstance(subnets, list) and not any(is_unknown(s) for s in subnets)
    if known and len(set(subnets)) == 1:  # type: ignore[arg-type]
        yield f"function {r.name} runs in a single subnet"


# The provider's Check fills in memory_size 128 and timeout 3 when a program leaves them out
# (terraform-provider-aws internal/service/lambda/function.go, schema defaults), so a pack sees
# the values, never their absence: the rule judges the values.
LAMBDA_DEFAULTS = {"memorySize": 128, "timeout": 3}


@resource_rule(
    name="lambda-function-memory-timeout-not-default",
    types=(FUNCTION,),
    description="Lambda functions do not run with the default memory size (128 MB) or timeout "
    "(3 s).",
    severity=Severity.MEDIUM,
    category=Category.RELIABILITY,
    anchors=("Srv:LambdaDefaultMemorySize", "Srv:LambdaDefaultTimeout"),
    rationale="The 128 MB / 3 s defaults are rarely right; the timeout also sizes the queue's "
    "visibility timeout. The provider fills them in when a program leaves them out, so the "
    "pack judges the values (an omitted value and an explicit default look the same).",
    fix="Set memory_size and timeout to values sized for the function.",
    unknown="Says it cannot decide while a value is unknown.",
)
def lambda_function_memory_timeout_not_default(r: Resource, ctx: Context) -> Iterator[str]:
    at_default = []
    for key, default in LAMBDA_DEFAULTS.items():
        value = r.props.number(key)
        if is_unknown(value):
            undecided(f"{key} of function {r.name}")
        elif value is None or value == default:
            at_default.append(f"{key} {default}")
    if at_default:
        yield f"function {r.name} runs with the default {' and '.join(at_default)}"


@resource_rule(
    name="lambda-function-env-encrypted",
    types=(FUNCTION,),
    description="Functions with environment variables encrypt them with a customer-managed key.",
    severity=Severity.MEDIUM,
    category=Category.SECURITY,
    anchors=("CKV_AWS_173",),
    rationale="The default key is AWS-managed; a CMK lets the key policy decide who reads them.",
    fix="Set kms_key_arn.",
    unknown="Skips while the variables or kmsKeyArn are unknown.",
)
def lambda_function_env_encrypted(r: Resource, ctx: Context) -> Iterator[str]:
    variables, key = r.props.get("environment.variables"), r.props.get("kmsKeyArn")
    if is_unknown(variables) or is_unknown(key):
        return
    if variables and not key:
        yield f"function {r.name} has environment variables but no kms_key_arn"


@resource_rule(
    name="lambda-function-no-secrets-in-env",
    types=(FUNCTION,),
    description="Environment variables hold no secret values (only references to them).",
    severity=Severity.CRITICAL,
    category=Category.SECURITY,
    anchors=("CKV_AWS_45",),
    rationale="Environment values are readable by anyone with lambda:GetFunctionConfiguration.",
    fix="Keep the secret in Secrets Manager / SSM and pass its ARN or name.",
    unknown="Skips a variable whose value is unknown.",
    decided_by=("detect-secrets",),
)
def lambda_function_no_secrets_in_env(r: Resource, ctx: Context) -> Iterator[str]:
    variables = r.props.get("environment.variables")
    if not isinstance(variables, dict):
        return
    for name, value in sorted(variables.items()):
        if isinstance(value, str) and (kinds := secrets_in_variable(name, value)):
            yield f"variable {name} holds {describe(kinds)}"


@resource_rule(
    name="lambda-function-code-signing",
    types=(FUNCTION,),
    description="Zip-packaged functions have a code signing configuration.",
    severity=Severity.LOW,
    category=Category.SECURITY,
    enforcement=Enforcement.ADVISORY,  # needs a signing profile the platform does not provide yet
    anchors=("CKV_AWS_272",),
    rationale="Code signing proves the deployed package is the reviewed one; advisory until a "
    "signer profile exists for the platform.",
    fix="Set code_signing_config_arn.",
    unknown="Counts an unknown value as set.",
)
def lambda_function_code_signing(r: Resource, ctx: Context) -> Iterator[str]:
    if r.props.get("packageType") == "Image":
        return
    if r.props.get("codeSigningConfigArn") is None:
        yield f"function {r.name} has no code signing configuration"


@resource_rule(
    name="lambda-function-description",
    types=(FUNCTION,),
    description="Lambda functions have a description.",
    severity=Severity.LOW,
    category=Category.HYGIENE,
    anchors=("crp:aws-lambda-function-missing-description",),
    rationale="An operator paged at night reads it first.",
    fix="Set description.",
    unknown="Counts an unknown value as set.",
)
def lambda_function_description(r: Resource, ctx: Context) -> Iterator[str]:
    value = r.props.get("description")
    if value is None or (isinstance(value, str) and not value.strip()):
        yield f"function {r.name} has no description"


@resource_rule(
    name="lambda-esm-report-batch-item-failures",
    types=(EVENT_SOURCE_MAPPING,),
    description="SQS event source mappings report partial batch failures.",
    severity=Severity.HIGH,
    category=Category.RELIABILITY,
    anchors=("stack-gap",),
    rationale="Without ReportBatchItemFailures one failed record makes the whole batch retry, "
    "reprocessing successes and pushing good messages to the DLQ (DESIGN traps).",
    fix="Set function_response_types=['ReportBatchItemFailures'] and return batchItemFailures.",
    unknown="An unknown eventSourceArn is taken as SQS when nothing marks a stream, MQ or "
    "Kafka source; skips while functionResponseTypes is unknown.",
)
def lambda_esm_report_batch_item_failures(r: Resource, ctx: Context) -> Iterator[str]:
    if _is_sqs_mapping(r) is False:
        return
    types = r.props.array("functionResponseTypes")
    if isinstance(types, list) and "ReportBatchItemFailures" not in types:
        yield f"event source mapping {r.name} does not report batch item failures"


@resource_rule(
    name="lambda-esm-batching-bounded",
    types=(EVENT_SOURCE_MAPPING,),
    description="SQS event source mappings set a bounded batch size and batching window.",
    severity=Severity.MEDIUM,
    category=Category.RELIABILITY,
    anchors=("stack-gap",),
    rationale="The batch size times per-record time must fit the function timeout; above 10 "
    "records AWS requires a batching window, which adds latency up to its length.",
    fix="Set batch_size (<= maxBatchSize) and, above 10, maximum_batching_window_in_seconds.",
    unknown="Skips a value that is unknown (the source is inferred as for "
    "lambda-esm-report-batch-item-failures).",
    config_schema={
        "maxBatchSize": {"type": "integer", "minimum": 1},
        "maxBatchingWindowSeconds": {"type": "integer", "minimum": 0},
    },
    config_defaults={"maxBatchSize": 100, "maxBatchingWindowSeconds": 60},
)
def lambda_esm_batching_bounded(r: Resource, ctx: Context) -> Iterator[str]:
    if _is_sqs_mapping(r) is False:
        return
    size, window = r.props.number("batchSize"), r.props.number("maximumBatchingWindowInSeconds")
    max_size, max_window = ctx.config["maxBatchSize"], ctx.config["maxBatchingWindowSeconds"]
    if size is None:
        yield f"event source mapping {r.name} leaves batch_size at the default"
    elif not is_unknown(size) and not 1 <= size <= max_size:  # type: ignore[operator]
        yield f"batch_size {int(size)} is outside 1..{max_size}"  # type: ignore[arg-type]
    elif not is_unknown(size) and size > 10 and not is_unknown(window) and not window:  # type: ignore[operator]
        yield f"batch_size {int(size)} above 10 needs maximum_batching_window_in_seconds"  # type: ignore[arg-type]
    if isinstance(window, float) and window > max_window:
        yield f"batching window {int(window)} s exceeds {max_window} s"


@resource_rule(
    name="lambda-esm-maximum-concurrency",
    types=(EVENT_SOURCE_MAPPING,),
    description="SQS event source mappings cap concurrency with scaling_config.",
    severity=Severity.LOW,
    category=Category.RELIABILITY,
    enforcement=Enforcement.ADVISORY,  # reserved concurrency on the function is the alternative
    anchors=("stack-gap",),
    rationale="maximumConcurrency bounds the pollers without throttling (throttled SQS "
    "invocations count as receives and can push messages to the DLQ).",
    fix="Set scaling_config={'maximum_concurrency': N} (2..1000).",
    unknown="Counts an unknown value as set.",
)
def lambda_esm_maximum_concurrency(r: Resource, ctx: Context) -> Iterator[str]:
    if _is_sqs_mapping(r) is False:
        return
    value = r.props.number("scalingConfig.maximumConcurrency")
    if value is None:
        yield f"event source mapping {r.name} has no maximum concurrency"
    elif not is_unknown(value) and not 2 <= value <= 1000:  # type: ignore[operator]
        yield f"maximum concurrency {int(value)} is outside 2..1000"  # type: ignore[arg-type]


@stack_rule(
    name="lambda-function-error-alarm",
    description="Every Lambda function has an alarm on its Errors metric with an action.",
    severity=Severity.HIGH,
    category=Category.RELIABILITY,
    anchors=("stack-gap", "seed:001_25b97f9ce409c2fa.txt"),
    rationale="Failing invocations are otherwise seen only by the users they fail (runbook "
    "seed 001: error-rate alerts per function); anchors only check that alarms have actions.",
    fix="Add a MetricAlarm on AWS/Lambda Errors, dimension FunctionName=<function name>, with "
    "alarm_actions.",
    unknown="Skips a function while an alarm's FunctionName dimension is unknown and not tied "
    "to it by a property dependency.",
)
def lambda_function_error_alarm(stack: Stack, ctx: Context) -> Iterator[Finding]:
    for fn in stack.of_type(FUNCTION):
        alarms = alarms_on(stack, "AWS/Lambda", ("Errors",), "FunctionName", fn)
        if alarms is UNKNOWN:
            continue
        if not [a for a in alarms if has_alarm_actions(a)]:  # type: ignore[union-attr]
            yield Finding.on(fn, f"function {fn.name} has no Errors alarm with an action")


def _function_log_group(stack: Stack, fn: StackResource) -> StackResource | object | None:
    """The function's log group: loggingConfig.logGroup, or /aws/lambda/<name>."""
    configured = fn.props.get("loggingConfig.logGroup")
    if is_unknown(configured):
        refs = stack.referenced(fn, "loggingConfig", LOG_GROUP)
        return refs[0] if isinstance(refs, list) and refs else UNKNOWN
    if configured:
        found = stack.find(configured, LOG_GROUP)
        return found if found is not None else "external"
    for group in stack.of_type(LOG_GROUP):
        if fn.urn in group.property_dependencies.get("name", ()):
            return group
    name = fn.props.get("name")
    if is_unknown(name):
        return UNKNOWN
    return stack.find(f"/aws/lambda/{name}", LOG_GROUP)


@stack_rule(
    name="lambda-function-log-group-retention",
    description="Every Lambda function writes to a log group of the stack that has a retention.",
    severity=Severity.MEDIUM,
    category=Category.COST,
    enforcement=Enforcement.MANDATORY,  # Lambda's own log group never expires
    anchors=("xtra:LambdaLogging",),
    rationale="Lambda creates /aws/lambda/<name> on first invoke with no retention, outside the "
    "program: logs are kept forever and the group survives the stack.",
    fix="Create the log group (/aws/lambda/<name> or logging_config.log_group) with "
    "retention_in_days.",
    unknown="Skips a function while its name or logging config is unknown; a log group "
    "configured outside the stack is trusted.",
)
def lambda_function_log_group_retention(stack: Stack, ctx: Context) -> Iterator[Finding]:
    for fn in stack.of_type(FUNCTION):
        group = _function_log_group(stack, fn)
        if group is UNKNOWN or group == "external":
            continue
        if not isinstance(group, StackResource):
            yield Finding.on(fn, f"function {fn.name} has no log group in the stack")
            continue
        days = group.props.number("retentionInDays")
        if not is_unknown(days) and not days:
            yield Finding.on(fn, f"log group of function {fn.name} has no retention")


@stack_rule(
    name="lambda-function-failure-destination",
    description="Asynchronously invoked functions have a DLQ or an on-failure destination.",
    severity=Severity.MEDIUM,
    category=Category.RELIABILITY,
    enforcement=Enforcement.ADVISORY,  # a function may be invoked only synchronously
    anchors=("Srv:LambdaDLQ", "pk:LambdaDLQ", "CKV_AWS_116", "Srv:LambdaAsyncFailureDestination"),
    rationale="Async events that fail after two retries are dropped without one. Functions "
    "fed only by event source mappings (synchronous polling) are exempt: the queue's DLQ "
    "covers them. Advisory: the pack cannot see every invoker.",
    fix="Set dead_letter_config or an aws.lambda_.FunctionEventInvokeConfig with "
    "destination_config.on_failure.",
    unknown="Counts an unknown DLQ or destination as set.",
)
def lambda_function_failure_destination(stack: Stack, ctx: Context) -> Iterator[Finding]:
    polled: set[str] = set()
    for mapping in stack.of_type(EVENT_SOURCE_MAPPING):
        refs = stack.referenced(mapping, "functionName", FUNCTION)
        if isinstance(refs, list):
            polled.update(f.urn for f in refs)
    configured: set[str] = set()
    for config in stack.of_type(EVENT_INVOKE_CONFIG):
        refs = stack.referenced(config, "functionName", FUNCTION)
        destination = config.props.get("destinationConfig.onFailure.destination")
        if isinstance(refs, list) and destination is not None:
            configured.update(f.urn for f in refs)
    for fn in stack.of_type(FUNCTION):
        if fn.urn in polled or fn.urn in configured:
            continue
        if fn.props.get("deadLetterConfig.targetArn") is None:
            yield Finding.on(fn, f"function {fn.name} has no DLQ or on-failure destination")


def _role_documents(stack: Stack, role: StackResource) -> list[object]:
    """Policy documents of a role: inline policies, RolePolicy and attached Policy resources."""
    raw: list[object] = []
    inline = role.props.array("inlinePolicies")
    for item in inline if isinstance(inline, list) else []:
        if isinstance(item, dict):
            raw.append(item.get("policy"))
    for policy in stack.of_type(ROLE_POLICY):
        refs = stack.referenced(policy, "role", ROLE)
        if isinstance(refs, list) and role in refs:
            raw.append(policy.props.get("policy"))
    for attachment in stack.of_type(ROLE_POLICY_ATTACHMENT):
        refs = stack.referenced(attachment, "role", ROLE)
        if isinstance(refs, list) and role in refs:
            policies = stack.referenced(attachment, "policyArn", IAM_POLICY)
            for policy in policies if isinstance(policies, list) else []:
                raw.append(policy.props.get("policy"))
    return [parse_policy(r) for r in raw]


QUEUE_CONSUMER_ACTIONS = ("sqs:ReceiveMessage", "sqs:DeleteMessage")


@stack_rule(
    name="lambda-role-least-privilege",
    description="A function's role has no wildcard actions and scopes SQS consumption to the "
    "queues mapped to it.",
    severity=Severity.MEDIUM,
    category=Category.SECURITY,
    enforcement=Enforcement.ADVISORY,  # the IAM rules already refuse wildcards everywhere
    anchors=("Srv:LambdaStarPermissions", "stack-gap"),
    rationale="Anchors only detect wildcards; tying sqs:ReceiveMessage to the ARNs of the "
    "queues the function actually consumes catches a role copied from another function.",
    fix="Grant sqs:ReceiveMessage/DeleteMessage/GetQueueAttributes on the mapped queue ARNs "
    "only; list actions instead of wildcards.",
    unknown="Says it cannot decide (advisory) "
    "for a function while its role, policies or mappings are unknown.",
)
def lambda_role_least_privilege(stack: Stack, ctx: Context) -> Iterator[Finding]:
    consumed: dict[str, set[str]] = {}  # function URN -> ARNs of the queues mapped to it
    unknown_urns: set[str] = set()
    unresolved = False
    for mapping in stack.of_type(EVENT_SOURCE_MAPPING):
        queues = stack.referenced(mapping, "eventSourceArn", QUEUE)
        functions = stack.referenced(mapping, "functionName", FUNCTION)
        if queues is UNKNOWN or functions is UNKNOWN:
            unresolved = True
            continue
        for fn in functions:  # type: ignore[union-attr]
            for queue in queues:  # type: ignore[union-attr]
                arn = queue.props.get("arn")
                if isinstance(arn, str):
                    consumed.setdefault(fn.urn, set()).add(arn)
                else:
                    unknown_urns.add(fn.urn)
    for fn in stack.of_type(FUNCTION):
        roles = stack.referenced(fn, "role", ROLE)
        if roles is UNKNOWN or not roles:
            continue
        mapped = consumed.get(fn.urn, set())
        unknown = unresolved or fn.urn in unknown_urns
        for role in roles:  # type: ignore[union-attr]
            docs = _role_documents(stack, role)
            if any(d is UNKNOWN for d in docs):
                undecided(f"a policy of role {role.name}")
                continue
            for doc in docs:
                if not isinstance(doc, PolicyDocument):
                    continue
                for s in doc.allow_statements():
                    if s.wildcard_actions():
                        yield Finding.on(
                            fn, f"role of {fn.name} allows wildcard actions {s.wildcard_actions()}"
                        )
                    elif not any(s.covers_action(a) for a in QUEUE_CONSUMER_ACTIONS):
                        continue
                    elif unknown:
                        undecided(f"the ARN of a queue mapped to {fn.name}")
                    else:
                        extra = [r for r in s.resources if r not in mapped]
                        if extra:
                            yield Finding.on(
                                fn,
                                f"role of {fn.name} may consume {extra}, not mapped to the "
                                "function",
                            )


RULES = [
    lambda_function_supported_runtime,
    lambda_permission_not_public,
    lambda_permission_source_scoped,
    lambda_function_url_auth,
    lambda_function_tracing,
    lambda_function_reserved_concurrency,
    lambda_function_in_vpc,
    lambda_function_vpc_multi_az,
    lambda_function_memory_timeout_not_default,
    lambda_function_env_encrypted,
    lambda_function_no_secrets_in_env,
    lambda_function_code_signing,
    lambda_function_description,
    lambda_esm_report_batch_item_failures,
    lambda_esm_batching_bounded,
    lambda_esm_maximum_concurrency,
    lambda_function_error_alarm,
    lambda_function_log_group_retention,
    lambda_function_failure_destination,
    lambda_role_least_privilege,
]

EXCLUDED_ANCHORS = {
    "xtra:LambdaLogLevel": "The application log level is a per-tier runtime setting (Powertools "
    "reads it from the environment), not a security or reliability property of the resource.",
    "Srv:LambdaEventSourceMappingDestination": "SQS mappings (the only ones on the platform) "
    "cannot have an on-failure destination; the queue's redrive policy is the DLQ "
    "(sqs-queue-has-dead-letter-queue).",
}
