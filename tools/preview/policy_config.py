"""Policy pack config as `pulumi preview --policy-pack-config` takes and reconciles it."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema

ENFORCEMENT_LEVELS = ("advisory", "mandatory", "remediate", "disabled")


class PolicyConfigError(Exception):
    """The policy configuration is malformed or does not match the pack's schemas."""


@dataclass(frozen=True, kw_only=True)
class PolicyInfo:
    """One policy as the pack describes it (GetAnalyzerInfo)."""

    name: str
    description: str
    enforcement: str
    kind: str
    config_properties: Mapping[str, Any] = field(default_factory=dict)
    config_required: Sequence[str] = ()
    severity: str | None = None
    fix: str | None = None
    url: str | None = None


@dataclass(frozen=True, kw_only=True)
class ResolvedPolicyConfig:
    """What Configure sends for one policy."""

    enforcement: str
    properties: dict[str, Any]


def load_policy_config(path: Path) -> dict[str, Any]:
    """Read a `--policy-pack-config` JSON file."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise PolicyConfigError(f"{path}: cannot read policy config: {error}") from error
    except json.JSONDecodeError as error:
        raise PolicyConfigError(f"{path}: invalid JSON: {error}") from error
    if not isinstance(document, dict):
        raise PolicyConfigError(f"{path}: expected a JSON object of policy names")
    return document


def _split(entry: Any, where: str, problems: list[str]) -> tuple[str | None, dict[str, Any]]:
    """`"mandatory"` or `{"enforcementLevel": "advisory", "key": value}`."""
    level: Any
    if isinstance(entry, str):
        level, properties = entry, {}
    elif isinstance(entry, Mapping):
        properties = {k: v for k, v in entry.items() if k != "enforcementLevel"}
        level = entry.get("enforcementLevel")
    else:
        problems.append(f"{where}: expected an enforcement level or an object")
        return None, {}
    if level is not None and level not in ENFORCEMENT_LEVELS:
        problems.append(
            f"{where}: enforcement level {level!r} is not one of {', '.join(ENFORCEMENT_LEVELS)}"
        )
        return None, properties
    return level, properties


def reconcile(
    policies: Sequence[PolicyInfo],
    initial: Mapping[str, Any],
    given: Mapping[str, Any],
) -> dict[str, ResolvedPolicyConfig]:
    """The config of every policy: schema defaults and the policy's level < the pack's initial
    config < `all` < the given per-policy config; validated against each policy's schema."""
    problems: list[str] = []
    known = {policy.name for policy in policies}
    for name in given:
        if name != "all" and name not in known:
            problems.append(f"{name}: no such policy in the pack")
    layers = [(initial, "pack initial config"), (given, "policy config")]
    resolved: dict[str, ResolvedPolicyConfig] = {}
    for policy in policies:
        level = policy.enforcement
        properties = {
            key: schema["default"]
            for key, schema in policy.config_properties.items()
            if isinstance(schema, Mapping) and "default" in schema
        }
        for layer, label in layers:
            for key in ("all", policy.name):
                if key not in layer:
                    continue
                entry_level, entry_properties = _split(layer[key], f"{label} {key}", problems)
                level = entry_level or level
                if key != "all":
                    properties.update(entry_properties)
        schema = {
            "type": "object",
            "properties": dict(policy.config_properties),
            "required": list(policy.config_required),
        }
        for error in jsonschema.Draft7Validator(schema).iter_errors(properties):
            path = ".".join(str(p) for p in error.absolute_path)
            problems.append(f"{policy.name}{'.' + path if path else ''}: {error.message}")
        resolved[policy.name] = ResolvedPolicyConfig(enforcement=level, properties=properties)
    if problems:
        raise PolicyConfigError("; ".join(sorted(set(problems))))
    return resolved
