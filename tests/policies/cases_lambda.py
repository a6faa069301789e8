"""Cases for policies/rules/lambda_.py: functions, permissions, URLs, event source mappings,
and a function's alarm, log group, failure destination and role."""

from __future__ import annotations

from tests.policies.case_documents import ALERTS_TOPIC, alarm, doc
from tests.policies.harness import UNKNOWN_STRING, Case, out, res

FN = "aws:lambda/function:Function"
PERM = "aws:lambda/permission:Permission"
URL = "aws:lambda/functionUrl:FunctionUrl"
ESM = "aws:lambda/eventSourceMapping:EventSourceMapping"

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


def fn(name: str, **changes: object) -> object:
    props = {**GOOD_FN, **changes}
    return res(FN, name, {k: v for k, v in props.items() if v is not None})


def esm(name: str, **changes: object) -> object:
    props = {**SQS_ESM, **changes}
    return res(ESM, name, {k: v for k, v in props.items() if v is not None})


# Fixtures of the linked-stack cases.
Q = "aws:sqs/queue:Queue"

T = "aws:sns/topic:Topic"

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
LOGS = "aws:cloudwatch/logGroup:LogGroup"

ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"

INVOKE_CONFIG = "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig"


TOPIC = ALERTS_TOPIC

# --- queues and DLQs
DLQ = res(Q, "orders-dlq", {"messageRetentionSeconds": 1209600})

# --- consumer timing
CONSUMER = res(FN, "consumer", {"timeout": 30, "runtime": "python3.13"})

OK_QUEUE = res(Q, "work-ok", {"visibilityTimeoutSeconds": 180})


def mapping(name: str, queue: object, fn: object) -> object:
    return res(ESM, name, {"eventSourceArn": out(queue, "arn"), "functionName": out(fn, "name")})


# --- functions: alarms, logs, destinations
FN_ALARM = alarm("consumer-errors", "AWS/Lambda", "Errors", "FunctionName", out(CONSUMER, "name"))
FN_ALARM_SILENT = alarm(
    "consumer-errors-silent",
    "AWS/Lambda",
    "Errors",
    "FunctionName",
    out(CONSUMER, "name"),
    actions=[],
)
FN_LOGS = res(
    LOGS, "consumer-logs", {"name": f"/aws/lambda/{out(CONSUMER, 'name')}", "retentionInDays": 30}
)
FN_LOGS_FOREVER = res(
    LOGS, "consumer-logs-forever", {"name": f"/aws/lambda/{out(CONSUMER, 'name')}"}
)
ASYNC_FN = res(FN, "async", {"timeout": 10})
ASYNC_FN_DLQ = res(
    FN, "async-dlq", {"timeout": 10, "deadLetterConfig": {"targetArn": out(DLQ, "arn")}}
)

# --- least privilege
ROLE_ = res(ROLE, "consumer-role", {"assumeRolePolicy": doc()})
LP_FN = res(FN, "lp-consumer", {"timeout": 10, "role": out(ROLE_, "arn")})
LP_QUEUE = res(Q, "lp-queue", {"visibilityTimeoutSeconds": 60})


def role_policy(name: str, resources: list[str], actions: list[str] | None = None) -> object:
    return res(
        ROLE_POLICY,
        name,
        {
            "role": out(ROLE_, "name"),
            "policy": doc(
                {
                    "Effect": "Allow",
                    "Action": actions or ["sqs:ReceiveMessage", "sqs:DeleteMessage"],
                    "Resource": resources,
                }
            ),
        },
    )


# Fixtures of the secret cases.
FUNCTION = "aws:lambda/function:Function"

LAMBDA = "lambda-function-no-secrets-in-env"

# Fake credentials in the documented formats (none is live).
SLACK_HOOK = "https://hooks.slack.com/services/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"
DISCORD_HOOK = (
    "https://discord.com/api/webhooks/1183042196871229460/"
    "Xq3vT9mK2pL8sW4nR7yB1cF6hJ0dG5aZ-uE_oI3tQ8wV2xN9kM4bC7rY1sL6pD0fH"
)
TEAMS_HOOK = (
    "https://contoso.webhook.office.com/webhookb2/7f3c2a1e-4b5d-4c6e-8f9a-0b1c2d3e4f5a@"
    "9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d/IncomingWebhook/3e8f1a9c7b2d4e6f/6a5b4c3d-2e1f"
)
GITHUB_TOKEN = "ghp_R8kT2vX9mQ4wL7nZ3pB6yH1cF5jD0sA8gE2u"
JWT = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJvcmRlcnMtc3luYyIsImlhdCI6MTcwMDAwMDAwMH0."
    "Hq8vX3mT9kL2pW7nR4yB1cF6jD0sA5gE8uZ3iO7tQ2w"
)


def env_function(name: str, variables: dict[str, str]) -> object:
    return res(
        FUNCTION,
        name,
        {"runtime": "python3.12", "handler": "app.main", "environment": {"variables": variables}},
    )


HARMLESS = {
    "PASSENGER_COUNT": "4",
    "PASSENGER_MANIFEST_BUCKET": "manifests-prod",
    "TOKEN_ENDPOINT": "https://auth.example.com/oauth2/token",
    "TOKEN_TTL_SECONDS": "3600",
    "PASSWORD_MIN_LENGTH": "12",
    "DB_SECRET_ARN": "arn:aws:secretsmanager:us-east-1:123456789012:secret:orders-db-Xy12Ab",
    "DB_SECRET_NAME": "prod/orders/db",
    "API_KEY_PARAMETER": "/prod/orders/partner-api-key",
    "GIT_SHA": "3f2a9c1e8b7d6a5f4e3d2c1b0a9f8e7d6c5b4a39",
    "QUEUE_URL": "https://sqs.us-east-1.amazonaws.com/123456789012/orders",
    "POWERTOOLS_SERVICE_NAME": "orders",
}

