"""The arguments of ``AlarmedFunction`` and the value types they use."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import pulumi

from components.compute.powertools import POWERTOOLS_LAYER_VERSION
from components.core.iam import Statement
from components.core.kms import CustomerManagedKey

__all__ = [
    "COMPONENT",
    "AlarmedFunctionArgs",
    "Architecture",
    "AsyncFailureDestination",
    "DestinationKind",
    "LogLevel",
    "Runtime",
    "VpcPlacement",
]

COMPONENT = "AlarmedFunction"


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
