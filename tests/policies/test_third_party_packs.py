"""Third-party CrossGuard packs run unmodified by `python -m tools.preview`, JavaScript ones too:
Pulumi's published `@pulumi/awsguard` (npm, `tests/fixtures/awsguard`, every policy mandatory)
on this repository's stacks and on the broken programs, a Node stack policy fed parents and
property dependencies, and Node packs that fail (exit 2 with the pack's own error)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from tests.preview_in_process import run_cli
from tools.preview.analyzer import PolicyPackProcess

ROOT = Path(__file__).resolve().parents[2]
AWSGUARD = ROOT / "tests" / "fixtures" / "awsguard"
PROGRAMS = Path(__file__).resolve().parent / "programs"
PACK_NAME = "pulumi-awsguard"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed"),
    pytest.mark.skipif(
        not (AWSGUARD / "node_modules" / "@pulumi" / "awsguard").is_dir(),
        reason="the npm fixture is not installed: run `make fixtures`",
    ),
]

# Every policy @pulumi/awsguard 0.3.1 (pinned by the fixture's package-lock.json) registers.
# The two stack policies are the only ones that reach AnalyzeStack; both ask the AWS API.
AWSGUARD_STACK_POLICIES = {"acm-certificate-expiration", "access-keys-rotated"}
AWSGUARD_POLICIES = AWSGUARD_STACK_POLICIES | {
    "alb-http-to-https-redirection",
    "apigateway-endpoint-type",
    "apigateway-method-cached-and-encrypted",
    "apigateway-stage-cached",
    "cmk-backing-key-rotation-enabled",
    "dynamodb-table-encryption-enabled",
    "ec2-instance-detailed-monitoring-enabled",
    "ec2-instance-no-public-ip",
    "ec2-volume-inuse",
    "efs-encrypted",
    "elasticsearch-encrypted-at-rest",
    "elasticsearch-in-vpc-only",
    "elb-deletion-protection-enabled",
    "elb-logging-enabled",
    "encrypted-volumes",
    "mfa-enabled-for-iam-console-access",
    "rds-instance-backup-enabled",
    "rds-instance-multi-az-enabled",
    "rds-instance-public-access",
    "rds-storage-encrypted",
    "redshift-cluster-configuration",
    "redshift-cluster-maintenance-settings",
    "redshift-cluster-public-access",
    "s3-bucket-logging-enabled",
}

# What awsguard must report on a broken program: (policy, resource type, resource name).
# awsguard has no rule for SQS, SNS, Lambda or EventBridge, so the other programs only have to
# preview cleanly through it (exit 0/1, its violations well formed).
AWSGUARD_CATCHES = {
    "kms-key-without-rotation": [
        ("cmk-backing-key-rotation-enabled", "aws:kms/key:Key", "unrotated"),
    ],
}


@dataclass(frozen=True, kw_only=True)
class Preview:
    """One `python -m tools.preview --json` run."""

    status: int
    document: dict[str, Any] | None
    stderr: str

    def urn(self, type_: str, name: str) -> str:
        assert self.document is not None, self.stderr
        return next(
            r["urn"] for r in self.document["resources"] if r["type"] == type_ and r["name"] == name
        )

    def hits(self, policy: str) -> list[dict[str, Any]]:
        assert self.document is not None, self.stderr
        return [v for v in self.document["violations"] if v["policy"] == policy]


def _preview_process(*args: str, pack: Path = AWSGUARD) -> Preview:
    """`python -m tools.preview ARGS --policy-pack PACK --json` in its own process."""
    result = subprocess.run(
        [sys.executable, "-m", "tools.preview", *args, "--policy-pack", str(pack), "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    document = json.loads(result.stdout) if result.stdout.strip() else None
    return Preview(status=result.returncode, document=document, stderr=result.stderr)


def _preview(*args: str, pack: Path = AWSGUARD) -> Preview:
    """The same CLI run in this process, with the session's process of the pack
    (tests/preview_in_process.py): a Node pack's start costs more than a small program's
    preview. `test_key_without_rotation_...` compares it with a run in its own process."""
    result = run_cli(*args, "--policy-pack", str(pack), "--json")
    document = json.loads(result.stdout) if result.stdout.strip() else None
    return Preview(status=result.status, document=document, stderr=result.stderr)


@cache
def _awsguard_on_program(program: str) -> Preview:
    """awsguard on one of the broken programs (shared by the tests that read it)."""
    return _preview("--program", str(PROGRAMS / program))


def _write_program(folder: Path, main_py: str) -> Path:
    folder.mkdir(parents=True)
    (folder / "Pulumi.yaml").write_text(f"name: {folder.name}\nruntime: python\n")
    (folder / "Pulumi.dev.yaml").write_text("config:\n  aws:region: us-east-1\n")
    (folder / "__main__.py").write_text(textwrap.dedent(main_py))
    return folder


def _assert_contract(preview: Preview, pack_name: str) -> dict[str, Any]:
    """The `--json` contract holds, every violation is the pack's and exit 1 iff mandatory."""
    assert preview.status in (0, 1), preview.stderr
    document = preview.document
    assert document is not None, preview.stderr
    assert set(document) == {"project", "stack", "resources", "violations"}
    assert all(set(r) == {"urn", "type", "name", "parent"} for r in document["resources"])
    urns = {r["urn"] for r in document["resources"]}
    for violation in document["violations"]:
        # Contract 2's fields, plus the pack's severity and fix and the phase it fires in.
        assert set(violation) == {
            "policy",
            "pack",
            "enforcement",
            "urn",
            "message",
            "severity",
            "fix",
            "phase",
        }
        assert violation["pack"] == pack_name
        if pack_name == PACK_NAME:  # awsguard states neither
            assert violation["severity"] is None and violation["fix"] is None
        assert violation["urn"] is None or violation["urn"] in urns, violation
    mandatory = any(v["enforcement"] == "mandatory" for v in document["violations"])
    assert preview.status == (1 if mandatory else 0)
    return document


