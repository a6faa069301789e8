"""Policy configuration: policies/config/<tier>.json is valid --policy-pack-config for the
registered policies, with staging and prod relaxing nothing and dev relaxing only to advisory;
and the configuration of the KMS/IAM/ECS/ELB/EC2 rules changes their verdicts through the
engine's Configure call."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from policies.rules import all_rules
from tests.policies.harness import evaluate, res
from tools.preview.analyzer import PolicyPackProcess
from tools.preview.program import RegisteredResource

PACK_DIR = Path(__file__).resolve().parents[2] / "policies"
CONFIG_DIR = PACK_DIR / "config"
RULES = {r.name: r for r in all_rules()}


def _levels(tier: str) -> dict[str, str]:
    data = json.loads((CONFIG_DIR / f"{tier}.json").read_text())
    assert set(data) <= set(RULES), f"{tier}: unknown policies {sorted(set(data) - set(RULES))}"
    return {k: v if isinstance(v, str) else v.get("enforcementLevel", "") for k, v in data.items()}


@pytest.mark.parametrize("tier", ["staging", "prod"])
def test_staging_and_prod_relax_nothing(tier: str) -> None:
    for name, level in _levels(tier).items():
        if RULES[name].default_enforcement.value == "mandatory":
            assert level == "mandatory", f"{tier} relaxes {name} to {level}"


def test_dev_relaxes_only_to_advisory() -> None:
    relaxed = {
        name
        for name, level in _levels("dev").items()
        if RULES[name].default_enforcement.value == "mandatory" and level != "mandatory"
    }
    assert all(_levels("dev")[n] == "advisory" for n in relaxed)
    assert "required-tags" not in relaxed


@pytest.mark.parametrize("tier", ["dev", "staging", "prod"])
def test_each_tier_pins_its_environment_tag(tier: str) -> None:
    data = json.loads((CONFIG_DIR / f"{tier}.json").read_text())
    assert data["required-tags"]["requiredTags"]["Environment"] == [tier]


# Rule properties through Configure: a pack started with a config.
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
