"""Typed Pulumi components for AWS event-driven workloads, and their shared core."""

from components.alarm_topics import AlarmSubscription, AlarmTopics, AlarmTopicsArgs
from components.alarmed_function import (
    AlarmedFunction,
    AlarmedFunctionArgs,
    Architecture,
    AsyncFailureDestination,
    DestinationKind,
    LogLevel,
    Runtime,
    VpcPlacement,
)
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
from components.data_table import AttributeType, DataTable, DataTableArgs, KeyAttribute
from components.fan_out_topic import FanOutTopic, FanOutTopicArgs, Publisher, SubscriberSpec
from components.fargate_service import (
    CpuArchitecture,
    FargateService,
    FargateServiceArgs,
    SecretSource,
    ServiceSecret,
)
from components.golden_ami_asg import GoldenAmiAsg, GoldenAmiAsgArgs, IngressFrom
from components.idempotent_queue_consumer import (
    Access,
    IdempotentQueueConsumer,
    IdempotentQueueConsumerArgs,
    TableAccess,
)
from components.network import ExistingVpc, Network, NetworkArgs
from components.queue_with_dead_letter import (
    ProducerService,
    QueueProducer,
    QueueWithDeadLetter,
    QueueWithDeadLetterArgs,
)
from components.sns_filter_policy import FilterPolicyScope

__all__ = [
    "Access",
    "AlarmSubscription",
    "AlarmTopics",
    "AlarmTopicsArgs",
    "AlarmedFunction",
    "AlarmedFunctionArgs",
    "Architecture",
    "ArchivedEventBus",
    "ArchivedEventBusArgs",
    "AsyncFailureDestination",
    "AttributeType",
    "CpuArchitecture",
    "DataTable",
    "DataTableArgs",
    "DestinationKind",
    "ExistingVpc",
    "FanOutTopic",
    "FanOutTopicArgs",
    "FargateService",
    "FargateServiceArgs",
    "FilterPolicyScope",
    "GoldenAmiAsg",
    "GoldenAmiAsgArgs",
    "IdempotentQueueConsumer",
    "IdempotentQueueConsumerArgs",
    "IngressFrom",
    "InputTransformer",
    "KeyAttribute",
    "LogLevel",
    "ManagedQueueTarget",
    "Network",
    "NetworkArgs",
    "ProducerService",
    "Publisher",
    "QueueProducer",
    "QueueWithDeadLetter",
    "QueueWithDeadLetterArgs",
    "RetryPolicy",
    "RuleSpec",
    "Runtime",
    "SecretSource",
    "ServiceSecret",
    "SubscriberSpec",
    "TableAccess",
    "TargetKind",
    "TargetSpec",
    "VpcPlacement",
]
