"""Cases for policies/rules/sqs.py: queues, queue policies, redrive, and a queue's links to its
dead-letter queue, alarms, consumers and producers."""

from __future__ import annotations

import json

from tests.policies.case_documents import ALERTS_TOPIC, alarm, doc, tls_deny
from tests.policies.harness import UNKNOWN_STRING, Case, out, res

Q = "aws:sqs/queue:Queue"
QP = "aws:sqs/queuePolicy:QueuePolicy"
RP = "aws:sqs/redrivePolicy:RedrivePolicy"

KEY = "arn:aws:kms:us-east-1:123456789012:key/1111"
QUEUE_ARN = "arn:aws:sqs:us-east-1:123456789012:orders"
TOPIC_ARN = "arn:aws:sns:us-east-1:123456789012:alerts"


TLS_DENY = {
    "Effect": "Deny",
    "Principal": "*",
    "Action": "sqs:*",
    "Resource": QUEUE_ARN,
    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
}
PUBLIC_SEND = {"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage", "Resource": "*"}
SNS_SEND = {
    "Effect": "Allow",
    "Principal": {"Service": "sns.amazonaws.com"},
    "Action": "sqs:SendMessage",
    "Resource": QUEUE_ARN,
    "Condition": {"ArnEquals": {"aws:SourceArn": TOPIC_ARN}},
}
ALL_ACTIONS = {
    "Effect": "Allow",
    "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
    "Action": "sqs:*",
    "Resource": QUEUE_ARN,
}

# Fixtures of the linked-stack cases.
T = "aws:sns/topic:Topic"

FN = "aws:lambda/function:Function"
ESM = "aws:lambda/eventSourceMapping:EventSourceMapping"

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"

BUS = "aws:cloudwatch/eventBus:EventBus"


def redrive(dlq: object, count: int = 3) -> str:
    return json.dumps({"deadLetterTargetArn": out(dlq, "arn"), "maxReceiveCount": count})


TOPIC = ALERTS_TOPIC

# --- queues and DLQs
DLQ = res(Q, "orders-dlq", {"messageRetentionSeconds": 1209600})
SOURCE = res(Q, "orders", {"redrivePolicy": redrive(DLQ), "messageRetentionSeconds": 345600})
LONELY = res(Q, "lonely", {})
DLQ_ALARM = alarm(
    "dlq-depth", "AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", out(DLQ, "name")
)
# The dead-letter queue of an event bus (EventBus.deadLetterConfig) is a DLQ too.
BUS_DLQ = res(Q, "bus-dlq", {"messageRetentionSeconds": 1209600})
SHORT_DLQ = res(Q, "short-dlq", {"messageRetentionSeconds": 60})
LONG_SOURCE = res(
    Q, "long", {"redrivePolicy": redrive(SHORT_DLQ), "messageRetentionSeconds": 1209600}
)

# --- TLS-only policies
TLS_QUEUE = res(Q, "tls", {})
TLS_QUEUE_POLICY = res(
    QP,
    "tls-policy",
    {"queueUrl": out(TLS_QUEUE, "url"), "policy": doc(tls_deny("sqs", out(TLS_QUEUE, "arn")))},
)
PLAIN_QUEUE = res(Q, "no-policy", {})

# --- consumer timing
CONSUMER = res(FN, "consumer", {"timeout": 30, "runtime": "python3.13"})
SLOW_QUEUE = res(Q, "work", {"visibilityTimeoutSeconds": 60})
OK_QUEUE = res(Q, "work-ok", {"visibilityTimeoutSeconds": 180})


def mapping(name: str, queue: object, fn: object) -> object:
    return res(ESM, name, {"eventSourceArn": out(queue, "arn"), "functionName": out(fn, "name")})


# Fixtures of the policy-semantics cases.
ACCOUNT = "123456789012"
QUEUE = "aws:sqs/queue:Queue"
QUEUE_POLICY = "aws:sqs/queuePolicy:QueuePolicy"

