"""Per-stack structural snapshots: resource types and counts per top-level component instance.

A change to the graph (a component gains a child, a workload is added) shows up as a snapshot
diff in review. Regenerate deliberately: `pytest --snapshot-update tests/stacks`.
"""

from __future__ import annotations

from collections import Counter

from stacklib import descendants
from syrupy.assertion import SnapshotAssertion

from tools.preview.program import ProgramRun

STACK_LEVEL = "(resources directly in the stack)"


def structure(run: ProgramRun) -> dict[str, dict[str, int]]:
    """`{"<type> <name>": {<type>: count}}` per top-level component; plain resources at the
    top level are counted together under STACK_LEVEL."""
    shape: dict[str, dict[str, int]] = {}
    loose: Counter[str] = Counter()
    for resource in run.resources:
        if resource.parent != run.stack_urn:
            continue
        if resource.custom:
            loose[resource.type] += 1
            continue
        counts = Counter(child.type for child in descendants(run, resource.urn))
        shape[f"{resource.type} {resource.name}"] = dict(sorted(counts.items()))
    if loose:
        shape[STACK_LEVEL] = dict(sorted(loose.items()))
    return dict(sorted(shape.items()))


def test_structure_matches_snapshot(stack: str, run: ProgramRun, snapshot: SnapshotAssertion):
    assert structure(run) == snapshot


def test_every_resource_belongs_to_the_stack_tree(run: ProgramRun) -> None:
    """The structure covers every resource: each one hangs below the stack resource."""
    below = {r.urn for r in descendants(run, run.stack_urn)}
    outside = [r.urn for r in run.resources if r.urn != run.stack_urn and r.urn not in below]
    assert outside == []
