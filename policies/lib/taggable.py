"""Which resource types take tags (from ``taggable_types.json``, generated from pulumi_aws)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

_DATA = Path(__file__).resolve().parent / "taggable_types.json"


@cache
def taggable_types() -> frozenset[str]:
    """Type tokens of every pulumi_aws resource whose arguments accept ``tags``."""
    data = json.loads(_DATA.read_text())
    return frozenset(data["types"])


def is_taggable(resource_type: str) -> bool:
    return resource_type in taggable_types()
