"""Cases for policies/rules/kms.py: keys, key policies, and what uses a key."""

from __future__ import annotations

import json

from tests.policies.case_documents import doc, key_policy
from tests.policies.harness import UNKNOWN_BOOL, UNKNOWN_STRING, Case, out, res

KEY = "aws:kms/key:Key"
KEY_POLICY = "aws:kms/keyPolicy:KeyPolicy"

ROOT = "arn:aws:iam::123456789012:root"


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


_rot = "kms-key-rotation-enabled"
_pub = "kms-key-policy-no-public-principal"

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
# The key's own policy fits, but a KeyPolicy resource replaces it (PutKeyPolicy: a key has
# exactly one key policy).
_REPLACED = _bus_stack("replaced", DESCRIBE, BUS_CRYPTO)
_REPLACED_POLICY = res(
    KEY_POLICY, "replaced-policy", {"keyId": out(_REPLACED[0], "keyId"), "policy": doc(ADMIN)}
)
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
    Case.fails(_FIT, *_REPLACED, _REPLACED_POLICY, on=_REPLACED[0], label="key-policy-replaced"),
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

# Fixtures of the linked-stack cases.
Q = "aws:sqs/queue:Queue"

T = "aws:sns/topic:Topic"

SUB = "aws:sns/topicSubscription:TopicSubscription"


ALERTS_TOPIC = res(T, "alerts", {})
TOPIC_ARN = out(ALERTS_TOPIC, "arn")

# --- SNS -> SQS, keys
KEY_OK = res(KEY, "queue-key", {"policy": key_policy("sns.amazonaws.com")})
KEY_NO_GRANT = res(KEY, "queue-key-bare", {"policy": key_policy()})
SUB_QUEUE = res(Q, "fanout", {"kmsMasterKeyId": out(KEY_OK, "arn")})
SUB_QUEUE_BARE_KEY = res(Q, "fanout-bare", {"kmsMasterKeyId": out(KEY_NO_GRANT, "arn")})
SUBSCRIPTION = res(
    SUB, "fanout-sub", {"topic": TOPIC_ARN, "protocol": "sqs", "endpoint": out(SUB_QUEUE, "arn")}
)
SUBSCRIPTION_BARE = res(
    SUB,
    "fanout-bare-sub",
    {"topic": TOPIC_ARN, "protocol": "sqs", "endpoint": out(SUB_QUEUE_BARE_KEY, "arn")},
)

UNUSED_KEY = res(KEY, "spare-key", {"policy": key_policy()})
AWS_KEY_QUEUE = res(Q, "aws-key-queue", {"kmsMasterKeyId": "alias/aws/sqs"})
AWS_KEY_SUB = res(
    SUB,
    "aws-key-sub",
    {"topic": TOPIC_ARN, "protocol": "sqs", "endpoint": out(AWS_KEY_QUEUE, "arn")},
)

# Fixtures of the policy-semantics cases.
ACCOUNT = "123456789012"


def key_allowing(name: str, *statements: dict) -> object:
    admin = {
        "Sid": "Admin",
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
        "Action": "kms:*",
        "Resource": "*",
    }
    return res(
        KEY,
        name,
        {"description": "orders", "enableKeyRotation": True, "policy": doc(admin, *statements)},
    )


def use_key(principal: object, condition: dict | None = None) -> dict:
    statement = {
        "Sid": "Use",
        "Effect": "Allow",
        "Principal": principal,
        "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
        "Resource": "*",
    }
    if condition:
        statement["Condition"] = condition
    return statement


_kms = "kms-key-policy-no-public-principal"

# Fixtures of the sub-block cases.
QUEUE_POLICY = "aws:sqs/queuePolicy:QueuePolicy"

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"

KEY_GRANT = "kms-key-grants-producer-service"


def rule(name: str, pattern: dict) -> object:
    return res(RULE, name, {"eventBusName": "orders", "eventPattern": json.dumps(pattern)})


_rule = rule("deliveries", {"source": ["deliveries"]})
_dlq = res(QUEUE, "deliveries-dlq", {"kmsMasterKeyId": "alias/aws/sqs"})


