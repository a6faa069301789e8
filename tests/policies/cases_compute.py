"""Cases for Lambda, DynamoDB, EventBridge and CloudWatch resource rules."""

from __future__ import annotations

import json

from tests.policies.harness import UNKNOWN_STRING, Case, res

FN = "aws:lambda/function:Function"
PERM = "aws:lambda/permission:Permission"
URL = "aws:lambda/functionUrl:FunctionUrl"
ESM = "aws:lambda/eventSourceMapping:EventSourceMapping"
TABLE = "aws:dynamodb/table:Table"
BUS = "aws:cloudwatch/eventBus:EventBus"
BUS_POLICY = "aws:cloudwatch/eventBusPolicy:EventBusPolicy"
EVENT_PERMISSION = "aws:cloudwatch/eventPermission:EventPermission"
ARCHIVE = "aws:cloudwatch/eventArchive:EventArchive"
RULE = "aws:cloudwatch/eventRule:EventRule"
TARGET = "aws:cloudwatch/eventTarget:EventTarget"
LOGS = "aws:cloudwatch/logGroup:LogGroup"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
KEY = "arn:aws:kms:us-east-1:123456789012:key/1111"
QUEUE_ARN = "arn:aws:sqs:us-east-1:123456789012:orders"
RULE_ARN = "arn:aws:events:us-east-1:123456789012:rule/orders"
TOPIC_ARN = "arn:aws:sns:us-east-1:123456789012:alerts"

GOOD_FN = {
    "runtime": "python3.13",
    "memorySize": 512,
    "timeout": 30,
    "tracingConfig": {"mode": "Active"},
    "reservedConcurrentExecutions": 10,
    "vpcConfig": {"subnetIds": ["subnet-a", "subnet-b"], "securityGroupIds": ["sg-1"]},
    "environment": {"variables": {"TABLE_NAME": "orders", "API_KEY_SECRET_ARN": "arn:aws:x"}},
    "kmsKeyArn": KEY,
    "codeSigningConfigArn": "arn:aws:lambda:us-east-1:123456789012:code-signing-config:csc-1",
    "description": "Consumes order events",
}
SQS_ESM = {
    "eventSourceArn": QUEUE_ARN,
    "functionName": "consumer",
    "functionResponseTypes": ["ReportBatchItemFailures"],
    "batchSize": 10,
    "scalingConfig": {"maximumConcurrency": 5},
}
ARCHIVE_OK = {"eventSourceArn": "arn:x", "retentionDays": 30, "eventPattern": '{"source":["a"]}'}
TABLE_OK = {
    "hashKey": "id",
    "attributes": [{"name": "id", "type": "S"}],
    "billingMode": "PAY_PER_REQUEST",
    "pointInTimeRecovery": {"enabled": True},
    "serverSideEncryption": {"enabled": True, "kmsKeyArn": KEY},
    "deletionProtectionEnabled": True,
    "ttl": {"enabled": True, "attributeName": "expiration"},
}


def fn(name: str, **changes: object) -> object:
    props = {**GOOD_FN, **changes}
    return res(FN, name, {k: v for k, v in props.items() if v is not None})


def table(name: str, **changes: object) -> object:
    props = {**TABLE_OK, **changes}
    return res(TABLE, name, {k: v for k, v in props.items() if v is not None})


def esm(name: str, **changes: object) -> object:
    props = {**SQS_ESM, **changes}
    return res(ESM, name, {k: v for k, v in props.items() if v is not None})


