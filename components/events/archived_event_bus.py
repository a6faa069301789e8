"""ArchivedEventBus: an encrypted custom EventBridge bus with an archive, a bus policy and rules
whose targets retry, dead-letter and alarm.

The arguments are in ``bus_args``, their checks in ``bus_validation``, each rule with its
targets in ``rule_targets`` and the rule alarms in ``bus_alarms``; the names they export are
importable from here as well.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import pulumi
import pulumi_aws as aws

from components.core.aws_values import ACCOUNT_ID
from components.core.context import PlatformContext
from components.core.kms import CustomerManagedKey, KeyUse
from components.core.lifecycle import state_options
from components.core.naming import Service, physical_name, record_component_path
from components.core.settings import StateKind
from components.events.bus_alarms import RUNBOOK_PAGE
from components.events.bus_args import (
    ArchivedEventBusArgs,
    InputTransformer,
    ManagedQueueTarget,
    RetryPolicy,
    RuleSpec,
    TargetKind,
    TargetSpec,
)
from components.events.bus_validation import (
    COMPONENT,
    MAX_EVENT_AGE_SECONDS,
    MAX_RETRY_ATTEMPTS,
    MAX_TARGETS_PER_RULE,
    MIN_EVENT_AGE_SECONDS,
    validate,
)
from components.events.rule_targets import create_rule, put_events_role_policy
from components.messaging.delivery_dlq import create_delivery_dlq
from components.messaging.queue_with_dead_letter import QueueProducer, QueueWithDeadLetter

__all__ = [
    "COMPONENT",
    "MAX_EVENT_AGE_SECONDS",
    "MAX_RETRY_ATTEMPTS",
    "MAX_TARGETS_PER_RULE",
    "MIN_EVENT_AGE_SECONDS",
    "RUNBOOK_PAGE",
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


def _aws_principal(principal: str, partition: str) -> str:
    if ACCOUNT_ID.match(principal):
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
        retention, tags = validate(args, context)
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

        self.rules = {}
        self.rule_arns = {}
        self.target_dlq_urls = {}
        self.managed_queues = {}
        self.alarms = [self.bus_dlq.alarm]
        for rule_spec in args.rules:
            built = create_rule(
                name,
                context,
                rule_spec,
                bus=self.bus,
                queue_key=self.queue_key,
                tags=tags,
                extra_tags=args.tags,
                account_id=account_id,
                parent=self,
            )
            self.rules[rule_spec.name] = built.rule
            self.rule_arns[rule_spec.name] = built.rule.arn
            self.target_dlq_urls.update(built.target_dlq_urls)
            self.managed_queues.update(built.managed_queues)
            self.alarms.extend(built.alarms)

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
