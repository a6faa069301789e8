"""QueueWithDeadLetter: an SQS queue with its dead-letter queue, key, policies and alarms."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import pulumi
import pulumi_aws as aws

from components.core.alarms import AlarmSpec, create_alarm
from components.core.arg_types import check_arg_types
from components.core.context import PlatformContext
from components.core.errors import ProblemCollector
from components.core.kms import CustomerManagedKey, KeyUse
from components.core.lifecycle import state_options
from components.core.naming import Service, physical_name, record_component_path
from components.core.settings import StateKind
from components.core.severity import Severity
from components.core.tags import checked_tags

__all__ = [
    "MAX_RETENTION_SECONDS",
    "ProducerService",
    "QueueProducer",
    "QueueWithDeadLetter",
    "QueueWithDeadLetterArgs",
    "problems",
    "producer_key_uses",
    "queue_policy",
]

COMPONENT = "QueueWithDeadLetter"
MAX_RETENTION_SECONDS = 1_209_600  # 14 days, the SQS maximum
MAX_VISIBILITY_TIMEOUT_SECONDS = 43_200  # 12 hours
MAX_RECEIVE_WAIT_SECONDS = 20
# Share of the retention after which the oldest message is "about to expire".
RETENTION_ALARM_FRACTION = 0.8


class ProducerService(StrEnum):
    """AWS services that may send to the queue, named by their service principal."""

    EVENTS = "events.amazonaws.com"
    SNS = "sns.amazonaws.com"


@dataclass(frozen=True, kw_only=True)
class QueueProducer:
    """One producer allowed to send: a service principal restricted by ``aws:SourceArn``."""

    service: ProducerService
    source_arn: pulumi.Input[str]

    @classmethod
    def eventbridge_rule(cls, rule_arn: pulumi.Input[str]) -> QueueProducer:
        return cls(service=ProducerService.EVENTS, source_arn=rule_arn)

    @classmethod
    def eventbridge_bus(cls, bus_arn: pulumi.Input[str]) -> QueueProducer:
        """EventBridge parking events a bus could not encrypt or decrypt (bus DLQ)."""
        return cls(service=ProducerService.EVENTS, source_arn=bus_arn)

    @classmethod
    def sns_topic(cls, topic_arn: pulumi.Input[str]) -> QueueProducer:
        return cls(service=ProducerService.SNS, source_arn=topic_arn)


@dataclass(frozen=True, kw_only=True)
class QueueWithDeadLetterArgs:
    """Arguments of ``QueueWithDeadLetter``; ``None`` means "the tier default".

    Args:
        visibility_timeout_seconds: time a received message stays hidden (0..43200). A Lambda
            consumer needs at least six times its timeout (``IdempotentQueueConsumer`` derives it).
        max_receive_count: receives before a message moves to the DLQ (1..1000, default 3).
        message_retention_seconds: source queue retention (60..1209600); default the tier's
            ``queue_retention_seconds`` (4 days, seed 003).
        dlq_retention_seconds: DLQ retention, must be longer than the source's because a standard
            queue's message keeps its original enqueue time in the DLQ; default the tier's
            ``dlq_retention_seconds`` (14 days).
        receive_wait_time_seconds: long polling wait (0..20, default 20).
        fifo: make both queues FIFO (names end in ``.fifo``).
        content_based_deduplication: FIFO only; SQS derives the deduplication id from the body.
        producers: services allowed to send, each restricted to its ``aws:SourceArn``
            (``QueueProducer.sns_topic(arn)``, ``QueueProducer.eventbridge_rule(arn)``). The
            component that owns the topic or rule passes it here; nobody else may send.
        kms_key: customer-managed key for both queues. When omitted the component creates one
            whose key policy admits the producers' services. A key passed in must already
            admit them (``KeyUse.SQS_FROM_SNS`` / ``KeyUse.SQS_FROM_EVENTS``).
        depth_alarm_threshold: visible messages that raise the queue-depth alarm; default tier.
        oldest_message_age_alarm_seconds: age of the oldest message that raises the age alarm;
            default the tier threshold, always capped at 80 % of the retention.
        tags: extra tags, merged over the context's required tags (which they may not change).
    """

    visibility_timeout_seconds: int = 30
    max_receive_count: int = 3
    message_retention_seconds: int | None = None
    dlq_retention_seconds: int | None = None
    receive_wait_time_seconds: int = MAX_RECEIVE_WAIT_SECONDS
    fifo: bool = False
    content_based_deduplication: bool = False
    producers: Sequence[QueueProducer] = ()
    kms_key: CustomerManagedKey | None = None
    depth_alarm_threshold: int | None = None
    oldest_message_age_alarm_seconds: int | None = None
    tags: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class _Resolved:
    """The arguments with tier defaults applied, as plain numbers."""

    retention: int
    dlq_retention: int
    depth_threshold: int
    age_threshold: int


def _default(value: int | None, default: int) -> int:
    return default if value is None else value


def _resolve(args: QueueWithDeadLetterArgs, context: PlatformContext) -> _Resolved:
    profile = context.profile
    retention = _default(args.message_retention_seconds, profile.queue_retention_seconds)
    dlq_retention = _default(args.dlq_retention_seconds, profile.dlq_retention_seconds)
    depth = _default(args.depth_alarm_threshold, profile.queue_depth_alarm_messages)
    age = _default(
        args.oldest_message_age_alarm_seconds, profile.queue_oldest_message_age_alarm_seconds
    )
    return _Resolved(
        retention=retention,
        dlq_retention=dlq_retention,
        depth_threshold=depth,
        age_threshold=min(age, int(retention * RETENTION_ALARM_FRACTION)),
    )


def problems(args: QueueWithDeadLetterArgs, context: PlatformContext) -> list[str]:
    """Every problem of ``args``, registering nothing (a composing component calls this)."""
    p = ProblemCollector(COMPONENT)
    _check(p, args, context)
    return list(p.problems)


def _validate(
    args: QueueWithDeadLetterArgs, context: PlatformContext
) -> tuple[_Resolved, dict[str, str]]:
    """Raise one error naming every bad field; return the resolved numbers and merged tags."""
    p = ProblemCollector(COMPONENT)
    checked = _check(p, args, context)
    p.raise_if_any()
    assert checked is not None
    return checked


def _check(
    p: ProblemCollector, args: QueueWithDeadLetterArgs, context: PlatformContext
) -> tuple[_Resolved, dict[str, str]] | None:
    """Record every problem of ``args`` in ``p``; the resolved numbers and merged tags unless
    the types are too wrong to go on."""
    checked = check_arg_types(args, QueueWithDeadLetterArgs)
    p.extend(checked.problems)
    p.settle(checked.ill_typed)
    if checked.usable is None:
        return None
    args = checked.usable
    with p.checking():
        resolved = _resolve(args, context)
        p.check(
            0 <= args.visibility_timeout_seconds <= MAX_VISIBILITY_TIMEOUT_SECONDS,
            f"visibility_timeout_seconds: must be 0..{MAX_VISIBILITY_TIMEOUT_SECONDS}, "
            f"got {args.visibility_timeout_seconds}",
        )
        p.check(
            1 <= args.max_receive_count <= 1000,
            f"max_receive_count: must be 1..1000, got {args.max_receive_count}",
        )
        p.check(
            60 <= resolved.retention <= MAX_RETENTION_SECONDS,
            f"message_retention_seconds: must be 60..{MAX_RETENTION_SECONDS}, got "
            f"{resolved.retention}",
        )
        if p.check(
            60 <= resolved.dlq_retention <= MAX_RETENTION_SECONDS,
            f"dlq_retention_seconds: must be 60..{MAX_RETENTION_SECONDS}, got "
            f"{resolved.dlq_retention}",
        ):
            p.check(
                resolved.dlq_retention > resolved.retention,
                f"dlq_retention_seconds: must be longer than message_retention_seconds "
                f"({resolved.retention}) or messages expire in the DLQ before anyone sees them, "
                f"got {resolved.dlq_retention}",
            )
        p.check(
            0 <= args.receive_wait_time_seconds <= MAX_RECEIVE_WAIT_SECONDS,
            f"receive_wait_time_seconds: must be 0..{MAX_RECEIVE_WAIT_SECONDS}, "
            f"got {args.receive_wait_time_seconds}",
        )
        p.check(
            args.fifo or not args.content_based_deduplication,
            "content_based_deduplication: only valid on a FIFO queue (set fifo=True)",
        )
        p.check(
            resolved.depth_threshold >= 1,
            f"depth_alarm_threshold: must be at least 1, got {resolved.depth_threshold}",
        )
        p.check(
            args.oldest_message_age_alarm_seconds is None
            or args.oldest_message_age_alarm_seconds >= 60,
            "oldest_message_age_alarm_seconds: must be at least 60, "
            f"got {args.oldest_message_age_alarm_seconds}",
        )
        for index, producer in enumerate(args.producers):
            p.check(
                isinstance(producer, QueueProducer),
                f"producers[{index}]: must be a QueueProducer, got {type(producer).__name__}",
            )
            p.check(
                not isinstance(producer, QueueProducer) or producer.source_arn != "",
                f"producers[{index}].source_arn: must not be empty",
            )
    return resolved, checked_tags(p, context.tags, args.tags)


def _deny_insecure_transport(queue_arn: str) -> dict[str, Any]:
    return {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "sqs:*",
        "Resource": queue_arn,
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def queue_policy(queue_arn: str, producers: Sequence[tuple[str, str]]) -> dict[str, Any]:
    """The queue's resource policy: each producer service may send only from its source ARNs,
    and every request without TLS is denied. ``producers`` are ``(service principal, arn)``."""
    by_service: dict[str, list[str]] = {}
    for service, arn in producers:
        arns = by_service.setdefault(service, [])
        if arn not in arns:
            arns.append(arn)
    statements: list[dict[str, Any]] = [_deny_insecure_transport(queue_arn)]
    for service in sorted(by_service):
        sid = "Allow" + service.split(".")[0].capitalize() + "Send"
        statements.append(
            {
                "Sid": sid,
                "Effect": "Allow",
                "Principal": {"Service": service},
                "Action": "sqs:SendMessage",
                "Resource": queue_arn,
                "Condition": {"ArnEquals": {"aws:SourceArn": sorted(by_service[service])}},
            }
        )
    return {"Version": "2012-10-17", "Statement": statements}


def producer_key_uses(producers: Sequence[QueueProducer]) -> set[KeyUse]:
    """What a key of queues sent to by ``producers`` must admit."""
    uses = {KeyUse.SQS}
    for producer in producers:
        uses.add(
            KeyUse.SQS_FROM_SNS
            if producer.service is ProducerService.SNS
            else KeyUse.SQS_FROM_EVENTS
        )
    return uses


class QueueWithDeadLetter(pulumi.ComponentResource):
    """An SQS queue, its dead-letter queue, both under a customer-managed key, with a queue
    policy admitting only the named producers over TLS and alarms on the DLQ, message age and
    depth. The shared building block of ``FanOutTopic``, ``ArchivedEventBus`` and
    ``IdempotentQueueConsumer``."""

    queue: aws.sqs.Queue
    dlq: aws.sqs.Queue
    queue_arn: pulumi.Output[str]
    queue_url: pulumi.Output[str]
    queue_name: pulumi.Output[str]
    dlq_arn: pulumi.Output[str]
    dlq_url: pulumi.Output[str]
    dlq_name: pulumi.Output[str]
    kms_key_arn: pulumi.Output[str]
    dlq_alarm: aws.cloudwatch.MetricAlarm
    age_alarm: aws.cloudwatch.MetricAlarm
    depth_alarm: aws.cloudwatch.MetricAlarm
    alarms: list[aws.cloudwatch.MetricAlarm]

    def __init__(
        self,
        name: str,
        context: PlatformContext,
        args: QueueWithDeadLetterArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        resolved, tags = _validate(args, context)
        super().__init__(f"platform:messaging:{COMPONENT}", name, None, opts)
        record_component_path(self, opts)
        child = pulumi.ResourceOptions(parent=self)

        self.args = args
        self.fifo = args.fifo
        self.visibility_timeout_seconds = args.visibility_timeout_seconds
        self.max_receive_count = args.max_receive_count
        self.message_retention_seconds = resolved.retention
        self.dlq_retention_seconds = resolved.dlq_retention

        key = args.kms_key or CustomerManagedKey(
            f"{name}-key",
            context,
            uses=producer_key_uses(args.producers),
            opts=child,
            tags=args.tags,
        )
        self.kms_key = key
        self.kms_key_arn = key.arn
        fifo_args: dict[str, Any] = {"fifo_queue": True} if args.fifo else {}

        self.dlq = aws.sqs.Queue(
            f"{name}-dlq",
            name=physical_name(
                context, name, Service.SQS_QUEUE, suffix="dlq", fifo=args.fifo, within=self
            ),
            message_retention_seconds=resolved.dlq_retention,
            receive_wait_time_seconds=args.receive_wait_time_seconds,
            kms_master_key_id=key.arn,
            tags=tags,
            **fifo_args,
            opts=state_options(context, StateKind.QUEUE, self),
        )
        if args.fifo:
            fifo_args["content_based_deduplication"] = args.content_based_deduplication
        self.queue = aws.sqs.Queue(
            f"{name}-queue",
            name=physical_name(context, name, Service.SQS_QUEUE, fifo=args.fifo, within=self),
            message_retention_seconds=resolved.retention,
            receive_wait_time_seconds=args.receive_wait_time_seconds,
            visibility_timeout_seconds=args.visibility_timeout_seconds,
            kms_master_key_id=key.arn,
            redrive_policy=self.dlq.arn.apply(
                lambda arn: json.dumps(
                    {"deadLetterTargetArn": arn, "maxReceiveCount": args.max_receive_count}
                )
            ),
            tags=tags,
            **fifo_args,
            opts=state_options(context, StateKind.QUEUE, self),
        )
        # A separate resource: the DLQ names its source, the source names its DLQ.
        aws.sqs.RedriveAllowPolicy(
            f"{name}-dlq-redrive-allow",
            queue_url=self.dlq.url,
            redrive_allow_policy=self.queue.arn.apply(
                lambda arn: json.dumps({"redrivePermission": "byQueue", "sourceQueueArns": [arn]})
            ),
            opts=child,
        )
        producer_pairs = [pulumi.Output.all(str(p.service), p.source_arn) for p in args.producers]
        aws.sqs.QueuePolicy(
            f"{name}-queue-policy",
            queue_url=self.queue.url,
            policy=pulumi.Output.all(self.queue.arn, *producer_pairs).apply(
                lambda values: json.dumps(
                    queue_policy(values[0], [(s, a) for s, a in values[1:]]), sort_keys=True
                )
            ),
            opts=child,
        )
        aws.sqs.QueuePolicy(
            f"{name}-dlq-policy",
            queue_url=self.dlq.url,
            policy=self.dlq.arn.apply(
                lambda arn: json.dumps(queue_policy(arn, []), sort_keys=True)
            ),
            opts=child,
        )

        self.dlq_alarm, self.age_alarm, self.depth_alarm = self._alarms(name, context, resolved)
        self.alarms = [self.dlq_alarm, self.age_alarm, self.depth_alarm]

        self.queue_arn = self.queue.arn
        self.queue_url = self.queue.url
        self.queue_name = self.queue.name
        self.dlq_arn = self.dlq.arn
        self.dlq_url = self.dlq.url
        self.dlq_name = self.dlq.name
        self.register_outputs(
            {
                "queue_arn": self.queue_arn,
                "queue_url": self.queue_url,
                "queue_name": self.queue_name,
                "dlq_arn": self.dlq_arn,
                "dlq_url": self.dlq_url,
                "dlq_name": self.dlq_name,
                "kms_key_arn": self.kms_key_arn,
            }
        )

    def _alarms(
        self, name: str, context: PlatformContext, resolved: _Resolved
    ) -> tuple[aws.cloudwatch.MetricAlarm, aws.cloudwatch.MetricAlarm, aws.cloudwatch.MetricAlarm]:
        """The DLQ-has-messages, oldest-message-age and queue-depth alarms, in that order."""
        child = pulumi.ResourceOptions(parent=self)
        dlq = {"QueueName": self.dlq.name}
        queue = {"QueueName": self.queue.name}
        specs = {
            "dlq-has-messages": AlarmSpec(
                description=f"{name}: the dead-letter queue holds messages that failed processing.",
                namespace="AWS/SQS",
                metric_name="ApproximateNumberOfMessagesVisible",
                dimensions=dlq,
                statistic="Maximum",
                comparison="GreaterThanThreshold",
                threshold=0,
                period_seconds=60,
                evaluation_periods=1,
                treat_missing_data="notBreaching",
                severity=Severity.P2,
                runbook_page="dlq",
                runbook_anchor="dlq-has-messages",
            ),
            "oldest-message-age": AlarmSpec(
                description=(
                    f"{name}: the oldest message is close to its retention or over the tier"
                    " threshold."
                ),
                namespace="AWS/SQS",
                metric_name="ApproximateAgeOfOldestMessage",
                dimensions=queue,
                statistic="Maximum",
                comparison="GreaterThanOrEqualToThreshold",
                threshold=resolved.age_threshold,
                period_seconds=60,
                evaluation_periods=5,
                treat_missing_data="notBreaching",
                severity=Severity.P2,
                runbook_page="queue",
                runbook_anchor="oldest-message-age",
            ),
            "queue-depth": AlarmSpec(
                description=f"{name}: more visible messages than the tier threshold.",
                namespace="AWS/SQS",
                metric_name="ApproximateNumberOfMessagesVisible",
                dimensions=queue,
                statistic="Maximum",
                comparison="GreaterThanOrEqualToThreshold",
                threshold=resolved.depth_threshold,
                period_seconds=60,
                evaluation_periods=5,
                treat_missing_data="notBreaching",
                severity=Severity.P3,
                runbook_page="queue",
                runbook_anchor="queue-depth",
            ),
        }
        dlq_alarm, age_alarm, depth_alarm = (
            create_alarm(f"{name}-{suffix}", context, spec, opts=child, tags=self.args.tags)
            for suffix, spec in specs.items()
        )
        return dlq_alarm, age_alarm, depth_alarm
