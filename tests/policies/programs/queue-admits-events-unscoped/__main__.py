"""An EventBridge rule delivering to a queue whose policy admits events.amazonaws.com with no
source condition: any rule in any account can write to the queue.
resource-policy-service-principal-scoped must name the queue policy."""

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

key = aws.kms.Key("claims", description="claims queue", enable_key_rotation=True, tags=TAGS)
queue = aws.sqs.Queue("claims-intake", kms_master_key_id=key.arn, tags=TAGS)
rule = aws.cloudwatch.EventRule(
    "claims-filed",
    event_pattern=pulumi.Output.json_dumps(
        {"source": ["claims.api"], "detail-type": ["ClaimFiled"]}
    ),
    tags=TAGS,
)
aws.cloudwatch.EventTarget("claims-filed", rule=rule.name, arn=queue.arn)
aws.sqs.QueuePolicy(
    "claims-intake",
    queue_url=queue.id,
    policy=aws.iam.get_policy_document_output(
        statements=[
            {
                "sid": "EventBridgeDelivers",
                "actions": ["sqs:SendMessage"],
                "resources": [queue.arn],
                "principals": [{"type": "Service", "identifiers": ["events.amazonaws.com"]}],
            }
        ]
    ).json,
)
