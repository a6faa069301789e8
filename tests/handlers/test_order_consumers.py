"""The order fan-out consumers (billing, analytics, notifications) against moto DynamoDB."""

from __future__ import annotations

import json
import time
from decimal import Decimal
from types import ModuleType
from typing import Any

import analytics
import billing
import notifications
import pytest
from aws_clients import dynamodb_client
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError
from call_counter import DynamoDBCalls
from lambda_runtime import ConfigurationError, InvalidMessageError
from moto_server import create_order_table, scan, unique_name
from order_consumer import parse_order_message
from sqs_events import (
    FakeLambdaContext,
    failed_ids,
    order_event,
    sns_envelope,
    sqs_event,
    sqs_record,
)

CONSUMERS = {billing: "LEDGER_TABLE_NAME", analytics: "ANALYTICS_TABLE_NAME"}
CONSUMERS[notifications] = "NOTIFICATIONS_TABLE_NAME"


@pytest.fixture
def order_tables(aws: Any, monkeypatch: pytest.MonkeyPatch) -> dict[ModuleType, str]:
    """A fresh table per consumer, named in its environment variable."""
    tables = {}
    for module, variable in CONSUMERS.items():
        tables[module] = create_order_table(aws, unique_name(module.__name__))
        monkeypatch.setenv(variable, tables[module])
    return tables


def items(aws: Any, table: str) -> list[dict[str, Any]]:
    return sorted(scan(aws, table), key=lambda item: (item["order_id"], item["event_type"]))


def invoke(module: ModuleType, event: dict[str, Any]) -> dict[str, Any]:
    return module.handler(event, FakeLambdaContext())


@pytest.mark.parametrize("module", list(CONSUMERS), ids=lambda module: module.__name__)
def test_sns_envelope_and_raw_delivery_record_one_item_per_order_event(
    aws: Any, order_tables: dict[ModuleType, str], module: ModuleType
):
    placed = order_event()
    shipped = order_event(event_type="order.shipped")
    batch = sqs_event(sns_envelope(placed), placed, sns_envelope(shipped), sns_envelope(placed))

    assert invoke(module, batch) == {"batchItemFailures": []}
    assert invoke(module, sqs_event(placed)) == {"batchItemFailures": []}

    recorded = items(aws, order_tables[module])
    assert [(i["order_id"], i["event_type"]) for i in recorded] == [
        ("ORD-1001", "order.placed"),
        ("ORD-1001", "order.shipped"),
    ]
    first_envelope_id = json.loads(batch["Records"][0]["body"])["MessageId"]
    assert recorded[0]["message_id"] == first_envelope_id


@pytest.mark.parametrize("module", list(CONSUMERS), ids=lambda module: module.__name__)
def test_new_order_event_costs_one_write_and_a_duplicate_one_call(
    order_tables: dict[ModuleType, str], module: ModuleType
):
    with DynamoDBCalls(dynamodb_client()) as calls:
        invoke(module, sqs_event(order_event()))
        assert calls.take() == [("PutItem", order_tables[module])]
        invoke(module, sqs_event(sns_envelope(order_event())))
        assert calls.take() == [("PutItem", order_tables[module])]


def test_billing_ledger_entry_keeps_the_exact_amount_and_no_ttl(
    aws: Any, order_tables: dict[ModuleType, str]
):
    invoke(billing, sqs_event(sns_envelope(order_event(amount=0.1, currency="USD"))))

    [entry] = items(aws, order_tables[billing])
    assert entry["amount"] == Decimal("0.1")
    assert entry["currency"] == "USD"
    assert entry["customer_id"] == "CUST-77"
    assert "expires_at" not in entry


@pytest.mark.parametrize(
    ("module", "change", "problem"),
    [
        (billing, {"amount": None}, "amount: must be a number"),
        (billing, {"amount": "12.50"}, "amount: must be a number"),
        (billing, {"currency": "euro"}, "currency: must be an ISO 4217 code such as EUR"),
        (notifications, {"customer_id": ""}, "customer_id: must be a non-empty string"),
        (analytics, {"order_id": 1001}, "order_id: must be a non-empty string"),
    ],
    ids=["billing-null-amount", "billing-text-amount", "billing-currency", "notify-customer", "id"],
)
def test_invalid_order_event_fails_alone_and_writes_nothing(
    aws: Any,
    order_tables: dict[ModuleType, str],
    module: ModuleType,
    change: dict[str, Any],
    problem: str,
):
    bad = sqs_record(sns_envelope(order_event(**{"order_id": "ORD-BAD", **change})))
    good = sqs_record(order_event(order_id="ORD-GOOD"))

    response = invoke(module, {"Records": [bad, good]})

    assert failed_ids(response) == [bad["messageId"]]
    assert [item["order_id"] for item in items(aws, order_tables[module])] == ["ORD-GOOD"]
    with pytest.raises(InvalidMessageError) as error:
        parse_order_message(bad["body"], module.CONSUMER.required_fields)
    assert error.value.problems == [problem]


def test_missing_required_fields_are_reported_together():
    order = order_event()
    for name in ("customer_id", "amount", "currency"):
        del order[name]

    with pytest.raises(InvalidMessageError) as error:
        parse_order_message(json.dumps(order), billing.CONSUMER.required_fields)

    assert error.value.problems == [
        "customer_id: must be a non-empty string",
        "amount: must be a number",
        "currency: must be an ISO 4217 code such as EUR",
    ]


def test_an_envelope_without_a_message_and_an_all_invalid_batch_raise(
    aws: Any, order_tables: dict[ModuleType, str]
):
    envelope = sns_envelope(order_event())
    del envelope["Message"]

    with pytest.raises(BatchProcessingError):
        invoke(analytics, sqs_event(envelope, "not json"))

    assert items(aws, order_tables[analytics]) == []


def test_analytics_keeps_the_whole_order_for_ninety_days(
    aws: Any, order_tables: dict[ModuleType, str]
):
    now = int(time.time())
    invoke(analytics, sqs_event(order_event()))

    [fact] = items(aws, order_tables[analytics])
    assert fact["order"]["items"] == [
        {"sku": "SKU-1", "quantity": 2, "unit_price": Decimal("74.95")}
    ]
    assert now + 90 * 86400 <= fact["expires_at"] <= now + 90 * 86400 + 60


def test_notifications_are_queued_pending_with_the_event_template(
    aws: Any, order_tables: dict[ModuleType, str]
):
    invoke(notifications, sqs_event(order_event(event_type="order.refunded")))

    [notification] = items(aws, order_tables[notifications])
    assert notification["status"] == "PENDING"
    assert notification["template"] == "order.refunded"
    assert notification["customer_id"] == "CUST-77"


# Nothing was processed, so Powertools warns that there are no metrics to publish.
@pytest.mark.filterwarnings("ignore:No application metrics to publish")
def test_missing_table_variable_is_a_configuration_error(
    order_tables: dict[ModuleType, str], monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.delenv("LEDGER_TABLE_NAME")

    with pytest.raises(ConfigurationError, match="LEDGER_TABLE_NAME"):
        invoke(billing, sqs_event(order_event()))
