"""SQS queues, queue policies and redrive policies (resource rules; links are in stack.py)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

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
from ._common import AWS_MANAGED_SQS_KEY, QUEUE, QUEUE_POLICY, REDRIVE_POLICY, public_statements

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


RULES = [
    sqs_queue_encrypted,
    sqs_queue_customer_managed_key,
    sqs_queue_policy_not_public,
    sqs_queue_policy_no_wildcard_actions,
    sqs_redrive_max_receive_count,
]

# Anchor rows implemented elsewhere or not at all, with the reason (listed by the catalog).
EXCLUDED_ANCHORS: dict[str, str] = {}
