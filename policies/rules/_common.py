"""Type tokens and cross-resource helpers shared by the rule modules (not a rule module).

Stack rules live in the module of their name's prefix, like resource rules. Their references
resolve through the engine's property dependencies first, then by ARN / URL / name / id (see
`lib/stack.py`); an unknown link is skipped, a reference to something outside the stack is
trusted unless the rule says otherwise.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ..lib import UNKNOWN, PolicyDocument, Stack, StackResource, Unknown, parse_policy
from ..lib.values import is_unknown

QUEUE = "aws:sqs/queue:Queue"
QUEUE_POLICY = "aws:sqs/queuePolicy:QueuePolicy"
REDRIVE_POLICY = "aws:sqs/redrivePolicy:RedrivePolicy"
TOPIC = "aws:sns/topic:Topic"
TOPIC_POLICY = "aws:sns/topicPolicy:TopicPolicy"
SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"
FUNCTION = "aws:lambda/function:Function"
PERMISSION = "aws:lambda/permission:Permission"
FUNCTION_URL = "aws:lambda/functionUrl:FunctionUrl"
EVENT_SOURCE_MAPPING = "aws:lambda/eventSourceMapping:EventSourceMapping"
EVENT_INVOKE_CONFIG = "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig"
TABLE = "aws:dynamodb/table:Table"
SCALING_TARGET = "aws:appautoscaling/target:Target"
EVENT_BUS = "aws:cloudwatch/eventBus:EventBus"
EVENT_BUS_POLICY = "aws:cloudwatch/eventBusPolicy:EventBusPolicy"
EVENT_PERMISSION = "aws:cloudwatch/eventPermission:EventPermission"
EVENT_ARCHIVE = "aws:cloudwatch/eventArchive:EventArchive"
EVENT_RULE = "aws:cloudwatch/eventRule:EventRule"
EVENT_TARGET = "aws:cloudwatch/eventTarget:EventTarget"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
METRIC_ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
COMPOSITE_ALARM = "aws:cloudwatch/compositeAlarm:CompositeAlarm"
KMS_KEY = "aws:kms/key:Key"
KMS_ALIAS = "aws:kms/alias:Alias"
KMS_KEY_POLICY = "aws:kms/keyPolicy:KeyPolicy"
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
IAM_POLICY = "aws:iam/policy:Policy"
ROLE_POLICY_ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"

AWS_MANAGED_SQS_KEY = "alias/aws/sqs"
# AWS-managed keys (alias/aws/<service>, by alias name or alias ARN): their key policies cannot
# be changed, so no other service principal can ever be granted them (SNS Developer Guide,
# "Configuring AWS KMS permissions for AWS services": event sources such as CloudWatch and
# EventBridge need a customer managed key on the topic;
# https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html).
AWS_MANAGED_KEY = re.compile(r"(?:^|:)(alias/aws/[\w-]+)$")


def documents(
    stack: Stack, resource: StackResource, inline_prop: str, policy_type: str, link_prop: str
) -> list[PolicyDocument] | Unknown:
    """The policy documents in effect on `resource`: those of the policy resources of
    `policy_type` whose `link_prop` refers to it, else its inline property. `UNKNOWN` when any
    is unknown.

    A queue, topic or key holds one policy, and a separate policy resource replaces it: it is
    created after the resource and sets the same attribute (SQS SetQueueAttributes `Policy`,
    SNS SetTopicAttributes `Policy`, KMS PutKeyPolicy; "Every KMS key must have exactly one key
    policy", https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html). Two
    separate policies for one resource overwrite each other in no set order; both are kept.
    """
    separate: list[object] = []
    for policy in stack.of_type(policy_type):
        refs = stack.referenced(policy, link_prop, resource.type)
        if refs is UNKNOWN:
            return UNKNOWN
        if isinstance(refs, list) and resource in refs:
            separate.append(policy.props.get("policy"))
    docs: list[PolicyDocument] = []
    for value in separate or [resource.props.get(inline_prop)]:
        doc = parse_policy(value)
        if doc is UNKNOWN:
            return UNKNOWN
        if doc is not None:
            docs.append(doc)  # type: ignore[arg-type]
    return docs


def public_statements(policy: object) -> Iterator[str]:
    """A finding per statement of a resource policy (dict, JSON or get_policy_document output)
    that allows a wildcard principal with no narrowing condition; nothing while it is unknown."""
    doc = parse_policy(policy)
    if doc is None or doc is UNKNOWN:
        return
    for i, s in enumerate(doc.statements):  # type: ignore[union-attr]
        if s.is_public:
            yield f"statement {s.sid or i} allows a wildcard principal with no narrowing condition"


def queue_documents(stack: Stack, queue: StackResource) -> list[PolicyDocument] | Unknown:
    return documents(stack, queue, "policy", QUEUE_POLICY, "queueUrl")


def redrive_target(stack: Stack, queue: StackResource) -> StackResource | Unknown | None:
    """The dead-letter queue of `queue` (inline redrivePolicy or a RedrivePolicy resource)."""
    target = queue.props.get("redrivePolicy.deadLetterTargetArn")
    if target is not None:
        found = stack.find(target, QUEUE)
        if found is UNKNOWN and "redrivePolicy" in queue.property_dependencies:
            refs = stack.referenced(queue, "redrivePolicy", QUEUE)
            return refs[0] if isinstance(refs, list) and refs else UNKNOWN
        return found
    for policy in stack.of_type(REDRIVE_POLICY):
        refs = stack.referenced(policy, "queueUrl", QUEUE)
        if refs is UNKNOWN:
            return UNKNOWN
        if queue in refs:  # type: ignore[operator]
            arn = policy.props.get("redrivePolicy.deadLetterTargetArn")
            found = stack.find(arn, QUEUE)
            if found is UNKNOWN:
                deps = stack.referenced(policy, "redrivePolicy", QUEUE)
                return deps[0] if isinstance(deps, list) and deps else UNKNOWN
            return found
    return None


def has_redrive(stack: Stack, queue: StackResource) -> bool | Unknown:
    """Whether the queue has a redrive policy naming a dead-letter target (anywhere)."""
    target = queue.props.get("redrivePolicy.deadLetterTargetArn")
    if is_unknown(target) or is_unknown(queue.props.get("redrivePolicy")):
        return UNKNOWN
    if target:
        return True
    for policy in stack.of_type(REDRIVE_POLICY):
        refs = stack.referenced(policy, "queueUrl", QUEUE)
        if refs is UNKNOWN:
            return UNKNOWN
        if queue in refs:  # type: ignore[operator]
            return True
    return False


def dead_letter_queues(stack: Stack) -> tuple[set[str], bool]:
    """URNs of queues used as a dead-letter target by a queue, Lambda, subscription, rule
    target or event bus; and whether some dead-letter reference could not be resolved (unknown)."""
    urns: set[str] = set()
    unresolved = False

    def add(found: object) -> None:
        nonlocal unresolved
        if found is UNKNOWN:
            unresolved = True
        elif isinstance(found, StackResource):
            urns.add(found.urn)

    for queue in stack.of_type(QUEUE):
        add(redrive_target(stack, queue))
    for policy in stack.of_type(REDRIVE_POLICY):
        add(stack.find(policy.props.get("redrivePolicy.deadLetterTargetArn"), QUEUE))
    for fn in stack.of_type(FUNCTION):
        add(stack.find(fn.props.get("deadLetterConfig.targetArn"), QUEUE))
    for sub in stack.of_type(SUBSCRIPTION):
        add(stack.find(sub.props.get("redrivePolicy.deadLetterTargetArn"), QUEUE))
    for target in stack.of_type(EVENT_TARGET):
        add(stack.find(target.props.get("deadLetterConfig.arn"), QUEUE))
    for bus in stack.of_type(EVENT_BUS):
        add(stack.find(bus.props.get("deadLetterConfig.arn"), QUEUE))
    for config in stack.of_type(EVENT_INVOKE_CONFIG):
        add(stack.find(config.props.get("destinationConfig.onFailure.destination"), QUEUE))
    for mapping in stack.of_type(EVENT_SOURCE_MAPPING):
        add(stack.find(mapping.props.get("destinationConfig.onFailure.destinationArn"), QUEUE))
    return urns, unresolved


def mapped_functions(stack: Stack, queue: StackResource) -> list[StackResource] | Unknown:
    """Functions consuming `queue` through an event source mapping."""
    out: list[StackResource] = []
    for mapping in stack.of_type(EVENT_SOURCE_MAPPING):
        sources = stack.referenced(mapping, "eventSourceArn", QUEUE)
        if sources is UNKNOWN:
            return UNKNOWN
        if queue in sources:  # type: ignore[operator]
            fns = stack.referenced(mapping, "functionName", FUNCTION)
            if fns is UNKNOWN or not fns:
                fns = _function_by_arn(stack, mapping.props.get("functionArn"))
            if fns is UNKNOWN:
                return UNKNOWN
            out.extend(fns)  # type: ignore[arg-type]
    return out


def _function_by_arn(stack: Stack, value: object) -> list[StackResource] | Unknown:
    found = stack.find(value, FUNCTION)
    if found is UNKNOWN:
        return UNKNOWN
    return [found] if isinstance(found, StackResource) else []


def key_for(stack: Stack, reference: object) -> StackResource | Unknown | None:
    """The KMS key a key id / key ARN / alias name / alias ARN refers to, if in the stack."""
    found = stack.find(reference, KMS_KEY, KMS_ALIAS)
    if not isinstance(found, StackResource) or found.type == KMS_KEY:
        return found
    target = found.props.get("targetKeyId")
    key = stack.find(target, KMS_KEY)
    if key is None:
        key = stack.find(found.props.get("targetKeyArn"), KMS_KEY)
    if key is UNKNOWN or key is None:
        refs = stack.referenced(found, "targetKeyId", KMS_KEY)
        return refs[0] if isinstance(refs, list) and refs else key
    return key


def key_documents(stack: Stack, key: StackResource) -> list[PolicyDocument] | Unknown:
    return documents(stack, key, "policy", KMS_KEY_POLICY, "keyId")


def alarm_targets(stack: Stack, alarm: StackResource) -> list[str]:
    """The known ARNs of an alarm's ALARM-state actions."""
    actions = alarm.props.array("alarmActions")
    return [a for a in actions if isinstance(a, str)] if isinstance(actions, list) else []


def alarm_dimensions(alarm: StackResource) -> list[tuple[str, str, dict[str, object]]]:
    """(namespace, metric name, dimensions) of an alarm's metric and of its metric queries."""
    out = []
    props = alarm.props
    if props.get("metricName") is not None:
        dims = props.get("dimensions")
        out.append(
            (
                str(props.get("namespace") or ""),
                str(props.get("metricName")),
                dims if isinstance(dims, dict) else {},
            )
        )
    queries = props.array("metricQueries")
    for query in queries if isinstance(queries, list) else []:
        if isinstance(query, dict) and isinstance(query.get("metric"), dict):
            metric = query["metric"]
            dims = metric.get("dimensions")
            out.append(
                (
                    str(metric.get("namespace") or ""),
                    str(metric.get("metricName") or ""),
                    dims if isinstance(dims, dict) else {},
                )
            )
    return out


@dataclass(frozen=True)
class _AlarmIndex:
    """Metric alarms by (namespace, metric, dimension, value), and those whose value for a
    dimension is unknown, with the URNs their dimensions depend on."""

    known: dict[tuple[str, str, str, str], list[StackResource]]
    unknown: dict[tuple[str, str, str], list[tuple[StackResource, tuple[str, ...]]]]


def _alarm_index(stack: Stack) -> _AlarmIndex:
    known: dict[tuple[str, str, str, str], list[StackResource]] = defaultdict(list)
    unknown: dict[tuple[str, str, str], list[tuple[StackResource, tuple[str, ...]]]]
    unknown = defaultdict(list)
    for alarm in stack.of_type(METRIC_ALARM):
        deps = tuple(alarm.property_dependencies.get("dimensions", ())) + tuple(
            alarm.property_dependencies.get("metricQueries", ())
        )
        for namespace, metric, dims in alarm_dimensions(alarm):
            for dimension, value in dims.items():
                if is_unknown(value):
                    unknown[(namespace, metric, dimension)].append((alarm, deps))
                elif isinstance(value, str):
                    known[(namespace, metric, dimension, value)].append(alarm)
    return _AlarmIndex(known=known, unknown=unknown)


def alarms_on(
    stack: Stack, namespace: str, metrics: Iterable[str], dimension: str, target: StackResource
) -> list[StackResource] | Unknown:
    """Alarms in the stack on `namespace`/`metrics` whose `dimension` names `target`.

    `UNKNOWN` when some candidate alarm's dimension value is unknown and no alarm matched."""
    index = stack.memo("metric-alarms", lambda: _alarm_index(stack))
    names = target.identities()
    found: list[StackResource] = []
    unknown = False
    for metric in set(metrics):
        for name in names:
            found.extend(index.known.get((namespace, metric, dimension, name), ()))
        for alarm, deps in index.unknown.get((namespace, metric, dimension), ()):
            if target.urn in deps:
                found.append(alarm)
            else:
                unknown = True
    if not found and unknown:
        return UNKNOWN
    return list(dict.fromkeys(found))


def has_alarm_actions(alarm: StackResource) -> bool:
    actions = alarm.props.array("alarmActions")
    return actions is UNKNOWN or bool(actions)


def target_dead_letter_queues(stack: Stack, target: StackResource) -> list[StackResource] | object:
    """The queues a target's dead_letter_config names: by the engine's dependencies of the
    `deadLetterConfig` input (they hold while the ARN is unknown), else by the ARN."""
    found = stack.referenced(target, "deadLetterConfig", QUEUE)
    if isinstance(found, list) and found:
        return found
    return stack.referenced(target, "deadLetterConfig.arn", QUEUE)
