"""The rule catalog: every ``policies/rules/<module>.py`` exporting ``RULES: list[Rule]``.

Modules are discovered, so adding a rule module needs no change here. `all_rules` returns them
in module-name order and refuses duplicate names.
"""

from __future__ import annotations

import importlib
import pkgutil

from ..lib.rule import Rule


def rule_modules() -> list[str]:
    """Names of the rule modules, sorted."""
    return sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_"))


def all_rules() -> list[Rule]:
    """Every rule of every module, in module order then declaration order."""
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    problems: list[str] = []
    for module_name in rule_modules():
        module = importlib.import_module(f"{__name__}.{module_name}")
        declared = getattr(module, "RULES", None)
        if not isinstance(declared, list):
            problems.append(f"{module_name}: must export RULES: list[Rule]")
            continue
        for rule in declared:
            if not isinstance(rule, Rule):
                problems.append(f"{module_name}: {rule!r} is not a Rule")
            elif rule.name in seen:
                problems.append(f"{module_name}: {rule.name} already declared in {seen[rule.name]}")
            else:
                seen[rule.name] = module_name
                rules.append(rule)
    if problems:
        raise ValueError("invalid rule catalog:\n" + "\n".join(problems))
    return rules
