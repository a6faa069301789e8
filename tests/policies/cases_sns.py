"""Cases for policies/rules/sns.py: topics, topic policies and subscriptions."""

from __future__ import annotations

import json

from tests.policies.case_documents import doc, key_policy, send_from, tls_deny
from tests.policies.harness import Case, out, res

T = "aws:sns/topic:Topic"
TP = "aws:sns/topicPolicy:TopicPolicy"
SUB = "aws:sns/topicSubscription:TopicSubscription"
KEY = "arn:aws:kms:us-east-1:123456789012:key/1111"
QUEUE_ARN = "arn:aws:sqs:us-east-1:123456789012:orders"
TOPIC_ARN = "arn:aws:sns:us-east-1:123456789012:alerts"


# Fixtures of the linked-stack cases.
Q = "aws:sqs/queue:Queue"
QP = "aws:sqs/queuePolicy:QueuePolicy"

KMS_KEY = "aws:kms/key:Key"


TOPIC = res(T, "alerts", {})
ALERTS_ARN = out(TOPIC, "arn")

INLINE_TLS_TOPIC = res(T, "tls-topic", {"policy": doc(tls_deny("sns", "*"))})
PLAIN_TOPIC = res(T, "plain-topic", {})
TOPIC_POLICY_TLS = res(
    TP, "topic-policy", {"arn": out(PLAIN_TOPIC, "arn"), "policy": doc(tls_deny("sns", "*"))}
)

# --- SNS -> SQS, keys
KEY_OK = res(KMS_KEY, "queue-key", {"policy": key_policy("sns.amazonaws.com")})

SUB_QUEUE = res(Q, "fanout", {"kmsMasterKeyId": out(KEY_OK, "arn")})

SUBSCRIPTION = res(
    SUB, "fanout-sub", {"topic": ALERTS_ARN, "protocol": "sqs", "endpoint": out(SUB_QUEUE, "arn")}
)

SUB_QUEUE_POLICY = res(
    QP,
    "fanout-policy",
    {
        "queueUrl": out(SUB_QUEUE, "url"),
        "policy": doc(send_from("sns.amazonaws.com", out(SUB_QUEUE, "arn"), ALERTS_ARN)),
    },
)
SUB_QUEUE_POLICY_UNSCOPED = res(
    QP,
    "fanout-policy-unscoped",
    {
        "queueUrl": out(SUB_QUEUE, "url"),
        "policy": doc(send_from("sns.amazonaws.com", out(SUB_QUEUE, "arn"), None)),
    },
)

# A queue whose inline policy admits the topic, replaced by a QueuePolicy that does not.
SUB_QUEUE_INLINE = res(
    Q,
    "fanout-inline",
    {
        "kmsMasterKeyId": out(KEY_OK, "arn"),
        "policy": doc(send_from("sns.amazonaws.com", "*", ALERTS_ARN)),
    },
)
SUBSCRIPTION_INLINE = res(
    SUB,
    "fanout-inline-sub",
    {"topic": ALERTS_ARN, "protocol": "sqs", "endpoint": out(SUB_QUEUE_INLINE, "arn")},
)
SUB_QUEUE_INLINE_REPLACED = res(
    QP,
    "fanout-inline-replaced",
    {"queueUrl": out(SUB_QUEUE_INLINE, "url"), "policy": doc(tls_deny("sqs", "*"))},
)

# Fixtures of the policy-semantics cases.
ACCOUNT = "123456789012"

TOPIC_POLICY = "aws:sns/topicPolicy:TopicPolicy"

SHIPMENTS_TOPIC_ARN = f"arn:aws:sns:us-east-1:{ACCOUNT}:shipments"

_sns = "sns-topic-policy-not-public"


