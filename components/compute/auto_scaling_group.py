"""The Auto Scaling group of ``GoldenAmiAsg``, its CPU target tracking and its notifications."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pulumi
import pulumi_aws as aws

from components.compute.golden_ami_args import GoldenAmiAsgArgs
from components.compute.golden_ami_validation import ResolvedCapacity

__all__ = [
    "GROUP_METRICS",
    "GROUP_NOTIFICATIONS",
    "cpu_scaling_policy",
    "group_notification",
    "scaling_group",
]

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


def scaling_group(
    name: str,
    args: GoldenAmiAsgArgs,
    resolved: ResolvedCapacity,
    *,
    group_name: str,
    launch_template: aws.ec2.LaunchTemplate,
    role_attachment: aws.iam.RolePolicyAttachment,
    tags: Mapping[str, str],
    parent: pulumi.Resource,
) -> aws.autoscaling.Group:
    """Group ``<name>-asg`` across the subnets on the template's latest version: a launch
    template, or a mixed instances policy with several types or Spot; ELB health checks with
    target groups; Rolling refresh at 90 % healthy; every tag propagated at launch."""
    # The template's latest version: every new version (a new AMI, a changed setting)
    # changes the group and so starts an instance refresh.
    version = launch_template.latest_version.apply(str)
    mixed = resolved.spot or len(args.instance_types) > 1
    launch: dict[str, Any]
    if mixed:
        launch = {
            "mixed_instances_policy": aws.autoscaling.GroupMixedInstancesPolicyArgs(
                launch_template=aws.autoscaling.GroupMixedInstancesPolicyLaunchTemplateArgs(
                    launch_template_specification=aws.autoscaling.GroupMixedInstancesPolicyLaunchTemplateLaunchTemplateSpecificationArgs(
                        launch_template_id=launch_template.id, version=version
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
                id=launch_template.id, version=version
            )
        }
    return aws.autoscaling.Group(
        f"{name}-asg",
        name=group_name,
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
            parent=parent,
            depends_on=[role_attachment],
            ignore_changes=["desiredCapacity"],
        ),
        **launch,
    )


def cpu_scaling_policy(
    name: str, args: GoldenAmiAsgArgs, group: aws.autoscaling.Group, parent: pulumi.Resource
) -> aws.autoscaling.Policy:
    """Target tracking ``<name>-scale-on-cpu``: the group's average CPU at
    ``cpu_target_percent``."""
    return aws.autoscaling.Policy(
        f"{name}-scale-on-cpu",
        autoscaling_group_name=group.name,
        policy_type="TargetTrackingScaling",
        estimated_instance_warmup=args.health_check_grace_period_seconds,
        target_tracking_configuration=aws.autoscaling.PolicyTargetTrackingConfigurationArgs(
            target_value=args.cpu_target_percent,
            predefined_metric_specification=aws.autoscaling.PolicyTargetTrackingConfigurationPredefinedMetricSpecificationArgs(
                predefined_metric_type="ASGAverageCPUUtilization"
            ),
        ),
        opts=pulumi.ResourceOptions(parent=parent),
    )


def group_notification(
    name: str, topic_arn: pulumi.Input[str], group: aws.autoscaling.Group, parent: pulumi.Resource
) -> aws.autoscaling.Notification:
    """``<name>-notifications``: the group tells ``topic_arn`` of every ``GROUP_NOTIFICATIONS``."""
    return aws.autoscaling.Notification(
        f"{name}-notifications",
        group_names=[group.name],
        notifications=list(GROUP_NOTIFICATIONS),
        topic_arn=topic_arn,
        opts=pulumi.ResourceOptions(parent=parent),
    )
