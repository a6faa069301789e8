"""The arguments of ``ArchivedEventBus``: its rules, their targets and how targets retry."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import pulumi

from components.core.kms import CustomerManagedKey
from components.messaging.queue_with_dead_letter import QueueProducer, QueueWithDeadLetterArgs

__all__ = [
    "ArchivedEventBusArgs",
    "InputTransformer",
    "ManagedQueueTarget",
    "RetryPolicy",
    "RuleSpec",
    "TargetKind",
    "TargetSpec",
    "managed_queue_args",
]


class TargetKind(StrEnum):
    """What a target is; decides the permission the component adds for the rule."""

    SQS = "sqs"  # a queue made elsewhere: its queue policy must admit this rule's ARN
    LAMBDA = "lambda"  # gets an aws.lambda_.Permission scoped to the rule ARN
    SNS = "sns"  # a topic made elsewhere: its policy must admit events.amazonaws.com
    EVENT_BUS = "event-bus"  # gets a role allowed to events:PutEvents on that bus only


@dataclass(frozen=True, kw_only=True)
class RetryPolicy:
    """How long and how often EventBridge retries a target before dead-lettering the event.
    Seed 003: three tries, then the DLQ."""

    maximum_event_age_seconds: int = 3600
    maximum_retry_attempts: int = 3


@dataclass(frozen=True, kw_only=True)
class InputTransformer:
    """Reshape the event for the target: JSON paths by name, and the template using them."""

    input_paths: Mapping[str, str]
    input_template: str


@dataclass(frozen=True, kw_only=True)
class TargetSpec:
    """A target that exists elsewhere, by ``arn`` and ``kind``."""

    name: str
    kind: TargetKind
    arn: pulumi.Input[str]
    input_transformer: InputTransformer | None = None
    retry: RetryPolicy = field(default_factory=RetryPolicy)


@dataclass(frozen=True, kw_only=True)
class ManagedQueueTarget:
    """A target queue the component creates (a ``QueueWithDeadLetter`` whose policy admits
    this rule), exposed as ``managed_queues[name]`` for an ``IdempotentQueueConsumer``."""

    name: str
    visibility_timeout_seconds: int = 30
    max_receive_count: int = 3
    fifo: bool = False
    message_group_id: str | None = None
    input_transformer: InputTransformer | None = None
    retry: RetryPolicy = field(default_factory=RetryPolicy)


@dataclass(frozen=True, kw_only=True)
class RuleSpec:
    """A rule: its event pattern and up to five targets (external and managed queues)."""

    name: str
    event_pattern: Mapping[str, Any]
    targets: Sequence[TargetSpec] = ()
    managed_queues: Sequence[ManagedQueueTarget] = ()
    description: str | None = None

    def event_pattern_json(self) -> str:
        """The pattern exactly as the rule carries it."""
        return json.dumps(self.event_pattern, sort_keys=True)


@dataclass(frozen=True, kw_only=True)
class ArchivedEventBusArgs:
    """Arguments of ``ArchivedEventBus``.

    Args:
        rules: the bus's rules (unique names).
        allowed_publishers: account ids or IAM ARNs the bus policy admits to ``events:PutEvents``;
            empty admits only the stack's own account.
        archive: keep an archive of every event on the bus (on by default).
        retention_days: archive retention; ``None`` is the tier's ``archive_retention_days``.
            ``0`` (indefinite) only with ``allow_indefinite_retention=True``.
        archive_event_pattern: archive only matching events (default: all).
        tags: extra tags, merged over the context's required tags.
    """

    rules: Sequence[RuleSpec]
    allowed_publishers: Sequence[str] = ()
    archive: bool = True
    retention_days: int | None = None
    allow_indefinite_retention: bool = False
    archive_event_pattern: Mapping[str, Any] | None = None
    tags: Mapping[str, str] = field(default_factory=dict)


def managed_queue_args(
    target: ManagedQueueTarget,
    producers: Sequence[QueueProducer],
    key: CustomerManagedKey | None,
    tags: Mapping[str, str],
) -> QueueWithDeadLetterArgs:
    """The ``QueueWithDeadLetter`` a managed queue target becomes (validated with no producer
    and no key, built with the rule as producer and the bus's queue key)."""
    return QueueWithDeadLetterArgs(
        visibility_timeout_seconds=target.visibility_timeout_seconds,
        max_receive_count=target.max_receive_count,
        fifo=target.fifo,
        producers=producers,
        kms_key=key,
        tags=tags,
    )
