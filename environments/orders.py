"""Order fan-out (seed 004): one SNS topic, billing/analytics/notification subscribers with
filter policies, each consumed by its own idempotent consumer writing its own table."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi_aws as aws

from components import (
    Access,
    DataTable,
    DataTableArgs,
    FanOutTopic,
    FanOutTopicArgs,
    IdempotentQueueConsumer,
    IdempotentQueueConsumerArgs,
    KeyAttribute,
    PlatformContext,
    Publisher,
    SubscriberSpec,
    TableAccess,
    derived_visibility_timeout,
)
from environments.workload_settings import ConsumerSettings

__all__ = ["ORDER_SUBSCRIBERS", "OrderFanOut", "OrderSubscriber", "build_order_fan_out"]


@dataclass(frozen=True, kw_only=True)
class OrderSubscriber:
    """One consumer of the order topic: its filter, handler and table."""

    name: str
    filter_policy: dict[str, Any]
    handler: str
    table_env_var: str
    ttl_attribute: str | None


ORDER_SUBSCRIBERS: tuple[OrderSubscriber, ...] = (
    OrderSubscriber(
        name="billing",
        filter_policy={"event_type": ["order.placed", "order.cancelled", "order.refunded"]},
        handler="billing.handler",
        table_env_var="LEDGER_TABLE_NAME",
        ttl_attribute=None,  # the ledger is a financial record: never expires
    ),
    OrderSubscriber(
        name="analytics",
        filter_policy={"event_type": [{"prefix": "order."}]},
        handler="analytics.handler",
        table_env_var="ANALYTICS_TABLE_NAME",
        ttl_attribute="expires_at",
    ),
    OrderSubscriber(
        name="notifications",
        filter_policy={"event_type": ["order.placed", "order.shipped", "order.delivered"]},
        handler="notifications.handler",
        table_env_var="NOTIFICATIONS_TABLE_NAME",
        ttl_attribute="expires_at",
    ),
)


@dataclass(frozen=True)
class OrderFanOut:
    """The order workload's parts, for outputs and dashboards."""

    topic: FanOutTopic
    tables: dict[str, DataTable]
    consumers: dict[str, IdempotentQueueConsumer]


def build_order_fan_out(context: PlatformContext, sizing: ConsumerSettings) -> OrderFanOut:
    """Compose the order fan-out from components only."""
    account_id = aws.get_caller_identity().account_id
    visibility = derived_visibility_timeout(sizing.timeout_seconds, 0)
    topic = FanOutTopic(
        "order-events",
        context,
        FanOutTopicArgs(
            publishers=[Publisher(principal=account_id)],
            subscribers=[
                SubscriberSpec(
                    name=subscriber.name,
                    filter_policy=subscriber.filter_policy,
                    visibility_timeout_seconds=visibility,
                )
                for subscriber in ORDER_SUBSCRIBERS
            ],
        ),
    )
    tables: dict[str, DataTable] = {}
    consumers: dict[str, IdempotentQueueConsumer] = {}
    for subscriber in ORDER_SUBSCRIBERS:
        table = DataTable(
            f"order-{subscriber.name}",
            context,
            DataTableArgs(
                partition_key=KeyAttribute(name="order_id"),
                sort_key=KeyAttribute(name="event_type"),
                ttl_attribute=subscriber.ttl_attribute,
            ),
        )
        tables[subscriber.name] = table
        consumers[subscriber.name] = IdempotentQueueConsumer(
            f"order-{subscriber.name}",
            context,
            IdempotentQueueConsumerArgs(
                handler=subscriber.handler,
                description=f"Records order events for {subscriber.name} exactly once.",
                queue=topic.subscriber_queues[subscriber.name],
                timeout_seconds=sizing.timeout_seconds,
                memory_size_mb=sizing.memory_size_mb,
                reserved_concurrency=sizing.reserved_concurrency,
                batch_size=sizing.batch_size,
                maximum_concurrency=sizing.maximum_concurrency,
                tables=[
                    TableAccess(
                        table_arn=table.table_arn,
                        table_name=table.table_name,
                        access=Access.WRITE,
                        env_var=subscriber.table_env_var,
                        kms_key_arn=table.kms_key_arn,
                    )
                ],
            ),
        )
    return OrderFanOut(topic=topic, tables=tables, consumers=consumers)
