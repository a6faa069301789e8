"""A rule on a custom bus with two alarms: `failed` names the rule by RuleName and EventBusName,
as EventBridge publishes a custom bus's rule metrics; `throttled` names it by RuleName alone,
which means a rule of the default bus, so it never gets data.
cloudwatch-alarm-metric-exists must name `throttled` only."""

import json

import pulumi_aws as aws

TAGS = {
    "Environment": "dev",
    "Project": "policy-tests",
    "Owner": "platform-team",
    "CostCenter": "cc-1",
    "DataClassification": "internal",
    "ManagedBy": "pulumi",
}

bus = aws.cloudwatch.EventBus("shipments", name="shipments", tags=TAGS)
rule = aws.cloudwatch.EventRule(
    "shipment-created",
    name="shipment-created",
    event_bus_name=bus.name,
    event_pattern=json.dumps({"source": ["shipments.service"]}),
    tags=TAGS,
)
topic = aws.sns.Topic("alarms", kms_master_key_id="alias/alarms", tags=TAGS)
for alarm_name, metric, dimensions in (
    ("failed", "FailedInvocations", {"RuleName": rule.name, "EventBusName": bus.name}),
    ("throttled", "ThrottledRules", {"RuleName": rule.name}),
):
    aws.cloudwatch.MetricAlarm(
        alarm_name,
        name=f"shipment-created-{alarm_name}",
        namespace="AWS/Events",
        metric_name=metric,
        dimensions=dimensions,
        statistic="Sum",
        period=60,
        evaluation_periods=1,
        threshold=1,
        comparison_operator="GreaterThanOrEqualToThreshold",
        treat_missing_data="notBreaching",
        alarm_actions=[topic.arn],
        tags=TAGS,
    )
