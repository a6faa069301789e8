"""SNS topics, topic policies and subscriptions."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..lib import (
    UNKNOWN,
    Category,
    Context,
    Resource,
    Severity,
    is_unknown,
    parse_policy,
    resource_rule,
    undecided,
)
from ._common import SUBSCRIPTION, TOPIC, TOPIC_POLICY, public_statements

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


RULES = [
    sns_topic_encrypted,
    sns_topic_policy_not_public,
    sns_topic_policy_no_cross_account,
    sns_topic_delivery_status_logging,
    sns_subscription_redrive_policy,
]
