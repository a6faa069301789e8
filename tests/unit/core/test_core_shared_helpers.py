"""The core helpers every component builds from: AWS value patterns, the encrypted log group and
the service role (their exact resources under the SDK mocks)."""

from __future__ import annotations

import json

import pulumi
import pytest

from components.core.aws_values import (
    ACCOUNT_ID,
    ACM_CERTIFICATE_ARN,
    IAM_PRINCIPAL_ARN,
    LOG_RETENTION_DAYS,
    ipv4_network,
)
from components.core.context import PlatformContext
from components.core.iam import Statement, policy_document, service_role
from components.core.logs import encrypted_log_group
from tools.preview.program import run_in_mocks


@pytest.mark.parametrize(
    ("arn", "ok"),
    [
        (
            "arn:aws:acm:eu-west-1:123456789012:certificate/0d3b1b7e-1111-2222-3333-444455556666",
            True,
        ),
        ("arn:aws-us-gov:acm:us-gov-west-1:123456789012:certificate/abc-123", True),
        ("arn:aws:acm:eu-west-1:12345678901:certificate/abc", False),
        ("arn:aws:acm::123456789012:certificate/abc", False),
        ("arn:aws:iam::123456789012:server-certificate/abc", False),
    ],
)
def test_certificate_arn_pattern(arn: str, ok: bool) -> None:
    assert bool(ACM_CERTIFICATE_ARN.match(arn)) is ok


def test_account_and_principal_patterns() -> None:
    assert ACCOUNT_ID.match("123456789012") and not ACCOUNT_ID.match("12345678901")
    assert IAM_PRINCIPAL_ARN.match("arn:aws:iam::123456789012:role/publisher")
    assert IAM_PRINCIPAL_ARN.match("arn:aws-cn:iam::123456789012:root")
    assert not IAM_PRINCIPAL_ARN.match("arn:aws:iam::123456789012:group/admins")


@pytest.mark.parametrize(
    ("cidr", "ok"),
    [("10.0.0.0/16", True), ("10.0.0.1/16", False), ("fd00::/8", False), ("10.0.0.0", True)],
)
def test_ipv4_network_is_exact(cidr: str, ok: bool) -> None:
    assert (ipv4_network(cidr) is not None) is ok
    assert ipv4_network(None) is None


def test_log_retention_days_are_what_cloudwatch_accepts() -> None:
    assert {1, 14, 30, 365, 3653} <= LOG_RETENTION_DAYS
    assert not {0, 2, 10, 366} & LOG_RETENTION_DAYS


def test_encrypted_log_group_and_service_role_under_mocks() -> None:
    def program() -> None:
        context = PlatformContext.for_tests("prod")

        class Parent(pulumi.ComponentResource):
            def __init__(self) -> None:
                super().__init__("test:index:Parent", "parent")

        parent = Parent()
        group = encrypted_log_group(
            "worker-logs",
            context,
            name="/aws/lambda/worker",
            kms_key_arn="arn:aws:kms:eu-west-1:123456789012:key/k",
            retention_days=None,
            tags={"Team": "t"},
            parent=parent,
        )
        service_role(
            "worker-role",
            service="lambda.amazonaws.com",
            account_id="123456789012",
            role_name="worker-role",
            policy_resource_name="worker-policy",
            policy_name="worker-policy",
            document=policy_document(
                [Statement(sid="Logs", actions=["logs:PutLogEvents"], resources=[group.arn])],
                component="test",
            ),
            description="worker: write its logs",
            tags={"Team": "t"},
            opts=pulumi.ResourceOptions(parent=parent),
            source_arn="arn:aws:lambda:eu-west-1:123456789012:function:worker",
        )

    run = run_in_mocks(program, stack="prod")
    group = run.named("worker-logs")
    assert group.inputs["kmsKeyId"] == "arn:aws:kms:eu-west-1:123456789012:key/k"
    assert group.inputs["retentionInDays"] in LOG_RETENTION_DAYS
    assert group.options.protect is True
    role = run.named("worker-role")
    trust = json.loads(role.inputs["assumeRolePolicy"])
    assert trust["Statement"] == [
        {
            "Action": "sts:AssumeRole",
            "Condition": {
                "ArnEquals": {
                    "aws:SourceArn": "arn:aws:lambda:eu-west-1:123456789012:function:worker"
                },
                "StringEquals": {"aws:SourceAccount": "123456789012"},
            },
            "Effect": "Allow",
            "Principal": {"Service": "lambda.amazonaws.com"},
        }
    ]
    assert "description" not in role.inputs
    attachment = run.named("worker-policy-attachment")
    assert attachment.parent == run.named("parent").urn
    assert run.named("worker-policy").inputs["description"] == "worker: write its logs"
