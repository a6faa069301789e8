"""Typed Pulumi components for AWS event-driven workloads: the front door.

Import everything from here (``from components import FanOutTopic, PlatformContext``); the
subpackages are one per family, as the type tokens name them (``platform:messaging:FanOutTopic``
lives in ``components/messaging/``), and ``components/core/`` holds what they share.
"""

from components import _moved

_moved.install()

# The front door re-exports on purpose, below the hook that keeps the 0.1.0 module paths working.
from components.compute import (  # noqa: E402
    AlarmedFunction,
    AlarmedFunctionArgs,
    Architecture,
    AsyncFailureDestination,
    DestinationKind,
    GoldenAmiAsg,
    GoldenAmiAsgArgs,
    IngressFrom,
    LogLevel,
    Runtime,
    VpcPlacement,
)
from components.containers import (  # noqa: E402
    CpuArchitecture,
    FargateService,
    FargateServiceArgs,
    SecretSource,
    ServiceSecret,
)
from components.core.account import autoscaling_service_linked_role  # noqa: E402
from components.core.alarms import (  # noqa: E402
    AlarmSpec,
    Comparison,
    CompositeAlarmSpec,
    TreatMissingData,
    create_alarm,
    create_composite_alarm,
)
from components.core.aws_values import ACM_CERTIFICATE_ARN, ipv4_network  # noqa: E402
from components.core.context import PlatformContext  # noqa: E402
from components.core.errors import (  # noqa: E402
    ComponentArgumentsError,
    ProblemCollector,
    StackConfigError,
)
from components.core.iam import Statement  # noqa: E402
from components.core.kms import CustomerManagedKey, KeyUse  # noqa: E402
from components.core.naming import Service, physical_name  # noqa: E402
from components.core.settings import (  # noqa: E402
    CONFIG_NAMESPACE,
    DEFAULT_RUNBOOK_BASE_URL,
    DataClassification,
    StackSettings,
    Tier,
)
from components.core.severity import Severity  # noqa: E402
from components.data import AttributeType, DataTable, DataTableArgs, KeyAttribute  # noqa: E402
from components.events import (  # noqa: E402
    ArchivedEventBus,
    ArchivedEventBusArgs,
    InputTransformer,
    ManagedQueueTarget,
    RetryPolicy,
    RuleSpec,
    TargetKind,
    TargetSpec,
)
from components.messaging import (  # noqa: E402
    Access,
    FanOutTopic,
    FanOutTopicArgs,
    FilterPolicyScope,
    IdempotentQueueConsumer,
    IdempotentQueueConsumerArgs,
    ProducerService,
    Publisher,
    QueueProducer,
    QueueWithDeadLetter,
    QueueWithDeadLetterArgs,
    SubscriberSpec,
    TableAccess,
    derived_visibility_timeout,
)
from components.network import ExistingVpc, Network, NetworkArgs  # noqa: E402
from components.observability import AlarmSubscription, AlarmTopics, AlarmTopicsArgs  # noqa: E402

__all__ = [
    "ACM_CERTIFICATE_ARN",
    "CONFIG_NAMESPACE",
    "DEFAULT_RUNBOOK_BASE_URL",
    "Access",
    "AlarmSpec",
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
    "Comparison",
    "ComponentArgumentsError",
    "CompositeAlarmSpec",
    "CpuArchitecture",
    "CustomerManagedKey",
    "DataClassification",
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
    "KeyUse",
    "LogLevel",
    "ManagedQueueTarget",
    "Network",
    "NetworkArgs",
    "PlatformContext",
    "ProblemCollector",
    "ProducerService",
    "Publisher",
    "QueueProducer",
    "QueueWithDeadLetter",
    "QueueWithDeadLetterArgs",
    "RetryPolicy",
    "RuleSpec",
    "Runtime",
    "SecretSource",
    "Service",
    "ServiceSecret",
    "Severity",
    "StackConfigError",
    "StackSettings",
    "Statement",
    "SubscriberSpec",
    "TableAccess",
    "TargetKind",
    "TargetSpec",
    "Tier",
    "TreatMissingData",
    "VpcPlacement",
    "autoscaling_service_linked_role",
    "create_alarm",
    "create_composite_alarm",
    "derived_visibility_timeout",
    "ipv4_network",
    "physical_name",
]
