"""The required tag set (DESIGN contract 3) and tag merging that cannot weaken it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from components.core.errors import ComponentArgumentsError, ProblemCollector

if TYPE_CHECKING:
    from components.core.settings import StackSettings

MANAGED_BY = "pulumi"
REQUIRED_TAG_KEYS: tuple[str, ...] = (
    "Environment",
    "Project",
    "Owner",
    "CostCenter",
    "DataClassification",
    "ManagedBy",
)
_MAX_KEY = 128
_MAX_VALUE = 256
_MAX_TAGS = 50


def required_tags(settings: StackSettings) -> dict[str, str]:
    """The required tags of every taggable resource of the stack."""
    return {
        "Environment": settings.environment.value,
        "Project": settings.project,
        "Owner": settings.owner,
        "CostCenter": settings.cost_center,
        "DataClassification": settings.data_classification.value,
        "ManagedBy": MANAGED_BY,
    }


def tag_problems(tags: Mapping[str, object]) -> list[str]:
    """AWS tag rules broken by ``tags`` (key/value length, ``aws:`` prefix, string values)."""
    problems: list[str] = []
    for key, value in tags.items():
        if not key or len(key) > _MAX_KEY:
            problems.append(f"tag key {key!r}: must be 1-{_MAX_KEY} characters")
        if key.lower().startswith("aws:"):
            problems.append(f"tag key {key!r}: the aws: prefix is reserved")
        if not isinstance(value, str):
            problems.append(f"tag {key!r}: value must be a string, got {type(value).__name__}")
        elif len(value) > _MAX_VALUE:
            problems.append(f"tag {key!r}: value longer than {_MAX_VALUE} characters")
    return problems


def merge_tags(
    required: Mapping[str, str],
    extra: Mapping[str, str | None] | None,
    *,
    component: str = "tags",
) -> dict[str, str]:
    """``required`` plus the caller's ``extra`` tags.

    A caller may add tags, or repeat a required tag with the same value; changing or dropping
    (``None``/empty) a required tag raises ``ComponentArgumentsError`` listing every offence.
    """
    problems: list[str] = []
    merged = dict(required)
    for key, value in (extra or {}).items():
        if key in required:
            if value != required[key]:
                shown = "drop it" if not value else f"change it to {value!r}"
                problems.append(
                    f"tags.{key}: required tag is {required[key]!r}; a caller cannot {shown}"
                )
            continue
        if value is None:
            problems.append(f"tags.{key}: value must be a string, got None")
            continue
        merged[key] = value
    problems.extend(f"tags: {p}" for p in tag_problems({k: v for k, v in merged.items()}))
    if len(merged) > _MAX_TAGS:
        problems.append(f"tags: {len(merged)} tags, AWS allows at most {_MAX_TAGS}")
    if problems:
        raise ComponentArgumentsError(component, problems)
    return merged


def checked_tags(
    problems: ProblemCollector,
    required: Mapping[str, str],
    extra: Mapping[str, str | None] | None,
) -> dict[str, str]:
    """``merge_tags`` for a validator: a conflict becomes one of ``problems`` (reported with the
    component's other problems) instead of an error of its own."""
    try:
        return merge_tags(required, extra, component=problems.component)
    except ComponentArgumentsError as error:
        problems.extend(error.problems)
        return {}
