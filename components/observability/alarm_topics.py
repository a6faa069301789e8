"""``AlarmTopics``: one encrypted SNS topic per alarm severity.

A component rather than a core block because each topic with subscribers keeps what it could not
deliver in a delivery dead-letter queue (``components.messaging.delivery_dlq``).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Literal

import pulumi
import pulumi_aws as aws

from components.core.context import PlatformContext
from components.core.errors import ProblemCollector
from components.core.iam import Statement, policy_document
from components.core.kms import CustomerManagedKey, KeyUse
from components.core.naming import Service, physical_name, record_component_path
from components.core.settings import StackSettings
from components.core.severity import Severity
from components.messaging.delivery_dlq import create_delivery_dlq
from components.messaging.delivery_status_logging import (
    DeliveryProtocol,
    DeliveryStatusLogging,
    LoggedTopic,
    create_delivery_status_logging,
    feedback_args,
)
from components.messaging.queue_with_dead_letter import QueueProducer


@dataclass(frozen=True, kw_only=True)
class AlarmSubscription:
    """An email or HTTPS endpoint notified for some severities (all by default)."""

    protocol: Literal["email", "https"]
    endpoint: str
    severities: Collection[Severity] = frozenset(Severity)


@dataclass(frozen=True, kw_only=True)
class AlarmTopicsArgs:
    """Arguments of ``AlarmTopics``; only CloudWatch alarms of this account and the account's
    own principals may publish unless an ``allow_*`` flag admits more.

    Args:
        subscriptions: email/HTTPS endpoints and the severities each is notified of.
        allow_eventbridge: EventBridge rules of this account may publish too (adds
            ``KeyUse.SNS_FROM_EVENTS`` to each topic's key).
        allow_autoscaling: Auto Scaling group notifications (``aws.autoscaling.Notification``,
            e.g. ``GoldenAmiAsgArgs.notification_topic_arn``) may reach the topics: adds
            ``KeyUse.SNS_FROM_AUTOSCALING`` to each topic's key, since Auto Scaling publishes
            as its service-linked role ``AWSServiceRoleForAutoScaling`` (an account principal
            the topic policy already admits). KMS refuses a policy naming a missing role: the
            keys depend on the role when the context carries it
            (``PlatformContext.with_autoscaling_role``).
        severities: the severities that get a topic (default all).
    """

    subscriptions: Sequence[AlarmSubscription] = ()
    allow_eventbridge: bool = False
    allow_autoscaling: bool = False
    severities: Collection[Severity] = field(default_factory=lambda: frozenset(Severity))

    @classmethod
    def from_settings(
        cls, settings: StackSettings, *, allow_autoscaling: bool = False
    ) -> AlarmTopicsArgs:
        """Email/HTTPS subscriptions from the stack's ``alarmEmail``/``alarmHttpsEndpoint``."""
        subscriptions: list[AlarmSubscription] = []
        if settings.alarm_email:
            subscriptions.append(AlarmSubscription(protocol="email", endpoint=settings.alarm_email))
        if settings.alarm_https_endpoint:
            subscriptions.append(
                AlarmSubscription(protocol="https", endpoint=settings.alarm_https_endpoint)
            )
        return cls(subscriptions=tuple(subscriptions), allow_autoscaling=allow_autoscaling)

    def logged_severities(self) -> frozenset[Severity]:
        """Topics with an HTTPS subscription: SNS logs HTTP/S delivery status, never email's."""
        return frozenset(
            severity
            for sub in self.subscriptions
            if sub.protocol == "https"
            for severity in sub.severities
            if severity in self.severities
        )

    def validate(self) -> None:
        p = ProblemCollector("AlarmTopics")
        p.check(bool(self.severities), "severities: at least one severity")
        for index, sub in enumerate(self.subscriptions):
            where = f"subscriptions[{index}]"
            p.check(sub.protocol in ("email", "https"), f"{where}.protocol: email or https")
            if sub.protocol == "email":
                p.check("@" in sub.endpoint, f"{where}.endpoint: not an email address")
            else:
                p.check(sub.endpoint.startswith("https://"), f"{where}.endpoint: needs https://")
            missing = set(sub.severities) - set(self.severities)
            p.check(
                not missing,
                f"{where}.severities: {', '.join(sorted(missing))} have no topic here",
            )
        p.raise_if_any()


def topic_policy(
    topic_arn: pulumi.Input[str],
    account_id: pulumi.Input[str],
    partition: pulumi.Input[str],
    *,
    allow_eventbridge: bool,
) -> pulumi.Output[str]:
    """Publish for CloudWatch (this account), the account itself, optionally EventBridge;
    deny every request that does not use TLS."""
    root = pulumi.Output.concat("arn:", partition, ":iam::", account_id, ":root")
    source = {"StringEquals": {"aws:SourceAccount": account_id}}
    statements = [
        Statement(
            ["sns:Publish"],
            [topic_arn],
            source,
            sid="AllowCloudWatchAlarms",
            principals={"Service": ["cloudwatch.amazonaws.com"]},
        ),
        Statement(["sns:Publish"], [topic_arn], sid="AllowAccount", principals={"AWS": [root]}),
    ]
    if allow_eventbridge:
        statements.append(
            Statement(
                ["sns:Publish"],
                [topic_arn],
                source,
                sid="AllowEventBridgeRules",
                principals={"Service": ["events.amazonaws.com"]},
            )
        )
    statements.append(
        Statement(
            ["sns:Publish"],
            [topic_arn],
            {"Bool": {"aws:SecureTransport": "false"}},
            effect="Deny",
            sid="DenyInsecureTransport",
            principals="*",
        )
    )
    return policy_document(statements, component="AlarmTopics")


class AlarmTopics(pulumi.ComponentResource):
    """One SNS topic per severity, each encrypted with its own ``CustomerManagedKey``.

    Topics with an HTTPS subscription log its delivery status (``delivery_status_logging``:
    one role, two encrypted log groups per such topic). Email, the other protocol, has no
    delivery-status logging in SNS; what it cannot deliver lands in the delivery DLQ.

    ``arns`` maps each severity to its topic ARN: pass it to ``context.with_alarm_topics``.
    """

    TYPE = "platform:observability:AlarmTopics"

    def __init__(
        self,
        name: str,
        context: PlatformContext,
        args: AlarmTopicsArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        args = args or AlarmTopicsArgs()
        args.validate()
        super().__init__(self.TYPE, name, None, opts)
        record_component_path(self, opts)
        child = pulumi.ResourceOptions(parent=self)
        invoke = pulumi.InvokeOptions(parent=self)
        account_id = aws.get_caller_identity_output(opts=invoke).account_id
        partition = aws.get_partition_output(opts=invoke).partition
        uses = {KeyUse.SNS_FROM_CLOUDWATCH}
        if args.allow_eventbridge:
            uses.add(KeyUse.SNS_FROM_EVENTS)
        if args.allow_autoscaling:
            uses.add(KeyUse.SNS_FROM_AUTOSCALING)
        logged = args.logged_severities()

        self._dlq_key: CustomerManagedKey | None = None
        self.keys: dict[Severity, CustomerManagedKey] = {}
        self.topics: dict[Severity, aws.sns.Topic] = {}
        self.arns: dict[Severity, pulumi.Output[str]] = {}
        severities = sorted(args.severities)
        topic_names: dict[Severity, str] = {}
        for severity in severities:
            label = f"{name}-{severity.value.lower()}"
            topic_names[severity] = physical_name(context, label, Service.SNS_TOPIC, within=self)
            self.keys[severity] = CustomerManagedKey(
                f"{label}-key",
                context,
                uses | {KeyUse.LOGS} if severity in logged else uses,
                child,
                description=f"{context.name_prefix} {severity.value} alarm topic",
            )
        self.delivery_status_logging: DeliveryStatusLogging | None = None
        if logged:
            self.delivery_status_logging = create_delivery_status_logging(
                name,
                context,
                [
                    LoggedTopic(
                        label=f"{name}-{severity.value.lower()}",
                        topic_name=topic_names[severity],
                        kms_key_arn=self.keys[severity].arn,
                    )
                    for severity in severities
                    if severity in logged
                ],
                tags=context.tags,
                parent=self,
            )
        for severity in severities:
            label = f"{name}-{severity.value.lower()}"
            logging = self.delivery_status_logging if severity in logged else None
            topic = aws.sns.Topic(
                label,
                name=topic_names[severity],
                display_name=f"{context.name_prefix} {severity.value} alarms",
                kms_master_key_id=self.keys[severity].arn,
                tags={**context.tags, "Severity": severity.value},
                **(
                    feedback_args(DeliveryProtocol.HTTP, logging.role.arn, 100)
                    if logging is not None
                    else {}
                ),
                opts=pulumi.ResourceOptions(
                    parent=self, depends_on=[logging.attachment] if logging is not None else []
                ),
            )
            aws.sns.TopicPolicy(
                f"{label}-policy",
                arn=topic.arn,
                policy=topic_policy(
                    topic.arn, account_id, partition, allow_eventbridge=args.allow_eventbridge
                ),
                opts=child,
            )
            self.topics[severity] = topic
            self.arns[severity] = topic.arn
        # The delivery DLQs' alarms notify these very topics.
        notified = context.with_alarm_topics(self.arns)
        for severity, topic in self.topics.items():
            self._subscribe(f"{name}-{severity.value.lower()}", notified, args, severity, topic)
        self.register_outputs({f"{s.value.lower()}Arn": arn for s, arn in self.arns.items()})

    def _subscribe(
        self,
        label: str,
        context: PlatformContext,
        args: AlarmTopicsArgs,
        severity: Severity,
        topic: aws.sns.Topic,
    ) -> None:
        """The topic's subscriptions, with a delivery DLQ when it has any."""
        child = pulumi.ResourceOptions(parent=self)
        subscriptions = [
            (index, sub)
            for index, sub in enumerate(args.subscriptions)
            if severity in sub.severities
        ]
        if not subscriptions:
            return
        # SNS keeps notifications it could not deliver (bounces, endpoint errors).
        delivery_dlq = create_delivery_dlq(
            f"{label}-delivery-dlq",
            context,
            producer=QueueProducer.sns_topic(topic.arn),
            kms_key=self._delivery_dlq_key(label.rsplit("-", 1)[0], context, child),
            tags=context.tags,
            runbook_page="dlq",
            runbook_anchor="dlq-has-messages",
            parent=self,
        )
        redrive = delivery_dlq.queue.arn.apply(lambda arn: json.dumps({"deadLetterTargetArn": arn}))
        for index, sub in subscriptions:
            aws.sns.TopicSubscription(
                f"{label}-{sub.protocol}-{index}",
                topic=topic.arn,
                protocol=sub.protocol,
                endpoint=sub.endpoint,
                redrive_policy=redrive,
                opts=child,
            )

    def _delivery_dlq_key(
        self, name: str, context: PlatformContext, child: pulumi.ResourceOptions
    ) -> CustomerManagedKey:
        """The one key of every delivery DLQ of these topics, created on first use."""
        if self._dlq_key is None:
            self._dlq_key = CustomerManagedKey(
                f"{name}-delivery-dlq-key",
                context,
                {KeyUse.SQS, KeyUse.SQS_FROM_SNS},
                child,
                description=f"{context.name_prefix} alarm delivery dead-letter queues",
            )
        return self._dlq_key
