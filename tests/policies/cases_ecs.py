"""Cases for policies/rules/ecs.py (containerDefinitions travel as a JSON string)."""

from __future__ import annotations

import json

from tests.policies.harness import UNKNOWN_STRING, Case, res

CLUSTER = "aws:ecs/cluster:Cluster"
TASK = "aws:ecs/taskDefinition:TaskDefinition"
SERVICE = "aws:ecs/service:Service"
EXEC_ROLE = "arn:aws:iam::123456789012:role/orders-exec"
TASK_ROLE = "arn:aws:iam::123456789012:role/orders-task"
KEY = "arn:aws:kms:us-east-1:123456789012:key/1111"

GOOD_CONTAINER = {
    "name": "app",
    "image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/orders:1.4.2",
    "user": "1000:1000",
    "readonlyRootFilesystem": True,
    "privileged": False,
    "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "/ecs/orders"}},
    "secrets": [{"name": "DB_PASSWORD", "valueFrom": "arn:aws:secretsmanager:us-east-1:1:s"}],
}


def task(name: str, container_changes: dict | None = None, **inputs: object) -> object:
    container = {**GOOD_CONTAINER, **(container_changes or {})}
    container = {k: v for k, v in container.items() if v is not None}
    props = {
        "family": name,
        "networkMode": "awsvpc",
        "requiresCompatibilities": ["FARGATE"],
        "executionRoleArn": EXEC_ROLE,
        "taskRoleArn": TASK_ROLE,
        "containerDefinitions": json.dumps([container]),
        **inputs,
    }
    return res(TASK, name, props)


GOOD_SERVICE = {
    "cluster": "arn:aws:ecs:us-east-1:123456789012:cluster/main",
    "taskDefinition": "orders:1",
    "launchType": "FARGATE",
    "desiredCount": 2,
    "deploymentCircuitBreaker": {"enable": True, "rollback": True},
    "networkConfiguration": {"subnets": ["subnet-a", "subnet-b"], "assignPublicIp": False},
}


def service(name: str, **changes: object) -> object:
    props = {**GOOD_SERVICE, **changes}
    return res(SERVICE, name, {k: v for k, v in props.items() if v is not None})


def cluster(name: str, **inputs: object) -> object:
    return res(CLUSTER, name, inputs)


INSIGHTS = [{"name": "containerInsights", "value": "enhanced"}]
EXEC = {"kmsKeyId": KEY, "logging": "DEFAULT"}

# Fixtures of the sub-block cases.
MOUNTS = "ecs-task-no-host-control-mounts"
CAPS = "ecs-task-no-dangerous-capabilities"


def agent_task(name: str, container: dict, volumes: list | None = None) -> object:
    definition = {"name": "agent", "image": "public.ecr.aws/datadog/agent:7", **container}
    props: dict = {"family": name, "containerDefinitions": json.dumps([definition])}
    if volumes is not None:
        props["volumes"] = volumes
    return res(TASK, name, props)


def caps(*added: str) -> dict:
    return {"linuxParameters": {"capabilities": {"add": list(added), "drop": ["ALL"]}}}


# Fixtures of the secret cases.
ECS = "ecs-task-no-secrets-in-environment"


