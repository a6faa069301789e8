"""SNS delivery-status logging: the role SNS assumes and the log groups it writes to.

SNS logs the delivery status of a topic's HTTP/S, SQS, Lambda, Firehose and platform
application subscriptions (never email or SMS) into two log groups whose names it chooses
itself: ``sns/<region>/<account>/<topic name>`` and ``.../Failure``. Left to SNS, they would be
created unencrypted and kept forever, so each logged topic gets both groups beforehand, under a
key with ``KeyUse.LOGS`` and the tier's retention, and one role writes exactly those groups.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import pulumi
import pulumi_aws as aws

from components.core.context import PlatformContext
from components.core.iam import Statement, policy_document, service_role
from components.core.logs import encrypted_log_group
from components.core.naming import Service, physical_name

__all__ = [
    "DeliveryProtocol",
    "DeliveryStatusLogging",
    "LoggedTopic",
    "create_delivery_status_logging",
    "delivery_status_log_group_names",
    "delivery_status_statements",
    "feedback_args",
]


class DeliveryProtocol(StrEnum):
    """Subscription protocols SNS can log delivery status for (``http`` covers HTTPS)."""

    HTTP = "http"
    SQS = "sqs"
    LAMBDA = "lambda"
    FIREHOSE = "firehose"
    APPLICATION = "application"


@dataclass(frozen=True, kw_only=True)
class LoggedTopic:
    """A topic whose delivery status is logged: ``label`` prefixes its log groups' resource
    names, ``topic_name`` is its physical name, ``kms_key_arn`` (a key with ``KeyUse.LOGS``)
    encrypts its log groups."""

    label: str
    topic_name: str
    kms_key_arn: pulumi.Input[str]


@dataclass(frozen=True)
class DeliveryStatusLogging:
    """The resources of ``create_delivery_status_logging``; ``log_groups`` maps each topic's
    label to its (success, failure) log groups."""

    role: aws.iam.Role
    policy: aws.iam.Policy
    attachment: aws.iam.RolePolicyAttachment
    log_groups: Mapping[str, tuple[aws.cloudwatch.LogGroup, aws.cloudwatch.LogGroup]]


def delivery_status_log_group_names(region: str, account_id: str, topic_name: str) -> list[str]:
    """The log groups SNS writes a topic's delivery status to (success, then failure)."""
    base = f"sns/{region}/{account_id}/{topic_name}"
    return [base, f"{base}/Failure"]


def delivery_status_statements(log_group_arns: Sequence[pulumi.Input[str]]) -> list[Statement]:
    """What SNS needs to write delivery status into the (pre-created) log groups, only them."""
    return [
        Statement(
            sid="WriteDeliveryStatusLogs",
            actions=["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
            resources=[
                *log_group_arns,
                *(pulumi.Output.concat(arn, ":*") for arn in log_group_arns),
            ],
        )
    ]


def _log_group_names(values: list[str], *, topic_name: str) -> list[str]:
    return delivery_status_log_group_names(values[0], values[1], topic_name)


def feedback_args(
    protocol: DeliveryProtocol, role_arn: pulumi.Input[str], success_sample_rate: int
) -> dict[str, Any]:
    """``aws.sns.Topic`` arguments that log ``protocol`` deliveries through ``role_arn``:
    every failure, ``success_sample_rate`` percent of the successes."""
    return {
        f"{protocol.value}_success_feedback_role_arn": role_arn,
        f"{protocol.value}_failure_feedback_role_arn": role_arn,
        f"{protocol.value}_success_feedback_sample_rate": success_sample_rate,
    }


def create_delivery_status_logging(
    name: str,
    context: PlatformContext,
    topics: Sequence[LoggedTopic],
    *,
    tags: Mapping[str, str],
    parent: pulumi.Resource,
) -> DeliveryStatusLogging:
    """Register two log groups per topic and one role (``<name>-delivery-status``) SNS assumes
    to write them, with a customer-managed policy, as children of ``parent``.

    Topics must ``depends_on`` the returned ``attachment``.
    """
    invoke = pulumi.InvokeOptions(parent=parent)
    account_id = aws.get_caller_identity_output(opts=invoke).account_id
    region = aws.get_region_output(opts=invoke).region

    log_groups: dict[str, tuple[aws.cloudwatch.LogGroup, aws.cloudwatch.LogGroup]] = {}
    for topic in topics:
        names = pulumi.Output.all(region, account_id).apply(
            functools.partial(_log_group_names, topic_name=topic.topic_name)
        )
        success, failure = (
            encrypted_log_group(
                f"{topic.label}-delivery-{outcome}",
                context,
                name=names.apply(operator.itemgetter(index)),
                kms_key_arn=topic.kms_key_arn,
                retention_days=None,
                tags=tags,
                parent=parent,
            )
            for index, outcome in enumerate(("success", "failure"))
        )
        log_groups[topic.label] = (success, failure)

    arns = [group.arn for pair in log_groups.values() for group in pair]
    writer = service_role(
        f"{name}-delivery-status",
        service="sns.amazonaws.com",
        account_id=account_id,
        role_name=physical_name(context, name, Service.IAM_ROLE, suffix="sns-logs", within=parent),
        policy_resource_name=f"{name}-delivery-status-policy",
        policy_name=physical_name(
            context, name, Service.IAM_POLICY, suffix="sns-logs", within=parent
        ),
        document=policy_document(
            delivery_status_statements(arns), component="DeliveryStatusLogging"
        ),
        description=f"SNS delivery-status logs of {context.name_prefix}-{name}: write their"
        " log groups",
        tags=tags,
        opts=pulumi.ResourceOptions(parent=parent),
    )
    return DeliveryStatusLogging(
        role=writer.role, policy=writer.policy, attachment=writer.attachment, log_groups=log_groups
    )
