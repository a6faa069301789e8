"""The execution role of ``AlarmedFunction``: its statements and the role that holds them."""

from __future__ import annotations

from collections.abc import Mapping

import pulumi

from components.compute.function_args import (
    COMPONENT,
    AlarmedFunctionArgs,
    DestinationKind,
    VpcPlacement,
)
from components.core.iam import ServiceRole, Statement, policy_document, service_role

__all__ = ["execution_role", "function_statements"]

_DESTINATION_ACTIONS: Mapping[DestinationKind, tuple[str, ...]] = {
    DestinationKind.SQS: ("sqs:SendMessage",),
    DestinationKind.SNS: ("sns:Publish",),
    DestinationKind.LAMBDA: ("lambda:InvokeFunction",),
    DestinationKind.EVENTS: ("events:PutEvents",),
}


def function_statements(
    args: AlarmedFunctionArgs,
    *,
    log_group_arn: pulumi.Input[str],
    key_arn: pulumi.Input[str],
    partition: pulumi.Input[str],
    region: str,
    account: pulumi.Input[str],
) -> list[Statement]:
    """Write its own logs, decrypt its environment, then traces, network interfaces and the
    failure destination as ``args`` asks, then the caller's ``statements``."""
    statements = [
        Statement(
            sid="WriteOwnLogs",
            actions=["logs:CreateLogStream", "logs:PutLogEvents"],
            resources=[pulumi.Output.concat(log_group_arn, ":*")],
        ),
        Statement(sid="DecryptEnvironment", actions=["kms:Decrypt"], resources=[key_arn]),
    ]
    if args.tracing:
        statements.append(
            Statement(
                sid="WriteTraces",
                actions=["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
                resources=["*"],
            )
        )
    if args.vpc is not None:
        statements.extend(_vpc_statements(args.vpc, partition, region, account))
    if args.on_failure is not None:
        destination = args.on_failure
        statements.append(
            Statement(
                sid="SendFailedInvocations",
                actions=list(_DESTINATION_ACTIONS[destination.kind]),
                resources=[destination.arn],
            )
        )
        if destination.kms_key_arn is not None:
            statements.append(
                Statement(
                    sid="EncryptFailedInvocations",
                    actions=["kms:GenerateDataKey", "kms:Decrypt"],
                    resources=[destination.kms_key_arn],
                )
            )
    statements.extend(args.statements)
    return statements


def _vpc_statements(
    vpc: VpcPlacement, partition: pulumi.Input[str], region: str, account: pulumi.Input[str]
) -> list[Statement]:
    """What Lambda needs to manage the function's network interfaces, scoped to its subnets."""

    def arn(resource: pulumi.Input[str]) -> pulumi.Output[str]:
        return pulumi.Output.concat("arn:", partition, f":ec2:{region}:", account, ":", resource)

    interfaces = arn("network-interface/*")
    return [
        Statement(
            sid="ManageNetworkInterfaces",
            actions=["ec2:CreateNetworkInterface"],
            resources=[
                interfaces,
                *(arn(pulumi.Output.concat("subnet/", s)) for s in vpc.subnet_ids),
                *(arn(pulumi.Output.concat("security-group/", g)) for g in vpc.security_group_ids),
            ],
        ),
        Statement(
            sid="UseNetworkInterfaces",
            actions=[
                "ec2:DeleteNetworkInterface",
                "ec2:AssignPrivateIpAddresses",
                "ec2:UnassignPrivateIpAddresses",
            ],
            resources=[interfaces],
        ),
        Statement(
            sid="DescribeNetworkInterfaces",
            actions=["ec2:DescribeNetworkInterfaces"],
            resources=["*"],
        ),
    ]


def execution_role(
    name: str,
    *,
    function_name: str,
    role_name: str,
    policy_name: str,
    account: pulumi.Input[str],
    statements: list[Statement],
    tags: Mapping[str, str],
    parent: pulumi.Resource,
) -> ServiceRole:
    """Role ``<name>-role`` only Lambda acting for ``account`` may assume, granted exactly
    ``statements`` by the customer-managed policy ``<name>-policy``."""
    return service_role(
        f"{name}-role",
        service="lambda.amazonaws.com",
        account_id=account,
        role_name=role_name,
        role_description=f"Execution role of Lambda function {function_name}",
        policy_resource_name=f"{name}-policy",
        policy_name=policy_name,
        document=policy_document(statements, component=COMPONENT),
        description=f"Least privilege of Lambda function {function_name}",
        tags=tags,
        opts=pulumi.ResourceOptions(parent=parent),
    )
