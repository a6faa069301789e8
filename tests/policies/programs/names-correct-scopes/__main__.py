"""Equal names that AWS keeps apart: one rule name on the default bus and on two custom buses
(given by name and by ARN), one alarm name in two Regions (an explicit provider), one alias and
one statement ID on two functions (given by name and by ARN), and the same name prefix in two
components (the provider appends a unique suffix). physical-names-unique must stay silent."""

import pulumi
import pulumi_aws as aws

TAGS = {
    "Environment": "dev",
    "Project": "policy-tests",
    "Owner": "platform-team",
    "CostCenter": "cc-1",
    "DataClassification": "internal",
    "ManagedBy": "pulumi",
}
ACCOUNT = "123456789012"

west = aws.Provider("west", region="eu-west-1", default_tags={"tags": TAGS})

for logical, bus_name in (
    ("default", None),
    ("orders", "orders"),
    ("payments", f"arn:aws:events:us-east-1:{ACCOUNT}:event-bus/payments"),
):
    aws.cloudwatch.EventRule(
        f"shipments-on-{logical}",
        name="shipments",
        event_bus_name=bus_name,
        event_pattern='{"source": ["orders"]}',
        tags=TAGS,
    )

for region, opts in (("us-east-1", None), ("eu-west-1", pulumi.ResourceOptions(provider=west))):
    aws.cloudwatch.MetricAlarm(
        f"put-events-failed-{region}",
        name="put-events-failed",
        namespace="AWS/Events",
        metric_name="PutEventsFailedEntriesCount",
        statistic="Sum",
        period=60,
        evaluation_periods=1,
        threshold=1,
        comparison_operator="GreaterThanOrEqualToThreshold",
        treat_missing_data="notBreaching",
        alarm_actions=[f"arn:aws:sns:{region}:{ACCOUNT}:oncall"],
        tags=TAGS,
        opts=opts,
    )

for function_name in ("orders-ingest", "orders-export"):
    aws.lambda_.Alias(
        f"{function_name}-live", name="live", function_name=function_name, function_version="1"
    )
    aws.lambda_.Permission(
        f"{function_name}-from-events",
        statement_id="AllowEventBridge",
        function=f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:{function_name}",
        action="lambda:InvokeFunction",
        principal="events.amazonaws.com",
        source_arn=f"arn:aws:events:us-east-1:{ACCOUNT}:rule/shipments",
    )


class Worker(pulumi.ComponentResource):
    def __init__(self, type_: str, name: str) -> None:
        super().__init__(type_, name)
        child = pulumi.ResourceOptions(parent=self)
        aws.cloudwatch.LogGroup(
            "logs",
            name_prefix="/worker/",
            retention_in_days=400,
            kms_key_id=f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1111",
            tags=TAGS,
            opts=child,
        )
        aws.ssm.Parameter(
            "setting",
            name=f"/{name}/{type_.rsplit(':', 1)[-1].lower()}/batch-size",
            type="String",
            value="10",
            tags=TAGS,
            opts=child,
        )


Worker("example:jobs:Batch", "worker")
Worker("example:jobs:Stream", "worker")
