"""DataTable: an on-demand DynamoDB table under a customer-managed key, with TTL and alarms."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

import pulumi
import pulumi_aws as aws

from components.core.alarms import ExpressionAlarmSpec, MetricStat, create_alarm
from components.core.arg_types import check_arg_types
from components.core.context import PlatformContext
from components.core.errors import ProblemCollector
from components.core.kms import CustomerManagedKey, KeyUse
from components.core.lifecycle import state_options
from components.core.naming import Service, physical_name, record_component_path
from components.core.settings import StateKind
from components.core.severity import Severity
from components.core.tags import checked_tags

__all__ = ["AttributeType", "DataTable", "DataTableArgs", "KeyAttribute", "problems"]

COMPONENT = "DataTable"
_ATTRIBUTE_NAME_MAX = 255


class AttributeType(StrEnum):
    """DynamoDB key attribute types."""

    STRING = "S"
    NUMBER = "N"
    BINARY = "B"


@dataclass(frozen=True, kw_only=True)
class KeyAttribute:
    """One key attribute of the table: its name and DynamoDB type."""

    name: str
    type: AttributeType = AttributeType.STRING


@dataclass(frozen=True, kw_only=True)
class DataTableArgs:
    """Arguments of ``DataTable``; ``None`` means "the tier default".

    Args:
        partition_key: the hash key attribute.
        sort_key: the range key attribute, if the table has one.
        ttl_attribute: attribute holding the expiry time in epoch seconds; DynamoDB deletes an
            item some time after it passes. ``None`` keeps items until deleted.
        point_in_time_recovery: continuous backups for 35 days; default the tier's.
        deletion_protection: refuse ``DeleteTable``; default the tier's.
        kms_key: customer-managed key; when omitted the component creates one.
        throttle_alarm_threshold: throttled requests in 5 minutes that raise the alarm.
        tags: extra tags, merged over the context's required tags (which they may not change).
    """

    partition_key: KeyAttribute
    sort_key: KeyAttribute | None = None
    ttl_attribute: str | None = None
    point_in_time_recovery: bool | None = None
    deletion_protection: bool | None = None
    kms_key: CustomerManagedKey | None = None
    throttle_alarm_threshold: int = 1
    tags: Mapping[str, str] = field(default_factory=dict)


def problems(args: DataTableArgs, context: PlatformContext) -> list[str]:
    """Every problem of ``args``, registering nothing (a composing component calls this)."""
    p = ProblemCollector(COMPONENT)
    _check(p, args, context)
    return list(p.problems)


def _validate(args: DataTableArgs, context: PlatformContext) -> dict[str, str]:
    """Raise one error naming every bad field; return the merged tags."""
    p = ProblemCollector(COMPONENT)
    tags = _check(p, args, context)
    p.raise_if_any()
    return tags


def _check(p: ProblemCollector, args: DataTableArgs, context: PlatformContext) -> dict[str, str]:
    """Record every problem of ``args`` in ``p``; return the merged tags."""
    checked = check_arg_types(args, DataTableArgs)
    p.extend(checked.problems)
    p.settle(checked.ill_typed)
    if checked.usable is None:
        return {}
    args = checked.usable
    with p.checking():
        if not isinstance(args.partition_key, KeyAttribute):
            return checked_tags(p, context.tags, args.tags)  # reported with the type problems
        keys = [("partition_key", args.partition_key), ("sort_key", args.sort_key)]
        for field_name, key in keys:
            if key is None:
                continue
            p.check(
                0 < len(key.name) <= _ATTRIBUTE_NAME_MAX,
                f"{field_name}.name: must be 1..{_ATTRIBUTE_NAME_MAX} characters, got {key.name!r}",
            )
        if args.sort_key is not None:
            p.check(
                args.sort_key.name != args.partition_key.name,
                f"sort_key.name: must differ from partition_key.name ({args.partition_key.name!r})",
            )
        if args.ttl_attribute is not None:
            p.check(
                args.ttl_attribute not in {k.name for _, k in keys if k is not None},
                f"ttl_attribute: {args.ttl_attribute!r} is a key attribute; TTL needs a plain "
                "number attribute",
            )
            p.check(bool(args.ttl_attribute), "ttl_attribute: must not be empty")
        p.check(
            args.throttle_alarm_threshold >= 1,
            f"throttle_alarm_threshold: must be at least 1, got {args.throttle_alarm_threshold}",
        )
    return checked_tags(p, context.tags, args.tags)


class DataTable(pulumi.ComponentResource):
    """An on-demand DynamoDB table encrypted with a customer-managed key, point-in-time recovery
    and deletion protection by tier, optional TTL, and a throttling alarm.

    Attributes:
        table: the ``aws.dynamodb.Table``.
        table_name: physical table name.
        table_arn: table ARN (IAM grants use it).
        kms_key_arn: ARN of the key that encrypts the table.
        alarms: the throttling alarm.
    """

    table: aws.dynamodb.Table
    table_name: pulumi.Output[str]
    table_arn: pulumi.Output[str]
    kms_key_arn: pulumi.Output[str]
    alarms: list[aws.cloudwatch.MetricAlarm]

    def __init__(
        self,
        name: str,
        context: PlatformContext,
        args: DataTableArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        tags = _validate(args, context)
        super().__init__(f"platform:data:{COMPONENT}", name, None, opts)
        record_component_path(self, opts)
        child = pulumi.ResourceOptions(parent=self)
        profile = context.profile

        key = args.kms_key or CustomerManagedKey(
            f"{name}-key", context, uses={KeyUse.DYNAMODB}, opts=child, tags=args.tags
        )
        self.kms_key_arn = key.arn
        key_attributes = [args.partition_key] + ([args.sort_key] if args.sort_key else [])
        pitr = (
            profile.point_in_time_recovery
            if args.point_in_time_recovery is None
            else args.point_in_time_recovery
        )
        protection = (
            profile.deletion_protection
            if args.deletion_protection is None
            else args.deletion_protection
        )
        self.table = aws.dynamodb.Table(
            f"{name}-table",
            name=physical_name(context, name, Service.DYNAMODB_TABLE, within=self),
            billing_mode="PAY_PER_REQUEST",
            hash_key=args.partition_key.name,
            range_key=args.sort_key.name if args.sort_key else None,
            attributes=[
                aws.dynamodb.TableAttributeArgs(name=k.name, type=k.type.value)
                for k in key_attributes
            ],
            server_side_encryption=aws.dynamodb.TableServerSideEncryptionArgs(
                enabled=True, kms_key_arn=key.arn
            ),
            point_in_time_recovery=aws.dynamodb.TablePointInTimeRecoveryArgs(enabled=pitr),
            deletion_protection_enabled=protection,
            ttl=(
                aws.dynamodb.TableTtlArgs(attribute_name=args.ttl_attribute, enabled=True)
                if args.ttl_attribute
                else None
            ),
            tags=tags,
            opts=state_options(context, StateKind.TABLE, self),
        )
        self.table_name = self.table.name
        self.table_arn = self.table.arn
        self.alarms = [
            create_alarm(
                f"{name}-throttles",
                context,
                # ThrottledRequests is published per TableName and Operation only; the table-
                # level throttle metrics are ReadThrottleEvents and WriteThrottleEvents:
                # https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/metrics-dimensions.html
                ExpressionAlarmSpec(
                    description=f"{name}: DynamoDB throttled reads or writes.",
                    expression="reads + writes",
                    label="ReadThrottleEvents + WriteThrottleEvents",
                    metrics={
                        "reads": MetricStat(
                            metric_name="ReadThrottleEvents",
                            namespace="AWS/DynamoDB",
                            dimensions={"TableName": self.table.name},
                            statistic="Sum",
                        ),
                        "writes": MetricStat(
                            metric_name="WriteThrottleEvents",
                            namespace="AWS/DynamoDB",
                            dimensions={"TableName": self.table.name},
                            statistic="Sum",
                        ),
                    },
                    comparison="GreaterThanOrEqualToThreshold",
                    threshold=args.throttle_alarm_threshold,
                    period_seconds=300,
                    evaluation_periods=1,
                    treat_missing_data="notBreaching",
                    severity=Severity.P3,
                    runbook_page="dynamodb",
                    runbook_anchor="throttles",
                ),
                opts=child,
                tags=args.tags,
            )
        ]
        self.register_outputs(
            {
                "table_name": self.table_name,
                "table_arn": self.table_arn,
                "kms_key_arn": self.kms_key_arn,
            }
        )
