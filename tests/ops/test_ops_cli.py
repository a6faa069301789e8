"""The CLI's shape: help that reads like a runbook step, and the package's import boundary."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from ops_helpers import run_cli

from tools.ops import cli

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient

OPS = Path(__file__).resolve().parents[2] / "tools" / "ops"


@pytest.mark.parametrize(
    "command",
    [
        ("dlq", "inspect"),
        ("dlq", "redrive"),
        ("events", "replay"),
        ("events", "status"),
        ("smoke",),
    ],
)
def test_help_reads_like_a_runbook_step(
    command: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.build_parser().parse_args([*command, "--help"])
    assert exited.value.code == 0
    text = capsys.readouterr().out
    assert "Runbook step:" in text
    assert "example" in text
    assert "exit status:" in text
    if command != ("events", "status"):
        assert "What it never does:" in text


def test_missing_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.build_parser().parse_args(["dlq"])
    assert exited.value.code == 2


def test_no_region_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    run = run_cli("dlq", "inspect", "some-dlq")
    assert run.code == 2
    assert "no AWS region" in run.err


def test_ops_imports_nothing_from_components_or_policies() -> None:
    imported: set[str] = set()
    for path in OPS.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module)
    roots = {name.split(".")[0] for name in imported}
    assert "tools" in roots  # the scan sees the package's own imports
    assert not roots & {"components", "policies", "environments", "handlers"}


@pytest.mark.parametrize("default_region", [None, "eu-west-1"])
def test_aws_region_alone_or_over_aws_default_region_is_honoured(
    sqs: SQSClient, monkeypatch: pytest.MonkeyPatch, default_region: str | None
) -> None:
    """botocore reads only AWS_DEFAULT_REGION; operators set AWS_REGION (the SDKs' variable)."""
    url = sqs.create_queue(QueueName="region-check-dlq")["QueueUrl"]  # in us-east-1
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    if default_region is None:
        monkeypatch.delenv("AWS_DEFAULT_REGION")
    else:
        monkeypatch.setenv("AWS_DEFAULT_REGION", default_region)

    run = run_cli("dlq", "inspect", "region-check-dlq")

    assert run.code == 0, run.err
    assert url in run.out
