"""Which resources drifted, from `pulumi preview --expect-no-changes --json` after a refresh.

    python .github/scripts/drift_report.py STACK preview.json

After `pulumi refresh` the state holds what is really in AWS, so every step of the preview that is
not `same` is a resource whose real configuration differs from the program (changed, deleted or
created outside Pulumi). Prints one `::error::` annotation per drifted resource and appends a
table to $GITHUB_STEP_SUMMARY when it is set. Exit status 1 when anything drifted, else 0.
The document's shape (`steps[].op`, `urn`, `diffReasons`, `replaceReasons`) is the CLI's
`previewDigest` in pulumi/pulumi pkg/display/json.go.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# `same` needs nothing; `read` is a data source (a `.get()`), not a managed resource.
_NO_DRIFT = frozenset({"same", "read"})


@dataclass(frozen=True)
class Drift:
    """One resource whose real configuration differs from the program."""

    op: str
    urn: str
    properties: tuple[str, ...]

    @property
    def name(self) -> str:
        return self.urn.rsplit("::", 1)[-1]

    @property
    def type(self) -> str:
        parts = self.urn.split("::")
        return parts[-2].rsplit("$", 1)[-1] if len(parts) >= 2 else ""


def drifted(document: dict[str, Any]) -> list[Drift]:
    """Every step of the preview that would change something, in the preview's order."""
    found = []
    for step in document.get("steps", []):
        if step.get("op") in _NO_DRIFT or step.get("urn", "").endswith("::pulumi:pulumi:Stack"):
            continue
        properties = {*step.get("diffReasons", []), *step.get("replaceReasons", [])}
        found.append(Drift(step["op"], step["urn"], tuple(sorted(properties))))
    return found


def markdown(stack: str, drifts: Sequence[Drift]) -> str:
    if not drifts:
        return f"### Drift: stack `{stack}`\n\nNo drift.\n"
    rows = [
        f"| {d.op} | `{d.type}` | `{d.name}` | {', '.join(d.properties) or '-'} |" for d in drifts
    ]
    return (
        "\n".join(
            [
                f"### Drift: stack `{stack}`",
                "",
                f"{len(drifts)} resources differ from the program:",
                "",
                "| would | type | resource | properties |",
                "| --- | --- | --- | --- |",
                *rows,
            ]
        )
        + "\n"
    )


def main(argv: Sequence[str]) -> int:
    if len(argv) != 2:
        print("usage: drift_report.py STACK PREVIEW_JSON", file=sys.stderr)
        return 2
    stack, path = argv
    drifts = drifted(json.loads(Path(path).read_text(encoding="utf-8")))
    for d in drifts:
        detail = f" ({', '.join(d.properties)})" if d.properties else ""
        print(f"::error title=drift in {stack}::{d.op} {d.type} {d.name}{detail}")
    summary_file = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary_file:
        with open(summary_file, "a", encoding="utf-8") as out:
            out.write(markdown(stack, drifts))
    return 1 if drifts else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
