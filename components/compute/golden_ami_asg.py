"""GoldenAmiAsg: an Auto Scaling group of hardened instances from the golden AMI."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from components.compute.instance_types import instance_type_problem
from components.core.alarms import AlarmSpec, create_alarm
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
from components.core.naming import Service, physical_name, record_component_path
from components.core.secret_names import looks_like_secret_name
from components.core.settings import Tier
from components.core.severity import Severity
from components.core.tags import checked_tags

__all__ = [
    "GROUP_METRICS",
    "GROUP_NOTIFICATIONS",
    "SESSION_MANAGER_ACTIONS",
    "GoldenAmiAsg",
    "GoldenAmiAsgArgs",
    "IngressFrom",
]

COMPONENT = "GoldenAmiAsg"
RUNBOOK_PAGE = "asg"
# Session Manager's agent calls, spelt out (what AmazonSSMManagedInstanceCore grants for
# sessions, without its inventory/association/patching actions and without a managed policy).
SESSION_MANAGER_ACTIONS = (
    "ec2messages:AcknowledgeMessage",
    "ec2messages:DeleteMessage",
    "ec2messages:FailMessage",
    "ec2messages:GetEndpoint",
    "ec2messages:GetMessages",
    "ec2messages:SendReply",
    "ssmmessages:CreateControlChannel",
    "ssmmessages:CreateDataChannel",
    "ssmmessages:OpenControlChannel",
    "ssmmessages:OpenDataChannel",
)
GROUP_METRICS = (
    "GroupDesiredCapacity",
    "GroupInServiceInstances",
    "GroupMaxSize",
    "GroupMinSize",
    "GroupPendingInstances",
    "GroupTerminatingInstances",
    "GroupTotalInstances",
)
# What the group tells its notification topic (AwsSolutions-AS3): every launch and
# termination, and every failure of either.
GROUP_NOTIFICATIONS = (
    aws.autoscaling.NotificationType.INSTANCE_LAUNCH,
    aws.autoscaling.NotificationType.INSTANCE_LAUNCH_ERROR,
    aws.autoscaling.NotificationType.INSTANCE_TERMINATE,
    aws.autoscaling.NotificationType.INSTANCE_TERMINATE_ERROR,
)
_ADMIN_PORTS = frozenset({22, 3389})
_TOPIC_ARN = re.compile(r"^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$")
_AMI_ID = re.compile(r"^ami-[0-9a-f]{8}([0-9a-f]{9})?$")
_PARAMETER_NAME = re.compile(r"^/?[A-Za-z0-9_.\-/]{1,1011}$")
# NAME=literal, of any length: a value starting with ``$`` is read at boot, which is the fix.
_ASSIGNMENT = re.compile(r"\b([A-Za-z_][A-Za-z0-9_]*)\s*=\s*['\"]?[^\s'\"$]+")


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


@dataclass(frozen=True)
class _Resolved:
    min_size: int
    max_size: int
    desired: int
    spot: bool


def _resolve(args: GoldenAmiAsgArgs, context: PlatformContext) -> _Resolved:
    profile = context.profile
    low = profile.asg_min_size if args.min_size is None else args.min_size
    high = profile.asg_max_size if args.max_size is None else args.max_size
    return _Resolved(
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


def _capacity_problems(p: ProblemCollector, args: GoldenAmiAsgArgs, r: _Resolved) -> None:
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


def _validate(args: GoldenAmiAsgArgs, context: PlatformContext) -> tuple[_Resolved, dict[str, str]]:
    """Raise one error naming every bad field; return the resolved sizes and merged tags."""
    p = ProblemCollector(COMPONENT)
    args = typed_args(p, args, GoldenAmiAsgArgs)
    with p.checking():
        resolved = _resolve(args, context)
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


def instance_statements(
    partition: pulumi.Input[str],
    region: str,
    account: pulumi.Input[str],
    extra: Sequence[Statement] = (),
) -> list[Statement]:
    """Session Manager's agent actions (no SSH needed), then the caller's statements."""
    instances = pulumi.Output.concat(
        "arn:", partition, ":ec2:", region, ":", account, ":instance/*"
    )
    return [
        Statement(
            sid="RegisterWithSessionManager",
            actions=["ssm:UpdateInstanceInformation"],
            resources=[instances],
        ),
        Statement(
            sid="SessionManagerChannels",
            actions=list(SESSION_MANAGER_ACTIONS),
            resources=["*"],
        ),
        *extra,
    ]


class GoldenAmiAsg(pulumi.ComponentResource):
    """An Auto Scaling group in private subnets launched from the golden AMI.

    The AMI id is read with ``aws.ssm.get_parameter`` when the program runs, not with the
    launch template's ``resolve:ssm:`` form: a new golden AMI then shows up in the preview as a
    new launch-template version, goes through the same review and approval as any change, and
    rolls out by the group's instance refresh; with ``resolve:ssm:`` instances would silently
    start from whatever the parameter says at launch time, so one group could run several
    images and a rollback would need a parameter edit outside the change process.
    ``pinned_ami_id`` skips the lookup (roll back to a known image).

    The launch template requires IMDSv2 (hop limit 1, or 2 with ``containers_on_host``), has
    detailed monitoring, no public IP, no key pair and a gp3 root volume encrypted with a
    customer-managed key; instances get a role with Session Manager's actions only (written
    out, no AWS-managed policy) and a security group without SSH. The group spans the subnets,
    refreshes instances on a new template version (Rolling, 90 % healthy), rebalances capacity,
    collects group metrics, scales on CPU, propagates every tag and raises alarms (runbook
    ``docs/runbooks/asg.md``). The security group's egress is TCP 443 to 0.0.0.0/0 (Session
    Manager and AWS APIs via NAT or VPC endpoints).

    Attributes:
        asg_name: the Auto Scaling group's name.
        asg_arn: the Auto Scaling group's ARN.
        launch_template_id: the launch template's id.
        instance_role_arn: the instances' IAM role.
        security_group_id: the instances' security group.
        alarms: the three ``MetricAlarm`` resources.
        notification: the group's ``aws.autoscaling.Notification`` (None without a topic).
        policy_statements: the instance role's statements, as rendered.
        min_size: resolved minimum size.
        max_size: resolved maximum size.
    """

    launch_template: aws.ec2.LaunchTemplate
    group: aws.autoscaling.Group
    role: aws.iam.Role
    instance_profile: aws.iam.InstanceProfile
    security_group: aws.ec2.SecurityGroup
    policy_statements: list[Statement]
    alarms: list[aws.cloudwatch.MetricAlarm]
    notification: aws.autoscaling.Notification | None
    asg_name: pulumi.Output[str]
    asg_arn: pulumi.Output[str]
    launch_template_id: pulumi.Output[str]
    instance_role_arn: pulumi.Output[str]
    security_group_id: pulumi.Output[str]

    def __init__(
        self,
        name: str,
        context: PlatformContext,
        args: GoldenAmiAsgArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        resolved, tags = _validate(args, context)
        super().__init__(f"platform:compute:{COMPONENT}", name, None, opts)
        record_component_path(self, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.min_size = resolved.min_size
        self.max_size = resolved.max_size

        invoke = pulumi.InvokeOptions(parent=self)
        account = aws.get_caller_identity_output(opts=invoke).account_id
        partition = aws.get_partition_output(opts=invoke).partition
        key = args.kms_key or CustomerManagedKey(
            f"{name}-ebs-key", context, uses={KeyUse.AUTOSCALING_EBS}, opts=child, tags=args.tags
        )
        self._instance_identity(name, context, args, account, partition, tags)
        self._security_group(name, context, args, tags)
        image_id: pulumi.Input[str] = (
            args.pinned_ami_id
            if args.pinned_ami_id is not None
            else aws.ssm.get_parameter_output(
                name=str(args.ami_parameter_name), opts=pulumi.InvokeOutputOptions(parent=self)
            ).value
        )
        # The root volume mapping must name the AMI's own root device (/dev/xvda on Amazon
        # Linux, /dev/sda1 on Ubuntu/RHEL); any other name adds a second volume and leaves the
        # real root off gp3 and off the key:
        # https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/block-device-mapping-concepts.html
        root_device: pulumi.Output[str] = pulumi.Output.from_input(image_id).apply(
            lambda ami: (
                aws.ec2.get_ami_output(
                    filters=[aws.ec2.GetAmiFilterArgs(name="image-id", values=[ami])],
                    opts=pulumi.InvokeOutputOptions(parent=self),
                ).root_device_name
            )
        )
        self._launch_template(name, context, args, image_id, root_device, key, tags)
        self._group(name, context, args, resolved, tags)
        self.notification = (
            aws.autoscaling.Notification(
                f"{name}-notifications",
                group_names=[self.group.name],
                notifications=list(GROUP_NOTIFICATIONS),
                topic_arn=args.notification_topic_arn,
                opts=child,
            )
            if args.notification_topic_arn is not None
            else None
        )
        self.alarms = self._alarms(name, context, args, resolved)

        self.asg_name = self.group.name
        self.asg_arn = self.group.arn
        self.launch_template_id = self.launch_template.id
        self.instance_role_arn = self.role.arn
        self.security_group_id = self.security_group.id
        self.register_outputs(
            {
                "asg_name": self.asg_name,
                "asg_arn": self.asg_arn,
                "launch_template_id": self.launch_template_id,
                "instance_role_arn": self.instance_role_arn,
                "security_group_id": self.security_group_id,
            }
        )

    def _instance_identity(
        self,
        name: str,
        context: PlatformContext,
        args: GoldenAmiAsgArgs,
        account: pulumi.Output[str],
        partition: pulumi.Output[str],
        tags: dict[str, str],
    ) -> None:
        child = pulumi.ResourceOptions(parent=self)
        self.role = aws.iam.Role(
            f"{name}-instance-role",
            name=physical_name(context, name, Service.IAM_ROLE, suffix="instance", within=self),
            description=f"Instances of {context.name_prefix}-{name}: Session Manager and what"
            " the workload declares",
            assume_role_policy=account.apply(
                lambda a: json.dumps(service_trust_policy("ec2.amazonaws.com", a))
            ),
            tags=tags,
            opts=child,
        )
        self.policy_statements = instance_statements(
            partition, context.settings.region, account, args.statements
        )
        _, self._policy_attachment = attach_managed_policy(
            f"{name}-instance-policy",
            self.role,
            policy_document(self.policy_statements, component=COMPONENT),
            policy_name=physical_name(
                context, name, Service.IAM_POLICY, suffix="instance", within=self
            ),
            description=f"Instances of {context.name_prefix}-{name}: Session Manager and what"
            " the workload declares",
            tags=tags,
            opts=child,
        )
        self.instance_profile = aws.iam.InstanceProfile(
            f"{name}-instance-profile",
            name=physical_name(context, name, Service.IAM_INSTANCE_PROFILE, within=self),
            role=self.role.name,
            tags=tags,
            opts=child,
        )

    def _security_group(
        self, name: str, context: PlatformContext, args: GoldenAmiAsgArgs, tags: dict[str, str]
    ) -> None:
        child = pulumi.ResourceOptions(parent=self)
        self.security_group = aws.ec2.SecurityGroup(
            f"{name}-sg",
            name=physical_name(
                context, name, Service.SECURITY_GROUP, suffix="instances", within=self
            ),
            description=f"Instances of {context.name_prefix}-{name}: no SSH; only the listed"
            " security groups in, HTTPS out",
            vpc_id=args.vpc_id,
            tags=tags,
            opts=child,
        )
        for index, rule in enumerate(args.ingress):
            aws.vpc.SecurityGroupIngressRule(
                f"{name}-in-{index}",
                security_group_id=self.security_group.id,
                description=rule.description,
                ip_protocol="tcp",
                from_port=rule.port,
                to_port=rule.port,
                referenced_security_group_id=rule.security_group_id,
                tags=tags,
                opts=child,
            )
        aws.vpc.SecurityGroupEgressRule(
            f"{name}-out-https",
            security_group_id=self.security_group.id,
            description="HTTPS to Session Manager and AWS APIs via NAT or VPC endpoints",
            ip_protocol="tcp",
            from_port=443,
            to_port=443,
            cidr_ipv4="0.0.0.0/0",
            tags=tags,
            opts=child,
        )

    def _launch_template(
        self,
        name: str,
        context: PlatformContext,
        args: GoldenAmiAsgArgs,
        image_id: pulumi.Input[str],
        root_device: pulumi.Input[str],
        key: CustomerManagedKey,
        tags: dict[str, str],
    ) -> None:
        user_data = (
            base64.b64encode(args.user_data.encode("utf-8")).decode("ascii")
            if args.user_data is not None
            else None
        )
        self.launch_template = aws.ec2.LaunchTemplate(
            f"{name}-lt",
            name=physical_name(context, name, Service.LAUNCH_TEMPLATE, within=self),
            description=f"Golden-AMI instances of {context.name_prefix}-{name}",
            image_id=image_id,
            instance_type=args.instance_types[0],
            update_default_version=True,
            ebs_optimized="true",
            user_data=user_data,
            iam_instance_profile=aws.ec2.LaunchTemplateIamInstanceProfileArgs(
                arn=self.instance_profile.arn
            ),
            metadata_options=aws.ec2.LaunchTemplateMetadataOptionsArgs(
                http_endpoint="enabled",
                http_tokens="required",
                http_put_response_hop_limit=2 if args.containers_on_host else 1,
                instance_metadata_tags="disabled",
            ),
            monitoring=aws.ec2.LaunchTemplateMonitoringArgs(enabled=True),
            network_interfaces=[
                aws.ec2.LaunchTemplateNetworkInterfaceArgs(
                    device_index=0,
                    associate_public_ip_address="false",
                    delete_on_termination="true",
                    security_groups=[self.security_group.id],
                )
            ],
            block_device_mappings=[
                aws.ec2.LaunchTemplateBlockDeviceMappingArgs(
                    device_name=root_device,
                    ebs=aws.ec2.LaunchTemplateBlockDeviceMappingEbsArgs(
                        volume_type="gp3",
                        volume_size=args.root_volume_size_gb,
                        encrypted="true",
                        kms_key_id=key.arn,
                        delete_on_termination="true",
                    ),
                )
            ],
            tag_specifications=[
                aws.ec2.LaunchTemplateTagSpecificationArgs(resource_type=kind, tags=tags)
                for kind in ("instance", "volume", "network-interface")
            ],
            tags=tags,
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _group(
        self,
        name: str,
        context: PlatformContext,
        args: GoldenAmiAsgArgs,
        resolved: _Resolved,
        tags: dict[str, str],
    ) -> None:
        child = pulumi.ResourceOptions(parent=self)
        # The template's latest version: every new version (a new AMI, a changed setting)
        # changes the group and so starts an instance refresh.
        version = self.launch_template.latest_version.apply(str)
        mixed = resolved.spot or len(args.instance_types) > 1
        launch: dict[str, Any]
        if mixed:
            launch = {
                "mixed_instances_policy": aws.autoscaling.GroupMixedInstancesPolicyArgs(
                    launch_template=aws.autoscaling.GroupMixedInstancesPolicyLaunchTemplateArgs(
                        launch_template_specification=aws.autoscaling.GroupMixedInstancesPolicyLaunchTemplateLaunchTemplateSpecificationArgs(
                            launch_template_id=self.launch_template.id, version=version
                        ),
                        overrides=[
                            aws.autoscaling.GroupMixedInstancesPolicyLaunchTemplateOverrideArgs(
                                instance_type=instance_type
                            )
                            for instance_type in args.instance_types
                        ],
                    ),
                    instances_distribution=aws.autoscaling.GroupMixedInstancesPolicyInstancesDistributionArgs(
                        on_demand_base_capacity=0,
                        on_demand_percentage_above_base_capacity=0 if resolved.spot else 100,
                        spot_allocation_strategy="price-capacity-optimized",
                    ),
                )
            }
        else:
            launch = {
                "launch_template": aws.autoscaling.GroupLaunchTemplateArgs(
                    id=self.launch_template.id, version=version
                )
            }
        self.group = aws.autoscaling.Group(
            f"{name}-asg",
            name=physical_name(context, name, Service.AUTOSCALING_GROUP, within=self),
            vpc_zone_identifiers=list(args.subnet_ids),
            min_size=resolved.min_size,
            max_size=resolved.max_size,
            desired_capacity=resolved.desired,
            health_check_type="ELB" if args.target_group_arns else "EC2",
            health_check_grace_period=args.health_check_grace_period_seconds,
            target_group_arns=list(args.target_group_arns),
            default_cooldown=args.default_cooldown_seconds,
            capacity_rebalance=True,
            enabled_metrics=[aws.autoscaling.Metric(metric) for metric in GROUP_METRICS],
            metrics_granularity="1Minute",
            instance_refresh=aws.autoscaling.GroupInstanceRefreshArgs(
                strategy="Rolling",
                preferences=aws.autoscaling.GroupInstanceRefreshPreferencesArgs(
                    min_healthy_percentage=90,
                    instance_warmup=str(args.health_check_grace_period_seconds),
                ),
            ),
            tags=[
                aws.autoscaling.GroupTagArgs(key=key, value=value, propagate_at_launch=True)
                for key, value in sorted(tags.items())
            ],
            # Instances start with the role's permissions (Session Manager registers at boot);
            # scaling policies own the desired capacity after creation.
            opts=pulumi.ResourceOptions(
                parent=self,
                depends_on=[self._policy_attachment],
                ignore_changes=["desiredCapacity"],
            ),
            **launch,
        )
        aws.autoscaling.Policy(
            f"{name}-scale-on-cpu",
            autoscaling_group_name=self.group.name,
            policy_type="TargetTrackingScaling",
            estimated_instance_warmup=args.health_check_grace_period_seconds,
            target_tracking_configuration=aws.autoscaling.PolicyTargetTrackingConfigurationArgs(
                target_value=args.cpu_target_percent,
                predefined_metric_specification=aws.autoscaling.PolicyTargetTrackingConfigurationPredefinedMetricSpecificationArgs(
                    predefined_metric_type="ASGAverageCPUUtilization"
                ),
            ),
            opts=child,
        )

    def _alarms(
        self, name: str, context: PlatformContext, args: GoldenAmiAsgArgs, resolved: _Resolved
    ) -> list[aws.cloudwatch.MetricAlarm]:
        """CPU high, a failed status check, fewer in-service instances than the minimum."""
        child = pulumi.ResourceOptions(parent=self)
        group = {"AutoScalingGroupName": self.group.name}
        specs = {
            "cpu-high": AlarmSpec(
                description=f"{name}: average CPU of the group above {args.cpu_alarm_percent}%"
                " although it should have scaled out.",
                namespace="AWS/EC2",
                metric_name="CPUUtilization",
                dimensions=group,
                statistic="Average",
                period_seconds=60,
                evaluation_periods=15,
                threshold=args.cpu_alarm_percent,
                comparison="GreaterThanOrEqualToThreshold",
                treat_missing_data="notBreaching",
                severity=Severity.P3,
                runbook_page=RUNBOOK_PAGE,
                runbook_anchor="cpu-high",
            ),
            "status-check-failed": AlarmSpec(
                description=f"{name}: an instance fails its EC2 status checks.",
                namespace="AWS/EC2",
                metric_name="StatusCheckFailed",
                dimensions=group,
                statistic="Maximum",
                period_seconds=60,
                evaluation_periods=3,
                threshold=1,
                comparison="GreaterThanOrEqualToThreshold",
                treat_missing_data="notBreaching",
                severity=Severity.P2,
                runbook_page=RUNBOOK_PAGE,
                runbook_anchor="status-check-failed",
            ),
            # Missing data breaches: no group metrics means no group collecting them.
            "in-service-below-minimum": AlarmSpec(
                description=f"{name}: fewer in-service instances than the minimum"
                f" ({resolved.min_size}) for 10 minutes.",
                namespace="AWS/AutoScaling",
                metric_name="GroupInServiceInstances",
                dimensions=group,
                statistic="Minimum",
                period_seconds=60,
                evaluation_periods=10,
                threshold=resolved.min_size,
                comparison="LessThanThreshold",
                treat_missing_data="breaching",
                severity=Severity.P2,
                runbook_page=RUNBOOK_PAGE,
                runbook_anchor="in-service-below-minimum",
            ),
        }
        return [
            create_alarm(f"{name}-{suffix}", context, spec, opts=child, tags=args.tags)
            for suffix, spec in specs.items()
        ]
