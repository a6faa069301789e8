"""Cases for policies/rules/prod.py: stateful resources are protected in prod."""

from __future__ import annotations

import dataclasses
import json

from tests.policies.harness import GOOD_TAGS, Case, res

KEY, TABLE, QUEUE = "aws:kms/key:Key", "aws:dynamodb/table:Table", "aws:sqs/queue:Queue"
ARCHIVE, LOG_GROUP = "aws:cloudwatch/eventArchive:EventArchive", "aws:cloudwatch/logGroup:LogGroup"
TOPIC = "aws:sns/topic:Topic"
BUCKET, BUCKET_V2 = "aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"
REPLICA_KEY = "aws:kms/replicaKey:ReplicaKey"
TABLE_REPLICA = "aws:dynamodb/tableReplica:TableReplica"
GLOBAL_TABLE = "aws:dynamodb/globalTable:GlobalTable"
PROD = {**GOOD_TAGS, "Environment": "prod"}
_RULE = "prod-stateful-resources-protected"


def _stateful(prefix: str, tags: dict[str, str], *, protect: bool) -> list:
    return [
        res(KEY, f"{prefix}-key", {"tags": tags}, protect=protect),
        res(TABLE, f"{prefix}-table", {"tags": tags, "hashKey": "id"}, protect=protect),
        res(QUEUE, f"{prefix}-queue", {"tags": tags}, protect=protect),
        res(QUEUE, f"{prefix}-dlq", {"tags": tags}, protect=protect),
        res(ARCHIVE, f"{prefix}-archive", {"eventSourceArn": "bus"}, protect=protect),
        res(LOG_GROUP, f"{prefix}-logs", {"tags": tags}, protect=protect),
    ]


PROTECTED = _stateful("kept", PROD, protect=True)
DEV = _stateful("scratch", GOOD_TAGS, protect=False)
UNPROTECTED_DLQ = res(QUEUE, "orders-dlq", {"tags": PROD})


CASES = [
    Case.passes(_RULE, *PROTECTED, label="prod-protected"),
    # A topic holds no data: it needs no protection.
    Case.passes(_RULE, *PROTECTED, res(TOPIC, "alerts", {"tags": PROD}), label="prod-topic"),
    Case.passes(_RULE, *DEV, label="dev-disposable"),
    Case.fails(_RULE, UNPROTECTED_DLQ, *PROTECTED, on=UNPROTECTED_DLQ, label="prod-dlq"),
    *[
        Case.fails(_RULE, resource, label=f"prod-{resource.type.rsplit(':', 1)[1]}")
        for resource in _stateful("lost", PROD, protect=False)
        if resource.type != ARCHIVE
    ],
    # An archive has no tags: the stack is prod because its other resources say so.
    Case.fails(
        _RULE,
        res(ARCHIVE, "events-archive", {"eventSourceArn": "bus"}),
        *PROTECTED,
        label="prod-archive",
    ),
]


# --- Variations: how a stack says it is prod, and more kinds of state.
_prod_provider = res(
    "pulumi:providers:aws",
    "prod-tagging",
    {"defaultTags": {"tags": {**GOOD_TAGS, "Environment": "prod"}}},
)
_DEFAULT_TAGGED = res(TABLE, "default-tagged", {"hashKey": "id"}, provider=_prod_provider)


def _in_stack(resource, stack: str):
    """`resource` as registered in stack `stack` (its URN names the stack)."""
    return dataclasses.replace(resource, urn=resource.urn.replace(":dev::", f":{stack}::", 1))


_FIFO_ARCHIVED = {"fifoTopic": True, "archivePolicy": json.dumps({"MessageRetentionPeriod": "30"})}
CASES += [
    # The provider's default tags reach tagsAll: the stack is prod without any resource tag.
    Case.fails(_RULE, _prod_provider, _DEFAULT_TAGGED, on=_DEFAULT_TAGGED, label="default-tags"),
    Case.passes(
        _RULE,
        _prod_provider,
        res(TABLE, "default-tagged-kept", {"hashKey": "id"}, provider=_prod_provider, protect=True),
        label="default-tags-protected",
    ),
    # Spellings of production (decided: prod/production in any case; the tag key in any case).
    Case.fails(_RULE, res(QUEUE, "cap-prod", {"tags": {**GOOD_TAGS, "Environment": "Prod"}})),
    Case.fails(
        _RULE, res(LOG_GROUP, "production", {"tags": {**GOOD_TAGS, "Environment": "production"}})
    ),
    Case.fails(_RULE, res(QUEUE, "lower-key", {"tags": {"environment": "PROD"}})),
    Case.passes(_RULE, res(QUEUE, "staging", {"tags": {**GOOD_TAGS, "Environment": "staging"}})),
    # No Environment tag anywhere: the stack's name decides.
    Case.fails(_RULE, _in_stack(res(QUEUE, "untagged", {}), "prod"), label="stack-named-prod"),
    Case.passes(_RULE, res(QUEUE, "untagged-dev", {}), label="stack-named-dev"),
    Case.passes(
        _RULE, _in_stack(res(QUEUE, "dev-tagged", {"tags": GOOD_TAGS}), "prod"), label="tag-wins"
    ),
    # S3 buckets, replica keys, table replicas and legacy global tables hold data.
    *[
        Case.fails(_RULE, res(type_, f"lost-{name}", inputs), *PROTECTED, label=f"prod-{name}")
        for type_, name, inputs in (
            (BUCKET, "bucket", {"tags": PROD}),
            (BUCKET_V2, "bucket-v2", {"tags": PROD}),
            (REPLICA_KEY, "replica-key", {"primaryKeyArn": "arn:aws:kms:us-east-1:1:key/k"}),
            (TABLE_REPLICA, "table-replica", {"globalTableArn": "arn:aws:dynamodb:x"}),
            (GLOBAL_TABLE, "global-table", {"replicas": [{"regionName": "us-east-1"}]}),
            (TOPIC, "archived-fifo-topic", {"tags": PROD, **_FIFO_ARCHIVED}),
        )
    ],
    Case.passes(
        _RULE,
        res(BUCKET_V2, "kept-bucket", {"tags": PROD}, protect=True),
        res(TOPIC, "fifo-no-archive", {"tags": PROD, "fifoTopic": True}),
        label="prod-bucket-protected",
    ),
    Case.passes(_RULE, res(BUCKET_V2, "scratch-bucket", {"tags": GOOD_TAGS}), label="dev-bucket"),
]
