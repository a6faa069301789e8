"""The GitHub workflows: what each must do, checked on their YAML, and the linters `make lint`
runs on them shown to refuse a bad workflow."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from wheelenv import REPO

WORKFLOWS = REPO / ".github" / "workflows"
TIERS = ["dev", "staging", "prod"]
SHA_PIN = re.compile(r"^[\w.-]+/[\w.-]+(/[\w./-]+)?@[0-9a-f]{40}$")
BIN = Path(sys.executable).parent


def _load(name: str) -> dict[str, Any]:
    document = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    # YAML 1.1 reads the key `on` as True.
    document["on"] = document.pop(True, document.get("on"))
    return document


def _all() -> dict[str, dict[str, Any]]:
    return {path.name: _load(path.name) for path in sorted(WORKFLOWS.glob("*.yml"))}


def _steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    return list(job.get("steps", []))


def _uses(job: dict[str, Any], action: str) -> list[dict[str, Any]]:
    return [s for s in _steps(job) if s.get("uses", "").startswith(f"{action}@")]


def test_the_three_workflows_and_their_triggers() -> None:
    workflows = _all()
    assert set(workflows) == {"pull-request.yml", "deploy.yml", "drift.yml"}
    assert set(workflows["pull-request.yml"]["on"]) == {"pull_request"}
    assert workflows["deploy.yml"]["on"] == {"push": {"branches": ["main"]}}
    assert "schedule" in workflows["drift.yml"]["on"]


def test_every_action_is_pinned_to_a_commit_sha() -> None:
    for name, workflow in _all().items():
        for job_name, job in workflow["jobs"].items():
            for step in _steps(job):
                if "uses" in step:
                    assert SHA_PIN.match(step["uses"]), (name, job_name, step["uses"])


def test_permissions_are_empty_by_default_and_minimal_per_job() -> None:
    allowed = {"contents": "read", "id-token": "write"}
    for name, workflow in _all().items():
        assert workflow["permissions"] == {}, name
        for job_name, job in workflow["jobs"].items():
            assert job["permissions"].items() <= allowed.items(), (name, job_name)
            oidc = bool(_uses(job, "aws-actions/configure-aws-credentials"))
            assert ("id-token" in job["permissions"]) == oidc, (name, job_name)


def test_no_expression_is_interpolated_into_a_script() -> None:
    """Values reach `run:` through `env:`; `${{ }}` in a script is a template injection."""
    for name, workflow in _all().items():
        for job_name, job in workflow["jobs"].items():
            for step in _steps(job):
                assert "${{" not in step.get("run", ""), (name, job_name, step["run"])


def test_checkout_never_persists_the_token() -> None:
    for name, workflow in _all().items():
        for job in workflow["jobs"].values():
            for step in _uses(job, "actions/checkout"):
                assert step["with"]["persist-credentials"] is False, name


def test_pull_request_runs_make_test_and_previews_every_stack_offline() -> None:
    jobs = _load("pull-request.yml")["jobs"]
    assert any(s.get("run") == "make test" for s in _steps(jobs["test"]))
    offline = jobs["offline-preview"]
    assert offline["strategy"]["matrix"]["stack"] == TIERS
    script = next(s["run"] for s in _steps(offline) if s.get("id") == "preview")
    assert 'tools.preview --stack "$STACK" --json' in script
    assert '>> "$GITHUB_STEP_SUMMARY"' in script
    [upload] = _uses(offline, "actions/upload-artifact")
    assert (upload["if"], upload["with"]["path"]) == (
        "always()",
        "preview-${{ matrix.stack }}.json",
    )


@pytest.mark.parametrize("workflow", ["pull-request.yml", "drift.yml"])
def test_aws_jobs_skip_with_a_notice_without_a_role(workflow: str) -> None:
    jobs = _load(workflow)["jobs"]
    job = jobs["pulumi-preview" if workflow == "pull-request.yml" else "drift"]
    assert job["env"]["PREVIEW_ROLE_ARN"] == "${{ vars.AWS_PREVIEW_ROLE_ARN }}"
    [notice, *rest] = _steps(job)
    assert notice["if"] == "env.PREVIEW_ROLE_ARN == ''"
    assert notice["run"].startswith('echo "::notice ')
    assert all(step["if"] == "env.PREVIEW_ROLE_ARN != ''" for step in rest)
    assert job["strategy"]["matrix"]["stack"] == TIERS
    assert "${{ matrix.stack }}" in job["concurrency"]["group"]


def test_pull_request_preview_runs_the_pack_with_the_stacks_config() -> None:
    job = _load("pull-request.yml")["jobs"]["pulumi-preview"]
    [credentials] = _uses(job, "aws-actions/configure-aws-credentials")
    assert credentials["with"]["role-to-assume"] == "${{ vars.AWS_PREVIEW_ROLE_ARN }}"
    [pulumi] = _uses(job, "pulumi/actions")
    assert pulumi["with"]["command"] == "preview"
    assert pulumi["with"]["policyPacks"] == "policies"
    assert pulumi["with"]["policyPackConfigs"] == "policies/config/${{ matrix.stack }}.json"


def test_deploy_promotes_dev_staging_prod_through_environments() -> None:
    jobs = _load("deploy.yml")["jobs"]
    assert list(jobs) == TIERS
    for previous, tier in zip([None, *TIERS], TIERS, strict=False):
        job = jobs[tier]
        assert job["environment"] == tier
        assert job.get("needs") == previous
        assert job["concurrency"] == {"group": f"deploy-{tier}", "cancel-in-progress": False}
        [credentials] = _uses(job, "aws-actions/configure-aws-credentials")
        assert credentials["with"]["role-to-assume"] == "${{ vars.AWS_DEPLOY_ROLE_ARN }}"
        [pulumi] = _uses(job, "pulumi/actions")
        assert pulumi["with"] | {"comment-on-summary": True} == {
            "command": "up",
            "stack-name": tier,
            "policyPacks": "policies",
            "policyPackConfigs": f"policies/config/{tier}.json",
            "comment-on-summary": True,
        }
        assert (REPO / "policies" / "config" / f"{tier}.json").is_file()
        smoke = _steps(job)[-1]["run"]
        assert f"pulumi stack output --stack {tier} --json > outputs.json" in smoke
        assert "tools.ops smoke --stack-outputs outputs.json" in smoke


def test_drift_refreshes_then_expects_no_changes_and_reports() -> None:
    job = _load("drift.yml")["jobs"]["drift"]
    [refresh] = _uses(job, "pulumi/actions")
    assert refresh["with"]["command"] == "refresh"
    steps = _steps(job)
    preview = steps[-1]["run"]
    assert steps.index(refresh) < len(steps) - 1
    assert "--expect-no-changes --json > preview.json" in preview
    assert ".github/scripts/drift_report.py" in preview
    # Shares the deployment's group: never refresh a stack while it deploys.
    assert job["concurrency"]["group"] == "deploy-${{ matrix.stack }}"


def _tool(name: str) -> str:
    path = BIN / name
    found = str(path) if path.exists() else shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed (requirements-dev.txt)")
    return found


BAD_WORKFLOW = """\
name: bad
on: pull_request
jobs:
  greet:
    runs-on: ubuntu-24.04
    steps:
      - uses: actions/checkout@v4
      - run: echo "${{ github.event.pull_request.title }}"
