"""A function nobody watches: lambda-function-error-alarm must name it."""

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
    "worker",
    assume_role_policy=aws.iam.get_policy_document(
        statements=[
            {
                "actions": ["sts:AssumeRole"],
                "principals": [{"type": "Service", "identifiers": ["lambda.amazonaws.com"]}],
            }
        ]
    ).json,
    tags=TAGS,
)
aws.lambda_.Function(
    "worker",
    runtime="python3.13",
    handler="index.handler",
    role=role.arn,
    code=pulumi.AssetArchive({"index.py": pulumi.StringAsset("def handler(e, c):\n    pass\n")}),
    timeout=30,
    memory_size=256,
    tags=TAGS,
)
