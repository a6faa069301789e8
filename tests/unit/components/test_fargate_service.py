"""FargateService under the SDK mocks: graph, task definition, roles, ALB, SG rules, errors."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace
from typing import Any

import pytest

from components.containers.fargate_service import (
    CpuArchitecture,
    FargateService,
    FargateServiceArgs,
    ServiceSecret,
)
from components.containers.fargate_sizes import fargate_size_problem
from components.core.context import PlatformContext
from components.core.errors import ComponentArgumentsError
from components.core.iam import Statement
from tests.unit.components.managed_policies import managed_policy
from tools.preview.identifiers import ec2_id
from tools.preview.program import ProgramRun, RegisteredResource, run_in_mocks

ACCOUNT = "123456789012"
CERT = f"arn:aws:acm:us-east-1:{ACCOUNT}:certificate/0f1e2d3c-aaaa-bbbb-cccc-123456789abc"
IMAGE = f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/orders-api:1.4.2"
SECRET = f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:orders/db-AbCdEf"
PARAMETER = f"arn:aws:ssm:us-east-1:{ACCOUNT}:parameter/orders/api-endpoint"
SECRET_KEY = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1111-2222"
SG = "aws:ec2/securityGroup:SecurityGroup"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
LISTENER = "aws:lb/listener:Listener"

BASE = FargateServiceArgs(
    image=IMAGE,
    vpc_id="vpc-0abc",
    vpc_cidr="10.0.0.0/16",
    private_subnet_ids=["subnet-a", "subnet-b"],
    certificate_arn=CERT,
)


def _run(tier: str = "dev", **changes: Any) -> ProgramRun:
    args = replace(BASE, **changes)

    def program() -> None:
        FargateService("api", PlatformContext.for_tests(tier), args)

    return run_in_mocks(program, stack=tier)


def _sg_id(group: RegisteredResource) -> str:
    return ec2_id("sg", group.type, group.name)


def _rule(resource: RegisteredResource) -> dict[str, Any]:
    return {k: v for k, v in resource.inputs.items() if k != "tags"}


def _container(run: ProgramRun) -> dict[str, Any]:
    definitions = json.loads(run.named("api-task").inputs["containerDefinitions"])
    assert len(definitions) == 1
    container: dict[str, Any] = definitions[0]
    return container


def test_graph_types_counts_and_parents() -> None:
    run = _run()
    counts = Counter(r.type for r in run.resources if r.type != "pulumi:pulumi:Stack")
    assert counts == {
        "platform:containers:FargateService": 1,
        "platform:security:CustomerManagedKey": 1,
        "aws:kms/key:Key": 1,
        "aws:kms/alias:Alias": 1,
        "aws:cloudwatch/logGroup:LogGroup": 1,
        "aws:ecs/cluster:Cluster": 1,
        "aws:ecs/taskDefinition:TaskDefinition": 1,
        "aws:ecs/service:Service": 1,
        "aws:iam/role:Role": 2,
        "aws:iam/policy:Policy": 1,
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment": 1,
        SG: 2,
        INGRESS: 3,
        EGRESS: 2,
        "aws:lb/loadBalancer:LoadBalancer": 1,
        "aws:lb/targetGroup:TargetGroup": 1,
        LISTENER: 2,
        "aws:appautoscaling/target:Target": 1,
        "aws:appautoscaling/policy:Policy": 2,
        "aws:cloudwatch/metricAlarm:MetricAlarm": 6,
    }
    component = run.of_type("platform:containers:FargateService")[0].urn
    for resource in run.resources:
        if resource.type.startswith("aws:") and not resource.type.startswith("aws:kms/"):
            assert resource.parent == component, resource.name


def test_task_definition_is_hardened() -> None:
    run = _run(
        environment={"LOG_LEVEL": "INFO"},
        secrets=[
            ServiceSecret.secrets_manager("DB_PASSWORD", f"{SECRET}:password::"),
            ServiceSecret.ssm_parameter("API_ENDPOINT", PARAMETER),
        ],
    )
    task = run.named("api-task").inputs
    assert task["networkMode"] == "awsvpc"
    assert task["requiresCompatibilities"] == ["FARGATE"]
    assert (task["cpu"], task["memory"]) == ("512", "1024")
    assert task["runtimePlatform"] == {"cpuArchitecture": "ARM64", "operatingSystemFamily": "LINUX"}
    assert task["executionRoleArn"] != task["taskRoleArn"]
    assert task["executionRoleArn"] == run.named("api-execution-role").outputs["arn"]
    assert task["taskRoleArn"] == run.named("api-task-role").outputs["arn"]
    assert task["volumes"] == [{"name": "scratch-tmp"}]
    container = _container(run)
    assert container["privileged"] is False
    assert container["readonlyRootFilesystem"] is True
    assert container["user"] == "1000:1000"
    assert container["environment"] == [{"name": "LOG_LEVEL", "value": "INFO"}]
    assert container["secrets"] == [
        {"name": "API_ENDPOINT", "valueFrom": PARAMETER},
        {"name": "DB_PASSWORD", "valueFrom": f"{SECRET}:password::"},
    ]
    assert container["mountPoints"] == [
        {"sourceVolume": "scratch-tmp", "containerPath": "/tmp", "readOnly": False}
    ]
    assert container["portMappings"] == [
        {"containerPort": 8080, "hostPort": 8080, "protocol": "tcp"}
    ]
    log_group = run.named("api-logs")
    assert container["logConfiguration"] == {
        "logDriver": "awslogs",
        "options": {
            "awslogs-group": log_group.outputs["name"],
            "awslogs-region": "us-east-1",
            "awslogs-stream-prefix": "api",
        },
    }
    assert log_group.inputs["retentionInDays"] == 14
    assert log_group.inputs["kmsKeyId"] == run.of_type("aws:kms/key:Key")[0].outputs["arn"]


def test_x86_architecture_is_selectable() -> None:
    task = _run(architecture=CpuArchitecture.X86_64).named("api-task").inputs
    assert task["runtimePlatform"]["cpuArchitecture"] == "X86_64"


def test_execution_role_statements_exactly() -> None:
    run = _run(
        secrets=[
            ServiceSecret.secrets_manager("DB_PASSWORD", f"{SECRET}:password::"),
            ServiceSecret.ssm_parameter("API_ENDPOINT", PARAMETER),
        ],
        secret_kms_key_arns=[SECRET_KEY],
    )
    log_arn = run.named("api-logs").outputs["arn"]
    policy, attachment = managed_policy(
        run,
        "api-execution-policy",
        role="api-execution-role",
        policy_name="aws-platform-dev-api-7c8eccdf-execution",
        description="ECS agent of aws-platform-dev-api: pull image, write logs, read its secrets",
        tags=PlatformContext.for_tests("dev").tags,
    )
    assert attachment.urn in run.named("api-service").dependencies
    assert policy["Statement"] == [
        {
            "Sid": "EcrAuthorization",
            "Effect": "Allow",
            "Action": ["ecr:GetAuthorizationToken"],
            "Resource": ["*"],
        },
        {
            "Sid": "PullImage",
            "Effect": "Allow",
            "Action": [
                "ecr:BatchCheckLayerAvailability",
                "ecr:BatchGetImage",
                "ecr:GetDownloadUrlForLayer",
            ],
            "Resource": [f"arn:aws:ecr:us-east-1:{ACCOUNT}:repository/orders-api"],
        },
        {
            "Sid": "WriteContainerLogs",
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": [f"{log_arn}:*"],
        },
        {
            "Sid": "ReadSecrets",
            "Effect": "Allow",
            "Action": ["secretsmanager:GetSecretValue"],
            "Resource": [SECRET],
        },
        {
            "Sid": "ReadParameters",
            "Effect": "Allow",
            "Action": ["ssm:GetParameters"],
            "Resource": [PARAMETER],
        },
        {
            "Sid": "DecryptSecrets",
            "Effect": "Allow",
            "Action": ["kms:Decrypt"],
            "Resource": [SECRET_KEY],
        },
    ]


def test_public_image_gets_no_ecr_rights_and_task_role_only_its_statements() -> None:
    queue = f"arn:aws:sqs:us-east-1:{ACCOUNT}:orders"
    run = _run(
        image="public.ecr.aws/nginx/nginx:1.27",
        task_statements=[Statement(actions=["sqs:SendMessage"], resources=[queue])],
    )
    execution = json.loads(run.named("api-execution-policy").inputs["policy"])
    assert [s["Sid"] for s in execution["Statement"]] == ["WriteContainerLogs"]
    task, attachment = managed_policy(
        run,
        "api-task-policy",
        role="api-task-role",
        policy_name="aws-platform-dev-api-1ff14f2a-task",
        description="Application in aws-platform-dev-api: what it declares",
        tags=PlatformContext.for_tests("dev").tags,
    )
    assert task["Statement"] == [
        {"Effect": "Allow", "Action": ["sqs:SendMessage"], "Resource": [queue]}
    ]
    # Both roles' permissions exist before the service starts tasks.
    assert {attachment.urn, run.named("api-execution-policy-attachment").urn} <= set(
        run.named("api-service").dependencies
    )
    for role in ("api-execution-role", "api-task-role"):
        trust = json.loads(run.named(role).inputs["assumeRolePolicy"])["Statement"]
        assert trust == [
            {
                "Effect": "Allow",
                "Principal": {"Service": "ecs-tasks.amazonaws.com"},
                "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}},
            }
        ]


def test_service_settings() -> None:
    run = _run("prod")
    service = run.named("api-service").inputs
    alb_sg, service_sg = run.named("api-alb-sg"), run.named("api-service-sg")
    assert service["launchType"] == "FARGATE"
    assert service["platformVersion"] == "LATEST"
    assert service["desiredCount"] == 3
    assert service["networkConfiguration"] == {
        "subnets": ["subnet-a", "subnet-b"],
        "securityGroups": [_sg_id(service_sg)],
        "assignPublicIp": False,
    }
    assert service["deploymentCircuitBreaker"] == {"enable": True, "rollback": True}
    assert service["deploymentMinimumHealthyPercent"] == 100
    assert service["deploymentMaximumPercent"] == 200
    assert service["healthCheckGracePeriodSeconds"] == 60
    assert service["enableExecuteCommand"] is False
    assert service["loadBalancers"] == [
        {
            "targetGroupArn": run.named("api-tg").outputs["arn"],
            "containerName": "api",
            "containerPort": 8080,
        }
    ]
    assert run.named("api-https").urn in run.named("api-service").dependencies
    cluster = run.named("api-cluster").inputs
    assert cluster["settings"] == [{"name": "containerInsights", "value": "enabled"}]
    assert _sg_id(alb_sg) != _sg_id(service_sg)


def test_security_group_rules_exactly() -> None:
    run = _run(allowed_ingress_cidrs=["10.1.0.0/16"])
    alb, service = run.named("api-alb-sg"), run.named("api-service-sg")
    for group in (alb, service):
        assert "ingress" not in group.inputs and "egress" not in group.inputs
        assert group.inputs["vpcId"] == "vpc-0abc"
    rules = sorted(
        (_rule(r) for r in run.of_type(INGRESS) + run.of_type(EGRESS)),
        key=lambda r: (r["securityGroupId"], r["description"]),
    )
    expected = [
        {
            "securityGroupId": _sg_id(alb),
            "description": "HTTP, redirected to HTTPS from 10.1.0.0/16",
            "ipProtocol": "tcp",
            "fromPort": 80,
            "toPort": 80,
            "cidrIpv4": "10.1.0.0/16",
        },
        {
            "securityGroupId": _sg_id(alb),
            "description": "HTTPS from 10.1.0.0/16",
            "ipProtocol": "tcp",
            "fromPort": 443,
            "toPort": 443,
            "cidrIpv4": "10.1.0.0/16",
        },
        {
            "securityGroupId": _sg_id(alb),
            "description": "To the service's tasks on 8080",
            "ipProtocol": "tcp",
            "fromPort": 8080,
            "toPort": 8080,
            "referencedSecurityGroupId": _sg_id(service),
        },
        {
            "securityGroupId": _sg_id(service),
            "description": "From the ALB on 8080",
            "ipProtocol": "tcp",
            "fromPort": 8080,
            "toPort": 8080,
            "referencedSecurityGroupId": _sg_id(alb),
        },
        {
            "securityGroupId": _sg_id(service),
            "description": "HTTPS to AWS APIs (ECR, CloudWatch Logs, Secrets Manager) via NAT"
            " or VPC endpoints",
            "ipProtocol": "tcp",
            "fromPort": 443,
            "toPort": 443,
            "cidrIpv4": "0.0.0.0/0",
        },
    ]
    assert rules == sorted(expected, key=lambda r: (r["securityGroupId"], r["description"]))


def test_internal_alb_defaults_to_the_vpc_cidr() -> None:
    cidrs = {r.inputs["cidrIpv4"] for r in _run().of_type(INGRESS) if "cidrIpv4" in r.inputs}
    assert cidrs == {"10.0.0.0/16"}


def test_listeners_tls_policy_and_redirect() -> None:
    run = _run()
    alb_arn = run.named("api-alb").outputs["arn"]
    https = run.named("api-https").inputs
    assert https["loadBalancerArn"] == alb_arn
    assert (https["port"], https["protocol"]) == (443, "HTTPS")
    assert https["sslPolicy"] == "ELBSecurityPolicy-TLS13-1-2-2021-06"
    assert https["certificateArn"] == CERT
    assert https["defaultActions"] == [
        {"type": "forward", "targetGroupArn": run.named("api-tg").outputs["arn"]}
    ]
    http = run.named("api-http-redirect").inputs
    assert (http["port"], http["protocol"]) == (80, "HTTP")
    assert http["defaultActions"] == [
        {
            "type": "redirect",
            "redirect": {"port": "443", "protocol": "HTTPS", "statusCode": "HTTP_301"},
        }
    ]


@pytest.mark.parametrize(("tier", "protected"), [("dev", False), ("prod", True)])
def test_load_balancer_and_target_group(tier: str, protected: bool) -> None:
    run = _run(tier, access_logs_bucket="alb-logs", web_acl_arn=None)
    alb = run.named("api-alb").inputs
    assert alb["internal"] is True
    assert alb["subnets"] == ["subnet-a", "subnet-b"]
    assert alb["dropInvalidHeaderFields"] is True
    assert alb["desyncMitigationMode"] == "defensive"
    assert alb["enableDeletionProtection"] is protected
    assert alb["accessLogs"] == {"bucket": "alb-logs", "enabled": True}
    target_group = run.named("api-tg").inputs
    assert target_group["targetType"] == "ip"
    assert target_group["deregistrationDelay"] == 30
    assert target_group["healthCheck"]["path"] == "/health"
    assert target_group["healthCheck"]["matcher"] == "200-399"
    assert run.of_type("aws:wafv2/webAclAssociation:WebAclAssociation") == []


def test_internet_facing_alb_uses_public_subnets_and_optional_waf() -> None:
    acl = f"arn:aws:wafv2:us-east-1:{ACCOUNT}:regional/webacl/edge/abcd"
    run = _run(
        internet_facing=True,
        public_subnet_ids=["subnet-p1", "subnet-p2"],
        allowed_ingress_cidrs=["0.0.0.0/0"],
        web_acl_arn=acl,
    )
    assert run.named("api-alb").inputs["internal"] is False
    assert run.named("api-alb").inputs["subnets"] == ["subnet-p1", "subnet-p2"]
    association = run.named("api-waf").inputs
    assert association == {"resourceArn": run.named("api-alb").outputs["arn"], "webAclArn": acl}


def test_autoscaling_on_cpu_and_requests_per_target() -> None:
    run = _run("prod")
    target = run.named("api-scaling-target").inputs
    assert (target["minCapacity"], target["maxCapacity"]) == (3, 12)
    assert (
        target["resourceId"]
        == "service/aws-platform-prod-api-ca5580ad/aws-platform-prod-api-ca5580ad"
    )
    assert target["scalableDimension"] == "ecs:service:DesiredCount"
    assert target["tags"]["Environment"] == "prod"
    cpu = run.named("api-scale-on-cpu").inputs["targetTrackingScalingPolicyConfiguration"]
    assert cpu["targetValue"] == 60
    assert cpu["predefinedMetricSpecification"] == {
        "predefinedMetricType": "ECSServiceAverageCPUUtilization"
    }
    requests = run.named("api-scale-on-requests").inputs["targetTrackingScalingPolicyConfiguration"]
    alb, tg = run.named("api-alb").outputs, run.named("api-tg").outputs
    assert requests["predefinedMetricSpecification"] == {
        "predefinedMetricType": "ALBRequestCountPerTarget",
        "resourceLabel": f"{alb['arnSuffix']}/{tg['arnSuffix']}",
    }


def test_alarms_link_the_ecs_runbook() -> None:
    alarms = {r.name: r.inputs for r in _run().of_type("aws:cloudwatch/metricAlarm:MetricAlarm")}
    anchors = {
        "api-alb-5xx": "alb-5xx",
        "api-unhealthy-targets": "unhealthy-targets",
        "api-latency-p99": "latency",
        "api-cpu-high": "cpu-high",
        "api-memory-high": "memory-high",
        "api-running-tasks": "running-tasks",
    }
    assert set(alarms) == set(anchors)
    for name, anchor in anchors.items():
        assert alarms[name]["alarmDescription"].endswith(f"docs/runbooks/ecs.md#{anchor}")
    assert alarms["api-latency-p99"]["extendedStatistic"] == "p99"
    assert alarms["api-running-tasks"]["treatMissingData"] == "breaching"
    running = {q["id"]: q for q in alarms["api-running-tasks"]["metricQueries"]}
    assert running["result"]["expression"] == "desired - running"
    assert running["running"]["metric"]["namespace"] == "ECS/ContainerInsights"
    assert running["running"]["metric"]["metricName"] == "RunningTaskCount"


def test_fargate_sizes() -> None:
    assert fargate_size_problem(256, 512) is None
    assert fargate_size_problem(4096, 30720) is None
    assert fargate_size_problem(16384, 122880) is None
    assert "memory_mib" in str(fargate_size_problem(256, 4096))
    assert "cpu" in str(fargate_size_problem(300, 512))


def test_every_problem_is_reported_at_once_naming_its_field() -> None:
    args = replace(
        BASE,
        image=f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/orders-api:latest",
        private_subnet_ids=["subnet-a"],
        cpu=256,
        memory_mib=4096,
        container_port=80,
        user="root",
        environment={"DB_PASSWORD": "hunter2", "STRIPE_API_KEY": "x", "DB_PASSWORD_ARN": "ok"},
        secrets=[ServiceSecret.ssm_parameter("DB", SECRET)],
        certificate_arn=None,
        health_check_path="health check",
        min_capacity=2,
        max_capacity=4,
        desired_count=9,
    )
    with pytest.raises(ComponentArgumentsError) as raised:
        run_in_mocks(lambda: FargateService("api", PlatformContext.for_tests("prod"), args))
    fields = [problem.split(":")[0] for problem in raised.value.problems]
    assert fields == [
        "image",
        "private_subnet_ids",
        "memory_mib",
        "container_port",
        "user",
        "environment.DB_PASSWORD",
        "environment.STRIPE_API_KEY",
        "secrets[0].value_from",
        "certificate_arn",
        "health_check_path",
        "desired_count",
    ]
    assert "required in prod" in str(raised.value)


def test_internet_facing_needs_public_subnets_and_named_clients() -> None:
    args = replace(BASE, internet_facing=True)
    with pytest.raises(ComponentArgumentsError) as raised:
        run_in_mocks(lambda: FargateService("api", PlatformContext.for_tests(), args))
    assert [p.split(":")[0] for p in raised.value.problems] == [
        "public_subnet_ids",
        "allowed_ingress_cidrs",
    ]


def test_a_valid_configuration_passes_validation() -> None:
    # The pass case of the validation above: the same kinds of values, all valid.
    run = _run(
        cpu=1024,
        memory_mib=3072,
        environment={"DB_PASSWORD_ARN": SECRET, "TOKEN_TTL": "60"},
        health_check_path="/ready",
    )
    assert len(run.of_type("aws:ecs/service:Service")) == 1


@pytest.mark.parametrize(
    ("value_from", "valid"),
    [
        (SECRET, True),
        (f"{SECRET}:password::", True),  # ECS's json-key form
        # Partial ARN (no six-character suffix): no IAM Resource would ever match it.
        (f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:orders/db", False),
    ],
)
def test_secrets_manager_secrets_need_the_complete_arn(value_from: str, valid: bool) -> None:
    args = replace(BASE, secrets=[ServiceSecret.secrets_manager("DB", value_from)])

    def program() -> None:
        FargateService("api", PlatformContext.for_tests(), args)

    if valid:
        assert run_in_mocks(program).of_type("aws:ecs/service:Service")
    else:
        with pytest.raises(ComponentArgumentsError, match=r"secrets\[0\]\.value_from"):
            run_in_mocks(program)