ORDERS_QUEUE_ARN = f"arn:aws:sqs:us-east-1:{ACCOUNT}:orders"
QUEUE_URL = f"https://sqs.us-east-1.amazonaws.com/{ACCOUNT}/orders"
SHIPMENTS_TOPIC_ARN = f"arn:aws:sns:us-east-1:{ACCOUNT}:shipments"


def send(principal: object, condition: dict | None = None, **extra: object) -> dict:
    statement: dict = {
        "Sid": "Producers",
        "Effect": "Allow",
        "Principal": principal,
        "Action": "sqs:SendMessage",
        "Resource": ORDERS_QUEUE_ARN,
        **extra,
    }
    if condition:
        statement["Condition"] = condition
    return {k: v for k, v in statement.items() if v is not None}


def queue_policy(name: str, *statements: dict) -> object:
    return res(QUEUE_POLICY, name, {"queueUrl": QUEUE_URL, "policy": doc(*statements)})


_sqs = "sqs-queue-policy-not-public"


# --- TLS-only queue policies: the deny must cover every insecure request
def _tls_queue(name: str, deny: dict) -> tuple[object, object]:
    queue = res(QUEUE, name, {})
    policy = res(
        QUEUE_POLICY,
        f"{name}-policy",
        {
            "queueUrl": queue.outputs["url"],
            "policy": doc({"Resource": queue.outputs["arn"], "Action": "sqs:*", **deny}),
        },
    )
    return queue, policy


_tls = "sqs-queue-policy-tls-only"
_INSECURE = {"Bool": {"aws:SecureTransport": "false"}}

_sqs_wild = "sqs-queue-policy-no-wildcard-actions"
_consumer = {"AWS": f"arn:aws:iam::{ACCOUNT}:role/orders-consumer"}


