"""ArchivedEventBus: an encrypted custom EventBridge bus with an archive, a bus policy and rules
whose targets retry, dead-letter and alarm."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import pulumi
import pulumi_aws as aws

from components.core.alarms import AlarmSpec, create_alarm
from components.core.arg_types import typed_args
from components.core.context import PlatformContext
from components.core.errors import ProblemCollector
from components.core.iam import attach_managed_policy, service_trust_policy
from components.core.kms import CustomerManagedKey, KeyUse
from components.core.lifecycle import state_options
from components.core.naming import Service, physical_name, record_component_path
from components.core.settings import StateKind
from components.core.severity import Severity
from components.core.tags import checked_tags
from components.events.event_pattern import event_pattern_problems
from components.messaging.delivery_dlq import create_delivery_dlq
from components.messaging.queue_with_dead_letter import (
    QueueProducer,
    QueueWithDeadLetter,
    QueueWithDeadLetterArgs,
)
from components.messaging.queue_with_dead_letter import problems as queue_problems

__all__ = [
    "ArchivedEventBus",
    "ArchivedEventBusArgs",
    "InputTransformer",
    "ManagedQueueTarget",
    "RetryPolicy",
    "RuleSpec",
    "TargetKind",
    "TargetSpec",
    "bus_policy",
    "put_events_role_policy",
]

COMPONENT = "ArchivedEventBus"
RUNBOOK_PAGE = "replay"
MAX_EVENT_AGE_SECONDS = 86_400
MIN_EVENT_AGE_SECONDS = 60
MAX_RETRY_ATTEMPTS = 185
MAX_TARGETS_PER_RULE = 5
_NAME = re.compile(r"^[a-z][a-z0-9-]{0,39}$")
_ACCOUNT_ID = re.compile(r"^\d{12}$")
_IAM_ARN = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:(root|role/.+|user/.+)$")


class TargetKind(StrEnum):
    """What a target is; decides the permission the component adds for the rule."""

    SQS = "sqs"  # a queue made elsewhere: its queue policy must admit this rule's ARN
    LAMBDA = "lambda"  # gets an aws.lambda_.Permission scoped to the rule ARN
    SNS = "sns"  # a topic made elsewhere: its policy must admit events.amazonaws.com
    EVENT_BUS = "event-bus"  # gets a role allowed to events:PutEvents on that bus only


@dataclass(frozen=True, kw_only=True)
class RetryPolicy:
    """How long and how often EventBridge retries a target before dead-lettering the event.
    Seed 003: three tries, then the DLQ."""

    maximum_event_age_seconds: int = 3600
    maximum_retry_attempts: int = 3


@dataclass(frozen=True, kw_only=True)
class InputTransformer:
    """Reshape the event for the target: JSON paths by name, and the template using them."""

    input_paths: Mapping[str, str]
    input_template: str


@dataclass(frozen=True, kw_only=True)
class TargetSpec:
    """A target that exists elsewhere, by ``arn`` and ``kind``."""

    name: str
    kind: TargetKind
    arn: pulumi.Input[str]
    input_transformer: InputTransformer | None = None
    retry: RetryPolicy = field(default_factory=RetryPolicy)


@dataclass(frozen=True, kw_only=True)
class ManagedQueueTarget:
    """A target queue the component creates (a ``QueueWithDeadLetter`` whose policy admits
    this rule), exposed as ``managed_queues[name]`` for an ``IdempotentQueueConsumer``."""

    name: str
    visibility_timeout_seconds: int = 30
    max_receive_count: int = 3
    fifo: bool = False
    message_group_id: str | None = None
    input_transformer: InputTransformer | None = None
    retry: RetryPolicy = field(default_factory=RetryPolicy)


@dataclass(frozen=True, kw_only=True)
class RuleSpec:
    """A rule: its event pattern and up to five targets (external and managed queues)."""

    name: str
    event_pattern: Mapping[str, Any]
    targets: Sequence[TargetSpec] = ()
    managed_queues: Sequence[ManagedQueueTarget] = ()
    description: str | None = None

    def event_pattern_json(self) -> str:
        """The pattern exactly as the rule carries it."""
        return json.dumps(self.event_pattern, sort_keys=True)


@dataclass(frozen=True, kw_only=True)
class ArchivedEventBusArgs:
    """Arguments of ``ArchivedEventBus``.

    Args:
        rules: the bus's rules (unique names).
        allowed_publishers: account ids or IAM ARNs the bus policy admits to ``events:PutEvents``;
            empty admits only the stack's own account.
        archive: keep an archive of every event on the bus (on by default).
        retention_days: archive retention; ``None`` is the tier's ``archive_retention_days``.
            ``0`` (indefinite) only with ``allow_indefinite_retention=True``.
        archive_event_pattern: archive only matching events (default: all).
        tags: extra tags, merged over the context's required tags.
    """

    rules: Sequence[RuleSpec]
    allowed_publishers: Sequence[str] = ()
    archive: bool = True
    retention_days: int | None = None
    allow_indefinite_retention: bool = False
    archive_event_pattern: Mapping[str, Any] | None = None
    tags: Mapping[str, str] = field(default_factory=dict)


def _retry_problems(p: ProblemCollector, where: str, retry: RetryPolicy) -> None:
    p.check(
        MIN_EVENT_AGE_SECONDS <= retry.maximum_event_age_seconds <= MAX_EVENT_AGE_SECONDS,
        f"{where}.retry.maximum_event_age_seconds: must be "
        f"{MIN_EVENT_AGE_SECONDS}..{MAX_EVENT_AGE_SECONDS}, got {retry.maximum_event_age_seconds}",
    )
    p.check(
        0 <= retry.maximum_retry_attempts <= MAX_RETRY_ATTEMPTS,
        f"{where}.retry.maximum_retry_attempts: must be 0..{MAX_RETRY_ATTEMPTS}, "
        f"got {retry.maximum_retry_attempts}",
    )


def _transformer_problems(p: ProblemCollector, where: str, t: InputTransformer | None) -> None:
    if t is None:
        return
    p.check(len(t.input_paths) <= 100, f"{where}.input_transformer.input_paths: at most 100")
    for key, path in t.input_paths.items():
        p.check(
            path.startswith("$"),
            f"{where}.input_transformer.input_paths[{key}]: must be a JSON path starting with $",
        )
        p.check(
            f"<{key}>" in t.input_template,
            f"{where}.input_transformer.input_paths[{key}]: not used in input_template",
        )
    p.check(bool(t.input_template), f"{where}.input_transformer.input_template: must not be empty")


def _managed_queue_args(
    target: ManagedQueueTarget,
    producers: Sequence[QueueProducer],
    key: CustomerManagedKey | None,
    tags: Mapping[str, str],
) -> QueueWithDeadLetterArgs:
    return QueueWithDeadLetterArgs(
        visibility_timeout_seconds=target.visibility_timeout_seconds,
        max_receive_count=target.max_receive_count,
        fifo=target.fifo,
        producers=producers,
        kms_key=key,
        tags=tags,
    )


def _validate(args: ArchivedEventBusArgs, context: PlatformContext) -> tuple[int, dict[str, str]]:
    """Raise one error naming every bad field; return the archive retention and merged tags."""
    p = ProblemCollector(COMPONENT)
    args = typed_args(p, args, ArchivedEventBusArgs)
    with p.checking():
        retention = (
            context.profile.archive_retention_days
            if args.retention_days is None
            else args.retention_days
        )
        if args.archive:
            if retention == 0:
                p.check(
                    args.allow_indefinite_retention,
                    "retention_days: 0 keeps events forever; set allow_indefinite_retention=True "
                    "to mean it",
                )
            else:
                p.check(retention > 0, f"retention_days: must be positive, got {retention}")
        if args.archive_event_pattern is not None:
            p.extend(
                f"archive_{problem}"
                for problem in event_pattern_problems(args.archive_event_pattern)
            )
        for index, principal in enumerate(args.allowed_publishers):
            p.check(
                bool(_ACCOUNT_ID.match(principal) or _IAM_ARN.match(principal)),
                f"allowed_publishers[{index}]: must be a 12-digit account id or an IAM "
                f"root/role/user ARN, got {principal!r}",
            )
        rule_names: set[str] = set()
        target_names: set[tuple[str, str]] = set()
        managed_names: set[str] = set()
        for rule in args.rules:
            where = f"rules[{rule.name}]"
            p.check(
                bool(_NAME.match(rule.name)),
                f"{where}.name: must be 1-40 lower-case letters, digits or '-', starting with a "
                "letter",
            )
            p.check(rule.name not in rule_names, f"{where}.name: duplicate rule name")
            rule_names.add(rule.name)
            p.extend(f"{where}.{problem}" for problem in event_pattern_problems(rule.event_pattern))
            count = len(rule.targets) + len(rule.managed_queues)
            p.check(
                1 <= count <= MAX_TARGETS_PER_RULE,
                f"{where}: needs 1..{MAX_TARGETS_PER_RULE} targets (targets + managed_queues), "
                f"got {count}",
            )
            every: list[TargetSpec | ManagedQueueTarget] = [*rule.targets, *rule.managed_queues]
            for target in every:
                tw = f"{where}.targets[{target.name}]"
                p.check(
                    bool(_NAME.match(target.name)),
                    f"{tw}.name: must be 1-40 lower-case letters, digits or '-', "
                    "starting with a letter",
                )
                p.check(
                    (rule.name, target.name) not in target_names,
                    f"{tw}.name: duplicate target name in the rule",
                )
                target_names.add((rule.name, target.name))
                _retry_problems(p, tw, target.retry)
                _transformer_problems(p, tw, target.input_transformer)
                if isinstance(target, TargetSpec):
                    p.check(isinstance(target.kind, TargetKind), f"{tw}.kind: must be a TargetKind")
                    p.check(target.arn != "", f"{tw}.arn: must not be empty")
                else:
                    p.check(
                        target.name not in managed_names,
                        f"{tw}.name: managed queue names must be unique across the bus "
                        "(managed_queues is keyed by them)",
                    )
                    managed_names.add(target.name)
                    p.check(
                        target.fifo == (target.message_group_id is not None),
                        f"{tw}.message_group_id: required for a FIFO queue and only for one",
                    )
                    p.adopt(
                        "QueueWithDeadLetter",
                        queue_problems(_managed_queue_args(target, (), None, args.tags), context),
                        {
                            "visibility_timeout_seconds": f"{tw}.visibility_timeout_seconds",
                            "max_receive_count": f"{tw}.max_receive_count",
                            "fifo": f"{tw}.fifo",
                            "tags": "tags",
                        },
                    )
        tags = checked_tags(p, context.tags, args.tags)
    p.raise_if_any()
    return retention, tags


def _aws_principal(principal: str, partition: str) -> str:
    if _ACCOUNT_ID.match(principal):
        return f"arn:{partition}:iam::{principal}:root"
    return principal


def bus_policy(bus_arn: str, partition: str, publishers: Sequence[str]) -> dict[str, Any]:
    """The bus's resource policy: only ``publishers`` (account ids or IAM ARNs) may PutEvents."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AllowNamedPublishersToPutEvents",
                "Effect": "Allow",
                "Principal": {"AWS": sorted({_aws_principal(p, partition) for p in publishers})},
                "Action": "events:PutEvents",
                "Resource": bus_arn,
            }
        ],
    }


