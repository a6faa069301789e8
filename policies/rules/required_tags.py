"""Required tags (DESIGN contract 3) on every taggable resource."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ..lib import (
    Category,
    Context,
    Enforcement,
    Resource,
    Severity,
    is_unknown,
    resource_rule,
    undecided,
)
from ..lib.taggable import is_taggable, takes_default_tags
from ..lib.values import contains_unknown

DEFAULT_REQUIRED_TAGS: Mapping[str, list[str]] = {
    "Environment": ["dev", "staging", "prod"],
    "Project": [],
    "Owner": [],
    "CostCenter": [],
    "DataClassification": ["public", "internal", "confidential", "restricted"],
    "ManagedBy": [],
}


def _required(ctx: Context) -> Mapping[str, list[str]]:
    value = ctx.config.get("requiredTags")
    return value if isinstance(value, Mapping) else DEFAULT_REQUIRED_TAGS


def _effective_tags(resource: Resource) -> dict[str, Any] | None:
    """The tags AWS will hold: `tagsAll` when the engine sent it (the provider's Check merges
    its default tags into it), else the resource's tags over its provider's default tags -- for
    the types the provider applies default tags to. None when unknown."""
    tags = resource.props.get("tags")
    applies_defaults = takes_default_tags(resource.type)
    tags_all = resource.props.get("tagsAll") if applies_defaults else None
    if isinstance(tags_all, Mapping) and not contains_unknown(tags_all):
        return {**tags_all, **(tags if isinstance(tags, Mapping) else {})}
    defaults = resource.provider.get("defaultTags.tags") if applies_defaults else None
    if is_unknown(tags) or is_unknown(defaults):
        return None
    merged: dict[str, Any] = dict(defaults) if isinstance(defaults, Mapping) else {}
    if isinstance(tags, Mapping):
        merged.update(tags)
    elif isinstance(tags, list):
        # Auto Scaling groups take a list of {key, value, propagateAtLaunch}.
        for tag in tags:
            if is_unknown(tag):
                return None
            if isinstance(tag, Mapping) and isinstance(tag.get("key"), str):
                merged[tag["key"]] = tag.get("value")
    return merged


def _problems(resource: Resource, ctx: Context) -> Iterator[str]:
    tags = _effective_tags(resource)
    if tags is None:
        undecided(f"the tags of {resource.name}")
        return
    for key, allowed in _required(ctx).items():
        value = tags.get(key)
        if is_unknown(value):
            undecided(f"tag {key} of {resource.name}")
            continue
        if not isinstance(value, str) or not value.strip():
            yield f"missing required tag {key!r}"
        elif allowed and value not in allowed:
            yield f"tag {key}={value!r} is not one of {', '.join(allowed)}"


def _remediate(resource: Resource, ctx: Context) -> Mapping[str, Any] | None:
    defaults = ctx.config.get("defaults")
    tags = _effective_tags(resource)
    if not isinstance(defaults, Mapping) or tags is None or not is_taggable(resource.type):
        return None
    if contains_unknown(resource.props.to_dict()):
        return None  # unknown values cannot be sent back to the engine
    missing = {k: v for k, v in defaults.items() if k in _required(ctx) and not tags.get(k) and v}
    if not missing:
        return None
    own = resource.props.get("tags")
    if isinstance(own, list):
        return None  # list-form tags (Auto Scaling) also need propagateAtLaunch: fix by hand
    return {**resource.props.to_dict(), "tags": {**(own or {}), **missing}}


def _check(resource: Resource, ctx: Context) -> Iterator[str]:
    if not is_taggable(resource.type):
        return
    problems = list(_problems(resource, ctx))
    if problems:
        yield f"{resource.type} {resource.name}: " + "; ".join(problems)


REQUIRED_TAGS = resource_rule(
    name="required-tags",
    types=("*",),
    description="Every taggable resource carries the required tags with allowed values.",
    severity=Severity.MEDIUM,
    category=Category.HYGIENE,
    enforcement=Enforcement.MANDATORY,  # DESIGN contract 3 makes the tags a requirement
    anchors=("SH EventBridge.2", "stack-gap"),
    rationale=(
        "DESIGN contract 3: Environment, Project, Owner, CostCenter, DataClassification and "
        "ManagedBy drive cost allocation, ownership and data handling. Only Security Hub's tagging "
        "standard checks tags, and only after deployment (policy_anchors.md, Tagging)."
    ),
    fix=(
        "Pass the required tags on the resource or as the provider's default_tags (which the "
        "provider does not apply to Auto Scaling groups: tag those directly); set "
        "`defaults` in this policy's config to let remediation add derivable values."
    ),
    unknown=(
        "Says it cannot decide (advisory) for a tag whose value is unknown, and for the "
        "resource while its tags (or its provider's default tags) are unknown."
    ),
    config_schema={
        "requiredTags": {
            "type": "object",
            "description": "tag key -> allowed values ([] = any non-empty value)",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
        "defaults": {
            "type": "object",
            "description": "values remediation adds for missing required tags",
            "additionalProperties": {"type": "string"},
        },
    },
    config_defaults={"requiredTags": DEFAULT_REQUIRED_TAGS, "defaults": {}},
    remediate=_remediate,
)(_check)

RULES = [REQUIRED_TAGS]
