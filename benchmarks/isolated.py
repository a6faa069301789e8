"""Running one benchmark module in a fresh interpreter and reading back its JSON result.

A fresh process per measurement keeps SDK state, imported modules, caches and memory of one
measurement out of the next. The module writes its result to the file named by ``--output``, so
whatever it prints (handler logs, EMF metrics) cannot corrupt the result.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]


def run_json(
    module: str,
    args: Sequence[str],
    *,
    timeout: float,
    env: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """``python -m module --output FILE *args`` from the repo root; its JSON, or ``{"error"}``."""
    with tempfile.TemporaryDirectory() as scratch:
        output = Path(scratch) / "result.json"
        command = [sys.executable, "-m", module, "--output", str(output), *args]
        try:
            done = subprocess.run(
                command,
                cwd=REPO_ROOT,
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
                env=dict(env) if env is not None else None,
            )
        except subprocess.TimeoutExpired:
            return {"error": f"{module} timed out after {timeout:.0f} s"}
        if done.returncode != 0 or not output.exists():
            tail = done.stderr.strip()[-2000:]
            return {"error": tail or f"{module} exited with status {done.returncode}"}
        result: dict[str, Any] = json.loads(output.read_text())
        return result


def write_json(path: str, result: Mapping[str, Any]) -> None:
    """What a benchmark module run by `run_json` does with its result."""
    Path(path).write_text(json.dumps(result, indent=2))
