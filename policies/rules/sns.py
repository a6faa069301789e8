"""SNS topics, topic policies and subscriptions, and the stack rules on their policies (TLS only,
subscribed queues admit the topic)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..lib import (
    UNKNOWN,
    Category,
    Context,
    Finding,
    Resource,
    Severity,
    Stack,
    is_unknown,
    parse_policy,
    resource_rule,
    stack_rule,
    undecided,
)
from ._common import (
    QUEUE,
    SUBSCRIPTION,
    TOPIC,
    TOPIC_POLICY,
    documents,
    public_statements,
    queue_documents,
)

POLICY_HOLDERS = (TOPIC, TOPIC_POLICY)
_ACCOUNT = re.compile(r"^(?:arn:[^:]+:iam::)?(\d{12})(?::|$)")
_ARN_ACCOUNT = re.compile(r"^arn:[^:]+:[^:]+:[^:]*:(\d{12}):")
FEEDBACK_ROLES = tuple(
    f"{protocol}{outcome}FeedbackRoleArn"
    for protocol in ("sqs", "lambda", "http", "application", "firehose")
    for outcome in ("Success", "Failure")
)


@resource_rule(
    name="sns-topic-encrypted",
    types=(TOPIC,),
    description="SNS topics are encrypted at rest with KMS.",
    severity=Severity.HIGH,
    category=Category.SECURITY,
    anchors=("pk:SNSEncryptedKMS", "CKV_AWS_26", "SH SNS.1"),
    rationale="Notifications at rest must be encrypted (FSBP SNS.1, checkov CKV_AWS_26).",
    fix="Set kms_master_key_id to a customer-managed key that grants the publishing services.",
    unknown="Skips the topic while kmsMasterKeyId is unknown.",
)
def sns_topic_encrypted(r: Resource, ctx: Context) -> Iterator[str]:
    key = r.props.string("kmsMasterKeyId")
    if not is_unknown(key) and not key:
        yield f"topic {r.name} is not encrypted: set kms_master_key_id"


@resource_rule(
    name="sns-topic-policy-not-public",
    types=POLICY_HOLDERS,
    description="Topic policies (inline or TopicPolicy) do not allow a wildcard principal.",
    severity=Severity.CRITICAL,
    category=Category.SECURITY,
    anchors=("CKV_AWS_169", "SH SNS.4"),
    decided_by=("policyuniverse", "hand: operators and keys it does not model"),
    rationale="A `*` principal without a narrowing condition lets anyone publish or subscribe.",
    fix="Name the principal (a service with aws:SourceArn / aws:SourceAccount, or an ARN).",
    unknown="Skips a policy document that is unknown, in whole or in part.",
)
def sns_topic_policy_not_public(r: Resource, ctx: Context) -> Iterator[str]:
    yield from public_statements(r.props.get("policy"))


@resource_rule(
    name="sns-topic-policy-no-cross-account",
    types=POLICY_HOLDERS,
    description="Topic policies grant no AWS principal of another account.",
    severity=Severity.HIGH,
    category=Category.SECURITY,
    anchors=("CKV_AWS_385",),
    rationale=(
        "Cross-account publishers or subscribers bypass the account boundary; the account of the "
        "topic is read from the policy's own Resource ARNs (plus `trustedAccounts` config)."
    ),
    fix="Remove the foreign account or list it in this policy's trustedAccounts config.",
    unknown="Says it cannot decide (advisory) "
    "for an unknown document, and a document whose own account cannot be told.",
    config_schema={"trustedAccounts": {"type": "array", "items": {"type": "string"}}},
    config_defaults={"trustedAccounts": []},
)
def sns_topic_policy_no_cross_account(r: Resource, ctx: Context) -> Iterator[str]:
    doc = parse_policy(r.props.get("policy"))
    if doc is UNKNOWN:
        undecided(f"the policy of topic {r.name}")
    if doc is None or doc is UNKNOWN:
        return
    own = {
        m.group(1)
        for s in doc.statements  # type: ignore[union-attr]
        for arn in s.resources
        if (m := _ARN_ACCOUNT.match(arn))
    }
    topic_arn = r.props.string("arn")
    if isinstance(topic_arn, str) and (m := _ARN_ACCOUNT.match(topic_arn)):
        own.add(m.group(1))
    if not own:
        return
    trusted = own | {str(a) for a in ctx.config.get("trustedAccounts") or []}
    for i, s in enumerate(doc.statements):  # type: ignore[union-attr]
        if not s.allows:
            continue
        for principal in s.principal_values("AWS"):
            m = _ACCOUNT.match(principal)
            if m and m.group(1) not in trusted:
                yield f"statement {s.sid or i} grants account {m.group(1)}"


@resource_rule(
    name="sns-topic-delivery-status-logging",
    types=(TOPIC,),
    description="SNS topics log delivery status (a success/failure feedback role is set).",
    severity=Severity.LOW,
    category=Category.HYGIENE,
    anchors=("SH SNS.2",),
    rationale="Delivery-status logs are the only record of failed deliveries (FSBP SNS.2).",
    fix="Set e.g. sqs_success_feedback_role_arn and sqs_failure_feedback_role_arn.",
    unknown="Counts an unknown feedback role as set.",
)
def sns_topic_delivery_status_logging(r: Resource, ctx: Context) -> Iterator[str]:
    values = [r.props.get(k) for k in FEEDBACK_ROLES]
    if not any(v is not None for v in values):
        yield f"topic {r.name} has no delivery-status logging role"


@resource_rule(
    name="sns-subscription-redrive-policy",
    types=(SUBSCRIPTION,),
    description="SNS subscriptions have a redrive policy (dead-letter queue).",
    severity=Severity.MEDIUM,
    category=Category.RELIABILITY,
    anchors=("Srv:SNSRedrivePolicy",),
    rationale="Without a DLQ, messages SNS cannot deliver after its retries are lost.",
    fix='Set redrive_policy to {"deadLetterTargetArn": <queue ARN>}.',
    unknown="Skips the subscription while its redrive policy is unknown.",
)
def sns_subscription_redrive_policy(r: Resource, ctx: Context) -> Iterator[str]:
    target = r.props.get("redrivePolicy.deadLetterTargetArn")
    if not is_unknown(target) and not target:
        yield f"subscription {r.name} has no redrive policy with a deadLetterTargetArn"


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


RULES = [
    sns_topic_encrypted,
    sns_topic_policy_not_public,
    sns_topic_policy_no_cross_account,
    sns_topic_delivery_status_logging,
    sns_subscription_redrive_policy,
    sns_topic_policy_tls_only,
    sns_subscribed_queue_policy,
]
