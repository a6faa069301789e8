"""Cases for secrets judged by value (detect-secrets): Lambda and ECS environments, container
commands, EC2 user data (launch templates and instances) and plain SSM parameters. Names that
merely contain PASS or TOKEN, and references to secrets kept elsewhere, must pass."""

from __future__ import annotations

import base64
import json

from tests.policies.harness import UNKNOWN_STRING, Case, res

FUNCTION = "aws:lambda/function:Function"
TASK = "aws:ecs/taskDefinition:TaskDefinition"
LT = "aws:ec2/launchTemplate:LaunchTemplate"
INSTANCE = "aws:ec2/instance:Instance"
PARAMETER = "aws:ssm/parameter:Parameter"

LAMBDA = "lambda-function-no-secrets-in-env"
ECS = "ecs-task-no-secrets-in-environment"
USER_DATA = "ec2-lt-no-secrets-in-user-data"
SSM = "ssm-parameter-secrets-are-secure-strings"

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


def container_task(name: str, **container: object) -> object:
    definition = {"name": "app", "image": "public.ecr.aws/docker/library/busybox:1.36", **container}
    return res(TASK, name, {"family": name, "containerDefinitions": json.dumps([definition])})


def b64(script: str) -> str:
    return base64.b64encode(script.encode()).decode()


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

CASES = [
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
    # ECS environment, command and entry point
    Case.passes(
        ECS,
        container_task(
            "harmless-env",
            environment=[{"name": k, "value": v} for k, v in HARMLESS.items()],
            command=["sh", "-c", 'mysql -u app -p"$DB_PASSWORD" -h db orders < /init.sql'],
        ),
    ),
    Case.fails(
        ECS,
        container_task("env-db-pass", environment=[{"name": "DB_PASS", "value": "Orders2024"}]),
    ),
    Case.fails(
        ECS,
        container_task("command-password", command=["./migrate", "--password=Wq8tZ4mK", "up"]),
    ),
    Case.fails(
        ECS,
        container_task(
            "entrypoint-mysql",
            entryPoint=["sh", "-c", "mysql -u admin -pWq8tZ4mK -h db orders"],
        ),
    ),
    # User data: launch templates (base64) and instances (plain or base64)
    Case.passes(
        USER_DATA,
        res(
            INSTANCE,
            "fetch-at-boot",
            {
                "userData": "#!/bin/bash\nPW=$(aws secretsmanager get-secret-value --secret-id"
                ' db --query SecretString --output text)\nmysql -u app -p"$PW" -h db\n'
            },
        ),
    ),
    Case.fails(
        USER_DATA,
        res(INSTANCE, "mysql-p", {"userData": "#!/bin/bash\nmysql -u root -pWq8tZ4mK < a.sql\n"}),
    ),
    Case.fails(
        USER_DATA,
        res(
            INSTANCE,
            "base64-password-flag",
            {"userDataBase64": b64("#!/bin/bash\n/opt/agent/setup --password=Wq8tZ4mK\n")},
        ),
    ),
    Case.fails(
        USER_DATA,
        res(LT, "chpasswd", {"userData": b64("echo 'ec2-user:Wq8tZ4mK' | chpasswd\n")}),
    ),
    # SSM parameters
    Case.passes(
        SSM,
        res(
            PARAMETER,
            "secure",
            {"name": "/prod/db/password", "type": "SecureString", "value": "Wq8tZ4mK"},
        ),
    ),
    Case.passes(
        SSM,
        res(PARAMETER, "plain-setting", {"name": "/prod/db/host", "type": "String", "value": "db"}),
    ),
    Case.passes(
        SSM,
        res(
            PARAMETER,
            "token-endpoint",
            {"name": "/prod/auth/token_endpoint", "type": "String", "value": "https://a.b/token"},
        ),
    ),
    Case.fails(
        SSM,
        res(
            PARAMETER,
            "plain-password",
            {"name": "/prod/db/password", "type": "String", "value": "Wq8tZ4mK"},
        ),
    ),
    Case.fails(
        SSM,
        res(
            PARAMETER,
            "plain-hook",
            {"name": "/prod/alerts/target", "type": "String", "insecureValue": SLACK_HOOK},
        ),
    ),
]
