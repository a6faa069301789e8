"""Encrypted queues only: the test pack finds nothing mandatory."""

import pulumi
import pulumi_aws as aws

config = pulumi.Config()
key = aws.kms.Key("queues-key", description="queue encryption")
queues = [
    aws.sqs.Queue(f"work-{index}", kms_master_key_id=key.arn)
    for index in range(config.require_int("queueCount"))
]
pulumi.export("queueUrls", [queue.url for queue in queues])
pulumi.export("owner", config.require_secret("owner"))
pulumi.export("maxReceiveCount", config.require_object("limits")["maxReceiveCount"])
print("this print must not reach stdout")
