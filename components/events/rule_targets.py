"""One ``ArchivedEventBus`` rule: the rule, each target with its DLQ and the permission it
needs (a managed queue, a Lambda permission, a role for another bus), and the rule's alarms."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from components.core.context import PlatformContext
from components.core.iam import ServiceRole, service_role
from components.core.kms import CustomerManagedKey
from components.core.naming import Service, physical_name
from components.events.bus_alarms import RUNBOOK_PAGE, rule_alarms
from components.events.bus_args import (
    InputTransformer,
    ManagedQueueTarget,
    RuleSpec,
    TargetKind,
    TargetSpec,
    managed_queue_args,
)
from components.messaging.delivery_dlq import create_delivery_dlq
from components.messaging.queue_with_dead_letter import QueueProducer, QueueWithDeadLetter

__all__ = ["BusRule", "create_rule", "put_events_role_policy"]


@dataclass(frozen=True)
class BusRule:
    """What ``create_rule`` registered: ``target_dlq_urls`` by ``rule/target``,
    ``managed_queues`` by target name, the target DLQs' alarms then the rule's."""

    rule: aws.cloudwatch.EventRule
    target_dlq_urls: Mapping[str, pulumi.Output[str]]
    managed_queues: Mapping[str, QueueWithDeadLetter]
    alarms: list[aws.cloudwatch.MetricAlarm]


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


def create_rule(
    name: str,
    context: PlatformContext,
    spec: RuleSpec,
    *,
    bus: aws.cloudwatch.EventBus,
    queue_key: CustomerManagedKey,
    tags: dict[str, str],
    extra_tags: Mapping[str, str],
    account_id: pulumi.Output[str],
    parent: pulumi.Resource,
) -> BusRule:
    """Register rule ``spec`` of ``bus`` (resources named ``<name>-<rule>-...``) with its
    targets and alarms, as children of ``parent``.

    ``queue_key`` encrypts the target DLQs and managed queues; ``extra_tags`` are the caller's
    own tags, which a managed queue merges over the context's itself.
    """
    child = pulumi.ResourceOptions(parent=parent)
    prefix = f"{name}-{spec.name}"
    rule = aws.cloudwatch.EventRule(
        f"{prefix}-rule",
        name=physical_name(context, prefix, Service.EVENT_RULE, within=parent),
        event_bus_name=bus.name,
        event_pattern=spec.event_pattern_json(),
        description=spec.description or f"{prefix}: routes matching events to its targets",
        tags=tags,
        opts=child,
    )
    producer = QueueProducer.eventbridge_rule(rule.arn)
    target_dlq_urls: dict[str, pulumi.Output[str]] = {}
    managed_queues: dict[str, QueueWithDeadLetter] = {}
    alarms: list[aws.cloudwatch.MetricAlarm] = []

    every: list[TargetSpec | ManagedQueueTarget] = [*spec.targets, *spec.managed_queues]
    for target in every:
        tprefix = f"{prefix}-{target.name}"
        dlq = create_delivery_dlq(
            f"{tprefix}-target-dlq",
            context,
            producer=producer,
            kms_key=queue_key,
            tags=tags,
            runbook_page=RUNBOOK_PAGE,
            runbook_anchor="failed-invocations",
            parent=parent,
        )
        target_dlq_urls[f"{spec.name}/{target.name}"] = dlq.queue.url
        alarms.append(dlq.alarm)
        extra: dict[str, Any] = {}
        depends: list[pulumi.Resource] = [dlq.policy]
        if isinstance(target, ManagedQueueTarget):
            queue = QueueWithDeadLetter(
                tprefix,
                context,
                managed_queue_args(target, [producer], queue_key, dict(extra_tags)),
                opts=child,
            )
            managed_queues[target.name] = queue
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
                forwarder = _forwarding_role(
                    prefix, context, target, rule, tags, account_id, parent=parent
                )
                depends.append(forwarder.attachment)
                extra["role_arn"] = forwarder.role.arn
        aws.cloudwatch.EventTarget(
            f"{tprefix}-target",
            rule=rule.name,
            event_bus_name=bus.name,
            target_id=target.name,
            arn=arn,
            input_transformer=_transformer_args(target.input_transformer),
            retry_policy=aws.cloudwatch.EventTargetRetryPolicyArgs(
                maximum_event_age_in_seconds=target.retry.maximum_event_age_seconds,
                maximum_retry_attempts=target.retry.maximum_retry_attempts,
            ),
            dead_letter_config=aws.cloudwatch.EventTargetDeadLetterConfigArgs(arn=dlq.queue.arn),
            **extra,
            opts=pulumi.ResourceOptions(parent=parent, depends_on=depends),
        )
    alarms.extend(rule_alarms(prefix, context, rule, bus, parent=parent))
    return BusRule(
        rule=rule, target_dlq_urls=target_dlq_urls, managed_queues=managed_queues, alarms=alarms
    )


def _forwarding_role(
    prefix: str,
    context: PlatformContext,
    target: TargetSpec,
    rule: aws.cloudwatch.EventRule,
    tags: dict[str, str],
    account_id: pulumi.Output[str],
    *,
    parent: pulumi.Resource,
) -> ServiceRole:
    """The role EventBridge assumes, for this rule only, to put events on the target bus."""
    tprefix = f"{prefix}-{target.name}"
    return service_role(
        f"{tprefix}-role",
        service="events.amazonaws.com",
        account_id=account_id,
        source_arn=rule.arn,
        role_name=physical_name(context, tprefix, Service.IAM_ROLE, within=parent),
        policy_resource_name=f"{tprefix}-put-events",
        policy_name=physical_name(context, tprefix, Service.IAM_POLICY, within=parent),
        document=pulumi.Output.from_input(target.arn).apply(
            lambda a: json.dumps(put_events_role_policy(a), sort_keys=True)
        ),
        description=f"EventBridge rule {prefix} forwards to bus {target.name}",
        tags=tags,
        opts=pulumi.ResourceOptions(parent=parent),
    )
