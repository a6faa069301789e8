"""FargateService: a container service on Fargate behind an HTTPS-only ALB, every part explicit.

Built from ``pulumi_aws`` resources rather than awsx's Fargate components so that every security
group rule, listener, role and log group is ours and visible to the policy pack offline.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import pulumi
import pulumi_aws as aws

from components.containers.fargate_sizes import fargate_size_problem
from components.core.alarms import AlarmSpec, ExpressionAlarmSpec, MetricStat, create_alarm
from components.core.arg_types import typed_args
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
from components.core.secret_names import looks_like_secret_name
from components.core.settings import StateKind
from components.core.severity import Severity
from components.core.tags import checked_tags

__all__ = [
    "TLS_POLICY",
    "CpuArchitecture",
    "FargateService",
    "FargateServiceArgs",
    "SecretSource",
    "ServiceSecret",
]

COMPONENT = "FargateService"
RUNBOOK_PAGE = "ecs"
TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06"
LOG_RETENTION_DAYS = frozenset(
    {1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557}
    | {2922, 3288, 3653}
)
_ROOT_USERS = frozenset({"", "0", "root"})
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_CONTAINER_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,254}$")
_HEALTH_PATH = re.compile(r"^/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$")
_MATCHER = re.compile(r"^[1-5]\d\d(-[1-5]\d\d)?(,[1-5]\d\d(-[1-5]\d\d)?)*$")
_ECR_IMAGE = re.compile(
    r"^(?P<account>\d{12})\.dkr\.ecr\.(?P<region>[a-z0-9-]+)\.amazonaws\.com(\.cn)?/"
    r"(?P<repository>[a-z0-9._/-]+)(:[\w.-]+|@sha256:[0-9a-f]{64})$"
)
_CERTIFICATE = re.compile(r"^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate/[\w-]+$")
_WEB_ACL = re.compile(r"^arn:aws[a-z-]*:wafv2:[a-z0-9-]+:\d{12}:regional/webacl/.+$")
# The complete secret ARN: its name ends in the six random characters Secrets Manager adds; a
# partial ARN matches no IAM Resource of the execution role, so the task fails with
# AccessDenied. ECS accepts ``:json-key:version-stage:version-id`` after it:
# https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar-secrets-manager.html
_SECRET_ARN = re.compile(
    r"^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[\w/+=.@-]+-[A-Za-z0-9]{6}"
    r"(:[^:]*:[^:]*:[^:]*)?$"
)
_PARAMETER_ARN = re.compile(r"^arn:aws[a-z-]*:ssm:[a-z0-9-]+:\d{12}:parameter/.+$")
_KMS_KEY_ARN = re.compile(r"^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key/.+$")


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


@dataclass(frozen=True)
class _Resolved:
    min_capacity: int
    max_capacity: int
    desired: int
    ingress_cidrs: tuple[str, ...]
    retention: int
    ecr_repository_arn: pulumi.Input[str] | None


def _ecr_repository_arn(
    image: pulumi.Input[str], partition: pulumi.Input[str]
) -> pulumi.Output[str] | None:
    """The repository of an ECR ``image`` (None for other registries or an unknown image)."""
    if not isinstance(image, str):
        return None
    match = _ECR_IMAGE.match(image)
    if match is None:
        return None
    return pulumi.Output.concat(
        "arn:",
        partition,
        f":ecr:{match['region']}:{match['account']}:repository/{match['repository']}",
    )


def _resolve(args: FargateServiceArgs, context: PlatformContext) -> _Resolved:
    profile = context.profile
    low = profile.service_min_capacity if args.min_capacity is None else args.min_capacity
    high = profile.service_max_capacity if args.max_capacity is None else args.max_capacity
    if args.allowed_ingress_cidrs is not None:
        cidrs = tuple(args.allowed_ingress_cidrs)
    else:
        cidrs = () if args.internet_facing else (args.vpc_cidr,)
    return _Resolved(
        min_capacity=low,
        max_capacity=high,
        desired=low if args.desired_count is None else args.desired_count,
        ingress_cidrs=cidrs,
        retention=args.log_retention_days or profile.log_retention_days,
        ecr_repository_arn=args.ecr_repository_arn
        or _ecr_repository_arn(args.image, aws.get_partition_output().partition),
    )


def _image_problems(p: ProblemCollector, image: pulumi.Input[str]) -> None:
    if not isinstance(image, str):
        return
    if not p.check(bool(image.strip()), "image: must not be empty"):
        return
    last = image.rsplit("/", 1)[-1]
    p.check(
        "@sha256:" in image or (":" in last and not last.endswith(":latest")),
        f"image: {image!r} must carry an immutable tag or digest, not latest or no tag",
    )


def _cidr_ok(cidr: str) -> bool:
    try:
        return ipaddress.ip_network(cidr, strict=True).version == 4
    except ValueError:
        return False


def _placement_problems(p: ProblemCollector, args: FargateServiceArgs, r: _Resolved) -> None:
    p.check(_cidr_ok(args.vpc_cidr), f"vpc_cidr: {args.vpc_cidr!r} is not an IPv4 CIDR")
    p.check(
        len(args.private_subnet_ids) >= 2,
        "private_subnet_ids: give at least two subnets in different AZs, got"
        f" {len(args.private_subnet_ids)}",
    )
    if args.internet_facing:
        p.check(
            len(args.public_subnet_ids) >= 2,
            "public_subnet_ids: an internet-facing ALB needs at least two public subnets, got"
            f" {len(args.public_subnet_ids)}",
        )
        p.check(
            args.allowed_ingress_cidrs is not None and len(args.allowed_ingress_cidrs) > 0,
            "allowed_ingress_cidrs: an internet-facing ALB must name who may connect"
            " (e.g. ['0.0.0.0/0'] for a public site)",
        )
    for cidr in r.ingress_cidrs:
        p.check(_cidr_ok(cidr), f"allowed_ingress_cidrs: {cidr!r} is not an IPv4 CIDR")
    p.check(
        args.internet_facing or "0.0.0.0/0" not in r.ingress_cidrs,
        "allowed_ingress_cidrs: 0.0.0.0/0 on an internal ALB; name the client networks",
    )


def _container_problems(p: ProblemCollector, args: FargateServiceArgs) -> None:
    size_problem = fargate_size_problem(args.cpu, args.memory_mib)
    if size_problem:
        p.add(size_problem)
    p.check(
        1024 <= args.container_port <= 65535,
        f"container_port: must be 1024..65535 (a non-root user cannot bind lower ports),"
        f" got {args.container_port}",
    )
    uid = args.user.split(":", 1)[0].strip()
    p.check(
        uid.lower() not in _ROOT_USERS,
        f"user: {args.user!r} is root; containers run as a non-root uid[:gid] such as 1000:1000",
    )
    for name in args.environment:
        if not p.check(
            bool(_ENV_NAME.match(name)), f"environment.{name}: not a valid variable name"
        ):
            continue
        p.check(
            not looks_like_secret_name(name),
            f"environment.{name}: looks like a credential; pass it in secrets as a Secrets"
            " Manager or SSM parameter ARN (ServiceSecret.secrets_manager/ssm_parameter)",
        )
    names = [s.name for s in args.secrets]
    for name in sorted(
        {n for n in names if names.count(n) > 1} | (set(names) & set(args.environment))
    ):
        p.add(f"secrets.{name}: defined twice (in secrets and/or environment)")
    for index, secret in enumerate(args.secrets):
        where = f"secrets[{index}]"
        p.check(bool(_ENV_NAME.match(secret.name)), f"{where}.name: not a valid variable name")
        if isinstance(secret.value_from, str):
            pattern = (
                _SECRET_ARN if secret.source is SecretSource.SECRETS_MANAGER else _PARAMETER_ARN
            )
            p.check(
                bool(pattern.match(secret.value_from)),
                f"{where}.value_from: {secret.value_from!r} is not a"
                f" {'Secrets Manager secret' if pattern is _SECRET_ARN else 'SSM parameter'} ARN",
            )
    for index, arn in enumerate(args.secret_kms_key_arns):
        p.check(
            not isinstance(arn, str) or bool(_KMS_KEY_ARN.match(arn)),
            f"secret_kms_key_arns[{index}]: {arn!r} is not a KMS key ARN",
        )
    for path in args.writable_paths:
        p.check(
            path.startswith("/") and path != "/" and " " not in path,
            f"writable_paths: {path!r} must be an absolute path other than /",
        )


def _alb_problems(p: ProblemCollector, args: FargateServiceArgs, context: PlatformContext) -> None:
    if args.certificate_arn is None or args.certificate_arn == "":
        p.add(
            f"certificate_arn: required in {context.environment.value} (and every tier): the"
            " ALB serves HTTPS only; give an ACM certificate ARN"
        )
    elif isinstance(args.certificate_arn, str):
        p.check(
            bool(_CERTIFICATE.match(args.certificate_arn)),
            f"certificate_arn: {args.certificate_arn!r} is not an ACM certificate ARN",
        )
    p.check(
        bool(_HEALTH_PATH.match(args.health_check_path)) and len(args.health_check_path) <= 1024,
        f"health_check_path: {args.health_check_path!r} must be an absolute URL path such as"
        " /health",
    )
    p.check(
        bool(_MATCHER.match(args.health_check_matcher)),
        f"health_check_matcher: {args.health_check_matcher!r} must be HTTP codes such as 200"
        " or 200-399",
    )
    p.check(
        0 <= args.health_check_grace_period_seconds <= 2_147_483_647,
        "health_check_grace_period_seconds: must not be negative",
    )
    p.check(
        0 <= args.deregistration_delay_seconds <= 3600,
        f"deregistration_delay_seconds: must be 0..3600, got {args.deregistration_delay_seconds}",
    )
    p.check(
        args.access_logs_bucket is not None or args.access_logs_prefix is None,
        "access_logs_prefix: set only with access_logs_bucket",
    )
    p.check(
        not isinstance(args.web_acl_arn, str) or bool(_WEB_ACL.match(args.web_acl_arn)),
        f"web_acl_arn: {args.web_acl_arn!r} is not a regional WAFv2 web ACL ARN",
    )


def _scaling_problems(p: ProblemCollector, args: FargateServiceArgs, r: _Resolved) -> None:
    p.check(r.min_capacity >= 1, f"min_capacity: must be at least 1, got {r.min_capacity}")
    p.check(
        r.max_capacity >= r.min_capacity,
        f"max_capacity: {r.max_capacity} is below min_capacity {r.min_capacity}",
    )
    p.check(
        r.min_capacity <= r.desired <= r.max_capacity,
        f"desired_count: {r.desired} is outside min_capacity..max_capacity"
        f" ({r.min_capacity}..{r.max_capacity})",
    )
    p.check(
        10 <= args.cpu_target_percent <= 90,
        f"cpu_target_percent: must be 10..90, got {args.cpu_target_percent}",
    )
    p.check(args.requests_per_target >= 1, "requests_per_target: must be at least 1")
    p.check(
        0 < args.error_rate_alarm_percent <= 100,
        "error_rate_alarm_percent: must be in (0, 100]",
    )
    p.check(args.latency_p99_alarm_seconds > 0, "latency_p99_alarm_seconds: must be positive")
    p.check(
        0 < args.utilization_alarm_percent <= 100,
        "utilization_alarm_percent: must be in (0, 100]",
    )
    p.check(
        r.retention in LOG_RETENTION_DAYS,
        f"log_retention_days: {r.retention} is not a CloudWatch Logs retention value",
    )
    p.check(
        args.kms_key is None or KeyUse.LOGS in args.kms_key.uses,
        "kms_key: the key must admit CloudWatch Logs (KeyUse.LOGS)",
    )


def _validate(
    name: str, args: FargateServiceArgs, context: PlatformContext
) -> tuple[_Resolved, dict[str, str]]:
    """Raise one error naming every bad field; return the resolved sizes and merged tags."""
    p = ProblemCollector(COMPONENT)
    args = typed_args(p, args, FargateServiceArgs)
    with p.checking():
        resolved = _resolve(args, context)
        p.check(
            bool(_CONTAINER_NAME.match(name)),
            f"name: {name!r} names the container; use letters, digits, - and _",
        )
        _image_problems(p, args.image)
        _placement_problems(p, args, resolved)
        _container_problems(p, args)
        _alb_problems(p, args, context)
        _scaling_problems(p, args, resolved)
        if args.task_statements:
            try:
                validate_statements(args.task_statements, component=COMPONENT)
            except ComponentArgumentsError as error:
                p.extend(f"task_statements: {problem}" for problem in error.problems)
        tags = checked_tags(p, context.tags, args.tags)
    p.raise_if_any()
    return resolved, tags


def _execution_statements(
    args: FargateServiceArgs, resolved: _Resolved, log_group_arn: pulumi.Output[str]
) -> list[Statement]:
    """ECR pulls, writes to its own log group, the named secrets and their keys: nothing else."""
    statements: list[Statement] = []
    if resolved.ecr_repository_arn is not None:
        statements.append(
            Statement(
                sid="EcrAuthorization", actions=["ecr:GetAuthorizationToken"], resources=["*"]
            )
        )
        statements.append(
            Statement(
                sid="PullImage",
                actions=[
                    "ecr:BatchCheckLayerAvailability",
                    "ecr:BatchGetImage",
                    "ecr:GetDownloadUrlForLayer",
                ],
                resources=[resolved.ecr_repository_arn],
            )
        )
    statements.append(
        Statement(
            sid="WriteContainerLogs",
            actions=["logs:CreateLogStream", "logs:PutLogEvents"],
            resources=[log_group_arn.apply(lambda arn: f"{arn}:*")],
        )
    )
    by_source = {
        source: [s.iam_resource() for s in args.secrets if s.source is source]
        for source in SecretSource
    }
    if by_source[SecretSource.SECRETS_MANAGER]:
        statements.append(
            Statement(
                sid="ReadSecrets",
                actions=["secretsmanager:GetSecretValue"],
                resources=by_source[SecretSource.SECRETS_MANAGER],
            )
        )
    if by_source[SecretSource.SSM_PARAMETER]:
        statements.append(
            Statement(
                sid="ReadParameters",
                actions=["ssm:GetParameters"],
                resources=by_source[SecretSource.SSM_PARAMETER],
            )
        )
    if args.secret_kms_key_arns:
        statements.append(
            Statement(
                sid="DecryptSecrets",
                actions=["kms:Decrypt"],
                resources=list(args.secret_kms_key_arns),
            )
        )
    return statements


def container_definitions(
    name: str,
    args: FargateServiceArgs,
    log_group_name: str,
    region: str,
    image: str,
    secrets: Sequence[tuple[str, str]],
    environment: Sequence[tuple[str, str]],
) -> list[dict[str, Any]]:
    """The task's single container: read-only root, non-root, never privileged, awslogs."""
    volumes = _scratch_volumes(args.writable_paths)
    return [
        {
            "name": name,
            "image": image,
            "essential": True,
            "user": args.user,
            "privileged": False,
            "readonlyRootFilesystem": True,
            "portMappings": [
                {
                    "containerPort": args.container_port,
                    "hostPort": args.container_port,
                    "protocol": "tcp",
                }
            ],
            "environment": [{"name": k, "value": v} for k, v in sorted(environment)],
            "secrets": [{"name": k, "valueFrom": v} for k, v in sorted(secrets)],
            "mountPoints": [
                {"sourceVolume": volume, "containerPath": path, "readOnly": False}
                for volume, path in volumes
            ],
            "linuxParameters": {"initProcessEnabled": True},
            "logConfiguration": {
                "logDriver": "awslogs",
                "options": {
                    "awslogs-group": log_group_name,
                    "awslogs-region": region,
                    "awslogs-stream-prefix": name,
                },
            },
        }
    ]


