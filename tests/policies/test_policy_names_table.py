"""The physical-name namespaces of physical-names-unique name real pulumi-aws resource types and
input properties: a misspelt token or property would silently check nothing."""

from __future__ import annotations

import importlib
import inspect
import json
import re
from pathlib import Path

import pulumi_aws
import pytest

from policies.rules.physical_names import NAMESPACES


def _resource_classes() -> dict[str, tuple[str, str]]:
    """pulumi-aws's own map of type tokens to classes (the one its package registers), as
    token -> (module, class name): read from the package without importing its ~250 modules,
    which every test worker would otherwise do while collecting."""
    source = Path(pulumi_aws.__file__).read_text()
    modules = json.loads(source.split('resource_modules="""', 1)[1].split('"""', 1)[0])
    return {
        token: (module["fqn"], name)
        for module in modules
        for token, name in module["classes"].items()
    }


CLASSES = _resource_classes()


def _class(token: str) -> type:
    module, name = CLASSES[token]
    cls: type = getattr(importlib.import_module(module), name)
    return cls


TYPES = sorted({(t, ns.kind) for ns in NAMESPACES for t in ns.types})


def _snake(camel: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", camel).lower()


@pytest.mark.parametrize(("token", "kind"), TYPES, ids=[t for t, _ in TYPES])
def test_namespace_types_and_properties_exist_in_pulumi_aws(token: str, kind: str) -> None:
    assert token in CLASSES, f"{kind}: {token} is not a pulumi-aws resource type"
    inputs = set(inspect.signature(_class(token)._internal_init).parameters)
    space = next(ns for ns in NAMESPACES if token in ns.types)
    for prop in filter(None, (space.prop, space.within)):
        assert _snake(prop) in inputs, f"{token} has no input {prop!r}"
    if space.regional:
        assert "region" in inputs, f"{token} is regional but has no region input"
