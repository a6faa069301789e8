"""The containers builders return every resource they create; FargateService wires those values.

``test_fargate_service.py`` checks the resources' settings through the component; these tests
call the builders on their own under a plain parent, so a builder that creates something it
does not hand back (or hands back something it did not create) fails here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields, replace
from typing import Any

import pulumi
import pytest

from components.containers import fargate_service
from components.containers.fargate_alarms import RUNBOOK_PAGE, alarm_specs
from components.containers.fargate_args import FargateServiceArgs
from components.containers.fargate_validation import resolve
from components.containers.load_balancer import TLS_POLICY, LoadBalancer, load_balancer
from components.containers.task_definition import (
    TaskRoles,
    container_definitions,
    execution_statements,
    task_definition,
    task_roles,
)
from components.core.alarms import ExpressionAlarmSpec
from components.core.aws_values import LOG_RETENTION_DAYS
from components.core.context import PlatformContext
from components.core.iam import Statement
from tools.preview.identifiers import ec2_id
from tools.preview.program import ProgramRun, run_in_mocks

ACCOUNT = "123456789012"
ARGS = FargateServiceArgs(
    image=f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/orders-api:1.4.2",
    vpc_id="vpc-0abc",
    vpc_cidr="10.0.0.0/16",
    private_subnet_ids=["subnet-a", "subnet-b"],
    public_subnet_ids=["subnet-p", "subnet-q"],
    certificate_arn=f"arn:aws:acm:us-east-1:{ACCOUNT}:certificate/0f1e2d3c-aaaa",
)
PARENT_TYPE = "test:containers:Parent"
SEND = Statement(actions=["sqs:SendMessage"], resources=[f"arn:aws:sqs:us-east-1:{ACCOUNT}:q"])


def _build(
    build: Callable[[pulumi.ComponentResource, PlatformContext], Any],
) -> tuple[Any, ProgramRun]:
    """Run ``build`` under a bare parent component; return what it returned and the run."""
    returned: list[Any] = []

    def program() -> None:
        parent = pulumi.ComponentResource(PARENT_TYPE, "svc")
        returned.append(build(parent, PlatformContext.for_tests("dev")))

    run = run_in_mocks(program)
    return returned[0], run


def _created(run: ProgramRun) -> list[str]:
    return [r.name for r in run.resources if r.type not in ("pulumi:pulumi:Stack", PARENT_TYPE)]


def _names(value: Any) -> list[str]:
    """Logical names of the resources in a builder's result (fields, tuples, None skipped)."""
    items = [getattr(value, f.name) for f in fields(value)]
    found: list[str] = []
    for item in items:
        for resource in item if isinstance(item, tuple) else (item,):
            if isinstance(resource, pulumi.Resource):
                found.append(resource.pulumi_resource_name)
    return found


def _roles(statements: list[Statement]) -> tuple[TaskRoles, ProgramRun]:
    def build(parent: pulumi.ComponentResource, context: PlatformContext) -> TaskRoles:
        account = pulumi.Output.from_input(ACCOUNT)
        return task_roles(
            "svc",
            context,
            account_id=account,
            execution_statements=[
                Statement(actions=["logs:PutLogEvents"], resources=["arn:aws:logs:x"])
            ],
            task_statements=statements,
            tags={},
            parent=parent,
        )

    roles, run = _build(build)
    assert isinstance(roles, TaskRoles)
    return roles, run


def test_task_roles_without_statements_give_a_bare_task_role() -> None:
    roles, run = _roles([])
    assert roles.execution.pulumi_resource_name == "svc-execution-role"
    assert roles.task.pulumi_resource_name == "svc-task-role"
    assert [a.pulumi_resource_name for a in roles.attachments] == [
        "svc-execution-policy-attachment"
    ]
    assert sorted(_created(run)) == [
        "svc-execution-policy",
        "svc-execution-policy-attachment",
        "svc-execution-role",
        "svc-task-role",
    ]
    trust = {r.name: r.inputs["assumeRolePolicy"] for r in run.of_type("aws:iam/role:Role")}
    assert trust["svc-task-role"] == trust["svc-execution-role"]


