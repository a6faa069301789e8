"""Markdown summary of an offline preview (`python -m tools.preview --json`) for a CI job summary.

    python .github/scripts/preview_summary.py STACK preview.json >> "$GITHUB_STEP_SUMMARY"

Reads the preview's JSON document (DESIGN.md contract 2) and prints the counts and one table row
per violation, mandatory first. Exit status 0; the preview's own exit status decides the job.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def summary(stack: str, document: dict[str, Any]) -> str:
    """The markdown for one stack's preview document."""
    violations = sorted(
        document.get("violations", []),
        key=lambda v: (v["enforcement"] != "mandatory", v["policy"], v["urn"] or ""),
    )
    mandatory = sum(1 for v in violations if v["enforcement"] == "mandatory")
    lines = [
        f"### Offline preview: stack `{_cell(stack)}`",
        "",
        f"{len(document.get('resources', []))} resources, {mandatory} mandatory and "
        f"{len(violations) - mandatory} advisory violations.",
    ]
    if violations:
        lines += ["", "| enforcement | policy | resource | message |", "| --- | --- | --- | --- |"]
        for v in violations:
            resource = (v["urn"] or "(stack)").rsplit("::", 1)[-1]
            lines.append(
                f"| {v['enforcement']} | `{_cell(v['policy'])}` | `{_cell(resource)}` "
                f"| {_cell(v['message'])} |"
            )
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str]) -> int:
    if len(argv) != 2:
        print("usage: preview_summary.py STACK PREVIEW_JSON", file=sys.stderr)
        return 2
    stack, path = argv
    text = Path(path).read_text(encoding="utf-8") if Path(path).is_file() else ""
    if not text.strip():
        print(
            f"### Offline preview: stack `{_cell(stack)}`\n\nThe preview printed no report "
            "(it failed before evaluating the pack; see the job log)."
        )
        return 0
    print(summary(stack, json.loads(text)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
