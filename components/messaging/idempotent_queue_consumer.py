"""IdempotentQueueConsumer: an SQS consumer that cannot lose or double-process a message.

The arguments are in ``consumer_args`` and their checks in ``consumer_validation``; the names
they export are importable from here as well.
"""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from components.compute.alarmed_function import AlarmedFunction
from components.core.alarms import CompositeAlarmSpec, create_composite_alarm
from components.core.context import PlatformContext
from components.core.iam import Statement
from components.core.kms import CustomerManagedKey, KeyUse
from components.core.naming import record_component_path
from components.core.severity import Severity
from components.data.data_table import DataTable
from components.messaging.consumer_args import Access, IdempotentQueueConsumerArgs, TableAccess
from components.messaging.consumer_validation import (
    COMPONENT,
    VISIBILITY_TO_TIMEOUT_RATIO,
    derived_visibility_timeout,
    function_args,
    queue_args,
    table_args,
    validate,
)
from components.messaging.queue_with_dead_letter import QueueWithDeadLetter, producer_key_uses

__all__ = [
    "COMPONENT",
    "IDEMPOTENCY_TABLE_ACTIONS",
    "KEY_ACTIONS",
    "QUEUE_CONSUMER_ACTIONS",
    "VISIBILITY_TO_TIMEOUT_RATIO",
    "Access",
    "IdempotentQueueConsumer",
    "IdempotentQueueConsumerArgs",
    "TableAccess",
    "consumer_statements",
    "derived_visibility_timeout",
]

QUEUE_CONSUMER_ACTIONS = (
    "sqs:ReceiveMessage",
    "sqs:DeleteMessage",
    "sqs:GetQueueAttributes",
    "sqs:ChangeMessageVisibility",
)
IDEMPOTENCY_TABLE_ACTIONS = (
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
)
KEY_ACTIONS = ("kms:Decrypt", "kms:GenerateDataKey")


def consumer_statements(
    args: IdempotentQueueConsumerArgs,
    key: CustomerManagedKey,
    queue: QueueWithDeadLetter,
    table: aws.dynamodb.Table,
) -> list[Statement]:
    """Exact grants: the queue, the idempotency table, the business tables, the keys."""
    statements = [
        Statement(
            sid="ConsumeQueue",
            actions=list(QUEUE_CONSUMER_ACTIONS),
            resources=[queue.queue_arn],
        ),
        Statement(
            sid="IdempotencyRecords",
            actions=list(IDEMPOTENCY_TABLE_ACTIONS),
            resources=[table.arn],
        ),
    ]
    for index, business in enumerate(args.tables):
        statements.append(
            Statement(
                sid=f"Table{index}{business.access.value.title().replace('_', '')}",
                actions=list(business.actions),
                resources=[business.table_arn],
            )
        )
    key_arns: list[pulumi.Input[str]] = [key.arn]
    if args.queue is not None:
        key_arns.append(queue.kms_key_arn)
    key_arns.extend(t.kms_key_arn for t in args.tables if t.kms_key_arn is not None)
    statements.append(Statement(sid="UseDataKeys", actions=list(KEY_ACTIONS), resources=key_arns))
    return statements