# -- GetAnalyzerInfo ------------------------------------------------------------------------


def test_get_analyzer_info_lists_every_awsguard_policy_at_the_packs_level() -> None:
    with PolicyPackProcess(AWSGUARD) as pack:
        info = pack.info()
    assert info.name == PACK_NAME
    assert {p.name for p in info.policies} == AWSGUARD_POLICIES
    # index.js: new AwsGuard({ all: "mandatory" })
    assert {p.enforcement for p in info.policies} == {"mandatory"}
    assert {p.name for p in info.policies if p.kind == "stack"} == AWSGUARD_STACK_POLICIES
    assert info.policy("acm-certificate-expiration").config_properties == {
        "maxDaysUntilExpiration": {"type": "number", "default": 14.0}
    }


# -- this repository's stacks ----------------------------------------------------------------


def test_awsguard_on_our_stack_finds_keys_rotated_and_tables_encrypted() -> None:
    # prod: every component the other stacks use, with the most instances.
    stack = "prod"
    preview = _preview("--stack", stack)
    document = _assert_contract(preview, PACK_NAME)
    assert (document["project"], document["stack"]) == ("aws-platform", stack)
    assert {v["enforcement"] for v in document["violations"]} <= {"mandatory"}
    # awsguard: `if (!key.enableKeyRotation)` and `if (table.serverSideEncryption &&
    # !table.serverSideEncryption.enabled)`; CustomerManagedKey sets enable_key_rotation=True
    # and DataTable server_side_encryption(enabled=True, kms_key_arn=...).
    types = {r["type"] for r in document["resources"]}
    assert {"aws:kms/key:Key", "aws:dynamodb/table:Table"} <= types
    assert preview.hits("cmk-backing-key-rotation-enabled") == []
    assert preview.hits("dynamodb-table-encryption-enabled") == []


# -- broken programs -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "program", sorted(p.name for p in PROGRAMS.iterdir() if (p / "Pulumi.yaml").is_file())
)
def test_awsguard_on_the_broken_programs(program: str) -> None:
    preview = _awsguard_on_program(program)
    _assert_contract(preview, PACK_NAME)
    for policy, type_, name in AWSGUARD_CATCHES.get(program, []):
        assert [v["urn"] for v in preview.hits(policy)] == [preview.urn(type_, name)]
        assert preview.hits(policy)[0]["enforcement"] == "mandatory"
        assert preview.status == 1


def test_key_without_rotation_is_the_same_finding_for_awsguard_and_our_pack() -> None:
    program = str(PROGRAMS / "kms-key-without-rotation")
    # The real CLI in its own process, with its own awsguard process: what the in-process runs
    # with the shared pack process report too.
    theirs = _preview_process("--program", program)
    assert (theirs.status, theirs.document) == (
        _awsguard_on_program("kms-key-without-rotation").status,
        _awsguard_on_program("kms-key-without-rotation").document,
    )
    ours = _preview("--program", program, pack=ROOT / "policies")
    key = theirs.urn("aws:kms/key:Key", "unrotated")
    [awsguard] = theirs.hits("cmk-backing-key-rotation-enabled")
    [own] = ours.hits("kms-key-rotation-enabled")
    assert awsguard["urn"] == own["urn"] == key
    assert "CMK does not have the key rotation setting enabled" in awsguard["message"]
    assert (theirs.status, ours.status) == (1, 1)


