"""A queue policy for an SNS fan-out written with Principal "*" and ArnEqualsIfExists on
aws:SourceArn: a request without a source ARN (any account's direct SendMessage) passes.
sqs-queue-policy-not-public must name the queue policy."""

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

key = aws.kms.Key("orders", description="orders messages", enable_key_rotation=True, tags=TAGS)
topic = aws.sns.Topic("orders", kms_master_key_id=key.arn, tags=TAGS)
queue = aws.sqs.Queue("orders-audit", kms_master_key_id=key.arn, tags=TAGS)
aws.sns.TopicSubscription("orders-audit", topic=topic.arn, protocol="sqs", endpoint=queue.arn)
aws.sqs.QueuePolicy(
    "orders-audit",
    queue_url=queue.url,
    policy=pulumi.Output.json_dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "FromOrdersTopic",
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "sqs:SendMessage",
                    "Resource": queue.arn,
                    "Condition": {"ArnEqualsIfExists": {"aws:SourceArn": topic.arn}},
                }
            ],
        }
    ),
)