class IdempotentQueueConsumer(pulumi.ComponentResource):
    """An SQS consumer that cannot lose or double-process a message.

    A ``QueueWithDeadLetter`` (made or passed in), an ``AlarmedFunction`` fed by an event source
    mapping that always reports partial batch failures, and the Powertools idempotency table
    (``id`` hash key, TTL ``expiration``) under a customer-managed key. The function role gets
    exact grants on the queue, the tables and the keys. Validation refuses visibility timeouts,
    batching windows and idempotency expiries that would let a message be processed twice, and,
    before anything is registered, whatever the queue, table or function would refuse, named by
    the field of these Args it comes from.
    Alarms: the queue's, the function's, and one composite "consumer unhealthy".
    """

    queue: QueueWithDeadLetter
    function: AlarmedFunction
    table: aws.dynamodb.Table
    event_source_mapping: aws.lambda_.EventSourceMapping
    unhealthy_alarm: aws.cloudwatch.CompositeAlarm
    alarms: list[aws.cloudwatch.MetricAlarm | aws.cloudwatch.CompositeAlarm]

    def __init__(
        self,
        name: str,
        context: PlatformContext,
        args: IdempotentQueueConsumerArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        plan, tags = validate(args, context)
        super().__init__(f"platform:messaging:{COMPONENT}", name, None, opts)
        record_component_path(self, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.visibility_timeout_seconds = plan.visibility_timeout

        uses = {KeyUse.LOGS, KeyUse.LAMBDA, KeyUse.DYNAMODB}
        if args.queue is None:
            uses |= producer_key_uses(args.producers)
        key = args.kms_key or CustomerManagedKey(
            f"{name}-key", context, uses=uses, opts=child, tags=args.tags
        )
        self.kms_key = key
        self.queue = args.queue or QueueWithDeadLetter(
            name, context, queue_args(args, plan, key), opts=child
        )
        self.idempotency_table = DataTable(
            f"{name}-idempotency", context, table_args(args, key), opts=child
        )
        self.table = self.idempotency_table.table

        environment: dict[str, pulumi.Input[str]] = {
            **args.environment,
            **{table.env_var: table.table_name for table in args.tables},
            "IDEMPOTENCY_TABLE_NAME": self.table.name,
            "IDEMPOTENCY_EXPIRY_SECONDS": str(args.idempotency_expiry_seconds),
        }
        self.function = AlarmedFunction(
            name,
            context,
            function_args(
                args,
                key,
                environment,
                [*consumer_statements(args, key, self.queue, self.table), *args.statements],
            ),
            opts=child,
        )
        scaling = (
            aws.lambda_.EventSourceMappingScalingConfigArgs(
                maximum_concurrency=args.maximum_concurrency
            )
            if args.maximum_concurrency is not None
            else None
        )
        self.event_source_mapping = aws.lambda_.EventSourceMapping(
            f"{name}-source",
            event_source_arn=self.queue.queue_arn,
            function_name=self.function.function_arn,
            batch_size=args.batch_size,
            maximum_batching_window_in_seconds=args.maximum_batching_window_seconds,
            function_response_types=["ReportBatchItemFailures"],
            scaling_config=scaling,
            enabled=True,
            tags=tags,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.function.policy_attachment]),
        )
        watched = [self.queue.dlq_alarm, self.queue.age_alarm, self.function.errors_alarm]
        self.unhealthy_alarm = create_composite_alarm(
            f"{name}-unhealthy",
            context,
            CompositeAlarmSpec(
                alarm_rule=pulumi.Output.all(*(alarm.name for alarm in watched)).apply(
                    lambda names: " OR ".join(f'ALARM("{n}")' for n in names)
                ),
                severity=Severity.P2,
                runbook_page="consumer",
                runbook_anchor="unhealthy",
                description=(
                    f"{name}: the consumer is unhealthy (messages dead-lettered, the oldest "
                    "message ageing, or the function failing)."
                ),
            ),
            opts=child,
            tags=args.tags,
        )
        self.alarms = [
            *self.queue.alarms,
            *self.function.alarms,
            *self.idempotency_table.alarms,
            self.unhealthy_alarm,
        ]

        self.queue_url = self.queue.queue_url
        self.queue_arn = self.queue.queue_arn
        self.queue_name = self.queue.queue_name
        self.dlq_url = self.queue.dlq_url
        self.dlq_arn = self.queue.dlq_arn
        self.dlq_name = self.queue.dlq_name
        self.function_name = self.function.function_name
        self.function_arn = self.function.function_arn
        self.table_name = self.table.name
        self.register_outputs(
            {
                "queue_url": self.queue_url,
                "queue_arn": self.queue_arn,
                "queue_name": self.queue_name,
                "dlq_url": self.dlq_url,
                "dlq_arn": self.dlq_arn,
                "dlq_name": self.dlq_name,
                "function_name": self.function_name,
                "function_arn": self.function_arn,
                "table_name": self.table_name,
                "alarm_arns": [alarm.arn for alarm in self.alarms],
            }
        )