def _dlq_policy(queue: object, source: str | None) -> object:
    statement: dict = {
        "Effect": "Allow",
        "Principal": {"Service": "events.amazonaws.com"},
        "Action": "sqs:SendMessage",
        "Resource": out(queue, "arn"),
    }
    if source:
        statement["Condition"] = {"ArnEquals": {"aws:SourceArn": source}}
    return res(
        QUEUE_POLICY,
        f"{queue.name}-policy",
        {"queueUrl": out(queue, "url"), "policy": json.dumps({"Statement": [statement]})},
        deps={"queueUrl": [queue]},
    )


def _target(name: str, dlq: object) -> object:
    return res(
        TARGET,
        name,
        {
            "rule": out(_rule, "name"),
            "arn": "arn:aws:lambda:us-east-1:123456789012:function:deliver",
            "deadLetterConfig": {"arn": out(dlq, "arn")},
        },
        deps={"rule": [_rule], "deadLetterConfig": [dlq]},
    )


_managed_topic = res(TOPIC, "alarms-managed-key", {"kmsMasterKeyId": "alias/aws/sns"})
_managed_topic_arn_alias = res(
    TOPIC,
    "alarms-managed-key-arn",
    {"kmsMasterKeyId": "arn:aws:kms:us-east-1:123456789012:alias/aws/sns"},
)


def _alarm(name: str, topic: object, prop: str = "alarmActions") -> object:
    return res(
        ALARM,
        name,
        {
            "namespace": "AWS/SQS",
            "metricName": "ApproximateNumberOfMessagesVisible",
            "comparisonOperator": "GreaterThanThreshold",
            "threshold": 0,
            "evaluationPeriods": 1,
            "period": 60,
            "statistic": "Sum",
            prop: [out(topic, "arn")],
        },
        deps={prop: [topic]},
    )


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
    *_INTEGRATION_CASES,
    # Small linked stacks (stack rules).
    Case.passes("kms-key-grants-producer-service", ALERTS_TOPIC, KEY_OK, SUB_QUEUE, SUBSCRIPTION),
    Case.fails(
        "kms-key-grants-producer-service",
        ALERTS_TOPIC,
        KEY_NO_GRANT,
        SUB_QUEUE_BARE_KEY,
        SUBSCRIPTION_BARE,
        on=KEY_NO_GRANT,
    ),
    Case.fails(
        "kms-key-grants-producer-service",
        ALERTS_TOPIC,
        AWS_KEY_QUEUE,
        AWS_KEY_SUB,
        on=AWS_KEY_QUEUE,
        label="aws-managed-key",
    ),
    Case.passes("kms-key-unused", KEY_OK, SUB_QUEUE),
    Case.fails("kms-key-unused", KEY_OK, SUB_QUEUE, UNUSED_KEY, on=UNUSED_KEY),
    # Policy semantics: conditions judged by operator and value, resources by meaning,
    # NotAction/NotResource/NotPrincipal shapes. An evasion the pack once missed fails; a correct
    # program in an unusual form passes.
    # --- KMS: kms:ViaService alone admits every account calling through the service
    Case.fails(
        _kms,
        key_allowing(
            "via-service-only",
            use_key(
                {"AWS": "*"}, {"StringEquals": {"kms:ViaService": "sqs.us-east-1.amazonaws.com"}}
            ),
        ),
    ),
    Case.passes(
        _kms,
        key_allowing(
            "via-service-and-caller",
            use_key(
                {"AWS": "*"},
                {
                    "StringEquals": {
                        "kms:ViaService": "sqs.us-east-1.amazonaws.com",
                        "kms:CallerAccount": ACCOUNT,
                    }
                },
            ),
        ),
    ),
    Case.fails(
        _kms,
        key_allowing(
            "caller-if-exists",
            use_key({"AWS": "*"}, {"StringEqualsIfExists": {"kms:CallerAccount": ACCOUNT}}),
        ),
    ),
    # Types and sub-blocks the rules used to skip.
    Case.fails(
        KEY_GRANT,
        _dlq,
        _rule,
        _dlq_policy(_dlq, out(_rule, "arn")),
        _target("to-fn-aws-key-dlq", _dlq),
        label="dlq-aws-managed-key",
    ),
    Case.fails(
        KEY_GRANT, _managed_topic, _alarm("dlq-depth", _managed_topic), label="alarm-aws-sns-key"
    ),
    Case.fails(
        KEY_GRANT,
        _managed_topic_arn_alias,
        _alarm("dlq-depth-ok", _managed_topic_arn_alias, "okActions"),
        label="ok-action-aws-sns-key-arn",
    ),
]

