"""Rule -> Lambda target with a dead-letter queue, as the checklist asks, but nobody added the
queue policy that lets EventBridge write to it: undelivered events are dropped.
eventbridge-dead-letter-queue-admits-events must name the target."""

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
    "dispatch",
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
dispatch = aws.lambda_.Function(
    "dispatch",
    runtime="python3.12",
    handler="dispatch.handler",
    role=role.arn,
    code=pulumi.AssetArchive({"dispatch.py": pulumi.StringAsset("def handler(e, c): pass\n")}),
    tags=TAGS,
)
undelivered = aws.sqs.Queue("dispatch-undelivered", sqs_managed_sse_enabled=True, tags=TAGS)
shipped = aws.cloudwatch.EventRule(
    "shipment-shipped",
    event_pattern=json.dumps({"source": ["shipments"], "detail-type": ["ShipmentShipped"]}),
    tags=TAGS,
)
aws.lambda_.Permission(
    "dispatch-from-rule",
    function=dispatch.name,
    action="lambda:InvokeFunction",
    principal="events.amazonaws.com",
    source_arn=shipped.arn,
)
aws.cloudwatch.EventTarget(
    "dispatch",
    rule=shipped.name,
    arn=dispatch.arn,
    dead_letter_config={"arn": undelivered.arn},
    retry_policy={"maximum_retry_attempts": 4, "maximum_event_age_in_seconds": 3600},
)
