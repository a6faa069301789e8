"""Builders for the events the handlers receive, starting from the JSON fixtures in events/."""

from __future__ import annotations

import copy
import json
import uuid
from functools import cache
from pathlib import Path
from typing import Any

EVENTS_DIR = Path(__file__).parent / "events"


@cache
def _fixture(name: str) -> Any:
    return json.loads((EVENTS_DIR / name).read_text())


def fixture(name: str) -> Any:
    """A fresh copy of the JSON fixture ``events/<name>``."""
    return copy.deepcopy(_fixture(name))


def shipment_event(
    shipment_id: str = "SHP-12345",
    event_timestamp: str = "2025-10-13T10:30:00Z",
    event_type: str = "created",
    event_data: Any = None,
    event_id: str | None = None,
) -> dict[str, Any]:
    """An EventBridge event as a rule delivers it to SQS, based on the shipment.created fixture."""
    event = fixture("eventbridge_shipment_created.json")
    event["id"] = event_id or str(uuid.uuid4())
    event["detail-type"] = f"shipment.{event_type}"
    event["time"] = event_timestamp
    event["detail"].update(
        shipment_id=shipment_id, event_timestamp=event_timestamp, event_type=event_type
    )
    if event_data is not None:
        event["detail"]["event_data"] = event_data
    return event


def sqs_record(body: Any, message_id: str | None = None) -> dict[str, Any]:
    """An SQS record carrying ``body`` (dicts are JSON-encoded, strings are kept verbatim)."""
    record = fixture("sqs_record.json")
    record["messageId"] = message_id or str(uuid.uuid4())
    record["body"] = body if isinstance(body, str) else json.dumps(body)
    return record


def sqs_event(*bodies: Any) -> dict[str, Any]:
    """A Lambda SQS event with one record per body."""
    return {"Records": [sqs_record(body) for body in bodies]}


def sns_envelope(message: dict[str, Any]) -> dict[str, Any]:
    """What SNS delivers to an SQS subscription with raw message delivery off."""
    envelope = fixture("sns_notification_envelope.json")
    envelope["MessageId"] = str(uuid.uuid4())
    envelope["Message"] = json.dumps(message)
    return envelope


def order_event(**overrides: Any) -> dict[str, Any]:
    """An order event (the fan-out topic's message) based on the order.placed fixture."""
    order = fixture("order_placed.json")
    order.update(overrides)
    return order


def message_ids(event: dict[str, Any]) -> list[str]:
    return [record["messageId"] for record in event["Records"]]


def failed_ids(response: dict[str, Any]) -> list[str]:
    return [failure["itemIdentifier"] for failure in response["batchItemFailures"]]


class FakeLambdaContext:
    """The attributes of a Lambda context the handlers and Powertools read."""

    function_name = "shipment-events-test"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:shipment-events-test"

    def __init__(self, remaining_millis: int = 60_000) -> None:
        self.aws_request_id = str(uuid.uuid4())
        self.remaining_millis = remaining_millis

    def get_remaining_time_in_millis(self) -> int:
        return self.remaining_millis
