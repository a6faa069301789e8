"""A wrong stack file stops the preview with exit 2, naming the key and the stack file."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from stacklib import REPO, run_preview_cli

# Everything the program does not need (tests, tooling, installs, caches) stays behind.
_NOT_THE_PROGRAM = shutil.ignore_patterns(
    ".git",
    ".venv",
    ".cache",  # tests/runtime's cached virtualenvs (hundreds of MB)
    "dist",
    "build",
    "node_modules",
    "__pycache__",
    ".*_cache",
    ".hypothesis",
    "tests",
    "benchmarks",
    "docs",
    "examples",
    "policies",
    "tools",
)


@pytest.fixture
def program_copy(tmp_path: Path) -> Path:
    """A copy of the repository's program (its own components, environments, handlers)."""
    copy = tmp_path / "platform"
    shutil.copytree(REPO, copy, ignore=_NOT_THE_PROGRAM)
    return copy


def set_config(stack_file: Path, key: str, raw_yaml_value: str | None) -> None:
    """Replace (or with None drop) one `key: value` line of a stack file."""
    text = stack_file.read_text()
    line = re.compile(rf"^(  {re.escape(key)}:).*$", re.MULTILINE)
    assert line.search(text), f"{key} is not in {stack_file.name}"
    replacement = "" if raw_yaml_value is None else rf"\1 {raw_yaml_value}"
    stack_file.write_text(line.sub(replacement, text))


def test_the_copy_previews_like_the_repository(program_copy: Path) -> None:
    """Control: the copied program runs; the failures below come from the edited value."""
    preview = run_preview_cli("--program", str(program_copy), "--stack", "dev")
    assert preview.status in (0, 1), preview.stderr
    assert preview.document is not None


def test_wrong_typed_value_exits_2_naming_the_key_and_the_stack_file(program_copy: Path) -> None:
    set_config(program_copy / "Pulumi.dev.yaml", "aws-platform:allowedIngressCidrs", '"not json"')
    preview = run_preview_cli("--program", str(program_copy), "--stack", "dev")
    assert preview.status == 2
    assert preview.document is None  # nothing half-done on stdout
    assert "aws-platform:allowedIngressCidrs: wrong type" in preview.stderr
    assert "Pulumi.dev.yaml" in preview.stderr
    assert "Traceback" not in preview.stderr


def test_every_problem_of_the_stack_file_is_reported_at_once(program_copy: Path) -> None:
    stack_file = program_copy / "Pulumi.prod.yaml"
    set_config(stack_file, "aws-platform:owner", None)
    set_config(stack_file, "aws-platform:dataClassification", "top-secret")
    preview = run_preview_cli("--program", str(program_copy), "--stack", "prod")
    assert preview.status == 2
    assert "Pulumi.prod.yaml" in preview.stderr
    assert "aws-platform:owner" in preview.stderr
    assert "aws-platform:dataClassification" in preview.stderr


def test_prod_with_the_documented_placeholders_stops_with_one_error_naming_each_key(
    program_copy: Path,
) -> None:
    """The values dev keeps are refused in prod: every key in one message, then exit 2."""
    stack_file = program_copy / "Pulumi.prod.yaml"
    set_config(stack_file, "aws-platform:alarmEmail", "platform-oncall@example.com")
    set_config(
        stack_file,
        "aws-platform:certificateArn",
        "arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-00000000prod",
    )
    set_config(
        stack_file, "aws-platform:albAccessLogsBucket", "aws-platform-prod-access-logs-123456789012"
    )
    set_config(stack_file, "aws-platform:trackingApiImage", None)
    set_config(stack_file, "aws-platform:runbookBaseUrl", None)
    preview = run_preview_cli("--program", str(program_copy), "--stack", "prod")
    assert preview.status == 2
    assert preview.stderr.count("invalid stack configuration in Pulumi.prod.yaml") == 1
    for key in (
        "alarmEmail",
        "certificateArn",
        "albAccessLogsBucket",
        "trackingApiImage",
        "runbookBaseUrl",
    ):
        assert f"aws-platform:{key}:" in preview.stderr, key
    assert "Traceback" not in preview.stderr
