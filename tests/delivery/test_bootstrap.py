"""bootstrap/: the GitHub OIDC provider and the deploy roles, previewed with this repository's
pack, their exact trust policies, and permissions that stay inside each environment."""

from __future__ import annotations

import json
import shutil
from fnmatch import fnmatchcase
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from wheelenv import REPO

from tests.preview_in_process import CliRun, run_cli
from tools.preview.program import ProgramRun, RegisteredResource, run_program_dir

BOOTSTRAP = REPO / "bootstrap"
STACK = "shared"
REPOSITORY = "aws-platform/aws-platform"
TIERS = ("dev", "staging", "prod")
ISSUER = "token.actions.githubusercontent.com"
ROLE, POLICY = "aws:iam/role:Role", "aws:iam/policy:Policy"


def _preview(program: Path) -> CliRun:
    """`python -m tools.preview` on `program`, in this process with the session's pack."""
    return run_cli("--program", str(program), "--stack", STACK, "--json")


@cache
def _run() -> ProgramRun:
    return run_program_dir(BOOTSTRAP, STACK)


def _role(name: str) -> RegisteredResource:
    [role] = [r for r in _run().of_type(ROLE) if r.name == name]
    return role


def _documents(role: RegisteredResource) -> list[dict[str, Any]]:
    """The permission documents of the managed policies attached to ``role``."""
    prefix = f"{role.name}-"
    return [
        json.loads(p.inputs["policy"])
        for p in _run().of_type(POLICY)
        if p.name.startswith(prefix) and p.name[len(prefix) :].isdigit()
    ]


def _statements(role: RegisteredResource) -> list[dict[str, Any]]:
    return [s for document in _documents(role) for s in document["Statement"]]


def _as_list(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def test_bootstrap_previews_with_no_mandatory_violation() -> None:
    completed = _preview(BOOTSTRAP)
    document = json.loads(completed.stdout)
    mandatory = [v for v in document["violations"] if v["enforcement"] == "mandatory"]
    assert (completed.status, mandatory) == (0, []), completed.stderr
    types = [r["type"] for r in document["resources"]]
    assert types.count("aws:iam/openIdConnectProvider:OpenIdConnectProvider") == 1
    assert types.count(ROLE) == len(TIERS) + 1


def test_oidc_provider_is_githubs_with_the_sts_audience() -> None:
    [provider] = _run().of_type("aws:iam/openIdConnectProvider:OpenIdConnectProvider")
    assert provider.inputs["url"] == f"https://{ISSUER}"
    assert provider.inputs["clientIdLists"] == ["sts.amazonaws.com"]


@pytest.mark.parametrize("tier", TIERS)
def test_deploy_role_trusts_only_this_repository_in_its_environment(tier: str) -> None:
    [provider] = _run().of_type("aws:iam/openIdConnectProvider:OpenIdConnectProvider")
    role = _role(f"aws-platform-{tier}-deploy")
    assert json.loads(role.inputs["assumeRolePolicy"]) == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Federated": provider.outputs["arn"]},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {
                    "StringEquals": {
                        f"{ISSUER}:aud": "sts.amazonaws.com",
                        f"{ISSUER}:sub": f"repo:{REPOSITORY}:environment:{tier}",
                    }
                },
            }
        ],
    }


def test_preview_role_trusts_pull_requests_and_main_only() -> None:
    trust = json.loads(_role("aws-platform-preview").inputs["assumeRolePolicy"])
    [statement] = trust["Statement"]
    assert statement["Condition"] == {
        "StringEquals": {
            f"{ISSUER}:aud": "sts.amazonaws.com",
            f"{ISSUER}:sub": [
                f"repo:{REPOSITORY}:pull_request",
                f"repo:{REPOSITORY}:ref:refs/heads/main",
            ],
        }
    }


@pytest.mark.parametrize("tier", TIERS)
def test_deploy_permissions_stay_in_the_environment(tier: str) -> None:
    role = _role(f"aws-platform-{tier}-deploy")
    prefix = f"aws-platform-{tier}-"
    others = [f"aws-platform-{t}-" for t in TIERS if t != tier]
    role_name = role.inputs["name"]
    for statement in _statements(role):
        assert statement["Effect"] == "Allow"
        assert not any("*" in a for a in _as_list(statement["Action"])), statement
        text = json.dumps(statement)
        assert not any(other in text for other in others), statement
        for arn in _as_list(statement["Resource"]):
            if arn == "*":  # actions that accept nothing else; no IAM action among them
                assert not any(a.startswith("iam:") for a in _as_list(statement["Action"]))
                continue
            # The deploy role can never rewrite itself or its own policies.
            assert not fnmatchcase(f"arn:aws:iam::123456789012:role/{role_name}", arn), arn
            if prefix not in arn:
                # An id AWS assigns: only the resource type is known before it exists.
                assert arn.endswith("/*") or arn.endswith(":*") or "017000801446" in arn, arn
    assert not role_name.startswith(prefix)


def test_the_deploy_role_attaches_only_its_environments_policies() -> None:
    statements = _statements(_role("aws-platform-dev-deploy"))
    [attach] = [s for s in statements if s.get("Sid") == "IamAttachOwnPolicies"]
    assert attach["Action"] == ["iam:AttachRolePolicy", "iam:DetachRolePolicy"]
    assert attach["Condition"] == {
        "ArnLike": {"iam:PolicyARN": "arn:aws:iam::123456789012:policy/aws-platform-dev-*"}
    }
    [create_mapping] = [s for s in statements if s.get("Sid") == "LambdaCreateEventSourceMapping"]
    assert create_mapping["Resource"] == ["*"]
    assert create_mapping["Condition"]["ArnLike"]["lambda:FunctionArn"].endswith(
        ":function:aws-platform-dev-*"
    )


def test_preview_role_only_reads() -> None:
    writes = (
        "Create",
        "Delete",
        "Put",
        "Update",
        "Set",
        "Attach",
        "Detach",
        "Tag",
        "Untag",
        "Pass",
        "Add",
        "Remove",
        "Modify",
        "Authorize",
        "Revoke",
    )
    for statement in _statements(_role("aws-platform-preview")):
        for action in _as_list(statement["Action"]):
            verb = action.split(":", 1)[1]
            assert not verb.startswith(writes), action


def test_every_policy_fits_the_managed_policy_size_quota() -> None:
    for policy in _run().of_type(POLICY):
        assert len("".join(policy.inputs["policy"].split())) <= 6144, policy.name


def test_settings_problems_are_reported_together(tmp_path: Path) -> None:
    program = shutil.copytree(BOOTSTRAP, tmp_path / "bootstrap")
    stack_file = program / f"Pulumi.{STACK}.yaml"
    text = stack_file.read_text().replace(REPOSITORY, "not a repository")
    text = text.replace('["dev", "staging", "prod"]', '["dev", "qa"]')
    stack_file.write_text(text + "  aws-platform-bootstrap:branch: main\n")
    completed = _preview(program)
    assert completed.status == 2, completed.stderr
    for problem in (
        "aws-platform-bootstrap:githubRepository: 'not a repository'",
        "aws-platform-bootstrap:environments: ['qa']",
        "aws-platform-bootstrap:branch: unknown key",
    ):
        assert problem in completed.stderr, completed.stderr