def test_dynamodb_rule_fires_only_on_the_table_with_encryption_turned_off(
    tmp_path: Path,
) -> None:
    program = _write_program(
        tmp_path / "tables",
        """
        import pulumi_aws as aws

        def table(name, **extra):
            return aws.dynamodb.Table(
                name,
                billing_mode="PAY_PER_REQUEST",
                hash_key="id",
                attributes=[{"name": "id", "type": "S"}],
                **extra,
            )

        table("sse-off", server_side_encryption={"enabled": False})
        table("sse-on", server_side_encryption={"enabled": True})
        table("aws-owned-key")
        """,
    )
    preview = _preview("--program", str(program))
    _assert_contract(preview, PACK_NAME)
    assert [v["urn"] for v in preview.hits("dynamodb-table-encryption-enabled")] == [
        preview.urn("aws:dynamodb/table:Table", "sse-off")
    ]
    assert preview.status == 1


def test_awsguard_is_blind_to_aws_lb_load_balancers_which_our_pack_checks(
    tmp_path: Path,
) -> None:
    # awsguard 0.3.1 matches load balancers by @pulumi/aws v4 type tokens only
    # (aws:elasticloadbalancingv2/..., aws:applicationloadbalancing/..., and the classic
    # aws:elasticloadbalancing/...); pulumi_aws 7's aws.lb.* (what FargateService uses) register
    # aws:lb/... and slip through its elb-logging-enabled, elb-deletion-protection-enabled and
    # alb-http-to-https-redirection.
    program = _write_program(
        tmp_path / "plain-alb",
        """
        import pulumi_aws as aws

        lb = aws.lb.LoadBalancer(
            "web", load_balancer_type="application", subnets=["subnet-1", "subnet-2"]
        )
        aws.lb.Listener(
            "http",
            load_balancer_arn=lb.arn,
            port=80,
            protocol="HTTP",
            default_actions=[
                {
                    "type": "fixed-response",
                    "fixed_response": {"content_type": "text/plain", "status_code": "200"},
                }
            ],
        )
        """,
    )
    theirs = _preview("--program", str(program))
    ours = _preview("--program", str(program), pack=ROOT / "policies")
    assert _assert_contract(theirs, PACK_NAME)["violations"] == []
    lb = ours.urn("aws:lb/loadBalancer:LoadBalancer", "web")
    listener = ours.urn("aws:lb/listener:Listener", "http")
    assert [v["urn"] for v in ours.hits("elb-access-logs-enabled")] == [lb]
    assert [v["urn"] for v in ours.hits("elb-listener-https-only")] == [listener]
    assert ours.status == 1


# -- stack policies in Node ------------------------------------------------------------------


def test_awsguard_stack_policy_is_reached_and_its_failure_is_exit_2(tmp_path: Path) -> None:
    # acm-certificate-expiration runs only from AnalyzeStack, only when the stack holds an
    # aws:acm/certificate:Certificate; it then asks the ACM API for the certificate by id, which
    # a preview does not have, and throws. A failing third-party policy is a failed preview
    # (exit 2 with the pack's error), never "mandatory violations" (exit 1).
    program = _write_program(
        tmp_path / "certificate",
        """
        import pulumi_aws as aws

        aws.acm.Certificate("site", domain_name="example.com", validation_method="DNS")
        """,
    )
    preview = _preview_process("--program", str(program))
    assert preview.status == 2, preview.stderr
    assert preview.document is None
    assert f"policy pack {AWSGUARD} failed on AnalyzeStack" in preview.stderr
    assert f"policy 'acm-certificate-expiration' from policy pack '{PACK_NAME}" in preview.stderr
    assert "Missing required key 'CertificateArn'" in preview.stderr


