"""Cross-resource (stack) rules: links between queues, topics, functions, buses, keys, alarms.

References resolve through the engine's property dependencies first, then by ARN / URL / name /
id (see `lib/stack.py`); an unknown link is skipped, a reference to something outside the stack
is trusted unless the rule says otherwise.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..lib import (
    UNKNOWN,
    Category,
    Context,
    Enforcement,
    Finding,
    PolicyDocument,
    Severity,
    Stack,
    StackResource,
    is_unknown,
    parse_policy,
    stack_rule,
    undecided,
)
from ._common import (
    AWS_MANAGED_KEY,
    COMPOSITE_ALARM,
    EVENT_ARCHIVE,
    EVENT_BUS,
    EVENT_BUS_POLICY,
    EVENT_INVOKE_CONFIG,
    EVENT_PERMISSION,
    EVENT_RULE,
    EVENT_SOURCE_MAPPING,
    EVENT_TARGET,
    FUNCTION,
    IAM_POLICY,
    KMS_ALIAS,
    KMS_KEY,
    KMS_KEY_POLICY,
    LOG_GROUP,
    METRIC_ALARM,
    PERMISSION,
    QUEUE,
    ROLE,
    ROLE_POLICY,
    ROLE_POLICY_ATTACHMENT,
    SCALING_TARGET,
    SUBSCRIPTION,
    TABLE,
    TOPIC,
    TOPIC_POLICY,
    alarms_on,
    dead_letter_queues,
    documents,
    grants_service,
    has_redrive,
    key_documents,
    key_for,
    mapped_functions,
    queue_documents,
    redrive_target,
)

KMS_PRODUCER_ACTIONS = ("kms:GenerateDataKey", "kms:Decrypt")
DEFAULT_RETENTION_SECONDS = 345600  # SQS default: 4 days


@stack_rule(
    name="sqs-queue-has-dead-letter-queue",
    description="Every queue that is not itself a dead-letter queue has a redrive policy.",
    severity=Severity.HIGH,
    category=Category.RELIABILITY,
    anchors=("AwsSolutions-SQS3", "Srv:SQSRedrivePolicy"),
    rationale="A message that keeps failing blocks nothing but is retried until it expires and "
    "is lost. A queue counts as a DLQ when a queue, function, subscription, rule target or "
    "invoke config names it as its dead-letter target (inline or RedrivePolicy resource).",
    fix="Create a DLQ and set redrive_policy (or an aws.sqs.RedrivePolicy) on the queue.",
    unknown="Skips the whole check while some dead-letter reference is unknown (any queue "
    "could be the DLQ), and a queue whose redrive policy is unknown.",
)
def sqs_queue_has_dead_letter_queue(stack: Stack, ctx: Context) -> Iterator[Finding]:
    dlqs, unresolved = dead_letter_queues(stack)
    if unresolved:
        return
    for queue in stack.of_type(QUEUE):
        if queue.urn in dlqs:
            continue
        if has_redrive(stack, queue) is False:
            yield Finding.on(queue, f"queue {queue.name} has no dead-letter queue")


@stack_rule(
    name="sqs-dead-letter-queue-alarm",
    description="Every dead-letter queue has an alarm on its visible messages with an action.",
    severity=Severity.HIGH,
    category=Category.RELIABILITY,
    anchors=("stack-gap", "seed:001_25b97f9ce409c2fa.txt"),
    rationale="A DLQ nobody watches is where failures go to be forgotten (runbook seed 001: DLQ "
    "depth alerts); no anchor links a DLQ to an alarm.",
    fix="Add a MetricAlarm on AWS/SQS ApproximateNumberOfMessagesVisible, dimension "
    "QueueName=<dlq name>, threshold > 0, with alarm_actions.",
    unknown="Skips a DLQ while an alarm's QueueName dimension is unknown and not tied to it by "
    "a property dependency.",
)
def sqs_dead_letter_queue_alarm(stack: Stack, ctx: Context) -> Iterator[Finding]:
    dlqs, _ = dead_letter_queues(stack)
    for queue in stack.of_type(QUEUE):
        if queue.urn not in dlqs:
            continue
        alarms = alarms_on(
            stack, "AWS/SQS", ("ApproximateNumberOfMessagesVisible",), "QueueName", queue
        )
        if alarms is UNKNOWN:
            continue
        with_action = [a for a in alarms if _has_actions(a)]  # type: ignore[union-attr]
        if not with_action:
            yield Finding.on(queue, f"dead-letter queue {queue.name} has no alarm with an action")


def _has_actions(alarm: StackResource) -> bool:
    actions = alarm.props.array("alarmActions")
    return actions is UNKNOWN or bool(actions)


@stack_rule(
    name="sqs-dead-letter-retention",
    description="A dead-letter queue keeps messages at least as long as its source queue.",
    severity=Severity.MEDIUM,
    category=Category.DATA_LOSS,
    anchors=("stack-gap",),
    rationale="A message's age is kept when it moves to the DLQ (standard queues): a DLQ with a "
    "shorter retention than its source deletes failures before anyone looks.",
    fix="Set the DLQ's message_retention_seconds >= the source's (14 days is the maximum).",
    unknown="Skips a pair while either retention or the link is unknown.",
)
def sqs_dead_letter_retention(stack: Stack, ctx: Context) -> Iterator[Finding]:
    for queue in stack.of_type(QUEUE):
        dlq = redrive_target(stack, queue)
        if not isinstance(dlq, StackResource):
            continue
        source = queue.props.number("messageRetentionSeconds")
        target = dlq.props.number("messageRetentionSeconds")
        if is_unknown(source) or is_unknown(target):
            continue
        source = source or DEFAULT_RETENTION_SECONDS
        target = target or DEFAULT_RETENTION_SECONDS
        if target < source:  # type: ignore[operator]
            yield Finding.on(
                dlq,
                f"dead-letter queue {dlq.name} keeps messages {int(target)} s, less than "  # type: ignore[arg-type]
                f"its source {queue.name} ({int(source)} s)",  # type: ignore[arg-type]
            )


@stack_rule(
    name="sqs-queue-policy-tls-only",
    description="Every queue has a policy (inline or QueuePolicy) denying non-TLS requests.",
    severity=Severity.MEDIUM,
    category=Category.SECURITY,
    anchors=("AwsSolutions-SQS4",),
    rationale="Requests over plain HTTP expose message bodies (cdk-nag SQS4). Checked per queue "
    "across its inline policy and every QueuePolicy naming it, so a separate policy resource "
    "counts.",
    fix="Add a Deny statement for Principal '*', Action 'sqs:*', Condition Bool "
    "aws:SecureTransport=false.",
    unknown="Says it cannot decide (advisory) "
    "for a queue while any policy document for it, or a QueuePolicy's queueUrl, is "
    "unknown.",
)
def sqs_queue_policy_tls_only(stack: Stack, ctx: Context) -> Iterator[Finding]:
    for queue in stack.of_type(QUEUE):
        docs = queue_documents(stack, queue)
        if docs is UNKNOWN:
            undecided(f"a policy of queue {queue.name}")
            continue
        if not any(d.denies_insecure_transport("sqs") for d in docs):  # type: ignore[union-attr]
            yield Finding.on(queue, f"queue {queue.name} does not deny requests without TLS")


@stack_rule(
    name="sns-topic-policy-tls-only",
    description="Every topic has a policy (inline or TopicPolicy) denying non-TLS publishing.",
    severity=Severity.MEDIUM,
    category=Category.SECURITY,
    anchors=("AwsSolutions-SNS3",),
    rationale="Publishers over plain HTTP expose notifications (cdk-nag SNS3); the inline "
    "policy and TopicPolicy resources are both considered.",
    fix="Add a Deny statement for Principal '*', Action 'sns:Publish', Condition Bool "
    "aws:SecureTransport=false.",
    unknown="Says it cannot decide (advisory) "
    "for a topic while any policy document for it, or a TopicPolicy's arn, is unknown.",
)
def sns_topic_policy_tls_only(stack: Stack, ctx: Context) -> Iterator[Finding]:
    for topic in stack.of_type(TOPIC):
        docs = documents(stack, topic, "policy", TOPIC_POLICY, "arn")
        if docs is UNKNOWN:
            undecided(f"a policy of topic {topic.name}")
            continue
        if not any(d.denies_insecure_transport("sns", "sns:Publish") for d in docs):  # type: ignore[union-attr]
            yield Finding.on(topic, f"topic {topic.name} does not deny publishing without TLS")


@stack_rule(
    name="sqs-visibility-timeout-covers-consumer",
    description="A queue's visibility timeout is at least 6 x the timeout of its consumer.",
    severity=Severity.HIGH,
    category=Category.RELIABILITY,
    anchors=("xtra:LambdaEventSourceSQSVisibilityTimeout",),
    rationale="AWS's guidance for SQS event sources: a shorter visibility timeout lets a message "
    "reappear while it is still being processed, so it is processed twice and its receive "
    "count climbs towards the DLQ (DESIGN traps).",
    fix="Set visibility_timeout_seconds >= 6 x the function's timeout (default 3 s).",
    unknown="Skips a queue/function pair while either timeout or the mapping's references are "
    "unknown.",
    config_schema={"factor": {"type": "number", "minimum": 1}},
    config_defaults={"factor": 6},
)
def sqs_visibility_timeout_covers_consumer(stack: Stack, ctx: Context) -> Iterator[Finding]:
    factor = float(ctx.config["factor"])
    for queue in stack.of_type(QUEUE):
        functions = mapped_functions(stack, queue)
        if functions is UNKNOWN:
            continue
        visibility = queue.props.number("visibilityTimeoutSeconds")
        if is_unknown(visibility):
            continue
        visibility = 30.0 if visibility is None else visibility
        for fn in functions:  # type: ignore[union-attr]
            timeout = fn.props.number("timeout")
            if is_unknown(timeout):
                continue
            timeout = 3.0 if timeout is None else timeout
            if visibility < factor * timeout:  # type: ignore[operator]
                yield Finding.on(
                    queue,
                    f"queue {queue.name} visibility timeout {int(visibility)} s is below "  # type: ignore[arg-type]
                    f"{factor:g} x {fn.name}'s timeout {int(timeout)} s",  # type: ignore[arg-type]
                )


@stack_rule(
    name="lambda-function-error-alarm",
    description="Every Lambda function has an alarm on its Errors metric with an action.",
    severity=Severity.HIGH,
    category=Category.RELIABILITY,
    anchors=("stack-gap", "seed:001_25b97f9ce409c2fa.txt"),
    rationale="Failing invocations are otherwise seen only by the users they fail (runbook "
    "seed 001: error-rate alerts per function); anchors only check that alarms have actions.",
    fix="Add a MetricAlarm on AWS/Lambda Errors, dimension FunctionName=<function name>, with "
    "alarm_actions.",
    unknown="Skips a function while an alarm's FunctionName dimension is unknown and not tied "
    "to it by a property dependency.",
)
def lambda_function_error_alarm(stack: Stack, ctx: Context) -> Iterator[Finding]:
    for fn in stack.of_type(FUNCTION):
        alarms = alarms_on(stack, "AWS/Lambda", ("Errors",), "FunctionName", fn)
        if alarms is UNKNOWN:
            continue
        if not [a for a in alarms if _has_actions(a)]:  # type: ignore[union-attr]
            yield Finding.on(fn, f"function {fn.name} has no Errors alarm with an action")


def _function_log_group(stack: Stack, fn: StackResource) -> StackResource | object | None:
    """The function's log group: loggingConfig.logGroup, or /aws/lambda/<name>."""
    configured = fn.props.get("loggingConfig.logGroup")
    if is_unknown(configured):
        refs = stack.referenced(fn, "loggingConfig", LOG_GROUP)
        return refs[0] if isinstance(refs, list) and refs else UNKNOWN
    if configured:
        found = stack.find(configured, LOG_GROUP)
        return found if found is not None else "external"
    for group in stack.of_type(LOG_GROUP):
        if fn.urn in group.property_dependencies.get("name", ()):
            return group
    name = fn.props.get("name")
    if is_unknown(name):
        return UNKNOWN
    return stack.find(f"/aws/lambda/{name}", LOG_GROUP)


