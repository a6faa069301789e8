"""SNS fan-out to a queue encrypted with a CMK whose policy does not grant sns.amazonaws.com:
kms-key-grants-producer-service must name the key."""

import json

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

identity = aws.get_caller_identity()
key = aws.kms.Key(
    "queue-key",
    description="queue key",
    enable_key_rotation=True,
    policy=json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "Root",
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{identity.account_id}:root"},
                    "Action": "kms:*",
                    "Resource": "*",
                }
            ],
        }
    ),
    tags=TAGS,
)
topic = aws.sns.Topic("orders", kms_master_key_id=key.arn, tags=TAGS)
queue = aws.sqs.Queue("orders-fanout", kms_master_key_id=key.arn, tags=TAGS)
aws.sns.TopicSubscription("orders-fanout", topic=topic.arn, protocol="sqs", endpoint=queue.arn)
aws.sqs.QueuePolicy(
    "orders-fanout",
    queue_url=queue.url,
    policy=pulumi.Output.all(queue.arn, topic.arn).apply(
        lambda arns: json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": "sns.amazonaws.com"},
                        "Action": "sqs:SendMessage",
                        "Resource": arns[0],
                        "Condition": {"ArnEquals": {"aws:SourceArn": arns[1]}},
                    }
                ],
            }
        )
    ),
)
