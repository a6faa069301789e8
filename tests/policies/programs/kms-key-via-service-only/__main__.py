"""A key policy that lets "any principal using SQS" decrypt: kms:ViaService alone matches every
account's callers. kms-key-policy-no-public-principal must name the key."""

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

account = aws.get_caller_identity().account_id
sqs = f"sqs.{aws.get_region().name}.amazonaws.com"
aws.kms.Key(
    "payments",
    description="payments queue encryption",
    enable_key_rotation=True,
    policy=json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "AccountAdmin",
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
                    "Action": "kms:*",
                    "Resource": "*",
                },
                {
                    "Sid": "UseThroughSqs",
                    "Effect": "Allow",
                    "Principal": {"AWS": "*"},
                    "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
                    "Resource": "*",
                    "Condition": {"StringEquals": {"kms:ViaService": sqs}},
                },
            ],
        }
    ),
    tags=TAGS,
)
