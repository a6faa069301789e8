"""A custom event bus with no archive: eventbridge-bus-has-archive must name it."""

import pulumi_aws as aws

TAGS = {
    "Environment": "dev",
    "Project": "policy-tests",
    "Owner": "platform-team",
    "CostCenter": "cc-1",
    "DataClassification": "internal",
    "ManagedBy": "pulumi",
}

aws.cloudwatch.EventBus("shipments", tags=TAGS)
