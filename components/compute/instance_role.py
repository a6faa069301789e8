"""The instances' identity in ``GoldenAmiAsg``: a role with Session Manager's actions (no SSH,
no AWS-managed policy) and the caller's statements, and the instance profile that carries it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.compute.golden_ami_args import COMPONENT
from components.core.iam import ServiceRole, Statement, policy_document, service_role

__all__ = [
    "SESSION_MANAGER_ACTIONS",
    "InstanceIdentity",
    "instance_identity",
    "instance_statements",
]

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


@dataclass(frozen=True)
class InstanceIdentity:
    """The instance role (with its policy and attachment, which the group ``depends_on``), the
    statements its policy grants and the instance profile the launch template names."""

    role: ServiceRole
    statements: list[Statement]
    instance_profile: aws.iam.InstanceProfile


def instance_identity(
    name: str,
    *,
    description: str,
    role_name: str,
    policy_name: str,
    profile_name: str,
    partition: pulumi.Input[str],
    region: str,
    account: pulumi.Input[str],
    extra: Sequence[Statement],
    tags: Mapping[str, str],
    parent: pulumi.Resource,
) -> InstanceIdentity:
    """Role ``<name>-instance-role`` only EC2 acting for ``account`` may assume, granted
    ``instance_statements`` by the policy ``<name>-instance-policy``, and the instance profile
    ``<name>-instance-profile`` holding it."""
    child = pulumi.ResourceOptions(parent=parent)
    statements = instance_statements(partition, region, account, extra)
    role = service_role(
        f"{name}-instance-role",
        service="ec2.amazonaws.com",
        account_id=account,
        role_name=role_name,
        role_description=description,
        policy_resource_name=f"{name}-instance-policy",
        policy_name=policy_name,
        document=policy_document(statements, component=COMPONENT),
        description=description,
        tags=tags,
        opts=child,
    )
    profile = aws.iam.InstanceProfile(
        f"{name}-instance-profile",
        name=profile_name,
        role=role.role.name,
        tags=dict(tags),
        opts=child,
    )
    return InstanceIdentity(role=role, statements=statements, instance_profile=profile)
