"""Network under the SDK mocks: awsx VPC per tier, flow logs, endpoints, existing VPC, errors."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest

from components.core.context import PlatformContext
from components.core.errors import ComponentArgumentsError
from components.core.kms import CustomerManagedKey, KeyUse
from components.network.vpc import ExistingVpc, Network, NetworkArgs
from tests.unit.components.managed_policies import managed_policy
from tools.preview.identifiers import ec2_id
from tools.preview.program import ProgramRun, RegisteredResource, run_in_mocks

VPC = "awsx:ec2:Vpc"
AWS_VPC = "aws:ec2/vpc:Vpc"
SUBNET = "aws:ec2/subnet:Subnet"
NAT = "aws:ec2/natGateway:NatGateway"
ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
PROD_INTERFACES = {
    "ec2messages",
    "ecr.api",
    "ecr.dkr",
    "kms",
    "logs",
    "sqs",
    "ssm",
    "ssmmessages",
}


def _run_with_component(
    environment: str = "dev", args: NetworkArgs | None = None
) -> tuple[ProgramRun, Network]:
    captured: list[Network] = []

    def program() -> None:
        captured.append(Network("core", PlatformContext.for_tests(environment), args))

    run = run_in_mocks(program, stack=environment)
    return run, captured[0]


def _run(environment: str = "dev", args: NetworkArgs | None = None) -> ProgramRun:
    return _run_with_component(environment, args)[0]


def _sg_id(group: RegisteredResource) -> str:
    """The id the mock cloud gives a security group (ids are not among the outputs)."""
    return ec2_id("sg", group.type, group.name)


def _id(prefix: str, resource: RegisteredResource) -> str:
    return ec2_id(prefix, resource.type, resource.name)


def _zones(run: ProgramRun) -> Counter[str]:
    """Subnets per availability zone of the awsx VPC's children."""
    return Counter(s.inputs["availabilityZone"] for s in run.of_type(SUBNET))


def _endpoints(run: ProgramRun, kind: str) -> set[str]:
    return {
        r.inputs["serviceName"].removeprefix("com.amazonaws.us-east-1.")
        for r in run.of_type(ENDPOINT)
        if r.inputs["vpcEndpointType"] == kind
    }


def test_dev_two_azs_single_nat_gateway_endpoints_only() -> None:
    run, network = _run_with_component("dev")
    assert run.of_type(VPC)[0].inputs == {}  # the awsx plugin registers it without props
    vpc = run.of_type(AWS_VPC)[0].inputs
    assert _zones(run) == {"us-east-1a": 2, "us-east-1b": 2}
    assert len(run.of_type(NAT)) == 1  # strategy Single
    assert vpc["cidrBlock"] == "10.0.0.0/16"
    assert vpc["enableDnsHostnames"] is True
    assert _endpoints(run, "Gateway") == {"s3", "dynamodb"}
    assert _endpoints(run, "Interface") == set()
    assert run.of_type("aws:ec2/securityGroup:SecurityGroup") == []
    assert len(network.private_subnet_ids) == 2
    assert len(network.public_subnet_ids) == 2
    assert network.vpc_cidr == "10.0.0.0/16"


def test_prod_three_azs_nat_per_az_and_private_endpoints() -> None:
    run, network = _run_with_component("prod")
    assert _zones(run) == {"us-east-1a": 2, "us-east-1b": 2, "us-east-1c": 2}
    assert len(run.of_type(NAT)) == 3  # strategy OnePerAz
    assert _endpoints(run, "Interface") == PROD_INTERFACES
    private_subnets = [
        _id("subnet", s) for s in run.of_type(SUBNET) if s.inputs["mapPublicIpOnLaunch"] is False
    ]
    group = run.of_type("aws:ec2/securityGroup:SecurityGroup")[0]
    for endpoint in run.of_type(ENDPOINT):
        inputs = endpoint.inputs
        assert inputs["vpcId"] == _id("vpc", run.of_type(AWS_VPC)[0])
        if inputs["vpcEndpointType"] == "Interface":
            assert inputs["privateDnsEnabled"] is True
            assert inputs["subnetIds"] == private_subnets
            assert inputs["securityGroupIds"] == [_sg_id(group)]
        else:
            assert len(inputs["routeTableIds"]) == 3
    assert network.az_count == 3


def test_endpoint_security_group_admits_https_from_the_vpc_only() -> None:
    run = _run("prod")
    group = run.of_type("aws:ec2/securityGroup:SecurityGroup")[0]
    assert "ingress" not in group.inputs and "egress" not in group.inputs
    rules = [{k: v for k, v in r.inputs.items() if k != "tags"} for r in run.of_type(INGRESS)]
    assert rules == [
        {
            "securityGroupId": _sg_id(group),
            "description": "HTTPS to AWS APIs from inside the VPC",
            "ipProtocol": "tcp",
            "fromPort": 443,
            "toPort": 443,
            "cidrIpv4": "10.0.0.0/16",
        }
    ]
    assert run.of_type("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule") == []


def test_default_security_group_is_adopted_without_rules() -> None:
    default = _run("dev").of_type("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup")
    assert len(default) == 1
    assert "ingress" not in default[0].inputs and "egress" not in default[0].inputs


