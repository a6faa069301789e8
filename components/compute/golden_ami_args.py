"""The arguments of ``GoldenAmiAsg``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi

from components.core.iam import Statement
from components.core.kms import CustomerManagedKey

__all__ = ["COMPONENT", "GoldenAmiAsgArgs", "IngressFrom"]

COMPONENT = "GoldenAmiAsg"


@dataclass(frozen=True, kw_only=True)
class IngressFrom:
    """Instances admit TCP ``port`` from the security group ``security_group_id`` only."""

    security_group_id: pulumi.Input[str]
    port: int
    description: str


@dataclass(frozen=True, kw_only=True)
class GoldenAmiAsgArgs:
    """Arguments of ``GoldenAmiAsg``; ``None`` means "the tier default".

    Args:
        ami_parameter_name: SSM parameter the golden-image pipeline publishes the AMI id to.
        pinned_ami_id: use this AMI instead (rollback to a known image); no lookup then.
        vpc_id: the VPC of the instances' security group.
        subnet_ids: private subnets, one per AZ; at least the tier's AZ count (2, prod 3).
        instance_types: first is the launch template's; more than one (or ``spot``) makes a
            mixed instances policy. They must match the AMI's architecture.
        spot: run above-base capacity on Spot (on-demand base 0); default on in dev only.
        containers_on_host: instances run containers that need the metadata service, so the
            hop limit is 2 instead of 1.
        root_volume_size_gb: gp3 root volume size (8..16384, default 30).
        user_data: a start-up script (plain text; it must not contain credentials).
        ingress: security groups admitted on a port (never 22/3389; use Session Manager).
        target_group_arns: load balancer target groups; the group then uses ELB health checks.
        statements: extra IAM statements for the instance role.
        min_size: fewest instances; default the tier's ``asg_min_size`` (2/2/3).
        max_size: most instances; default the tier's ``asg_max_size`` (4/4/9).
        desired_capacity: instances at creation (then scaling owns it); default the minimum.
        cpu_target_percent: target-tracking CPU target (default 60).
        health_check_grace_period_seconds: time before health checks count, also the
            instance warm-up of refreshes and scaling (default 300).
        default_cooldown_seconds: the group's default cooldown (default 300).
        cpu_alarm_percent: CPU alarm threshold (default 85).
        kms_key: EBS key (``KeyUse.AUTOSCALING_EBS``); created when omitted.
        notification_topic_arn: SNS topic told of every launch, termination and failure of
            either (e.g. the P4 alarm topic). Auto Scaling publishes as its service-linked role,
            so an encrypted topic's key must admit it (``KeyUse.SNS_FROM_AUTOSCALING``;
            ``AlarmTopicsArgs(allow_autoscaling=True)`` does so for the alarm topics).
        tags: extra tags, merged over the context's required tags; every tag propagates.
    """

    vpc_id: pulumi.Input[str]
    subnet_ids: Sequence[pulumi.Input[str]]
    ami_parameter_name: str | None = None
    pinned_ami_id: str | None = None
    instance_types: Sequence[str] = ("m7g.large",)
    spot: bool | None = None
    containers_on_host: bool = False
    root_volume_size_gb: int = 30
    user_data: str | None = None
    ingress: Sequence[IngressFrom] = ()
    target_group_arns: Sequence[pulumi.Input[str]] = ()
    statements: Sequence[Statement] = ()
    min_size: int | None = None
    max_size: int | None = None
    desired_capacity: int | None = None
    cpu_target_percent: float = 60.0
    health_check_grace_period_seconds: int = 300
    default_cooldown_seconds: int = 300
    cpu_alarm_percent: float = 85.0
    kms_key: CustomerManagedKey | None = None
    notification_topic_arn: pulumi.Input[str] | None = None
    tags: Mapping[str, str] = field(default_factory=dict)
