"""The workflows' report scripts: the offline preview's job summary and the drift report."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from wheelenv import REPO

SCRIPTS = REPO / ".github" / "scripts"
STACK_URN = "urn:pulumi:prod::aws-platform::pulumi:pulumi:Stack::aws-platform-prod"
QUEUE_URN = "urn:pulumi:prod::aws-platform::platform:messaging:Q$aws:sqs/queue:Queue::orders"
TABLE_URN = "urn:pulumi:prod::aws-platform::aws:dynamodb/table:Table::events"


def _script(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, SCRIPTS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


preview_summary = _script("preview_summary")
drift_report = _script("drift_report")


def _violation(policy: str, enforcement: str, urn: str | None, message: str) -> dict[str, Any]:
    return {
        "policy": policy,
        "pack": "aws-platform",
        "enforcement": enforcement,
        "urn": urn,
        "message": message,
    }


def test_preview_summary_lists_mandatory_violations_first() -> None:
    document = {
        "project": "aws-platform",
        "stack": "prod",
        "resources": [{"urn": QUEUE_URN}, {"urn": TABLE_URN}],
        "violations": [
            _violation("lambda-function-tracing", "advisory", TABLE_URN, "no tracing"),
            _violation(
                "sqs-queue-encrypted", "mandatory", QUEUE_URN, "queue | orders\nunencrypted"
            ),
            _violation("stack-has-alarms", "mandatory", None, "no alarm topic"),
        ],
    }
    text = preview_summary.summary("prod", document)
    assert "2 resources, 2 mandatory and 1 advisory violations." in text
    rows = [line for line in text.splitlines() if line.startswith("| ") and "---" not in line][1:]
    assert rows == [
        "| mandatory | `sqs-queue-encrypted` | `orders` | queue \\| orders unencrypted |",
        "| mandatory | `stack-has-alarms` | `(stack)` | no alarm topic |",
        "| advisory | `lambda-function-tracing` | `events` | no tracing |",
    ]


def test_preview_summary_of_a_clean_and_of_a_failed_preview(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    clean = preview_summary.summary("dev", {"resources": [], "violations": []})
    assert "0 mandatory and 0 advisory" in clean and "|" not in clean
    empty = tmp_path / "preview.json"
    empty.write_text("")
    assert preview_summary.main(["dev", str(empty)]) == 0
    assert "printed no report" in capsys.readouterr().out


def _step(op: str, urn: str, **extra: Any) -> dict[str, Any]:
    return {"op": op, "urn": urn, **extra}


def test_drift_report_names_each_changed_resource(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    document = {
        "steps": [
            _step("same", STACK_URN),
            _step("update", QUEUE_URN, diffReasons=["visibilityTimeoutSeconds", "tags"]),
            _step("replace", TABLE_URN, replaceReasons=["hashKey"], diffReasons=["hashKey"]),
            _step("read", "urn:pulumi:prod::aws-platform::aws:ssm/parameter:Parameter::ami"),
        ],
        "changeSummary": {"same": 1, "update": 1, "replace": 1},
    }
    preview = tmp_path / "preview.json"
    preview.write_text(json.dumps(document))
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    assert drift_report.main(["prod", str(preview)]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "::error title=drift in prod::update aws:sqs/queue:Queue orders "
        "(tags, visibilityTimeoutSeconds)",
        "::error title=drift in prod::replace aws:dynamodb/table:Table events (hashKey)",
    ]
    assert "2 resources differ from the program" in summary.read_text()


def test_drift_report_passes_when_everything_is_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    preview = tmp_path / "preview.json"
    preview.write_text(json.dumps({"steps": [_step("same", STACK_URN), _step("same", QUEUE_URN)]}))
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    assert drift_report.main(["dev", str(preview)]) == 0
    assert "No drift." in summary.read_text()