def test_flow_logs_encrypted_retained_and_role_writes_only_its_group() -> None:
    run = _run("prod")
    log_group = run.named("core-flow-logs")
    key = run.of_type("aws:kms/key:Key")[0]
    assert log_group.inputs["retentionInDays"] == 365
    assert log_group.inputs["kmsKeyId"] == key.outputs["arn"]
    assert "AllowCloudWatchLogsToEncryptLogGroups" in key.inputs["policy"]
    flow_log = run.of_type("aws:ec2/flowLog:FlowLog")[0].inputs
    role = run.named("core-flow-logs-role")
    assert flow_log["logDestination"] == log_group.outputs["arn"]
    assert flow_log["logDestinationType"] == "cloud-watch-logs"
    assert flow_log["trafficType"] == "ALL"
    assert flow_log["iamRoleArn"] == role.outputs["arn"]
    arn = log_group.outputs["arn"]
    document, attachment = managed_policy(
        run,
        "core-flow-logs-policy",
        role="core-flow-logs-role",
        policy_name="aws-platform-prod-core-5bb0477b-flow-logs",
        description="VPC flow logs of aws-platform-prod-core: write their log group",
        tags=PlatformContext.for_tests("prod").tags,
    )
    # The flow log is created once its role may write, or its first deliveries fail.
    assert attachment.urn in run.of_type("aws:ec2/flowLog:FlowLog")[0].dependencies
    assert document == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "WriteFlowLogsToOwnLogGroup",
                "Effect": "Allow",
                "Action": [
                    "logs:CreateLogStream",
                    "logs:DescribeLogStreams",
                    "logs:PutLogEvents",
                ],
                "Resource": [arn, f"{arn}:*"],
            }
        ],
    }
    trust = json.loads(role.inputs["assumeRolePolicy"])["Statement"]
    assert trust == [
        {
            "Effect": "Allow",
            "Principal": {"Service": "vpc-flow-logs.amazonaws.com"},
            "Action": "sts:AssumeRole",
            "Condition": {
                "StringEquals": {"aws:SourceAccount": "123456789012"},
                "ArnLike": {"aws:SourceArn": "arn:aws:ec2:us-east-1:123456789012:vpc-flow-log/*"},
            },
        }
    ]


def test_every_child_is_tagged_and_parented() -> None:
    run = _run("staging")
    component = run.of_type("platform:network:Network")[0].urn
    counts = Counter(r.type for r in run.resources)
    assert counts[ENDPOINT] == 6
    for resource in run.resources:
        if resource.parent == component and resource.custom:
            assert resource.name.startswith("core-")
            if "tags" in resource.inputs:
                assert resource.inputs["tags"]["Environment"] == "staging"


def test_existing_vpc_creates_no_awsx_vpc_and_passes_ids_through() -> None:
    existing = ExistingVpc(
        vpc_id="vpc-0123",
        vpc_cidr="10.20.0.0/16",
        private_subnet_ids=["subnet-a", "subnet-b"],
        public_subnet_ids=["subnet-c", "subnet-d"],
    )
    run, network = _run_with_component(
        "dev", NetworkArgs(existing=existing, interface_endpoints=["logs"])
    )
    assert run.of_type(VPC) == []
    assert run.of_type("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup") == []
    assert _endpoints(run, "Gateway") == set()
    assert _endpoints(run, "Interface") == {"logs"}
    assert run.of_type("aws:ec2/flowLog:FlowLog")[0].inputs["vpcId"] == "vpc-0123"
    assert run.of_type(INGRESS)[0].inputs["cidrIpv4"] == "10.20.0.0/16"
    assert network.vpc_cidr == "10.20.0.0/16"
    assert len(network.private_subnet_ids) == 2


def test_flow_logs_can_reuse_a_logs_key() -> None:
    def program() -> None:
        context = PlatformContext.for_tests()
        key = CustomerManagedKey("shared", context, uses={KeyUse.LOGS})
        Network("core", context, NetworkArgs(kms_key=key))

    run = run_in_mocks(program)
    assert len(run.of_type("aws:kms/key:Key")) == 1


def test_every_problem_is_reported_at_once() -> None:
    wrong_key: dict[str, Any] = {}

    def program() -> None:
        context = PlatformContext.for_tests("prod")
        wrong_key["key"] = CustomerManagedKey("sqs", context, uses={KeyUse.SQS})
        Network(
            "core",
            context,
            NetworkArgs(
                cidr_block="8.8.0.0/33",
                az_count=2,
                interface_endpoints=["sqs", "made-up"],
                gateway_endpoints=["sqs"],
                flow_log_traffic_type="SOME",
                flow_log_retention_days=42,
                kms_key=wrong_key["key"],
                tags={"Environment": "dev"},
            ),
        )

    with pytest.raises(ComponentArgumentsError) as raised:
        run_in_mocks(program, stack="prod")
    fields = [problem.split(":")[0] for problem in raised.value.problems]
    assert fields == [
        "cidr_block",
        "az_count",
        "interface_endpoints",
        "gateway_endpoints",
        "flow_log_traffic_type",
        "flow_log_retention_days",
        "kms_key",
        "tags.Environment",
    ]


def test_existing_vpc_needs_two_subnets_and_no_vpc_settings() -> None:
    args = NetworkArgs(
        existing=ExistingVpc(vpc_id="vpc-1", vpc_cidr="10.0.0.0/16", private_subnet_ids=["s-1"]),
        nat_gateways=None,
        az_count=3,
    )
    with pytest.raises(ComponentArgumentsError) as raised:
        run_in_mocks(lambda: Network("core", PlatformContext.for_tests(), args))
    assert [p.split(":")[0] for p in raised.value.problems] == [
        "existing.private_subnet_ids",
        "az_count/nat_gateways",
    ]


def test_public_cidr_is_refused() -> None:
    with pytest.raises(ComponentArgumentsError, match="not a private"):
        run_in_mocks(
            lambda: Network(
                "core", PlatformContext.for_tests(), NetworkArgs(cidr_block="8.8.0.0/16")
            )
        )
