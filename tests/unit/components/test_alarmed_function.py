"""AlarmedFunction under the SDK mocks: graph, exact role policy, log group first, alarms."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest

from components.compute.alarmed_function import (
    AlarmedFunction,
    AlarmedFunctionArgs,
    Architecture,
    AsyncFailureDestination,
    DestinationKind,
    Runtime,
    VpcPlacement,
    powertools_layer_arn,
)
from components.core.context import PlatformContext
from components.core.errors import ComponentArgumentsError
from components.core.iam import Statement
from components.core.kms import CustomerManagedKey, KeyUse
from tests.unit.components.managed_policies import managed_policy
from tools.preview.program import ProgramRun, run_in_mocks

ACCOUNT = "123456789012"
NAME = "aws-platform-dev-shipments-13c6ffc0"
LOG_GROUP_ARN = f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/aws/lambda/{NAME}"
DEST_ARN = f"arn:aws:sqs:us-east-1:{ACCOUNT}:failed"
DEST_KEY = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/dest"
FUNCTION = "aws:lambda/function:Function"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"


def _run(tier: str = "dev", **values: Any) -> ProgramRun:
    values.setdefault("handler", "shipment_events.handler")

    def program() -> None:
        AlarmedFunction("shipments", PlatformContext.for_tests(tier), AlarmedFunctionArgs(**values))

    return run_in_mocks(program)


def _key_arn(run: ProgramRun) -> str:
    arn: str = run.of_type("aws:kms/key:Key")[0].outputs["arn"]
    return arn


def _statements(run: ProgramRun) -> list[dict[str, Any]]:
    policy = json.loads(run.of_type("aws:iam/policy:Policy")[0].inputs["policy"])
    statements: list[dict[str, Any]] = policy["Statement"]
    return statements


def _base_statements(key_arn: str) -> list[dict[str, Any]]:
    return [
        {
            "Sid": "WriteOwnLogs",
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": [f"{LOG_GROUP_ARN}:*"],
        },
        {
            "Sid": "DecryptEnvironment",
            "Effect": "Allow",
            "Action": ["kms:Decrypt"],
            "Resource": [key_arn],
        },
        {
            "Sid": "WriteTraces",
            "Effect": "Allow",
            "Action": ["xray:PutTelemetryRecords", "xray:PutTraceSegments"],
            "Resource": ["*"],
        },
    ]


def test_graph_types_counts_and_parents() -> None:
    run = _run()
    counts = Counter(r.type for r in run.resources if r.type != "pulumi:pulumi:Stack")
    assert counts == {
        "platform:compute:AlarmedFunction": 1,
        "platform:security:CustomerManagedKey": 1,
        "aws:kms/key:Key": 1,
        "aws:kms/alias:Alias": 1,
        "aws:iam/role:Role": 1,
        "aws:iam/policy:Policy": 1,
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment": 1,
        "aws:cloudwatch/logGroup:LogGroup": 1,
        FUNCTION: 1,
        ALARM: 3,
    }
    component = run.of_type("platform:compute:AlarmedFunction")[0].urn
    for resource in run.resources:
        if resource.type.startswith(("aws:kms/", "pulumi:", "platform:compute")):
            continue
        assert resource.parent == component, resource.name
        assert resource.name.startswith("shipments-")
    # Only its own customer-managed policy: no inline one, no AWS-managed one.
    _, attachment = managed_policy(
        run,
        "shipments-policy",
        role="shipments-role",
        policy_name=NAME,
        description=f"Least privilege of Lambda function {NAME}",
        tags=PlatformContext.for_tests("dev").tags,
    )
    assert attachment.inputs["role"] == NAME
    # The function is created once its role may write its logs.
    assert attachment.urn in run.of_type(FUNCTION)[0].dependencies


def test_log_group_is_encrypted_and_created_before_the_function() -> None:
    run = _run("prod")
    log_group = run.of_type("aws:cloudwatch/logGroup:LogGroup")[0]
    function = run.of_type(FUNCTION)[0]
    assert log_group.inputs["name"] == "/aws/lambda/aws-platform-prod-shipments-5b4ec927"
    assert log_group.inputs["retentionInDays"] == 365
    assert log_group.inputs["kmsKeyId"] == _key_arn(run)
    assert log_group.urn in function.dependencies
    assert run.resources.index(log_group) < run.resources.index(function)
    assert function.inputs["loggingConfig"]["logFormat"] == "JSON"
    assert function.inputs["loggingConfig"]["logGroup"] == log_group.inputs["name"]
    key_policy = json.loads(run.of_type("aws:kms/key:Key")[0].inputs["policy"])
    services = {s["Principal"].get("Service") for s in key_policy["Statement"]}
    assert "logs.us-east-1.amazonaws.com" in services


def test_function_settings_env_layer_and_tracing() -> None:
    run = _run(environment={"EVENTS_TABLE_NAME": "events"}, reserved_concurrency=5)
    inputs = run.of_type(FUNCTION)[0].inputs
    assert inputs["name"] == NAME
    assert inputs["runtime"] == "python3.13"
    assert inputs["architectures"] == ["arm64"]
    assert inputs["handler"] == "shipment_events.handler"
    assert inputs["code"]["path"] == "handlers"
    assert (inputs["memorySize"], inputs["timeout"]) == (512, 60)
    assert inputs["reservedConcurrentExecutions"] == 5
    assert inputs["tracingConfig"] == {"mode": "Active"}
    assert inputs["kmsKeyArn"] == _key_arn(run)
    assert inputs["environment"]["variables"] == {
        "EVENTS_TABLE_NAME": "events",
        "POWERTOOLS_SERVICE_NAME": "shipments",
        "POWERTOOLS_LOG_LEVEL": "INFO",
        "POWERTOOLS_METRICS_NAMESPACE": "aws-platform",
    }
    assert inputs["layers"] == [
        "arn:aws:lambda:us-east-1:017000801446:layer:AWSLambdaPowertoolsPythonV3-python313-arm64:23"
    ]


def test_layer_follows_runtime_architecture_and_version() -> None:
    assert powertools_layer_arn(
        "aws", "eu-west-1", Runtime.PYTHON_3_12, Architecture.X86_64, 30
    ) == (
        "arn:aws:lambda:eu-west-1:017000801446:layer:AWSLambdaPowertoolsPythonV3-python312-x86_64:30"
    )


def test_role_trusts_only_lambda_for_this_account() -> None:
    role = _run().of_type("aws:iam/role:Role")[0].inputs
    assert json.loads(role["assumeRolePolicy"]) == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "lambda.amazonaws.com"},
                "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}},
            }
        ],
    }


def test_role_policy_is_exactly_logs_key_and_traces() -> None:
    run = _run()
    assert _statements(run) == _base_statements(_key_arn(run))


def test_role_policy_without_tracing_has_no_xray() -> None:
    run = _run(tracing=False)
    assert _statements(run) == _base_statements(_key_arn(run))[:2]
    assert run.of_type(FUNCTION)[0].inputs["tracingConfig"] == {"mode": "PassThrough"}


def test_role_policy_for_vpc_destination_and_extra_statements() -> None:
    run = _run(
        vpc=VpcPlacement(subnet_ids=["subnet-a", "subnet-b"], security_group_ids=["sg-1"]),
        on_failure=AsyncFailureDestination(
            arn=DEST_ARN, kind=DestinationKind.SQS, kms_key_arn=DEST_KEY
        ),
        statements=[
            Statement(
                sid="ReadConfig",
                actions=["ssm:GetParameter"],
                resources=[f"arn:aws:ssm:us-east-1:{ACCOUNT}:parameter/shipments"],
            )
        ],
    )
    ec2 = f"arn:aws:ec2:us-east-1:{ACCOUNT}"
    assert _statements(run)[3:] == [
        {
            "Sid": "ManageNetworkInterfaces",
            "Effect": "Allow",
            "Action": ["ec2:CreateNetworkInterface"],
            "Resource": [
                f"{ec2}:network-interface/*",
                f"{ec2}:security-group/sg-1",
                f"{ec2}:subnet/subnet-a",
                f"{ec2}:subnet/subnet-b",
            ],
        },
        {
            "Sid": "UseNetworkInterfaces",
            "Effect": "Allow",
            "Action": [
                "ec2:AssignPrivateIpAddresses",
                "ec2:DeleteNetworkInterface",
                "ec2:UnassignPrivateIpAddresses",
            ],
            "Resource": [f"{ec2}:network-interface/*"],
        },
        {
            "Sid": "DescribeNetworkInterfaces",
            "Effect": "Allow",
            "Action": ["ec2:DescribeNetworkInterfaces"],
            "Resource": ["*"],
        },
        {
            "Sid": "SendFailedInvocations",
            "Effect": "Allow",
            "Action": ["sqs:SendMessage"],
            "Resource": [DEST_ARN],
        },
        {
            "Sid": "EncryptFailedInvocations",
            "Effect": "Allow",
            "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
            "Resource": [DEST_KEY],
        },
        {
            "Sid": "ReadConfig",
            "Effect": "Allow",
            "Action": ["ssm:GetParameter"],
            "Resource": [f"arn:aws:ssm:us-east-1:{ACCOUNT}:parameter/shipments"],
        },
    ]
    invoke = run.of_type("aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig")
    assert invoke[0].inputs["destinationConfig"] == {"onFailure": {"destination": DEST_ARN}}
    assert run.of_type(FUNCTION)[0].inputs["vpcConfig"] == {
        "subnetIds": ["subnet-a", "subnet-b"],
        "securityGroupIds": ["sg-1"],
    }


def test_default_alarms_and_runbooks() -> None:
    alarms = {r.name: r.inputs for r in _run(timeout_seconds=30).of_type(ALARM)}
    assert set(alarms) == {"shipments-errors", "shipments-throttles", "shipments-duration"}
    assert alarms["shipments-errors"]["tags"]["Severity"] == "P2"
    assert alarms["shipments-throttles"]["tags"]["Severity"] == "P3"
    duration = alarms["shipments-duration"]
    assert (duration["extendedStatistic"], duration["threshold"]) == ("p99", 24_000)
    for suffix, alarm in alarms.items():
        anchor = suffix.removeprefix("shipments-")
        assert alarm["alarmDescription"].endswith(f"/docs/runbooks/lambda.md#{anchor}")
        assert alarm["dimensions"] == {"FunctionName": NAME}
        assert alarm["namespace"] == "AWS/Lambda"


def test_concurrency_and_destination_alarms_when_configured() -> None:
    run = _run(
        reserved_concurrency=10,
        on_failure=AsyncFailureDestination(arn=DEST_ARN, kind=DestinationKind.SQS),
    )
    alarms = {r.name: r.inputs for r in run.of_type(ALARM)}
    concurrency = alarms["shipments-concurrency"]
    assert (concurrency["metricName"], concurrency["threshold"]) == ("ConcurrentExecutions", 8)
    assert concurrency["alarmDescription"].endswith("lambda.md#concurrency")
    failures = alarms["shipments-destination-failures"]
    assert failures["metricName"] == "DestinationDeliveryFailures"
    assert failures["tags"]["Severity"] == "P2"
    assert failures["alarmDescription"].endswith("lambda.md#destination-failures")


def test_passed_key_must_admit_logs_and_lambda() -> None:
    def program() -> None:
        context = PlatformContext.for_tests()
        key = CustomerManagedKey("sqs-only", context, uses={KeyUse.SQS})
        AlarmedFunction(
            "shipments",
            context,
            AlarmedFunctionArgs(handler="shipment_events.handler", kms_key=key),
        )

    with pytest.raises(ComponentArgumentsError, match=r"kms_key: .*KeyUse.LAMBDA, KeyUse.LOGS"):
        run_in_mocks(program)


def test_every_bad_field_is_reported_at_once() -> None:
    with pytest.raises(ComponentArgumentsError) as caught:
        _run(
            handler="no_function",
            code_path="does-not-exist",
            memory_size_mb=64,
            timeout_seconds=901,
            environment={"AWS_REGION": "x", "POWERTOOLS_LOG_LEVEL": "DEBUG", "1BAD": "x"},
            reserved_concurrency=0,
            vpc=VpcPlacement(subnet_ids=[], security_group_ids=[]),
            powertools_layer_version=0,
            log_retention_days=10,
            statements=[Statement(actions=["sqs:*"], resources=["*"])],
            tags={"Owner": "someone-else"},
        )
    fields = [problem.split(":")[0] for problem in caught.value.problems]
    assert fields == [
        "handler",
        "code_path",
        "memory_size_mb",
        "timeout_seconds",
        "environment.AWS_REGION",
        "environment.POWERTOOLS_LOG_LEVEL",
        "environment.1BAD",
        "reserved_concurrency",
        "vpc.subnet_ids",
        "vpc.security_group_ids",
        "powertools_layer_version",
        "log_retention_days",
        "statements",
        "tags.Owner",
    ]
