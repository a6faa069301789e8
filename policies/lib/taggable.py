"""Which resource types take tags, and which of them the provider's ``default_tags`` reach
(from ``taggable_types.json``, generated from pulumi_aws by ``policies.tools.taggable_types``)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

_DATA = Path(__file__).resolve().parent / "taggable_types.json"


@cache
def _data() -> dict[str, list[str]]:
    data: dict[str, list[str]] = json.loads(_DATA.read_text())
    return data


@cache
def taggable_types() -> frozenset[str]:
    """Type tokens of every pulumi_aws resource whose arguments accept ``tags``."""
    return frozenset(_data()["types"])


@cache
def _without_default_tags() -> frozenset[str]:
    return frozenset(_data().get("without_default_tags", ()))


def is_taggable(resource_type: str) -> bool:
    return resource_type in taggable_types()


def takes_default_tags(resource_type: str) -> bool:
    """Whether the provider merges its ``default_tags`` into this type's tags (``tags_all``);
    e.g. not into Auto Scaling groups, whose list-form tags it leaves as written."""
    return is_taggable(resource_type) and resource_type not in _without_default_tags()
