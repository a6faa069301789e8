"""Every third-party module the packaged code imports at run time is a declared dependency."""

from __future__ import annotations

import ast
import sys
import tomllib
from collections.abc import Iterator
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from wheelenv import REPO

PROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
FIRST_PARTY = {"components", "tools", "policies"}


def _declared(extra: str | None) -> set[str]:
    requirements = list(PROJECT["dependencies"])
    pending = [extra] if extra else []
    while pending:
        for line in PROJECT["optional-dependencies"][pending.pop()]:
            requirement = Requirement(line)
            if canonicalize_name(requirement.name) == canonicalize_name(PROJECT["name"]):
                pending.extend(requirement.extras)
            else:
                requirements.append(line)
    return {canonicalize_name(Requirement(r).name) for r in requirements}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _runtime_imports(tree: ast.AST) -> Iterator[str]:
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and _is_type_checking(node):
            yield from (name for child in node.orelse for name in _runtime_imports(child))
            continue
        if isinstance(node, ast.Import):
            yield from (alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module.split(".")[0]
        yield from _runtime_imports(node)


def _third_party(package: str, exclude: tuple[str, ...] = ()) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for path in sorted((REPO / package).rglob("*.py")):
        if any(path.is_relative_to(REPO / e) for e in exclude):
            continue
        for module in _runtime_imports(ast.parse(path.read_text(encoding="utf-8"))):
            if module not in sys.stdlib_module_names and module not in FIRST_PARTY:
                found.setdefault(module, path)
    return found


@pytest.mark.parametrize(
    ("package", "extra", "exclude"),
    [
        ("components", None, ()),
        ("tools/preview", "preview", ()),
        ("tools/ops", "ops", ()),
        # policies/tools are the pack's developer tools (not in the wheel).
        ("policies", "policy-pack", ("policies/tools",)),
    ],
)
def test_imports_are_declared(package: str, extra: str | None, exclude: tuple[str, ...]) -> None:
    declared = _declared(extra)
    owners = packages_distributions()
    missing = {
        module: str(path.relative_to(REPO))
        for module, path in _third_party(package, exclude).items()
        if not declared & {canonicalize_name(d) for d in owners.get(module, [module])}
    }
    assert missing == {}, f"imported but not declared for {package} (extra {extra}): {missing}"


def test_the_scan_sees_the_components_dependencies() -> None:
    """Guards the scan itself: it finds what components are known to import."""
    assert {"pulumi", "pulumi_aws", "pulumi_awsx", "policy_sentry"} <= set(
        _third_party("components")
    )
