"""Presenting a preview: one JSON document, or a rich resource tree and violation list.

Both are deterministic: the program registers resources from several threads, so their order
(and the order of the violations found on them) changes between runs; the report sorts them.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from rich.console import Console
from rich.markup import escape
from rich.tree import Tree

from tools.console import console_for as _console_for
from tools.preview.analyzer import Remediation, Violation
from tools.preview.guidance import Guidance
from tools.preview.program import STACK_TYPE, RegisteredResource


@dataclass(frozen=True, kw_only=True)
class PreviewResult:
    """What a preview found: the resources a program would create and the policies they break."""

    project: str
    stack: str
    resources: Sequence[RegisteredResource]
    violations: Sequence[Violation]
    outputs: Mapping[str, Any] = field(default_factory=dict)
    guidance: Mapping[tuple[str, str], Guidance] = field(default_factory=dict)
    """By (pack, policy)."""
    remediations: Sequence[Remediation] = ()
    phases: Sequence[str] = ("preview",)

    @property
    def mandatory_count(self) -> int:
        return sum(1 for v in self.violations if v.enforcement == "mandatory")

    def guidance_for(self, violation: Violation) -> Guidance:
        return self.guidance.get((violation.pack, violation.policy), Guidance())


def _resource_order(resource: RegisteredResource) -> tuple[bool, str]:
    return resource.type != STACK_TYPE, resource.urn


def _violation_order(violation: Violation) -> tuple[str, str, str, str]:
    return violation.pack, violation.policy, violation.urn or "", violation.message


def as_json(result: PreviewResult) -> dict[str, Any]:
    """The `--json` document (DESIGN contract 2, with each violation's `severity`, `fix` and,
    when it was run in a phase, `phase`)."""
    document: dict[str, Any] = {
        "project": result.project,
        "stack": result.stack,
        "resources": [
            {"urn": r.urn, "type": r.type, "name": r.name, "parent": r.parent}
            for r in sorted(result.resources, key=_resource_order)
        ],
        "violations": [
            {
                "policy": v.policy,
                "pack": v.pack,
                "enforcement": v.enforcement,
                "urn": v.urn,
                "message": v.message,
                "severity": result.guidance_for(v).severity,
                "fix": result.guidance_for(v).fix,
                **({"phase": v.phase} if v.phase else {}),
            }
            for v in sorted(result.violations, key=_violation_order)
        ],
    }
    if result.remediations:  # only then: the contract's four keys stay the document
        document["remediations"] = [
            {"policy": r.policy, "pack": r.pack, "urn": r.urn}
            for r in sorted(result.remediations, key=lambda r: (r.urn, r.pack, r.policy))
        ]
    return document


def write_json(result: PreviewResult, out: IO[str]) -> None:
    out.write(json.dumps(as_json(result), indent=2) + "\n")


def _name_of(urn: str | None) -> str:
    return urn.rsplit("::", 1)[-1] if urn else "(whole stack)"


def _resource_tree(result: PreviewResult) -> Tree:
    children: dict[str | None, list[RegisteredResource]] = defaultdict(list)
    for resource in sorted(result.resources, key=_resource_order):
        children[resource.parent].append(resource)
    roots = children.get(None, [])
    title = f"[bold]{escape(result.project)}[/bold] / [bold]{escape(result.stack)}[/bold]"
    tree = Tree(f"{title}  ({len(result.resources)} resources)")

    def add(node: Tree, parent: str) -> None:
        kids = children.get(parent, [])
        counts = Counter(k.type for k in kids if not children.get(k.urn))
        for type_token, count in sorted(counts.items()):
            node.add(f"{count} x {escape(type_token)}")
        for kid in sorted(kids, key=lambda k: (k.name, k.type)):
            if children.get(kid.urn):
                branch = node.add(f"[cyan]{escape(kid.name)}[/cyan] ({escape(kid.type)})")
                add(branch, kid.urn)

    for root in roots:
        if root.type == STACK_TYPE:
            add(tree, root.urn)
        else:
            tree.add(f"{escape(root.name)} ({escape(root.type)})")
    return tree


def console_for(out: IO[str]) -> Console:
    """A rich console on `out`: as wide as the terminal, unbounded when `out` is not one."""
    return _console_for(out, highlight=False, soft_wrap=True)


def write_human(result: PreviewResult, out: IO[str]) -> None:
    """Resource tree with counts per type, violations grouped by policy with the fix and a
    link to the policy's documentation, and the mandatory count."""
    console = console_for(out)
    console.print(_resource_tree(result))
    if result.outputs:
        console.print("[bold]Outputs[/bold]")
        for key, value in sorted(result.outputs.items()):
            console.print(f"  {escape(key)}: {escape(json.dumps(value, sort_keys=True))}")
    if result.remediations:
        console.print()
        console.print(f"[bold]Remediated ({len(result.remediations)})[/bold]")
        for remediation in sorted(result.remediations, key=lambda r: (r.urn, r.pack, r.policy)):
            console.print(
                f"  - {escape(_name_of(remediation.urn))}: {escape(remediation.policy)} "
                f"({escape(remediation.pack)})"
            )
    by_policy: dict[tuple[str, str, str], list[Violation]] = defaultdict(list)
    for violation in sorted(result.violations, key=_violation_order):
        by_policy[(violation.pack, violation.policy, violation.enforcement)].append(violation)
    if by_policy:
        console.print()
        console.print(f"[bold]Policy violations ({len(result.violations)})[/bold]")
    colour = {"mandatory": "red", "advisory": "yellow"}
    order = {"mandatory": 0, "remediate": 1, "advisory": 2}
    for (pack, policy, level), found in sorted(
        by_policy.items(), key=lambda item: (order.get(item[0][2], 3), item[0][1], item[0][0])
    ):
        style = colour.get(level, "white")
        guidance = result.guidance.get((pack, policy), Guidance())
        severity = f" {escape(guidance.severity)}" if guidance.severity else ""
        console.print(
            f"[{style}]{level}[/{style}]{severity} [bold]{escape(policy)}[/bold] "
            f"({escape(pack)}): {len(found)}"
        )
        if guidance.fix:
            console.print(f"  fix: {escape(' '.join(guidance.fix.split()))}")
        if guidance.link:
            console.print(f"  see: {escape(guidance.link)}")
        for violation in found:
            detail = violation.message.strip().splitlines()[-1] if violation.message else ""
            several = len(result.phases) > 1
            only = f" [{violation.phase} only]" if several and violation.phase != "both" else ""
            console.print(f"  - {escape(_name_of(violation.urn))}: {escape(detail)}{escape(only)}")
    console.print()
    console.print(f"{result.mandatory_count} mandatory violations")
