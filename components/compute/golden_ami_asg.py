"""GoldenAmiAsg: an Auto Scaling group of hardened instances from the golden AMI.

The component reads top to bottom: validate, then the key, the instance identity, the security
group, the launch template, the group and the alarms, each built by a helper that returns it.
Its arguments are in ``golden_ami_args``, their checks in ``golden_ami_validation``, the builders
in ``instance_role``, ``launch_template`` and ``auto_scaling_group``, the alarms in
``golden_ami_alarms``; the names this module exported before the split are imported here, so
``components.compute.golden_ami_asg`` keeps working.
"""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from components.compute.auto_scaling_group import (
    GROUP_METRICS,
    GROUP_NOTIFICATIONS,
    cpu_scaling_policy,
    group_notification,
    scaling_group,
)
from components.compute.golden_ami_alarms import RUNBOOK_PAGE, golden_ami_alarm_specs
from components.compute.golden_ami_args import COMPONENT, GoldenAmiAsgArgs, IngressFrom
from components.compute.golden_ami_validation import validate
from components.compute.instance_role import (
    SESSION_MANAGER_ACTIONS,
    instance_identity,
    instance_statements,
)
from components.compute.launch_template import (
    hardened_launch_template,
    instance_security_group,
    root_device_name,
)
from components.core.alarms import create_alarm
from components.core.context import PlatformContext
from components.core.iam import Statement
from components.core.kms import CustomerManagedKey, KeyUse
from components.core.naming import Service, physical_name, record_component_path

__all__ = [
    "COMPONENT",
    "GROUP_METRICS",
    "GROUP_NOTIFICATIONS",
    "RUNBOOK_PAGE",
    "SESSION_MANAGER_ACTIONS",
    "GoldenAmiAsg",
    "GoldenAmiAsgArgs",
    "IngressFrom",
    "instance_statements",
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
        launch_template: the launch template the group launches from.
        group: the Auto Scaling group.
        role: the instances' IAM role (only ``ec2.amazonaws.com`` may assume it).
        instance_profile: the instance profile holding ``role``.
        security_group: the instances' security group (no SSH in, HTTPS out).
        policy_statements: the instance role's statements, as rendered.
        alarms: the three ``MetricAlarm`` resources.
        notification: the group's ``aws.autoscaling.Notification`` (None without a topic).
        asg_name: the Auto Scaling group's name.
        asg_arn: the Auto Scaling group's ARN.
        launch_template_id: the launch template's id.
        instance_role_arn: the ARN of the instances' IAM role.
        security_group_id: the id of the instances' security group.
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
    min_size: int
    max_size: int

    def __init__(
        self,
        name: str,
        context: PlatformContext,
        args: GoldenAmiAsgArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        resolved, tags = validate(args, context)
        super().__init__(f"platform:compute:{COMPONENT}", name, None, opts)
        record_component_path(self, opts)
        child = pulumi.ResourceOptions(parent=self)
        invoke = pulumi.InvokeOptions(parent=self)
        account = aws.get_caller_identity_output(opts=invoke).account_id
        partition = aws.get_partition_output(opts=invoke).partition
        instances = f"Instances of {context.name_prefix}-{name}"

        key = args.kms_key or CustomerManagedKey(
            f"{name}-ebs-key", context, uses={KeyUse.AUTOSCALING_EBS}, opts=child, tags=args.tags
        )
        identity = instance_identity(
            name,
            description=f"{instances}: Session Manager and what the workload declares",
            role_name=physical_name(
                context, name, Service.IAM_ROLE, suffix="instance", within=self
            ),
            policy_name=physical_name(
                context, name, Service.IAM_POLICY, suffix="instance", within=self
            ),
            profile_name=physical_name(context, name, Service.IAM_INSTANCE_PROFILE, within=self),
            partition=partition,
            region=context.settings.region,
            account=account,
            extra=args.statements,
            tags=tags,
            parent=self,
        )
        security_group = instance_security_group(
            name,
            group_name=physical_name(
                context, name, Service.SECURITY_GROUP, suffix="instances", within=self
            ),
            description=f"{instances}: no SSH; only the listed security groups in, HTTPS out",
            vpc_id=args.vpc_id,
            ingress=args.ingress,
            tags=tags,
            parent=self,
        )
        image_id: pulumi.Input[str] = (
            args.pinned_ami_id
            if args.pinned_ami_id is not None
            else aws.ssm.get_parameter_output(
                name=str(args.ami_parameter_name), opts=pulumi.InvokeOutputOptions(parent=self)
            ).value
        )
        launch_template = hardened_launch_template(
            name,
            args,
            template_name=physical_name(context, name, Service.LAUNCH_TEMPLATE, within=self),
            description=f"Golden-AMI instances of {context.name_prefix}-{name}",
            image_id=image_id,
            root_device=root_device_name(image_id, parent=self),
            instance_profile_arn=identity.instance_profile.arn,
            security_group_id=security_group.id,
            key_arn=key.arn,
            tags=tags,
            parent=self,
        )
        group = scaling_group(
            name,
            args,
            resolved,
            group_name=physical_name(context, name, Service.AUTOSCALING_GROUP, within=self),
            launch_template=launch_template,
            role_attachment=identity.role.attachment,
            tags=tags,
            parent=self,
        )
        cpu_scaling_policy(name, args, group, parent=self)
        notification = (
            group_notification(name, args.notification_topic_arn, group, parent=self)
            if args.notification_topic_arn is not None
            else None
        )
        alarms = [
            create_alarm(f"{name}-{suffix}", context, spec, opts=child, tags=args.tags)
            for suffix, spec in golden_ami_alarm_specs(name, args, resolved, group.name).items()
        ]

        self.min_size = resolved.min_size
        self.max_size = resolved.max_size
        self.role = identity.role.role
        self.policy_statements = identity.statements
        self.instance_profile = identity.instance_profile
        self.security_group = security_group
        self.launch_template = launch_template
        self.group = group
        self.notification = notification
        self.alarms = alarms
        self.asg_name = group.name
        self.asg_arn = group.arn
        self.launch_template_id = launch_template.id
        self.instance_role_arn = identity.role.role.arn
        self.security_group_id = security_group.id
        self.register_outputs(
            {
                "asg_name": self.asg_name,
                "asg_arn": self.asg_arn,
                "launch_template_id": self.launch_template_id,
                "instance_role_arn": self.instance_role_arn,
                "security_group_id": self.security_group_id,
            }
        )
