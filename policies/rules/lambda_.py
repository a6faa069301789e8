"""Lambda functions, permissions, function URLs and event source mappings."""

from __future__ import annotations

from collections.abc import Iterator

from ..lib import (
    Category,
    Context,
    Enforcement,
    Resource,
    Severity,
    is_unknown,
    resource_rule,
    undecided,
)
from ..lib.secrets import describe, secrets_in_variable
from ..lib.semantics import principal_admits_anyone, value_names_caller
from ._common import EVENT_SOURCE_MAPPING, FUNCTION, FUNCTION_URL, PERMISSION

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
]

EXCLUDED_ANCHORS = {
    "xtra:LambdaLogLevel": "The application log level is a per-tier runtime setting (Powertools "
    "reads it from the environment), not a security or reliability property of the resource.",
    "Srv:LambdaEventSourceMappingDestination": "SQS mappings (the only ones on the platform) "
    "cannot have an on-failure destination; the queue's redrive policy is the DLQ "
    "(sqs-queue-has-dead-letter-queue).",
}
