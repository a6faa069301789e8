"""The arguments of ``FargateService``: what the caller chooses, each field documented once.

Every other containers module reads these types; none of them builds anything.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import pulumi

from components.core.iam import Statement
from components.core.kms import CustomerManagedKey

__all__ = [
    "COMPONENT",
    "CpuArchitecture",
    "FargateServiceArgs",
    "SecretSource",
    "ServiceSecret",
]

COMPONENT = "FargateService"
"""The component's type name: its type token ends in it and its errors are reported under it."""


class CpuArchitecture(StrEnum):
    """CPU architecture of the tasks (the image must be built for it)."""

    ARM64 = "ARM64"
    X86_64 = "X86_64"


class SecretSource(StrEnum):
    """Where a container secret is kept."""

    SECRETS_MANAGER = "secretsmanager"
    SSM_PARAMETER = "ssm"


@dataclass(frozen=True, kw_only=True)
class ServiceSecret:
    """One secret injected as the environment variable ``name`` from its ARN.

    Use ``ServiceSecret.secrets_manager(name, arn)`` (a secret ARN, optionally with
    ``:json-key:version-stage:version-id``) or ``ServiceSecret.ssm_parameter(name, arn)``.
    """

    name: str
    value_from: pulumi.Input[str]
    source: SecretSource

    @classmethod
    def secrets_manager(cls, name: str, arn: pulumi.Input[str]) -> ServiceSecret:
        return cls(name=name, value_from=arn, source=SecretSource.SECRETS_MANAGER)

    @classmethod
    def ssm_parameter(cls, name: str, arn: pulumi.Input[str]) -> ServiceSecret:
        return cls(name=name, value_from=arn, source=SecretSource.SSM_PARAMETER)

    def iam_resource(self) -> pulumi.Input[str]:
        """The ARN IAM matches: a Secrets Manager ARN without its JSON key/version suffix."""
        if self.source is SecretSource.SECRETS_MANAGER and isinstance(self.value_from, str):
            return ":".join(self.value_from.split(":")[:7])
        return self.value_from


@dataclass(frozen=True, kw_only=True)
class FargateServiceArgs:
    """Arguments of ``FargateService``; ``None`` means "the tier default".

    Args:
        image: container image with an immutable tag or digest (not ``latest``). An ECR image
            given as a string gets pull rights on exactly its repository.
        ecr_repository_arn: the repository to pull from when ``image`` is an Output.
        container_port: port the container listens on (1024..65535: a non-root user cannot bind
            lower ports).
        cpu: task CPU units; with ``memory_mib`` a Fargate task size
            (``components.containers.fargate_sizes.FARGATE_SIZES``).
        memory_mib: task memory in MiB, valid for ``cpu``.
        architecture: ``ARM64`` (default) or ``X86_64``.
        user: ``uid[:gid]`` the container runs as; never root.
        environment: plain configuration; names that look like credentials are refused.
        secrets: values injected from Secrets Manager or SSM Parameter Store by ARN.
        secret_kms_key_arns: customer-managed keys those secrets are encrypted with.
        writable_paths: container paths backed by task-local scratch volumes (the root
            filesystem is read-only); default ``/tmp``.
        vpc_id: the VPC (e.g. ``Network.vpc_id``).
        vpc_cidr: its CIDR; the default client network of an internal ALB.
        private_subnet_ids: at least two, one per AZ (e.g. ``Network.private_subnet_ids``);
            tasks (and an internal ALB) always run here, without public IPs.
        public_subnet_ids: subnets of an internet-facing ALB (at least two).
        internet_facing: put the ALB in the public subnets (default internal, private subnets).
        certificate_arn: ACM certificate of the HTTPS listener; required in every tier (the dev
            stack passes its own certificate or a placeholder from config).
        allowed_ingress_cidrs: who may reach the ALB on 443 (and 80, which only redirects);
            default the VPC CIDR for an internal ALB; an internet-facing ALB must name them.
        health_check_path: path of the target group health check (default ``/health``).
        health_check_matcher: HTTP codes that count as healthy (default ``200-399``).
        health_check_grace_period_seconds: ECS ignores ALB health checks this long after a task
            starts (default 60).
        deregistration_delay_seconds: connection draining on scale-in and deploys (default 30).
        min_capacity: fewest tasks; default the tier's ``service_min_capacity`` (2/2/3).
        max_capacity: most tasks; default the tier's ``service_max_capacity`` (4/6/12).
        desired_count: tasks at creation (then autoscaling owns it); default the minimum.
        cpu_target_percent: target-tracking target for average CPU (default 60).
        requests_per_target: target-tracking target for ALB requests per task (default 1000).
        access_logs_bucket: S3 bucket for ALB access logs (optional; it needs the ELB bucket
            policy).
        access_logs_prefix: key prefix inside ``access_logs_bucket``.
        web_acl_arn: a regional WAFv2 web ACL to associate with the ALB (optional).
        task_statements: IAM statements of the task role (what the application calls).
        error_rate_alarm_percent: 5xx share of requests that raises ``alb-5xx`` (default 5).
        latency_p99_alarm_seconds: p99 target response time that raises ``latency`` (2 s).
        utilization_alarm_percent: CPU/memory average that raises ``cpu-high``/``memory-high``
            (default 85).
        log_retention_days: container log retention; default the tier's.
        kms_key: key of the log group (``KeyUse.LOGS``); created when omitted.
        tags: extra tags, merged over the context's required tags.
    """

    image: pulumi.Input[str]
    vpc_id: pulumi.Input[str]
    vpc_cidr: str
    private_subnet_ids: Sequence[pulumi.Input[str]]
    certificate_arn: pulumi.Input[str] | None
    public_subnet_ids: Sequence[pulumi.Input[str]] = ()
    ecr_repository_arn: pulumi.Input[str] | None = None
    container_port: int = 8080
    cpu: int = 512
    memory_mib: int = 1024
    architecture: CpuArchitecture = CpuArchitecture.ARM64
    user: str = "1000:1000"
    environment: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    secrets: Sequence[ServiceSecret] = ()
    secret_kms_key_arns: Sequence[pulumi.Input[str]] = ()
    writable_paths: Sequence[str] = ("/tmp",)
    internet_facing: bool = False
    allowed_ingress_cidrs: Sequence[str] | None = None
    health_check_path: str = "/health"
    health_check_matcher: str = "200-399"
    health_check_grace_period_seconds: int = 60
    deregistration_delay_seconds: int = 30
    min_capacity: int | None = None
    max_capacity: int | None = None
    desired_count: int | None = None
    cpu_target_percent: float = 60.0
    requests_per_target: int = 1000
    access_logs_bucket: str | None = None
    access_logs_prefix: str | None = None
    web_acl_arn: pulumi.Input[str] | None = None
    task_statements: Sequence[Statement] = ()
    error_rate_alarm_percent: float = 5.0
    latency_p99_alarm_seconds: float = 2.0
    utilization_alarm_percent: float = 85.0
    log_retention_days: int | None = None
    kms_key: CustomerManagedKey | None = None
    tags: Mapping[str, str] = field(default_factory=dict)
