"""Typed Pulumi components for AWS event-driven workloads, and their shared core."""

from components.archived_event_bus import (
    ArchivedEventBus,
    ArchivedEventBusArgs,
    InputTransformer,
    ManagedQueueTarget,
    RetryPolicy,
    RuleSpec,
    TargetKind,
    TargetSpec,
)
from components.fan_out_topic import FanOutTopic, FanOutTopicArgs, Publisher, SubscriberSpec
from components.sns_filter_policy import FilterPolicyScope

__all__ = [
    "ArchivedEventBus",
    "ArchivedEventBusArgs",
    "FanOutTopic",
    "FanOutTopicArgs",
    "FilterPolicyScope",
    "InputTransformer",
    "ManagedQueueTarget",
    "Publisher",
    "RetryPolicy",
    "RuleSpec",
    "SubscriberSpec",
    "TargetKind",
    "TargetSpec",
]