def _scratch_volumes(paths: Sequence[str]) -> list[tuple[str, str]]:
    """``(volume name, container path)`` per writable path, e.g. ``("scratch-tmp", "/tmp")``."""
    return [
        ("scratch-" + (re.sub(r"[^A-Za-z0-9]+", "-", path).strip("-") or "root"), path)
        for path in paths
    ]


class FargateService(pulumi.ComponentResource):
    """A Fargate service in private subnets behind an HTTPS-only ALB.

    Parts: an ECS cluster with Container Insights; a task definition (awsvpc, validated CPU/
    memory, read-only root, non-root user, never privileged, awslogs to a KMS-encrypted log
    group, secrets only by ARN); separate execution and task roles; the service (no public IP,
    circuit breaker with rollback, 100/200 % deployments, grace period; ECS Exec stays off because
    AWS does not support it with a read-only root filesystem); the ALB (HTTPS with
    ``ELBSecurityPolicy-TLS13-1-2-2021-06``, HTTP only redirects, invalid headers dropped,
    defensive desync mitigation, tier deletion protection, optional access logs and WAF); an IP
    target group; chained security groups as separate rule resources; CPU and request-count
    target tracking; alarms (runbook ``docs/runbooks/ecs.md``).

    The task security group's egress is TCP 443 to 0.0.0.0/0: tasks reach AWS APIs (ECR, logs,
    Secrets Manager) through the NAT gateway or interface endpoints and nothing else.

    Attributes:
        cluster_name: the ECS cluster's name.
        service_name: the ECS service's name.
        alb_dns_name: DNS name of the load balancer (point a Route 53 alias at it).
        alb_arn: ARN of the load balancer.
        target_group_arn: ARN of the IP target group.
        alb_security_group_id: the ALB's security group (admit it elsewhere to chain further).
        service_security_group_id: the tasks' security group.
        log_group_name: container log group.
        alarms: the six ``MetricAlarm`` resources.
        execution_statements: the execution role's statements, as rendered.
        min_capacity: resolved minimum task count.
        max_capacity: resolved maximum task count.
    """

    cluster: aws.ecs.Cluster
    task_definition: aws.ecs.TaskDefinition
    service: aws.ecs.Service
    load_balancer: aws.lb.LoadBalancer
    target_group: aws.lb.TargetGroup
    https_listener: aws.lb.Listener
    http_listener: aws.lb.Listener
    execution_role: aws.iam.Role
    task_role: aws.iam.Role
    log_group: aws.cloudwatch.LogGroup
    alb_security_group: aws.ec2.SecurityGroup
    service_security_group: aws.ec2.SecurityGroup
    execution_statements: list[Statement]
    alarms: list[aws.cloudwatch.MetricAlarm]
    cluster_name: pulumi.Output[str]
    service_name: pulumi.Output[str]
    alb_dns_name: pulumi.Output[str]
    alb_arn: pulumi.Output[str]
    target_group_arn: pulumi.Output[str]
    alb_security_group_id: pulumi.Output[str]
    service_security_group_id: pulumi.Output[str]
    log_group_name: pulumi.Output[str]

    def __init__(
        self,
        name: str,
        context: PlatformContext,
        args: FargateServiceArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        resolved, tags = _validate(name, args, context)
        super().__init__(f"platform:containers:{COMPONENT}", name, None, opts)
        record_component_path(self, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.min_capacity = resolved.min_capacity
        self.max_capacity = resolved.max_capacity
        account = aws.get_caller_identity_output(opts=pulumi.InvokeOptions(parent=self)).account_id
        region = context.settings.region

        key = args.kms_key or CustomerManagedKey(
            f"{name}-logs-key", context, uses={KeyUse.LOGS}, opts=child, tags=args.tags
        )
        self.log_group = aws.cloudwatch.LogGroup(
            f"{name}-logs",
            name="/ecs/" + physical_name(context, name, Service.LOG_GROUP, within=self),
            retention_in_days=resolved.retention,
            kms_key_id=key.arn,
            tags=tags,
            opts=state_options(context, StateKind.LOG_GROUP, self),
        )
        self.cluster = aws.ecs.Cluster(
            f"{name}-cluster",
            name=physical_name(context, name, Service.ECS_CLUSTER, within=self),
            settings=[aws.ecs.ClusterSettingArgs(name="containerInsights", value="enabled")],
            tags=tags,
            opts=child,
        )
        self._roles(name, context, args, resolved, account, tags)
        self._task_definition(name, context, args, region, tags)
        self._security_groups(name, context, args, resolved, tags)
        self._load_balancer(name, context, args, resolved, tags)

        self.service = aws.ecs.Service(
            f"{name}-service",
            name=physical_name(context, name, Service.ECS_SERVICE, within=self),
            cluster=self.cluster.arn,
            task_definition=self.task_definition.arn,
            desired_count=resolved.desired,
            launch_type="FARGATE",
            platform_version="LATEST",
            scheduling_strategy="REPLICA",
            network_configuration=aws.ecs.ServiceNetworkConfigurationArgs(
                subnets=list(args.private_subnet_ids),
                security_groups=[self.service_security_group.id],
                assign_public_ip=False,
            ),
            load_balancers=[
                aws.ecs.ServiceLoadBalancerArgs(
                    target_group_arn=self.target_group.arn,
                    container_name=name,
                    container_port=args.container_port,
                )
            ],
            deployment_circuit_breaker=aws.ecs.ServiceDeploymentCircuitBreakerArgs(
                enable=True, rollback=True
            ),
            deployment_minimum_healthy_percent=100,
            deployment_maximum_percent=200,
            health_check_grace_period_seconds=args.health_check_grace_period_seconds,
            enable_execute_command=False,
            enable_ecs_managed_tags=True,
            propagate_tags="SERVICE",
            tags=tags,
            # The service needs the target group attached to a listener and its roles'
            # permissions first; autoscaling owns the desired count after creation.
            opts=pulumi.ResourceOptions(
                parent=self,
                depends_on=[self.https_listener, *self._policy_attachments],
                ignore_changes=["desiredCount"],
            ),
        )
        self.cluster_name = self.cluster.name
        self.service_name = self.service.name
        self._autoscaling(name, args, resolved, tags)
        self.alarms = self._alarms(name, context, args)

        self.alb_dns_name = self.load_balancer.dns_name
        self.alb_arn = self.load_balancer.arn
        self.target_group_arn = self.target_group.arn
        self.alb_security_group_id = self.alb_security_group.id
        self.service_security_group_id = self.service_security_group.id
        self.log_group_name = self.log_group.name
        self.register_outputs(
            {
                "cluster_name": self.cluster_name,
                "service_name": self.service_name,
                "alb_dns_name": self.alb_dns_name,
                "alb_arn": self.alb_arn,
                "target_group_arn": self.target_group_arn,
                "alb_security_group_id": self.alb_security_group_id,
                "service_security_group_id": self.service_security_group_id,
                "log_group_name": self.log_group_name,
            }
        )

    def _roles(
        self,
        name: str,
        context: PlatformContext,
        args: FargateServiceArgs,
        resolved: _Resolved,
        account: pulumi.Output[str],
        tags: dict[str, str],
    ) -> None:
        child = pulumi.ResourceOptions(parent=self)
        trust = account.apply(
            lambda a: json.dumps(service_trust_policy("ecs-tasks.amazonaws.com", a))
        )
        self.execution_role = aws.iam.Role(
            f"{name}-execution-role",
            name=physical_name(context, name, Service.IAM_ROLE, suffix="execution", within=self),
            description=f"ECS agent of {context.name_prefix}-{name}: pull image, write logs,"
            " read its secrets",
            assume_role_policy=trust,
            tags=tags,
            opts=child,
        )
        self.execution_statements = _execution_statements(args, resolved, self.log_group.arn)
        _, execution_attachment = attach_managed_policy(
            f"{name}-execution-policy",
            self.execution_role,
            policy_document(self.execution_statements, component=COMPONENT),
            policy_name=physical_name(
                context, name, Service.IAM_POLICY, suffix="execution", within=self
            ),
            description=f"ECS agent of {context.name_prefix}-{name}: pull image, write logs,"
            " read its secrets",
            tags=tags,
            opts=child,
        )
        self._policy_attachments: list[aws.iam.RolePolicyAttachment] = [execution_attachment]
        self.task_role = aws.iam.Role(
            f"{name}-task-role",
            name=physical_name(context, name, Service.IAM_ROLE, suffix="task", within=self),
            description=f"Application in {context.name_prefix}-{name}: only what it declares",
            assume_role_policy=trust,
            tags=tags,
            opts=child,
        )
        if args.task_statements:
            _, task_attachment = attach_managed_policy(
                f"{name}-task-policy",
                self.task_role,
                policy_document(list(args.task_statements), component=COMPONENT),
                policy_name=physical_name(
                    context, name, Service.IAM_POLICY, suffix="task", within=self
                ),
                description=f"Application in {context.name_prefix}-{name}: what it declares",
                tags=tags,
                opts=child,
            )
            self._policy_attachments.append(task_attachment)

    def _task_definition(
        self,
        name: str,
        context: PlatformContext,
        args: FargateServiceArgs,
        region: str,
        tags: dict[str, str],
    ) -> None:
        secret_pairs = [pulumi.Output.all(s.name, s.value_from) for s in args.secrets]
        env_pairs = [pulumi.Output.all(k, v) for k, v in args.environment.items()]
        definitions = pulumi.Output.all(
            self.log_group.name,
            args.image,
            pulumi.Output.all(*secret_pairs),
            pulumi.Output.all(*env_pairs),
        ).apply(
            lambda v: json.dumps(
                container_definitions(
                    name,
                    args,
                    v[0],
                    region,
                    v[1],
                    [(s[0], s[1]) for s in v[2]],
                    [(e[0], e[1]) for e in v[3]],
                ),
                sort_keys=True,
            )
        )
        self.task_definition = aws.ecs.TaskDefinition(
            f"{name}-task",
            family=physical_name(context, name, Service.ECS_TASK_FAMILY, within=self),
            requires_compatibilities=["FARGATE"],
            network_mode="awsvpc",
            cpu=str(args.cpu),
            memory=str(args.memory_mib),
            runtime_platform=aws.ecs.TaskDefinitionRuntimePlatformArgs(
                cpu_architecture=args.architecture.value,
                operating_system_family="LINUX",
            ),
            execution_role_arn=self.execution_role.arn,
            task_role_arn=self.task_role.arn,
            container_definitions=definitions,
            volumes=[
                aws.ecs.TaskDefinitionVolumeArgs(name=volume)
                for volume, _ in _scratch_volumes(args.writable_paths)
            ],
            tags=tags,
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _security_groups(
        self,
        name: str,
        context: PlatformContext,
        args: FargateServiceArgs,
        resolved: _Resolved,
        tags: dict[str, str],
    ) -> None:
        child = pulumi.ResourceOptions(parent=self)
        port = args.container_port
        self.alb_security_group = aws.ec2.SecurityGroup(
            f"{name}-alb-sg",
            name=physical_name(context, name, Service.SECURITY_GROUP, suffix="alb", within=self),
            description=f"ALB of {context.name_prefix}-{name}: HTTPS (and HTTP redirect) from"
            " allowed networks, to the service on its port",
            vpc_id=args.vpc_id,
            tags=tags,
            opts=child,
        )
        self.service_security_group = aws.ec2.SecurityGroup(
            f"{name}-service-sg",
            name=physical_name(
                context, name, Service.SECURITY_GROUP, suffix="service", within=self
            ),
            description=f"Tasks of {context.name_prefix}-{name}: from the ALB on {port} only,"
            " HTTPS out to AWS APIs",
            vpc_id=args.vpc_id,
            tags=tags,
            opts=child,
        )
        for index, cidr in enumerate(resolved.ingress_cidrs):
            for listener_port, what in ((443, "HTTPS"), (80, "HTTP, redirected to HTTPS")):
                aws.vpc.SecurityGroupIngressRule(
                    f"{name}-alb-in-{listener_port}-{index}",
                    security_group_id=self.alb_security_group.id,
                    description=f"{what} from {cidr}",
                    ip_protocol="tcp",
                    from_port=listener_port,
                    to_port=listener_port,
                    cidr_ipv4=cidr,
                    tags=tags,
                    opts=child,
                )
        aws.vpc.SecurityGroupEgressRule(
            f"{name}-alb-out-to-service",
            security_group_id=self.alb_security_group.id,
            description=f"To the service's tasks on {port}",
            ip_protocol="tcp",
            from_port=port,
            to_port=port,
            referenced_security_group_id=self.service_security_group.id,
            tags=tags,
            opts=child,
        )
        aws.vpc.SecurityGroupIngressRule(
            f"{name}-service-in-from-alb",
            security_group_id=self.service_security_group.id,
            description=f"From the ALB on {port}",
            ip_protocol="tcp",
            from_port=port,
            to_port=port,
            referenced_security_group_id=self.alb_security_group.id,
            tags=tags,
            opts=child,
        )
        aws.vpc.SecurityGroupEgressRule(
            f"{name}-service-out-https",
            security_group_id=self.service_security_group.id,
            description="HTTPS to AWS APIs (ECR, CloudWatch Logs, Secrets Manager) via NAT or"
            " VPC endpoints",
            ip_protocol="tcp",
            from_port=443,
            to_port=443,
            cidr_ipv4="0.0.0.0/0",
            tags=tags,
            opts=child,
        )

    def _load_balancer(
        self,
        name: str,
        context: PlatformContext,
        args: FargateServiceArgs,
        resolved: _Resolved,
        tags: dict[str, str],
    ) -> None:
        child = pulumi.ResourceOptions(parent=self)
        access_logs = (
            aws.lb.LoadBalancerAccessLogsArgs(
                bucket=args.access_logs_bucket, prefix=args.access_logs_prefix, enabled=True
            )
            if args.access_logs_bucket
            else None
        )
        self.load_balancer = aws.lb.LoadBalancer(
            f"{name}-alb",
            name=physical_name(context, name, Service.ALB, within=self),
            load_balancer_type="application",
            internal=not args.internet_facing,
            subnets=list(
                args.public_subnet_ids if args.internet_facing else args.private_subnet_ids
            ),
            security_groups=[self.alb_security_group.id],
            drop_invalid_header_fields=True,
            desync_mitigation_mode="defensive",
            enable_deletion_protection=context.profile.deletion_protection,
            access_logs=access_logs,
            idle_timeout=60,
            tags=tags,
            opts=child,
        )
        self.target_group = aws.lb.TargetGroup(
            f"{name}-tg",
            name=physical_name(context, name, Service.TARGET_GROUP, within=self),
            target_type="ip",
            protocol="HTTP",
            port=args.container_port,
            vpc_id=args.vpc_id,
            deregistration_delay=args.deregistration_delay_seconds,
            health_check=aws.lb.TargetGroupHealthCheckArgs(
                enabled=True,
                protocol="HTTP",
                port="traffic-port",
                path=args.health_check_path,
                matcher=args.health_check_matcher,
                interval=15,
                timeout=5,
                healthy_threshold=2,
                unhealthy_threshold=3,
            ),
            tags=tags,
            opts=child,
        )
        self.https_listener = aws.lb.Listener(
            f"{name}-https",
            load_balancer_arn=self.load_balancer.arn,
            port=443,
            protocol="HTTPS",
            ssl_policy=TLS_POLICY,
            certificate_arn=args.certificate_arn,
            default_actions=[
                aws.lb.ListenerDefaultActionArgs(
                    type="forward", target_group_arn=self.target_group.arn
                )
            ],
            tags=tags,
            opts=child,
        )
        self.http_listener = aws.lb.Listener(
            f"{name}-http-redirect",
            load_balancer_arn=self.load_balancer.arn,
            port=80,
            protocol="HTTP",
            default_actions=[
                aws.lb.ListenerDefaultActionArgs(
                    type="redirect",
                    redirect=aws.lb.ListenerDefaultActionRedirectArgs(
                        port="443", protocol="HTTPS", status_code="HTTP_301"
                    ),
                )
            ],
            tags=tags,
            opts=child,
        )
        if args.web_acl_arn is not None:
            aws.wafv2.WebAclAssociation(
                f"{name}-waf",
                resource_arn=self.load_balancer.arn,
                web_acl_arn=args.web_acl_arn,
                opts=child,
            )

    def _autoscaling(
        self, name: str, args: FargateServiceArgs, resolved: _Resolved, tags: dict[str, str]
    ) -> None:
        child = pulumi.ResourceOptions(parent=self)
        target = aws.appautoscaling.Target(
            f"{name}-scaling-target",
            service_namespace="ecs",
            scalable_dimension="ecs:service:DesiredCount",
            resource_id=pulumi.Output.concat("service/", self.cluster.name, "/", self.service.name),
            min_capacity=resolved.min_capacity,
            max_capacity=resolved.max_capacity,
            tags=tags,
            opts=child,
        )
        policies = {
            "cpu": (
                "ECSServiceAverageCPUUtilization",
                None,
                args.cpu_target_percent,
            ),
            "requests": (
                "ALBRequestCountPerTarget",
                pulumi.Output.concat(
                    self.load_balancer.arn_suffix, "/", self.target_group.arn_suffix
                ),
                float(args.requests_per_target),
            ),
        }
        for suffix, (metric, label, value) in policies.items():
            aws.appautoscaling.Policy(
                f"{name}-scale-on-{suffix}",
                policy_type="TargetTrackingScaling",
                service_namespace=target.service_namespace,
                scalable_dimension=target.scalable_dimension,
                resource_id=target.resource_id,
                target_tracking_scaling_policy_configuration=(
                    aws.appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationArgs(
                        target_value=value,
                        predefined_metric_specification=aws.appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationPredefinedMetricSpecificationArgs(
                            predefined_metric_type=metric, resource_label=label
                        ),
                        scale_in_cooldown=300,
                        scale_out_cooldown=60,
                    )
                ),
                opts=child,
            )

    def _alarms(
        self, name: str, context: PlatformContext, args: FargateServiceArgs
    ) -> list[aws.cloudwatch.MetricAlarm]:
        """ALB 5xx rate, unhealthy targets, p99 latency, CPU, memory, running < desired tasks."""
        child = pulumi.ResourceOptions(parent=self)
        alb = {"LoadBalancer": self.load_balancer.arn_suffix}
        target = {**alb, "TargetGroup": self.target_group.arn_suffix}
        service = {"ClusterName": self.cluster.name, "ServiceName": self.service.name}
        utilization = args.utilization_alarm_percent

        def ecs_metric(metric: str, dims: Mapping[str, Any], stat: str) -> MetricStat:
            return MetricStat(
                metric_name=metric,
                namespace="ECS/ContainerInsights",
                dimensions=dims,
                statistic=stat,
            )

        specs: dict[str, AlarmSpec | ExpressionAlarmSpec] = {
            "alb-5xx": ExpressionAlarmSpec(
                description=f"{name}: more than {args.error_rate_alarm_percent}% of requests"
                " end in a 5xx (from the ALB or the targets).",
                expression="100 * (FILL(elb, 0) + FILL(tgt, 0)) / MAX([FILL(elb, 0) +"
                " FILL(tgt, 0), FILL(req, 0)])",
                label="5xx rate (%)",
                metrics={
                    "elb": MetricStat(
                        metric_name="HTTPCode_ELB_5XX_Count",
                        namespace="AWS/ApplicationELB",
                        dimensions=alb,
                        statistic="Sum",
                    ),
                    "tgt": MetricStat(
                        metric_name="HTTPCode_Target_5XX_Count",
                        namespace="AWS/ApplicationELB",
                        dimensions=target,
                        statistic="Sum",
                    ),
                    "req": MetricStat(
                        metric_name="RequestCount",
                        namespace="AWS/ApplicationELB",
                        dimensions=alb,
                        statistic="Sum",
                    ),
                },
                period_seconds=60,
                evaluation_periods=5,
                datapoints_to_alarm=3,
                threshold=args.error_rate_alarm_percent,
                comparison="GreaterThanThreshold",
                treat_missing_data="notBreaching",
                severity=Severity.P2,
                runbook_page=RUNBOOK_PAGE,
                runbook_anchor="alb-5xx",
            ),
            "unhealthy-targets": AlarmSpec(
                description=f"{name}: the target group has unhealthy tasks.",
                namespace="AWS/ApplicationELB",
                metric_name="UnHealthyHostCount",
                dimensions=target,
                statistic="Maximum",
                period_seconds=60,
                evaluation_periods=5,
                threshold=1,
                comparison="GreaterThanOrEqualToThreshold",
                treat_missing_data="notBreaching",
                severity=Severity.P3,
                runbook_page=RUNBOOK_PAGE,
                runbook_anchor="unhealthy-targets",
            ),
            "latency-p99": AlarmSpec(
                description=f"{name}: p99 target response time above"
                f" {args.latency_p99_alarm_seconds} s.",
                namespace="AWS/ApplicationELB",
                metric_name="TargetResponseTime",
                dimensions=target,
                extended_statistic="p99",
                period_seconds=60,
                evaluation_periods=5,
                datapoints_to_alarm=3,
                threshold=args.latency_p99_alarm_seconds,
                comparison="GreaterThanThreshold",
                treat_missing_data="notBreaching",
                severity=Severity.P3,
                runbook_page=RUNBOOK_PAGE,
                runbook_anchor="latency",
            ),
            "cpu-high": AlarmSpec(
                description=f"{name}: average CPU of the service above {utilization}%.",
                namespace="AWS/ECS",
                metric_name="CPUUtilization",
                dimensions=service,
                statistic="Average",
                period_seconds=60,
                evaluation_periods=10,
                threshold=utilization,
                comparison="GreaterThanOrEqualToThreshold",
                treat_missing_data="notBreaching",
                severity=Severity.P3,
                runbook_page=RUNBOOK_PAGE,
                runbook_anchor="cpu-high",
            ),
            "memory-high": AlarmSpec(
                description=f"{name}: average memory of the service above {utilization}%.",
                namespace="AWS/ECS",
                metric_name="MemoryUtilization",
                dimensions=service,
                statistic="Average",
                period_seconds=60,
                evaluation_periods=10,
                threshold=utilization,
                comparison="GreaterThanOrEqualToThreshold",
                treat_missing_data="notBreaching",
                severity=Severity.P3,
                runbook_page=RUNBOOK_PAGE,
                runbook_anchor="memory-high",
            ),
            # Missing data breaches: a service with no task metrics at all is not running.
            "running-tasks": ExpressionAlarmSpec(
                description=f"{name}: fewer tasks running than desired for 10 minutes.",
                expression="desired - running",
                label="tasks missing",
                metrics={
                    "desired": ecs_metric("DesiredTaskCount", service, "Maximum"),
                    "running": ecs_metric("RunningTaskCount", service, "Minimum"),
                },
                period_seconds=60,
                evaluation_periods=10,
                threshold=1,
                comparison="GreaterThanOrEqualToThreshold",
                treat_missing_data="breaching",
                severity=Severity.P2,
                runbook_page=RUNBOOK_PAGE,
                runbook_anchor="running-tasks",
            ),
        }
        return [
            create_alarm(f"{name}-{suffix}", context, spec, opts=child, tags=args.tags)
            for suffix, spec in specs.items()
        ]
