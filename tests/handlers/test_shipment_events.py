"""Behaviour of handlers/shipment_events.py against DynamoDB (moto server, real boto3 calls)."""

from __future__ import annotations

import io
import json
import time
from decimal import Decimal
from typing import Any
from unittest.mock import MagicMock

import pytest
import shipment_events
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError
from call_counter import DynamoDBCalls
from lambda_runtime import ConfigurationError
from moto_server import ShipmentTables, create_events_table, free_port
from sqs_events import (
    FakeLambdaContext,
    failed_ids,
    fixture,
    message_ids,
    shipment_event,
    sqs_event,
    sqs_record,
)

pytestmark = pytest.mark.slow

NINETY_DAYS = 90 * 86400


def keys(items: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return sorted((item["shipment_id"], item["event_timestamp"]) for item in items)


def invoke(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    return shipment_events.handler(event, context or FakeLambdaContext())


def test_distinct_events_are_stored_with_type_data_and_ttl(shipment_tables: ShipmentTables):
    first = shipment_event("SHP-1", "2025-10-13T10:30:00Z", "created")
    second = shipment_event("SHP-2", "2025-10-13T11:00:00Z", "created")

    before = int(time.time())
    response = invoke(sqs_event(first, second))
    after = int(time.time())

    assert response == {"batchItemFailures": []}
    items = {item["shipment_id"]: item for item in shipment_tables.events_items()}
    assert sorted(items) == ["SHP-1", "SHP-2"]
    stored = items["SHP-1"]
    assert stored["event_timestamp"] == "2025-10-13T10:30:00Z"
    assert stored["event_type"] == "created"
    assert stored["event_data"] == {"origin": "NYC", "destination": "LAX", "carrier": "FedEx"}
    assert stored["event_id"] == first["id"]
    assert before + NINETY_DAYS <= stored["expires_at"] <= after + NINETY_DAYS
    statuses = [item["status"] for item in shipment_tables.idempotency_items()]
    assert statuses == ["COMPLETED", "COMPLETED"]


def test_two_events_of_one_shipment_are_both_kept(shipment_tables: ShipmentTables):
    created = shipment_event("SHP-7", "2025-10-13T10:30:00Z", "created")
    delivered = shipment_event("SHP-7", "2025-10-15T16:00:00Z", "delivered")

    assert invoke(sqs_event(created, delivered)) == {"batchItemFailures": []}

    items = shipment_tables.events_items()
    assert keys(items) == [("SHP-7", "2025-10-13T10:30:00Z"), ("SHP-7", "2025-10-15T16:00:00Z")]
    assert sorted(item["event_type"] for item in items) == ["created", "delivered"]


def test_duplicates_in_one_batch_succeed_and_store_one_item(shipment_tables: ShipmentTables):
    event = shipment_event("SHP-9")
    same_message = sqs_record(event)
    batch = {"Records": [same_message, sqs_record(event), same_message, sqs_record(event)]}

    assert invoke(batch) == {"batchItemFailures": []}

    assert keys(shipment_tables.events_items()) == [("SHP-9", "2025-10-13T10:30:00Z")]
    assert len(shipment_tables.idempotency_items()) == 1


def test_redelivery_in_a_later_invocation_succeeds_without_a_second_write(
    shipment_tables: ShipmentTables,
):
    batch = sqs_event(shipment_event("SHP-3"))
    invoke(batch)
    first_items = shipment_tables.events_items()

    assert invoke(batch) == {"batchItemFailures": []}

    assert shipment_tables.events_items() == first_items


def test_replay_with_new_ids_keeps_the_first_content(shipment_tables: ShipmentTables):
    original = shipment_event("SHP-4", event_data={"carrier": "FedEx"})
    replay = shipment_event("SHP-4", event_data={"carrier": "UPS"})
    assert replay["id"] != original["id"]

    invoke(sqs_event(original))
    assert invoke(sqs_event(replay)) == {"batchItemFailures": []}

    [item] = shipment_tables.events_items()
    assert item["event_data"] == {"carrier": "FedEx"}
    assert item["event_id"] == original["id"]


def test_replay_after_the_idempotency_record_expired_is_still_a_duplicate(
    shipment_tables: ShipmentTables,
):
    invoke(sqs_event(shipment_event("SHP-5", event_data={"v": 1})))
    for item in shipment_tables.idempotency_items():  # as TTL would after a day
        shipment_tables.client.delete_item(
            TableName=shipment_tables.idempotency, Key={"id": {"S": item["id"]}}
        )

    assert invoke(sqs_event(shipment_event("SHP-5", event_data={"v": 2}))) == {
        "batchItemFailures": []
    }

    [item] = shipment_tables.events_items()
    assert item["event_data"] == {"v": 1}


def _poison_bodies() -> dict[str, Any]:
    valid = shipment_event("SHP-P")

    def with_detail(**changes: Any) -> dict[str, Any]:
        event = json.loads(json.dumps(valid))
        event["detail"].update(changes)
        return event

    without_timestamp = json.loads(json.dumps(valid))
    del without_timestamp["detail"]["event_timestamp"]
    return {
        "not JSON": "shipment SHP-P created",
        "JSON array": "[1, 2]",
        "no detail": {key: value for key, value in valid.items() if key != "detail"},
        "detail as string": {**valid, "detail": json.dumps(valid["detail"])},
        "empty shipment_id": with_detail(shipment_id=""),
        "numeric shipment_id": with_detail(shipment_id=12345),
        "missing event_timestamp": without_timestamp,
        "null event_type": with_detail(event_type=None),
        "NaN in event_data": json.dumps(valid).replace('"FedEx"', "NaN"),
        "number DynamoDB cannot hold": json.dumps(valid).replace('"FedEx"', "1" * 40),
        "sort key over 1024 bytes": with_detail(event_timestamp="T" * 1025),
    }


@pytest.mark.parametrize("kind", sorted(_poison_bodies()))
def test_poison_record_fails_alone_and_writes_nothing(shipment_tables: ShipmentTables, kind: str):
    poison = sqs_record(_poison_bodies()[kind])
    valid = sqs_record(shipment_event("SHP-OK"))

    response = invoke({"Records": [valid, poison]})

    assert failed_ids(response) == [poison["messageId"]]
    assert keys(shipment_tables.events_items()) == [("SHP-OK", "2025-10-13T10:30:00Z")]
    assert len(shipment_tables.idempotency_items()) == 1


def test_invalid_record_reports_every_problem():
    event = shipment_event()
    event["detail"].update(shipment_id="", event_type=7)
    del event["detail"]["event_timestamp"]

    with pytest.raises(shipment_events.InvalidMessageError) as error:
        shipment_events.parse_shipment_event(json.dumps(event))

    assert error.value.problems == [
        "detail.shipment_id: must be a non-empty string",
        "detail.event_timestamp: must be a non-empty string",
        "detail.event_type: must be a non-empty string",
    ]


def test_all_poison_batch_raises_and_writes_nothing(shipment_tables: ShipmentTables):
    with pytest.raises(BatchProcessingError):
        invoke(sqs_event("{}", "not json", {"detail": {"shipment_id": "SHP-1"}}))

    assert shipment_tables.events_items() == []
    assert shipment_tables.idempotency_items() == []


def test_batch_of_one_hundred_with_replays(shipment_tables: ShipmentTables):
    events = [shipment_event(f"SHP-{n:03d}") for n in range(90)]
    replays = [shipment_event(f"SHP-{n:03d}") for n in range(0, 90, 9)]
    batch = sqs_event(*events, *replays)
    assert len(batch["Records"]) == 100

    assert invoke(batch) == {"batchItemFailures": []}

    assert len(shipment_tables.events_items()) == 90
    assert len(shipment_tables.idempotency_items()) == 90


def test_unreachable_endpoint_fails_the_batch_fast_then_redelivery_stores_once(
    shipment_tables: ShipmentTables, monkeypatch: pytest.MonkeyPatch, moto_endpoint: str
):
    batch = sqs_event(*(shipment_event(f"SHP-{letter}") for letter in "ABCDE"))
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{free_port()}")

    with (
        DynamoDBCalls(shipment_events.dynamodb_client()) as calls,
        pytest.raises(BatchProcessingError),
    ):
        invoke(batch)
    # The first record's call fails to connect; the other four fail without a call.
    assert calls.take() == [("PutItem", shipment_tables.idempotency)]

    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_endpoint)
    assert invoke(batch) == {"batchItemFailures": []}
    assert invoke(batch) == {"batchItemFailures": []}
    assert [shipment_id for shipment_id, _ in keys(shipment_tables.events_items())] == [
        f"SHP-{letter}" for letter in "ABCDE"
    ]


def test_missing_events_table_fails_records_and_leaves_no_idempotency_record(
    shipment_tables: ShipmentTables,
):
    """The idempotency record is written, the event write fails, Powertools deletes the record:
    otherwise the redelivery would be answered from it and the event never stored."""
    client = shipment_tables.client
    stored_before = sqs_event(shipment_event("SHP-OLD"))
    invoke(stored_before)
    client.delete_table(TableName=shipment_tables.events)
    batch = sqs_event(shipment_event("SHP-C"), shipment_event("SHP-D"))

    with pytest.raises(BatchProcessingError):
        invoke(batch)
    assert len(shipment_tables.idempotency_items()) == 1  # only SHP-OLD's

    create_events_table(client, shipment_tables.events)
    assert invoke(batch) == {"batchItemFailures": []}
    assert invoke(batch) == {"batchItemFailures": []}
    assert keys(shipment_tables.events_items()) == [
        ("SHP-C", "2025-10-13T10:30:00Z"),
        ("SHP-D", "2025-10-13T10:30:00Z"),
    ]


def _fail_next(client: Any, operation: str) -> None:
    """Make the handler's next ``operation`` call fail once, as a dropped connection would."""
    state = {"armed": True}

    def fail(**_: Any) -> None:
        if state["armed"]:
            state["armed"] = False
            raise ConnectionError(f"injected failure of {operation}")

    client.meta.events.register(f"before-call.dynamodb.{operation}", fail)


def test_interrupted_attempt_blocks_redelivery_only_until_the_invocation_deadline(
    shipment_tables: ShipmentTables,
):
    """If marking the idempotency record COMPLETED fails after the event was written, the
    record stays INPROGRESS until the invocation's deadline (from the Lambda context); a
    redelivery before that fails (another attempt may still be running), one after it succeeds
    as a duplicate. SQS redelivers only after the visibility timeout, past that deadline."""
    _fail_next(shipment_events.dynamodb_client(), "UpdateItem")
    event = sqs_event(shipment_event("SHP-I"))

    with pytest.raises(BatchProcessingError):
        invoke(event, FakeLambdaContext(remaining_millis=60_000))
    with pytest.raises(BatchProcessingError):  # still inside the first attempt's deadline
        invoke(event)

    [record] = shipment_tables.idempotency_items()
    assert record["status"] == "INPROGRESS"
    shipment_tables.client.update_item(  # the first attempt's deadline passes
        TableName=shipment_tables.idempotency,
        Key={"id": {"S": record["id"]}},
        UpdateExpression="SET in_progress_expiration = :past",
        ExpressionAttributeValues={":past": {"N": str(int(time.time() * 1000) - 1)}},
    )
    assert invoke(event) == {"batchItemFailures": []}
    assert len(shipment_tables.events_items()) == 1
    assert [r["status"] for r in shipment_tables.idempotency_items()] == ["COMPLETED"]


def test_nested_event_data_round_trips_exactly(shipment_tables: ShipmentTables):
    event = fixture("eventbridge_shipment_in_transit.json")

    invoke(sqs_event(event))

    [item] = shipment_tables.events_items()
    original = event["detail"]["event_data"]
    assert item["event_data"] == json.loads(json.dumps(original), parse_float=Decimal)
    as_json = json.loads(json.dumps(item["event_data"], default=str), parse_float=float)
    restored = json.loads(json.dumps(item["event_data"], default=float))
    assert restored == original
    assert as_json["checkpoints"][1]["weight_kg"] == "0.1"


def test_missing_event_data_is_stored_as_an_empty_map(shipment_tables: ShipmentTables):
    event = shipment_event("SHP-E")
    del event["detail"]["event_data"]

    invoke(sqs_event(event))

    [item] = shipment_tables.events_items()
    assert item["event_data"] == {}


def test_ttl_days_and_idempotency_expiry_come_from_the_environment(
    shipment_tables: ShipmentTables, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("EVENTS_TTL_DAYS", "30")
    monkeypatch.setenv("IDEMPOTENCY_EXPIRY_SECONDS", "600")
    now = int(time.time())

    invoke(sqs_event(shipment_event("SHP-T")))

    [item] = shipment_tables.events_items()
    [record] = shipment_tables.idempotency_items()
    assert now + 30 * 86400 <= item["expires_at"] <= now + 30 * 86400 + 60
    assert now + 600 <= record["expiration"] <= now + 660


def test_tables_named_after_import_are_used(aws: Any, monkeypatch: pytest.MonkeyPatch):
    first, second = ShipmentTables.create(aws), ShipmentTables.create(aws)
    for tables in (first, second):
        for name, value in tables.environment.items():
            monkeypatch.setenv(name, value)
        invoke(sqs_event(shipment_event("SHP-X")))

    assert len(first.events_items()) == 1
    assert len(second.events_items()) == 1


# Nothing was processed, so Powertools warns that there are no metrics to publish.
@pytest.mark.filterwarnings("ignore:No application metrics to publish")
def test_missing_configuration_names_every_variable(aws: Any, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("EVENTS_TABLE_NAME", raising=False)
    monkeypatch.delenv("IDEMPOTENCY_TABLE_NAME", raising=False)
    monkeypatch.setenv("IDEMPOTENCY_EXPIRY_SECONDS", "soon")

    with pytest.raises(ConfigurationError) as error:
        invoke(sqs_event(shipment_event()))

    assert error.value.problems == [
        "EVENTS_TABLE_NAME: required environment variable is not set",
        "IDEMPOTENCY_TABLE_NAME: required environment variable is not set",
        "IDEMPOTENCY_EXPIRY_SECONDS: must be a positive integer of seconds or days, got 'soon'",
    ]


@pytest.mark.parametrize("context", [None, MagicMock()], ids=["none", "mock"])
def test_works_without_a_real_lambda_context(shipment_tables: ShipmentTables, context: Any):
    batch = sqs_event(shipment_event("SHP-N"))

    assert shipment_events.handler(batch, context) == {"batchItemFailures": []}
    assert len(shipment_tables.events_items()) == 1
    [record] = shipment_tables.idempotency_items()
    assert record["in_progress_expiration"] > time.time() * 1000  # an invocation deadline


def test_logs_are_json_with_the_eventbridge_id_as_correlation_id(
    shipment_tables: ShipmentTables, monkeypatch: pytest.MonkeyPatch
):
    stream = io.StringIO()
    monkeypatch.setattr(shipment_events.function.logger.registered_handler, "stream", stream)
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", "shipments-test")
    event = shipment_event("SHP-L")
    batch = sqs_event(event, "not json")

    invoke(batch)

    logs = [json.loads(line) for line in stream.getvalue().splitlines()]
    stored = next(log for log in logs if log["message"] == "Shipment event stored")
    assert stored["correlation_id"] == event["id"]
    assert stored["shipment_id"] == "SHP-L"
    assert stored["service"] == "shipments-test"
    assert stored["function_name"] == FakeLambdaContext.function_name
    rejected = next(log for log in logs if log["message"] == "Invalid shipment event rejected")
    assert rejected["correlation_id"] == message_ids(batch)[1]
    assert rejected["level"] == "WARNING"


def _emf_documents(output: str) -> list[dict[str, Any]]:
    return [doc for line in output.splitlines() if "_aws" in (doc := json.loads(line))]


def _total(document: dict[str, Any], metric: str) -> float:
    """EMF holds one value or a list of values per metric name."""
    value = document.get(metric, 0.0)
    return float(sum(value)) if isinstance(value, list) else float(value)


def test_emf_metrics_count_processed_duplicate_and_invalid_events(
    shipment_tables: ShipmentTables,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
):
    monkeypatch.setattr(shipment_events.function.logger.registered_handler, "stream", io.StringIO())
    event = shipment_event("SHP-M")
    invoke(sqs_event(event, event, shipment_event("SHP-N"), "not json"))

    [document] = _emf_documents(capsys.readouterr().out)
    [directive] = document["_aws"]["CloudWatchMetrics"]
    assert directive["Namespace"] == "AwsPlatform/Shipments"
    assert _total(document, "ProcessedEvents") == 2
    assert _total(document, "DuplicateEvents") == 1
    assert _total(document, "InvalidEvents") == 1
    assert _total(document, "FailedEvents") == 0

    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "Custom/Namespace")
    invoke(sqs_event(event))
    [document] = _emf_documents(capsys.readouterr().out)
    assert document["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "Custom/Namespace"
    assert _total(document, "DuplicateEvents") == 1
