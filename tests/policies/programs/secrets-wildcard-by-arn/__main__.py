"""A worker role whose inline policy reads "the account's secrets" through an ARN that ends in
secret:*: every secret, not the one it needs. iam-policy-no-wildcard-resource must name the
role."""

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
region = aws.get_region().name
aws.iam.Role(
    "settlement-worker",
    assume_role_policy=json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "ecs-tasks.amazonaws.com"},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
    ),
    inline_policies=[
        {
            "name": "read-secrets",
            "policy": json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Action": "secretsmanager:GetSecretValue",
                            "Resource": f"arn:aws:secretsmanager:{region}:{account}:secret:*",
                        }
                    ],
                }
            ),
        }
    ],
    tags=TAGS,
)
