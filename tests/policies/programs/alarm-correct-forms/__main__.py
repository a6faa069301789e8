"""Alarms on published metrics in unusual forms: account-level Lambda concurrency (no
dimension), an alias's errors (FunctionName and Resource), a p99 latency on an ALB target
group (the ARN suffixes, an extended statistic), an ECS service, the oldest message of a FIFO
queue, a custom bus's rule (EventBusName and RuleName), a metric-math error rate, and a
custom namespace. cloudwatch-alarm-metric-exists must stay silent."""

import pulumi_aws as aws

TAGS = {
    "Environment": "dev",
    "Project": "policy-tests",
    "Owner": "platform-team",
    "CostCenter": "cc-1",
    "DataClassification": "internal",
    "ManagedBy": "pulumi",
}
ONCALL = "arn:aws:sns:us-east-1:123456789012:oncall"
COMMON = {
    "period": 60,
    "evaluation_periods": 1,
    "threshold": 1,
    "comparison_operator": "GreaterThanOrEqualToThreshold",
    "treat_missing_data": "notBreaching",
    "alarm_actions": [ONCALL],
    "tags": TAGS,
}

lb = aws.lb.LoadBalancer(
    "api",
    name="orders-api",
    subnets=["subnet-a", "subnet-b"],
    drop_invalid_header_fields=True,
    access_logs={"bucket": "orders-alb-logs", "enabled": True},
    tags=TAGS,
)
tg = aws.lb.TargetGroup(
    "api",
    name="orders-api",
    port=8080,
    protocol="HTTP",
    vpc_id="vpc-1",
    health_check={"path": "/health", "matcher": "200"},
    tags=TAGS,
)
# The bus is another stack's; the rule is on it by name.
rule = aws.cloudwatch.EventRule(
    "shipments",
    name="shipments",
    event_bus_name="orders",
    event_pattern='{"source": ["orders"]}',
    tags=TAGS,
)


def alarm(name: str, namespace: str, metric: str, dimensions: object, **extra: object) -> None:
    args = {"statistic": "Sum", **COMMON, **extra}
    if "extended_statistic" in extra:
        del args["statistic"]
    aws.cloudwatch.MetricAlarm(
        name,
        name=f"orders-{name}",
        namespace=namespace,
        metric_name=metric,
        dimensions=dimensions,
        **args,
    )


alarm("account-concurrency", "AWS/Lambda", "ConcurrentExecutions", None, statistic="Maximum")
alarm("live-errors", "AWS/Lambda", "Errors", {"FunctionName": "orders", "Resource": "orders:live"})
alarm(
    "api-latency",
    "AWS/ApplicationELB",
    "TargetResponseTime",
    {"LoadBalancer": lb.arn_suffix, "TargetGroup": tg.arn_suffix},
    extended_statistic="p99",
)
alarm(
    "api-memory",
    "AWS/ECS",
    "MemoryUtilization",
    {"ClusterName": "orders", "ServiceName": "api"},
    statistic="Average",
)
alarm("fifo-age", "AWS/SQS", "ApproximateAgeOfOldestMessage", {"QueueName": "jobs.fifo"})
alarm(
    "shipments-failed",
    "AWS/Events",
    "FailedInvocations",
    {"EventBusName": rule.event_bus_name, "RuleName": rule.name},
)
alarm("late", "Orders/Shipping", "LateShipments", {"Carrier": "arn-like:ups"})
aws.cloudwatch.MetricAlarm(
    "error-rate",
    name="orders-error-rate",
    metric_queries=[
        {"id": "rate", "expression": "100 * errors / invocations", "return_data": True},
        {
            "id": "errors",
            "metric": {
                "namespace": "AWS/Lambda",
                "metric_name": "Errors",
                "dimensions": {"FunctionName": "orders"},
                "period": 60,
                "stat": "Sum",
            },
        },
        {
            "id": "invocations",
            "metric": {
                "namespace": "AWS/Lambda",
                "metric_name": "Invocations",
                "dimensions": {"FunctionName": "orders"},
                "period": 60,
                "stat": "Sum",
            },
        },
    ],
    **{k: v for k, v in COMMON.items() if k != "period"},
)
