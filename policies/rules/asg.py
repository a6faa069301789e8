"""Auto Scaling group rules (the launch template itself is judged by the EC2 rules)."""

from __future__ import annotations

from collections.abc import Iterable

from ..lib.rule import (
    Category,
    Context,
    Enforcement,
    Finding,
    Resource,
    Severity,
    resource_rule,
    stack_rule,
)
from ..lib.stack import Stack, StackResource
from ..lib.values import UNKNOWN, Unknown

GROUP = "aws:autoscaling/group:Group"
NOTIFICATION = "aws:autoscaling/notification:Notification"
ATTACHMENT = "aws:autoscaling/attachment:Attachment"
TRAFFIC_SOURCE_ATTACHMENT = "aws:autoscaling/trafficSourceAttachment:TrafficSourceAttachment"

# AwsSolutions-AS3: notifications for every scaling event.
SCALING_EVENTS = (
    "autoscaling:EC2_INSTANCE_LAUNCH",
    "autoscaling:EC2_INSTANCE_LAUNCH_ERROR",
    "autoscaling:EC2_INSTANCE_TERMINATE",
    "autoscaling:EC2_INSTANCE_TERMINATE_ERROR",
)


@resource_rule(
    name="asg-launch-template",
    types=(GROUP,),
    description="Groups launch from a launch template, not a launch configuration.",
    severity=Severity.MEDIUM,
    category=Category.SECURITY,
    rationale="Launch configurations are deprecated and lack IMDSv2 defaults and newer"
    " settings (CKV_AWS_315, SH AutoScaling.9); refusing them also covers their public-IP"
    " control (SH AutoScaling.5).",
    fix="Create an aws.ec2.LaunchTemplate and pass launch_template={'id': lt.id,"
    " 'version': '$Latest'} (or a mixed_instances_policy).",
    unknown="Skips the group while its launch settings are unknown.",
    anchors=("CKV_AWS_315", "SH AutoScaling.9", "SH AutoScaling.5"),
)
def launch_template(resource: Resource, context: Context) -> Iterable[str]:
    configuration = resource.props.string("launchConfiguration")
    template = resource.props.has("launchTemplate")
    mixed = resource.props.has("mixedInstancesPolicy.launchTemplate")
    if any(isinstance(v, Unknown) for v in (configuration, template, mixed)):
        return
    if configuration:
        yield f"the group uses launch configuration {configuration}"
    elif not template and not mixed:
        yield "the group has no launch template"


def _load_balanced(stack: Stack, group: StackResource) -> bool | None:
    """Whether the group serves a load balancer (None while that cannot be told)."""
    values = [group.props.array(p) for p in ("targetGroupArns", "loadBalancers", "trafficSources")]
    if any(isinstance(v, Unknown) for v in values):
        return None
    if any(values):
        return True
    for attachment in stack.of_type(ATTACHMENT, TRAFFIC_SOURCE_ATTACHMENT):
        targets = stack.referenced(attachment, "autoscalingGroupName", GROUP)
        if isinstance(targets, list) and group in targets:
            return True
    return False


@stack_rule(
    name="asg-elb-health-check",
    description="A group behind a load balancer (inline or through attachment resources) uses"
    " ELB health checks with a grace period.",
    severity=Severity.MEDIUM,
    category=Category.RELIABILITY,
    rationale="With EC2 checks only, instances whose app is down stay in service"
    " (AwsSolutions-AS2, pk:AutoScalingGroupELBHealthCheckRequired, CKV2_AWS_15,"
    " SH AutoScaling.1).",
    fix="Set health_check_type='ELB' and health_check_grace_period (seconds the app needs to"
    " boot).",
    unknown="Skips a group while its load balancer links or health check settings are unknown.",
    anchors=(
        "AwsSolutions-AS2",
        "pk:AutoScalingGroupELBHealthCheckRequired",
        "CKV2_AWS_15",
        "SH AutoScaling.1",
    ),
)
def elb_health_check(stack: Stack, context: Context) -> Iterable[Finding]:
    for group in stack.of_type(GROUP):
        kind = group.props.string("healthCheckType")
        grace = group.props.number("healthCheckGracePeriod")
        if (
            isinstance(kind, Unknown)
            or isinstance(grace, Unknown)
            or not _load_balanced(stack, group)
        ):
            continue
        if "ELB" not in (kind or "EC2").upper().split(","):
            yield Finding.on(
                group, f"group {group.name} serves a load balancer with EC2 health checks"
            )
        elif grace is not None and grace <= 0:
            yield Finding.on(group, f"group {group.name} has no health check grace period")


@resource_rule(
    name="asg-cooldown",
    types=(GROUP,),
    description="Groups set their default cooldown explicitly.",
    severity=Severity.LOW,
    category=Category.COST,
    rationale="A cooldown suited to the boot time avoids scaling twice for one spike"
    " (AwsSolutions-AS1).",
    fix="Set default_cooldown (seconds), e.g. the instance warm-up time.",
    unknown="Skips the group while the cooldown is unknown.",
    anchors=("AwsSolutions-AS1",),
)
def cooldown(resource: Resource, context: Context) -> Iterable[str]:
    if resource.props.has("defaultCooldown") is False:
        yield "defaultCooldown is not set"


