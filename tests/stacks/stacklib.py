"""Helpers of the whole-stack tests: cached stack runs and previews, graph queries.

`stack_run(name)` is the program run under the mock cloud (`run_program_dir`), with inputs and
outputs of every resource; `stack_preview(name)` is `python -m tools.preview --stack NAME --json`
(the policy pack with `policies/config/<stack>.json`), run in this process. Both are cached for the
session because each takes seconds.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from tests.preview_in_process import run_cli
from tools.preview.program import ProgramRun, RegisteredResource, run_program_dir

REPO = Path(__file__).resolve().parents[2]
STACKS = ("dev", "staging", "prod")
CONFIG_NAMESPACE = "aws-platform"


@dataclass(frozen=True)
class Preview:
    """What the preview CLI reported for one program and stack."""

    status: int
    document: dict[str, Any] | None
    stderr: str

    @property
    def violations(self) -> list[dict[str, Any]]:
        return list((self.document or {}).get("violations", []))

    @property
    def mandatory(self) -> list[dict[str, Any]]:
        return [v for v in self.violations if v["enforcement"] == "mandatory"]


def run_preview_cli(*args: str, cwd: Path = REPO) -> Preview:
    """`python -m tools.preview ARGS --json` run from `cwd`, in this process with the session's
    pack process (tests/preview_in_process.py); tests/preview/test_output.py runs the CLI in its
    own process."""
    result = run_cli(*args, "--json", cwd=cwd)
    document = json.loads(result.stdout) if result.stdout.strip() else None
    return Preview(result.status, document, result.stderr)


def describe(violations: list[dict[str, Any]]) -> str:
    """One line per violation, for assertion messages."""
    return "\n".join(
        f"  [{v['enforcement']}] {v['policy']} on {v['urn']}: {v['message']}" for v in violations
    )


@cache
def stack_run(stack: str) -> ProgramRun:
    return run_program_dir(REPO, stack)


@cache
def stack_preview(stack: str) -> Preview:
    """`run_preview_cli` on a stack of this repository, once per session."""
    return run_preview_cli("--program", str(REPO), "--stack", stack)


@cache
def stack_file_config(stack: str) -> dict[str, Any]:
    document = yaml.safe_load((REPO / f"Pulumi.{stack}.yaml").read_text()) or {}
    return dict(document.get("config") or {})


def children_by_parent(run: ProgramRun) -> dict[str, list[RegisteredResource]]:
    children: dict[str, list[RegisteredResource]] = {}
    for resource in run.resources:
        if resource.parent:
            children.setdefault(resource.parent, []).append(resource)
    return children


def descendants(run: ProgramRun, urn: str) -> Iterator[RegisteredResource]:
    """Every resource below `urn` (children, their children, ...)."""
    children = children_by_parent(run)
    pending = list(children.get(urn, []))
    while pending:
        resource = pending.pop()
        yield resource
        pending.extend(children.get(resource.urn, []))


def output(resource: RegisteredResource, key: str) -> Any:
    """An output of a resource, falling back to its input of the same name."""
    return resource.outputs.get(key, resource.inputs.get(key))


def by_output(run: ProgramRun, type_token: str, key: str) -> Mapping[Any, RegisteredResource]:
    """Resources of one type keyed by one of their outputs (e.g. queues by `arn`)."""
    return {output(r, key): r for r in run.of_type(type_token) if output(r, key) is not None}
