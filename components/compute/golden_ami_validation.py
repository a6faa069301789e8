"""Validation of ``GoldenAmiAsgArgs``: the tier's sizes resolved, then every problem at once,
before anything is registered."""

from __future__ import annotations

import re
from dataclasses import dataclass

from components.compute.golden_ami_args import COMPONENT, GoldenAmiAsgArgs
from components.compute.instance_types import instance_type_problem
from components.core.arg_types import typed_args
from components.core.context import PlatformContext
from components.core.errors import ComponentArgumentsError, ProblemCollector
from components.core.iam import validate_statements
from components.core.kms import KeyUse
from components.core.secret_names import looks_like_secret_name
from components.core.settings import Tier
from components.core.tags import checked_tags

__all__ = ["ResolvedCapacity", "resolve", "validate"]

_ADMIN_PORTS = frozenset({22, 3389})
_TOPIC_ARN = re.compile(r"^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$")
_AMI_ID = re.compile(r"^ami-[0-9a-f]{8}([0-9a-f]{9})?$")
_PARAMETER_NAME = re.compile(r"^/?[A-Za-z0-9_.\-/]{1,1011}$")
# NAME=literal, of any length: a value starting with ``$`` is read at boot, which is the fix.
_ASSIGNMENT = re.compile(r"\b([A-Za-z_][A-Za-z0-9_]*)\s*=\s*['\"]?[^\s'\"$]+")


@dataclass(frozen=True)
class ResolvedCapacity:
    """The group's sizes and Spot use, the tier's defaults filled in."""

    min_size: int
    max_size: int
    desired: int
    spot: bool


def resolve(args: GoldenAmiAsgArgs, context: PlatformContext) -> ResolvedCapacity:
    """``args``' sizes and Spot use, each ``None`` replaced by the tier's default."""
    profile = context.profile
    low = profile.asg_min_size if args.min_size is None else args.min_size
    high = profile.asg_max_size if args.max_size is None else args.max_size
    return ResolvedCapacity(
        min_size=low,
        max_size=high,
        desired=low if args.desired_capacity is None else args.desired_capacity,
        spot=context.environment is Tier.DEV if args.spot is None else args.spot,
    )


def _image_problems(p: ProblemCollector, args: GoldenAmiAsgArgs) -> None:
    if args.pinned_ami_id is not None:
        p.check(
            bool(_AMI_ID.match(args.pinned_ami_id)),
            f"pinned_ami_id: {args.pinned_ami_id!r} is not an AMI id (ami-0123456789abcdef0)",
        )
    elif p.check(
        bool(args.ami_parameter_name),
        "ami_parameter_name: required (the golden-image pipeline's SSM parameter) unless"
        " pinned_ami_id is given",
    ):
        assert args.ami_parameter_name is not None
        p.check(
            bool(_PARAMETER_NAME.match(args.ami_parameter_name)),
            f"ami_parameter_name: {args.ami_parameter_name!r} is not an SSM parameter name",
        )
    if p.check(bool(args.instance_types), "instance_types: give at least one instance type"):
        for index, instance_type in enumerate(args.instance_types):
            problem = instance_type_problem(instance_type)
            if problem is not None:
                p.add(f"instance_types[{index}]: {problem}")
        p.check(
            len(set(args.instance_types)) == len(args.instance_types),
            "instance_types: listed twice",
        )
    p.check(
        8 <= args.root_volume_size_gb <= 16384,
        f"root_volume_size_gb: must be 8..16384, got {args.root_volume_size_gb}",
    )
    if args.user_data is not None:
        for match in _ASSIGNMENT.finditer(args.user_data):
            p.check(
                not looks_like_secret_name(match.group(1)),
                f"user_data: assigns {match.group(1)}, which looks like a credential; read it"
                " from Secrets Manager or SSM at boot",
            )


def _placement_problems(
    p: ProblemCollector, args: GoldenAmiAsgArgs, context: PlatformContext
) -> None:
    needed = max(2, context.profile.az_count)
    p.check(
        len(args.subnet_ids) >= needed,
        f"subnet_ids: the {context.environment.value} tier needs at least {needed} subnets in"
        f" different AZs, got {len(args.subnet_ids)}",
    )
    known = [s for s in args.subnet_ids if isinstance(s, str)]
    p.check(len(set(known)) == len(known), "subnet_ids: the same subnet is listed twice")
    for index, rule in enumerate(args.ingress):
        where = f"ingress[{index}]"
        p.check(1 <= rule.port <= 65535, f"{where}.port: must be 1..65535, got {rule.port}")
        p.check(
            rule.port not in _ADMIN_PORTS,
            f"{where}.port: {rule.port} is an admin port; use Session Manager instead",
        )
        p.check(bool(rule.description.strip()), f"{where}.description: must not be empty")
    topic = args.notification_topic_arn
    p.check(
        not isinstance(topic, str) or bool(_TOPIC_ARN.match(topic)),
        f"notification_topic_arn: {topic!r} is not a standard SNS topic ARN",
    )


def _capacity_problems(p: ProblemCollector, args: GoldenAmiAsgArgs, r: ResolvedCapacity) -> None:
    p.check(r.min_size >= 1, f"min_size: must be at least 1, got {r.min_size}")
    p.check(r.max_size >= r.min_size, f"max_size: {r.max_size} is below min_size {r.min_size}")
    p.check(
        r.min_size <= r.desired <= r.max_size,
        f"desired_capacity: {r.desired} is outside min_size..max_size ({r.min_size}..{r.max_size})",
    )
    p.check(
        10 <= args.cpu_target_percent <= 90,
        f"cpu_target_percent: must be 10..90, got {args.cpu_target_percent}",
    )
    p.check(0 < args.cpu_alarm_percent <= 100, "cpu_alarm_percent: must be in (0, 100]")
    p.check(
        args.health_check_grace_period_seconds >= 0,
        "health_check_grace_period_seconds: must not be negative",
    )
    p.check(args.default_cooldown_seconds >= 0, "default_cooldown_seconds: must not be negative")
    p.check(
        args.kms_key is None or KeyUse.AUTOSCALING_EBS in args.kms_key.uses,
        "kms_key: the key must admit Auto Scaling's EBS use (KeyUse.AUTOSCALING_EBS)",
    )


def validate(
    args: GoldenAmiAsgArgs, context: PlatformContext
) -> tuple[ResolvedCapacity, dict[str, str]]:
    """Raise one error naming every bad field; return the resolved sizes and merged tags."""
    p = ProblemCollector(COMPONENT)
    args = typed_args(p, args, GoldenAmiAsgArgs)
    with p.checking():
        resolved = resolve(args, context)
        _image_problems(p, args)
        _placement_problems(p, args, context)
        _capacity_problems(p, args, resolved)
        if args.statements:
            try:
                validate_statements(args.statements, component=COMPONENT)
            except ComponentArgumentsError as error:
                p.extend(f"statements: {problem}" for problem in error.problems)
        tags = checked_tags(p, context.tags, args.tags)
    p.raise_if_any()
    return resolved, tags
