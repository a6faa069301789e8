"""CloudWatch alarms that always say how missing data counts, who is notified and which runbook.

Severities and what they mean are in ``components.core.severity``; ``AlarmTopics`` (one SNS
topic per severity) is the component ``components.observability.alarm_topics``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import pulumi
import pulumi_aws as aws

from components.core.context import PlatformContext
from components.core.errors import ProblemCollector
from components.core.naming import Service, physical_name
from components.core.severity import Severity
from components.core.tags import merge_tags

__all__ = [
    "AlarmSpec",
    "Comparison",
    "CompositeAlarmSpec",
    "ExpressionAlarmSpec",
    "MetricStat",
    "Severity",
    "TreatMissingData",
    "alarm_description",
    "create_alarm",
    "create_composite_alarm",
    "runbook_url",
]


class Comparison(StrEnum):
    """CloudWatch comparison operators (plain strings with these values are accepted too)."""

    GREATER_THAN_OR_EQUAL = "GreaterThanOrEqualToThreshold"
    GREATER_THAN = "GreaterThanThreshold"
    LESS_THAN = "LessThanThreshold"
    LESS_THAN_OR_EQUAL = "LessThanOrEqualToThreshold"


class TreatMissingData(StrEnum):
    """How CloudWatch treats missing data points; every alarm must choose one explicitly."""

    BREACHING = "breaching"
    NOT_BREACHING = "notBreaching"
    IGNORE = "ignore"
    MISSING = "missing"


STATISTICS = frozenset({"SampleCount", "Average", "Sum", "Minimum", "Maximum"})
_EXTENDED = re.compile(r"^(p|tm|tc|ts|wm|pr)\d{1,2}(\.\d{1,2})?$|^(TM|TC|TS|WM|PR)\(.+\)$")
_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_MAX_DESCRIPTION = 1024


def runbook_url(context: PlatformContext, page: str, anchor: str) -> str:
    """``<runbook_base_url>/docs/runbooks/<page>.md#<anchor>``."""
    return f"{context.runbook_base_url}/docs/runbooks/{page}.md#{anchor}"


def alarm_description(
    context: PlatformContext, description: str, severity: Severity, page: str, anchor: str
) -> str:
    """The alarm description: text, severity, and finally the runbook link."""
    return f"{description.rstrip()} Severity: {severity.value}. Runbook: " + runbook_url(
        context, page, anchor
    )


def _runbook_problems(p: ProblemCollector, page: str, anchor: str) -> None:
    p.check(
        bool(_SLUG.match(page)),
        f"runbook_page: {page!r} must be a lowercase slug naming docs/runbooks/<page>.md",
    )
    p.check(bool(_SLUG.match(anchor)), f"runbook_anchor: {anchor!r} must be a lowercase slug")


@dataclass(frozen=True, kw_only=True)
class AlarmSpec:
    """One metric alarm. ``treat_missing_data`` has no default: decide it for every alarm.

    Give exactly one of ``statistic`` (``Sum``, ``Maximum`` ...) and ``extended_statistic``
    (``p99``). ``datapoints_to_alarm`` defaults to ``evaluation_periods``.
    """

    metric_name: str
    namespace: str
    dimensions: Mapping[str, pulumi.Input[str]]
    period_seconds: int
    evaluation_periods: int
    threshold: float
    comparison: Comparison | str
    treat_missing_data: TreatMissingData | str
    severity: Severity
    runbook_page: str
    runbook_anchor: str
    description: str
    statistic: str | None = None
    extended_statistic: str | None = None
    datapoints_to_alarm: int | None = None
    unit: str | None = None

    def validate(self, component: str) -> None:
        """Raise ``ComponentArgumentsError`` listing every problem."""
        p = ProblemCollector(component)
        p.check(bool(self.metric_name), "metric_name: must not be empty")
        p.check(bool(self.namespace), "namespace: must not be empty")
        p.check(len(self.dimensions) <= 30, "dimensions: at most 30")
        if p.check(
            (self.statistic is None) != (self.extended_statistic is None),
            "statistic/extended_statistic: give exactly one",
        ):
            if self.statistic is not None:
                _statistic_problems(p, "statistic", self.statistic)
            if self.extended_statistic is not None:
                p.check(
                    bool(_EXTENDED.match(self.extended_statistic)),
                    f"extended_statistic: {self.extended_statistic!r} is not a percentile"
                    " or trimmed statistic such as p99",
                )
        _evaluation_problems(p, self)
        p.raise_if_any()


@dataclass(frozen=True, kw_only=True)
class MetricStat:
    """One metric feeding an ``ExpressionAlarmSpec``; its period is the alarm's."""

    metric_name: str
    namespace: str
    dimensions: Mapping[str, pulumi.Input[str]]
    statistic: str