# --- Variations of key policies for service integrations: Deny statements, conditions a call
# without the key still satisfies, SNS/CloudWatch edges, and encrypted log groups.
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
SNS_SERVICE = {"Service": "sns.amazonaws.com"}
LOGS_ACTIONS = [
    "kms:Encrypt*",
    "kms:Decrypt*",
    "kms:ReEncrypt*",
    "kms:GenerateDataKey*",
    "kms:Describe*",
]
LOGS_CONTEXT = {
    "ArnLike": {
        "kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:us-east-1:123456789012:log-group:*"
    }
}


def _logs_grant(service: str, condition: dict | None = LOGS_CONTEXT) -> dict:
    statement = {
        "Effect": "Allow",
        "Principal": {"Service": service},
        "Action": LOGS_ACTIONS,
        "Resource": "*",
    }
    if condition:
        statement["Condition"] = condition
    return statement


def _log_stack(name: str, *statements: dict) -> list:
    log_key = key(f"{name}-key", policy=doc(ADMIN, *statements))
    group = res(LOG_GROUP, name, {"retentionInDays": 30, "kmsKeyId": out(log_key, "arn")})
    return [log_key, group]


def _sns_stack(name: str, *statements: dict) -> list:
    queue_key = key(f"{name}-key", policy=doc(ADMIN, *statements))
    topic = res(TOPIC, f"{name}-topic", {})
    queue = res(QUEUE, name, {"kmsMasterKeyId": out(queue_key, "arn")})
    sub = res(
        SUB,
        f"{name}-sub",
        {"topic": out(topic, "arn"), "protocol": "sqs", "endpoint": out(queue, "arn")},
    )
    return [queue_key, topic, queue, sub]


