"""Cases for policies/rules/resource_policy.py: the service principals a resource policy
admits, and how it scopes them."""

from __future__ import annotations

from tests.policies.case_documents import doc
from tests.policies.harness import Case, res

ACCOUNT = "123456789012"
QUEUE = "aws:sqs/queue:Queue"
QUEUE_POLICY = "aws:sqs/queuePolicy:QueuePolicy"

QUEUE_ARN = f"arn:aws:sqs:us-east-1:{ACCOUNT}:orders"
QUEUE_URL = f"https://sqs.us-east-1.amazonaws.com/{ACCOUNT}/orders"
TOPIC_ARN = f"arn:aws:sns:us-east-1:{ACCOUNT}:shipments"


def send(principal: object, condition: dict | None = None, **extra: object) -> dict:
    statement: dict = {
        "Sid": "Producers",
        "Effect": "Allow",
        "Principal": principal,
        "Action": "sqs:SendMessage",
        "Resource": QUEUE_ARN,
        **extra,
    }
    if condition:
        statement["Condition"] = condition
    return {k: v for k, v in statement.items() if v is not None}


def queue_policy(name: str, *statements: dict) -> object:
    return res(QUEUE_POLICY, name, {"queueUrl": QUEUE_URL, "policy": doc(*statements)})


_svc = "resource-policy-service-principal-scoped"


CASES = [
    # --- service principals need source scoping
    Case.fails(
        _svc, queue_policy("sns-unscoped", send({"Service": "sns.amazonaws.com"})), label="sns"
    ),
    Case.fails(
        _svc,
        queue_policy(
            "events-any-account",
            send(
                {"Service": "events.amazonaws.com"},
                {"ArnLike": {"aws:SourceArn": "arn:aws:events:*:*:rule/*"}},
            ),
        ),
        label="events-wildcard-source",
    ),
    Case.fails(
        _svc,
        res(
            QUEUE,
            "inline-s3",
            {
                "policy": doc(
                    send(
                        {"Service": "s3.amazonaws.com"},
                        {"ArnLikeIfExists": {"aws:SourceArn": "arn:aws:s3:::orders-uploads"}},
                    )
                )
            },
        ),
        label="s3-if-exists",
    ),
    Case.passes(
        _svc,
        queue_policy(
            "sns-scoped",
            send({"Service": "sns.amazonaws.com"}, {"ArnEquals": {"aws:SourceArn": TOPIC_ARN}}),
        ),
        label="sns-source-arn",
    ),
    Case.passes(
        _svc,
        queue_policy(
            "events-account",
            send(
                {"Service": "events.amazonaws.com"},
                {"StringEquals": {"aws:SourceAccount": ACCOUNT}},
            ),
        ),
        label="events-source-account",
    ),
    Case.passes(
        _svc,
        queue_policy("role-only", send({"AWS": f"arn:aws:iam::{ACCOUNT}:role/orders-producer"})),
        label="no-service-principal",
    ),
]
