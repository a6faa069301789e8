"""A shipment pipeline, shared keys and a network, from raw pulumi_aws resources.

Counts the tests rely on: 3 KMS keys (2 shared, 1 in the pipeline), 1 NAT gateway with 1 EIP,
1 interface endpoint in 2 subnets, 1 ALB, 2 standard alarms + 1 metric-math alarm over 2
metrics + 1 high-resolution alarm, 1 composite alarm, 1 dashboard, a queue + DLQ consumed by
an arm64 function (batch 10, X-Ray on), an on-demand table with PITR, a log group (14 days),
an event bus with an archive (7 days), an ASG of 2 t4g.small (1 on demand, 1 spot) with a
20 GB gp3 volume each, a Fargate service of 2 arm64 tasks (0.5 vCPU, 1 GB).
"""

import json

import pulumi
import pulumi_aws as aws


class Pipeline(pulumi.ComponentResource):
    def __init__(self, name: str) -> None:
        super().__init__("test:shipments:Pipeline", name)
        child = pulumi.ResourceOptions(parent=self)
        key = aws.kms.Key(f"{name}-key", opts=child)
        dlq = aws.sqs.Queue(f"{name}-dlq", kms_master_key_id=key.arn, opts=child)
        queue = aws.sqs.Queue(
            f"{name}-queue",
            kms_master_key_id=key.arn,
            redrive_policy=dlq.arn.apply(
                lambda arn: json.dumps({"deadLetterTargetArn": arn, "maxReceiveCount": 3})
            ),
            opts=child,
        )
        function = aws.lambda_.Function(
            f"{name}-fn",
            role="arn:aws:iam::123456789012:role/fn",
            runtime="python3.13",
            handler="index.handler",
            code=pulumi.AssetArchive({}),
            memory_size=512,
            architectures=["arm64"],
            tracing_config={"mode": "Active"},
            opts=child,
        )
        aws.lambda_.EventSourceMapping(
            f"{name}-esm",
            event_source_arn=queue.arn,
            function_name=function.arn,
            batch_size=10,
            opts=child,
        )
        aws.dynamodb.Table(
            f"{name}-table",
            billing_mode="PAY_PER_REQUEST",
            hash_key="id",
            attributes=[{"name": "id", "type": "S"}],
            point_in_time_recovery={"enabled": True},
            opts=child,
        )
        aws.cloudwatch.LogGroup(f"{name}-logs", retention_in_days=14, opts=child)
        bus = aws.cloudwatch.EventBus(f"{name}-bus", opts=child)
        aws.cloudwatch.EventArchive(
            f"{name}-archive", event_source_arn=bus.arn, retention_days=7, opts=child
        )
        self.register_outputs({})


Pipeline("shipments")

shared = [aws.kms.Key(f"shared-key-{index}") for index in range(2)]

eip = aws.ec2.Eip("nat-ip", domain="vpc")
aws.ec2.NatGateway("nat", allocation_id=eip.id, subnet_id="subnet-0a")
aws.ec2.VpcEndpoint(
    "sqs-endpoint",
    vpc_id="vpc-0a",
    service_name="com.amazonaws.us-east-1.sqs",
    vpc_endpoint_type="Interface",
    subnet_ids=["subnet-0a", "subnet-0b"],
)
aws.ec2.VpcEndpoint("s3-endpoint", vpc_id="vpc-0a", service_name="com.amazonaws.us-east-1.s3")
aws.lb.LoadBalancer("api", load_balancer_type="application", subnets=["subnet-0a"])

for index in range(2):
    aws.cloudwatch.MetricAlarm(
        f"plain-{index}",
        comparison_operator="GreaterThanThreshold",
        evaluation_periods=1,
        metric_name="Errors",
        namespace="AWS/Lambda",
        period=60,
        statistic="Sum",
        threshold=1,
    )
aws.cloudwatch.MetricAlarm(
    "error-rate",
    comparison_operator="GreaterThanThreshold",
    evaluation_periods=1,
    threshold=10,
    metric_queries=[
        {"id": "result", "expression": "100 * e / i", "return_data": True},
        {
            "id": "e",
            "metric": {
                "metric_name": "Errors",
                "namespace": "AWS/Lambda",
                "period": 60,
                "stat": "Sum",
            },
        },
        {
            "id": "i",
            "metric": {
                "metric_name": "Invocations",
                "namespace": "AWS/Lambda",
                "period": 60,
                "stat": "Sum",
            },
        },
    ],
)
aws.cloudwatch.MetricAlarm(
    "fast",
    comparison_operator="GreaterThanThreshold",
    evaluation_periods=1,
    metric_name="Latency",
    namespace="App",
    period=10,
    statistic="Maximum",
    threshold=1,
)
aws.cloudwatch.CompositeAlarm("both", alarm_name="both", alarm_rule="ALARM(plain-0)")
aws.cloudwatch.Dashboard("ops", dashboard_name="ops", dashboard_body="{}")

template = aws.ec2.LaunchTemplate(
    "workers",
    image_id="ami-0a",
    instance_type="t4g.small",
    block_device_mappings=[
        {"device_name": "/dev/xvda", "ebs": {"volume_size": 20, "volume_type": "gp3"}}
    ],
)
aws.autoscaling.Group(
    "workers",
    min_size=2,
    max_size=4,
    desired_capacity=2,
    vpc_zone_identifiers=["subnet-0a"],
    mixed_instances_policy={
        "launch_template": {
            "launch_template_specification": {"launch_template_id": template.id},
        },
        "instances_distribution": {
            "on_demand_base_capacity": 1,
            "on_demand_percentage_above_base_capacity": 0,
        },
    },
)

task = aws.ecs.TaskDefinition(
    "api",
    family="api",
    cpu="512",
    memory="1024",
    requires_compatibilities=["FARGATE"],
    network_mode="awsvpc",
    runtime_platform={"cpu_architecture": "ARM64", "operating_system_family": "LINUX"},
    container_definitions="[]",
)
aws.ecs.Service("api", launch_type="FARGATE", desired_count=2, task_definition=task.arn)
