"""A notifier function configured the quick way: the Slack webhook and the database URL (with
its password) go straight into the environment. lambda-function-no-secrets-in-env must name it;
the variable names (WEBHOOK, DSN) say nothing about secrets, the values do."""

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

config = pulumi.Config()
role = aws.iam.Role(
    "notifier",
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
aws.lambda_.Function(
    "notifier",
    runtime="python3.12",
    handler="notifier.handler",
    role=role.arn,
    code=pulumi.AssetArchive({"notifier.py": pulumi.StringAsset("def handler(e, c): pass\n")}),
    timeout=10,
    environment={
        "variables": {
            "WEBHOOK": "https://hooks.slack.com/services/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",
            "DSN": "postgresql://notifier:Qm7vTx2pWk9@orders-db.internal:5432/orders",
            "LOG_LEVEL": "INFO",
        }
    },
    tags=TAGS,
)
