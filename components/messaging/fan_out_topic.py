"""FanOutTopic: an encrypted SNS topic fanned out to filtered, encrypted SQS subscriber queues."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from components.core.alarms import AlarmSpec, create_alarm
from components.core.arg_types import typed_args
from components.core.aws_values import ACCOUNT_ID, IAM_PRINCIPAL_ARN
from components.core.context import PlatformContext
from components.core.errors import ProblemCollector
from components.core.kms import CustomerManagedKey, KeyUse
from components.core.naming import CHILD_LABEL, Service, physical_name, record_component_path
from components.core.severity import Severity
from components.core.tags import checked_tags
from components.messaging.delivery_dlq import create_delivery_dlq
from components.messaging.delivery_status_logging import (
    DeliveryProtocol,
    LoggedTopic,
    create_delivery_status_logging,
    feedback_args,
)
from components.messaging.queue_with_dead_letter import (
    QueueProducer,
    QueueWithDeadLetter,
    QueueWithDeadLetterArgs,
)
from components.messaging.queue_with_dead_letter import problems as queue_problems
from components.messaging.sns_filter_policy import FilterPolicyScope, filter_policy_problems

__all__ = [
    "FanOutTopic",
    "FanOutTopicArgs",
    "Publisher",
    "SubscriberSpec",
    "topic_policy",
]

COMPONENT = "FanOutTopic"
RUNBOOK_PAGE = "fan-out"
# Services that may publish, with the key use their key-policy statement needs.
PUBLISHER_SERVICES: Mapping[str, KeyUse] = {
    "cloudwatch.amazonaws.com": KeyUse.SNS_FROM_CLOUDWATCH,
    "events.amazonaws.com": KeyUse.SNS_FROM_EVENTS,
}


@dataclass(frozen=True, kw_only=True)
class Publisher:
    """Who may publish: an account id, an IAM role/user/root ARN, or a service principal
    (``cloudwatch.amazonaws.com``, ``events.amazonaws.com``) limited to ``source_arns``."""

    principal: str
    source_arns: Sequence[pulumi.Input[str]] = ()

    @property
    def is_service(self) -> bool:
        return self.principal.endswith(".amazonaws.com")


@dataclass(frozen=True, kw_only=True)
class SubscriberSpec:
    """One subscriber queue: ``name`` (lower-case, used in resource names), the filter policy
    SNS applies before delivery (``None`` delivers everything), what it filters on, and
    whether SNS delivers the raw message instead of its JSON envelope."""

    name: str
    filter_policy: Mapping[str, Any] | None = None
    filter_policy_scope: FilterPolicyScope = FilterPolicyScope.MESSAGE_ATTRIBUTES
    raw_message_delivery: bool = True
    visibility_timeout_seconds: int = 30
    max_receive_count: int = 3

    def filter_policy_json(self) -> str | None:
        """The filter policy exactly as the subscription carries it."""
        if self.filter_policy is None:
            return None
        return json.dumps(self.filter_policy, sort_keys=True)


@dataclass(frozen=True, kw_only=True)
class FanOutTopicArgs:
    """Arguments of ``FanOutTopic``.

    Args:
        subscribers: one ``SubscriberSpec`` per subscriber queue (at least one, unique names).
        publishers: the only principals the topic policy lets publish (at least one).
        fifo: a FIFO topic; its subscriber queues and subscription DLQs are FIFO too.
        content_based_deduplication: FIFO only; SNS derives the deduplication id from the body.
        delivery_status_sample_rate: percentage of successful SQS deliveries logged (0..100);
            failures are always logged.
        tags: extra tags, merged over the context's required tags.
    """

    subscribers: Sequence[SubscriberSpec]
    publishers: Sequence[Publisher]
    fifo: bool = False
    content_based_deduplication: bool = False
    delivery_status_sample_rate: int = 100
    tags: Mapping[str, str] = field(default_factory=dict)


def _subscriber_queue_args(
    args: FanOutTopicArgs,
    sub: SubscriberSpec,
    producers: Sequence[QueueProducer],
    key: CustomerManagedKey | None,
) -> QueueWithDeadLetterArgs:
    return QueueWithDeadLetterArgs(
        visibility_timeout_seconds=sub.visibility_timeout_seconds,
        max_receive_count=sub.max_receive_count,
        fifo=args.fifo,
        producers=producers,
        kms_key=key,
        tags=args.tags,
    )


def _subscriber_queue_problems(
    p: ProblemCollector, args: FanOutTopicArgs, context: PlatformContext
) -> None:
    """What each subscriber's ``QueueWithDeadLetter`` would refuse, named by the subscriber's
    field (the topic is the only producer and the component makes the key, so neither is the
    caller's)."""
    for sub in args.subscribers:
        where = f"subscribers[{sub.name}]"
        p.adopt(
            "QueueWithDeadLetter",
            queue_problems(_subscriber_queue_args(args, sub, (), None), context),
            {
                "visibility_timeout_seconds": f"{where}.visibility_timeout_seconds",
                "max_receive_count": f"{where}.max_receive_count",
                "fifo": "fifo",
                "tags": "tags",
            },
        )


def _validate(args: FanOutTopicArgs, context: PlatformContext) -> dict[str, str]:
    """Raise one error naming every bad field, the subscriber queues' included; return the
    merged tags."""
    p = ProblemCollector(COMPONENT)
    args = typed_args(p, args, FanOutTopicArgs)
    with p.checking():
        p.check(bool(args.subscribers), "subscribers: at least one subscriber is required")
        p.check(bool(args.publishers), "publishers: at least one publisher is required")
        p.check(
            args.fifo or not args.content_based_deduplication,
            "content_based_deduplication: only valid on a FIFO topic (set fifo=True)",
        )
        p.check(
            0 <= args.delivery_status_sample_rate <= 100,
            f"delivery_status_sample_rate: must be 0..100, got {args.delivery_status_sample_rate}",
        )
        seen: set[str] = set()
        for sub in args.subscribers:
            where = f"subscribers[{sub.name}]"
            p.check(
                bool(CHILD_LABEL.match(sub.name)),
                f"{where}.name: must be 1-40 lower-case letters, digits or '-', starting with a "
                "letter",
            )
            p.check(sub.name not in seen, f"{where}.name: duplicate subscriber name")
            seen.add(sub.name)
            p.check(
                isinstance(sub.filter_policy_scope, FilterPolicyScope),
                f"{where}.filter_policy_scope: must be a FilterPolicyScope",
            )
            if sub.filter_policy is not None and isinstance(
                sub.filter_policy_scope, FilterPolicyScope
            ):
                p.extend(
                    f"{where}.{problem}"
                    for problem in filter_policy_problems(
                        sub.filter_policy, sub.filter_policy_scope
                    )
                )
        for index, publisher in enumerate(args.publishers):
            where = f"publishers[{index}]"
            if publisher.is_service:
                p.check(
                    publisher.principal in PUBLISHER_SERVICES,
                    f"{where}.principal: service {publisher.principal!r} is not supported "
                    f"(supported: {', '.join(sorted(PUBLISHER_SERVICES))})",
                )
                p.check(
                    bool(publisher.source_arns),
                    f"{where}.source_arns: a service principal needs the ARNs it publishes from "
                    "(aws:SourceArn), or any resource of that service could publish",
                )
            else:
                p.check(
                    bool(
                        ACCOUNT_ID.match(publisher.principal)
                        or IAM_PRINCIPAL_ARN.match(publisher.principal)
                    ),
                    f"{where}.principal: must be a 12-digit account id, an IAM root/role/user ARN "
                    f"or a service principal, got {publisher.principal!r}",
                )
                p.check(
                    not publisher.source_arns,
                    f"{where}.source_arns: only service principals take source ARNs",
                )
        _subscriber_queue_problems(p, args, context)
        tags = checked_tags(p, context.tags, args.tags)
    p.raise_if_any()
    return tags


def _aws_principal(principal: str, partition: str) -> str:
    if ACCOUNT_ID.match(principal):
        return f"arn:{partition}:iam::{principal}:root"
    return principal


def topic_policy(
    topic_arn: str,
    partition: str,
    publishers: Sequence[tuple[str, Sequence[str]]],
) -> dict[str, Any]:
    """The topic's resource policy: requests without TLS are denied, and only ``publishers``
    (``(principal, source ARNs)``) may ``sns:Publish``; service principals only from their
    source ARNs. A pure function: statement order follows ``publishers``."""
    statements: list[dict[str, Any]] = [
        {
            "Sid": "DenyInsecureTransport",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "sns:Publish",
            "Resource": topic_arn,
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        }
    ]
    accounts = sorted(
        {_aws_principal(principal, partition) for principal, arns in publishers if not arns}
    )
    if accounts:
        statements.append(
            {
                "Sid": "AllowNamedPrincipalsToPublish",
                "Effect": "Allow",
                "Principal": {"AWS": accounts},
                "Action": "sns:Publish",
                "Resource": topic_arn,
            }
        )
    for principal, arns in publishers:
        if arns:
            statements.append(
                {
                    "Sid": "Allow" + principal.split(".")[0].capitalize() + "ToPublish",
                    "Effect": "Allow",
                    "Principal": {"Service": principal},
                    "Action": "sns:Publish",
                    "Resource": topic_arn,
                    "Condition": {"ArnLike": {"aws:SourceArn": sorted(set(arns))}},
                }
            )
    return {"Version": "2012-10-17", "Statement": statements}


def _publisher_pair(publisher: Publisher) -> pulumi.Output[tuple[str, list[str]]]:
    principal = publisher.principal
    return pulumi.Output.all(*publisher.source_arns).apply(lambda arns: (principal, list(arns)))


class FanOutTopic(pulumi.ComponentResource):
    """An SNS topic under a customer-managed key whose policy admits only named publishers over
    TLS, fanned out to one ``QueueWithDeadLetter`` per subscriber through filtered
    subscriptions with their own delivery DLQ, SQS delivery-status logging and alarms.

    Outputs: ``topic_arn``, ``topic_name``, ``subscriber_queues`` (name ->
    ``QueueWithDeadLetter``, for an ``IdempotentQueueConsumer``), ``subscription_dlq_urls``.
    """

    topic: aws.sns.Topic
    topic_arn: pulumi.Output[str]
    topic_name: pulumi.Output[str]
    subscriber_queues: dict[str, QueueWithDeadLetter]
    subscriptions: dict[str, aws.sns.TopicSubscription]
    subscription_dlq_urls: dict[str, pulumi.Output[str]]
    alarms: list[aws.cloudwatch.MetricAlarm]

    def __init__(
        self,
        name: str,
        context: PlatformContext,
        args: FanOutTopicArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        tags = _validate(args, context)
        super().__init__(f"platform:messaging:{COMPONENT}", name, None, opts)
        record_component_path(self, opts)
        child = pulumi.ResourceOptions(parent=self)
        invoke = pulumi.InvokeOptions(parent=self)
        partition = aws.get_partition_output(opts=invoke).partition

        topic_name = physical_name(context, name, Service.SNS_TOPIC, fifo=args.fifo, within=self)
        topic_uses = {KeyUse.SNS, KeyUse.LOGS} | {
            PUBLISHER_SERVICES[p.principal] for p in args.publishers if p.is_service
        }
        self.topic_key = CustomerManagedKey(
            f"{name}-topic-key", context, uses=topic_uses, opts=child
        )
        # A separate key for the queues: the topic key's policy never needs the queues' ARNs
        # and the queues' key never needs the topic's, so neither waits for the other.
        self.subscriber_key = CustomerManagedKey(
            f"{name}-subscriber-key",
            context,
            uses={KeyUse.SQS, KeyUse.SQS_FROM_SNS},
            opts=child,
        )

        self.delivery_status_logging = create_delivery_status_logging(
            name,
            context,
            [LoggedTopic(label=name, topic_name=topic_name, kms_key_arn=self.topic_key.arn)],
            tags=tags,
            parent=self,
        )
        self.delivery_status_role = self.delivery_status_logging.role

        fifo_args: dict[str, Any] = (
            {"fifo_topic": True, "content_based_deduplication": args.content_based_deduplication}
            if args.fifo
            else {}
        )
        self.topic = aws.sns.Topic(
            f"{name}-topic",
            name=topic_name,
            kms_master_key_id=self.topic_key.arn,
            tags=tags,
            **feedback_args(
                DeliveryProtocol.SQS,
                self.delivery_status_role.arn,
                args.delivery_status_sample_rate,
            ),
            **fifo_args,
            opts=pulumi.ResourceOptions(
                parent=self, depends_on=[self.delivery_status_logging.attachment]
            ),
        )
        publisher_pairs = [_publisher_pair(p) for p in args.publishers]
        aws.sns.TopicPolicy(
            f"{name}-topic-policy",
            arn=self.topic.arn,
            policy=pulumi.Output.all(self.topic.arn, partition, *publisher_pairs).apply(
                lambda v: json.dumps(topic_policy(v[0], v[1], v[2:]), sort_keys=True)
            ),
            opts=child,
        )

        self.subscriber_queues = {}
        self.subscriptions = {}
        self.subscription_dlq_urls = {}
        self.alarms = []
        producer = QueueProducer.sns_topic(self.topic.arn)
        for sub in args.subscribers:
            queue = QueueWithDeadLetter(
                f"{name}-{sub.name}",
                context,
                _subscriber_queue_args(args, sub, [producer], self.subscriber_key),
                opts=child,
            )
            dlq = create_delivery_dlq(
                f"{name}-{sub.name}-delivery-dlq",
                context,
                producer=producer,
                kms_key=self.subscriber_key,
                tags=tags,
                runbook_page=RUNBOOK_PAGE,
                runbook_anchor="failed-notifications",
                parent=self,
                fifo=args.fifo,
            )
            self.subscriptions[sub.name] = aws.sns.TopicSubscription(
                f"{name}-{sub.name}-subscription",
                topic=self.topic.arn,
                protocol="sqs",
                endpoint=queue.queue_arn,
                raw_message_delivery=sub.raw_message_delivery,
                filter_policy=sub.filter_policy_json(),
                filter_policy_scope=(
                    str(sub.filter_policy_scope) if sub.filter_policy is not None else None
                ),
                redrive_policy=dlq.queue.arn.apply(
                    lambda arn: json.dumps({"deadLetterTargetArn": arn})
                ),
                opts=pulumi.ResourceOptions(parent=self, depends_on=[queue, dlq.policy]),
            )
            self.subscriber_queues[sub.name] = queue
            self.subscription_dlq_urls[sub.name] = dlq.queue.url
            self.alarms.append(dlq.alarm)

        self.alarms.append(
            create_alarm(
                f"{name}-failed-notifications",
                context,
                AlarmSpec(
                    description="SNS failed to deliver notifications to subscriber queues.",
                    namespace="AWS/SNS",
                    metric_name="NumberOfNotificationsFailed",
                    dimensions={"TopicName": self.topic.name},
                    statistic="Sum",
                    comparison="GreaterThanThreshold",
                    threshold=0,
                    period_seconds=300,
                    evaluation_periods=1,
                    treat_missing_data="notBreaching",
                    severity=Severity.P2,
                    runbook_page=RUNBOOK_PAGE,
                    runbook_anchor="failed-notifications",
                ),
                opts=child,
            )
        )

        self.topic_arn = self.topic.arn
        self.topic_name = self.topic.name
        self.register_outputs(
            {
                "topic_arn": self.topic_arn,
                "topic_name": self.topic_name,
                "subscriber_queue_urls": {
                    k: q.queue_url for k, q in self.subscriber_queues.items()
                },
                "subscription_dlq_urls": self.subscription_dlq_urls,
            }
        )
