"""A customer managed key with automatic rotation off (otherwise well formed: explicit key
policy, description, 30-day deletion window, tags): our kms-key-rotation-enabled and AWSGuard's
cmk-backing-key-rotation-enabled must both name it."""

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

identity = aws.get_caller_identity()
aws.kms.Key(
    "unrotated",
    description="key without rotation",
    enable_key_rotation=False,
    deletion_window_in_days=30,
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
