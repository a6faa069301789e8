"""Billing consumer: records each order event once in the ledger table (``LEDGER_TABLE_NAME``).

Ledger entries are financial records: they carry no TTL.
"""

from __future__ import annotations

from typing import Any

from order_consumer import OrderConsumer, OrderEvent, order_function


def _ledger_entry(event: OrderEvent) -> dict[str, Any]:
    return {
        "customer_id": event.get("customer_id"),
        "amount": event.get("amount"),
        "currency": event.get("currency"),
    }


CONSUMER = OrderConsumer(
    name="billing",
    table_variable="LEDGER_TABLE_NAME",
    required_fields=("customer_id", "amount", "currency"),
    attributes=_ledger_entry,
)
function = order_function(CONSUMER)


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Lambda entry point: returns ``{"batchItemFailures": [...]}`` naming the failed records."""
    return function(event, context)