CASES = [
    # Lambda function
    Case.passes("lambda-function-supported-runtime", fn("current")),
    Case.passes("lambda-function-supported-runtime", fn("image", runtime=None)),
    Case.fails("lambda-function-supported-runtime", fn("old", runtime="python3.8")),
    Case.passes("lambda-function-tracing", fn("traced")),
    Case.fails("lambda-function-tracing", fn("untraced", tracingConfig={"mode": "PassThrough"})),
    Case.passes("lambda-function-reserved-concurrency", fn("limited")),
    Case.fails(
        "lambda-function-reserved-concurrency", fn("unlimited", reservedConcurrentExecutions=-1)
    ),
    Case.passes("lambda-function-in-vpc", fn("in-vpc")),
    Case.fails("lambda-function-in-vpc", fn("no-vpc", vpcConfig=None)),
    Case.passes("lambda-function-vpc-multi-az", fn("two-subnets")),
    Case.passes(
        "lambda-function-vpc-multi-az",
        fn("subnet-unknown", vpcConfig={"subnetIds": [UNKNOWN_STRING]}),
    ),
    Case.fails("lambda-function-vpc-multi-az", fn("one-subnet", vpcConfig={"subnetIds": ["s"]})),
    Case.passes("lambda-function-memory-timeout-not-default", fn("explicit")),
    Case.fails(
        "lambda-function-memory-timeout-not-default", fn("defaults", memorySize=None, timeout=None)
    ),
    Case.fails("lambda-function-memory-timeout-not-default", fn("explicit-128", memorySize=128)),
    Case.passes("lambda-function-env-encrypted", fn("env-cmk")),
    Case.fails("lambda-function-env-encrypted", fn("env-plain", kmsKeyArn=None)),
    Case.passes("lambda-function-no-secrets-in-env", fn("refs")),
    Case.fails(
        "lambda-function-no-secrets-in-env",
        fn("literal", environment={"variables": {"DB_PASSWORD": "hunter2"}}),
    ),
    Case.fails(
        "lambda-function-no-secrets-in-env",
        fn("akia", environment={"variables": {"CONFIG": "AKIAABCDEFGHIJKLMNOP"}}),
    ),
    Case.passes("lambda-function-code-signing", fn("signed")),
    Case.fails("lambda-function-code-signing", fn("unsigned", codeSigningConfigArn=None)),
    Case.passes("lambda-function-description", fn("described")),
    Case.fails("lambda-function-description", fn("bare", description=None)),
    # permissions and URLs
    Case.passes(
        "lambda-permission-not-public",
        res(
            PERM,
            "events",
            {
                "function": "f",
                "principal": "events.amazonaws.com",
                "action": "lambda:InvokeFunction",
                "sourceArn": RULE_ARN,
            },
        ),
    ),
    Case.fails(
        "lambda-permission-not-public",
        res(PERM, "anyone", {"function": "f", "principal": "*", "action": "lambda:InvokeFunction"}),
    ),
    Case.passes(
        "lambda-permission-source-scoped",
        res(
            PERM,
            "scoped",
            {
                "function": "f",
                "principal": "sns.amazonaws.com",
                "action": "lambda:InvokeFunction",
                "sourceArn": TOPIC_ARN,
            },
        ),
    ),
    Case.fails(
        "lambda-permission-source-scoped",
        res(
            PERM,
            "unscoped",
            {"function": "f", "principal": "sns.amazonaws.com", "action": "lambda:InvokeFunction"},
        ),
    ),
    Case.passes(
        "lambda-function-url-auth",
        res(URL, "iam", {"functionName": "f", "authorizationType": "AWS_IAM"}),
    ),
    Case.fails(
        "lambda-function-url-auth",
        res(URL, "open", {"functionName": "f", "authorizationType": "NONE"}),
    ),
    Case.fails(
        "lambda-function-url-auth",
        res(
            URL,
            "cors",
            {"functionName": "f", "authorizationType": "AWS_IAM", "cors": {"allowOrigins": ["*"]}},
        ),
    ),
    # event source mappings
    Case.passes("lambda-esm-report-batch-item-failures", esm("partial")),
    Case.passes(
        "lambda-esm-report-batch-item-failures",
        esm(
            "stream",
            eventSourceArn=UNKNOWN_STRING,
            startingPosition="LATEST",
            functionResponseTypes=None,
        ),
    ),
    Case.fails("lambda-esm-report-batch-item-failures", esm("whole", functionResponseTypes=None)),
    Case.fails(
        "lambda-esm-report-batch-item-failures",
        esm("whole-unknown-source", eventSourceArn=UNKNOWN_STRING, functionResponseTypes=None),
    ),
    Case.passes("lambda-esm-batching-bounded", esm("ten")),
    Case.passes(
        "lambda-esm-batching-bounded",
        esm("windowed", batchSize=50, maximumBatchingWindowInSeconds=5),
    ),
    Case.fails("lambda-esm-batching-bounded", esm("default", batchSize=None)),
    Case.fails("lambda-esm-batching-bounded", esm("no-window", batchSize=50)),
    Case.passes("lambda-esm-maximum-concurrency", esm("capped")),
    Case.fails("lambda-esm-maximum-concurrency", esm("uncapped", scalingConfig=None)),
    # DynamoDB
    Case.passes("dynamodb-table-point-in-time-recovery", table("pitr")),
    Case.fails("dynamodb-table-point-in-time-recovery", table("no-pitr", pointInTimeRecovery=None)),
    Case.passes("dynamodb-table-encryption-not-disabled", table("sse")),
    Case.fails(
        "dynamodb-table-encryption-not-disabled",
        table("sse-off", serverSideEncryption={"enabled": False}),
    ),
    Case.passes("dynamodb-table-customer-managed-key", table("cmk")),
    Case.fails(
        "dynamodb-table-customer-managed-key",
        table("aws-owned", serverSideEncryption={"enabled": True}),
    ),
    Case.passes("dynamodb-table-deletion-protection", table("protected")),
    Case.fails(
        "dynamodb-table-deletion-protection", table("unprotected", deletionProtectionEnabled=False)
    ),
    Case.passes("dynamodb-idempotency-table-ttl", table("idempotency")),
    Case.passes("dynamodb-idempotency-table-ttl", table("events", hashKey="shipment_id", ttl=None)),
    Case.fails("dynamodb-idempotency-table-ttl", table("idempotency-records", ttl=None)),
    # EventBridge
    Case.passes(
        "eventbridge-bus-policy-not-open",
        res(
            BUS_POLICY,
            "org",
            {
                "eventBusName": "orders",
                "policy": json.dumps(
                    {
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Principal": "*",
                                "Action": "events:PutEvents",
                                "Resource": "*",
                                "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-123"}},
                            }
                        ]
                    }
                ),
            },
        ),
    ),
    Case.fails(
        "eventbridge-bus-policy-not-open",
        res(
            BUS_POLICY,
            "open",
            {
                "eventBusName": "orders",
                "policy": json.dumps(
                    {
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Principal": "*",
                                "Action": "events:PutEvents",
                                "Resource": "*",
                            }
                        ]
                    }
                ),
            },
        ),
    ),
    Case.fails(
        "eventbridge-bus-policy-not-open",
        res(EVENT_PERMISSION, "everyone", {"principal": "*", "statementId": "all"}),
    ),
    Case.passes("eventbridge-bus-customer-managed-key", res(BUS, "cmk", {"kmsKeyIdentifier": KEY})),
    Case.fails("eventbridge-bus-customer-managed-key", res(BUS, "plain", {})),
    Case.passes("eventbridge-archive-retention-and-pattern", res(ARCHIVE, "finite", ARCHIVE_OK)),
    Case.fails(
        "eventbridge-archive-retention-and-pattern",
        res(ARCHIVE, "forever", {**ARCHIVE_OK, "retentionDays": 0}),
    ),
    Case.fails(
        "eventbridge-archive-retention-and-pattern",
        res(ARCHIVE, "everything", {"eventSourceArn": "arn:x", "retentionDays": 7}),
    ),
    Case.passes(
        "eventbridge-rule-pattern-not-catch-all",
        res(
            RULE,
            "specific",
            {
                "eventPattern": json.dumps(
                    {"source": ["shipments"], "detail-type": ["ShipmentCreated"]}
                )
            },
        ),
    ),
    Case.passes(
        "eventbridge-rule-pattern-not-catch-all",
        res(RULE, "cron", {"scheduleExpression": "rate(5 minutes)"}),
    ),
    Case.fails(
        "eventbridge-rule-pattern-not-catch-all",
        res(RULE, "everything", {"eventPattern": json.dumps({"source": [{"prefix": ""}]})}),
    ),
    Case.passes(
        "eventbridge-target-dead-letter-queue",
        res(TARGET, "dlq", {"rule": "r", "arn": QUEUE_ARN, "deadLetterConfig": {"arn": QUEUE_ARN}}),
    ),
    Case.fails(
        "eventbridge-target-dead-letter-queue",
        res(TARGET, "no-dlq", {"rule": "r", "arn": QUEUE_ARN}),
    ),
    Case.passes(
        "eventbridge-target-retry-policy",
        res(
            TARGET,
            "retry",
            {
                "rule": "r",
                "arn": QUEUE_ARN,
                "retryPolicy": {"maximumRetryAttempts": 3, "maximumEventAgeInSeconds": 3600},
            },
        ),
    ),
    Case.fails(
        "eventbridge-target-retry-policy", res(TARGET, "no-retry", {"rule": "r", "arn": QUEUE_ARN})
    ),
    # CloudWatch
    Case.passes("cloudwatch-log-group-retention", res(LOGS, "kept", {"retentionInDays": 30})),
    Case.passes(
        "cloudwatch-log-group-retention",
        res(LOGS, "unknown", {"retentionInDays": "3eeb2bf0-c639-47a8-9e75-3b44932eb421"}),
    ),
    Case.fails("cloudwatch-log-group-retention", res(LOGS, "forever", {})),
    Case.passes(
        "cloudwatch-log-group-retention-one-year", res(LOGS, "year", {"retentionInDays": 400})
    ),
    Case.fails(
        "cloudwatch-log-group-retention-one-year", res(LOGS, "week", {"retentionInDays": 7})
    ),
    Case.passes("cloudwatch-log-group-customer-managed-key", res(LOGS, "cmk", {"kmsKeyId": KEY})),
    Case.fails("cloudwatch-log-group-customer-managed-key", res(LOGS, "plain", {})),
    Case.passes("cloudwatch-alarm-has-action", res(ALARM, "paging", {"alarmActions": [TOPIC_ARN]})),
    Case.fails("cloudwatch-alarm-has-action", res(ALARM, "silent", {"alarmActions": []})),
    Case.passes("cloudwatch-alarm-actions-enabled", res(ALARM, "on", {"actionsEnabled": True})),
    Case.fails("cloudwatch-alarm-actions-enabled", res(ALARM, "off", {"actionsEnabled": False})),
    Case.passes(
        "cloudwatch-alarm-treat-missing-data",
        res(ALARM, "explicit", {"treatMissingData": "notBreaching"}),
    ),
    Case.fails("cloudwatch-alarm-treat-missing-data", res(ALARM, "implicit", {})),
    Case.fails(
        "cloudwatch-alarm-treat-missing-data",
        res(ALARM, "missing", {"treatMissingData": "missing"}),
    ),
]
