"""The arguments of ``IdempotentQueueConsumer``: the handler, its queue, its tables."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import pulumi

from components.compute.alarmed_function import Architecture, LogLevel, Runtime
from components.core.iam import Statement
from components.core.kms import CustomerManagedKey
from components.messaging.queue_with_dead_letter import QueueProducer, QueueWithDeadLetter

__all__ = ["Access", "IdempotentQueueConsumerArgs", "TableAccess"]


class Access(StrEnum):
    """What the handler does with a business table."""

    READ = "read"
    WRITE = "write"
    READ_WRITE = "read_write"


_TABLE_ACTIONS: Mapping[Access, tuple[str, ...]] = {
    Access.READ: ("dynamodb:GetItem", "dynamodb:Query"),
    Access.WRITE: ("dynamodb:PutItem", "dynamodb:UpdateItem"),
    Access.READ_WRITE: (
        "dynamodb:GetItem",
        "dynamodb:Query",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
    ),
}


@dataclass(frozen=True, kw_only=True)
class TableAccess:
    """A business table the handler uses: exact IAM grant plus ``env_var`` = the table name.

    ``kms_key_arn`` is the table's customer-managed key when it is not the consumer's own key.
    """

    table_arn: pulumi.Input[str]
    table_name: pulumi.Input[str]
    access: Access
    env_var: str
    kms_key_arn: pulumi.Input[str] | None = None

    @property
    def actions(self) -> tuple[str, ...]:
        return _TABLE_ACTIONS[self.access]


@dataclass(frozen=True, kw_only=True)
class IdempotentQueueConsumerArgs:
    """Arguments of ``IdempotentQueueConsumer``; ``None`` means "derived or the tier default".

    Args:
        handler: ``module.function`` in ``code_path`` (e.g. ``"shipment_events.handler"``).
        code_path: folder shipped as the function code (default ``handlers``).
        queue: a ``QueueWithDeadLetter`` made elsewhere (e.g. a ``FanOutTopic`` subscriber queue)
            to consume. When omitted the component makes one from the queue options below;
            with a queue passed in, those options must stay unset (they belong to that queue).
        producers: (made queue) services allowed to send (``QueueProducer``).
        fifo: (made queue) FIFO queues.
        content_based_deduplication: (made queue) FIFO only.
        max_receive_count: (made queue) receives before the DLQ (default 3).
        message_retention_seconds: (made queue) default the tier's (4 days).
        visibility_timeout_seconds: (made queue) default ``6 * timeout_seconds +
            maximum_batching_window_seconds``; set by hand it must be at least six times the
            function timeout, and leave room for the batching window.
        timeout_seconds, memory_size_mb, runtime, architecture, reserved_concurrency,
            environment, statements, log_level, description: passed to ``AlarmedFunction``.
        batch_size: records per invocation (1..10000; FIFO 1..10; above 10 needs a window).
        maximum_batching_window_seconds: 0..300.
        maximum_concurrency: the event source mapping's ``scalingConfig.maximumConcurrency``
            (2..1000, not above ``reserved_concurrency``); None leaves it unlimited.
        idempotency_expiry_seconds: how long a processed record is remembered; must cover every
            redelivery (``max_receive_count * visibility_timeout``). Default 3600.
        tables: business tables the handler uses, each a ``TableAccess``.
        kms_key: the consumer's key (log group, environment, idempotency table and a made
            queue); needs ``LOGS``, ``LAMBDA`` and ``DYNAMODB`` (and ``SQS`` for a made queue).
            Created when omitted.
        point_in_time_recovery, deletion_protection: of the idempotency table; tier default.
        tags: extra tags, merged over the context's required tags.
    """

    handler: str
    code_path: str = "handlers"
    queue: QueueWithDeadLetter | None = None
    producers: Sequence[QueueProducer] = ()
    fifo: bool | None = None
    content_based_deduplication: bool | None = None
    max_receive_count: int | None = None
    message_retention_seconds: int | None = None
    visibility_timeout_seconds: int | None = None
    timeout_seconds: int = 60
    memory_size_mb: int = 512
    runtime: Runtime = Runtime.PYTHON_3_13
    architecture: Architecture = Architecture.ARM64
    reserved_concurrency: int | None = None
    environment: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    statements: Sequence[Statement] = ()
    log_level: LogLevel = LogLevel.INFO
    description: str = ""
    batch_size: int = 10
    maximum_batching_window_seconds: int = 0
    maximum_concurrency: int | None = None
    idempotency_expiry_seconds: int = 3600
    tables: Sequence[TableAccess] = ()
    kms_key: CustomerManagedKey | None = None
    point_in_time_recovery: bool | None = None
    deletion_protection: bool | None = None
    tags: Mapping[str, str] = field(default_factory=dict)