@stack_rule(
    name="lambda-function-log-group-retention",
    description="Every Lambda function writes to a log group of the stack that has a retention.",
    severity=Severity.MEDIUM,
    category=Category.COST,
    enforcement=Enforcement.MANDATORY,  # Lambda's own log group never expires
    anchors=("xtra:LambdaLogging",),
    rationale="Lambda creates /aws/lambda/<name> on first invoke with no retention, outside the "
    "program: logs are kept forever and the group survives the stack.",
    fix="Create the log group (/aws/lambda/<name> or logging_config.log_group) with "
    "retention_in_days.",
    unknown="Skips a function while its name or logging config is unknown; a log group "
    "configured outside the stack is trusted.",
)
def lambda_function_log_group_retention(stack: Stack, ctx: Context) -> Iterator[Finding]:
    for fn in stack.of_type(FUNCTION):
        group = _function_log_group(stack, fn)
        if group is UNKNOWN or group == "external":
            continue
        if not isinstance(group, StackResource):
            yield Finding.on(fn, f"function {fn.name} has no log group in the stack")
            continue
        days = group.props.number("retentionInDays")
        if not is_unknown(days) and not days:
            yield Finding.on(fn, f"log group of function {fn.name} has no retention")


@stack_rule(
    name="lambda-function-failure-destination",
    description="Asynchronously invoked functions have a DLQ or an on-failure destination.",
    severity=Severity.MEDIUM,
    category=Category.RELIABILITY,
    enforcement=Enforcement.ADVISORY,  # a function may be invoked only synchronously
    anchors=("Srv:LambdaDLQ", "pk:LambdaDLQ", "CKV_AWS_116", "Srv:LambdaAsyncFailureDestination"),
    rationale="Async events that fail after two retries are dropped without one. Functions "
    "fed only by event source mappings (synchronous polling) are exempt: the queue's DLQ "
    "covers them. Advisory: the pack cannot see every invoker.",
    fix="Set dead_letter_config or an aws.lambda_.FunctionEventInvokeConfig with "
    "destination_config.on_failure.",
    unknown="Counts an unknown DLQ or destination as set.",
)
def lambda_function_failure_destination(stack: Stack, ctx: Context) -> Iterator[Finding]:
    polled: set[str] = set()
    for mapping in stack.of_type(EVENT_SOURCE_MAPPING):
        refs = stack.referenced(mapping, "functionName", FUNCTION)
        if isinstance(refs, list):
            polled.update(f.urn for f in refs)
    configured: set[str] = set()
    for config in stack.of_type(EVENT_INVOKE_CONFIG):
        refs = stack.referenced(config, "functionName", FUNCTION)
        destination = config.props.get("destinationConfig.onFailure.destination")
        if isinstance(refs, list) and destination is not None:
            configured.update(f.urn for f in refs)
    for fn in stack.of_type(FUNCTION):
        if fn.urn in polled or fn.urn in configured:
            continue
        if fn.props.get("deadLetterConfig.targetArn") is None:
            yield Finding.on(fn, f"function {fn.name} has no DLQ or on-failure destination")


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


