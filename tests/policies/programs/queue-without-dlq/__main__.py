"""A work queue with no redrive policy: sqs-queue-has-dead-letter-queue must name it."""

import pulumi_aws as aws

TAGS = {
    "Environment": "dev",
    "Project": "policy-tests",
    "Owner": "platform-team",
    "CostCenter": "cc-1",
    "DataClassification": "internal",
    "ManagedBy": "pulumi",
}

aws.sqs.Queue("work", sqs_managed_sse_enabled=True, tags=TAGS)
