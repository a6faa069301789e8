"""Stack outputs: load `pulumi stack output --json` and look values up by dotted key."""

from __future__ import annotations

import difflib
import json
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

STDIN = "-"


class StackOutputsError(Exception):
    """The stack outputs could not be read, or a key is not in them."""


class UnknownOutputError(StackOutputsError):
    """A key is not in the stack outputs; carries the closest keys that are."""

    def __init__(self, key: str, candidates: list[str]) -> None:
        self.key = key
        self.candidates = candidates
        hint = (
            "closest output keys: " + ", ".join(candidates)
            if candidates
            else "the stack outputs hold no string values"
        )
        super().__init__(f"'{key}' is not a stack output ({hint})")


@dataclass(frozen=True, kw_only=True)
class StackOutputs:
    """The outputs of one stack, as `pulumi stack output --json` prints them."""

    values: Mapping[str, Any]
    source: str

    def get(self, key: str) -> Any | None:
        """The value at `key`: a top-level key, or a dotted path into nested objects.

        Keys that themselves contain dots win over a dotted path (`a.b` as one key is
        found before `a` -> `b`). Returns None when nothing matches.
        """
        return _lookup(self.values, key.split("."))

    def require_string(self, key: str) -> str:
        """The string at `key`; `UnknownOutputError` (with near matches) when there is none."""
        value = self.get(key)
        if isinstance(value, str):
            return value
        if value is None:
            raise UnknownOutputError(key, self.near(key))
        raise StackOutputsError(
            f"stack output '{key}' is a {type(value).__name__}, not a string; "
            f"pick one of: {', '.join(sorted(p for p in self.paths() if p.startswith(key)))}"
        )

    def paths(self) -> Iterator[str]:
        """Every dotted path that leads to a string value."""
        yield from _paths(self.values, "")

    def near(self, key: str, limit: int = 5) -> list[str]:
        """Keys that look like `key`: close spellings first, then keys sharing a part."""
        paths = sorted(self.paths())
        close = difflib.get_close_matches(key, paths, n=limit, cutoff=0.5)
        parts = {p.lower() for p in key.split(".") if p}
        sharing = [p for p in paths if parts & {q.lower() for q in p.split(".")}]
        ranked = list(dict.fromkeys([*close, *sharing]))
        return ranked[:limit]


def load_stack_outputs(source: str, *, stdin: TextIO | None = None) -> StackOutputs:
    """Read stack outputs from a JSON file, or from stdin when `source` is `-`."""
    if source == STDIN:
        text = (stdin or sys.stdin).read()
        label = "stdin"
    else:
        path = Path(source)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise StackOutputsError(f"cannot read stack outputs {source}: {exc.strerror}") from exc
        label = str(path)
    try:
        values = json.loads(text)
    except json.JSONDecodeError as exc:
        raise StackOutputsError(
            f"stack outputs from {label} are not JSON (line {exc.lineno}: {exc.msg}); "
            "produce them with `pulumi stack output --json`"
        ) from exc
    if not isinstance(values, dict):
        raise StackOutputsError(
            f"stack outputs from {label} must be a JSON object, got {type(values).__name__}"
        )
    return StackOutputs(values=values, source=label)


def _lookup(node: Any, parts: list[str]) -> Any | None:
    if not parts:
        return node
    if not isinstance(node, Mapping):
        return None
    # Longest prefix first, so a key that contains dots beats a nested path.
    for cut in range(len(parts), 0, -1):
        head = ".".join(parts[:cut])
        if head in node:
            found = _lookup(node[head], parts[cut:])
            if found is not None:
                return found
    return None


def _paths(node: Any, prefix: str) -> Iterator[str]:
    if isinstance(node, str):
        yield prefix
    elif isinstance(node, Mapping):
        for key, value in node.items():
            yield from _paths(value, f"{prefix}.{key}" if prefix else str(key))