def _dead_letter_queues(stack: Stack, target: StackResource) -> list[StackResource] | object:
    """The queues a target's dead_letter_config names: by the engine's dependencies of the
    `deadLetterConfig` input (they hold while the ARN is unknown), else by the ARN."""
    found = stack.referenced(target, "deadLetterConfig", QUEUE)
    if isinstance(found, list) and found:
        return found
    return stack.referenced(target, "deadLetterConfig.arn", QUEUE)


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
        queues = _dead_letter_queues(stack, target)
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


def _producer_edges(stack: Stack) -> Iterator[tuple[StackResource, str]]:
    """(destination queue/topic, the service principal that delivers to it)."""
    for sub in stack.of_type(SUBSCRIPTION):
        if sub.props.get("protocol") != "sqs":
            continue
        queues = stack.referenced(sub, "endpoint", QUEUE)
        if isinstance(queues, list):
            for queue in queues:
                yield queue, "sns.amazonaws.com"
    for target in stack.of_type(EVENT_TARGET):
        for found in (
            stack.referenced(target, "arn", QUEUE, TOPIC),
            _dead_letter_queues(stack, target),
        ):
            if isinstance(found, list):
                for dest in found:
                    yield dest, "events.amazonaws.com"
    for alarm in stack.of_type(METRIC_ALARM, COMPOSITE_ALARM):
        for actions in ("alarmActions", "okActions", "insufficientDataActions"):
            topics = stack.referenced(alarm, actions, TOPIC)
            if isinstance(topics, list):
                for topic in topics:
                    yield topic, "cloudwatch.amazonaws.com"


