"""Notifications consumer: queues one customer notification per order event in
``NOTIFICATIONS_TABLE_NAME`` (status ``PENDING``, template named after the event type); a
sender picks pending rows up. Rows expire after 30 days (TTL attribute ``expires_at``)."""

from __future__ import annotations

from typing import Any

from order_consumer import OrderConsumer, OrderEvent, order_function


def _notification(event: OrderEvent) -> dict[str, Any]:
    return {
        "customer_id": event.get("customer_id"),
        "template": event.event_type,
        "status": "PENDING",
    }


CONSUMER = OrderConsumer(
    name="notifications",
    table_variable="NOTIFICATIONS_TABLE_NAME",
    required_fields=("customer_id",),
    attributes=_notification,
    ttl_days=30,
)
function = order_function(CONSUMER)


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Lambda entry point: returns ``{"batchItemFailures": [...]}`` naming the failed records."""
    return function(event, context)
