"""The task: its one container, its scratch volumes, and the two roles ECS runs it with.

Each builder returns what it creates; ``FargateService`` passes the results on.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from components.containers.fargate_args import COMPONENT, FargateServiceArgs, SecretSource
from components.containers.fargate_validation import Resolved
from components.core.context import PlatformContext
from components.core.iam import Statement, assumed_role, policy_document, service_role
from components.core.naming import Service, physical_name

__all__ = [
    "TaskRoles",
    "container_definitions",
    "execution_statements",
    "scratch_volumes",
    "task_definition",
    "task_roles",
]

ECS_TASKS = "ecs-tasks.amazonaws.com"
"""The service principal that assumes both roles."""


def execution_statements(
    args: FargateServiceArgs, resolved: Resolved, log_group_arn: pulumi.Output[str]
) -> list[Statement]:
    """ECR pulls, writes to its own log group, the named secrets and their keys: nothing else."""
    statements: list[Statement] = []
    if resolved.ecr_repository_arn is not None:
        statements.append(
            Statement(
                sid="EcrAuthorization", actions=["ecr:GetAuthorizationToken"], resources=["*"]
            )
        )
        statements.append(
            Statement(
                sid="PullImage",
                actions=[
                    "ecr:BatchCheckLayerAvailability",
                    "ecr:BatchGetImage",
                    "ecr:GetDownloadUrlForLayer",
                ],
                resources=[resolved.ecr_repository_arn],
            )
        )
    statements.append(
        Statement(
            sid="WriteContainerLogs",
            actions=["logs:CreateLogStream", "logs:PutLogEvents"],
            resources=[log_group_arn.apply(lambda arn: f"{arn}:*")],
        )
    )
    by_source = {
        source: [s.iam_resource() for s in args.secrets if s.source is source]
        for source in SecretSource
    }
    if by_source[SecretSource.SECRETS_MANAGER]:
        statements.append(
            Statement(
                sid="ReadSecrets",
                actions=["secretsmanager:GetSecretValue"],
                resources=by_source[SecretSource.SECRETS_MANAGER],
            )
        )
    if by_source[SecretSource.SSM_PARAMETER]:
        statements.append(
            Statement(
                sid="ReadParameters",
                actions=["ssm:GetParameters"],
                resources=by_source[SecretSource.SSM_PARAMETER],
            )
        )
    if args.secret_kms_key_arns:
        statements.append(
            Statement(
                sid="DecryptSecrets",
                actions=["kms:Decrypt"],
                resources=list(args.secret_kms_key_arns),
            )
        )
    return statements


def container_definitions(
    name: str,
    args: FargateServiceArgs,
    log_group_name: str,
    region: str,
    image: str,
    secrets: Sequence[tuple[str, str]],
    environment: Sequence[tuple[str, str]],
) -> list[dict[str, Any]]:
    """The task's single container: read-only root, non-root, never privileged, awslogs."""
    volumes = scratch_volumes(args.writable_paths)
    return [
        {
            "name": name,
            "image": image,
            "essential": True,
            "user": args.user,
            "privileged": False,
            "readonlyRootFilesystem": True,
            "portMappings": [
                {
                    "containerPort": args.container_port,
                    "hostPort": args.container_port,
                    "protocol": "tcp",
                }
            ],
            "environment": [{"name": k, "value": v} for k, v in sorted(environment)],
            "secrets": [{"name": k, "valueFrom": v} for k, v in sorted(secrets)],
            "mountPoints": [
                {"sourceVolume": volume, "containerPath": path, "readOnly": False}
                for volume, path in volumes
            ],
            "linuxParameters": {"initProcessEnabled": True},
            "logConfiguration": {
                "logDriver": "awslogs",
                "options": {
                    "awslogs-group": log_group_name,
                    "awslogs-region": region,
                    "awslogs-stream-prefix": name,
                },
            },
        }
    ]


def scratch_volumes(paths: Sequence[str]) -> list[tuple[str, str]]:
    """``(volume name, container path)`` per writable path, e.g. ``("scratch-tmp", "/tmp")``."""
    return [
        ("scratch-" + (re.sub(r"[^A-Za-z0-9]+", "-", path).strip("-") or "root"), path)
        for path in paths
    ]


@dataclass(frozen=True)
class TaskRoles:
    """The execution role (the ECS agent's), the task role (the application's) and the policy
    attachments that whatever runs the task must ``depends_on``."""

    execution: aws.iam.Role
    task: aws.iam.Role
    attachments: tuple[aws.iam.RolePolicyAttachment, ...]


