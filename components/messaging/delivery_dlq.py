"""A plain dead-letter queue that an AWS service writes undeliverable messages to.

SNS (subscription redrive policy) and EventBridge (target dead-letter config) park what they
could not deliver in an SQS queue. That queue has no consumer and no DLQ of its own, so it is
not a ``QueueWithDeadLetter``: it is one queue under a customer-managed key that admits the
producing service, a queue policy (``queue_with_dead_letter.queue_policy``) that admits only
that service from one source ARN over TLS, and an alarm when it holds any message.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from components.core.alarms import AlarmSpec, create_alarm
from components.core.context import PlatformContext
from components.core.kms import CustomerManagedKey
from components.core.lifecycle import state_options
from components.core.naming import Service, physical_name
from components.core.settings import StateKind
from components.core.severity import Severity
from components.messaging.queue_with_dead_letter import QueueProducer, queue_policy


@dataclass(frozen=True)
class DeliveryDlq:
    """The resources of one delivery DLQ."""

    queue: aws.sqs.Queue
    policy: aws.sqs.QueuePolicy
    alarm: aws.cloudwatch.MetricAlarm


def create_delivery_dlq(
    name: str,
    context: PlatformContext,
    *,
    producer: QueueProducer,
    kms_key: CustomerManagedKey,
    tags: dict[str, str],
    runbook_page: str,
    runbook_anchor: str,
    parent: pulumi.Resource,
    fifo: bool = False,
) -> DeliveryDlq:
    """Register the queue, its policy and its alarm as children of ``parent``.

    ``kms_key`` must admit ``producer``'s service (``KeyUse.SQS_FROM_SNS``/``SQS_FROM_EVENTS``).
    """
    child = pulumi.ResourceOptions(parent=parent)
    fifo_args: dict[str, Any] = {"fifo_queue": True} if fifo else {}
    queue = aws.sqs.Queue(
        name,
        name=physical_name(context, name, Service.SQS_QUEUE, fifo=fifo, within=parent),
        message_retention_seconds=context.profile.dlq_retention_seconds,
        kms_master_key_id=kms_key.arn,
        tags=tags,
        **fifo_args,
        opts=state_options(context, StateKind.QUEUE, parent),
    )
    policy = aws.sqs.QueuePolicy(
        f"{name}-policy",
        queue_url=queue.url,
        policy=pulumi.Output.all(queue.arn, producer.source_arn).apply(
            lambda values: json.dumps(
                queue_policy(values[0], [(str(producer.service), values[1])]), sort_keys=True
            )
        ),
        opts=child,
    )
    alarm = create_alarm(
        f"{name}-has-messages",
        context,
        AlarmSpec(
            description=f"{name}: {producer.service} parked messages it could not deliver.",
            namespace="AWS/SQS",
            metric_name="ApproximateNumberOfMessagesVisible",
            dimensions={"QueueName": queue.name},
            statistic="Maximum",
            comparison="GreaterThanThreshold",
            threshold=0,
            period_seconds=60,
            evaluation_periods=1,
            treat_missing_data="notBreaching",
            severity=Severity.P2,
            runbook_page=runbook_page,
            runbook_anchor=runbook_anchor,
        ),
        opts=child,
    )
    return DeliveryDlq(queue=queue, policy=policy, alarm=alarm)
