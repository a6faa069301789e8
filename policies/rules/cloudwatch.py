"""CloudWatch log groups and alarms."""

from __future__ import annotations

from collections.abc import Iterator

from ..lib import (
    Category,
    Context,
    Enforcement,
    Resource,
    Severity,
    is_unknown,
    resource_rule,
    undecided,
)
from ._common import COMPOSITE_ALARM, LOG_GROUP, METRIC_ALARM

ALARMS = (METRIC_ALARM, COMPOSITE_ALARM)


@resource_rule(
    name="cloudwatch-log-group-retention",
    types=(LOG_GROUP,),
    description="Log groups set an explicit retention.",
    severity=Severity.MEDIUM,
    category=Category.COST,
    enforcement=Enforcement.MANDATORY,  # never-expiring logs are also a data-retention breach
    anchors=("Srv:CloudWatchLogGroupRetentionPeriod", "CKV_AWS_66"),
    rationale="Without retention logs are kept (and billed) forever, past any retention policy.",
    fix="Set retention_in_days (the tier's log retention).",
    unknown="Skips the log group while retentionInDays is unknown.",
)
def cloudwatch_log_group_retention(r: Resource, ctx: Context) -> Iterator[str]:
    days = r.props.number("retentionInDays")
    if not is_unknown(days) and not days:
        yield f"log group {r.name} never expires: set retention_in_days"


@resource_rule(
    name="cloudwatch-log-group-retention-one-year",
    types=(LOG_GROUP,),
    description="Log groups keep logs for at least a year.",
    severity=Severity.LOW,
    category=Category.HYGIENE,
    anchors=("CKV_AWS_338", "SH CloudWatch.16"),
    rationale="Audit and incident timelines need a year (NIST via SH CloudWatch.16); advisory "
    "because dev and staging deliberately keep less.",
    fix="Set retention_in_days to 365 or more where logs are records.",
    unknown="Skips the log group while retentionInDays is unknown.",
    config_schema={"minimumDays": {"type": "integer", "minimum": 1}},
    config_defaults={"minimumDays": 365},
)
def cloudwatch_log_group_retention_one_year(r: Resource, ctx: Context) -> Iterator[str]:
    days = r.props.number("retentionInDays")
    minimum = ctx.config["minimumDays"]
    if isinstance(days, float) and 0 < days < minimum:
        yield f"log group {r.name} keeps logs {int(days)} days (< {minimum})"


@resource_rule(
    name="cloudwatch-log-group-customer-managed-key",
    types=(LOG_GROUP,),
    description="Log groups are encrypted with a customer-managed KMS key.",
    severity=Severity.MEDIUM,
    category=Category.SECURITY,
    anchors=("pk:CloudWatchLogGroupEncrypted", "CKV_AWS_158"),
    rationale="Logs carry payload fragments; a CMK puts reading them under our key policy.",
    fix="Set kms_key_id to a CMK granting logs.<region>.amazonaws.com with the "
    "kms:EncryptionContext:aws:logs:arn condition.",
    unknown="Skips the log group while kmsKeyId is unknown.",
)
def cloudwatch_log_group_cmk(r: Resource, ctx: Context) -> Iterator[str]:
    key = r.props.get("kmsKeyId")
    if not is_unknown(key) and not key:
        yield f"log group {r.name} is not encrypted with a customer-managed key"


@resource_rule(
    name="cloudwatch-alarm-has-action",
    types=ALARMS,
    description="Alarms notify someone: at least one ALARM action.",
    severity=Severity.HIGH,
    category=Category.RELIABILITY,
    anchors=("pk:CloudWatchAlarmAction", "SH CloudWatch.15"),
    rationale="An alarm without an action changes state in silence.",
    fix="Set alarm_actions to the severity's SNS topic.",
    unknown="Counts an unknown action list as set.",
)
def cloudwatch_alarm_has_action(r: Resource, ctx: Context) -> Iterator[str]:
    actions = r.props.array("alarmActions")
    if isinstance(actions, list) and not actions:
        yield f"alarm {r.name} has no alarm action"


@resource_rule(
    name="cloudwatch-alarm-actions-enabled",
    types=ALARMS,
    description="Alarm actions are not disabled.",
    severity=Severity.HIGH,
    category=Category.RELIABILITY,
    anchors=("CKV_AWS_319", "SH CloudWatch.17"),
    rationale="actions_enabled=False silences the alarm while it looks configured.",
    fix="Remove actions_enabled=False.",
    unknown="Skips the alarm while actionsEnabled is unknown.",
)
def cloudwatch_alarm_actions_enabled(r: Resource, ctx: Context) -> Iterator[str]:
    if r.props.flag("actionsEnabled") is False:
        yield f"alarm {r.name} has its actions disabled"


@resource_rule(
    name="cloudwatch-alarm-treat-missing-data",
    types=(METRIC_ALARM,),
    description="Metric alarms choose how missing data is treated instead of keeping the "
    "default `missing`.",
    severity=Severity.LOW,
    category=Category.HYGIENE,
    anchors=("stack-gap",),
    rationale="The default `missing` keeps an alarm in its state when a metric stops, which "
    "hides a dead producer; the choice should be deliberate. The provider fills in `missing` "
    "when a program leaves it out (terraform-provider-aws "
    "internal/service/cloudwatch/metric_alarm.go, schema default), so the pack judges the value.",
    fix="Set treat_missing_data (notBreaching for error counts, breaching for heartbeats).",
    unknown="Says it cannot decide while the value is unknown.",
)
def cloudwatch_alarm_treat_missing_data(r: Resource, ctx: Context) -> Iterator[str]:
    value = r.props.get("treatMissingData")
    if is_unknown(value):
        undecided(f"treatMissingData of alarm {r.name}")
    elif value in (None, "missing"):
        yield f"alarm {r.name} keeps the default treat_missing_data 'missing'"


RULES = [
    cloudwatch_log_group_retention,
    cloudwatch_log_group_retention_one_year,
    cloudwatch_log_group_cmk,
    cloudwatch_alarm_has_action,
    cloudwatch_alarm_actions_enabled,
    cloudwatch_alarm_treat_missing_data,
]