def task_roles(
    name: str,
    context: PlatformContext,
    *,
    account_id: pulumi.Output[str],
    execution_statements: Sequence[Statement],
    task_statements: Sequence[Statement],
    tags: Mapping[str, str],
    parent: pulumi.Resource,
) -> TaskRoles:
    """Two roles only ``ecs-tasks.amazonaws.com`` for this account may assume: the execution
    role granted ``execution_statements``, the task role granted ``task_statements`` (no policy
    at all when there are none)."""
    child = pulumi.ResourceOptions(parent=parent)
    owner = f"{context.name_prefix}-{name}"
    agent = f"ECS agent of {owner}: pull image, write logs, read its secrets"
    execution = service_role(
        f"{name}-execution-role",
        service=ECS_TASKS,
        account_id=account_id,
        role_name=physical_name(context, name, Service.IAM_ROLE, suffix="execution", within=parent),
        role_description=agent,
        policy_resource_name=f"{name}-execution-policy",
        policy_name=physical_name(
            context, name, Service.IAM_POLICY, suffix="execution", within=parent
        ),
        document=policy_document(execution_statements, component=COMPONENT),
        description=agent,
        tags=tags,
        opts=child,
    )
    task_role_name = physical_name(context, name, Service.IAM_ROLE, suffix="task", within=parent)
    task_role_description = f"Application in {owner}: only what it declares"
    if task_statements:
        task = service_role(
            f"{name}-task-role",
            service=ECS_TASKS,
            account_id=account_id,
            role_name=task_role_name,
            role_description=task_role_description,
            policy_resource_name=f"{name}-task-policy",
            policy_name=physical_name(
                context, name, Service.IAM_POLICY, suffix="task", within=parent
            ),
            document=policy_document(list(task_statements), component=COMPONENT),
            description=f"Application in {owner}: what it declares",
            tags=tags,
            opts=child,
        )
        return TaskRoles(
            execution=execution.role,
            task=task.role,
            attachments=(execution.attachment, task.attachment),
        )
    # A task role without a policy: nothing to attach.
    bare_task_role = assumed_role(
        f"{name}-task-role",
        service=ECS_TASKS,
        account_id=account_id,
        role_name=task_role_name,
        description=task_role_description,
        tags=tags,
        opts=child,
    )
    return TaskRoles(
        execution=execution.role, task=bare_task_role, attachments=(execution.attachment,)
    )


def task_definition(
    name: str,
    context: PlatformContext,
    args: FargateServiceArgs,
    *,
    region: str,
    log_group_name: pulumi.Output[str],
    roles: TaskRoles,
    tags: Mapping[str, str],
    parent: pulumi.Resource,
) -> aws.ecs.TaskDefinition:
    """The Fargate task definition running ``container_definitions`` with ``roles``."""
    secret_pairs = [pulumi.Output.all(s.name, s.value_from) for s in args.secrets]
    env_pairs = [pulumi.Output.all(k, v) for k, v in args.environment.items()]
    definitions = pulumi.Output.all(
        log_group_name,
        args.image,
        pulumi.Output.all(*secret_pairs),
        pulumi.Output.all(*env_pairs),
    ).apply(
        lambda v: json.dumps(
            container_definitions(
                name,
                args,
                v[0],
                region,
                v[1],
                [(s[0], s[1]) for s in v[2]],
                [(e[0], e[1]) for e in v[3]],
            ),
            sort_keys=True,
        )
    )
    return aws.ecs.TaskDefinition(
        f"{name}-task",
        family=physical_name(context, name, Service.ECS_TASK_FAMILY, within=parent),
        requires_compatibilities=["FARGATE"],
        network_mode="awsvpc",
        cpu=str(args.cpu),
        memory=str(args.memory_mib),
        runtime_platform=aws.ecs.TaskDefinitionRuntimePlatformArgs(
            cpu_architecture=args.architecture.value,
            operating_system_family="LINUX",
        ),
        execution_role_arn=roles.execution.arn,
        task_role_arn=roles.task.arn,
        container_definitions=definitions,
        volumes=[
            aws.ecs.TaskDefinitionVolumeArgs(name=volume)
            for volume, _ in scratch_volumes(args.writable_paths)
        ],
        tags=dict(tags),
        opts=pulumi.ResourceOptions(parent=parent),
    )
