"""A queue with SSE explicitly off: sqs-queue-encrypted must name it."""

import pulumi_aws as aws

TAGS = {
    "Environment": "dev",
    "Project": "policy-tests",
    "Owner": "platform-team",
    "CostCenter": "cc-1",
    "DataClassification": "internal",
    "ManagedBy": "pulumi",
}

aws.sqs.Queue("plain", sqs_managed_sse_enabled=False, tags=TAGS)
