"""Cases for the cross-resource (stack) rules: small linked stacks."""

from __future__ import annotations

import json

from tests.policies.harness import UNKNOWN_STRING, Case, out, res

Q = "aws:sqs/queue:Queue"
QP = "aws:sqs/queuePolicy:QueuePolicy"
T = "aws:sns/topic:Topic"
TP = "aws:sns/topicPolicy:TopicPolicy"
SUB = "aws:sns/topicSubscription:TopicSubscription"
FN = "aws:lambda/function:Function"
ESM = "aws:lambda/eventSourceMapping:EventSourceMapping"
PERM = "aws:lambda/permission:Permission"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
LOGS = "aws:cloudwatch/logGroup:LogGroup"
BUS = "aws:cloudwatch/eventBus:EventBus"
BUS_POLICY = "aws:cloudwatch/eventBusPolicy:EventBusPolicy"
ARCHIVE = "aws:cloudwatch/eventArchive:EventArchive"
RULE = "aws:cloudwatch/eventRule:EventRule"
TARGET = "aws:cloudwatch/eventTarget:EventTarget"
KEY = "aws:kms/key:Key"
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
TABLE = "aws:dynamodb/table:Table"
SCALING = "aws:appautoscaling/target:Target"
INVOKE_CONFIG = "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig"


