"""The encrypted CloudWatch log group every component writes to (Lambda, ECS, VPC flow logs,
SNS delivery status): one customer-managed key, a retention CloudWatch accepts, the tier's
``protect``/``retain_on_delete``."""

from __future__ import annotations

from collections.abc import Mapping

import pulumi
import pulumi_aws as aws

from components.core.context import PlatformContext
from components.core.lifecycle import state_options
from components.core.settings import StateKind


def encrypted_log_group(
    resource_name: str,
    context: PlatformContext,
    *,
    name: pulumi.Input[str],
    kms_key_arn: pulumi.Input[str],
    retention_days: int | None,
    tags: Mapping[str, str],
    parent: pulumi.Resource,
) -> aws.cloudwatch.LogGroup:
    """Log group ``name`` encrypted with ``kms_key_arn`` (a key whose policy admits CloudWatch
    Logs, ``KeyUse.LOGS``), kept ``retention_days`` or the tier's default, a child of ``parent``
    holding state (protected in prod)."""
    return aws.cloudwatch.LogGroup(
        resource_name,
        name=name,
        retention_in_days=retention_days or context.profile.log_retention_days,
        kms_key_id=kms_key_arn,
        tags=dict(tags),
        opts=state_options(context, StateKind.LOG_GROUP, parent),
    )
