"""FIFO queues keep their order through the shared batch runtime (a consumer on moto SQS).

A record that fails holds back the later records of its message group (reported as failed,
not tried), so SQS redelivers the group in order; the other groups of the batch go on.
"""

from __future__ import annotations

import json
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import billing
import boto3
import pytest
from aws_clients import dynamodb_client
from botocore.exceptions import ClientError
from lambda_runtime import is_fifo_batch
from moto_server import REGION, create_order_table, scan, unique_name
from sqs_events import FakeLambdaContext, order_event, sqs_record
from sqs_source import SqsEventSource

# Sent in this order; ORD-1 and ORD-2 are the message groups.
SENT = [
    ("ORD-1", "order.placed"),
    ("ORD-2", "order.placed"),
    ("ORD-1", "order.paid"),
    ("ORD-2", "order.paid"),
    ("ORD-1", "order.shipped"),
]
FAILING = ("ORD-1", "order.paid")


@pytest.fixture
def ledger(aws: Any, monkeypatch: pytest.MonkeyPatch) -> str:
    table = create_order_table(aws, unique_name("ledger"))
    monkeypatch.setenv("LEDGER_TABLE_NAME", table)
    return table


def fifo_queue(endpoint: str) -> tuple[Any, str]:
    sqs = boto3.client("sqs", endpoint_url=endpoint, region_name=REGION)
    url = sqs.create_queue(
        QueueName=f"orders-{uuid.uuid4().hex[:8]}.fifo", Attributes={"FifoQueue": "true"}
    )["QueueUrl"]
    for order_id, event_type in SENT:
        sqs.send_message(
            QueueUrl=url,
            MessageBody=json.dumps(
                order_event(order_id=order_id, event_type=event_type), default=str
            ),
            MessageGroupId=order_id,
            MessageDeduplicationId=f"{order_id}-{event_type}",
        )
    return sqs, url


@contextmanager
def recorded_puts(fail_once: tuple[str, str]) -> Iterator[list[tuple[str, str, bool]]]:
    """Every PutItem the handlers attempt, as (order_id, event_type, succeeded); the first
    attempt at ``fail_once`` fails as a throttled write would."""
    attempts: list[tuple[str, str, bool]] = []

    def before_put(params: dict[str, Any], **_: Any) -> None:
        item = params["Item"]
        key = (item["order_id"]["S"], item["event_type"]["S"])
        failing = key == fail_once and all(a[:2] != key for a in attempts)
        attempts.append((*key, not failing))
        if failing:
            raise ClientError(
                {"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "x"}},
                "PutItem",
            )

    # The handlers' client is cached across invocations (and tests): unhook it afterwards.
    events = dynamodb_client().meta.events
    events.register("provide-client-params.dynamodb.PutItem", before_put)
    try:
        yield attempts
    finally:
        events.unregister("provide-client-params.dynamodb.PutItem", before_put)


def test_a_failed_record_holds_back_its_group_and_only_its_group(
    aws: Any, moto_endpoint: str, ledger: str
) -> None:
    sqs, url = fifo_queue(moto_endpoint)
    source = SqsEventSource(sqs, url)

    with recorded_puts(fail_once=FAILING) as attempts:
        source.drain(billing.handler, FakeLambdaContext())

    first_event, first_response = source.invocations[0]
    ids = {
        (json.loads(r["body"])["order_id"], json.loads(r["body"])["event_type"]): r["messageId"]
        for r in first_event["Records"]
    }
    assert len(ids) == len(SENT)  # one batch held everything
    # The failed record and the later record of its group are reported; ORD-2 went on.
    assert sorted(f["itemIdentifier"] for f in first_response["batchItemFailures"]) == sorted(
        [ids[FAILING], ids[("ORD-1", "order.shipped")]]
    )
    # ORD-1's shipped event was never tried before its paid event was stored.
    assert [(e, ok) for o, e, ok in attempts if o == "ORD-1"] == [
        ("order.placed", True),
        ("order.paid", False),
        ("order.paid", True),
        ("order.shipped", True),
    ]
    assert [e for o, e, _ in attempts if o == "ORD-2"] == ["order.placed", "order.paid"]
    # Nothing lost, nothing stored twice, the queue is empty.
    stored = Counter((i["order_id"], i["event_type"]) for i in scan(aws, ledger))
    assert stored == Counter(SENT)
    assert sqs.get_queue_attributes(
        QueueUrl=url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"] == {
        "ApproximateNumberOfMessages": "0",
        "ApproximateNumberOfMessagesNotVisible": "0",
    }


def test_a_standard_queue_batch_tries_every_record(aws: Any, ledger: str) -> None:
    """Standard queues promise no order: every record of the batch is tried."""
    records = [sqs_record(order_event(order_id=o, event_type=e)) for o, e in SENT]

    with recorded_puts(fail_once=FAILING) as attempts:
        response = billing.handler({"Records": records}, FakeLambdaContext())

    assert [f["itemIdentifier"] for f in response["batchItemFailures"]] == [
        records[SENT.index(FAILING)]["messageId"]
    ]
    assert [(o, e) for o, e, _ in attempts] == SENT


@pytest.mark.parametrize(
    ("arn", "attributes", "fifo"),
    [
        ("arn:aws:sqs:us-east-1:123456789012:orders.fifo", {}, True),
        ("arn:aws:sqs:us-east-1:123456789012:orders", {"MessageGroupId": "ORD-1"}, True),
        ("arn:aws:sqs:us-east-1:123456789012:orders", {}, False),
        ("arn:aws:sqs:us-east-1:123456789012:orders-fifo", {"MessageGroupId": ""}, False),
    ],
)
def test_fifo_batches_are_recognised_from_their_records(
    arn: str, attributes: dict[str, str], fifo: bool
) -> None:
    record = sqs_record("{}")
    record["eventSourceARN"] = arn
    record["attributes"].update(attributes)
    assert is_fifo_batch({"Records": [record]}) is fifo
