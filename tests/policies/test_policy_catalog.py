"""The committed catalog matches the rules, and every rule is documented completely."""

from __future__ import annotations

from policies.catalog import DOC, excluded_anchors, main, render
from policies.rules import all_rules


def test_docs_policies_md_is_current() -> None:
    assert DOC.read_text() == render(all_rules()), (
        "docs/policies.md is stale: run python -m policies.catalog > docs/policies.md"
    )
    assert main(["--check"]) == 0


def test_every_rule_names_its_source_and_unknown_handling() -> None:
    for rule in all_rules():
        assert rule.anchors, f"{rule.name}: no anchor (use 'stack-gap' or 'seed:<file>')"
        assert rule.unknown.strip() and rule.fix.strip() and rule.rationale.strip()


def test_excluded_anchors_are_not_also_implemented() -> None:
    implemented = {a for rule in all_rules() for a in rule.anchors}
    assert not sorted(set(excluded_anchors()) & implemented)
