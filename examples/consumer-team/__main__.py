"""consumer-team: the returns service, composed from the platform's components.

EventBridge bus `returns-events` (archived, so events can be replayed) -> rule
`return-requested` -> SQS queue with DLQ -> idempotent Lambda consumer (`handlers/returns.py`)
-> DynamoDB table `returns`. Alarms page the team's own alarm topics.
"""

import pulumi

from components import (
    Access,
    AlarmTopics,
    AlarmTopicsArgs,
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

RETURNS_SOURCE = "returns.service"
CONSUMER_TIMEOUT_SECONDS = 30

base = PlatformContext.from_stack_config()
alarm_topics = AlarmTopics("alarms", base, AlarmTopicsArgs.from_settings(base.settings))
context = base.with_alarm_topics(alarm_topics.arns)

returns_table = DataTable(
    "returns",
    context,
    DataTableArgs(partition_key=KeyAttribute(name="return_id")),
)

bus = ArchivedEventBus(
    "returns-events",
    context,
    ArchivedEventBusArgs(
        archive_event_pattern={"source": [RETURNS_SOURCE]},
        rules=[
            RuleSpec(
                name="return-requested",
                description="Customers' return requests, recorded by the returns consumer.",
                event_pattern={"source": [RETURNS_SOURCE], "detail-type": ["ReturnRequested"]},
                managed_queues=[
                    ManagedQueueTarget(
                        name="consumer",
                        visibility_timeout_seconds=derived_visibility_timeout(
                            CONSUMER_TIMEOUT_SECONDS, 0
                        ),
                    )
                ],
            )
        ],
    ),
)

consumer = IdempotentQueueConsumer(
    "returns-consumer",
    context,
    IdempotentQueueConsumerArgs(
        handler="returns.handler",  # handlers/returns.py; code_path "handlers" is this folder's
        description="Records each return request exactly once.",
        queue=bus.managed_queues["consumer"],
        timeout_seconds=CONSUMER_TIMEOUT_SECONDS,
        memory_size_mb=256,
        reserved_concurrency=2,
        maximum_concurrency=2,
        tables=[
            TableAccess(
                table_arn=returns_table.table_arn,
                table_name=returns_table.table_name,
                access=Access.WRITE,
                env_var="RETURNS_TABLE_NAME",
                kms_key_arn=returns_table.kms_key_arn,
            )
        ],
    ),
)

pulumi.export("busName", bus.bus_name)
pulumi.export("archiveName", bus.archive_name)
pulumi.export("queueUrl", consumer.queue_url)
pulumi.export("dlqUrl", consumer.dlq_url)
pulumi.export("returnsTableName", returns_table.table_name)
pulumi.export("alarmTopicArns", {str(s): arn for s, arn in alarm_topics.arns.items()})