# Fixtures of the policy-semantics cases.
ACCOUNT = "123456789012"

PERMISSION = "aws:lambda/permission:Permission"

ORDERS_CREATED_RULE_ARN = f"arn:aws:events:us-east-1:{ACCOUNT}:rule/orders-created"

_lperm = "lambda-permission-source-scoped"
_lpub = "lambda-permission-not-public"


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
    # Small linked stacks (stack rules).
    Case.passes("lambda-function-error-alarm", CONSUMER, FN_ALARM, TOPIC),
    Case.fails("lambda-function-error-alarm", CONSUMER, TOPIC),
    Case.fails("lambda-function-error-alarm", CONSUMER, FN_ALARM_SILENT, on=CONSUMER),
    Case.passes("lambda-function-log-group-retention", CONSUMER, FN_LOGS),
    Case.fails("lambda-function-log-group-retention", CONSUMER),
    Case.fails("lambda-function-log-group-retention", CONSUMER, FN_LOGS_FOREVER, on=CONSUMER),
    Case.passes("lambda-function-failure-destination", ASYNC_FN_DLQ, DLQ),
    Case.passes(
        "lambda-function-failure-destination",
        CONSUMER,
        OK_QUEUE,
        mapping("map-polled", OK_QUEUE, CONSUMER),
        label="polled-only",
    ),
    Case.passes(
        "lambda-function-failure-destination",
        ASYNC_FN,
        DLQ,
        res(
            INVOKE_CONFIG,
            "async-cfg",
            {
                "functionName": out(ASYNC_FN, "name"),
                "destinationConfig": {"onFailure": {"destination": out(DLQ, "arn")}},
            },
        ),
    ),
    Case.fails("lambda-function-failure-destination", ASYNC_FN),
    Case.passes(
        "lambda-role-least-privilege",
        ROLE_,
        LP_FN,
        LP_QUEUE,
        mapping("lp-map", LP_QUEUE, LP_FN),
        role_policy("lp-policy", [out(LP_QUEUE, "arn")]),
    ),
    Case.fails(
        "lambda-role-least-privilege",
        ROLE_,
        LP_FN,
        LP_QUEUE,
        mapping("lp-map", LP_QUEUE, LP_FN),
        role_policy("lp-policy-other", ["arn:aws:sqs:us-east-1:123456789012:other"]),
        on=LP_FN,
    ),
    Case.fails(
        "lambda-role-least-privilege",
        ROLE_,
        LP_FN,
        role_policy("lp-policy-star", ["*"], actions=["sqs:*"]),
        on=LP_FN,
        label="wildcard",
    ),
    # Secrets judged by value (detect-secrets): names that merely contain PASS or TOKEN, and
    # references to secrets kept elsewhere, pass.
    # Lambda environment
    Case.passes(LAMBDA, env_function("harmless-names", HARMLESS)),
    Case.passes(LAMBDA, env_function("unknown-value", {"DB_PASSWORD": UNKNOWN_STRING})),
    Case.fails(
        LAMBDA,
        env_function("url-password", {"DATABASE_URL": "postgres://orders:Wq8tZ4mK@db:5432/orders"}),
        label="password-in-url",
    ),
    Case.fails(LAMBDA, env_function("slack-hook", {"ALERTS": SLACK_HOOK})),
    Case.fails(LAMBDA, env_function("discord-hook", {"NOTIFY": DISCORD_HOOK})),
    Case.fails(LAMBDA, env_function("teams-hook", {"CHANNEL": TEAMS_HOOK})),
    Case.fails(LAMBDA, env_function("db-pass", {"DB_PASS": "Orders2024"})),
    Case.fails(LAMBDA, env_function("github-token", {"GH": GITHUB_TOKEN})),
    Case.fails(LAMBDA, env_function("jwt", {"PARTNER_AUTH": JWT})),
    Case.fails(LAMBDA, env_function("redis-auth", {"CACHE": "redis://:m8Kq2vTz9x@cache:6379"})),
    # Policy semantics: conditions judged by operator and value, resources by meaning,
    # NotAction/NotResource/NotPrincipal shapes. An evasion the pack once missed fails; a correct
    # program in an unusual form passes.
    # --- Lambda permissions: a source ARN with account `*` does not scope
    Case.fails(
        _lperm,
        res(
            PERMISSION,
            "any-rule",
            {
                "action": "lambda:InvokeFunction",
                "function": "orders",
                "principal": "events.amazonaws.com",
                "sourceArn": "arn:aws:events:us-east-1:*:rule/*",
            },
        ),
    ),
    Case.fails(
        _lpub,
        res(
            PERMISSION,
            "public-any-source",
            {
                "action": "lambda:InvokeFunction",
                "function": "orders",
                "principal": "*",
                "sourceArn": "arn:aws:sns:*:*:*",
            },
        ),
    ),
    Case.fails(
        _lpub,
        res(
            PERMISSION,
            "any-account-root",
            {
                "action": "lambda:InvokeFunction",
                "function": "orders",
                "principal": "arn:aws:iam::*:root",
            },
        ),
    ),
    Case.passes(
        _lpub,
        res(
            PERMISSION,
            "partner-account",
            {
                "action": "lambda:InvokeFunction",
                "function": "orders",
                "principal": "111122223333",
            },
        ),
    ),
    Case.passes(
        _lperm,
        res(
            PERMISSION,
            "rule-in-account",
            {
                "action": "lambda:InvokeFunction",
                "function": "orders",
                "principal": "events.amazonaws.com",
                "sourceArn": ORDERS_CREATED_RULE_ARN,
            },
        ),
    ),
]