@stack_rule(
    name="kms-key-grants-producer-service",
    description="The CMK of a queue/topic fed by SNS, EventBridge or CloudWatch grants that "
    "service kms:GenerateDataKey* and kms:Decrypt.",
    severity=Severity.HIGH,
    category=Category.RELIABILITY,
    anchors=("stack-gap",),
    rationale="The service encrypts the message with the destination's key; without the grant "
    "deliveries fail silently. AWS-managed keys (alias/aws/sqs, alias/aws/sns) can never be "
    "granted: their key policies are fixed (DESIGN deploy-time traps; SNS Developer Guide, "
    "key management).",
    fix="Add a key policy statement for Service <service> with kms:GenerateDataKey* and "
    "kms:Decrypt (conditioned on aws:SourceArn), or use such a key.",
    unknown="Says it cannot decide (advisory) "
    "for a destination while its key reference or key policy is unknown; a key "
    "outside the stack is trusted.",
)
def kms_key_grants_producer_service(stack: Stack, ctx: Context) -> Iterator[Finding]:
    for dest, service in sorted(set(_producer_edges(stack)), key=lambda e: (e[0].urn, e[1])):
        reference = dest.props.get("kmsMasterKeyId")
        key: object
        if is_unknown(reference):
            # A first preview: the key's ARN is unknown, its property dependency names it.
            refs = stack.referenced(dest, "kmsMasterKeyId", KMS_KEY, KMS_ALIAS)
            if not isinstance(refs, list) or not refs:
                undecided(f"the key of {dest.name}")
                continue
            first = refs[0]
            key = first if first.type == KMS_KEY else key_for(stack, first.props.get("name"))
        elif not reference:
            continue
        elif managed := AWS_MANAGED_KEY.search(str(reference)):
            yield Finding.on(
                dest,
                f"{dest.name} uses the AWS-managed {managed.group(1)}, which {service} can"
                " never be granted",
            )
            continue
        else:
            key = key_for(stack, reference)
        if not isinstance(key, StackResource):
            if key is UNKNOWN:
                undecided(f"the key of {dest.name}")
            continue
        docs = key_documents(stack, key)
        if docs is UNKNOWN:
            undecided(f"the policy of key {key.name}")
            continue
        if not grants_service(docs, service, KMS_PRODUCER_ACTIONS):  # type: ignore[arg-type]
            yield Finding.on(
                key,
                f"key {key.name} (used by {dest.name}) does not grant {service} "
                "kms:GenerateDataKey* and kms:Decrypt",
            )


