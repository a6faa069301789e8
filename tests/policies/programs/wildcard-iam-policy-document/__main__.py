"""A function role whose inline policy, built with get_policy_document, allows sqs:*:
lambda-role-least-privilege must name the function."""

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

trust = aws.iam.get_policy_document(
    statements=[
        {
            "actions": ["sts:AssumeRole"],
            "principals": [{"type": "Service", "identifiers": ["lambda.amazonaws.com"]}],
        }
    ]
)
role = aws.iam.Role("handler", assume_role_policy=trust.json, tags=TAGS)
aws.iam.RolePolicy(
    "handler-queues",
    role=role.name,
    policy=aws.iam.get_policy_document(
        statements=[{"actions": ["sqs:*"], "resources": ["*"]}]
    ).json,
)
aws.lambda_.Function(
    "handler",
    runtime="python3.13",
    handler="index.handler",
    role=role.arn,
    code=pulumi.AssetArchive({"index.py": pulumi.StringAsset("def handler(e, c):\n    pass\n")}),
    timeout=30,
    memory_size=256,
    tags=TAGS,
)
