"""Production state survives refactors: stateful resources are protected in a prod stack."""

from __future__ import annotations

from collections.abc import Iterator

from ..lib import (
    UNKNOWN,
    Category,
    Context,
    Finding,
    Severity,
    Stack,
    StackResource,
    Unknown,
    is_unknown,
    stack_rule,
    undecided,
)
from ._common import EVENT_ARCHIVE, KMS_KEY, LOG_GROUP, QUEUE, TABLE, TOPIC

REPLICA_KEY = "aws:kms/replicaKey:ReplicaKey"
EXTERNAL_KEY = "aws:kms/externalKey:ExternalKey"
REPLICA_EXTERNAL_KEY = "aws:kms/replicaExternalKey:ReplicaExternalKey"
TABLE_REPLICA = "aws:dynamodb/tableReplica:TableReplica"
GLOBAL_TABLE = "aws:dynamodb/globalTable:GlobalTable"
BUCKET = "aws:s3/bucket:Bucket"
BUCKET_V2 = "aws:s3/bucketV2:BucketV2"

STATEFUL = (
    KMS_KEY,
    REPLICA_KEY,
    EXTERNAL_KEY,
    REPLICA_EXTERNAL_KEY,
    TABLE,
    TABLE_REPLICA,
    GLOBAL_TABLE,
    QUEUE,
    EVENT_ARCHIVE,
    LOG_GROUP,
    BUCKET,
    BUCKET_V2,
)
"""Resources whose deletion loses data: keys, replica and imported keys (everything they
encrypted; AWS KMS Developer Guide, "Deleting AWS KMS keys",
https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys.html), tables and their
global-table replicas (their items: removing a replica deletes that Region's copy; DynamoDB
Developer Guide, "Global tables",
https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/GlobalTables.html), queues and
dead-letter queues, FIFO ones too (their messages), archives (their events), log groups (their
logs) and S3 buckets (their objects). A topic stores nothing (SNS pushes each message to its
subscriptions) unless it is a FIFO topic with an archive policy, which keeps messages for replay
(SNS Developer Guide, "FIFO topic message archiving and replay",
https://docs.aws.amazon.com/sns/latest/dg/fifo-message-archiving-replay.html): such a topic
counts too.

`protect` is the option the engine sends (AnalyzerResourceOptions: protect, ignoreChanges,
deleteBeforeReplace, additionalSecretOutputs, aliases, customTimeouts, parent; no
retainOnDelete, so `retain_on_delete` cannot be checked). A child that sets no `protect` gets
its parent's: the Python SDK copies it at registration (``pulumi/resource.py``, "Infer
protection from parent"), so a protected component's children arrive protected."""

PROD_NAMES = frozenset({"prod", "production"})
"""Environment values that mean production, compared case-insensitively after trimming
(`prod`, `Prod`, `PROD`, `production`, `Production`). Other abbreviations (`prd`, `live`) are
not guessed."""


def _environment_tag(resource: StackResource) -> str | Unknown | None:
    """The resource's Environment tag (`tagsAll`, which holds the provider's default tags, else
    `tags`; the key compared case-insensitively), None without one, `UNKNOWN` while unknown."""
    for bag in ("tagsAll", "tags"):
        tags = resource.props.get(bag)
        if is_unknown(tags):
            return UNKNOWN
        if not isinstance(tags, dict):
            continue
        for key, value in tags.items():
            if str(key).strip().lower() == "environment":
                if is_unknown(value):
                    return UNKNOWN
                return value if isinstance(value, str) else None
    return None


def _stack_name(stack: Stack) -> str | None:
    """The stack's name, from a URN (`urn:pulumi:<stack>::<project>::...`)."""
    for resource in stack:
        parts = resource.urn.split("::")
        if parts and parts[0].startswith("urn:pulumi:"):
            return parts[0].removeprefix("urn:pulumi:")
    return None


def _is_prod(value: str) -> bool:
    return value.strip().lower() in PROD_NAMES


def _stateful(resource: StackResource) -> bool:
    if resource.type in STATEFUL:
        return True
    if resource.type == TOPIC:
        policy = resource.props.get("archivePolicy")
        return bool(policy) and not is_unknown(policy)
    return False


@stack_rule(
    name="prod-stateful-resources-protected",
    description="In a stack whose Environment tag is prod (or production, in any case), KMS keys"
    " (replica and imported ones too), DynamoDB tables and table replicas, SQS queues (dead-letter"
    " and FIFO queues too), EventBridge archives, log groups, S3 buckets and FIFO topics that"
    " archive messages are protected.",
    severity=Severity.HIGH,
    category=Category.DATA_LOSS,
    anchors=("stack-gap", "seed:002_a26f7fa1be8d0e5c.txt"),
    rationale="A renamed component or a moved resource makes `pulumi up` delete and recreate "
    "it: for stateful resources that loses the data (a deleted key makes everything it "
    "encrypted unreadable). `protect` makes the engine refuse the delete; the seeds ask for "
    "RETAIN in production, DESTROY in dev. The Environment tag is read from `tagsAll`, so a "
    "provider's default tags count; without any Environment tag the stack's name decides. "
    "`protect` set on a parent component reaches its children (the SDK copies it when the child "
    "sets none). `retain_on_delete` cannot be checked: the engine does not send it to a pack.",
    fix="Pass `opts=pulumi.ResourceOptions(protect=True)` to these resources in prod (keys and "
    "archives also `retain_on_delete=True`), or to the component that is their parent.",
    unknown="Says it cannot decide while the Environment tags are unknown.",
)
def prod_stateful_resources_protected(stack: Stack, ctx: Context) -> Iterator[Finding]:
    tags = [_environment_tag(r) for r in stack]
    known = [t for t in tags if isinstance(t, str)]  # UNKNOWN is not a str
    if known:
        prod = any(_is_prod(t) for t in known)
    else:
        name = _stack_name(stack)
        prod = name is not None and _is_prod(name)
    stateful = [r for r in stack if _stateful(r)]
    if not prod:
        if any(is_unknown(_environment_tag(r)) for r in stateful):
            undecided("the Environment tag of the stack")
        return
    for resource in stateful:
        if not resource.protect:
            yield Finding.on(
                resource, f"{resource.name} holds production data and is not protected"
            )


RULES = [prod_stateful_resources_protected]
