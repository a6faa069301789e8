"""One queue without encryption inside a component, one encrypted queue."""

import pulumi
import pulumi_aws as aws


class Inbox(pulumi.ComponentResource):
    def __init__(self, name: str) -> None:
        super().__init__("test:messaging:Inbox", name)
        self.queue = aws.sqs.Queue(f"{name}-queue", opts=pulumi.ResourceOptions(parent=self))
        self.register_outputs({"url": self.queue.url})


Inbox("orders")
aws.sqs.Queue("audit", sqs_managed_sse_enabled=True)
