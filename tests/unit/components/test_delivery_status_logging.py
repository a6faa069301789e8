"""Shared SNS delivery-status logging: log groups per topic, one role, its managed policy."""

from __future__ import annotations

import inspect
import json

import pulumi
import pulumi_aws as aws
import pytest

from components.core.context import PlatformContext
from components.messaging.delivery_status_logging import (
    DeliveryProtocol,
    LoggedTopic,
    create_delivery_status_logging,
    feedback_args,
)
from tests.unit.components.managed_policies import managed_policy
from tools.preview.program import ProgramRun, run_in_mocks

ACCOUNT = "123456789012"
KEY_A = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/a"
KEY_B = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/b"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"


def _run(tier: str) -> ProgramRun:
    def program() -> None:
        context = PlatformContext.for_tests(tier)
        parent = pulumi.ComponentResource("test:index:Topics", "alerts")
        create_delivery_status_logging(
            "alerts",
            context,
            [
                LoggedTopic(label="alerts-p1", topic_name="t-p1", kms_key_arn=KEY_A),
                LoggedTopic(label="alerts-p2", topic_name="t-p2", kms_key_arn=KEY_B),
            ],
            tags=context.tags,
            parent=parent,
        )

    return run_in_mocks(program, stack=tier)


@pytest.mark.parametrize("protocol", list(DeliveryProtocol))
def test_feedback_args_are_topic_arguments(protocol: DeliveryProtocol) -> None:
    topic_args = inspect.signature(aws.sns.TopicArgs.__init__).parameters
    assert set(feedback_args(protocol, "arn:role", 10)) <= set(topic_args)


def test_feedback_args_log_every_failure_and_the_sampled_successes() -> None:
    assert feedback_args(DeliveryProtocol.HTTP, "arn:role", 100) == {
        "http_success_feedback_role_arn": "arn:role",
        "http_failure_feedback_role_arn": "arn:role",
        "http_success_feedback_sample_rate": 100,
    }


def test_two_encrypted_log_groups_per_topic_named_as_sns_writes_them() -> None:
    run = _run("prod")
    groups = {g.name: g.inputs for g in run.of_type(LOG_GROUP)}
    base = f"sns/us-east-1/{ACCOUNT}"
    assert {name: (g["name"], g["kmsKeyId"]) for name, g in groups.items()} == {
        "alerts-p1-delivery-success": (f"{base}/t-p1", KEY_A),
        "alerts-p1-delivery-failure": (f"{base}/t-p1/Failure", KEY_A),
        "alerts-p2-delivery-success": (f"{base}/t-p2", KEY_B),
        "alerts-p2-delivery-failure": (f"{base}/t-p2/Failure", KEY_B),
    }
    assert {g["retentionInDays"] for g in groups.values()} == {365}
    assert {g["retentionInDays"] for g in (r.inputs for r in _run("dev").of_type(LOG_GROUP))} == {
        14
    }


def test_one_role_for_sns_writes_exactly_the_log_groups() -> None:
    run = _run("dev")
    (role,) = run.of_type("aws:iam/role:Role")
    assert role.name == "alerts-delivery-status"
    assert role.inputs["name"] == "aws-platform-dev-alerts-e5524c13-sns-logs"
    assert json.loads(role.inputs["assumeRolePolicy"])["Statement"] == [
        {
            "Effect": "Allow",
            "Principal": {"Service": "sns.amazonaws.com"},
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}},
        }
    ]
    document, _ = managed_policy(
        run,
        "alerts-delivery-status-policy",
        role="alerts-delivery-status",
        policy_name="aws-platform-dev-alerts-e5524c13-sns-logs",
        description="SNS delivery-status logs of aws-platform-dev-alerts: write their log groups",
        tags=PlatformContext.for_tests("dev").tags,
    )
    arns = [g.outputs["arn"] for g in run.of_type(LOG_GROUP)]
    assert len(arns) == 4
    assert document == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "WriteDeliveryStatusLogs",
                "Effect": "Allow",
                "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
                "Resource": sorted([*arns, *(f"{a}:*" for a in arns)]),
            }
        ],
    }
