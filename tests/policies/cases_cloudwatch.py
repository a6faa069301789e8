"""Cases for policies/rules/cloudwatch.py: log groups and alarms, what alarms watch
(cloudwatch-alarm-metric-exists) and where their actions go."""

from __future__ import annotations

from typing import Any

from tests.policies.harness import UNKNOWN_OBJECT, UNKNOWN_STRING, Case, out, res

LOGS = "aws:cloudwatch/logGroup:LogGroup"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
KEY = "arn:aws:kms:us-east-1:123456789012:key/1111"

TOPIC_ARN = "arn:aws:sns:us-east-1:123456789012:alerts"

# Fixtures of the alarm-metric cases.
POLICY = "cloudwatch-alarm-metric-exists"

RULE = "aws:cloudwatch/eventRule:EventRule"
BUS_ARN = "arn:aws:events:us-east-1:123456789012:event-bus/orders"


def alarm(name: str, namespace: str, metric: str, dimensions: Any, **extra: Any) -> Any:
    inputs = {
        "name": name,
        "namespace": namespace,
        "metricName": metric,
        "dimensions": dimensions,
        "statistic": "Sum",
        "period": 60,
        "evaluationPeriods": 1,
        "threshold": 1,
        "comparisonOperator": "GreaterThanOrEqualToThreshold",
        **extra,
    }
    return res(ALARM, name, inputs)


def math_alarm(name: str, *metrics: tuple[str, str, dict]) -> Any:
    queries: list[dict] = [
        {
            "id": f"m{i}",
            "metric": {
                "namespace": ns,
                "metricName": m,
                "dimensions": d,
                "period": 60,
                "stat": "Sum",
            },
        }
        for i, (ns, m, d) in enumerate(metrics)
    ]
    queries.append({"id": "total", "expression": "m0 + m1", "returnData": True})
    return res(
        ALARM,
        name,
        {
            "name": name,
            "metricQueries": queries,
            "evaluationPeriods": 1,
            "threshold": 1,
            "comparisonOperator": "GreaterThanOrEqualToThreshold",
        },
    )


custom_bus_rule = res(RULE, "shipments", {"name": "shipments", "eventBusName": "orders"})
arn_bus_rule = res(RULE, "returns", {"name": "returns", "eventBusName": BUS_ARN})
default_bus_rule = res(RULE, "nightly", {"name": "nightly"})
TABLE = {"TableName": "orders"}

# Fixtures of the linked-stack cases.
T = "aws:sns/topic:Topic"

FN = "aws:lambda/function:Function"


def alarm_on(
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
            "alarmActions": actions if actions is not None else [ALERTS_ARN],
        },
    )


TOPIC = res(T, "alerts", {})
ALERTS_ARN = out(TOPIC, "arn")

# --- consumer timing
CONSUMER = res(FN, "consumer", {"timeout": 30, "runtime": "python3.13"})

# --- functions: alarms, logs, destinations
FN_ALARM = alarm_on(
    "consumer-errors", "AWS/Lambda", "Errors", "FunctionName", out(CONSUMER, "name")
)


