"""attach_managed_policy: a customer-managed policy and its attachment, never an inline policy."""

from __future__ import annotations

import json

import pulumi
import pulumi_aws as aws

from components.core.iam import Statement, attach_managed_policy, policy_document
from tools.preview.program import run_in_mocks

QUEUE = "arn:aws:sqs:us-east-1:123456789012:orders"
TAGS = {"Environment": "dev", "Owner": "platform-team"}


def test_policy_and_attachment_are_exact_and_share_the_callers_options() -> None:
    def program() -> None:
        parent = pulumi.ComponentResource("test:index:Parent", "parent")
        role = aws.iam.Role(
            "worker-role",
            name="aws-platform-dev-worker",
            assume_role_policy="{}",
            opts=pulumi.ResourceOptions(parent=parent),
        )
        attach_managed_policy(
            "worker-policy",
            role,
            policy_document([Statement(["sqs:SendMessage"], [QUEUE], sid="Send")]),
            policy_name="aws-platform-dev-worker",
            description="What the worker may do",
            tags=TAGS,
            opts=pulumi.ResourceOptions(parent=parent),
        )

    run = run_in_mocks(program)
    parent = run.named("parent").urn
    policy = run.named("worker-policy")
    attachment = run.named("worker-policy-attachment")
    assert policy.type == "aws:iam/policy:Policy"
    assert {k: v for k, v in policy.inputs.items() if k != "policy"} == {
        "name": "aws-platform-dev-worker",
        "description": "What the worker may do",
        "tags": TAGS,
    }
    assert json.loads(policy.inputs["policy"]) == {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "Send", "Effect": "Allow", "Action": ["sqs:SendMessage"], "Resource": [QUEUE]}
        ],
    }
    assert attachment.type == "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
    assert attachment.inputs == {
        "role": "aws-platform-dev-worker",
        "policyArn": policy.outputs["arn"],
    }
    assert policy.parent == attachment.parent == parent
    assert run.of_type("aws:iam/rolePolicy:RolePolicy") == []
