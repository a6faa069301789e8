"""Placeholder values that preview fine but must not reach a real staging or prod deploy.

The stack files and docs use documentation values (AWS's example account ids, all-zero
certificate ids, RFC 2606 example domains, the default runbook URL). Dev may keep them; in
staging and prod every key holding one is reported, together with the other problems of the
stack file, so an operator fixes them in one pass before ``pulumi up``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from components import DEFAULT_RUNBOOK_BASE_URL, Tier

__all__ = ["PLACEHOLDER_TIERS", "REQUIRED_OUTSIDE_DEV", "placeholder_problems"]

# Tiers that deploy to real accounts with real users of their alarms and endpoints.
PLACEHOLDER_TIERS = frozenset({Tier.STAGING, Tier.PROD})

# Keys without a usable default there: the default tracking API image listens on :80 as root
# and has no /health, so its tasks crash-loop under the service's read-only, non-root settings.
REQUIRED_OUTSIDE_DEV = ("trackingApiImage",)

# (what it is, pattern). Account ids: the ones AWS's documentation uses in examples.
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "an example account id",
        re.compile(r"(?<!\d)(123456789012|111122223333|444455556666|777788889999)(?!\d)"),
    ),
    ("an all-zero certificate id", re.compile(r":certificate/0{8}-0{4}-0{4}-0{4}-")),
    ("an example domain", re.compile(r"\bexample\.(com|org|net)\b", re.IGNORECASE)),
)


def placeholder_problems(tier: Tier, values: Mapping[str, object]) -> list[tuple[str, str]]:
    """``(key, why)`` for each of ``values`` (config key -> value) that is a placeholder.

    Empty for tiers outside ``PLACEHOLDER_TIERS``. A missing ``runbookBaseUrl`` counts as the
    default one (when the key is among ``values``), and a missing key of
    ``REQUIRED_OUTSIDE_DEV`` is reported too.
    """
    if tier not in PLACEHOLDER_TIERS:
        return []
    problems: list[tuple[str, str]] = []
    for key in REQUIRED_OUTSIDE_DEV:
        if not values.get(key):
            problems.append((key, f"missing value, required in {tier.value}"))
    runbook = str(values.get("runbookBaseUrl") or DEFAULT_RUNBOOK_BASE_URL).rstrip("/")
    if "runbookBaseUrl" in values and runbook == DEFAULT_RUNBOOK_BASE_URL:
        problems.append(
            (
                "runbookBaseUrl",
                f"{runbook!r} is the documented default; alarm descriptions would link to a"
                " repository that is not yours",
            )
        )
    for key in sorted(values):
        value = values[key]
        if not isinstance(value, str):
            continue
        for what, pattern in _PATTERNS:
            if pattern.search(value):
                problems.append((key, f"{value!r} holds {what}, a placeholder"))
                break
    return problems