@stack_rule(
    name="sns-subscribed-queue-policy",
    description="A queue subscribed to a topic admits sns.amazonaws.com only for that topic.",
    severity=Severity.HIGH,
    category=Category.SECURITY,
    anchors=("stack-gap",),
    rationale="Without the grant deliveries fail; a grant without aws:SourceArn lets any topic "
    "in any account send (checkov checks only `*` principals, CKV_AWS_364 only Lambda).",
    fix="Queue policy statement: Service sns.amazonaws.com, sqs:SendMessage, Condition "
    "ArnEquals aws:SourceArn=<topic ARN>.",
    unknown="Says it cannot decide (advisory) "
    "for a subscription while its queue, topic ARN or the queue's policies are unknown.",
)
def sns_subscribed_queue_policy(stack: Stack, ctx: Context) -> Iterator[Finding]:
    for sub in stack.of_type(SUBSCRIPTION):
        if sub.props.get("protocol") != "sqs":
            continue
        queues = stack.referenced(sub, "endpoint", QUEUE)
        topic_arn = sub.props.get("topic")
        if queues is UNKNOWN or is_unknown(topic_arn):
            undecided(f"the queue or topic of subscription {sub.name}")
            continue
        for queue in queues:  # type: ignore[union-attr]
            docs = queue_documents(stack, queue)
            if docs is UNKNOWN:
                undecided(f"a policy of queue {queue.name}")
                continue
            statements = [
                s
                for d in docs  # type: ignore[union-attr]
                for s in d.statements
                if s.allows and "sns.amazonaws.com" in s.principal_values("Service")
            ]
            if not any(topic_arn in s.condition_values("aws:SourceArn") for s in statements):
                yield Finding.on(
                    queue, f"queue {queue.name} does not admit sns.amazonaws.com for {topic_arn}"
                )
            elif any(not s.condition_values("aws:SourceArn") for s in statements):
                yield Finding.on(
                    queue, f"queue {queue.name} admits sns.amazonaws.com without aws:SourceArn"
                )


