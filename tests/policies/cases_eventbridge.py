"""Cases for policies/rules/eventbridge.py: buses, archives, rules, targets and what admits
their events."""

from __future__ import annotations

import json

from tests.policies.case_documents import doc, send_from
from tests.policies.harness import Case, out, res

BUS = "aws:cloudwatch/eventBus:EventBus"
BUS_POLICY = "aws:cloudwatch/eventBusPolicy:EventBusPolicy"
EVENT_PERMISSION = "aws:cloudwatch/eventPermission:EventPermission"
ARCHIVE = "aws:cloudwatch/eventArchive:EventArchive"
RULE = "aws:cloudwatch/eventRule:EventRule"
TARGET = "aws:cloudwatch/eventTarget:EventTarget"

KEY = "arn:aws:kms:us-east-1:123456789012:key/1111"
QUEUE_ARN = "arn:aws:sqs:us-east-1:123456789012:orders"

ARCHIVE_OK = {"eventSourceArn": "arn:x", "retentionDays": 30, "eventPattern": '{"source":["a"]}'}

# Fixtures of the sub-block cases.
QUEUE = "aws:sqs/queue:Queue"

# --- EventBridge: patterns that still match everything, DLQs the rule cannot write to, and
# AWS-managed keys on topics EventBridge or CloudWatch publish to.
PATTERN = "eventbridge-rule-pattern-not-catch-all"

QUEUE_POLICY = "aws:sqs/queuePolicy:QueuePolicy"

DLQ_RULE = "eventbridge-dead-letter-queue-admits-events"


def rule(name: str, pattern: dict) -> object:
    return res(RULE, name, {"eventBusName": "orders", "eventPattern": json.dumps(pattern)})


_rule = rule("deliveries", {"source": ["deliveries"]})

_dlq_plain = res(QUEUE, "deliveries-dlq-sse", {"sqsManagedSseEnabled": True})


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


# Fixtures of the linked-stack cases.
Q = "aws:sqs/queue:Queue"
QP = "aws:sqs/queuePolicy:QueuePolicy"

FN = "aws:lambda/function:Function"

PERM = "aws:lambda/permission:Permission"


# --- consumer timing
CONSUMER = res(FN, "consumer", {"timeout": 30, "runtime": "python3.13"})

# --- EventBridge
BUS_ = res(BUS, "orders-bus", {})
ORDERS_ARCHIVE = res(
    ARCHIVE, "orders-archive", {"eventSourceArn": out(BUS_, "arn"), "retentionDays": 30}
)
ARCHIVE_FOREVER = res(ARCHIVE, "orders-archive-forever", {"eventSourceArn": out(BUS_, "arn")})
BUS_POLICY_ = res(
    BUS_POLICY, "orders-bus-policy", {"eventBusName": out(BUS_, "name"), "policy": doc()}
)
RULE_ = res(
    RULE,
    "shipments",
    {"eventBusName": out(BUS_, "name"), "eventPattern": json.dumps({"source": ["shipments"]})},
)
RULE_ARN = out(RULE_, "arn")
EVENTS_QUEUE = res(Q, "events-in", {})
EVENTS_QUEUE_POLICY_OK = res(
    QP,
    "events-in-policy",
    {
        "queueUrl": out(EVENTS_QUEUE, "url"),
        "policy": doc(send_from("events.amazonaws.com", out(EVENTS_QUEUE, "arn"), RULE_ARN)),
    },
)
EVENTS_QUEUE_POLICY_UNSCOPED = res(
    QP,
    "events-in-policy-unscoped",
    {
        "queueUrl": out(EVENTS_QUEUE, "url"),
        "policy": doc(send_from("events.amazonaws.com", out(EVENTS_QUEUE, "arn"), None)),
    },
)
QUEUE_TARGET = res(
    TARGET,
    "to-queue",
    {
        "rule": out(RULE_, "name"),
        "eventBusName": out(BUS_, "name"),
        "arn": out(EVENTS_QUEUE, "arn"),
    },
)
FN_TARGET = res(TARGET, "to-function", {"rule": out(RULE_, "name"), "arn": out(CONSUMER, "arn")})
EVENTS_PERMISSION = res(
    PERM,
    "events-invoke",
    {
        "function": out(CONSUMER, "name"),
        "principal": "events.amazonaws.com",
        "action": "lambda:InvokeFunction",
        "sourceArn": RULE_ARN,
    },
)

