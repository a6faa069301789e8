"""EventBridge buses, bus policies, archives, rules and targets (aws.cloudwatch.Event*), and the
stack rules that link a bus to its archive and policy and a target to what admits its events."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
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
from ..lib.semantics import value_names_caller
from ..lib.values import contains_unknown, parse_json
from ._common import (
    EVENT_ARCHIVE,
    EVENT_BUS,
    EVENT_BUS_POLICY,
    EVENT_PERMISSION,
    EVENT_RULE,
    EVENT_TARGET,
    FUNCTION,
    PERMISSION,
    QUEUE,
    public_statements,
    queue_documents,
    target_dead_letter_queues,
)

# Fields that say which events match. `account` and `region` do not: on a bus every event of
# the stack's own account carries that account and region, so {"account": [<own id>]} still
# matches everything on it.
_NARROWING_KEYS = ("source", "detail-type", "detail", "resources")


@resource_rule(
    name="eventbridge-bus-policy-not-open",
    types=(EVENT_BUS_POLICY, EVENT_PERMISSION),
    description="Event bus policies do not let every account put events.",
    severity=Severity.CRITICAL,
    category=Category.SECURITY,
    anchors=("AwsSolutions-EVB1",),
    decided_by=("policyuniverse", "hand: operators and keys it does not model"),
    rationale="An open bus accepts forged events from anyone (cdk-nag EVB1).",
    fix="Name the accounts, or condition `*` on aws:PrincipalOrgID.",
    unknown="Skips a policy document or permission field that is unknown.",
)
def eventbridge_bus_policy_not_open(r: Resource, ctx: Context) -> Iterator[str]:
    if r.type == EVENT_PERMISSION:
        principal, condition = r.props.get("principal"), r.props.get("condition")
        known = not any(is_unknown(v) for v in (principal, condition))
        scoped = (
            isinstance(condition, dict)
            and isinstance(condition.get("key"), str)
            and isinstance(condition.get("value"), str)
            and value_names_caller(condition["key"], condition["value"])
        )
        if known and principal == "*" and not scoped:
            yield (
                f"event permission {r.name} lets every account put events (no condition that"
                " names an organization: a value like o-* names none)"
            )
        return
    yield from public_statements(r.props.get("policy"))


@resource_rule(
    name="eventbridge-bus-customer-managed-key",
    types=(EVENT_BUS,),
    description="Custom event buses are encrypted with a customer-managed KMS key.",
    severity=Severity.MEDIUM,
    category=Category.SECURITY,
    anchors=("stack-gap",),
    rationale="Events carry business data; kms_key_identifier puts them under our key policy.",
    fix="Set kms_key_identifier to a CMK whose policy grants events.amazonaws.com.",
    unknown="Skips the bus while kmsKeyIdentifier is unknown.",
)
def eventbridge_bus_customer_managed_key(r: Resource, ctx: Context) -> Iterator[str]:
    key = r.props.get("kmsKeyIdentifier")
    if not is_unknown(key) and not key:
        yield f"event bus {r.name} is not encrypted with a customer-managed key"


@resource_rule(
    name="eventbridge-archive-retention-and-pattern",
    types=(EVENT_ARCHIVE,),
    description="Event archives have a finite retention and a non-empty event pattern.",
    severity=Severity.MEDIUM,
    category=Category.COST,
    anchors=("stack-gap",),
    rationale="retention_days 0 keeps events (and their cost and personal data) forever; an "
    "archive should state which events it keeps for replay.",
    fix="Set retention_days (e.g. the tier's archive retention) and event_pattern.",
    unknown="Skips a field that is unknown.",
)
def eventbridge_archive_retention_and_pattern(r: Resource, ctx: Context) -> Iterator[str]:
    days = r.props.number("retentionDays")
    if not is_unknown(days) and not days:
        yield f"archive {r.name} keeps events forever: set retention_days"
    pattern = r.props.json("eventPattern")
    if pattern is not UNKNOWN and not contains_unknown(pattern) and not pattern:
        yield f"archive {r.name} has no event pattern"


def _is_catch_all(pattern: Mapping[str, Any]) -> bool:
    """True when no field of the pattern restricts which events match. A `$or` matches
    everything when any of its branches does (EventBridge User Guide, "Content filtering in
    Amazon EventBridge event patterns": `$or` matching)."""
    branches = pattern.get("$or")
    if isinstance(branches, list) and branches:
        rest = {k: v for k, v in pattern.items() if k != "$or"}
        return any(isinstance(b, Mapping) and _is_catch_all({**rest, **b}) for b in branches)
    for key in _NARROWING_KEYS:
        values = pattern.get(key)
        if isinstance(values, Mapping) and values:
            return False  # nested pattern (e.g. detail) restricts
        if isinstance(values, list) and values and all(_restricts(v) for v in values):
            return False
    return True


def _restricts(value: Any) -> bool:
    """Whether one value of a field's list narrows the match. Content filters that match any
    string (empty prefix/suffix, a wildcard of only `*`, `exists: true`) or everything but a
    few values (`anything-but`) do not (EventBridge content filtering, same page)."""
    if isinstance(value, str | int | float | bool):
        return True
    if not isinstance(value, Mapping) or not value:
        return False
    for operator in ("prefix", "suffix"):
        operand = value.get(operator)
        if isinstance(operand, Mapping):  # {"prefix": {"equals-ignore-case": ""}}
            operand = operand.get("equals-ignore-case")
        if operator in value and operand == "":
            return False
    wildcard = value.get("wildcard")
    if isinstance(wildcard, str) and wildcard and set(wildcard) == {"*"}:
        return False
    return value.get("exists") is not True and "anything-but" not in value


@resource_rule(
    name="eventbridge-rule-pattern-not-catch-all",
    types=(EVENT_RULE,),
    description="Event rules match specific events, not everything on the bus.",
    severity=Severity.MEDIUM,
    category=Category.RELIABILITY,
    anchors=("stack-gap",),
    rationale="A catch-all rule sends every event (including other teams' and AWS's) to the "
    "target: cost, load and data exposure.",
    fix="Match on source and detail-type at least.",
    unknown="Says it cannot decide (advisory) "
    "for the rule while its pattern (or a part of it) is unknown; schedule rules "
    "have no pattern.",
)
def eventbridge_rule_pattern_not_catch_all(r: Resource, ctx: Context) -> Iterator[str]:
    if r.props.get("scheduleExpression") is not None:
        return
    pattern = parse_json(r.props.get("eventPattern"))
    if pattern is UNKNOWN or contains_unknown(pattern):
        undecided(f"the event pattern of rule {r.name}")
        return
    if not isinstance(pattern, Mapping) or _is_catch_all(pattern):
        yield f"rule {r.name} matches every event: restrict source / detail-type"


@resource_rule(
    name="eventbridge-target-dead-letter-queue",
    types=(EVENT_TARGET,),
    description="Event rule targets have a dead-letter queue.",
    severity=Severity.HIGH,
    category=Category.RELIABILITY,
    anchors=("Srv:EventBusDLQ",),
    rationale="Events EventBridge cannot deliver after its retries are dropped without a DLQ.",
    fix="Set dead_letter_config={'arn': <queue ARN>} (and let events.amazonaws.com send to it).",
    unknown="Counts an unknown DLQ ARN as set.",
)
def eventbridge_target_dead_letter_queue(r: Resource, ctx: Context) -> Iterator[str]:
    if r.props.get("deadLetterConfig.arn") is None:
        yield f"rule target {r.name} has no dead-letter queue"


@resource_rule(
    name="eventbridge-target-retry-policy",
    types=(EVENT_TARGET,),
    description="Event rule targets set a retry policy (attempts and maximum event age).",
    severity=Severity.LOW,
    category=Category.RELIABILITY,
    anchors=("stack-gap",),
    rationale="The default (185 attempts over 24 h) hides failures for a day; state the budget.",
    fix="Set retry_policy={'maximum_retry_attempts': N, 'maximum_event_age_in_seconds': S}.",
    unknown="Counts unknown values as set.",
)
def eventbridge_target_retry_policy(r: Resource, ctx: Context) -> Iterator[str]:
    missing = [
        k
        for k in ("maximumRetryAttempts", "maximumEventAgeInSeconds")
        if r.props.get(f"retryPolicy.{k}") is None
    ]
    if missing:
        yield f"rule target {r.name} has no retry policy {' / '.join(missing)}"


@stack_rule(
    name="eventbridge-bus-has-archive",
    description="Every custom event bus has an archive with a finite retention.",
    severity=Severity.MEDIUM,
    category=Category.DATA_LOSS,
    anchors=("stack-gap", "seed:004_c81be31074af1300.txt"),
    rationale="Replay from an archive is the recovery path after a consumer bug (seed 004, "
    "tools/ops replay); no anchor checks archives.",
    fix="Add an aws.cloudwatch.EventArchive with event_source_arn=<bus ARN> and retention_days.",
    unknown="Skips a bus while an archive's event source is unknown.",
)
def eventbridge_bus_has_archive(stack: Stack, ctx: Context) -> Iterator[Finding]:
    archives = stack.of_type(EVENT_ARCHIVE)
    for bus in stack.of_type(EVENT_BUS):
        unknown, finite = False, False
        for archive in archives:
            refs = stack.referenced(archive, "eventSourceArn", EVENT_BUS)
            if refs is UNKNOWN:
                unknown = True
            elif bus in refs:  # type: ignore[operator]
                days = archive.props.number("retentionDays")
                finite = finite or is_unknown(days) or bool(days)
        if not finite and not unknown:
            yield Finding.on(bus, f"event bus {bus.name} has no archive with finite retention")


@stack_rule(
    name="eventbridge-custom-bus-has-policy",
    description="Every custom event bus has a resource-based policy.",
    severity=Severity.LOW,
    category=Category.SECURITY,
    enforcement=Enforcement.ADVISORY,  # FSBP rates it low; an absent policy means same-account only
    anchors=("SH EventBridge.3",),
    rationale="A bus policy states who may put events (FSBP EventBridge.3); without one only "
    "the account can, which is safe but undocumented.",
    fix="Add an aws.cloudwatch.EventBusPolicy naming the producers.",
    unknown="Skips a bus while a bus policy's eventBusName is unknown.",
)
def eventbridge_custom_bus_has_policy(stack: Stack, ctx: Context) -> Iterator[Finding]:
    for bus in stack.of_type(EVENT_BUS):
        covered, unknown = False, False
        for policy in stack.of_type(EVENT_BUS_POLICY, EVENT_PERMISSION):
            refs = stack.referenced(policy, "eventBusName", EVENT_BUS)
            if refs is UNKNOWN:
                unknown = True
            elif bus in refs:  # type: ignore[operator]
                covered = True
        if not covered and not unknown:
            yield Finding.on(bus, f"event bus {bus.name} has no resource-based policy")


def _rule_of(stack: Stack, target: StackResource) -> StackResource | object:
    refs = stack.referenced(target, "rule", EVENT_RULE)
    if refs is UNKNOWN:
        return UNKNOWN
    return refs[0] if refs else None  # type: ignore[index]


def _scoped_to(values: tuple[str, ...], rule: StackResource) -> bool:
    arn = rule.props.get("arn")
    return isinstance(arn, str) and arn in values


@stack_rule(
    name="eventbridge-target-admits-events",
    description="A queue or function targeted by a rule admits events.amazonaws.com for that "
    "rule's ARN only.",
    severity=Severity.HIGH,
    category=Category.RELIABILITY,
    anchors=("stack-gap",),
    rationale="Without the grant EventBridge's deliveries fail silently into the target's DLQ; "
    "without aws:SourceArn any rule in any account could deliver.",
    fix="Queue: a policy statement for Service events.amazonaws.com, sqs:SendMessage, "
    "Condition ArnEquals aws:SourceArn=<rule ARN>. Function: aws.lambda_.Permission with "
    "principal events.amazonaws.com and source_arn=<rule ARN>.",
    unknown="Says it cannot decide (advisory) "
    "for a target while the target, its rule, the rule ARN or the target's policies "
    "are unknown.",
)
def eventbridge_target_admits_events(stack: Stack, ctx: Context) -> Iterator[Finding]:
    for target in stack.of_type(EVENT_TARGET):
        rule = _rule_of(stack, target)
        destination = stack.referenced(target, "arn", QUEUE, FUNCTION)
        if not isinstance(rule, StackResource) or destination is UNKNOWN:
            if rule is UNKNOWN or destination is UNKNOWN:
                undecided(f"the rule or destination of target {target.name}")
            continue
        if is_unknown(rule.props.get("arn")) and not destination:
            continue
        for dest in destination:  # type: ignore[union-attr]
            ok: bool | None
            if dest.type == QUEUE:
                ok = _queue_admits_events(stack, dest, rule)
                if ok is None:
                    undecided(f"a policy of queue {dest.name}")
                    continue
            else:
                ok = _permission_for(stack, dest, "events.amazonaws.com", rule)
                if ok is None:
                    undecided(f"the permissions of function {dest.name}")
            if ok is False:
                yield Finding.on(
                    target,
                    f"{dest.name} does not admit events.amazonaws.com scoped to rule {rule.name}",
                )


def _queue_admits_events(stack: Stack, queue: StackResource, rule: StackResource) -> bool | None:
    """Whether the queue's policies let events.amazonaws.com send from `rule` (None: cannot
    tell yet). A queue whose policies grant EventBridge nothing admits no rule, whatever the
    rule's ARN; a grant can only be matched to the rule once the rule's ARN is known."""
    docs = queue_documents(stack, queue)
    if docs is UNKNOWN:
        return None
    grants = [
        s
        for d in docs  # type: ignore[union-attr]
        for s in d.statements
        if s.allows
        and "events.amazonaws.com" in s.principal_values("Service")
        and s.covers_action("sqs:SendMessage")
    ]
    if not grants:
        return False
    if is_unknown(rule.props.get("arn")):
        return None
    return any(_scoped_to(s.condition_values("aws:SourceArn"), rule) for s in grants)


@stack_rule(
    name="eventbridge-dead-letter-queue-admits-events",
    description="The dead-letter queue of a rule target admits events.amazonaws.com for that"
    " rule's ARN.",
    severity=Severity.HIGH,
    category=Category.RELIABILITY,
    anchors=("stack-gap",),
    rationale="EventBridge writes undelivered events to the DLQ only when the queue policy"
    " allows sqs:SendMessage to events.amazonaws.com with aws:SourceArn of the rule; otherwise"
    " they are lost with no error (EventBridge User Guide, 'Using dead-letter queues to process"
    " undelivered events', https://docs.aws.amazon.com/eventbridge/latest/userguide/"
    "eb-rule-dlq.html). The DLQ's key is judged by kms-key-grants-producer-service.",
    fix="Queue policy statement: Service events.amazonaws.com, sqs:SendMessage, Condition "
    "ArnEquals aws:SourceArn=<rule ARN>.",
    unknown="Skips a target while its rule or DLQ is unknown; says it cannot decide (advisory)"
    " while the DLQ's policies are unknown, or grant EventBridge and the rule's ARN is not yet"
    " known (a DLQ that grants EventBridge nothing fails in every phase); a DLQ outside the"
    " stack is trusted.",
)
def eventbridge_dead_letter_queue_admits_events(stack: Stack, ctx: Context) -> Iterator[Finding]:
    for target in stack.of_type(EVENT_TARGET):
        rule = _rule_of(stack, target)
        queues = target_dead_letter_queues(stack, target)
        if not isinstance(rule, StackResource) or not isinstance(queues, list):
            continue
        for queue in queues:
            admits = _queue_admits_events(stack, queue, rule)
            if admits is None:
                undecided(f"whether dead-letter queue {queue.name} admits rule {rule.name}")
            elif admits is False:
                yield Finding.on(
                    target,
                    f"dead-letter queue {queue.name} does not admit events.amazonaws.com"
                    f" scoped to rule {rule.name}: undelivered events are lost",
                )


def _permission_for(
    stack: Stack, fn: StackResource, principal: str, rule: StackResource
) -> bool | None:
    """Whether a Permission lets `principal` invoke `fn` from `rule` (None: cannot tell)."""
    for permission in stack.of_type(PERMISSION):
        refs = stack.referenced(permission, "function", FUNCTION)
        if refs is UNKNOWN:
            return None
        if fn not in refs or permission.props.get("principal") != principal:  # type: ignore[operator]
            continue
        source = permission.props.get("sourceArn")
        if is_unknown(source):
            if rule.urn in permission.property_dependencies.get("sourceArn", ()):
                return True
            return None
        if source == rule.props.get("arn"):
            return True
    return False


RULES = [
    eventbridge_bus_policy_not_open,
    eventbridge_bus_customer_managed_key,
    eventbridge_archive_retention_and_pattern,
    eventbridge_rule_pattern_not_catch_all,
    eventbridge_target_dead_letter_queue,
    eventbridge_target_retry_policy,
    eventbridge_bus_has_archive,
    eventbridge_custom_bus_has_policy,
    eventbridge_target_admits_events,
    eventbridge_dead_letter_queue_admits_events,
]