@stack_rule(
    name="sqs-queue-orphan",
    description="Every queue has a consumer, a producer link, or is a dead-letter queue.",
    severity=Severity.LOW,
    category=Category.HYGIENE,
    anchors=("stack-gap",),
    rationale="A queue nothing reads from or writes to costs nothing but hides mistakes (a "
    "mapping pointing at the wrong queue). Advisory: consumers outside the stack exist.",
    fix="Remove the queue or wire it (event source mapping, subscription, rule target).",
    unknown="Skips the check while any link to queues is unknown.",
)
def sqs_queue_orphan(stack: Stack, ctx: Context) -> Iterator[Finding]:
    dlqs, unresolved = dead_letter_queues(stack)
    linked: set[str] = set(dlqs)
    links = [
        (EVENT_SOURCE_MAPPING, "eventSourceArn"),
        (SUBSCRIPTION, "endpoint"),
        (EVENT_TARGET, "arn"),
    ]
    for kind, prop in links:
        for resource in stack.of_type(kind):
            refs = stack.referenced(resource, prop, QUEUE)
            if refs is UNKNOWN:
                unresolved = True
            else:
                linked.update(q.urn for q in refs)  # type: ignore[union-attr]
    for queue in stack.of_type(QUEUE):
        if redrive_target(stack, queue) is not None:
            linked.add(queue.urn)  # it has a DLQ, so something is expected to consume it
    if unresolved:
        return
    for queue in stack.of_type(QUEUE):
        if queue.urn not in linked:
            yield Finding.on(queue, f"queue {queue.name} has no consumer or producer in the stack")


