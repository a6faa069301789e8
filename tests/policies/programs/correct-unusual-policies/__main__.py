"""Correct policies written in unusual forms; none of the policy-semantics rules may flag them:
a queue policy with a Deny-NotPrincipal guard and an SNS grant scoped by aws:SourceArn, a key
policy that pairs kms:ViaService with kms:CallerAccount, a GitHub OIDC role pinned to one
repository, a Lambda permission scoped to its rule, a topic policy for CloudWatch alarms of
this account, and a role that reads one bucket's objects and passes one role."""

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

account = aws.get_caller_identity().account_id
region = aws.get_region().name
root = f"arn:aws:iam::{account}:root"
alarms = f"arn:aws:cloudwatch:{region}:{account}:alarm"
repository = "repo:acme/ledger:ref:refs/heads/main"

key = aws.kms.Key(
    "ledger",
    description="ledger queue and topic encryption",
    enable_key_rotation=True,
    policy=json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "AccountAdmin",
                    "Effect": "Allow",
                    "Principal": {"AWS": root},
                    "Action": "kms:*",
                    "Resource": "*",
                },
                {
                    "Sid": "UseThroughSqsFromThisAccount",
                    "Effect": "Allow",
                    "Principal": {"AWS": "*"},
                    "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
                    "Resource": "*",
                    "Condition": {
                        "StringEquals": {
                            "kms:ViaService": f"sqs.{region}.amazonaws.com",
                            "kms:CallerAccount": account,
                        }
                    },
                },
            ],
        }
    ),
    tags=TAGS,
)
topic = aws.sns.Topic("ledger", kms_master_key_id=key.arn, tags=TAGS)
queue = aws.sqs.Queue("ledger-entries", kms_master_key_id=key.arn, tags=TAGS)
aws.sns.TopicSubscription("ledger-entries", topic=topic.arn, protocol="sqs", endpoint=queue.arn)
aws.sqs.QueuePolicy(
    "ledger-entries",
    queue_url=queue.url,
    policy=aws.iam.get_policy_document_output(
        statements=[
            {
                "sid": "FromLedgerTopic",
                "actions": ["sqs:SendMessage"],
                "resources": [queue.arn],
                "principals": [{"type": "Service", "identifiers": ["sns.amazonaws.com"]}],
                "conditions": [
                    {"test": "ArnEquals", "variable": "aws:SourceArn", "values": [topic.arn]}
                ],
            },
            {
                "sid": "NobodyElseSends",
                "effect": "Deny",
                "actions": ["sqs:SendMessage"],
                "resources": [queue.arn],
                "not_principals": [{"type": "Service", "identifiers": ["sns.amazonaws.com"]}],
            },
        ]
    ).json,
)
aws.sns.TopicPolicy(
    "ledger",
    arn=topic.arn,
    policy=pulumi.Output.json_dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "AlarmsOfThisAccount",
                    "Effect": "Allow",
                    "Principal": {"Service": "cloudwatch.amazonaws.com"},
                    "Action": "sns:Publish",
                    "Resource": topic.arn,
                    "Condition": {"ArnLike": {"aws:SourceArn": f"{alarms}:*"}},
                }
            ],
        }
    ),
)

github = aws.iam.OpenIdConnectProvider(
    "github",
    url="https://token.actions.githubusercontent.com",
    client_id_lists=["sts.amazonaws.com"],
    tags=TAGS,
)
aws.iam.Role(
    "ledger-deploy",
    assume_role_policy=pulumi.Output.json_dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Federated": github.arn},
                    "Action": "sts:AssumeRoleWithWebIdentity",
                    "Condition": {
                        "StringEquals": {
                            "token.actions.githubusercontent.com:aud": "sts.amazonaws.com"
                        },
                        "StringLike": {"token.actions.githubusercontent.com:sub": repository},
                    },
                }
            ],
        }
    ),
    tags=TAGS,
)

lambda_trust = aws.iam.get_policy_document(
    statements=[
        {
            "actions": ["sts:AssumeRole"],
            "principals": [{"type": "Service", "identifiers": ["lambda.amazonaws.com"]}],
        }
    ]
)
exporter = aws.iam.Role("ledger-exporter", assume_role_policy=lambda_trust.json, tags=TAGS)
job_role = aws.iam.Role("ledger-job", assume_role_policy=lambda_trust.json, tags=TAGS)
aws.iam.RolePolicy(
    "ledger-exporter",
    role=exporter.id,
    policy=pulumi.Output.json_dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "ReadExports",
                    "Effect": "Allow",
                    "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::acme-ledger-exports/*",
                },
                {
                    "Sid": "StartJobsWithTheirRole",
                    "Effect": "Allow",
                    "Action": "iam:PassRole",
                    "Resource": job_role.arn,
                    "Condition": {"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}},
                },
            ],
        }
    ),
)
function = aws.lambda_.Function(
    "ledger-exporter",
    runtime="python3.13",
    handler="index.handler",
    role=exporter.arn,
    code=pulumi.AssetArchive({"index.py": pulumi.StringAsset("def handler(e, c):\n    pass\n")}),
    timeout=30,
    memory_size=256,
    tags=TAGS,
)
nightly = aws.cloudwatch.EventRule(
    "ledger-nightly", schedule_expression="cron(0 2 * * ? *)", tags=TAGS
)
aws.cloudwatch.EventTarget("ledger-nightly", rule=nightly.name, arn=function.arn)
aws.lambda_.Permission(
    "ledger-nightly",
    action="lambda:InvokeFunction",
    function=function.name,
    principal="events.amazonaws.com",
    source_arn=nightly.arn,
)