@stack_rule(
    name="asg-notifications",
    description="Every group notifies an SNS topic of launches, terminations and their errors.",
    severity=Severity.LOW,
    category=Category.RELIABILITY,
    enforcement=Enforcement.ADVISORY,
    rationale="Failed launches are otherwise silent (AwsSolutions-AS3); advisory because"
    " CloudWatch alarms on group metrics can serve instead.",
    fix="Add aws.autoscaling.Notification(group_names=[group.name], topic_arn=...,"
    " notifications=[launch, launch error, terminate, terminate error]).",
    unknown="A notification whose group list is unknown counts for every group.",
    anchors=("AwsSolutions-AS3",),
)
def notifications(stack: Stack, context: Context) -> Iterable[Finding]:
    covered: dict[str, set[str]] = {}
    for notification in stack.of_type(NOTIFICATION):
        events = notification.props.array("notifications")
        groups = stack.referenced(notification, "groupNames", GROUP)
        if groups is UNKNOWN or isinstance(events, Unknown):
            return
        for group in groups if isinstance(groups, list) else []:
            covered.setdefault(group.urn, set()).update(e for e in events if isinstance(e, str))
    for group in stack.of_type(GROUP):
        missing = [e for e in SCALING_EVENTS if e not in covered.get(group.urn, set())]
        if missing:
            yield Finding.on(
                group, f"group {group.name} sends no notification for {', '.join(missing)}"
            )


@resource_rule(
    name="asg-multi-az",
    types=(GROUP,),
    description="Groups span at least two subnets (Availability Zones).",
    severity=Severity.MEDIUM,
    category=Category.RELIABILITY,
    rationale="A single-AZ group goes down with its AZ (SH AutoScaling.2).",
    fix="Pass vpc_zone_identifiers with subnets in at least two AZs.",
    unknown="Skips the group while its subnets and zones are unknown.",
    anchors=("SH AutoScaling.2",),
)
def multi_az(resource: Resource, context: Context) -> Iterable[str]:
    subnets = resource.props.array("vpcZoneIdentifiers")
    zones = resource.props.array("availabilityZones")
    if isinstance(subnets, Unknown) or isinstance(zones, Unknown):
        return
    count = max(len(subnets), len(zones))
    if count < 2:
        yield f"the group spans {count} subnet(s)/zone(s); at least 2 are required"


@resource_rule(
    name="asg-multiple-instance-types",
    types=(GROUP,),
    description="Groups can launch more than one instance type (mixed instances policy).",
    severity=Severity.LOW,
    category=Category.RELIABILITY,
    enforcement=Enforcement.ADVISORY,
    rationale="One instance type fails to scale when that type runs out of capacity in an AZ"
    " (SH AutoScaling.6); advisory because some workloads need one type.",
    fix="Use mixed_instances_policy with launch_template.overrides listing 2+ instance types"
    " (or instance_requirements).",
    unknown="Skips the group while its overrides are unknown.",
    anchors=("SH AutoScaling.6",),
)
def multiple_instance_types(resource: Resource, context: Context) -> Iterable[str]:
    overrides = resource.props.array("mixedInstancesPolicy.launchTemplate.overrides")
    if isinstance(overrides, Unknown):
        return
    types = {o.get("instanceType") for o in overrides if isinstance(o, dict)}
    flexible = any(isinstance(o, dict) and o.get("instanceRequirements") for o in overrides)
    if len(types - {None}) < 2 and not flexible:
        yield "the group launches a single instance type"


@resource_rule(
    name="asg-propagate-tags",
    types=(GROUP,),
    description="Groups have tags and propagate every one to the instances they launch.",
    severity=Severity.LOW,
    category=Category.COST,
    rationale="Untagged instances escape cost allocation and ownership (CKV_AWS_153).",
    fix="Pass tags=[{'key': k, 'value': v, 'propagate_at_launch': True} ...].",
    unknown="Skips the group while its tags are unknown.",
    anchors=("CKV_AWS_153",),
)
def propagate_tags(resource: Resource, context: Context) -> Iterable[str]:
    tags = resource.props.array("tags")
    if isinstance(tags, Unknown):
        return
    if not tags:
        yield "the group has no tags to propagate to its instances"
        return
    for tag in tags:
        flag = tag.get("propagateAtLaunch") if isinstance(tag, dict) else None
        if isinstance(tag, dict) and flag is not True and not isinstance(flag, Unknown):
            yield f"tag {tag.get('key')} is not propagated at launch"


RULES = [
    launch_template,
    elb_health_check,
    cooldown,
    notifications,
    multi_az,
    multiple_instance_types,
    propagate_tags,
]