def test_task_roles_with_statements_return_both_attachments() -> None:
    roles, run = _roles([SEND])
    assert [a.pulumi_resource_name for a in roles.attachments] == [
        "svc-execution-policy-attachment",
        "svc-task-policy-attachment",
    ]
    assert "svc-task-policy" in _created(run)
    for resource in run.resources:
        if resource.type.startswith("aws:"):
            assert resource.parent == run.of_type(PARENT_TYPE)[0].urn, resource.name


def test_task_definition_uses_the_roles_it_is_given() -> None:
    def build(parent: pulumi.ComponentResource, context: PlatformContext) -> Any:
        roles = task_roles(
            "svc",
            context,
            account_id=pulumi.Output.from_input(ACCOUNT),
            execution_statements=execution_statements(
                ARGS,
                resolve(ARGS, context),
                pulumi.Output.from_input("arn:aws:logs:us-east-1:1:log-group:g"),
            ),
            task_statements=[],
            tags={},
            parent=parent,
        )
        return roles, task_definition(
            "svc",
            context,
            ARGS,
            region="us-east-1",
            log_group_name=pulumi.Output.from_input("/ecs/svc"),
            roles=roles,
            tags={},
            parent=parent,
        )

    (_, task), run = _build(build)
    assert task.pulumi_resource_name == "svc-task"
    inputs = run.named("svc-task").inputs
    assert inputs["executionRoleArn"] == run.named("svc-execution-role").outputs["arn"]
    assert inputs["taskRoleArn"] == run.named("svc-task-role").outputs["arn"]


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"internet_facing": True, "allowed_ingress_cidrs": ["0.0.0.0/0", "10.1.0.0/16"]},
        {"web_acl_arn": f"arn:aws:wafv2:us-east-1:{ACCOUNT}:regional/webacl/w/1"},
    ],
)
def test_load_balancer_returns_every_resource_it_creates(changes: dict[str, Any]) -> None:
    args = replace(ARGS, **changes)
    cidrs = tuple(args.allowed_ingress_cidrs or (args.vpc_cidr,))

    def build(parent: pulumi.ComponentResource, context: PlatformContext) -> LoadBalancer:
        return load_balancer("svc", context, args, ingress_cidrs=cidrs, tags={}, parent=parent)

    lb, run = _build(build)
    assert isinstance(lb, LoadBalancer)
    assert sorted(_names(lb)) == sorted(_created(run))
    assert (lb.web_acl_association is None) == (args.web_acl_arn is None)
    assert len(lb.security_group_rules) == 2 * len(cidrs) + 3
    assert run.named("svc-https").inputs["sslPolicy"] == TLS_POLICY
    alb_sg = run.named("svc-alb-sg")
    assert run.named("svc-alb").inputs["securityGroups"] == [ec2_id("sg", alb_sg.type, alb_sg.name)]


def test_alarm_specs_are_six_with_the_ecs_runbook_and_the_args_thresholds() -> None:
    args = replace(ARGS, error_rate_alarm_percent=2.5, utilization_alarm_percent=70.0)
    specs = alarm_specs(
        "svc",
        args,
        alb_arn_suffix="app/alb/1",
        target_group_arn_suffix="targetgroup/tg/2",
        cluster_name="cluster",
        service_name="service",
    )
    assert list(specs) == [
        "alb-5xx",
        "unhealthy-targets",
        "latency-p99",
        "cpu-high",
        "memory-high",
        "running-tasks",
    ]
    assert {spec.runbook_page for spec in specs.values()} == {RUNBOOK_PAGE}
    assert isinstance(specs["alb-5xx"], ExpressionAlarmSpec)
    assert specs["alb-5xx"].threshold == 2.5
    assert specs["cpu-high"].threshold == specs["memory-high"].threshold == 70.0


def test_fargate_service_module_keeps_the_names_it_exported() -> None:
    assert fargate_service.TLS_POLICY is TLS_POLICY
    assert fargate_service.container_definitions is container_definitions
    assert fargate_service.LOG_RETENTION_DAYS is LOG_RETENTION_DAYS
    assert fargate_service.FargateServiceArgs is FargateServiceArgs
    for name in ("CpuArchitecture", "FargateService", "SecretSource", "ServiceSecret"):
        assert name in fargate_service.__all__
        assert getattr(fargate_service, name).__module__.startswith("components.containers.")
