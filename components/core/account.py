"""Account prerequisites the platform's resources rely on, as resources of the program."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from components.core.context import PlatformContext

AUTOSCALING_SERVICE = "autoscaling.amazonaws.com"


def autoscaling_service_linked_role(
    context: PlatformContext, opts: pulumi.ResourceOptions | None = None
) -> aws.iam.ServiceLinkedRole:
    """``AWSServiceRoleForAutoScaling``, which key policies of Auto Scaling's EBS volumes and
    group notifications name; pass it to ``PlatformContext.with_autoscaling_role``.

    An account has at most one; the first Auto Scaling group creates it implicitly. Where it
    exists, adopt it once with ``pulumi import`` (README, "Deploying for real"):
    https://docs.aws.amazon.com/autoscaling/ec2/userguide/autoscaling-service-linked-role.html
    """
    return aws.iam.ServiceLinkedRole(
        "autoscaling-service-linked-role",
        aws_service_name=AUTOSCALING_SERVICE,
        tags=context.tags,
        opts=opts,
    )
