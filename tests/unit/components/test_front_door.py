"""The front door: ``components`` exports every public name, families match the type tokens,
and the module paths of 0.1.0 still import (with a DeprecationWarning) as the same modules."""

from __future__ import annotations

import ast
import importlib
import re
import sys
import warnings
from pathlib import Path

import pulumi
import pytest

import components
from components._moved import MOVED_MODULES

ROOT = Path(__file__).resolve().parents[3]
TYPE_TOKEN = re.compile(r"platform:(?P<module>[a-z]+):")
FAMILIES = sorted(
    p.name
    for p in (ROOT / "components").iterdir()
    if (p / "__init__.py").is_file() and p.name != "core"
)


def test_every_family_name_is_exported_by_the_front_door() -> None:
    for family in FAMILIES:
        module = importlib.import_module(f"components.{family}")
        missing = set(module.__all__) - set(components.__all__)
        assert not missing, (
            f"components.{family} exports {sorted(missing)}, the front door does not"
        )
    assert "PlatformContext" in components.__all__
    for name in components.__all__:
        assert hasattr(components, name), name


def test_each_component_lives_in_the_folder_its_type_token_names() -> None:
    for name in components.__all__:
        value = getattr(components, name)
        if isinstance(value, type) and issubclass(value, pulumi.ComponentResource):
            source = Path(sys.modules[value.__module__].__file__ or "")
            token = TYPE_TOKEN.search(source.read_text())
            assert token, f"{name}: no 'platform:<module>:' type token in {source}"
            expected = "core" if token["module"] == "security" else token["module"]
            assert source.parent.name == expected, f"{name} ({token[0]}) lives in {source}"


def test_no_component_module_is_over_500_lines() -> None:
    too_long = {
        str(path.relative_to(ROOT)): n
        for path in (ROOT / "components").rglob("*.py")
        if (n := len(path.read_text().splitlines())) > 500
    }
    assert not too_long


@pytest.mark.parametrize("old", sorted(MOVED_MODULES))
def test_a_moved_module_path_still_imports_with_a_deprecation_warning(old: str) -> None:
    sys.modules.pop(old, None)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        module = importlib.import_module(old)
    assert module is importlib.import_module(MOVED_MODULES[old])
    assert module.__spec__ is not None and module.__spec__.name == MOVED_MODULES[old]
    assert any(
        issubclass(w.category, DeprecationWarning) and MOVED_MODULES[old] in str(w.message)
        for w in caught
    )


def test_environments_and_examples_import_only_the_front_door() -> None:
    reached_past = []
    for path in [*(ROOT / "environments").glob("*.py"), *(ROOT / "examples").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("components."):
                reached_past.append(f"{path.relative_to(ROOT)}: from {node.module}")
            if (
                isinstance(node, ast.Attribute)
                and node.attr == "path"
                and isinstance(node.value, ast.Name)
                and node.value.id == "sys"
            ):
                reached_past.append(f"{path.relative_to(ROOT)}: sys.path")
    assert not reached_past
