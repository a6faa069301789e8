"""Two components: `ingest` (a key and two queues) and `worker` (a function reading one of
ingest's queues by ARN), plus a dashboard directly under the stack."""

import pulumi
import pulumi_aws as aws


class Ingest(pulumi.ComponentResource):
    def __init__(self, name: str) -> None:
        super().__init__("test:messaging:Ingest", name)
        child = pulumi.ResourceOptions(parent=self)
        key = aws.kms.Key(f"{name}-key", opts=child)
        self.queue = aws.sqs.Queue(
            f"{name}-queue", name=f"{name}-queue", kms_master_key_id=key.arn, opts=child
        )
        aws.sqs.Queue(f"{name}-dlq", kms_master_key_id=key.arn, opts=child)
        self.register_outputs({})


class Worker(pulumi.ComponentResource):
    def __init__(self, name: str, queue_arn: str) -> None:
        super().__init__("test:compute:Worker", name)
        child = pulumi.ResourceOptions(parent=self)
        function = aws.lambda_.Function(
            f"{name}-fn",
            role="arn:aws:iam::123456789012:role/fn",
            runtime="python3.13",
            handler="index.handler",
            code=pulumi.AssetArchive({}),
            opts=child,
        )
        aws.lambda_.EventSourceMapping(
            f"{name}-esm", event_source_arn=queue_arn, function_name=function.arn, opts=child
        )
        self.register_outputs({})


ingest = Ingest("ingest")
# A plain string, not an Output: the edge must come from the ARN's value.
Worker("worker", "arn:aws:sqs:us-east-1:123456789012:ingest-queue")
aws.cloudwatch.Dashboard("ops", dashboard_name="ops", dashboard_body="{}")
