"""Correct key policies for service integrations, written in unusual forms; the key-policy rules
must stay silent, and so must the prod protection rule (a dev stack):

- an encrypted bus and archive whose key allows EventBridge everything but key management
  (NotAction), with a Service principal list;
- EventBridge -> encrypted queue (named by alias ARN), scoped by the queue's encryption context
  and an `aws:SourceAccount` condition with ...IfExists (EventBridge's calls carry no
  aws:SourceAccount, and IfExists passes when the key is absent);
- SNS -> encrypted queue (named by alias name), scoped by aws:SourceArn;
- a CloudWatch alarm -> encrypted topic whose key policy is one Statement object (not a list),
  Action a string, one principal block naming the account root and cloudwatch.amazonaws.com;
- an encrypted log group whose key admits logs.<region>.amazonaws.com;
- a Deny of every KMS call without TLS (a condition the pack cannot decide never counts)."""

import json

import pulumi_aws as aws

TAGS = {
    "Environment": "dev",
    "Project": "policy-tests",
    "Owner": "platform-team",
    "CostCenter": "cc-1",
    "DataClassification": "internal",
    "ManagedBy": "pulumi",
}

account = aws.get_caller_identity().account_id
region = aws.get_region().name
root = f"arn:aws:iam::{account}:root"
ADMIN = {
    "Sid": "AccountAdmin",
    "Effect": "Allow",
    "Principal": {"AWS": root},
    "Action": "kms:*",
    "Resource": "*",
}
TLS_ONLY = {
    "Sid": "TlsOnly",
    "Effect": "Deny",
    "Principal": "*",
    "Action": "kms:*",
    "Resource": "*",
    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
}


def key(name: str, *statements: dict) -> aws.kms.Key:
    return aws.kms.Key(
        name,
        description=f"{name} encryption",
        enable_key_rotation=True,
        policy=json.dumps({"Version": "2012-10-17", "Statement": [ADMIN, *statements]}),
        tags=TAGS,
    )


events_key = key(
    "events",
    {
        "Sid": "EventBridgeUsesTheKey",
        "Effect": "Allow",
        "Principal": {"Service": ["events.amazonaws.com"]},
        "NotAction": ["kms:PutKeyPolicy", "kms:ScheduleKeyDeletion", "kms:DisableKey"],
        "Resource": "*",
    },
    TLS_ONLY,
)
bus = aws.cloudwatch.EventBus("orders", kms_key_identifier=events_key.arn, tags=TAGS)
aws.cloudwatch.EventArchive(
    "orders", event_source_arn=bus.arn, kms_key_identifier=events_key.arn, retention_days=30
)

queue_key = key(
    "work-queue",
    {
        "Sid": "EventBridgeDelivers",
        "Effect": "Allow",
        "Principal": {"Service": "events.amazonaws.com"},
        "Action": ["kms:GenerateDataKey*", "kms:Decrypt"],
        "Resource": "*",
        "Condition": {
            "ArnLike": {"kms:EncryptionContext:aws:sqs:arn": f"arn:aws:sqs:{region}:{account}:*"},
            "StringEqualsIfExists": {"aws:SourceAccount": account},
        },
    },
    {
        "Sid": "SnsDelivers",
        "Effect": "Allow",
        "Principal": {"Service": "sns.amazonaws.com"},
        "Action": "kms:*",
        "Resource": "*",
        "Condition": {"ArnLike": {"aws:SourceArn": f"arn:aws:sns:{region}:{account}:*"}},
    },
)
queue_alias = aws.kms.Alias("work-queue", name="alias/work-queue", target_key_id=queue_key.key_id)
work = aws.sqs.Queue("work", kms_master_key_id=queue_alias.arn, tags=TAGS)
rule = aws.cloudwatch.EventRule(
    "orders-placed",
    event_bus_name=bus.name,
    event_pattern=json.dumps({"source": ["orders"]}),
    tags=TAGS,
)
aws.cloudwatch.EventTarget("orders-placed", rule=rule.name, event_bus_name=bus.name, arn=work.arn)

fanout = aws.sqs.Queue("fanout", kms_master_key_id=queue_alias.name, tags=TAGS)
announcements = aws.sns.Topic("announcements", tags=TAGS)
aws.sns.TopicSubscription("fanout", topic=announcements.arn, protocol="sqs", endpoint=fanout.arn)

alarm_key = aws.kms.Key(
    "alarms",
    description="alarm topic encryption",
    enable_key_rotation=True,
    policy=json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": {
                "Effect": "Allow",
                "Principal": {"AWS": root, "Service": "cloudwatch.amazonaws.com"},
                "Action": "kms:*",
                "Resource": "*",
            },
        }
    ),
    tags=TAGS,
)
alarms = aws.sns.Topic("alarms", kms_master_key_id=alarm_key.arn, tags=TAGS)
aws.cloudwatch.MetricAlarm(
    "work-backlog",
    namespace="AWS/SQS",
    metric_name="ApproximateNumberOfMessagesVisible",
    dimensions={"QueueName": work.name},
    statistic="Maximum",
    period=300,
    evaluation_periods=1,
    threshold=1000,
    comparison_operator="GreaterThanThreshold",
    alarm_actions=[alarms.arn],
    tags=TAGS,
)

logs_key = key(
    "logs",
    {
        "Sid": "CloudWatchLogs",
        "Effect": "Allow",
        "Principal": {"Service": f"logs.{region}.amazonaws.com"},
        "Action": [
            "kms:Encrypt*",
            "kms:Decrypt*",
            "kms:ReEncrypt*",
            "kms:GenerateDataKey*",
            "kms:Describe*",
        ],
        "Resource": "*",
        "Condition": {
            "ArnEquals": {
                "kms:EncryptionContext:aws:logs:arn": (
                    f"arn:aws:logs:{region}:{account}:log-group:/app/orders"
                )
            }
        },
    },
)
aws.cloudwatch.LogGroup(
    "orders", name="/app/orders", retention_in_days=30, kms_key_id=logs_key.arn, tags=TAGS
)
