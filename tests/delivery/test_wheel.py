"""The wheel as a consuming team gets it: built, installed into a fresh virtualenv outside the
repository, imported, and its console command previewing examples/consumer-team with the
packaged policy pack."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tomllib
import zipfile
from email.parser import Parser
from pathlib import Path
from typing import Any

import pytest
from packaging.requirements import Requirement
from wheelenv import DISTRIBUTION, EXAMPLE, REPO, WheelEnv, wheel_env

pytestmark = pytest.mark.slow

PROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]


@pytest.fixture(scope="module")
def env() -> WheelEnv:
    return wheel_env()


def _clean_environ() -> dict[str, str]:
    """The caller's environment without anything that would put the checkout on sys.path."""
    drop = {"PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME"}
    return {k: v for k, v in os.environ.items() if k not in drop}


def _run(command: list[str | Path], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(c) for c in command],
        cwd=cwd,
        env=_clean_environ(),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def _preview(env: WheelEnv, program: Path) -> tuple[int, dict[str, Any], str]:
    completed = _run(
        [env.bin / "aws-platform-preview", "--program", ".", "--stack", "dev", "--json"],
        cwd=program,
    )
    assert completed.stdout.strip(), completed.stderr
    return completed.returncode, json.loads(completed.stdout), completed.stderr


def test_wheel_holds_the_typed_packages_the_pack_and_its_configs(env: WheelEnv) -> None:
    names = set(zipfile.ZipFile(env.wheel).namelist())
    assert {
        "components/__init__.py",
        "components/core/__init__.py",
        "components/py.typed",
        "tools/preview/__main__.py",
        "tools/ops/__main__.py",
        "policies/__main__.py",
        "policies/PulumiPolicy.yaml",
        "policies/README.md",
        "policies/requirements.txt",
        "policies/config/dev.json",
        "policies/config/staging.json",
        "policies/config/prod.json",
        "policies/lib/taggable_types.json",
        "policies/lib/iam_wildcard_only_actions.json.gz",
    } <= names
    # The platform's own program, Lambda code, developer tools and tests stay out.
    assert not {n for n in names if n.split("/")[0] in {"environments", "handlers", "tests"}}
    assert not {n for n in names if n.startswith(("policies/tools/", "tools/docs/", "tools/cost/"))}


def test_wheel_metadata_declares_dependencies_extras_and_commands(env: WheelEnv) -> None:
    archive = zipfile.ZipFile(env.wheel)
    info = f"aws_platform_components-{PROJECT['version']}.dist-info"
    metadata = Parser().parsestr(archive.read(f"{info}/METADATA").decode())
    assert metadata["Name"] == DISTRIBUTION
    assert metadata["Version"] == PROJECT["version"]
    requires = {str(Requirement(r)) for r in metadata.get_all("Requires-Dist") or []}
    assert requires >= {str(Requirement(r)) for r in PROJECT["dependencies"]}
    assert set(metadata.get_all("Provides-Extra") or []) == {"preview", "ops", "policy-pack"}
    entry_points = archive.read(f"{info}/entry_points.txt").decode()
    assert "aws-platform-preview = tools.preview.cli:main" in entry_points
    assert "aws-platform-ops = tools.ops.cli:main" in entry_points


def test_components_import_from_the_clean_virtualenv(env: WheelEnv, tmp_path: Path) -> None:
    script = (
        "import components, components.core.iam, policy_sentry, tools.preview.cli, tools.ops.cli\n"
        "from importlib.metadata import version\n"
        "print(components.__file__)\n"
        f"print(version({DISTRIBUTION!r}))\n"
    )
    completed = _run([env.python, "-c", script], cwd=tmp_path)
    assert completed.returncode == 0, completed.stderr
    location, installed_version = completed.stdout.split()
    assert Path(location).is_relative_to(env.root), location
    assert not Path(location).is_relative_to(REPO)
    assert installed_version == PROJECT["version"]
    assert (Path(location).parent / "py.typed").is_file()


def test_installed_command_previews_the_example_clean_with_the_packaged_pack(
    env: WheelEnv, tmp_path: Path
) -> None:
    program = shutil.copytree(EXAMPLE, tmp_path / "consumer-team")
    status, document, stderr = _preview(env, program)
    mandatory = [v for v in document["violations"] if v["enforcement"] == "mandatory"]
    assert (status, mandatory) == (0, []), stderr
    # The pack that ran is the installed one, with its dev config (no policies/ folder here).
    packaged = env.root / "lib"
    assert f"using policy config {packaged}" in stderr, stderr
    assert {v["pack"] for v in document["violations"]} <= {"aws-platform"}
    types = {r["type"] for r in document["resources"]}
    assert {"platform:data:DataTable", "platform:messaging:IdempotentQueueConsumer"} <= types


def test_installed_command_refuses_a_program_that_breaks_the_pack(
    env: WheelEnv, tmp_path: Path
) -> None:
    """The packaged pack enforces: an untagged, unencrypted queue is a mandatory violation."""
    program = tmp_path / "bare-queue"
    program.mkdir()
    (program / "Pulumi.yaml").write_text("name: bare-queue\nruntime: python\n")
    (program / "Pulumi.dev.yaml").write_text("config:\n  aws:region: us-east-1\n")
    (program / "__main__.py").write_text('import pulumi_aws as aws\n\naws.sqs.Queue("orders")\n')
    status, document, stderr = _preview(env, program)
    policies = {v["policy"] for v in document["violations"] if v["enforcement"] == "mandatory"}
    assert status == 1, stderr
    assert {"sqs-queue-encrypted", "required-tags"} <= policies


def test_installed_ops_command_runs(env: WheelEnv, tmp_path: Path) -> None:
    completed = _run([env.bin / "aws-platform-ops", "--help"], cwd=tmp_path)
    assert completed.returncode == 0, completed.stderr
    assert "dlq" in completed.stdout