@dataclass(frozen=True, kw_only=True)
class ExpressionAlarmSpec:
    """A metric-math alarm, e.g. an error rate: ``100 * errors / MAX([errors, invocations])``.

    ``metrics`` maps the ids used in ``expression`` (lowercase first letter) to metrics.
    Same rules as ``AlarmSpec`` otherwise, including the mandatory ``treat_missing_data``.
    """

    expression: str
    label: str
    metrics: Mapping[str, MetricStat]
    period_seconds: int
    evaluation_periods: int
    threshold: float
    comparison: Comparison | str
    treat_missing_data: TreatMissingData | str
    severity: Severity
    runbook_page: str
    runbook_anchor: str
    description: str
    datapoints_to_alarm: int | None = None

    def validate(self, component: str) -> None:
        """Raise ``ComponentArgumentsError`` listing every problem."""
        p = ProblemCollector(component)
        p.check(bool(self.expression.strip()), "expression: must not be empty")
        p.check(bool(self.label.strip()), "label: must not be empty")
        p.check(0 < len(self.metrics) <= 10, "metrics: give 1-10 metrics")
        for metric_id, metric in self.metrics.items():
            where = f"metrics[{metric_id!r}]"
            p.check(
                bool(_QUERY_ID.match(metric_id)) and metric_id != _EXPRESSION_ID,
                f"{where}: id must start with a lowercase letter, then letters, digits or _"
                f" (and not be {_EXPRESSION_ID!r})",
            )
            p.check(
                re.search(rf"\b{re.escape(metric_id)}\b", self.expression) is not None,
                f"{where}: not used in expression",
            )
            p.check(bool(metric.metric_name), f"{where}.metric_name: must not be empty")
            p.check(bool(metric.namespace), f"{where}.namespace: must not be empty")
            _statistic_problems(p, f"{where}.statistic", metric.statistic)
        _evaluation_problems(p, self)
        p.raise_if_any()


_QUERY_ID = re.compile(r"^[a-z][a-zA-Z0-9_]*$")
_EXPRESSION_ID = "result"


def _statistic_problems(p: ProblemCollector, field_name: str, statistic: str) -> None:
    p.check(
        statistic in STATISTICS,
        f"{field_name}: {statistic!r} is not one of {', '.join(sorted(STATISTICS))}",
    )


def _evaluation_problems(p: ProblemCollector, spec: AlarmSpec | ExpressionAlarmSpec) -> None:
    """Problems of the fields both alarm kinds share."""
    p.check(
        spec.period_seconds in (10, 20, 30)
        or (spec.period_seconds >= 60 and spec.period_seconds % 60 == 0),
        f"period_seconds: {spec.period_seconds} must be 10, 20, 30 or a multiple of 60",
    )
    p.check(spec.evaluation_periods >= 1, "evaluation_periods: must be at least 1")
    if spec.datapoints_to_alarm is not None:
        p.check(
            1 <= spec.datapoints_to_alarm <= spec.evaluation_periods,
            "datapoints_to_alarm: must be between 1 and evaluation_periods",
        )
    p.check(
        spec.comparison in Comparison.__members__.values(),
        f"comparison: {spec.comparison!r} is not one of " + ", ".join(c.value for c in Comparison),
    )
    p.check(
        spec.treat_missing_data in TreatMissingData.__members__.values(),
        f"treat_missing_data: {spec.treat_missing_data!r} is not one of "
        + ", ".join(t.value for t in TreatMissingData),
    )
    p.check(isinstance(spec.severity, Severity), "severity: must be a Severity")
    _runbook_problems(p, spec.runbook_page, spec.runbook_anchor)
    p.check(bool(spec.description.strip()), "description: must not be empty")


@dataclass(frozen=True, kw_only=True)
class CompositeAlarmSpec:
    """A composite alarm over other alarms, e.g. ``ALARM("a") AND ALARM("b")``."""

    alarm_rule: pulumi.Input[str]
    severity: Severity
    runbook_page: str
    runbook_anchor: str
    description: str

    def validate(self, component: str) -> None:
        p = ProblemCollector(component)
        p.check(
            not isinstance(self.alarm_rule, str) or bool(self.alarm_rule.strip()),
            "alarm_rule: must not be empty",
        )
        p.check(isinstance(self.severity, Severity), "severity: must be a Severity")
        _runbook_problems(p, self.runbook_page, self.runbook_anchor)
        p.check(bool(self.description.strip()), "description: must not be empty")
        p.raise_if_any()


@dataclass(frozen=True)
class _Actions:
    alarm: list[pulumi.Input[str]] = field(default_factory=list)
    ok: list[pulumi.Input[str]] = field(default_factory=list)


