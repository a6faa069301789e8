"""A cluster with two CPU alarms: `cluster-cpu` passes the cluster's `id` as ClusterName, and an
ECS cluster's id is its ARN, while AWS/ECS publishes ClusterName as the cluster's name, so the
alarm never gets data; `service-cpu` passes `cluster.name`. cloudwatch-alarm-metric-exists must
name `cluster-cpu` only (once the ARN is known)."""

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

cluster = aws.ecs.Cluster(
    "main",
    name="orders",
    settings=[{"name": "containerInsights", "value": "enabled"}],
    tags=TAGS,
)
for alarm_name, dimensions in (
    ("cluster-cpu", {"ClusterName": cluster.id}),
    ("service-cpu", {"ClusterName": cluster.name, "ServiceName": "tracking-api"}),
):
    aws.cloudwatch.MetricAlarm(
        alarm_name,
        name=f"orders-{alarm_name}",
        namespace="AWS/ECS",
        metric_name="CPUUtilization",
        dimensions=dimensions,
        statistic="Average",
        period=60,
        evaluation_periods=5,
        threshold=80,
        comparison_operator="GreaterThanThreshold",
        treat_missing_data="breaching",
        alarm_actions=[ONCALL],
        tags=TAGS,
    )
