"""Cases for tagging, SQS and SNS resource rules."""

from __future__ import annotations

import json

from tests.policies.harness import GOOD_TAGS, UNKNOWN_STRING, Case, res

Q = "aws:sqs/queue:Queue"
QP = "aws:sqs/queuePolicy:QueuePolicy"
RP = "aws:sqs/redrivePolicy:RedrivePolicy"
T = "aws:sns/topic:Topic"
TP = "aws:sns/topicPolicy:TopicPolicy"
SUB = "aws:sns/topicSubscription:TopicSubscription"
KEY = "arn:aws:kms:us-east-1:123456789012:key/1111"
QUEUE_ARN = "arn:aws:sqs:us-east-1:123456789012:orders"
TOPIC_ARN = "arn:aws:sns:us-east-1:123456789012:alerts"


def doc(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


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

ASG = "aws:autoscaling/group:Group"


def _tag_list(tags: dict[str, str]) -> list[dict[str, object]]:
    """Tags in the Auto Scaling group's list form."""
    return [{"key": k, "value": v, "propagateAtLaunch": True} for k, v in tags.items()]


CASES = [
    # tagging
    Case.passes("required-tags", res(Q, "tagged", {"tags": GOOD_TAGS})),
    Case.passes("required-tags", res(Q, "tags-unknown", {"tags": UNKNOWN_STRING})),
    Case.passes("required-tags", res("aws:sqs/queuePolicy:QueuePolicy", "untaggable", {})),
    Case.fails("required-tags", res(Q, "untagged", {})),
    Case.fails("required-tags", res(Q, "bad-env", {"tags": {**GOOD_TAGS, "Environment": "qa"}})),
    Case.passes("required-tags", res(ASG, "asg-tag-list", {"tags": _tag_list(GOOD_TAGS)})),
    Case.fails(
        "required-tags",
        res(ASG, "asg-missing-owner", {"tags": _tag_list({**GOOD_TAGS, "Owner": ""})}),
    ),
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
]
