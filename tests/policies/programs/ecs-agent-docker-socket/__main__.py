"""A monitoring agent as a daemon task on EC2 capacity, with the Docker socket mounted read-only
"so it can only look". ecs-task-no-host-control-mounts must name the task definition: a
read-only bind mount of a socket still reaches the whole Docker API."""

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

aws.ecs.TaskDefinition(
    "metrics-agent",
    family="metrics-agent",
    network_mode="bridge",
    requires_compatibilities=["EC2"],
    volumes=[
        aws.ecs.TaskDefinitionVolumeArgs(name="docker_sock", host_path="/var/run/docker.sock"),
        aws.ecs.TaskDefinitionVolumeArgs(name="scratch"),
    ],
    container_definitions=json.dumps(
        [
            {
                "name": "agent",
                "image": "public.ecr.aws/datadog/agent:7",
                "memory": 256,
                "essential": True,
                "user": "1000",
                "readonlyRootFilesystem": True,
                "mountPoints": [
                    {
                        "sourceVolume": "docker_sock",
                        "containerPath": "/var/run/docker.sock",
                        "readOnly": True,
                    },
                    {"sourceVolume": "scratch", "containerPath": "/tmp"},
                ],
                "logConfiguration": {
                    "logDriver": "awslogs",
                    "options": {
                        "awslogs-group": "/ecs/metrics-agent",
                        "awslogs-region": "us-east-1",
                        "awslogs-stream-prefix": "agent",
                    },
                },
            }
        ]
    ),
    tags=TAGS,
)