@stack_rule(
    name="kms-key-unused",
    description="Every KMS key of the stack is used by some resource.",
    severity=Severity.LOW,
    category=Category.COST,
    anchors=("stack-gap",),
    rationale="A key costs $1 a month and widens what must be audited; unused keys are usually "
    "a wiring mistake.",
    fix="Use the key (kms_master_key_id, kms_key_arn, ...) or remove it.",
    unknown="A property that depends on the key counts as a use even while its value is unknown.",
)
def kms_key_unused(stack: Stack, ctx: Context) -> Iterator[Finding]:
    aliases: dict[str, list[StackResource]] = {}
    for alias in stack.of_type(KMS_ALIAS):
        key = key_for(stack, alias.props.get("name"))
        if isinstance(key, StackResource):
            aliases.setdefault(key.urn, []).append(alias)
    # What any other resource depends on, and the strings it holds, are gathered once: a
    # scan of the whole stack per key grows with the square of the stack.
    users = [r for r in stack if r.type not in (KMS_ALIAS, KMS_KEY_POLICY)]
    depended = {u for r in users for urns in r.property_dependencies.values() for u in urns}
    strings: list[tuple[str, str]] | None = None  # (urn, a string it holds)
    for key in stack.of_type(KMS_KEY):
        names = {key.urn} | {a.urn for a in aliases.get(key.urn, [])}
        if names & depended:  # a key never depends on itself or its aliases
            continue
        identities = set(key.identities())
        for alias in aliases.get(key.urn, []):
            identities |= alias.identities()
        if strings is None:
            strings = [(r.urn, text) for r in users for text in _strings(r.props.to_dict())]
        if not any(urn not in names and i in text for urn, text in strings for i in identities):
            yield Finding.on(key, f"key {key.name} is not used by any resource of the stack")