CASES = [
    # SQS
    Case.passes("sqs-queue-encrypted", res(Q, "cmk", {"kmsMasterKeyId": KEY})),
    Case.passes("sqs-queue-encrypted", res(Q, "sse-sqs", {"sqsManagedSseEnabled": True})),
    Case.passes("sqs-queue-encrypted", res(Q, "key-unknown", {"kmsMasterKeyId": UNKNOWN_STRING})),
    Case.fails("sqs-queue-encrypted", res(Q, "plain", {"sqsManagedSseEnabled": False})),
    Case.passes("sqs-queue-customer-managed-key", res(Q, "cmk", {"kmsMasterKeyId": KEY})),
    Case.fails(
        "sqs-queue-customer-managed-key",
        res(Q, "aws-key", {"kmsMasterKeyId": "alias/aws/sqs"}),
    ),
    Case.fails("sqs-queue-customer-managed-key", res(Q, "sse-sqs", {"sqsManagedSseEnabled": True})),
    Case.passes(
        "sqs-queue-policy-not-public", res(QP, "scoped", {"policy": doc(SNS_SEND, TLS_DENY)})
    ),
    Case.passes("sqs-queue-policy-not-public", res(QP, "unknown", {"policy": UNKNOWN_STRING})),
    Case.fails("sqs-queue-policy-not-public", res(QP, "public", {"policy": doc(PUBLIC_SEND)})),
    Case.fails("sqs-queue-policy-not-public", res(Q, "inline", {"policy": doc(PUBLIC_SEND)})),
    Case.passes(
        "sqs-queue-policy-no-wildcard-actions", res(QP, "listed", {"policy": doc(SNS_SEND)})
    ),
    Case.fails(
        "sqs-queue-policy-no-wildcard-actions", res(QP, "all", {"policy": doc(ALL_ACTIONS)})
    ),
    Case.passes(
        "sqs-redrive-max-receive-count",
        res(
            Q,
            "three",
            {"redrivePolicy": json.dumps({"deadLetterTargetArn": QUEUE_ARN, "maxReceiveCount": 3})},
        ),
    ),
    Case.passes("sqs-redrive-max-receive-count", res(Q, "no-redrive", {})),
    Case.fails(
        "sqs-redrive-max-receive-count",
        res(
            Q,
            "hundred",
            {
                "redrivePolicy": json.dumps(
                    {"deadLetterTargetArn": QUEUE_ARN, "maxReceiveCount": 100}
                )
            },
        ),
    ),
    Case.fails(
        "sqs-redrive-max-receive-count",
        res(
            RP,
            "separate",
            {
                "queueUrl": "u",
                "redrivePolicy": json.dumps(
                    {"deadLetterTargetArn": QUEUE_ARN, "maxReceiveCount": 0}
                ),
            },
        ),
    ),
    # Small linked stacks (stack rules).
    Case.passes("sqs-queue-has-dead-letter-queue", SOURCE, DLQ),
    Case.fails("sqs-queue-has-dead-letter-queue", SOURCE, DLQ, LONELY, on=LONELY),
    Case.passes(
        "sqs-queue-has-dead-letter-queue",
        BUS_DLQ,
        res(BUS, "cmk-bus", {"deadLetterConfig": {"arn": out(BUS_DLQ, "arn")}}),
        label="event-bus-dlq",
    ),
    Case.fails("sqs-queue-has-dead-letter-queue", BUS_DLQ, on=BUS_DLQ, label="bus-dlq-unused"),
    Case.passes(
        "sqs-queue-has-dead-letter-queue",
        res(Q, "pending", {"redrivePolicy": UNKNOWN_STRING}),
        LONELY,
        label="unknown-redrive-skips",
    ),
    Case.passes("sqs-dead-letter-queue-alarm", SOURCE, DLQ, DLQ_ALARM, TOPIC),
    Case.fails("sqs-dead-letter-queue-alarm", SOURCE, DLQ, TOPIC, on=DLQ),
    Case.fails(
        "sqs-dead-letter-queue-alarm",
        SOURCE,
        DLQ,
        TOPIC,
        alarm(
            "dlq-silent",
            "AWS/SQS",
            "ApproximateNumberOfMessagesVisible",
            "QueueName",
            out(DLQ, "name"),
            actions=[],
        ),
        on=DLQ,
    ),
    Case.passes("sqs-dead-letter-retention", SOURCE, DLQ),
    Case.fails("sqs-dead-letter-retention", LONG_SOURCE, SHORT_DLQ, on=SHORT_DLQ),
    Case.passes("sqs-queue-policy-tls-only", TLS_QUEUE, TLS_QUEUE_POLICY),
    Case.fails("sqs-queue-policy-tls-only", PLAIN_QUEUE),
    Case.passes(
        "sqs-visibility-timeout-covers-consumer",
        OK_QUEUE,
        CONSUMER,
        mapping("map-ok", OK_QUEUE, CONSUMER),
    ),
    Case.fails(
        "sqs-visibility-timeout-covers-consumer",
        SLOW_QUEUE,
        CONSUMER,
        mapping("map-slow", SLOW_QUEUE, CONSUMER),
        on=SLOW_QUEUE,
    ),
    Case.passes("sqs-queue-orphan", SOURCE, DLQ),
    Case.fails("sqs-queue-orphan", SOURCE, DLQ, LONELY, on=LONELY),
    # Policy semantics: conditions judged by operator and value, resources by meaning,
    # NotAction/NotResource/NotPrincipal shapes. An evasion the pack once missed fails; a correct
    # program in an unusual form passes.
    # --- conditions by operator: ...IfExists, ForAllValues and negations do not narrow
    Case.fails(
        _sqs,
        queue_policy(
            "if-exists", send("*", {"ArnEqualsIfExists": {"aws:SourceArn": SHIPMENTS_TOPIC_ARN}})
        ),
        label="arn-equals-if-exists",
    ),
    Case.fails(
        _sqs,
        queue_policy(
            "for-all-values",
            send("*", {"ForAllValues:StringEquals": {"aws:PrincipalOrgID": ["o-a1b2c3d4e5"]}}),
        ),
        label="for-all-values-org",
    ),
    Case.fails(
        _sqs,
        queue_policy(
            "not-equals", send("*", {"StringNotEquals": {"aws:SourceAccount": "999999999999"}})
        ),
        label="negated-operator",
    ),
    Case.fails(
        _sqs,
        queue_policy("null-only", send("*", {"Null": {"aws:SourceArn": "false"}})),
        label="null-operator",
    ),
    Case.passes(
        _sqs,
        queue_policy(
            "for-any-value",
            send("*", {"ForAnyValue:StringEquals": {"aws:PrincipalOrgID": ["o-a1b2c3d4e5"]}}),
        ),
        label="for-any-value-scopes",
    ),
    Case.passes(
        _sqs,
        queue_policy(
            "source-plus-ifexists",
            send(
                "*",
                {
                    "ArnEquals": {"aws:SourceArn": SHIPMENTS_TOPIC_ARN},
                    "BoolIfExists": {"aws:SecureTransport": "true"},
                },
            ),
        ),
        label="scoped-with-extra-ifexists",
    ),
    # --- principals by meaning: account `*`, NotPrincipal in Allow and in Deny
    Case.fails(
        _sqs, queue_policy("any-root", send({"AWS": "arn:aws:iam::*:root"})), label="any-root"
    ),
    Case.fails(
        _sqs,
        queue_policy(
            "allow-not-principal",
            send(None, NotPrincipal={"AWS": f"arn:aws:iam::{ACCOUNT}:role/blocked"}),
        ),
        label="allow-with-not-principal",
    ),
    Case.passes(
        _sqs,
        queue_policy(
            "deny-not-principal",
            send({"AWS": f"arn:aws:iam::{ACCOUNT}:role/orders-producer"}),
            {
                "Sid": "OnlyProducer",
                "Effect": "Deny",
                "NotPrincipal": {"AWS": f"arn:aws:iam::{ACCOUNT}:role/orders-producer"},
                "Action": "sqs:SendMessage",
                "Resource": ORDERS_QUEUE_ARN,
            },
        ),
        label="deny-with-not-principal",
    ),
    Case.fails(
        _tls,
        *_tls_queue(
            "tls-only-for-one-account",
            {
                "Effect": "Deny",
                "Principal": "*",
                "Condition": {**_INSECURE, "StringEquals": {"aws:SourceAccount": "111122223333"}},
            },
        ),
        label="deny-narrowed-by-another-condition",
    ),
    Case.fails(
        _tls,
        *_tls_queue(
            "tls-only-not-principal",
            {
                "Effect": "Deny",
                "NotPrincipal": {"AWS": f"arn:aws:iam::{ACCOUNT}:role/legacy-poller"},
                "Condition": _INSECURE,
            },
        ),
        label="deny-exempts-a-principal",
    ),
    Case.passes(
        _tls,
        *_tls_queue(
            "tls-only-if-exists",
            {
                "Effect": "Deny",
                "Principal": {"AWS": "*"},
                "Condition": {"BoolIfExists": {"aws:SecureTransport": "false"}},
            },
        ),
        label="bool-if-exists-deny",
    ),
    Case.fails(
        _sqs_wild,
        queue_policy("queue-star", send(_consumer, Action="sqs:*Queue*")),
        label="pattern-reaches-delete-queue",
    ),
    Case.fails(
        _sqs_wild,
        queue_policy("not-action", send(_consumer, Action=None, NotAction="sqs:DeleteQueue")),
        label="allow-not-action",
    ),
    Case.passes(
        _sqs_wild,
        queue_policy(
            "receive-family",
            send(_consumer, Action=["sqs:ReceiveMessage", "sqs:ChangeMessageVisibility*"]),
        ),
        label="pattern-within-message-actions",
    ),
]
