"""DynamoDB calls per record, counted on the handler's own client (numbers in docs/handlers.md)."""

from __future__ import annotations

import pytest
import shipment_events
from call_counter import DynamoDBCalls
from moto_server import ShipmentTables
from sqs_events import FakeLambdaContext, shipment_event, sqs_event

NEW_EVENT_WRITE_BUDGET = 3
DUPLICATE_CALL_BUDGET = 2


@pytest.fixture
def calls(shipment_tables: ShipmentTables):
    with DynamoDBCalls(shipment_events.dynamodb_client()) as recorder:
        yield recorder


def invoke(*bodies: object) -> None:
    shipment_events.handler(sqs_event(*bodies), FakeLambdaContext())


def test_new_event_costs_three_writes(shipment_tables: ShipmentTables, calls: DynamoDBCalls):
    invoke(shipment_event("SHP-1"))

    made = calls.take()
    assert len(made) == DynamoDBCalls.writes(made) <= NEW_EVENT_WRITE_BUDGET
    assert made == [
        ("PutItem", shipment_tables.idempotency),  # INPROGRESS, conditional
        ("PutItem", shipment_tables.events),  # the event, attribute_not_exists
        ("UpdateItem", shipment_tables.idempotency),  # COMPLETED with the result
    ]


@pytest.mark.parametrize("where", ["same batch", "later invocation"])
def test_duplicate_costs_one_call(
    shipment_tables: ShipmentTables, calls: DynamoDBCalls, where: str
):
    event = shipment_event("SHP-2")
    if where == "same batch":
        invoke(event, shipment_event("SHP-2"))
        made = calls.take()[3:]
    else:
        invoke(event)
        calls.take()
        invoke(shipment_event("SHP-2"))
        made = calls.take()

    # The conditional put fails and returns the stored record (ReturnValuesOnConditionCheckFailure),
    # so no GetItem is needed.
    assert len(made) <= DUPLICATE_CALL_BUDGET
    assert made == [("PutItem", shipment_tables.idempotency)]


def test_replay_after_idempotency_expiry_costs_three_calls_and_no_overwrite(
    shipment_tables: ShipmentTables, calls: DynamoDBCalls
):
    invoke(shipment_event("SHP-3"))
    [record] = shipment_tables.idempotency_items()
    shipment_tables.client.delete_item(
        TableName=shipment_tables.idempotency, Key={"id": {"S": record["id"]}}
    )
    calls.take()

    invoke(shipment_event("SHP-3", event_data={"changed": True}))

    assert [operation for operation, _ in calls.take()] == ["PutItem", "PutItem", "UpdateItem"]
    assert shipment_tables.events_items()[0]["event_data"]["carrier"] == "FedEx"


def test_invalid_record_costs_nothing(shipment_tables: ShipmentTables, calls: DynamoDBCalls):
    invoke(shipment_event("SHP-4"), "not json")
    calls.take()

    with pytest.raises(Exception, match="All records failed"):
        invoke("not json", {"detail": {}})

    assert calls.take() == []