def container_task(name: str, **container: object) -> object:
    definition = {"name": "app", "image": "public.ecr.aws/docker/library/busybox:1.36", **container}
    return res(TASK, name, {"family": name, "containerDefinitions": json.dumps([definition])})


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
    Case.passes("ecs-cluster-container-insights", cluster("enhanced", settings=INSIGHTS)),
    Case.passes(
        "ecs-cluster-container-insights",
        cluster("enabled", settings=[{"name": "containerInsights", "value": "enabled"}]),
    ),
    Case.fails("ecs-cluster-container-insights", cluster("none")),
    Case.fails(
        "ecs-cluster-container-insights",
        cluster("disabled", settings=[{"name": "containerInsights", "value": "disabled"}]),
    ),
    Case.passes(
        "ecs-cluster-exec-logging-encrypted",
        cluster("exec-ok", configuration={"executeCommandConfiguration": EXEC}),
    ),
    Case.passes("ecs-cluster-exec-logging-encrypted", cluster("no-exec")),
    Case.fails(
        "ecs-cluster-exec-logging-encrypted",
        cluster("exec-none", configuration={"executeCommandConfiguration": {"logging": "NONE"}}),
    ),
    Case.passes("ecs-task-log-configuration", task("logged")),
    Case.passes(
        "ecs-task-log-configuration",
        res(TASK, "defs-unknown", {"containerDefinitions": UNKNOWN_STRING}),
    ),
    Case.fails("ecs-task-log-configuration", task("no-logs", {"logConfiguration": None})),
    Case.passes(
        "ecs-task-no-secrets-in-environment",
        task(
            "plain-config",
            {
                "environment": [
                    {"name": "LOG_LEVEL", "value": "INFO"},
                    {"name": "DB_SECRET_ARN", "value": "arn:x"},
                ]
            },
        ),
    ),
    Case.fails(
        "ecs-task-no-secrets-in-environment",
        task("password", {"environment": [{"name": "DB_PASSWORD", "value": "hunter2"}]}),
    ),
    Case.fails(
        "ecs-task-no-secrets-in-environment",
        task("key-value", {"environment": [{"name": "CONFIG", "value": "AKIAABCDEFGHIJKLMNOP"}]}),
    ),
    Case.passes("ecs-task-no-environment-variables", task("secrets-only")),
    Case.fails(
        "ecs-task-no-environment-variables",
        task("env", {"environment": [{"name": "LOG_LEVEL", "value": "INFO"}]}),
    ),
    Case.passes("ecs-task-non-privileged", task("unprivileged")),
    Case.fails("ecs-task-non-privileged", task("privileged", {"privileged": True})),
    Case.passes("ecs-task-read-only-root-filesystem", task("read-only")),
    Case.fails(
        "ecs-task-read-only-root-filesystem", task("writable", {"readonlyRootFilesystem": None})
    ),
    Case.passes("ecs-task-no-host-pid", task("task-pid", pidMode="task")),
    Case.fails("ecs-task-no-host-pid", task("host-pid", pidMode="host")),
    Case.passes("ecs-task-host-network-non-root", task("host-net-user", networkMode="host")),
    Case.passes("ecs-task-host-network-non-root", task("awsvpc-root", {"user": None})),
    Case.fails(
        "ecs-task-host-network-non-root", task("host-net-root", {"user": "0"}, networkMode="host")
    ),
    Case.passes("ecs-task-non-root-user", task("uid-1000")),
    Case.fails("ecs-task-non-root-user", task("no-user", {"user": None})),
    Case.fails("ecs-task-non-root-user", task("root-user", {"user": "root:root"})),
    Case.passes("ecs-task-separate-execution-role", task("two-roles")),
    Case.passes(
        "ecs-task-separate-execution-role", task("role-unknown", taskRoleArn=UNKNOWN_STRING)
    ),
    Case.fails("ecs-task-separate-execution-role", task("same-role", taskRoleArn=EXEC_ROLE)),
    Case.passes(
        "ecs-task-efs-transit-encryption",
        task(
            "efs-tls",
            volumes=[
                {
                    "name": "data",
                    "efsVolumeConfiguration": {
                        "fileSystemId": "fs-1",
                        "transitEncryption": "ENABLED",
                    },
                }
            ],
        ),
    ),
    Case.fails(
        "ecs-task-efs-transit-encryption",
        task(
            "efs-plain",
            volumes=[{"name": "data", "efsVolumeConfiguration": {"fileSystemId": "fs-1"}}],
        ),
    ),
    Case.passes("ecs-service-no-public-ip", service("private")),
    Case.fails(
        "ecs-service-no-public-ip",
        service("public", networkConfiguration={"subnets": ["subnet-a"], "assignPublicIp": True}),
    ),
    Case.passes("ecs-service-fargate-latest-platform", service("latest", platformVersion="LATEST")),
    Case.passes("ecs-service-fargate-latest-platform", service("unset")),
    Case.passes(
        "ecs-service-fargate-latest-platform",
        service("ec2-pinned", launchType="EC2", platformVersion="1.3.0"),
    ),
    Case.fails("ecs-service-fargate-latest-platform", service("pinned", platformVersion="1.3.0")),
    Case.fails(
        "ecs-service-fargate-latest-platform",
        service(
            "spot-pinned",
            launchType=None,
            platformVersion="1.4.0",
            capacityProviderStrategies=[{"capacityProvider": "FARGATE_SPOT", "weight": 1}],
        ),
    ),
    Case.passes("ecs-service-deployment-circuit-breaker", service("breaker")),
    Case.passes(
        "ecs-service-deployment-circuit-breaker",
        service(
            "code-deploy",
            deploymentCircuitBreaker=None,
            deploymentController={"type": "CODE_DEPLOY"},
        ),
    ),
    Case.fails(
        "ecs-service-deployment-circuit-breaker",
        service("no-breaker", deploymentCircuitBreaker=None),
    ),
    Case.fails(
        "ecs-service-deployment-circuit-breaker",
        service("no-rollback", deploymentCircuitBreaker={"enable": True, "rollback": False}),
    ),
    Case.passes("ecs-service-desired-count", service("two")),
    Case.passes(
        "ecs-service-desired-count",
        service("daemon", desiredCount=None, schedulingStrategy="DAEMON"),
    ),
    Case.fails("ecs-service-desired-count", service("one", desiredCount=1)),
    Case.passes("ecs-service-healthy-percent", service("defaults")),
    Case.passes(
        "ecs-service-healthy-percent",
        service(
            "fifty-two-hundred", deploymentMinimumHealthyPercent=50, deploymentMaximumPercent=200
        ),
    ),
    Case.fails(
        "ecs-service-healthy-percent",
        service("deadlock", deploymentMinimumHealthyPercent=100, deploymentMaximumPercent=100),
    ),
    Case.fails("ecs-service-healthy-percent", service("zero", deploymentMinimumHealthyPercent=0)),
    # Types and sub-blocks the rules used to skip.
    # ECS host volumes and mount points
    Case.passes(
        MOUNTS,
        agent_task(
            "scratch",
            {"mountPoints": [{"sourceVolume": "tmp", "containerPath": "/tmp"}]},
            [{"name": "tmp"}, {"name": "cache", "hostPath": "/mnt/cache"}],
        ),
    ),
    Case.fails(
        MOUNTS,
        agent_task(
            "docker-socket-ro",
            {
                "mountPoints": [
                    {
                        "sourceVolume": "docker",
                        "containerPath": "/var/run/docker.sock",
                        "readOnly": True,
                    }
                ]
            },
            [{"name": "docker", "hostPath": "/var/run/docker.sock"}],
        ),
    ),
    Case.fails(
        MOUNTS,
        agent_task(
            "host-root",
            {"mountPoints": [{"sourceVolume": "host", "containerPath": "/host"}]},
            [{"name": "host", "hostPath": "//"}],
        ),
    ),
    Case.fails(
        MOUNTS,
        agent_task("proc", {}, [{"name": "proc", "hostPath": "/proc/"}]),
    ),
    Case.passes(
        MOUNTS,
        res(
            TASK,
            "volumes-unknown",
            {"family": "x", "volumes": UNKNOWN_STRING, "containerDefinitions": "[]"},
        ),
    ),
    # Linux capabilities
    Case.passes(CAPS, agent_task("bind-low-port", caps("NET_BIND_SERVICE"))),
    Case.fails(CAPS, agent_task("sys-admin", caps("SYS_ADMIN"))),
    Case.fails(CAPS, agent_task("cap-prefixed", caps("cap_net_admin"))),
    Case.fails(CAPS, agent_task("all-caps", caps("ALL"))),
    # Secrets judged by value (detect-secrets): names that merely contain PASS or TOKEN, and
    # references to secrets kept elsewhere, pass.
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
]