CASES = [
    # CloudWatch
    Case.passes("cloudwatch-log-group-retention", res(LOGS, "kept", {"retentionInDays": 30})),
    Case.passes(
        "cloudwatch-log-group-retention",
        res(LOGS, "unknown", {"retentionInDays": "3eeb2bf0-c639-47a8-9e75-3b44932eb421"}),
    ),
    Case.fails("cloudwatch-log-group-retention", res(LOGS, "forever", {})),
    Case.passes(
        "cloudwatch-log-group-retention-one-year", res(LOGS, "year", {"retentionInDays": 400})
    ),
    Case.fails(
        "cloudwatch-log-group-retention-one-year", res(LOGS, "week", {"retentionInDays": 7})
    ),
    Case.passes("cloudwatch-log-group-customer-managed-key", res(LOGS, "cmk", {"kmsKeyId": KEY})),
    Case.fails("cloudwatch-log-group-customer-managed-key", res(LOGS, "plain", {})),
    Case.passes("cloudwatch-alarm-has-action", res(ALARM, "paging", {"alarmActions": [TOPIC_ARN]})),
    Case.fails("cloudwatch-alarm-has-action", res(ALARM, "silent", {"alarmActions": []})),
    Case.passes("cloudwatch-alarm-actions-enabled", res(ALARM, "on", {"actionsEnabled": True})),
    Case.fails("cloudwatch-alarm-actions-enabled", res(ALARM, "off", {"actionsEnabled": False})),
    Case.passes(
        "cloudwatch-alarm-treat-missing-data",
        res(ALARM, "explicit", {"treatMissingData": "notBreaching"}),
    ),
    Case.fails("cloudwatch-alarm-treat-missing-data", res(ALARM, "implicit", {})),
    Case.fails(
        "cloudwatch-alarm-treat-missing-data",
        res(ALARM, "missing", {"treatMissingData": "missing"}),
    ),
    # cloudwatch-alarm-metric-exists: alarms on metrics AWS publishes, with the dimension sets it
    # publishes them with (including metric math and custom-bus rule metrics).
    Case.passes(
        POLICY,
        alarm("queue-age", "AWS/SQS", "ApproximateAgeOfOldestMessage", {"QueueName": "jobs"}),
        alarm("fn-errors", "AWS/Lambda", "Errors", {"FunctionName": "worker"}),
        alarm("reads", "AWS/DynamoDB", "ReadThrottleEvents", TABLE),
        alarm("per-op", "AWS/DynamoDB", "ThrottledRequests", {**TABLE, "Operation": "PutItem"}),
        alarm("asg", "AWS/AutoScaling", "GroupInServiceInstances", {"AutoScalingGroupName": "a"}),
        alarm(
            "tg",
            "AWS/ApplicationELB",
            "UnHealthyHostCount",
            {"LoadBalancer": "app/api/1", "TargetGroup": "targetgroup/api/2"},
        ),
        label="published-metrics",
    ),
    # S2: ThrottledRequests exists only per TableName and Operation.
    Case.fails(POLICY, alarm("throttles", "AWS/DynamoDB", "ThrottledRequests", TABLE)),
    Case.fails(
        POLICY,
        alarm("typo", "AWS/SQS", "ApproximateNumberOfMessages", {"QueueName": "jobs"}),
        label="unknown-metric-name",
    ),
    Case.fails(
        POLICY,
        alarm("extra-dim", "AWS/SQS", "NumberOfMessagesSent", {"QueueName": "q", "Env": "dev"}),
        label="extra-dimension",
    ),
    Case.passes(
        POLICY,
        alarm("custom", "Orders/Service", "ShipmentsLate", {"Carrier": "ups"}),
        alarm("insights", "ECS/ContainerInsights", "RunningTaskCount", {"ClusterName": "c"}),
        label="custom-namespaces-skipped",
    ),
    Case.passes(
        POLICY,
        math_alarm(
            "table-throttles",
            ("AWS/DynamoDB", "ReadThrottleEvents", TABLE),
            ("AWS/DynamoDB", "WriteThrottleEvents", TABLE),
        ),
        label="metric-math-published",
    ),
    Case.fails(
        POLICY,
        math_alarm(
            "math-throttles",
            ("AWS/DynamoDB", "ThrottledRequests", TABLE),
            ("AWS/DynamoDB", "WriteThrottleEvents", TABLE),
        ),
        label="metric-math-unpublished",
    ),
    Case.passes(
        POLICY,
        res(
            ALARM,
            "unknown-dims",
            {
                "namespace": "AWS/DynamoDB",
                "metricName": "ThrottledRequests",
                "dimensions": UNKNOWN_OBJECT,
            },
        ),
        res(
            ALARM,
            "unknown-metric",
            {
                "namespace": "AWS/SQS",
                "metricName": UNKNOWN_STRING,
                "dimensions": {"QueueName": "q"},
            },
        ),
        label="unknown-skipped",
    ),
    # S3: RuleName alone is the default bus; a custom bus's rule metrics carry EventBusName.
    Case.fails(
        POLICY,
        throttled := alarm(
            "rule-throttled", "AWS/Events", "ThrottledRules", {"RuleName": "shipments"}
        ),
        custom_bus_rule,
        on=throttled,
        label="custom-bus-rule-without-bus",
    ),
    Case.fails(
        POLICY,
        arn_alarm := alarm(
            "returns-failed", "AWS/Events", "FailedInvocations", {"RuleName": "returns"}
        ),
        arn_bus_rule,
        on=arn_alarm,
        label="custom-bus-by-arn-without-bus",
    ),
    Case.passes(
        POLICY,
        alarm(
            "rule-ok",
            "AWS/Events",
            "ThrottledRules",
            {"RuleName": "shipments", "EventBusName": "orders"},
        ),
        alarm("nightly-failed", "AWS/Events", "FailedInvocations", {"RuleName": "nightly"}),
        alarm("outside", "AWS/Events", "FailedInvocations", {"RuleName": "other-stack-rule"}),
        custom_bus_rule,
        default_bus_rule,
        label="rule-metrics-on-their-bus",
    ),
    Case.fails(
        POLICY,
        wrong_bus := alarm(
            "wrong-bus",
            "AWS/Events",
            "InvocationsSentToDlq",
            {"RuleName": "shipments", "EventBusName": "payments"},
        ),
        custom_bus_rule,
        on=wrong_bus,
        label="rule-metric-on-another-bus",
    ),
    # The rule's name is unknown in a first preview: the engine's dependency names the rule.
    Case.fails(
        POLICY,
        pending := res(
            ALARM,
            "pending-rule",
            {
                "namespace": "AWS/Events",
                "metricName": "ThrottledRules",
                "dimensions": {"RuleName": UNKNOWN_STRING},
            },
            deps={"dimensions": [custom_bus_rule]},
        ),
        custom_bus_rule,
        on=pending,
        label="unknown-rule-name-resolved-by-dependency",
    ),
    # Namespaces match exactly: a namespace that differs from an AWS one in case only.
    Case.fails(
        POLICY,
        alarm("ns-case", "AWS/Sqs", "ApproximateAgeOfOldestMessage", {"QueueName": "jobs"}),
        label="namespace-case",
    ),
    Case.fails(
        POLICY,
        math_alarm(
            "ns-lower-math",
            ("aws/lambda", "Errors", {"FunctionName": "worker"}),
            ("AWS/Lambda", "Invocations", {"FunctionName": "worker"}),
        ),
        label="namespace-case-in-metric-math",
    ),
    # Dimension values are names (or, for ELB, the ARN's final portion), never ARNs or URLs.
    Case.fails(
        POLICY,
        alarm(
            "fn-by-arn",
            "AWS/Lambda",
            "Errors",
            {"FunctionName": "arn:aws:lambda:us-east-1:123456789012:function:worker"},
        ),
        label="dimension-value-arn",
    ),
    Case.fails(
        POLICY,
        alarm(
            "queue-by-url",
            "AWS/SQS",
            "ApproximateAgeOfOldestMessage",
            {"QueueName": "https://sqs.us-east-1.amazonaws.com/123456789012/jobs"},
        ),
        label="dimension-value-url",
    ),
    Case.fails(
        POLICY,
        alarm(
            "cluster-by-arn",
            "AWS/ECS",
            "CPUUtilization",
            {
                "ClusterName": "arn:aws:ecs:us-east-1:123456789012:cluster/main",
                "ServiceName": "web",
            },
        ),
        label="ecs-cluster-by-arn",
    ),
    Case.fails(
        POLICY,
        alarm(
            "lb-by-name", "AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", {"LoadBalancer": "api"}
        ),
        label="alb-by-name-not-arn-suffix",
    ),
    Case.fails(
        POLICY,
        alarm(
            "bus-by-arn",
            "AWS/Events",
            "FailedInvocations",
            {"RuleName": "shipments", "EventBusName": BUS_ARN},
        ),
        custom_bus_rule,
        label="event-bus-dimension-by-arn",
    ),
    Case.passes(
        POLICY,
        alarm(
            "alb-suffixes",
            "AWS/ApplicationELB",
            "TargetResponseTime",
            {"LoadBalancer": "app/api/50dc6c495c0c9188", "TargetGroup": "targetgroup/api/6d0ecf"},
            extendedStatistic="p99",
        ),
        alarm("account-concurrency", "AWS/Lambda", "ConcurrentExecutions", None),
        alarm("account-unreserved", "AWS/Lambda", "UnreservedConcurrentExecutions", {}),
        alarm(
            "alias-errors",
            "AWS/Lambda",
            "Errors",
            {"FunctionName": "worker", "Resource": "worker:live"},
        ),
        alarm(
            "service-memory",
            "AWS/ECS",
            "MemoryUtilization",
            {"ClusterName": "main", "ServiceName": "web"},
        ),
        alarm("custom-aws-like", "Orders/AWS", "Late", {"Arn": "arn:aws:sqs:x"}),
        alarm(
            "unknown-value",
            "AWS/Lambda",
            "Errors",
            {"FunctionName": UNKNOWN_STRING},
        ),
        label="published-forms",
    ),
    # Small linked stacks (stack rules).
    Case.passes("cloudwatch-alarm-actions-target-stack-topic", FN_ALARM, TOPIC),
    Case.fails(
        "cloudwatch-alarm-actions-target-stack-topic",
        alarm_on(
            "elsewhere",
            "AWS/Lambda",
            "Errors",
            "FunctionName",
            "f",
            actions=["arn:aws:sns:us-east-1:999999999999:other"],
        ),
    ),
]