_SG_CONFLICT_PACK = """\
"use strict";
// A security group must not mix inline rules with separate aws.ec2.SecurityGroupRule
// resources: the provider fights over the rule set on every update.
const { PolicyPack } = require("@pulumi/policy");

new PolicyPack("sg-rule-conflicts", {
    policies: [{
        name: "security-group-no-rule-management-conflicts",
        description: "Inline ingress/egress and separate SecurityGroupRule resources conflict.",
        enforcementLevel: "mandatory",
        validateStack: (args, reportViolation) => {
            const rules = args.resources.filter(
                r => r.type === "aws:ec2/securityGroupRule:SecurityGroupRule");
            for (const group of args.resources) {
                if (group.type !== "aws:ec2/securityGroup:SecurityGroup") continue;
                const inline = (group.props.ingress || []).length
                    + (group.props.egress || []).length;
                const separate = rules.filter(
                    r => (r.propertyDependencies.securityGroupId || []).includes(group));
                if (inline > 0 && separate.length > 0) {
                    reportViolation(
                        `${group.name}: ${inline} inline rule(s) and separate rule(s) `
                        + separate.map(r => r.name).join(", "), group.urn);
                }
            }
        },
    }],
});
"""


def test_node_stack_policy_sees_property_dependencies(tmp_path: Path) -> None:
    pack = tmp_path / "sg-pack"
    pack.mkdir()
    (pack / "PulumiPolicy.yaml").write_text("runtime: nodejs\n")
    (pack / "package.json").write_text(
        json.dumps({"name": "sg-rule-conflicts", "version": "0.1.0", "main": "index.js"})
    )
    (pack / "index.js").write_text(_SG_CONFLICT_PACK)
    (pack / "node_modules").symlink_to(AWSGUARD / "node_modules")
    program = _write_program(
        tmp_path / "groups",
        """
        import pulumi_aws as aws

        HTTPS = {"protocol": "tcp", "from_port": 443, "to_port": 443, "cidr_blocks": ["10.0.0.0/8"]}

        def rule(name, group):
            aws.ec2.SecurityGroupRule(
                name,
                type="ingress",
                security_group_id=group.id,
                protocol="tcp",
                from_port=80,
                to_port=80,
                cidr_blocks=["10.0.0.0/8"],
            )

        mixed = aws.ec2.SecurityGroup("mixed", vpc_id="vpc-1", ingress=[HTTPS])
        rule("mixed-http", mixed)
        aws.ec2.SecurityGroup("inline-only", vpc_id="vpc-1", ingress=[HTTPS])
        rules_only = aws.ec2.SecurityGroup("rules-only", vpc_id="vpc-1")
        rule("rules-only-http", rules_only)
        """,
    )
    preview = _preview_process("--program", str(program), pack=pack)
    document = _assert_contract(preview, "sg-rule-conflicts")
    assert [(v["policy"], v["enforcement"], v["urn"]) for v in document["violations"]] == [
        (
            "security-group-no-rule-management-conflicts",
            "mandatory",
            preview.urn("aws:ec2/securityGroup:SecurityGroup", "mixed"),
        )
    ]
    assert (
        "mixed: 1 inline rule(s) and separate rule(s) mixed-http"
        in (document["violations"][0]["message"])
    )
    assert preview.status == 1


# -- packs that fail to start ----------------------------------------------------------------


def _copy_fixture(target: Path, *, with_node_modules: bool) -> Path:
    target.mkdir()
    for name in ("PulumiPolicy.yaml", "index.js", "package.json", "package-lock.json"):
        shutil.copy(AWSGUARD / name, target / name)
    if with_node_modules:
        (target / "node_modules").symlink_to(AWSGUARD / "node_modules")
    return target


def test_node_pack_without_its_dependencies_is_exit_2(tmp_path: Path) -> None:
    pack = _copy_fixture(tmp_path / "awsguard", with_node_modules=False)
    preview = _preview_process("--program", str(PROGRAMS / "kms-key-without-rotation"), pack=pack)
    assert preview.status == 2
    assert preview.document is None
    assert "the pack's dependencies are not installed" in preview.stderr
    assert f"run npm install in {pack}" in preview.stderr


def test_node_pack_that_exits_at_start_is_exit_2_with_its_stderr(tmp_path: Path) -> None:
    # @pulumi/policy refuses a pack whose package.json has no version.
    pack = _copy_fixture(tmp_path / "awsguard", with_node_modules=True)
    manifest = json.loads((pack / "package.json").read_text())
    del manifest["version"]
    (pack / "package.json").write_text(json.dumps(manifest))
    preview = _preview_process("--program", str(PROGRAMS / "kms-key-without-rotation"), pack=pack)
    assert preview.status == 2
    assert preview.document is None
    assert f"policy pack {pack} exited with status" in preview.stderr
    assert "Version must be defined in the package.json file." in preview.stderr