def _strings(value: object) -> Iterator[str]:
    """Every string inside a (nested) property value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _role_documents(stack: Stack, role: StackResource) -> list[object]:
    """Policy documents of a role: inline policies, RolePolicy and attached Policy resources."""
    raw: list[object] = []
    inline = role.props.array("inlinePolicies")
    for item in inline if isinstance(inline, list) else []:
        if isinstance(item, dict):
            raw.append(item.get("policy"))
    for policy in stack.of_type(ROLE_POLICY):
        refs = stack.referenced(policy, "role", ROLE)
        if isinstance(refs, list) and role in refs:
            raw.append(policy.props.get("policy"))
    for attachment in stack.of_type(ROLE_POLICY_ATTACHMENT):
        refs = stack.referenced(attachment, "role", ROLE)
        if isinstance(refs, list) and role in refs:
            policies = stack.referenced(attachment, "policyArn", IAM_POLICY)
            for policy in policies if isinstance(policies, list) else []:
                raw.append(policy.props.get("policy"))
    return [parse_policy(r) for r in raw]


QUEUE_CONSUMER_ACTIONS = ("sqs:ReceiveMessage", "sqs:DeleteMessage")


@stack_rule(
    name="lambda-role-least-privilege",
    description="A function's role has no wildcard actions and scopes SQS consumption to the "
    "queues mapped to it.",
    severity=Severity.MEDIUM,
    category=Category.SECURITY,
    enforcement=Enforcement.ADVISORY,  # the IAM rules already refuse wildcards everywhere
    anchors=("Srv:LambdaStarPermissions", "stack-gap"),
    rationale="Anchors only detect wildcards; tying sqs:ReceiveMessage to the ARNs of the "
    "queues the function actually consumes catches a role copied from another function.",
    fix="Grant sqs:ReceiveMessage/DeleteMessage/GetQueueAttributes on the mapped queue ARNs "
    "only; list actions instead of wildcards.",
    unknown="Says it cannot decide (advisory) "
    "for a function while its role, policies or mappings are unknown.",
)
def lambda_role_least_privilege(stack: Stack, ctx: Context) -> Iterator[Finding]:
    consumed: dict[str, set[str]] = {}  # function URN -> ARNs of the queues mapped to it
    unknown_urns: set[str] = set()
    unresolved = False
    for mapping in stack.of_type(EVENT_SOURCE_MAPPING):
        queues = stack.referenced(mapping, "eventSourceArn", QUEUE)
        functions = stack.referenced(mapping, "functionName", FUNCTION)
        if queues is UNKNOWN or functions is UNKNOWN:
            unresolved = True
            continue
        for fn in functions:  # type: ignore[union-attr]
            for queue in queues:  # type: ignore[union-attr]
                arn = queue.props.get("arn")
                if isinstance(arn, str):
                    consumed.setdefault(fn.urn, set()).add(arn)
                else:
                    unknown_urns.add(fn.urn)
    for fn in stack.of_type(FUNCTION):
        roles = stack.referenced(fn, "role", ROLE)
        if roles is UNKNOWN or not roles:
            continue
        mapped = consumed.get(fn.urn, set())
        unknown = unresolved or fn.urn in unknown_urns
        for role in roles:  # type: ignore[union-attr]
            docs = _role_documents(stack, role)
            if any(d is UNKNOWN for d in docs):
                undecided(f"a policy of role {role.name}")
                continue
            for doc in docs:
                if not isinstance(doc, PolicyDocument):
                    continue
                for s in doc.allow_statements():
                    if s.wildcard_actions():
                        yield Finding.on(
                            fn, f"role of {fn.name} allows wildcard actions {s.wildcard_actions()}"
                        )
                    elif not any(s.covers_action(a) for a in QUEUE_CONSUMER_ACTIONS):
                        continue
                    elif unknown:
                        undecided(f"the ARN of a queue mapped to {fn.name}")
                    else:
                        extra = [r for r in s.resources if r not in mapped]
                        if extra:
                            yield Finding.on(
                                fn,
                                f"role of {fn.name} may consume {extra}, not mapped to the "
                                "function",
                            )


@stack_rule(
    name="dynamodb-table-autoscaling",
    description="Tables with provisioned capacity have read and write auto scaling targets.",
    severity=Severity.LOW,
    category=Category.COST,
    anchors=("pk:DynamoDBAutoScalingEnabled", "CKV2_AWS_16", "SH DynamoDB.1"),
    rationale="Fixed provisioned capacity throttles at peaks and overpays at night; on-demand "
    "(the reference workload's choice, seed 003) needs nothing.",
    fix="Use billing_mode PAY_PER_REQUEST, or add aws.appautoscaling.Target for "
    "dynamodb:table:ReadCapacityUnits and WriteCapacityUnits.",
    unknown="Skips a table while its billing mode or a scaling target's resourceId is unknown.",
)
def dynamodb_table_autoscaling(stack: Stack, ctx: Context) -> Iterator[Finding]:
    targets = stack.of_type(SCALING_TARGET)
    for table in stack.of_type(TABLE):
        mode = table.props.get("billingMode")
        name = table.props.get("name")
        if is_unknown(mode) or mode == "PAY_PER_REQUEST":
            continue
        dims: set[str] = set()
        unknown = is_unknown(name)
        for target in targets:
            resource_id = target.props.get("resourceId")
            if is_unknown(resource_id):
                if table.urn in target.property_dependencies.get("resourceId", ()):
                    dims.add(str(target.props.get("scalableDimension")))
                else:
                    unknown = True
            elif resource_id == f"table/{name}":
                dims.add(str(target.props.get("scalableDimension")))
        wanted = {"dynamodb:table:ReadCapacityUnits", "dynamodb:table:WriteCapacityUnits"}
        if not wanted <= dims and not unknown:
            yield Finding.on(
                table, f"provisioned table {table.name} has no read/write auto scaling"
            )


RULES = [
    sqs_queue_has_dead_letter_queue,
    sqs_dead_letter_queue_alarm,
    sqs_dead_letter_retention,
    sqs_queue_policy_tls_only,
    sns_topic_policy_tls_only,
    sqs_visibility_timeout_covers_consumer,
    lambda_function_error_alarm,
    lambda_function_log_group_retention,
    lambda_function_failure_destination,
    eventbridge_bus_has_archive,
    eventbridge_custom_bus_has_policy,
    eventbridge_target_admits_events,
    eventbridge_dead_letter_queue_admits_events,
    cloudwatch_alarm_actions_target_stack_topic,
    kms_key_grants_producer_service,
    sns_subscribed_queue_policy,
    sqs_queue_orphan,
    kms_key_unused,
    lambda_role_least_privilege,
    dynamodb_table_autoscaling,
]
