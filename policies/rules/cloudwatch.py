"""CloudWatch log groups and alarms (resource rules), and the stack rules on what alarms watch and
notify.

`cloudwatch-alarm-metric-exists`: CloudWatch accepts an alarm on any namespace, metric name and
dimensions: one that matches no published metric stays in INSUFFICIENT_DATA (or, with
``treat_missing_data=notBreaching``, OK) forever and never pages. The tables of published metrics
are in ``_metrics``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ..lib import (
    UNKNOWN,
    Category,
    Context,
    Enforcement,
    Finding,
    Resource,
    Severity,
    Stack,
    StackResource,
    is_unknown,
    resource_rule,
    stack_rule,
    undecided,
)
from ._common import (
    COMPOSITE_ALARM,
    EVENT_RULE,
    LOG_GROUP,
    METRIC_ALARM,
    TOPIC,
)
from ._metrics import NAMESPACES, NEVER_VALUE_PREFIXES, DimensionSet, Namespace

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


@stack_rule(
    name="cloudwatch-alarm-actions-target-stack-topic",
    description="Alarm SNS actions go to a topic defined in the stack.",
    severity=Severity.MEDIUM,
    category=Category.RELIABILITY,
    anchors=("stack-gap",),
    rationale="An action ARN typed by hand (wrong account, region or a deleted topic) is "
    "accepted by CloudWatch and notifies nobody.",
    fix="Pass the ARN of an aws.sns.Topic of the stack (the tier's alarm topics).",
    unknown="Skips an action whose ARN is unknown.",
)
def cloudwatch_alarm_actions_target_stack_topic(stack: Stack, ctx: Context) -> Iterator[Finding]:
    for alarm in stack.of_type(METRIC_ALARM, COMPOSITE_ALARM):
        for prop in ("alarmActions", "okActions", "insufficientDataActions"):
            actions = alarm.props.array(prop)
            if actions is UNKNOWN:
                continue
            for arn in actions:  # type: ignore[union-attr]
                if isinstance(arn, str) and ":sns:" in arn and stack.find(arn, TOPIC) is None:
                    yield Finding.on(alarm, f"alarm {alarm.name} notifies {arn}, not in the stack")


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
    for key in sorted(keys):
        problem = _value_problem(namespace, key, metric.dimensions[key])
        if problem is not None:
            return problem
    if namespace.name == "AWS/Events" and "RuleName" in keys:
        return _rule_bus_problem(stack, alarm, metric)
    return None


def _value_problem(namespace: Namespace, key: str, value: object) -> str | None:
    """Why a known dimension value is never one AWS publishes (an ARN or URL where the page
    names a name or an ARN suffix), if so."""
    if not isinstance(value, str) or is_unknown(value):
        return None
    prefix = namespace.value_prefixes.get(key)
    if prefix is not None and not value.startswith(prefix):
        return (
            f"{namespace.name} publishes {key} as {prefix}<name>/<id> (the final portion of "
            f"its ARN, the provider's arn_suffix), never as {value!r}"
        )
    if value.startswith(NEVER_VALUE_PREFIXES):
        return f"{namespace.name} publishes {key} as a name, never as an ARN or URL ({value!r})"
    return None


# CloudWatch matches namespaces exactly; AWS services publish to the spellings of "AWS services
# that publish CloudWatch metrics" only.
SERVICE_NAMESPACES = (
    "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/"
    "aws-services-cloudwatch-metrics.html"
)
_BY_FOLDED_NAME = {name.casefold(): name for name in NAMESPACES}


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
    "published gets no data and, with notBreaching, never fires; so does one whose namespace "
    "differs from an AWS namespace in case only, or whose dimension value is an ARN or URL where "
    "AWS publishes a name (or, for ELB, the ARN's final portion). Checked against AWS's metric "
    "pages for AWS/SQS, AWS/SNS, AWS/Lambda, AWS/DynamoDB, AWS/Events, AWS/ECS, "
    "AWS/ApplicationELB, AWS/AutoScaling, AWS/EC2 and AWS/Logs (cited per table in "
    "policies/rules/_metrics.py); other namespaces are skipped.",
    fix="Use a dimension set the metric's AWS page lists: for DynamoDB throttles alarm on "
    "ReadThrottleEvents and WriteThrottleEvents per TableName (or ThrottledRequests per "
    "TableName and Operation); for a rule on a custom bus add EventBusName next to RuleName; "
    "pass a resource's name (or an ELB's arn_suffix), not its ARN, id or URL.",
    unknown="Skips a metric whose namespace, name or dimension keys are unknown, a dimension "
    "value while it is unknown, and the bus check while the rule or its bus is unknown.",
)
def cloudwatch_alarm_metric_exists(stack: Stack, ctx: Context) -> Iterator[Finding]:
    for alarm in stack.of_type(METRIC_ALARM):
        for metric in _watched(alarm):
            namespace = NAMESPACES.get(metric.namespace)
            if namespace is None:
                meant = _BY_FOLDED_NAME.get(metric.namespace.casefold())
                if meant is not None:
                    yield Finding.on(
                        alarm,
                        f"alarm {alarm.name}{metric.label} never gets data: namespace "
                        f"{metric.namespace!r} is not {meant!r}, the one AWS publishes "
                        f"{metric.name} to ({SERVICE_NAMESPACES})",
                    )
                continue  # a custom namespace, or one without a table
            problem = _problem(stack, alarm, metric, namespace)
            if problem is not None:
                yield Finding.on(
                    alarm,
                    f"alarm {alarm.name}{metric.label} never gets data: {problem} "
                    f"({namespace.source})",
                )


RULES = [
    cloudwatch_log_group_retention,
    cloudwatch_log_group_retention_one_year,
    cloudwatch_log_group_cmk,
    cloudwatch_alarm_has_action,
    cloudwatch_alarm_actions_enabled,
    cloudwatch_alarm_treat_missing_data,
    cloudwatch_alarm_actions_target_stack_topic,
    cloudwatch_alarm_metric_exists,
]