def doc(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def tls_deny(service: str, arn: str) -> dict:
    return {
        "Effect": "Deny",
        "Principal": "*",
        "Action": f"{service}:*",
        "Resource": arn,
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def send_from(service: str, queue_arn: str, source_arn: str | None) -> dict:
    statement: dict = {
        "Effect": "Allow",
        "Principal": {"Service": service},
        "Action": "sqs:SendMessage",
        "Resource": queue_arn,
    }
    if source_arn:
        statement["Condition"] = {"ArnEquals": {"aws:SourceArn": source_arn}}
    return statement


def key_policy(*services: str) -> str:
    statements = [
        {
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
            "Action": "kms:*",
            "Resource": "*",
        }
    ]
    for service in services:
        statements.append(
            {
                "Effect": "Allow",
                "Principal": {"Service": service},
                "Action": ["kms:GenerateDataKey*", "kms:Decrypt"],
                "Resource": "*",
            }
        )
    return doc(*statements)


def redrive(dlq: object, count: int = 3) -> str:
    return json.dumps({"deadLetterTargetArn": out(dlq, "arn"), "maxReceiveCount": count})


def alarm(
    name: str,
    namespace: str,
    metric: str,
    dimension: str,
    value: str,
    actions: list[str] | None = None,
) -> object:
    return res(
        ALARM,
        name,
        {
            "namespace": namespace,
            "metricName": metric,
            "dimensions": {dimension: value},
            "comparisonOperator": "GreaterThanThreshold",
            "threshold": 0,
            "evaluationPeriods": 1,
            "period": 60,
            "statistic": "Sum",
            "alarmActions": actions if actions is not None else [TOPIC_ARN],
        },
    )


TOPIC = res(T, "alerts", {})
TOPIC_ARN = out(TOPIC, "arn")

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
INLINE_TLS_TOPIC = res(T, "tls-topic", {"policy": doc(tls_deny("sns", "*"))})
PLAIN_TOPIC = res(T, "plain-topic", {})
TOPIC_POLICY_TLS = res(
    TP, "topic-policy", {"arn": out(PLAIN_TOPIC, "arn"), "policy": doc(tls_deny("sns", "*"))}
)

# --- consumer timing
CONSUMER = res(FN, "consumer", {"timeout": 30, "runtime": "python3.13"})
SLOW_QUEUE = res(Q, "work", {"visibilityTimeoutSeconds": 60})
OK_QUEUE = res(Q, "work-ok", {"visibilityTimeoutSeconds": 180})


def mapping(name: str, queue: object, fn: object) -> object:
    return res(ESM, name, {"eventSourceArn": out(queue, "arn"), "functionName": out(fn, "name")})


# --- functions: alarms, logs, destinations
FN_ALARM = alarm("consumer-errors", "AWS/Lambda", "Errors", "FunctionName", out(CONSUMER, "name"))
FN_ALARM_SILENT = alarm(
    "consumer-errors-silent",
    "AWS/Lambda",
    "Errors",
    "FunctionName",
    out(CONSUMER, "name"),
    actions=[],
)
FN_LOGS = res(
    LOGS, "consumer-logs", {"name": f"/aws/lambda/{out(CONSUMER, 'name')}", "retentionInDays": 30}
)
FN_LOGS_FOREVER = res(
    LOGS, "consumer-logs-forever", {"name": f"/aws/lambda/{out(CONSUMER, 'name')}"}
)
ASYNC_FN = res(FN, "async", {"timeout": 10})
ASYNC_FN_DLQ = res(
    FN, "async-dlq", {"timeout": 10, "deadLetterConfig": {"targetArn": out(DLQ, "arn")}}
)

# --- EventBridge
BUS_ = res(BUS, "orders-bus", {})
ARCHIVE_OK = res(
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
SUB_QUEUE_POLICY = res(
    QP,
    "fanout-policy",
    {
        "queueUrl": out(SUB_QUEUE, "url"),
        "policy": doc(send_from("sns.amazonaws.com", out(SUB_QUEUE, "arn"), TOPIC_ARN)),
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
UNUSED_KEY = res(KEY, "spare-key", {"policy": key_policy()})
AWS_KEY_QUEUE = res(Q, "aws-key-queue", {"kmsMasterKeyId": "alias/aws/sqs"})
AWS_KEY_SUB = res(
    SUB,
    "aws-key-sub",
    {"topic": TOPIC_ARN, "protocol": "sqs", "endpoint": out(AWS_KEY_QUEUE, "arn")},
)

# --- least privilege
ROLE_ = res(ROLE, "consumer-role", {"assumeRolePolicy": doc()})
LP_FN = res(FN, "lp-consumer", {"timeout": 10, "role": out(ROLE_, "arn")})
LP_QUEUE = res(Q, "lp-queue", {"visibilityTimeoutSeconds": 60})


def role_policy(name: str, resources: list[str], actions: list[str] | None = None) -> object:
    return res(
        ROLE_POLICY,
        name,
        {
            "role": out(ROLE_, "name"),
            "policy": doc(
                {
                    "Effect": "Allow",
                    "Action": actions or ["sqs:ReceiveMessage", "sqs:DeleteMessage"],
                    "Resource": resources,
                }
            ),
        },
    )


# --- DynamoDB capacity
PROVISIONED = res(
    TABLE,
    "provisioned",
    {"billingMode": "PROVISIONED", "readCapacity": 5, "writeCapacity": 5, "hashKey": "pk"},
)


def scaling(dimension: str) -> object:
    return res(
        SCALING,
        f"scale-{dimension.rsplit(':', 1)[1]}",
        {
            "resourceId": f"table/{out(PROVISIONED, 'name')}",
            "scalableDimension": dimension,
            "serviceNamespace": "dynamodb",
            "minCapacity": 1,
            "maxCapacity": 10,
        },
    )


CASES = [
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
    Case.passes("sns-topic-policy-tls-only", INLINE_TLS_TOPIC),
    Case.passes("sns-topic-policy-tls-only", PLAIN_TOPIC, TOPIC_POLICY_TLS),
    Case.fails("sns-topic-policy-tls-only", PLAIN_TOPIC),
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
    Case.passes("lambda-function-error-alarm", CONSUMER, FN_ALARM, TOPIC),
    Case.fails("lambda-function-error-alarm", CONSUMER, TOPIC),
    Case.fails("lambda-function-error-alarm", CONSUMER, FN_ALARM_SILENT, on=CONSUMER),
    Case.passes("lambda-function-log-group-retention", CONSUMER, FN_LOGS),
    Case.fails("lambda-function-log-group-retention", CONSUMER),
    Case.fails("lambda-function-log-group-retention", CONSUMER, FN_LOGS_FOREVER, on=CONSUMER),
    Case.passes("lambda-function-failure-destination", ASYNC_FN_DLQ, DLQ),
    Case.passes(
        "lambda-function-failure-destination",
        CONSUMER,
        OK_QUEUE,
        mapping("map-polled", OK_QUEUE, CONSUMER),
        label="polled-only",
    ),
    Case.passes(
        "lambda-function-failure-destination",
        ASYNC_FN,
        DLQ,
        res(
            INVOKE_CONFIG,
            "async-cfg",
            {
                "functionName": out(ASYNC_FN, "name"),
                "destinationConfig": {"onFailure": {"destination": out(DLQ, "arn")}},
            },
        ),
    ),
    Case.fails("lambda-function-failure-destination", ASYNC_FN),
    Case.passes("eventbridge-bus-has-archive", BUS_, ARCHIVE_OK),
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
    Case.passes("cloudwatch-alarm-actions-target-stack-topic", FN_ALARM, TOPIC),
    Case.fails(
        "cloudwatch-alarm-actions-target-stack-topic",
        alarm(
            "elsewhere",
            "AWS/Lambda",
            "Errors",
            "FunctionName",
            "f",
            actions=["arn:aws:sns:us-east-1:999999999999:other"],
        ),
    ),
    Case.passes("kms-key-grants-producer-service", TOPIC, KEY_OK, SUB_QUEUE, SUBSCRIPTION),
    Case.fails(
        "kms-key-grants-producer-service",
        TOPIC,
        KEY_NO_GRANT,
        SUB_QUEUE_BARE_KEY,
        SUBSCRIPTION_BARE,
        on=KEY_NO_GRANT,
    ),
    Case.fails(
        "kms-key-grants-producer-service",
        TOPIC,
        AWS_KEY_QUEUE,
        AWS_KEY_SUB,
        on=AWS_KEY_QUEUE,
        label="aws-managed-key",
    ),
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
    Case.passes("sqs-queue-orphan", SOURCE, DLQ),
    Case.fails("sqs-queue-orphan", SOURCE, DLQ, LONELY, on=LONELY),
    Case.passes("kms-key-unused", KEY_OK, SUB_QUEUE),
    Case.fails("kms-key-unused", KEY_OK, SUB_QUEUE, UNUSED_KEY, on=UNUSED_KEY),
    Case.passes(
        "lambda-role-least-privilege",
        ROLE_,
        LP_FN,
        LP_QUEUE,
        mapping("lp-map", LP_QUEUE, LP_FN),
        role_policy("lp-policy", [out(LP_QUEUE, "arn")]),
    ),
    Case.fails(
        "lambda-role-least-privilege",
        ROLE_,
        LP_FN,
        LP_QUEUE,
        mapping("lp-map", LP_QUEUE, LP_FN),
        role_policy("lp-policy-other", ["arn:aws:sqs:us-east-1:123456789012:other"]),
        on=LP_FN,
    ),
    Case.fails(
        "lambda-role-least-privilege",
        ROLE_,
        LP_FN,
        role_policy("lp-policy-star", ["*"], actions=["sqs:*"]),
        on=LP_FN,
        label="wildcard",
    ),
    Case.passes(
        "dynamodb-table-autoscaling",
        PROVISIONED,
        scaling("dynamodb:table:ReadCapacityUnits"),
        scaling("dynamodb:table:WriteCapacityUnits"),
    ),
    Case.passes(
        "dynamodb-table-autoscaling",
        res(TABLE, "on-demand", {"billingMode": "PAY_PER_REQUEST", "hashKey": "pk"}),
    ),
    Case.fails(
        "dynamodb-table-autoscaling",
        PROVISIONED,
        scaling("dynamodb:table:ReadCapacityUnits"),
        on=PROVISIONED,
    ),
]
