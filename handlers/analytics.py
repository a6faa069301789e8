"""Analytics consumer: keeps each order event once, whole, in ``ANALYTICS_TABLE_NAME`` for
90 days (TTL attribute ``expires_at``)."""

from __future__ import annotations

from typing import Any

from order_consumer import OrderConsumer, OrderEvent, order_function


def _fact(event: OrderEvent) -> dict[str, Any]:
    return {"order": event.order}


CONSUMER = OrderConsumer(
    name="analytics",
    table_variable="ANALYTICS_TABLE_NAME",
    required_fields=(),
    attributes=_fact,
    ttl_days=90,
)
function = order_function(CONSUMER)


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Lambda entry point: returns ``{"batchItemFailures": [...]}`` naming the failed records."""
    return function(event, context)
