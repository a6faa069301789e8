"""Cases for the KMS rules."""

from __future__ import annotations

import json

from tests.policies.harness import UNKNOWN_BOOL, UNKNOWN_STRING, Case, out, res

KEY = "aws:kms/key:Key"
KEY_POLICY = "aws:kms/keyPolicy:KeyPolicy"
ROLE = "aws:iam/role:Role"
POLICY = "aws:iam/policy:Policy"
ROOT = "arn:aws:iam::123456789012:root"
KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/1111"


def doc(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


ADMIN = {
    "Sid": "Root",
    "Effect": "Allow",
    "Principal": {"AWS": ROOT},
    "Action": "kms:*",
    "Resource": "*",
}
PUBLIC = {"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*"}
ACCOUNT_SCOPED = {**PUBLIC, "Condition": {"StringEquals": {"kms:CallerAccount": "123456789012"}}}
GOOD_KEY = {
    "description": "orders queue encryption",
    "enableKeyRotation": True,
    "deletionWindowInDays": 30,
    "policy": doc(ADMIN),
}


def key(name: str, **changes: object) -> object:
    inputs = {**GOOD_KEY, **changes}
    return res(KEY, name, {k: v for k, v in inputs.items() if v is not None})


def iam_policy(name: str, statement: dict) -> object:
    return res(POLICY, name, {"policy": doc(statement)})


_rot = "kms-key-rotation-enabled"
_pub = "kms-key-policy-no-public-principal"
_dec = "iam-policy-no-kms-decrypt-on-all-keys"

# --- kms-key-policy-fits-integrations: keys of EventBridge buses, archives and targets
_FIT = "kms-key-policy-fits-integrations"
BUS = "aws:cloudwatch/eventBus:EventBus"
ARCHIVE = "aws:cloudwatch/eventArchive:EventArchive"
RULE = "aws:cloudwatch/eventRule:EventRule"
TARGET = "aws:cloudwatch/eventTarget:EventTarget"
QUEUE = "aws:sqs/queue:Queue"
TOPIC = "aws:sns/topic:Topic"
EVENTS = {"Service": "events.amazonaws.com"}
PRODUCER = ["kms:GenerateDataKey*", "kms:Decrypt"]
BUS_CONTEXT = {
    "ArnLike": {
        "kms:EncryptionContext:aws:events:event-bus:arn": (
            "arn:aws:events:us-east-1:123456789012:event-bus/*"
        )
    }
}
DESCRIBE = {"Effect": "Allow", "Principal": EVENTS, "Action": "kms:DescribeKey", "Resource": "*"}
BUS_CRYPTO = {
    "Effect": "Allow",
    "Principal": EVENTS,
    "Action": [*PRODUCER, "kms:ReEncrypt*"],
    "Resource": "*",
    "Condition": BUS_CONTEXT,
}
SOURCE_ACCOUNT = {"StringEquals": {"aws:SourceAccount": "123456789012"}}


def _events_to(condition: dict) -> dict:
    return {
        "Effect": "Allow",
        "Principal": EVENTS,
        "Action": PRODUCER,
        "Resource": "*",
        "Condition": condition,
    }


def _bus_stack(name: str, *statements: dict, archive: bool = True) -> list:
    bus_key = key(f"{name}-key", policy=doc(ADMIN, *statements))
    bus = res(BUS, f"{name}-bus", {"name": name, "kmsKeyIdentifier": out(bus_key, "arn")})
    resources = [bus_key, bus]
    if archive:
        resources.append(
            res(
                ARCHIVE,
                f"{name}-archive",
                {"eventSourceArn": out(bus, "arn"), "kmsKeyIdentifier": out(bus_key, "arn")},
            )
        )
    return resources


def _target_stack(name: str, kind: str, statement: dict) -> list:
    target_key = key(f"{name}-key", policy=doc(ADMIN, statement))
    dest = res(kind, name, {"kmsMasterKeyId": out(target_key, "arn")})
    rule = res(RULE, f"{name}-rule", {"eventPattern": '{"source": ["orders"]}'})
    target = res(TARGET, f"{name}-target", {"rule": out(rule, "name"), "arn": out(dest, "arn")})
    return [target_key, dest, rule, target]


SQS_CONTEXT = {"ArnLike": {"kms:EncryptionContext:aws:sqs:arn": "arn:aws:sqs:us-east-1:1:*"}}
SNS_CONTEXT = {"ArnLike": {"kms:EncryptionContext:aws:sns:topicArn": "arn:aws:sns:*"}}
_GOOD_BUS = _bus_stack("good", DESCRIBE, BUS_CRYPTO)
_NO_DESCRIBE = _bus_stack("no-describe", BUS_CRYPTO)
_DESCRIBE_UNDER_CONTEXT = _bus_stack(
    "describe-in-context", {**BUS_CRYPTO, "Action": ["kms:DescribeKey", *PRODUCER]}, archive=False
)
_ARCHIVE_NO_REENCRYPT = _bus_stack("no-reencrypt", DESCRIBE, {**BUS_CRYPTO, "Action": PRODUCER})
_SQS_SOURCE_ACCOUNT = _target_stack("sqs-source-account", QUEUE, _events_to(SOURCE_ACCOUNT))
_SNS_SOURCE_ARN = _target_stack(
    "sns-source-arn",
    TOPIC,
    _events_to({"ArnEquals": {"aws:SourceArn": "arn:aws:events:us-east-1:1:rule/x"}}),
)
_BUS_DLQ_KEY = key("bus-dlq-key", policy=doc(ADMIN, _events_to(SOURCE_ACCOUNT)))
_BUS_DLQ = res(QUEUE, "bus-dlq", {"kmsMasterKeyId": out(_BUS_DLQ_KEY, "arn")})
_INTEGRATION_CASES = [
    Case.passes(_FIT, *_GOOD_BUS, label="bus-and-archive"),
    Case.passes(_FIT, *_target_stack("sqs-context", QUEUE, _events_to(SQS_CONTEXT))),
    Case.passes(_FIT, *_target_stack("sns-context", TOPIC, _events_to(SNS_CONTEXT))),
    Case.fails(_FIT, *_NO_DESCRIBE, on=_NO_DESCRIBE[0], label="no-describe-key"),
    Case.fails(
        _FIT, *_DESCRIBE_UNDER_CONTEXT, on=_DESCRIBE_UNDER_CONTEXT[0], label="describe-in-context"
    ),
    Case.fails(_FIT, *_ARCHIVE_NO_REENCRYPT, on=_ARCHIVE_NO_REENCRYPT[0], label="no-reencrypt"),
    Case.fails(_FIT, *_SQS_SOURCE_ACCOUNT, on=_SQS_SOURCE_ACCOUNT[0], label="sqs-source-account"),
    Case.fails(_FIT, *_SNS_SOURCE_ARN, on=_SNS_SOURCE_ARN[0], label="sns-source-arn"),
    Case.fails(
        _FIT,
        _BUS_DLQ_KEY,
        _BUS_DLQ,
        res(
            BUS,
            "with-dlq-bus",
            {
                "kmsKeyIdentifier": out(_GOOD_BUS[0], "arn"),
                "deadLetterConfig": {"arn": out(_BUS_DLQ, "arn")},
            },
        ),
        _GOOD_BUS[0],
        on=_BUS_DLQ_KEY,
        label="bus-dlq-source-account",
    ),
]

CASES = [
    Case.passes(_rot, key("rotating")),
    Case.passes(
        _rot,
        key(
            "asymmetric",
            enableKeyRotation=None,
            customerMasterKeySpec="RSA_2048",
            keyUsage="SIGN_VERIFY",
        ),
    ),
    Case.passes(_rot, key("rotation-unknown", enableKeyRotation=UNKNOWN_BOOL)),
    Case.fails(_rot, key("default-off", enableKeyRotation=None)),
    Case.fails(_rot, key("off", enableKeyRotation=False)),
    Case.passes(_pub, key("account-only")),
    Case.passes(_pub, key("caller-account", policy=doc(ADMIN, ACCOUNT_SCOPED))),
    Case.passes(_pub, key("policy-unknown", policy=UNKNOWN_STRING)),
    Case.fails(_pub, key("star-string", policy=doc(ADMIN, PUBLIC))),
    Case.fails(
        _pub, key("star-aws-dict", policy={"Statement": [{**PUBLIC, "Principal": {"AWS": "*"}}]})
    ),
    Case.fails(_pub, res(KEY_POLICY, "separate", {"keyId": "k", "policy": doc(PUBLIC)})),
    Case.passes("kms-key-policy-explicit", key("explicit")),
    Case.passes("kms-key-policy-explicit", key("unknown-policy", policy=UNKNOWN_STRING)),
    Case.fails("kms-key-policy-explicit", key("default-policy", policy=None)),
    Case.passes("kms-key-enabled", key("enabled", isEnabled=True)),
    Case.passes("kms-key-enabled", key("default-enabled")),
    Case.fails("kms-key-enabled", key("disabled", isEnabled=False)),
    Case.passes("kms-key-deletion-window", key("thirty")),
    Case.passes("kms-key-deletion-window", key("unset", deletionWindowInDays=None)),
    Case.fails("kms-key-deletion-window", key("five", deletionWindowInDays=5)),
    Case.passes("kms-key-no-bypass-policy-lockout-check", key("safe")),
    Case.fails(
        "kms-key-no-bypass-policy-lockout-check", key("bypass", bypassPolicyLockoutSafetyCheck=True)
    ),
    Case.passes("kms-key-description", key("described")),
    Case.fails("kms-key-description", key("blank", description="  ")),
    Case.fails("kms-key-description", key("missing", description=None)),
    Case.passes(
        _dec,
        iam_policy("one-key", {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": KEY_ARN}),
    ),
    Case.passes(
        _dec, iam_policy("deny-all", {"Effect": "Deny", "Action": "kms:Decrypt", "Resource": "*"})
    ),
    Case.fails(
        _dec, iam_policy("star", {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"})
    ),
    Case.fails(
        _dec,
        iam_policy(
            "all-keys-arn",
            {
                "Effect": "Allow",
                "Action": ["kms:ReEncrypt*"],
                "Resource": "arn:aws:kms:*:123456789012:key/*",
            },
        ),
    ),
    Case.fails(
        _dec,
        res(
            ROLE,
            "inline",
            {
                "assumeRolePolicy": doc(),
                "inlinePolicies": [
                    {
                        "name": "k",
                        "policy": doc({"Effect": "Allow", "Action": "kms:*", "Resource": ["*"]}),
                    }
                ],
            },
        ),
    ),
    *_INTEGRATION_CASES,
]