CASES = [
    # SNS
    Case.passes("sns-topic-encrypted", res(T, "cmk", {"kmsMasterKeyId": KEY})),
    Case.fails("sns-topic-encrypted", res(T, "plain", {})),
    Case.passes(
        "sns-topic-policy-not-public",
        res(
            TP,
            "scoped",
            {
                "arn": TOPIC_ARN,
                "policy": doc(
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": "cloudwatch.amazonaws.com"},
                        "Action": "sns:Publish",
                        "Resource": TOPIC_ARN,
                    }
                ),
            },
        ),
    ),
    Case.fails(
        "sns-topic-policy-not-public",
        res(
            TP,
            "public",
            {
                "arn": TOPIC_ARN,
                "policy": doc(
                    {
                        "Effect": "Allow",
                        "Principal": {"AWS": "*"},
                        "Action": "sns:Publish",
                        "Resource": TOPIC_ARN,
                    }
                ),
            },
        ),
    ),
    Case.passes(
        "sns-topic-policy-no-cross-account",
        res(
            TP,
            "same",
            {
                "arn": TOPIC_ARN,
                "policy": doc(
                    {
                        "Effect": "Allow",
                        "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
                        "Action": "sns:Publish",
                        "Resource": TOPIC_ARN,
                    }
                ),
            },
        ),
    ),
    Case.fails(
        "sns-topic-policy-no-cross-account",
        res(
            TP,
            "foreign",
            {
                "arn": TOPIC_ARN,
                "policy": doc(
                    {
                        "Effect": "Allow",
                        "Principal": {"AWS": "999999999999"},
                        "Action": "sns:Subscribe",
                        "Resource": TOPIC_ARN,
                    }
                ),
            },
        ),
    ),
    Case.passes(
        "sns-topic-delivery-status-logging",
        res(T, "logged", {"sqsFailureFeedbackRoleArn": "arn:aws:iam::123456789012:role/f"}),
    ),
    Case.fails("sns-topic-delivery-status-logging", res(T, "silent", {})),
    Case.passes(
        "sns-subscription-redrive-policy",
        res(
            SUB,
            "dlq",
            {
                "protocol": "sqs",
                "topic": TOPIC_ARN,
                "endpoint": QUEUE_ARN,
                "redrivePolicy": json.dumps({"deadLetterTargetArn": QUEUE_ARN}),
            },
        ),
    ),
    Case.fails(
        "sns-subscription-redrive-policy",
        res(SUB, "no-dlq", {"protocol": "sqs", "topic": TOPIC_ARN, "endpoint": QUEUE_ARN}),
    ),
    # Small linked stacks (stack rules).
    Case.passes("sns-topic-policy-tls-only", INLINE_TLS_TOPIC),
    Case.passes("sns-topic-policy-tls-only", PLAIN_TOPIC, TOPIC_POLICY_TLS),
    Case.fails("sns-topic-policy-tls-only", PLAIN_TOPIC),
    Case.passes("sns-subscribed-queue-policy", TOPIC, SUB_QUEUE, SUBSCRIPTION, SUB_QUEUE_POLICY),
    Case.fails("sns-subscribed-queue-policy", TOPIC, SUB_QUEUE, SUBSCRIPTION, on=SUB_QUEUE),
    Case.fails(
        "sns-subscribed-queue-policy",
        TOPIC,
        SUB_QUEUE,
        SUBSCRIPTION,
        SUB_QUEUE_POLICY_UNSCOPED,
        on=SUB_QUEUE,
        label="no-source-arn",
    ),
    Case.passes(
        "sns-subscribed-queue-policy",
        TOPIC,
        SUB_QUEUE_INLINE,
        SUBSCRIPTION_INLINE,
        label="inline-policy",
    ),
    # A QueuePolicy replaces the queue's inline policy (SetQueueAttributes Policy).
    Case.fails(
        "sns-subscribed-queue-policy",
        TOPIC,
        SUB_QUEUE_INLINE,
        SUBSCRIPTION_INLINE,
        SUB_QUEUE_INLINE_REPLACED,
        on=SUB_QUEUE_INLINE,
        label="inline-policy-replaced",
    ),
    # Policy semantics: conditions judged by operator and value, resources by meaning,
    # NotAction/NotResource/NotPrincipal shapes. An evasion the pack once missed fails; a correct
    # program in an unusual form passes.
    # --- wildcards in condition values
    Case.fails(
        _sns,
        res(
            TOPIC_POLICY,
            "wild-principal-arn",
            {
                "arn": SHIPMENTS_TOPIC_ARN,
                "policy": doc(
                    {
                        "Effect": "Allow",
                        "Principal": {"AWS": "*"},
                        "Action": "sns:Publish",
                        "Resource": SHIPMENTS_TOPIC_ARN,
                        "Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/ci-*"}},
                    }
                ),
            },
        ),
        label="principal-arn-any-account",
    ),
]
