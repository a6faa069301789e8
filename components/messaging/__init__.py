"""SQS and SNS: queues with dead-letter queues, idempotent consumers, fan-out topics."""

from components.messaging.fan_out_topic import (
    FanOutTopic,
    FanOutTopicArgs,
    Publisher,
    SubscriberSpec,
)
from components.messaging.idempotent_queue_consumer import (
    Access,
    IdempotentQueueConsumer,
    IdempotentQueueConsumerArgs,
    TableAccess,
    derived_visibility_timeout,
)
from components.messaging.queue_with_dead_letter import (
    ProducerService,
    QueueProducer,
    QueueWithDeadLetter,
    QueueWithDeadLetterArgs,
)
from components.messaging.sns_filter_policy import FilterPolicyScope

__all__ = [
    "Access",
    "FanOutTopic",
    "FanOutTopicArgs",
    "FilterPolicyScope",
    "IdempotentQueueConsumer",
    "IdempotentQueueConsumerArgs",
    "ProducerService",
    "Publisher",
    "QueueProducer",
    "QueueWithDeadLetter",
    "QueueWithDeadLetterArgs",
    "SubscriberSpec",
    "TableAccess",
    "derived_visibility_timeout",
]
