"""`python -m benchmarks --stack-only`: the stack preview measured again, the rest kept."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import benchmarks.__main__ as bench
from benchmarks import commands, report


def test_only_the_stack_row_changes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    earlier: dict[str, Any] = {
        "meta": {"git_commit": "a" * 40, "quick": True, "finished_at": "earlier"},
        "prod_stack": {"stack": "prod", "min_s": 5.93, "median_s": 5.97, "resources": 339},
        "handler": {"error": "kept as it was"},
    }
    output = tmp_path / "results.json"
    output.write_text(json.dumps({**earlier, "targets": []}))
    readme = tmp_path / "README.md"
    readme.write_text(f"# x\n\n{report.BEGIN}\nold\n{report.END}\n")
    measured = {"stack": "prod", "min_s": 4.5, "median_s": 4.6, "resources": 339}
    monkeypatch.setattr(commands, "stack_preview", lambda stack, repeat, **_: dict(measured))
    assert bench.main(["--stack-only", "--output", str(output), "--readme", str(readme)]) == 0
    results = json.loads(output.read_text())
    assert results["meta"] == earlier["meta"]
    assert results["handler"] == earlier["handler"]
    assert results["prod_stack"]["min_s"] == 4.5
    assert {"measured_alone_at", "git_commit", "load_average_start"} <= set(results["prod_stack"])
    [prod] = [t for t in results["targets"] if t["name"].startswith("prod stack")]
    assert prod["status"] == report.PASS
    assert "measured alone (--stack-only)" in prod["note"]
    assert "4.50 s (median 4.60 s)" in readme.read_text()
