"""A table with two throttle alarms: `throttles` watches ThrottledRequests per TableName only,
which DynamoDB publishes per TableName and Operation, so it never gets data;
`write-throttles` watches WriteThrottleEvents per TableName, which exists.
cloudwatch-alarm-metric-exists must name `throttles` only."""

import pulumi_aws as aws

TAGS = {
    "Environment": "dev",
    "Project": "policy-tests",
    "Owner": "platform-team",
    "CostCenter": "cc-1",
    "DataClassification": "internal",
    "ManagedBy": "pulumi",
}

table = aws.dynamodb.Table(
    "orders",
    name="orders",
    hash_key="order_id",
    attributes=[{"name": "order_id", "type": "S"}],
    billing_mode="PAY_PER_REQUEST",
    point_in_time_recovery={"enabled": True},
    tags=TAGS,
)
topic = aws.sns.Topic("alarms", kms_master_key_id="alias/alarms", tags=TAGS)
for alarm_name, metric in (
    ("throttles", "ThrottledRequests"),
    ("write-throttles", "WriteThrottleEvents"),
):
    aws.cloudwatch.MetricAlarm(
        alarm_name,
        name=f"orders-{alarm_name}",
        namespace="AWS/DynamoDB",
        metric_name=metric,
        dimensions={"TableName": table.name},
        statistic="Sum",
        period=60,
        evaluation_periods=1,
        threshold=1,
        comparison_operator="GreaterThanOrEqualToThreshold",
        treat_missing_data="notBreaching",
        alarm_actions=[topic.arn],
        tags=TAGS,
    )
