"""Helpers for the ops tests: queues with a DLQ, filling and draining them, running the CLI."""

from __future__ import annotations

import io
import json
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.console import Console

from tools.ops.cli import main
from tools.ops.smoke import HttpsGet, https_status

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient


@dataclass(frozen=True)
class QueuePair:
    """A source queue whose redrive policy names a DLQ."""

    source_url: str
    dlq_url: str
    fifo: bool


def make_pair(sqs: SQSClient, *, fifo: bool = False, prefix: str = "shipments") -> QueuePair:
    suffix = ".fifo" if fifo else ""
    base = f"{prefix}-{uuid.uuid4().hex[:8]}"
    attributes: dict[Any, str] = {"FifoQueue": "true"} if fifo else {}
    dlq_url = sqs.create_queue(QueueName=f"{base}-dlq{suffix}", Attributes=attributes)["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    policy = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 3})
    source_url = sqs.create_queue(
        QueueName=f"{base}{suffix}", Attributes={**attributes, "RedrivePolicy": policy}
    )["QueueUrl"]
    return QueuePair(source_url=source_url, dlq_url=dlq_url, fifo=fifo)


def fill(sqs: SQSClient, url: str, count: int, *, fifo: bool = False) -> list[str]:
    """Put `count` messages with attributes (and group ids on FIFO) straight into `url`."""
    bodies = [json.dumps({"shipment_id": f"SHP-{i:04d}", "n": i}) for i in range(count)]
    for start in range(0, count, 10):
        entries = []
        for i, body in enumerate(bodies[start : start + 10], start=start):
            entry: dict[str, object] = {
                "Id": str(i),
                "MessageBody": body,
                "MessageAttributes": {
                    "eventType": {"DataType": "String", "StringValue": "shipment.created"},
                    "attempt": {"DataType": "Number", "StringValue": str(i)},
                },
            }
            if fifo:
                entry["MessageGroupId"] = f"group-{i % 3}"
                entry["MessageDeduplicationId"] = f"dedup-{i}"
            entries.append(entry)
        response = sqs.send_message_batch(QueueUrl=url, Entries=entries)  # type: ignore[arg-type]
        assert not response.get("Failed")
    return bodies


def drain(sqs: SQSClient, url: str) -> list[dict[str, object]]:
    """Receive and delete everything in `url`; returns the messages with their attributes."""
    messages: list[dict[str, object]] = []
    while True:
        batch = sqs.receive_message(
            QueueUrl=url,
            MaxNumberOfMessages=10,
            MessageSystemAttributeNames=["All"],
            MessageAttributeNames=["All"],
        ).get("Messages", [])
        if not batch:
            return messages
        for m in batch:
            messages.append(dict(m))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])


def count(sqs: SQSClient, url: str) -> tuple[int, int]:
    """(visible, in flight)."""
    attrs = sqs.get_queue_attributes(
        QueueUrl=url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return (
        int(attrs["ApproximateNumberOfMessages"]),
        int(attrs["ApproximateNumberOfMessagesNotVisible"]),
    )


@dataclass
class CliRun:
    code: int
    out: str
    err: str


def run_cli(*argv: str, stdin: str = "", https_get: HttpsGet = https_status) -> CliRun:
    """Run `python -m tools.ops ARGV` in-process with wide, plain consoles."""
    out, err = io.StringIO(), io.StringIO()
    code = main(
        list(argv),
        stdin=io.StringIO(stdin),
        out=Console(file=out, width=250, color_system=None),
        err=Console(file=err, width=250, color_system=None),
        https_get=https_get,
    )
    return CliRun(code=code, out=out.getvalue(), err=err.getvalue())
