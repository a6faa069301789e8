"""CloudWatch alarms watch metrics AWS actually publishes, with the dimensions it publishes.

CloudWatch accepts an alarm on any namespace, metric name and dimensions: one that matches no
published metric stays in INSUFFICIENT_DATA (or, with ``treat_missing_data=notBreaching``, OK)
forever and never pages. The tables of published metrics are in ``_metrics``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ..lib import Category, Context, Finding, Severity, Stack, StackResource, stack_rule
from ..lib.values import is_unknown
from ._common import EVENT_RULE, METRIC_ALARM
from ._metrics import NAMESPACES, DimensionSet, Namespace

DEFAULT_BUS = "default"


@dataclass(frozen=True)
class WatchedMetric:
    """One metric an alarm reads: its own, or one of its metric-math queries (`prop` says which
    input property holds it, for the engine's property dependencies)."""

    namespace: str
    name: str
    dimensions: Mapping[str, Any]
    prop: str
    label: str


def _watched(alarm: StackResource) -> Iterator[WatchedMetric]:
    """The known metrics of an alarm; a metric whose namespace, name or dimension keys are
    unknown is left out."""
    props = alarm.props
    candidates: list[tuple[Any, str, str]] = [(props.to_dict(), "dimensions", "")]
    queries = props.array("metricQueries")
    for query in queries if isinstance(queries, list) else []:
        if isinstance(query, Mapping) and isinstance(query.get("metric"), Mapping):
            label = f" (query {query.get('id')})" if isinstance(query.get("id"), str) else ""
            candidates.append((query["metric"], "metricQueries", label))
    for source, prop, label in candidates:
        namespace, name = source.get("namespace"), source.get("metricName")
        dimensions = source.get("dimensions")
        if not isinstance(namespace, str) or not isinstance(name, str):
            continue  # unknown, or an alarm defined by metric queries only
        if is_unknown(dimensions) or not isinstance(dimensions, Mapping | None):
            continue
        yield WatchedMetric(namespace, name, dict(dimensions or {}), prop, label)


def _describe(sets: frozenset[DimensionSet]) -> str:
    shown = sorted("{" + ", ".join(sorted(s)) + "}" if s else "no dimension" for s in sets)
    return " or ".join(shown)


def _bus_name(value: object) -> str | None:
    """A bus given by name or ARN as its name; None while unknown."""
    if is_unknown(value):
        return None
    if not isinstance(value, str) or not value:
        return DEFAULT_BUS
    return value.rsplit("/", 1)[-1] if value.startswith("arn:") else value


def _rules_named(
    stack: Stack, alarm: StackResource, metric: WatchedMetric
) -> list[StackResource] | None:
    """The stack's EventBridge rules the alarm's RuleName names: by physical name, or by the
    engine's property dependencies while the name is unknown; None when it cannot be told."""
    value = metric.dimensions.get("RuleName")
    if isinstance(value, str) and not is_unknown(value):
        return stack.memo("event-rules-by-name", lambda: _rules_by_name(stack)).get(value, [])
    deps = {stack.by_urn(urn) for urn in alarm.property_dependencies.get(metric.prop, ())}
    found = [r for r in deps if r is not None and r.type == EVENT_RULE]
    return found if len(found) == 1 else None


def _rules_by_name(stack: Stack) -> dict[str, list[StackResource]]:
    by_name: dict[str, list[StackResource]] = defaultdict(list)
    for rule in stack.of_type(EVENT_RULE):
        name = rule.props.get("name")
        if isinstance(name, str) and not is_unknown(name):
            by_name[name].append(rule)
    return by_name


def _rule_bus_problem(stack: Stack, alarm: StackResource, metric: WatchedMetric) -> str | None:
    """Why an AWS/Events rule metric names no rule of the stack on the bus it reads, if so."""
    rules = _rules_named(stack, alarm, metric)
    if not rules:
        return None  # a rule outside this stack, or unknown: nothing to compare with
    named = [_bus_name(r.props.get("eventBusName")) for r in rules]
    buses = {bus for bus in named if bus is not None}
    if len(buses) < len(set(named)):
        return None  # a rule's bus is unknown
    rule = metric.dimensions.get("RuleName")
    rule_text = repr(rule) if isinstance(rule, str) and not is_unknown(rule) else "its rule"
    if "EventBusName" not in metric.dimensions:
        if DEFAULT_BUS in buses:
            return None
        return (
            f"rule {rule_text} is on event bus {sorted(buses)[0]!r}: its metrics carry "
            "EventBusName and RuleName, and RuleName alone means a rule of the default bus"
        )
    bus = _bus_name(metric.dimensions.get("EventBusName"))
    if bus is None or bus in buses or bus == DEFAULT_BUS:
        return None
    return f"rule {rule_text} is on event bus {sorted(buses)[0]!r}, not on {bus!r}"


def _problem(
    stack: Stack, alarm: StackResource, metric: WatchedMetric, namespace: Namespace
) -> str | None:
    published = namespace.metrics.get(metric.name)
    if published is None:
        return f"{namespace.name} publishes no metric {metric.name!r}"
    keys = frozenset(metric.dimensions)
    if keys not in published:
        shown = _describe(frozenset([keys]))
        return (
            f"{namespace.name} {metric.name} is published with {_describe(published)}, "
            f"never with {shown}"
        )
    if namespace.name == "AWS/Events" and "RuleName" in keys:
        return _rule_bus_problem(stack, alarm, metric)
    return None


@stack_rule(
    name="cloudwatch-alarm-metric-exists",
    description="Metric alarms (and their metric-math queries) watch a metric their AWS namespace "
    "publishes, with a dimension set AWS publishes it with.",
    severity=Severity.HIGH,
    category=Category.RELIABILITY,
    anchors=("stack-gap",),
    rationale="CloudWatch accepts an alarm on any metric name and dimensions, but a metric is "
    "the exact combination AWS publishes: DynamoDB ThrottledRequests exists only per TableName "
    "and Operation, and EventBridge metrics of a rule on a custom bus carry EventBusName and "
    "RuleName (RuleName alone means the default bus). An alarm on a combination that is never "
    "published gets no data and, with notBreaching, never fires. Checked against AWS's metric "
    "pages for AWS/SQS, AWS/SNS, AWS/Lambda, AWS/DynamoDB, AWS/Events, AWS/ECS, "
    "AWS/ApplicationELB, AWS/AutoScaling, AWS/EC2 and AWS/Logs (cited per table in "
    "policies/rules/_metrics.py); other namespaces are skipped.",
    fix="Use a dimension set the metric's AWS page lists: for DynamoDB throttles alarm on "
    "ReadThrottleEvents and WriteThrottleEvents per TableName (or ThrottledRequests per "
    "TableName and Operation); for a rule on a custom bus add EventBusName next to RuleName.",
    unknown="Skips a metric whose namespace, name or dimension keys are unknown, and the bus "
    "check while the rule or its bus is unknown.",
)
def cloudwatch_alarm_metric_exists(stack: Stack, ctx: Context) -> Iterator[Finding]:
    for alarm in stack.of_type(METRIC_ALARM):
        for metric in _watched(alarm):
            namespace = NAMESPACES.get(metric.namespace)
            if namespace is None:
                continue  # a custom namespace, or one without a table
            problem = _problem(stack, alarm, metric, namespace)
            if problem is not None:
                yield Finding.on(
                    alarm,
                    f"alarm {alarm.name}{metric.label} never gets data: {problem} "
                    f"({namespace.source})",
                )


RULES = [cloudwatch_alarm_metric_exists]