def _actions(context: PlatformContext, severity: Severity) -> _Actions:
    topic = context.alarm_topic_arns.get(severity)
    if topic is None:
        return _Actions()
    return _Actions(alarm=[topic], ok=[topic] if severity.pages else [])


def _checked_description(
    context: PlatformContext, component: str, text: str, severity: Severity, page: str, anchor: str
) -> str:
    description = alarm_description(context, text, severity, page, anchor)
    p = ProblemCollector(component)
    p.check(
        len(description) <= _MAX_DESCRIPTION,
        f"description: with severity and runbook link it is {len(description)} characters,"
        f" CloudWatch allows {_MAX_DESCRIPTION}",
    )
    p.raise_if_any()
    return description


def _metric_arguments(spec: AlarmSpec | ExpressionAlarmSpec) -> dict[str, Any]:
    if isinstance(spec, AlarmSpec):
        return {
            "namespace": spec.namespace,
            "metric_name": spec.metric_name,
            "dimensions": dict(spec.dimensions),
            "statistic": spec.statistic,
            "extended_statistic": spec.extended_statistic,
            "period": spec.period_seconds,
            "unit": spec.unit,
        }
    queries = [
        aws.cloudwatch.MetricAlarmMetricQueryArgs(
            id=metric_id,
            return_data=False,
            metric=aws.cloudwatch.MetricAlarmMetricQueryMetricArgs(
                namespace=metric.namespace,
                metric_name=metric.metric_name,
                dimensions=dict(metric.dimensions),
                stat=metric.statistic,
                period=spec.period_seconds,
            ),
        )
        for metric_id, metric in sorted(spec.metrics.items())
    ]
    queries.append(
        aws.cloudwatch.MetricAlarmMetricQueryArgs(
            id=_EXPRESSION_ID, expression=spec.expression, label=spec.label, return_data=True
        )
    )
    return {"metric_queries": queries}


def create_alarm(
    name: str,
    context: PlatformContext,
    spec: AlarmSpec | ExpressionAlarmSpec,
    opts: pulumi.ResourceOptions | None = None,
    *,
    tags: Mapping[str, str] | None = None,
) -> aws.cloudwatch.MetricAlarm:
    """A ``MetricAlarm`` named ``<project>-<env>-<name>`` (plus the hash of its owning
    component's path, see ``components.core.naming``) notifying the severity's topic.

    Alarm actions go to ``context.alarm_topic_arns[spec.severity]`` when present; P1 and P2
    also notify on recovery (OK actions). The description ends with the runbook link.
    ``tags`` (the owning component's extra tags) are merged over the context's tags.
    """
    component = f"alarm {name}"
    spec.validate(component)
    description = _checked_description(
        context,
        component,
        spec.description,
        spec.severity,
        spec.runbook_page,
        spec.runbook_anchor,
    )
    actions = _actions(context, spec.severity)
    return aws.cloudwatch.MetricAlarm(
        name,
        name=physical_name(
            context, name, Service.CLOUDWATCH_ALARM, within=opts.parent if opts else None
        ),
        alarm_description=description,
        evaluation_periods=spec.evaluation_periods,
        datapoints_to_alarm=spec.datapoints_to_alarm or spec.evaluation_periods,
        threshold=spec.threshold,
        comparison_operator=str(Comparison(spec.comparison)),
        treat_missing_data=str(TreatMissingData(spec.treat_missing_data)),
        actions_enabled=True,
        alarm_actions=actions.alarm,
        ok_actions=actions.ok,
        tags={
            **merge_tags(context.tags, tags, component=component),
            "Severity": spec.severity.value,
        },
        opts=opts,
        **_metric_arguments(spec),
    )


def create_composite_alarm(
    name: str,
    context: PlatformContext,
    spec: CompositeAlarmSpec,
    opts: pulumi.ResourceOptions | None = None,
    *,
    tags: Mapping[str, str] | None = None,
) -> aws.cloudwatch.CompositeAlarm:
    """A ``CompositeAlarm`` with the same naming, actions and runbook rules as ``create_alarm``."""
    component = f"composite alarm {name}"
    spec.validate(component)
    description = _checked_description(
        context,
        component,
        spec.description,
        spec.severity,
        spec.runbook_page,
        spec.runbook_anchor,
    )
    actions = _actions(context, spec.severity)
    return aws.cloudwatch.CompositeAlarm(
        name,
        alarm_name=physical_name(
            context, name, Service.CLOUDWATCH_ALARM, within=opts.parent if opts else None
        ),
        alarm_description=description,
        alarm_rule=spec.alarm_rule,
        actions_enabled=True,
        alarm_actions=actions.alarm,
        ok_actions=actions.ok,
        tags={
            **merge_tags(context.tags, tags, component=component),
            "Severity": spec.severity.value,
        },
        opts=opts,
    )