SNS_GRANT = {"Effect": "Allow", "Principal": SNS_SERVICE, "Action": PRODUCER, "Resource": "*"}
DENY_ALL_BUT_ROOT = {
    "Sid": "OnlyTheAccount",
    "Effect": "Deny",
    "NotPrincipal": {"AWS": ROOT},
    "Action": "kms:*",
    "Resource": "*",
}
_DENY_DECRYPT = {"Effect": "Deny", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*"}
_DENY_UNLESS_TLS = {
    **_DENY_DECRYPT,
    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
}
_DENY_OTHER_ACCOUNTS = {
    **_DENY_DECRYPT,
    "Condition": {"StringNotEquals": {"aws:SourceAccount": ACCOUNT}},
}

_SNS_DENIED = _sns_stack("sns-denied", SNS_GRANT, _DENY_DECRYPT)
_SNS_NOT_PRINCIPAL = _sns_stack("sns-not-principal", SNS_GRANT, DENY_ALL_BUT_ROOT)
_SNS_UNGRANTED = _sns_stack("sns-ungranted")
_EVENTS_DENY_SOURCE = _target_stack("events-deny-source", QUEUE, _events_to(SQS_CONTEXT))
_EVENTS_DENY_SOURCE[0] = key(
    "events-deny-source-key", policy=doc(ADMIN, _events_to(SQS_CONTEXT), _DENY_OTHER_ACCOUNTS)
)
_EVENTS_DENY_SOURCE[1] = res(
    QUEUE, "events-deny-source", {"kmsMasterKeyId": out(_EVENTS_DENY_SOURCE[0], "arn")}
)
_EVENTS_DENY_SOURCE[3] = res(
    TARGET,
    "events-deny-source-target",
    {"rule": out(_EVENTS_DENY_SOURCE[2], "name"), "arn": out(_EVENTS_DENY_SOURCE[1], "arn")},
)
_BUS_DESCRIBE_DENIED = _bus_stack(
    "describe-denied",
    DESCRIBE,
    BUS_CRYPTO,
    {"Effect": "Deny", "Principal": EVENTS, "Action": "kms:Describe*", "Resource": "*"},
    archive=False,
)
_LOGS_UNGRANTED = _log_stack("logs-ungranted")
_LOGS_GLOBAL = _log_stack("logs-global", _logs_grant("logs.amazonaws.com"))
_LOGS_SEPARATE_KEY = key("logs-separate-key", policy=None)
_LOGS_SEPARATE_POLICY = res(
    KEY_POLICY,
    "logs-separate-policy",
    {
        "keyId": out(_LOGS_SEPARATE_KEY, "keyId"),
        # get_policy_document's argument form, one statement object.
        "policy": json.dumps(
            {
                "statements": [
                    {
                        "principals": [
                            {"type": "Service", "identifiers": ["logs.us-east-1.amazonaws.com"]}
                        ],
                        "actions": ["kms:*"],
                        "resources": ["*"],
                    }
                ]
            }
        ),
    },
)
_LOGS_SEPARATE = res(LOG_GROUP, "logs-separate", {"kmsKeyId": out(_LOGS_SEPARATE_KEY, "arn")})
_ALARM_KEY = key("alarm-topic-key", policy=doc(ADMIN))
_ALARM_TOPIC = res(TOPIC, "alarm-topic", {"kmsMasterKeyId": out(_ALARM_KEY, "arn")})

CASES += [
    # An explicit Deny overrides the Allow; a NotPrincipal Deny that exempts only the account
    # root denies the service principal too.
    Case.fails(_FIT, *_SNS_DENIED, label="sns-deny-decrypt"),
    Case.fails(KEY_GRANT, *_SNS_DENIED, label="grant-sns-deny-decrypt"),
    Case.fails(_FIT, *_SNS_NOT_PRINCIPAL, label="sns-deny-not-principal"),
    Case.fails(KEY_GRANT, *_SNS_NOT_PRINCIPAL, label="grant-sns-deny-not-principal"),
    Case.fails(_FIT, *_BUS_DESCRIBE_DENIED, label="bus-describe-denied"),
    # A negated condition on a key EventBridge's calls lack holds: the Deny applies.
    Case.fails(_FIT, *_EVENTS_DENY_SOURCE, label="events-deny-other-source-accounts"),
    # A Deny whose condition the pack cannot decide is not reported.
    Case.passes(_FIT, *_sns_stack("sns-deny-tls", SNS_GRANT, _DENY_UNLESS_TLS)),
    Case.passes(KEY_GRANT, *_sns_stack("grant-sns-deny-tls", SNS_GRANT, _DENY_UNLESS_TLS)),
    # Conditions a call without the key satisfies: ...IfExists, Null true, ForAllValues.
    Case.passes(
        _FIT,
        *_target_stack(
            "sqs-source-if-exists",
            QUEUE,
            _events_to({"StringEqualsIfExists": {"aws:SourceAccount": ACCOUNT}}),
        ),
    ),
    Case.passes(
        KEY_GRANT,
        *_target_stack(
            "grant-sqs-source-null",
            QUEUE,
            _events_to({"Null": {"aws:SourceArn": "true"}}),
        ),
    ),
    Case.fails(
        _FIT,
        *_target_stack(
            "sqs-source-present", QUEUE, _events_to({"Null": {"aws:SourceArn": "false"}})
        ),
        label="sqs-source-must-exist",
    ),
    Case.passes(
        _FIT,
        *_bus_stack(
            "describe-context-if-exists",
            {
                **BUS_CRYPTO,
                "Action": ["kms:DescribeKey", *PRODUCER, "kms:ReEncrypt*"],
                "Condition": {"ArnLikeIfExists": BUS_CONTEXT["ArnLike"]},
            },
        ),
    ),
    # SNS -> encrypted SQS and CloudWatch alarms -> encrypted SNS are integrations too.
    Case.fails(_FIT, *_SNS_UNGRANTED, label="sns-to-sqs-ungranted"),
    Case.passes(
        _FIT,
        *_sns_stack(
            "sns-source-arn",
            {**SNS_GRANT, "Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:sns:*:1:*"}}},
        ),
    ),
    Case.fails(
        _FIT,
        _ALARM_KEY,
        _ALARM_TOPIC,
        _alarm("alarm-to-cmk-topic", _ALARM_TOPIC),
        label="cloudwatch-to-sns-ungranted",
    ),
    # Encrypted log groups need the regional logs principal.
    Case.fails(_FIT, *_LOGS_UNGRANTED, label="log-group-ungranted"),
    Case.fails(_FIT, *_LOGS_GLOBAL, label="log-group-global-principal"),
    Case.passes(_FIT, *_log_stack("logs-regional", _logs_grant("logs.us-east-1.amazonaws.com"))),
    Case.passes(
        _FIT,
        *_log_stack(
            "logs-service-list",
            {
                **_logs_grant("x"),
                "Principal": {"Service": ["sns.amazonaws.com", "logs.us-east-1.amazonaws.com"]},
                "Action": "kms:*",
            },
        ),
    ),
    Case.passes(_FIT, _LOGS_SEPARATE_KEY, _LOGS_SEPARATE_POLICY, _LOGS_SEPARATE),
    Case.passes(
        _FIT,
        res(LOG_GROUP, "logs-foreign-key", {"kmsKeyId": "arn:aws:kms:us-east-1:1:key/abc"}),
    ),
    Case.passes(
        _FIT,
        key("logs-unknown-policy-key", policy=UNKNOWN_STRING),
        res(LOG_GROUP, "logs-unknown", {"kmsKeyId": UNKNOWN_STRING}),
    ),
]

