"""A queue with a 30 s visibility timeout feeding a 60 s function:
sqs-visibility-timeout-covers-consumer must name the queue."""

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
    "consumer",
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
queue = aws.sqs.Queue("jobs", visibility_timeout_seconds=30, tags=TAGS)
consumer = aws.lambda_.Function(
    "consumer",
    runtime="python3.13",
    handler="index.handler",
    role=role.arn,
    code=pulumi.AssetArchive({"index.py": pulumi.StringAsset("def handler(e, c):\n    pass\n")}),
    timeout=60,
    memory_size=256,
    tags=TAGS,
)
aws.lambda_.EventSourceMapping(
    "jobs-to-consumer",
    event_source_arn=queue.arn,
    function_name=consumer.name,
    batch_size=10,
    function_response_types=["ReportBatchItemFailures"],
)
