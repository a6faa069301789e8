"""A function role given a "self-service" policy: it may attach managed policies to and write
inline policies on its own role ARN, so the function can grant itself anything.
iam-role-no-self-escalation must name the role."""

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

role = aws.iam.Role(
    "provisioner",
    assume_role_policy=json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "lambda.amazonaws.com"},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
    ),
    tags=TAGS,
)
self_service = aws.iam.Policy(
    "provisioner-self-service",
    description="lets the provisioner adjust its own permissions",
    policy=pulumi.Output.json_dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "AdjustOwnRole",
                    "Effect": "Allow",
                    "Action": ["iam:AttachRolePolicy", "iam:PutRolePolicy"],
                    "Resource": role.arn,
                }
            ],
        }
    ),
    tags=TAGS,
)
aws.iam.RolePolicyAttachment(
    "provisioner-self-service", role=role.name, policy_arn=self_service.arn
)
