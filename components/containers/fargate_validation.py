"""Resolve ``FargateServiceArgs`` against the tier and check them: every problem, one error.

``validate`` runs before the component registers anything, so a bad argument creates nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.containers.fargate_args import (
    COMPONENT,
    FargateServiceArgs,
    SecretSource,
)
from components.containers.fargate_sizes import fargate_size_problem
from components.core.arg_types import typed_args
from components.core.aws_values import ACM_CERTIFICATE_ARN, LOG_RETENTION_DAYS, ipv4_network
from components.core.context import PlatformContext
from components.core.errors import ComponentArgumentsError, ProblemCollector
from components.core.iam import validate_statements
from components.core.kms import KeyUse
from components.core.secret_names import looks_like_secret_name
from components.core.tags import checked_tags

__all__ = ["Resolved", "resolve", "validate"]

_ROOT_USERS = frozenset({"", "0", "root"})
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_CONTAINER_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,254}$")
_HEALTH_PATH = re.compile(r"^/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$")
_MATCHER = re.compile(r"^[1-5]\d\d(-[1-5]\d\d)?(,[1-5]\d\d(-[1-5]\d\d)?)*$")
_ECR_IMAGE = re.compile(
    r"^(?P<account>\d{12})\.dkr\.ecr\.(?P<region>[a-z0-9-]+)\.amazonaws\.com(\.cn)?/"
    r"(?P<repository>[a-z0-9._/-]+)(:[\w.-]+|@sha256:[0-9a-f]{64})$"
)
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


@dataclass(frozen=True)
class Resolved:
    """The arguments with the tier's defaults filled in."""

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


def resolve(args: FargateServiceArgs, context: PlatformContext) -> Resolved:
    """Fill in what ``args`` leave to the tier: capacities, the ALB's clients, log retention,
    and the ECR repository the image is pulled from."""
    profile = context.profile
    low = profile.service_min_capacity if args.min_capacity is None else args.min_capacity
    high = profile.service_max_capacity if args.max_capacity is None else args.max_capacity
    if args.allowed_ingress_cidrs is not None:
        cidrs = tuple(args.allowed_ingress_cidrs)
    else:
        cidrs = () if args.internet_facing else (args.vpc_cidr,)
    return Resolved(
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


def _placement_problems(p: ProblemCollector, args: FargateServiceArgs, r: Resolved) -> None:
    p.check(
        ipv4_network(args.vpc_cidr) is not None, f"vpc_cidr: {args.vpc_cidr!r} is not an IPv4 CIDR"
    )
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
        p.check(
            ipv4_network(cidr) is not None, f"allowed_ingress_cidrs: {cidr!r} is not an IPv4 CIDR"
        )
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
            bool(ACM_CERTIFICATE_ARN.match(args.certificate_arn)),
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


def _scaling_problems(p: ProblemCollector, args: FargateServiceArgs, r: Resolved) -> None:
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


def validate(
    name: str, args: FargateServiceArgs, context: PlatformContext
) -> tuple[Resolved, dict[str, str]]:
    """Raise one error naming every bad field; return the resolved sizes and merged tags."""
    p = ProblemCollector(COMPONENT)
    args = typed_args(p, args, FargateServiceArgs)
    with p.checking():
        resolved = resolve(args, context)
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
