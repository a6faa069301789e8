"""The pack's layout cannot drift: a rule lives in ``policies/rules/<prefix>.py`` by the prefix of
its name, whatever its kind (resource or stack rule), its cases live in
``tests/policies/cases_<prefix>.py``, and the pack imports nothing from the rest of the
repository.

A module's prefix is its name with ``_`` read as ``-`` and a trailing ``_`` dropped (``lambda_``,
named so because ``lambda`` is a Python keyword, holds the ``lambda-...`` rules;
``physical_names`` holds ``physical-names-unique``). A rule belongs to the module with the longest
prefix its name starts with.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

from policies.rules import rule_modules

REPO = Path(__file__).resolve().parents[2]
PACK = REPO / "policies"
CASES_DIR = Path(__file__).parent
# First-party packages outside the pack: the engine runs the pack without them.
OUTSIDE_THE_PACK = {"benchmarks", "components", "environments", "handlers", "tests", "tools"}


def _prefix(module: str) -> str:
    return module.rstrip("_").replace("_", "-")


def _rules_by_module() -> dict[str, list[str]]:
    return {
        module: [rule.name for rule in importlib.import_module(f"policies.rules.{module}").RULES]
        for module in rule_modules()
    }


def _home(rule: str, modules: list[str]) -> str | None:
    """The module whose prefix is the longest one `rule` starts with."""
    homes = [m for m in modules if rule == _prefix(m) or rule.startswith(_prefix(m) + "-")]
    return max(homes, key=lambda m: len(_prefix(m)), default=None)


RULES = _rules_by_module()


@pytest.mark.parametrize("module", sorted(RULES))
def test_every_rule_lives_in_the_module_of_its_prefix(module: str) -> None:
    misplaced = {rule: _home(rule, list(RULES)) for rule in RULES[module]}
    misplaced = {rule: home for rule, home in misplaced.items() if home != module}
    assert not misplaced, (
        f"rules/{module}.py holds rules of other prefixes (rule -> module it belongs in, "
        f"None = create rules/<prefix>.py): {misplaced}"
    )


def test_every_rules_module_has_its_cases_file_and_no_other_exists() -> None:
    expected = {f"cases_{_prefix(m).replace('-', '_')}" for m in RULES}
    found = {path.stem for path in CASES_DIR.glob("cases_*.py")}
    assert not sorted(expected - found), f"rules modules without cases: {sorted(expected - found)}"
    assert not sorted(found - expected), f"cases of no rules module: {sorted(found - expected)}"


@pytest.mark.parametrize("module", sorted(RULES))
def test_cases_file_covers_only_its_own_rules(module: str) -> None:
    stem = f"cases_{_prefix(module).replace('-', '_')}"
    cases = importlib.import_module(f"tests.policies.{stem}").CASES
    foreign = sorted({case.policy for case in cases} - set(RULES[module]))
    assert not foreign, f"{stem}.py has cases of rules outside rules/{module}.py: {foreign}"


def _imported_packages(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def test_the_pack_imports_nothing_from_outside_it() -> None:
    crossing = {
        str(path.relative_to(REPO)): sorted(_imported_packages(path) & OUTSIDE_THE_PACK)
        for path in sorted(PACK.rglob("*.py"))
        if ".venv" not in path.parts
    }
    assert not {path: found for path, found in crossing.items() if found}
