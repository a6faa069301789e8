"""SNS fan-out to a queue encrypted with a CMK named by its alias: the key policy allows
sns.amazonaws.com kms:GenerateDataKey*/kms:Decrypt, then a Deny with NotPrincipal (the account
root) takes every KMS action from everyone else, SNS included; an explicit Deny overrides the
Allow, so every delivery fails. kms-key-grants-producer-service must name the key."""

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

account = aws.get_caller_identity().account_id
root = f"arn:aws:iam::{account}:root"
key = aws.kms.Key(
    "fanout-key",
    description="fan-out queue encryption",
    enable_key_rotation=True,
    policy=json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "AccountAdmin",
                    "Effect": "Allow",
                    "Principal": {"AWS": root},
                    "Action": "kms:*",
                    "Resource": "*",
                },
                {
                    "Sid": "SnsDelivers",
                    "Effect": "Allow",
                    "Principal": {"Service": ["sns.amazonaws.com"]},
                    "Action": ["kms:GenerateDataKey*", "kms:Decrypt"],
                    "Resource": "*",
                    "Condition": {"StringEquals": {"aws:SourceAccount": account}},
                },
                {
                    "Sid": "NobodyElse",
                    "Effect": "Deny",
                    "NotPrincipal": {"AWS": root},
                    "Action": "kms:*",
                    "Resource": "*",
                },
            ],
        }
    ),
    tags=TAGS,
)
alias = aws.kms.Alias("fanout-key", name="alias/orders-fanout", target_key_id=key.key_id)
topic = aws.sns.Topic("orders", tags=TAGS)
queue = aws.sqs.Queue("orders-fanout", kms_master_key_id=alias.name, tags=TAGS)
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
