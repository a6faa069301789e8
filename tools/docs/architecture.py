"""`docs/architecture.md`: the hand-written layout of the code, then one Mermaid diagram per stack
from the offline preview's graph (the generated region `stacks`).

Each top-level component is a subgraph listing how many resources of each type it holds;
an edge A --> B says a resource of A takes an identifier (ARN, URL, name) of a resource of B.
"""

from __future__ import annotations

import contextlib
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from pathlib import Path

from tools.cost.graph import Graph, Workload, strings
from tools.docs import regions
from tools.preview.program import ProgramRun, RegisteredResource, run_program_dir
from tools.preview.project import load_project

STACK_ORDER = ("dev", "staging", "prod")
STACK_LEVEL = "stack resources"
STACKS_REGION = "stacks"
_TOKEN = re.compile(r"(arn:aws[\w-]*:[^\s\"',]+|https://[^\s\"',]+)")


class ProgramCannotRun(Exception):
    """The program could not be previewed for a stack; the message names the stack and cause."""


def _short(type_token: str) -> str:
    """`sqs:Queue` for `aws:sqs/queue:Queue`, `ec2:Vpc` for `awsx:ec2:Vpc`."""
    parts = type_token.split(":")
    if len(parts) < 3:
        return type_token
    return f"{parts[1].split('/')[0]}:{parts[2]}"


def _label(text: str) -> str:
    return text.replace('"', "#quot;")


def _tokens(value: str) -> Iterator[str]:
    yield value
    for token in _TOKEN.findall(value):
        yield token
        yield token.rstrip("*").rstrip(":/")


class _Diagram:
    """Resources grouped by top-level component (keyed by URN, resources directly under the
    stack together), their counts and the references between groups."""

    def __init__(self, run: ProgramRun) -> None:
        self.graph = Graph(run)
        self.groups: dict[str, list[RegisteredResource]] = defaultdict(list)
        self.titles: dict[str, str] = {STACK_LEVEL: STACK_LEVEL}
        for resource in self.graph.priced_resources():
            workload = self.graph.workload(resource)
            key = self._group(workload)
            self.groups[key].append(resource)
            if key != STACK_LEVEL:
                self.titles[key] = f"{workload.name}: {_short(workload.type)}"
        self.nested: dict[str, Counter[str]] = defaultdict(Counter)
        for resource in run.resources:
            if resource.custom or resource.type.startswith(("pulumi:", "awsx:")):
                continue
            workload = self.graph.workload(resource)
            if workload.urn != resource.urn:
                self.nested[self._group(workload)][resource.type.rsplit(":", 1)[-1]] += 1

    def _group(self, workload: Workload) -> str:
        top = self.graph.by_urn.get(workload.urn)
        return STACK_LEVEL if top is not None and top.custom else workload.urn

    def _group_of(self, resource: RegisteredResource) -> str:
        return self._group(self.graph.workload(resource))

    def _ordered(self) -> list[str]:
        return sorted(self.groups, key=lambda g: (g == STACK_LEVEL, self.titles[g]))

    def _ids(self) -> dict[str, str]:
        return {group: f"c{index}" for index, group in enumerate(self._ordered())}

    def edges(self) -> dict[tuple[str, str], set[str]]:
        found: dict[tuple[str, str], set[str]] = defaultdict(set)
        for group, resources in self.groups.items():
            for resource in resources:
                for target in self._references(resource):
                    other = self._group_of(target)
                    if other != group:
                        found[(group, other)].add(_short(target.type))
        return found

    def _references(self, resource: RegisteredResource) -> Iterator[RegisteredResource]:
        for urns in resource.property_dependencies.values():
            for urn in urns:
                target = self.graph.by_urn.get(urn)
                if target is not None:
                    yield target
        for value in strings(resource.inputs):
            for token in _tokens(value):
                target = self.graph.lookup(token)
                if target is not None and target.urn != resource.urn:
                    yield target

    def mermaid(self) -> str:
        ids = self._ids()
        lines = ["flowchart LR"]
        for group in self._ordered():
            counts = Counter(_short(r.type) for r in self.groups[group])
            inside = [f"{kind} x{count}" for kind, count in sorted(counts.items())]
            nested = [f"{kind} x{n}" for kind, n in sorted(self.nested[group].items())]
            body = "<br/>".join(inside + ([f"<i>{', '.join(nested)}</i>"] if nested else []))
            lines.append(f'  subgraph {ids[group]}_box["{_label(self.titles[group])}"]')
            lines.append(f'    {ids[group]}["{_label(body)}"]')
            lines.append("  end")
        edges = sorted(
            (ids[source], ids[target], ", ".join(sorted(kinds)))
            for (source, target), kinds in self.edges().items()
        )
        for source, target, label in edges:
            lines.append(f'  {source} -->|"{_label(label)}"| {target}')
        return "\n".join(lines)


def stack_diagram(run: ProgramRun) -> str:
    """The Mermaid flowchart of one program run, collapsed to top-level components."""
    return _Diagram(run).mermaid()


def stack_section(run: ProgramRun) -> str:
    diagram = _Diagram(run)
    resources = sum(len(r) for r in diagram.groups.values())
    components = len([g for g in diagram.groups if g != STACK_LEVEL])
    return (
        f"### {run.stack}\n\n{components} top-level components, {resources} resources.\n\n"
        f"```mermaid\n{diagram.mermaid()}\n```\n"
    )


def ordered_stacks(stacks: Sequence[str]) -> list[str]:
    known = [s for s in STACK_ORDER if s in stacks]
    return known + sorted(s for s in stacks if s not in STACK_ORDER)


def architecture_document(program_dir: Path) -> str:
    """`docs/architecture.md` for every stack of the program; ProgramCannotRun when a stack's
    preview fails (the program may still be under construction)."""
    try:
        project = load_project(program_dir)
    except Exception as error:
        raise ProgramCannotRun(str(error)) from error
    stacks = ordered_stacks(project.stacks)
    if not stacks:
        raise ProgramCannotRun(f"{program_dir} has no Pulumi.<stack>.yaml")
    sections = []
    for stack in stacks:
        try:
            with contextlib.redirect_stdout(sys.stderr):
                run = run_program_dir(program_dir, stack)
        except Exception as error:
            raise ProgramCannotRun(
                f"stack {stack}: {type(error).__name__}: {error}".splitlines()[0]
            ) from error
        sections.append(stack_section(run))
    header = (
        "Generated by `make docs` (`python -m tools.docs`) from the offline preview of each "
        "stack. Each box is a top-level component with the number of resources of each type it "
        "holds (nested components in italics); an arrow A → B means a resource of A takes an "
        "ARN, URL or name of a resource of B (labelled with B's resource types).\n"
    )
    return header + "\n" + "\n".join(sections)


def architecture_page(current: str | None, program_dir: Path) -> str:
    """`docs/architecture.md` with its per-stack diagrams (region `stacks`) refreshed and the
    hand-written text around them kept; a page without the region gets one at its end."""
    body = architecture_document(program_dir)
    if current is not None and regions.has_region(current, STACKS_REGION):
        return regions.replace_region(current, STACKS_REGION, body)
    page = (current or "# Architecture\n").rstrip("\n")
    return f"{page}\n\n## Stacks\n\n{regions.region(STACKS_REGION, body)}\n"
