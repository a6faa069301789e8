"""End-to-end timings of the project's own commands: the offline preview of a stack
(``python -m tools.preview --stack prod``, what ``make preview STACK=prod`` runs) and ``make test``.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.isolated import REPO_ROOT
from benchmarks.timing import Samples, timed

PREVIEW_FAILED = 2
"""Exit status of the preview when the program, its config or the pack failed (DESIGN 2)."""


def _tail(text: str, limit: int = 1500) -> str:
    return text.strip()[-limit:]


def stack_preview(
    stack: str,
    repeat: int,
    *,
    program_dir: Path = REPO_ROOT,
    timeout: float = 300.0,
    warm_ups: int = 1,
) -> dict[str, Any]:
    """Wall time of the offline preview of `stack` with the pack, `repeat` times.

    A run that fails (exit 2, a crash or a timeout) is recorded with its message and ends the
    measurement; exit 1 (mandatory violations) is a complete preview and is timed.
    """
    command = [
        sys.executable,
        "-m",
        "tools.preview",
        "--program",
        str(program_dir),
        "--stack",
        stack,
        "--json",
    ]
    seconds: list[float] = []
    summary: dict[str, Any] = {"stack": stack, "command": " ".join(command[1:])}
    for _ in range(warm_ups):
        _warm_up(command, timeout)
    summary["warm_up"] = WARM_UP if warm_ups else "none"
    for _ in range(repeat):
        try:
            elapsed, done = timed(
                lambda: subprocess.run(
                    command,
                    cwd=REPO_ROOT,
                    capture_output=True,
                    text=True,
                    timeout=timeout,
                    check=False,
                )
            )
        except subprocess.TimeoutExpired:
            return {**summary, "error": f"timed out after {timeout:.0f} s"}
        if done.returncode >= PREVIEW_FAILED or done.returncode < 0:
            return {
                **summary,
                "exit_status": done.returncode,
                "error": _tail(done.stderr) or _tail(done.stdout) or "no output",
            }
        seconds.append(elapsed)
        summary["exit_status"] = done.returncode
        summary.update(_counts(done.stdout))
    return {**summary, **Samples.of(seconds).to_json()}


WARM_UP = "one untimed run first, with bytecode writing on"


def _warm_up(command: Sequence[str], timeout: float) -> None:
    """Run `command` once, untimed, allowing Python to write bytecode (``__pycache__``), as a
    user's first ``make preview`` does: with PYTHONDONTWRITEBYTECODE set in the environment every
    timed run (and its policy pack process) would otherwise compile the repository's modules
    again. Its failures are left to the timed runs to record."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    with contextlib.suppress(subprocess.TimeoutExpired):
        subprocess.run(
            command, cwd=REPO_ROOT, env=env, capture_output=True, timeout=timeout, check=False
        )


def _counts(stdout: str) -> dict[str, Any]:
    try:
        document = json.loads(stdout)
    except ValueError:
        return {}
    violations = document.get("violations", [])
    return {
        "resources": len(document.get("resources", [])),
        "violations": len(violations),
        "mandatory_violations": sum(v.get("enforcement") == "mandatory" for v in violations),
    }


def make_test(timeout: float = 1800.0) -> dict[str, Any]:
    """Wall time of one ``make test`` (lint, type-check and every test)."""
    command: Sequence[str] = ["make", "test"]
    try:
        elapsed, done = timed(
            lambda: subprocess.run(
                command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=timeout, check=False
            )
        )
    except subprocess.TimeoutExpired:
        return {"error": f"make test timed out after {timeout:.0f} s"}
    result: dict[str, Any] = {"wall_s": round(elapsed, 2), "exit_status": done.returncode}
    if done.returncode != 0:
        result["output_tail"] = _tail(done.stdout + done.stderr, 800)
    return result
