"""SQS queues, queue policies and redrive policies, and the stack rules that link a queue to its
dead-letter queue, alarms, consumers and producers."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from ..lib import (
    UNKNOWN,
    Category,
    Context,
    Finding,
    Resource,
    Severity,
    Stack,
    StackResource,
    is_unknown,
    parse_policy,
    resource_rule,
    stack_rule,
    undecided,
)
from ._common import (
    AWS_MANAGED_SQS_KEY,
    EVENT_SOURCE_MAPPING,
    EVENT_TARGET,
    QUEUE,
    QUEUE_POLICY,
    REDRIVE_POLICY,
    SUBSCRIPTION,
    alarms_on,
    dead_letter_queues,
    has_alarm_actions,
    has_redrive,
    mapped_functions,
    public_statements,
    queue_documents,
    redrive_target,
)

POLICY_HOLDERS = (QUEUE, QUEUE_POLICY)
# Actions that delete, empty or re-permission a queue (Amazon SQS API Reference); a wildcard
# pattern that reaches any of them (`sqs:*Queue*`, `sqs:Purge*`, NotAction) is as bad as `sqs:*`.
_QUEUE_ADMIN_ACTIONS = (
    "sqs:DeleteQueue",
    "sqs:PurgeQueue",
    "sqs:SetQueueAttributes",
    "sqs:AddPermission",
    "sqs:RemovePermission",
    "sqs:TagQueue",
    "sqs:UntagQueue",
)


@resource_rule(
    name="sqs-queue-encrypted",
    types=(QUEUE,),
    description="SQS queues are encrypted at rest (SSE-KMS or SSE-SQS).",
    severity=Severity.HIGH,
    category=Category.SECURITY,
    anchors=("AwsSolutions-SQS2", "CKV_AWS_27", "SH SQS.1"),
    rationale="Messages at rest must be encrypted (cdk-nag SQS2, checkov CKV_AWS_27, FSBP SQS.1).",
    fix="Set kms_master_key_id to a customer-managed key (or sqs_managed_sse_enabled=True).",
    unknown="Skips the queue while kmsMasterKeyId or sqsManagedSseEnabled is unknown.",
)
def sqs_queue_encrypted(r: Resource, ctx: Context) -> Iterator[str]:
    key, managed = r.props.string("kmsMasterKeyId"), r.props.flag("sqsManagedSseEnabled")
    if is_unknown(key) or is_unknown(managed):
        return
    if not key and managed is not True:
        yield f"queue {r.name} has no server-side encryption: set kms_master_key_id"


@resource_rule(
    name="sqs-queue-customer-managed-key",
    types=(QUEUE,),
    description="SQS queues are encrypted with a customer-managed KMS key, not alias/aws/sqs.",
    severity=Severity.MEDIUM,
    category=Category.SECURITY,
    anchors=("CKV2_AWS_73",),
    rationale=(
        "A customer-managed key gives a key policy, rotation and audit under our control; the "
        "AWS-managed alias/aws/sqs key cannot be granted to SNS or EventBridge, so producers "
        "fail silently (DESIGN deploy-time traps)."
    ),
    fix="Create an aws.kms.Key (rotation on) and pass its ARN as kms_master_key_id.",
    unknown="Skips the queue while kmsMasterKeyId is unknown.",
)
def sqs_queue_customer_managed_key(r: Resource, ctx: Context) -> Iterator[str]:
    key = r.props.string("kmsMasterKeyId")
    if is_unknown(key):
        return
    if not key:
        yield f"queue {r.name} is not encrypted with a customer-managed KMS key"
    elif str(key).endswith(AWS_MANAGED_SQS_KEY):
        yield f"queue {r.name} uses the AWS-managed key {AWS_MANAGED_SQS_KEY}"


@resource_rule(
    name="sqs-queue-policy-not-public",
    types=POLICY_HOLDERS,
    description="Queue policies (inline or QueuePolicy) do not allow a wildcard principal.",
    severity=Severity.CRITICAL,
    category=Category.SECURITY,
    anchors=("CKV_AWS_168", "CKV_AWS_387", "SH SQS.3"),
    decided_by=("policyuniverse", "hand: operators and keys it does not model"),
    rationale=(
        "A `*` principal without a condition naming the caller (aws:SourceArn, "
        "aws:SourceAccount, aws:PrincipalOrgID, ...) lets anyone use the queue."
    ),
    fix="Name the principal (a service with aws:SourceArn, or an account/role ARN).",
    unknown="Skips a policy document that is unknown, in whole or in part.",
)
def sqs_queue_policy_not_public(r: Resource, ctx: Context) -> Iterator[str]:
    yield from public_statements(r.props.get("policy"))


@resource_rule(
    name="sqs-queue-policy-no-wildcard-actions",
    types=POLICY_HOLDERS,
    description="Queue policies do not allow every action (`*`, `sqs:*` or NotAction) nor use a"
    " wildcard that reaches the queue's delete, purge or permission actions.",
    severity=Severity.HIGH,
    category=Category.SECURITY,
    anchors=("CKV_AWS_72",),
    rationale="sqs:* includes purge, delete and policy changes; grant only what the caller needs.",
    fix="List the actions (sqs:SendMessage for producers, Receive/Delete for consumers).",
    unknown="Says it cannot decide (advisory) "
    "for a policy document that is unknown, in whole or in part.",
)
def sqs_queue_policy_no_wildcard_actions(r: Resource, ctx: Context) -> Iterator[str]:
    doc = parse_policy(r.props.get("policy"))
    if doc is UNKNOWN:
        undecided(f"the policy of queue {r.name}")
    if doc is None or doc is UNKNOWN:
        return
    for i, s in enumerate(doc.statements):  # type: ignore[union-attr]
        if not s.allows or not s.wildcard_actions():
            continue
        if any(a.lower() in ("*", "sqs:*") for a in s.action_patterns()):
            yield f"statement {s.sid or i} allows all SQS actions: {s.action_patterns()}"
            continue
        wild = replace(s, actions=s.wildcard_actions(), not_actions=())  # the patterns alone
        covered = [a for a in _QUEUE_ADMIN_ACTIONS if wild.covers_action(a)]
        if covered:
            yield (
                f"statement {s.sid or i} uses {', '.join(s.wildcard_actions())}, which also"
                f" grants {', '.join(covered)}"
            )


@resource_rule(
    name="sqs-redrive-max-receive-count",
    types=(QUEUE, REDRIVE_POLICY),
    description="A redrive policy moves a message to its DLQ after 1 to 10 receives.",
    severity=Severity.MEDIUM,
    category=Category.RELIABILITY,
    anchors=("stack-gap", "seed:003_8c92289b843c3960.txt"),
    rationale=(
        "A poison message retried hundreds of times burns Lambda time and delays the batch; the "
        "reference workload moves to the DLQ after 3 tries (seed 003). No anchor checks the count."
    ),
    fix="Set redrive_policy maxReceiveCount between 1 and 10 (3 for the reference workload).",
    unknown="Says it cannot decide (advisory) "
    "while the redrive policy or its maxReceiveCount is unknown.",
    config_schema={"maxReceiveCount": {"type": "integer", "minimum": 1}},
    config_defaults={"maxReceiveCount": 10},
)
def sqs_redrive_max_receive_count(r: Resource, ctx: Context) -> Iterator[str]:
    if r.props.get("redrivePolicy") is None:
        return
    count = r.props.number("redrivePolicy.maxReceiveCount")
    if is_unknown(count):
        undecided(f"the redrive policy of queue {r.name}")
        return
    ceiling = int(ctx.config["maxReceiveCount"])
    if count is None or not 1 <= count <= ceiling:  # type: ignore[operator]
        shown = "missing" if count is None else int(count)  # type: ignore[arg-type]
        yield f"redrive maxReceiveCount is {shown}; use 1..{ceiling}"


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
        with_action = [a for a in alarms if has_alarm_actions(a)]  # type: ignore[union-attr]
        if not with_action:
            yield Finding.on(queue, f"dead-letter queue {queue.name} has no alarm with an action")


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


RULES = [
    sqs_queue_encrypted,
    sqs_queue_customer_managed_key,
    sqs_queue_policy_not_public,
    sqs_queue_policy_no_wildcard_actions,
    sqs_redrive_max_receive_count,
    sqs_queue_has_dead_letter_queue,
    sqs_dead_letter_queue_alarm,
    sqs_dead_letter_retention,
    sqs_queue_policy_tls_only,
    sqs_visibility_timeout_covers_consumer,
    sqs_queue_orphan,
]

# Anchor rows implemented elsewhere or not at all, with the reason (listed by the catalog).
EXCLUDED_ANCHORS: dict[str, str] = {}