def put_events_role_policy(target_bus_arn: str) -> dict[str, Any]:
    """What EventBridge needs to forward a rule's events to another bus."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "PutEventsOnTargetBus",
                "Effect": "Allow",
                "Action": "events:PutEvents",
                "Resource": target_bus_arn,
            }
        ],
    }


def _transformer_args(
    t: InputTransformer | None,
) -> aws.cloudwatch.EventTargetInputTransformerArgs | None:
    if t is None:
        return None
    return aws.cloudwatch.EventTargetInputTransformerArgs(
        input_paths=dict(t.input_paths), input_template=t.input_template
    )


class ArchivedEventBus(pulumi.ComponentResource):
    """A custom event bus encrypted with a customer-managed key, its archive with a finite
    retention, a bus policy admitting only named publishers, and rules whose targets each have
    a retry policy, a DLQ and the permission the rule needs; alarms per rule.

    Outputs: ``bus_name``, ``bus_arn``, ``archive_name``, ``archive_arn`` (``None`` without an
    archive), ``bus_dlq_url`` (events the bus could not encrypt or decrypt), ``rule_arns``
    (rule name -> ARN), ``target_dlq_urls`` (``rule/target`` -> URL),
    ``managed_queues`` (target name -> ``QueueWithDeadLetter``).
    """

    bus: aws.cloudwatch.EventBus
    archive: aws.cloudwatch.EventArchive | None
    rules: dict[str, aws.cloudwatch.EventRule]
    rule_arns: dict[str, pulumi.Output[str]]
    target_dlq_urls: dict[str, pulumi.Output[str]]
    managed_queues: dict[str, QueueWithDeadLetter]
    alarms: list[aws.cloudwatch.MetricAlarm]

    def __init__(
        self,
        name: str,
        context: PlatformContext,
        args: ArchivedEventBusArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        retention, tags = _validate(args, context)
        super().__init__(f"platform:events:{COMPONENT}", name, None, opts)
        record_component_path(self, opts)
        child = pulumi.ResourceOptions(parent=self)
        invoke = pulumi.InvokeOptions(parent=self)
        account_id = aws.get_caller_identity_output(opts=invoke).account_id
        partition = aws.get_partition_output(opts=invoke).partition
        region = aws.get_region_output(opts=invoke).region

        bus_uses = (
            {KeyUse.EVENTS_BUS, KeyUse.EVENTS_ARCHIVE} if args.archive else {KeyUse.EVENTS_BUS}
        )
        self.bus_key = CustomerManagedKey(f"{name}-bus-key", context, uses=bus_uses, opts=child)
        # The bus DLQ, target DLQs and managed target queues share a key that admits EventBridge.
        self.queue_key = CustomerManagedKey(
            f"{name}-queue-key", context, uses={KeyUse.SQS, KeyUse.SQS_FROM_EVENTS}, opts=child
        )
        bus_name = physical_name(context, name, Service.EVENT_BUS, within=self)
        bus_arn = pulumi.Output.all(partition, region, account_id).apply(
            lambda v: f"arn:{v[0]}:events:{v[1]}:{v[2]}:event-bus/{bus_name}"
        )
        # With a customer-managed key, events EventBridge cannot encrypt or decrypt (a key
        # policy mistake, a disabled key) go to the bus's DLQ instead of being dropped:
        # https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-encryption-event-bus-dlq.html
        self.bus_dlq = create_delivery_dlq(
            f"{name}-bus-dlq",
            context,
            producer=QueueProducer.eventbridge_bus(bus_arn),
            kms_key=self.queue_key,
            tags=tags,
            runbook_page=RUNBOOK_PAGE,
            runbook_anchor="failed-invocations",
            parent=self,
        )
        self.bus = aws.cloudwatch.EventBus(
            f"{name}-bus",
            name=bus_name,
            kms_key_identifier=self.bus_key.arn,
            dead_letter_config=aws.cloudwatch.EventBusDeadLetterConfigArgs(
                arn=self.bus_dlq.queue.arn
            ),
            tags=tags,
            opts=child,
        )
        publishers: pulumi.Input[list[str]] = (
            list(args.allowed_publishers)
            if args.allowed_publishers
            else account_id.apply(lambda a: [a])
        )
        aws.cloudwatch.EventBusPolicy(
            f"{name}-bus-policy",
            event_bus_name=self.bus.name,
            policy=pulumi.Output.all(self.bus.arn, partition, publishers).apply(
                lambda v: json.dumps(bus_policy(v[0], v[1], v[2]), sort_keys=True)
            ),
            opts=child,
        )
        self.archive = None
        if args.archive:
            self.archive = aws.cloudwatch.EventArchive(
                f"{name}-archive",
                name=physical_name(context, name, Service.EVENT_ARCHIVE, within=self),
                event_source_arn=self.bus.arn,
                retention_days=retention,
                kms_key_identifier=self.bus_key.arn,
                event_pattern=(
                    json.dumps(args.archive_event_pattern, sort_keys=True)
                    if args.archive_event_pattern is not None
                    else None
                ),
                opts=state_options(context, StateKind.ARCHIVE, self),
            )

        self._extra_tags = dict(args.tags)
        self.rules = {}
        self.rule_arns = {}
        self.target_dlq_urls = {}
        self.managed_queues = {}
        self.alarms = [self.bus_dlq.alarm]
        for rule_spec in args.rules:
            self._add_rule(name, context, rule_spec, tags, account_id)

        self.bus_name: pulumi.Output[str] = self.bus.name
        self.bus_arn: pulumi.Output[str] = self.bus.arn
        self.bus_dlq_url: pulumi.Output[str] = self.bus_dlq.queue.url
        self.archive_name: pulumi.Output[str] | None = self.archive.name if self.archive else None
        self.archive_arn: pulumi.Output[str] | None = self.archive.arn if self.archive else None
        self.register_outputs(
            {
                "bus_name": self.bus_name,
                "bus_arn": self.bus_arn,
                "archive_name": self.archive_name,
                "archive_arn": self.archive_arn,
                "rule_arns": self.rule_arns,
                "target_dlq_urls": self.target_dlq_urls,
                "bus_dlq_url": self.bus_dlq_url,
            }
        )

    def _add_rule(
        self,
        name: str,
        context: PlatformContext,
        spec: RuleSpec,
        tags: dict[str, str],
        account_id: pulumi.Output[str],
    ) -> None:
        child = pulumi.ResourceOptions(parent=self)
        prefix = f"{name}-{spec.name}"
        rule = aws.cloudwatch.EventRule(
            f"{prefix}-rule",
            name=physical_name(context, prefix, Service.EVENT_RULE, within=self),
            event_bus_name=self.bus.name,
            event_pattern=spec.event_pattern_json(),
            description=spec.description or f"{prefix}: routes matching events to its targets",
            tags=tags,
            opts=child,
        )
        self.rules[spec.name] = rule
        self.rule_arns[spec.name] = rule.arn
        producer = QueueProducer.eventbridge_rule(rule.arn)

        every: list[TargetSpec | ManagedQueueTarget] = [*spec.targets, *spec.managed_queues]
        for target in every:
            tprefix = f"{prefix}-{target.name}"
            dlq = create_delivery_dlq(
                f"{tprefix}-target-dlq",
                context,
                producer=producer,
                kms_key=self.queue_key,
                tags=tags,
                runbook_page=RUNBOOK_PAGE,
                runbook_anchor="failed-invocations",
                parent=self,
            )
            self.target_dlq_urls[f"{spec.name}/{target.name}"] = dlq.queue.url
            self.alarms.append(dlq.alarm)
            extra: dict[str, Any] = {}
            depends: list[pulumi.Resource] = [dlq.policy]
            if isinstance(target, ManagedQueueTarget):
                queue = QueueWithDeadLetter(
                    tprefix,
                    context,
                    _managed_queue_args(target, [producer], self.queue_key, self._extra_tags),
                    opts=child,
                )
                self.managed_queues[target.name] = queue
                arn: pulumi.Input[str] = queue.queue_arn
                depends.append(queue)
                if target.message_group_id is not None:
                    extra["sqs_target"] = aws.cloudwatch.EventTargetSqsTargetArgs(
                        message_group_id=target.message_group_id
                    )
            else:
                arn = target.arn
                if target.kind is TargetKind.LAMBDA:
                    depends.append(
                        aws.lambda_.Permission(
                            f"{tprefix}-invoke",
                            action="lambda:InvokeFunction",
                            function=target.arn,
                            principal="events.amazonaws.com",
                            source_arn=rule.arn,
                            opts=child,
                        )
                    )
                elif target.kind is TargetKind.EVENT_BUS:
                    role = aws.iam.Role(
                        f"{tprefix}-role",
                        name=physical_name(context, tprefix, Service.IAM_ROLE, within=self),
                        assume_role_policy=pulumi.Output.all(account_id, rule.arn).apply(
                            lambda v: json.dumps(
                                service_trust_policy("events.amazonaws.com", v[0], source_arn=v[1]),
                                sort_keys=True,
                            )
                        ),
                        tags=tags,
                        opts=child,
                    )
                    _, attachment = attach_managed_policy(
                        f"{tprefix}-put-events",
                        role,
                        pulumi.Output.from_input(target.arn).apply(
                            lambda a: json.dumps(put_events_role_policy(a), sort_keys=True)
                        ),
                        policy_name=physical_name(
                            context, tprefix, Service.IAM_POLICY, within=self
                        ),
                        description=f"EventBridge rule {prefix} forwards to bus {target.name}",
                        tags=tags,
                        opts=child,
                    )
                    depends.append(attachment)
                    extra["role_arn"] = role.arn
            aws.cloudwatch.EventTarget(
                f"{tprefix}-target",
                rule=rule.name,
                event_bus_name=self.bus.name,
                target_id=target.name,
                arn=arn,
                input_transformer=_transformer_args(target.input_transformer),
                retry_policy=aws.cloudwatch.EventTargetRetryPolicyArgs(
                    maximum_event_age_in_seconds=target.retry.maximum_event_age_seconds,
                    maximum_retry_attempts=target.retry.maximum_retry_attempts,
                ),
                dead_letter_config=aws.cloudwatch.EventTargetDeadLetterConfigArgs(
                    arn=dlq.queue.arn
                ),
                **extra,
                opts=pulumi.ResourceOptions(parent=self, depends_on=depends),
            )
        self.alarms.extend(self._rule_alarms(prefix, context, rule))

    def _rule_alarms(
        self, prefix: str, context: PlatformContext, rule: aws.cloudwatch.EventRule
    ) -> list[aws.cloudwatch.MetricAlarm]:
        child = pulumi.ResourceOptions(parent=self)
        # Rule metrics of a custom bus carry EventBusName and RuleName; RuleName alone means a
        # rule of the default bus, so such an alarm never gets data:
        # https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-monitoring.html
        per_rule = {"RuleName": rule.name, "EventBusName": self.bus.name}
        specs = {
            "failed-invocations": (
                "FailedInvocations",
                per_rule,
                "The rule failed to invoke a target after all retries.",
                Severity.P2,
                "failed-invocations",
            ),
            "sent-to-dlq": (
                "InvocationsSentToDlq",
                per_rule,
                "Events for the rule's targets were parked in a target DLQ.",
                Severity.P2,
                "failed-invocations",
            ),
            "dlq-delivery-failed": (
                "InvocationsFailedToBeSentToDlq",
                per_rule,
                "Events could not be parked in the target DLQ and are lost unless replayed.",
                Severity.P1,
                "dlq-delivery-failures",
            ),
            "throttled": (
                "ThrottledRules",
                per_rule,
                "The rule's target invocations are being throttled.",
                Severity.P3,
                "throttled-rules",
            ),
        }
        return [
            create_alarm(
                f"{prefix}-{suffix}",
                context,
                AlarmSpec(
                    description=description,
                    namespace="AWS/Events",
                    metric_name=metric,
                    dimensions=dimensions,
                    statistic="Sum",
                    comparison="GreaterThanThreshold",
                    threshold=0,
                    period_seconds=300,
                    evaluation_periods=1,
                    treat_missing_data="notBreaching",
                    severity=severity,
                    runbook_page=RUNBOOK_PAGE,
                    runbook_anchor=anchor,
                ),
                opts=child,
            )
            for suffix, (metric, dimensions, description, severity, anchor) in specs.items()
        ]
