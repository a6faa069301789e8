"""Shipment events (seed 003): EventBridge bus with archive -> SQS -> Lambda -> DynamoDB."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

from components import (
    Access,
    ArchivedEventBus,
    ArchivedEventBusArgs,
    DataTable,
    DataTableArgs,
    IdempotentQueueConsumer,
    IdempotentQueueConsumerArgs,
    KeyAttribute,
    ManagedQueueTarget,
    PlatformContext,
    RuleSpec,
    TableAccess,
    derived_visibility_timeout,
)
from environments.workload_settings import ConsumerSettings

__all__ = ["ShipmentEvents", "build_shipment_events"]

EVENT_SOURCE = "shipment.service"
EVENTS_TTL_DAYS = 90  # seed 003: events are kept 90 days
MAX_RECEIVE_COUNT = 3  # seed 003: DLQ after 3 tries


@dataclass(frozen=True)
class ShipmentEvents:
    """The shipment workload's parts, for outputs and dashboards."""

    bus: ArchivedEventBus
    events_table: DataTable
    consumer: IdempotentQueueConsumer


def build_shipment_events(context: PlatformContext, sizing: ConsumerSettings) -> ShipmentEvents:
    """Compose the shipment-events pipeline from components only."""
    events_table = DataTable(
        "shipment-events",
        context,
        DataTableArgs(
            partition_key=KeyAttribute(name="shipment_id"),
            sort_key=KeyAttribute(name="event_timestamp"),
            ttl_attribute="expires_at",
        ),
    )
    bus = ArchivedEventBus(
        "shipment-events",
        context,
        ArchivedEventBusArgs(
            rules=[
                RuleSpec(
                    name="shipment-service",
                    description="Every event the shipment service publishes.",
                    event_pattern={"source": [EVENT_SOURCE]},
                    managed_queues=[
                        ManagedQueueTarget(
                            name="consumer",
                            visibility_timeout_seconds=derived_visibility_timeout(
                                sizing.timeout_seconds, 0
                            ),
                            max_receive_count=MAX_RECEIVE_COUNT,
                        )
                    ],
                )
            ],
        ),
    )
    consumer = IdempotentQueueConsumer(
        "shipment-consumer",
        context,
        IdempotentQueueConsumerArgs(
            handler="shipment_events.handler",
            description="Stores each shipment event exactly once.",
            queue=bus.managed_queues["consumer"],
            timeout_seconds=sizing.timeout_seconds,
            memory_size_mb=sizing.memory_size_mb,
            reserved_concurrency=sizing.reserved_concurrency,
            batch_size=sizing.batch_size,
            maximum_concurrency=sizing.maximum_concurrency,
            environment={
                "EVENTS_TTL_DAYS": str(EVENTS_TTL_DAYS),
            },
            tables=[
                TableAccess(
                    table_arn=events_table.table_arn,
                    table_name=events_table.table_name,
                    access=Access.WRITE,
                    env_var="EVENTS_TABLE_NAME",
                    kms_key_arn=events_table.kms_key_arn,
                )
            ],
        ),
        opts=pulumi.ResourceOptions(depends_on=[bus]),
    )
    return ShipmentEvents(bus=bus, events_table=events_table, consumer=consumer)