# --- Keys the account's principals use through a service (kms:ViaService): DynamoDB tables
# and Lambda environment variables.
TABLE = "aws:dynamodb/table:Table"
FUNCTION = "aws:lambda/function:Function"
KEY_ADMINS_ONLY = {
    "Sid": "KeyAdministrators",
    "Effect": "Allow",
    "Principal": {"AWS": ROOT},
    "Action": [
        "kms:Create*",
        "kms:Describe*",
        "kms:Enable*",
        "kms:List*",
        "kms:Put*",
        "kms:Update*",
        "kms:Revoke*",
        "kms:Disable*",
        "kms:Get*",
        "kms:Delete*",
        "kms:ScheduleKeyDeletion",
        "kms:CancelKeyDeletion",
    ],
    "Resource": "*",
}
TABLE_ACTIONS = [
    "kms:Encrypt",
    "kms:Decrypt",
    "kms:ReEncrypt*",
    "kms:GenerateDataKey*",
    "kms:CreateGrant",
    "kms:DescribeKey",
]


def _via(service: str, operator: str = "StringEquals") -> dict:
    condition: dict = {"StringEquals": {"kms:CallerAccount": ACCOUNT}}
    condition.setdefault(operator, {})["kms:ViaService"] = service
    return {
        "Effect": "Allow",
        "Principal": {"AWS": "*"},
        "Action": TABLE_ACTIONS,
        "Resource": "*",
        "Condition": condition,
    }


def _table_stack(name: str, *statements: dict) -> list:
    table_key = res(
        KEY,
        f"{name}-key",
        {**GOOD_KEY, "policy": doc(*statements)},
    )
    table = res(
        TABLE,
        name,
        {
            "hashKey": "id",
            "serverSideEncryption": {"enabled": True, "kmsKeyArn": out(table_key, "arn")},
        },
    )
    return [table_key, table]


def _function_stack(name: str, *statements: dict) -> list:
    function_key = key(f"{name}-key", policy=doc(ADMIN, *statements))
    function = res(
        FUNCTION,
        name,
        {
            "role": "arn:aws:iam::123456789012:role/fn",
            "runtime": "python3.12",
            "handler": "index.handler",
            "kmsKeyArn": out(function_key, "arn"),
            "environment": {"variables": {"MODE": "batch"}},
        },
    )
    return [function_key, function]


_DENY_UNLESS_SQS = {
    "Effect": "Deny",
    "Principal": {"AWS": "*"},
    "Action": "kms:*",
    "Resource": "*",
    "Condition": {"StringNotEquals": {"kms:ViaService": "sqs.us-east-1.amazonaws.com"}},
}
CASES += [
    Case.fails(_FIT, *_table_stack("table-admins-only", KEY_ADMINS_ONLY), label="table-admins"),
    Case.fails(
        _FIT,
        *_table_stack("table-via-sqs", KEY_ADMINS_ONLY, _via("sqs.us-east-1.amazonaws.com")),
        label="table-wrong-via-service",
    ),
    Case.passes(
        _FIT,
        *_table_stack("table-via-like", KEY_ADMINS_ONLY, _via("dynamodb.*", "StringLike")),
    ),
    Case.passes(_FIT, *_table_stack("table-root", ADMIN)),
    Case.fails(_FIT, *_function_stack("fn-deny-unless-sqs", _DENY_UNLESS_SQS), label="fn-deny"),
    Case.passes(
        _FIT,
        *_function_stack(
            "fn-deny-unless-lambda",
            {**_DENY_UNLESS_SQS, "Condition": {"StringNotLike": {"kms:ViaService": "lambda.*"}}},
        ),
    ),
]