"""


def test_zizmor_passes_ours_and_refuses_an_injectable_unpinned_workflow(tmp_path: Path) -> None:
    command = [_tool("zizmor"), "--offline", "--min-severity", "medium", "--no-progress"]
    ours = subprocess.run(
        [*command, *map(str, sorted(WORKFLOWS.glob("*.yml")))],
        capture_output=True,
        text=True,
        check=False,
    )
    assert ours.returncode == 0, ours.stdout + ours.stderr
    bad_workflow = tmp_path / "bad.yml"
    bad_workflow.write_text(BAD_WORKFLOW)
    bad = subprocess.run([*command, str(bad_workflow)], capture_output=True, text=True, check=False)
    assert bad.returncode != 0
    assert "template-injection" in bad.stdout
    assert "artipacked" in bad.stdout


def test_workflow_schema_passes_ours_and_refuses_a_broken_workflow(tmp_path: Path) -> None:
    command = [_tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows"]
    ours = subprocess.run(
        [*command, *map(str, sorted(WORKFLOWS.glob("*.yml")))],
        capture_output=True,
        text=True,
        check=False,
    )
    assert ours.returncode == 0, ours.stdout + ours.stderr
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  build:\n    steps:\n      - run: make\n")  # no runs-on
    bad = subprocess.run([*command, str(broken)], capture_output=True, text=True, check=False)
    assert bad.returncode == 1, bad.stdout
