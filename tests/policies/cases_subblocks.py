"""Cases for sub-blocks the rules used to skip: DynamoDB global-table replicas, ECS host volumes
and mount points, and Linux capabilities added to containers."""

from __future__ import annotations

import json

from tests.policies.harness import UNKNOWN_STRING, Case, res

TABLE = "aws:dynamodb/table:Table"
TABLE_REPLICA = "aws:dynamodb/tableReplica:TableReplica"
TASK = "aws:ecs/taskDefinition:TaskDefinition"
KEY = "arn:aws:kms:us-east-1:123456789012:key/1111"
KEY_WEST = "arn:aws:kms:us-west-2:123456789012:key/2222"

PITR = "dynamodb-table-point-in-time-recovery"
CMK = "dynamodb-table-customer-managed-key"
MOUNTS = "ecs-task-no-host-control-mounts"
CAPS = "ecs-task-no-dangerous-capabilities"


def table(name: str, replicas: list | None = None) -> object:
    props = {
        "hashKey": "pk",
        "attributes": [{"name": "pk", "type": "S"}],
        "billingMode": "PAY_PER_REQUEST",
        "pointInTimeRecovery": {"enabled": True},
        "serverSideEncryption": {"enabled": True, "kmsKeyArn": KEY},
        "streamEnabled": True,
        "streamViewType": "NEW_AND_OLD_IMAGES",
    }
    if replicas is not None:
        props["replicas"] = replicas
    return res(TABLE, name, props)


def task(name: str, container: dict, volumes: list | None = None) -> object:
    definition = {"name": "agent", "image": "public.ecr.aws/datadog/agent:7", **container}
    props: dict = {"family": name, "containerDefinitions": json.dumps([definition])}
    if volumes is not None:
        props["volumes"] = volumes
    return res(TASK, name, props)


def caps(*added: str) -> dict:
    return {"linuxParameters": {"capabilities": {"add": list(added), "drop": ["ALL"]}}}


CASES = [
    # DynamoDB global-table replicas
    Case.passes(
        PITR,
        table(
            "global",
            [{"regionName": "us-west-2", "kmsKeyArn": KEY_WEST, "pointInTimeRecovery": True}],
        ),
    ),
    Case.fails(
        PITR, table("replica-no-pitr", [{"regionName": "us-west-2", "kmsKeyArn": KEY_WEST}])
    ),
    Case.passes(CMK, table("replica-cmk", [{"regionName": "eu-west-1", "kmsKeyArn": KEY_WEST}])),
    Case.passes(
        CMK,
        table("replica-key-unknown", [{"regionName": "eu-west-1", "kmsKeyArn": UNKNOWN_STRING}]),
    ),
    Case.fails(
        CMK, table("replica-aws-key", [{"regionName": "eu-west-1", "pointInTimeRecovery": True}])
    ),
    Case.fails(
        PITR,
        res(
            TABLE_REPLICA,
            "west",
            {
                "globalTableArn": "arn:aws:dynamodb:us-east-1:1:table/t",
                "pointInTimeRecovery": False,
            },
        ),
    ),
    Case.passes(
        CMK,
        res(
            TABLE_REPLICA,
            "west-cmk",
            {"globalTableArn": "arn:aws:dynamodb:us-east-1:1:table/t", "kmsKeyArn": KEY_WEST},
        ),
    ),
    Case.fails(
        CMK,
        res(
            TABLE_REPLICA,
            "west-default",
            {"globalTableArn": "arn:aws:dynamodb:us-east-1:1:table/t"},
        ),
    ),
    # ECS host volumes and mount points
    Case.passes(
        MOUNTS,
        task(
            "scratch",
            {"mountPoints": [{"sourceVolume": "tmp", "containerPath": "/tmp"}]},
            [{"name": "tmp"}, {"name": "cache", "hostPath": "/mnt/cache"}],
        ),
    ),
    Case.fails(
        MOUNTS,
        task(
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
        task(
            "host-root",
            {"mountPoints": [{"sourceVolume": "host", "containerPath": "/host"}]},
            [{"name": "host", "hostPath": "//"}],
        ),
    ),
    Case.fails(
        MOUNTS,
        task("proc", {}, [{"name": "proc", "hostPath": "/proc/"}]),
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
    Case.passes(CAPS, task("bind-low-port", caps("NET_BIND_SERVICE"))),
    Case.fails(CAPS, task("sys-admin", caps("SYS_ADMIN"))),
    Case.fails(CAPS, task("cap-prefixed", caps("cap_net_admin"))),
    Case.fails(CAPS, task("all-caps", caps("ALL"))),
]