# Fixtures of the policy-semantics cases.
ACCOUNT = "123456789012"

_bus = "eventbridge-bus-policy-not-open"

ORG = {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}

# --- EventBridge permissions and managedPolicyArns
_permission = "aws:cloudwatch/eventPermission:EventPermission"


CASES = [
    # EventBridge
    Case.passes(
        "eventbridge-bus-policy-not-open",
        res(
            BUS_POLICY,
            "org",
            {
                "eventBusName": "orders",
                "policy": json.dumps(
                    {
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Principal": "*",
                                "Action": "events:PutEvents",
                                "Resource": "*",
                                "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-123"}},
                            }
                        ]
                    }
                ),
            },
        ),
    ),
    Case.fails(
        "eventbridge-bus-policy-not-open",
        res(
            BUS_POLICY,
            "open",
            {
                "eventBusName": "orders",
                "policy": json.dumps(
                    {
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Principal": "*",
                                "Action": "events:PutEvents",
                                "Resource": "*",
                            }
                        ]
                    }
                ),
            },
        ),
    ),
    Case.fails(
        "eventbridge-bus-policy-not-open",
        res(EVENT_PERMISSION, "everyone", {"principal": "*", "statementId": "all"}),
    ),
    Case.passes("eventbridge-bus-customer-managed-key", res(BUS, "cmk", {"kmsKeyIdentifier": KEY})),
    Case.fails("eventbridge-bus-customer-managed-key", res(BUS, "plain", {})),
    Case.passes("eventbridge-archive-retention-and-pattern", res(ARCHIVE, "finite", ARCHIVE_OK)),
    Case.fails(
        "eventbridge-archive-retention-and-pattern",
        res(ARCHIVE, "forever", {**ARCHIVE_OK, "retentionDays": 0}),
    ),
    Case.fails(
        "eventbridge-archive-retention-and-pattern",
        res(ARCHIVE, "everything", {"eventSourceArn": "arn:x", "retentionDays": 7}),
    ),
    Case.passes(
        "eventbridge-rule-pattern-not-catch-all",
        res(
            RULE,
            "specific",
            {
                "eventPattern": json.dumps(
                    {"source": ["shipments"], "detail-type": ["ShipmentCreated"]}
                )
            },
        ),
    ),
    Case.passes(
        "eventbridge-rule-pattern-not-catch-all",
        res(RULE, "cron", {"scheduleExpression": "rate(5 minutes)"}),
    ),
    Case.fails(
        "eventbridge-rule-pattern-not-catch-all",
        res(RULE, "everything", {"eventPattern": json.dumps({"source": [{"prefix": ""}]})}),
    ),
    Case.passes(
        "eventbridge-target-dead-letter-queue",
        res(TARGET, "dlq", {"rule": "r", "arn": QUEUE_ARN, "deadLetterConfig": {"arn": QUEUE_ARN}}),
    ),
    Case.fails(
        "eventbridge-target-dead-letter-queue",
        res(TARGET, "no-dlq", {"rule": "r", "arn": QUEUE_ARN}),
    ),
    Case.passes(
        "eventbridge-target-retry-policy",
        res(
            TARGET,
            "retry",
            {
                "rule": "r",
                "arn": QUEUE_ARN,
                "retryPolicy": {"maximumRetryAttempts": 3, "maximumEventAgeInSeconds": 3600},
            },
        ),
    ),
    Case.fails(
        "eventbridge-target-retry-policy", res(TARGET, "no-retry", {"rule": "r", "arn": QUEUE_ARN})
    ),
    # Types and sub-blocks the rules used to skip.
    Case.passes(PATTERN, rule("shipments", {"source": ["shipments"], "detail-type": ["Shipped"]})),
    Case.passes(
        PATTERN,
        rule("or-specific", {"$or": [{"source": ["orders"]}, {"detail-type": ["Refund"]}]}),
    ),
    Case.fails(PATTERN, rule("empty-prefix", {"source": [{"prefix": ""}]})),
    Case.fails(PATTERN, rule("own-account", {"account": ["123456789012"]})),
    Case.fails(PATTERN, rule("anything-but", {"source": [{"anything-but": "aws.health"}]})),
    Case.fails(PATTERN, rule("star-wildcard", {"detail-type": [{"wildcard": "**"}]})),
    Case.fails(PATTERN, rule("mixed-list", {"source": ["orders", {"prefix": ""}]})),
    Case.fails(
        PATTERN,
        rule("or-open-branch", {"$or": [{"source": ["orders"]}, {"region": ["us-east-1"]}]}),
    ),
    Case.passes(
        DLQ_RULE,
        _rule,
        _dlq_plain,
        _dlq_policy(_dlq_plain, out(_rule, "arn")),
        _target("to-fn", _dlq_plain),
    ),
    Case.fails(DLQ_RULE, _target("to-fn-no-policy", _dlq_plain), _rule, _dlq_plain),
    Case.fails(
        DLQ_RULE,
        _target("to-fn-unscoped", _dlq_plain),
        _rule,
        _dlq_plain,
        _dlq_policy(_dlq_plain, None),
    ),
    # Small linked stacks (stack rules).
    Case.passes("eventbridge-bus-has-archive", BUS_, ORDERS_ARCHIVE),
    Case.fails("eventbridge-bus-has-archive", BUS_),
    Case.fails("eventbridge-bus-has-archive", BUS_, ARCHIVE_FOREVER, on=BUS_),
    Case.passes("eventbridge-custom-bus-has-policy", BUS_, BUS_POLICY_),
    Case.fails("eventbridge-custom-bus-has-policy", BUS_),
    Case.passes(
        "eventbridge-target-admits-events",
        BUS_,
        RULE_,
        EVENTS_QUEUE,
        EVENTS_QUEUE_POLICY_OK,
        QUEUE_TARGET,
    ),
    Case.passes(
        "eventbridge-target-admits-events",
        RULE_,
        CONSUMER,
        FN_TARGET,
        EVENTS_PERMISSION,
        label="function",
    ),
    Case.fails(
        "eventbridge-target-admits-events",
        BUS_,
        RULE_,
        EVENTS_QUEUE,
        EVENTS_QUEUE_POLICY_UNSCOPED,
        QUEUE_TARGET,
        on=QUEUE_TARGET,
    ),
    Case.fails(
        "eventbridge-target-admits-events",
        RULE_,
        CONSUMER,
        FN_TARGET,
        on=FN_TARGET,
        label="function-no-permission",
    ),
    # Policy semantics: conditions judged by operator and value, resources by meaning,
    # NotAction/NotResource/NotPrincipal shapes. An evasion the pack once missed fails; a correct
    # program in an unusual form passes.
    Case.fails(
        _bus,
        res(
            BUS_POLICY,
            "wild-org",
            {
                "eventBusName": "orders",
                "policy": doc(
                    {
                        "Effect": "Allow",
                        "Principal": "*",
                        "Action": "events:PutEvents",
                        "Resource": f"arn:aws:events:us-east-1:{ACCOUNT}:event-bus/orders",
                        "Condition": {"StringLike": {"aws:PrincipalOrgID": "o-*"}},
                    }
                ),
            },
        ),
        label="org-id-wildcard",
    ),
    Case.passes(
        _bus,
        res(
            BUS_POLICY,
            "org-only",
            {
                "eventBusName": "orders",
                "policy": doc(
                    {
                        "Effect": "Allow",
                        "Principal": "*",
                        "Action": "events:PutEvents",
                        "Resource": f"arn:aws:events:us-east-1:{ACCOUNT}:event-bus/orders",
                        "Condition": ORG,
                    }
                ),
            },
        ),
        label="org-id-exact",
    ),
    Case.fails(
        _bus,
        res(
            _permission,
            "any-org",
            {
                "principal": "*",
                "statementId": "OrgMembers",
                "condition": {"key": "aws:PrincipalOrgID", "type": "StringEquals", "value": "o-*"},
            },
        ),
        label="event-permission-wildcard-org",
    ),
    Case.passes(
        _bus,
        res(
            _permission,
            "one-org",
            {
                "principal": "*",
                "statementId": "OrgMembers",
                "condition": {
                    "key": "aws:PrincipalOrgID",
                    "type": "StringEquals",
                    "value": "o-a1b2c3d4e5",
                },
            },
        ),
        label="event-permission-one-org",
    ),
]
