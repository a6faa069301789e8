"""A production stack (Environment `Production`, from the provider's default tags only): the
table and dead-letter queue are children of a protected component, so the SDK protects them too;
the bucket beside it is not protected. prod-stateful-resources-protected must name only the
bucket."""

import pulumi
import pulumi_aws as aws


class OrderStore(pulumi.ComponentResource):
    def __init__(self, name: str, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("acme:storage:OrderStore", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        aws.dynamodb.Table(
            name,
            hash_key="id",
            attributes=[aws.dynamodb.TableAttributeArgs(name="id", type="S")],
            billing_mode="PAY_PER_REQUEST",
            point_in_time_recovery=aws.dynamodb.TablePointInTimeRecoveryArgs(enabled=True),
            opts=child,
        )
        aws.sqs.Queue(f"{name}-dlq", name=f"{name}-dlq.fifo", fifo_queue=True, opts=child)
        self.register_outputs({})


OrderStore("orders", opts=pulumi.ResourceOptions(protect=True))
aws.s3.BucketV2("order-exports")
