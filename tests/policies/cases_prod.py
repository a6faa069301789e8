"""Cases for policies/rules/prod.py: stateful resources are protected in prod."""

from __future__ import annotations

from tests.policies.harness import GOOD_TAGS, Case, res

KEY, TABLE, QUEUE = "aws:kms/key:Key", "aws:dynamodb/table:Table", "aws:sqs/queue:Queue"
ARCHIVE, LOG_GROUP = "aws:cloudwatch/eventArchive:EventArchive", "aws:cloudwatch/logGroup:LogGroup"
TOPIC = "aws:sns/topic:Topic"
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
