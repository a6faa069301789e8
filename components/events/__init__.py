"""EventBridge: an archived custom bus, its rules and targets, and event-pattern validation."""

from components.events.archived_event_bus import (
    ArchivedEventBus,
    ArchivedEventBusArgs,
    InputTransformer,
    ManagedQueueTarget,
    RetryPolicy,
    RuleSpec,
    TargetKind,
    TargetSpec,
)

__all__ = [
    "ArchivedEventBus",
    "ArchivedEventBusArgs",
    "InputTransformer",
    "ManagedQueueTarget",
    "RetryPolicy",
    "RuleSpec",
    "TargetKind",
    "TargetSpec",
]
