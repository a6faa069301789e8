"""The alarms of each ``ArchivedEventBus`` rule, as data: what fails, how bad, which runbook."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.core.alarms import AlarmSpec, create_alarm
from components.core.context import PlatformContext
from components.core.severity import Severity

RUNBOOK_PAGE = "replay"


@dataclass(frozen=True)
class RuleAlarm:
    """One alarm on a rule's ``AWS/Events`` metric (any datapoint above 0 in five minutes)."""

    suffix: str
    metric: str
    description: str
    severity: Severity
    runbook_anchor: str


RULE_ALARMS: tuple[RuleAlarm, ...] = (
    RuleAlarm(
        "failed-invocations",
        "FailedInvocations",
        "The rule failed to invoke a target after all retries.",
        Severity.P2,
        "failed-invocations",
    ),
    RuleAlarm(
        "sent-to-dlq",
        "InvocationsSentToDlq",
        "Events for the rule's targets were parked in a target DLQ.",
        Severity.P2,
        "failed-invocations",
    ),
    RuleAlarm(
        "dlq-delivery-failed",
        "InvocationsFailedToBeSentToDlq",
        "Events could not be parked in the target DLQ and are lost unless replayed.",
        Severity.P1,
        "dlq-delivery-failures",
    ),
    RuleAlarm(
        "throttled",
        "ThrottledRules",
        "The rule's target invocations are being throttled.",
        Severity.P3,
        "throttled-rules",
    ),
)


def rule_alarms(
    prefix: str,
    context: PlatformContext,
    rule: aws.cloudwatch.EventRule,
    bus: aws.cloudwatch.EventBus,
    *,
    parent: pulumi.Resource,
) -> list[aws.cloudwatch.MetricAlarm]:
    """The ``RULE_ALARMS`` of ``rule`` on ``bus``, named ``<prefix>-<suffix>``, children of
    ``parent``."""
    # Rule metrics of a custom bus carry EventBusName and RuleName; RuleName alone means a
    # rule of the default bus, so such an alarm never gets data:
    # https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-monitoring.html
    per_rule = {"RuleName": rule.name, "EventBusName": bus.name}
    return [
        create_alarm(
            f"{prefix}-{alarm.suffix}",
            context,
            AlarmSpec(
                description=alarm.description,
                namespace="AWS/Events",
                metric_name=alarm.metric,
                dimensions=per_rule,
                statistic="Sum",
                comparison="GreaterThanThreshold",
                threshold=0,
                period_seconds=300,
                evaluation_periods=1,
                treat_missing_data="notBreaching",
                severity=alarm.severity,
                runbook_page=RUNBOOK_PAGE,
                runbook_anchor=alarm.runbook_anchor,
            ),
            opts=pulumi.ResourceOptions(parent=parent),
        )
        for alarm in RULE_ALARMS
    ]
