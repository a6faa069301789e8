"""Offline validation of Amazon EventBridge event patterns.

Checks what EventBridge documents for content filtering: a pattern is a non-empty JSON object
whose leaves are non-empty arrays of values or comparison operators (``prefix``, ``suffix``,
``anything-but``, ``numeric``, ``exists``, ``cidr``, ``equals-ignore-case``, ``wildcard``) and
whose ``$or`` holds alternative sub-patterns. It also refuses catch-all patterns: a rule that
matches every event on the bus routes traffic nobody asked for.
"""

from __future__ import annotations

import ipaddress
import json
import math
from collections.abc import Mapping
from typing import Any

from components.core.errors import ProblemCollector
from components.core.numeric_match import check_numeric

VALIDATOR = "EventPattern"

OPERATORS = frozenset(
    {
        "prefix",
        "suffix",
        "anything-but",
        "numeric",
        "exists",
        "cidr",
        "equals-ignore-case",
        "wildcard",
    }
)
NUMERIC_LIMIT = 5_000_000_000
# Top-level fields every EventBridge event carries: `{"exists": true}` on them matches all.
ENVELOPE_FIELDS = frozenset(
    {"version", "id", "detail-type", "source", "account", "time", "region", "resources", "detail"}
)


def event_pattern_problems(pattern: Any) -> list[str]:
    """Every way ``pattern`` is invalid or catch-all, each once, as ``<path>: <rule broken>``."""
    if not isinstance(pattern, Mapping) or not pattern:
        return ["event_pattern: must be a non-empty JSON object"]
    try:
        json.dumps(pattern, allow_nan=False)
    except (TypeError, ValueError) as error:
        return [f"event_pattern: is not JSON-serializable ({error})"]
    p = ProblemCollector(VALIDATOR)
    _check_node(pattern, "event_pattern", p)
    if not p.problems and is_catch_all(pattern):
        p.add(
            "event_pattern: matches every event (catch-all); constrain at least one field, "
            "e.g. source or detail-type"
        )
    return list(p.problems)


def is_catch_all(pattern: Mapping[str, Any]) -> bool:
    """Whether a structurally valid pattern matches every event."""
    return _node_matches_all(pattern, top_level=True)


def _node_matches_all(node: Mapping[str, Any], *, top_level: bool) -> bool:
    for key, value in node.items():
        if key == "$or":
            if not any(_node_matches_all(branch, top_level=top_level) for branch in value):
                return False
        elif isinstance(value, Mapping):
            if not _node_matches_all(value, top_level=False):
                return False
        elif not any(_matcher_matches_all(m, top_level and key in ENVELOPE_FIELDS) for m in value):
            return False
    return True


def _matcher_matches_all(matcher: Any, always_present: bool) -> bool:
    if not isinstance(matcher, Mapping):
        return False
    ((operator, operand),) = matcher.items()
    if operator in ("prefix", "suffix"):
        return operand == ""
    if operator == "wildcard":
        return isinstance(operand, str) and operand != "" and set(operand) == {"*"}
    return operator == "exists" and operand is True and always_present


def _check_node(node: Mapping[str, Any], where: str, p: ProblemCollector) -> None:
    for key, value in node.items():
        path = f"{where}.{key}"
        if not isinstance(key, str) or not key:
            p.add(f"{where}: keys must be non-empty strings, got {key!r}")
        elif key == "$or":
            _check_or(value, path, p)
        elif isinstance(value, Mapping):
            if not value:
                p.add(f"{path}: must not be an empty object")
            else:
                _check_node(value, path, p)
        elif isinstance(value, list):
            if not value:
                p.add(f"{path}: must not be an empty array")
            for index, matcher in enumerate(value):
                _check_matcher(matcher, f"{path}[{index}]", p)
        else:
            p.add(f"{path}: must be an array of values (or an object)")


def _check_or(value: Any, path: str, p: ProblemCollector) -> None:
    if not isinstance(value, list) or len(value) < 2:
        p.add(f"{path}: must be an array of at least two sub-patterns")
        return
    for index, branch in enumerate(value):
        if not isinstance(branch, Mapping) or not branch:
            p.add(f"{path}[{index}]: must be a non-empty object")
        else:
            _check_node(branch, f"{path}[{index}]", p)


def _check_matcher(matcher: Any, path: str, p: ProblemCollector) -> None:
    if matcher is None or isinstance(matcher, str | bool):
        return
    if isinstance(matcher, int | float):
        _check_number(matcher, path, p)
        return
    if not isinstance(matcher, Mapping):
        p.add(
            f"{path}: must be a string, number, true, false, null or an operator "
            "(arrays are only allowed as leaf values)"
        )
        return
    if len(matcher) != 1:
        p.add(f"{path}: an operator object must have exactly one key")
        return
    ((operator, operand),) = matcher.items()
    where = f"{path}.{operator}"
    if operator not in OPERATORS:
        p.add(
            f"{path}: unknown operator {operator!r} "
            f"(EventBridge supports {', '.join(sorted(OPERATORS))})"
        )
    elif operator in ("prefix", "suffix"):
        _check_text_operand(operand, where, p, allow_ignore_case=True)
    elif operator == "equals-ignore-case":
        _check_text_operand(operand, where, p, allow_ignore_case=False)
    elif operator == "wildcard":
        _check_wildcard(operand, where, p)
    elif operator == "exists":
        if not isinstance(operand, bool):
            p.add(f"{where}: must be true or false")
    elif operator == "cidr":
        try:
            ipaddress.ip_network(operand, strict=False)
        except (TypeError, ValueError):
            p.add(f"{where}: {operand!r} is not an IP address or CIDR block")
    elif operator == "numeric":
        check_numeric(operand, where, p, _check_number)
    else:
        _check_anything_but(operand, where, p)


def _check_text_operand(
    value: Any, path: str, p: ProblemCollector, *, allow_ignore_case: bool
) -> None:
    if isinstance(value, str):
        return
    if allow_ignore_case and isinstance(value, Mapping) and list(value) == ["equals-ignore-case"]:
        if not isinstance(value["equals-ignore-case"], str):
            p.add(f"{path}.equals-ignore-case: must be a string")
        return
    expected = "a string or {'equals-ignore-case': <string>}" if allow_ignore_case else "a string"
    p.add(f"{path}: must be {expected}")


def _check_wildcard(value: Any, path: str, p: ProblemCollector) -> None:
    if not isinstance(value, str):
        p.add(f"{path}: must be a string")
    elif "**" in value:
        p.add(f"{path}: consecutive wildcard characters are not supported")


def _check_number(value: Any, path: str, p: ProblemCollector) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        p.add(f"{path}: must be a number")
        return False
    if abs(value) > NUMERIC_LIMIT:
        p.add(f"{path}: {value} is outside EventBridge's numeric range -5e9..5e9")
        return False
    return True


def _check_anything_but(value: Any, path: str, p: ProblemCollector) -> None:
    if isinstance(value, str):
        return
    if isinstance(value, int | float) and not isinstance(value, bool):
        _check_number(value, path, p)
        return
    if isinstance(value, list):
        kinds = {type(item) for item in value}
        if not value or not (kinds == {str} or kinds <= {int, float}):
            p.add(f"{path}: a list must be non-empty and all strings or all numbers")
        return
    if isinstance(value, Mapping) and len(value) == 1:
        ((operator, operand),) = value.items()
        if operator in ("prefix", "suffix"):
            _check_text_operand(operand, f"{path}.{operator}", p, allow_ignore_case=False)
            return
        if operator == "equals-ignore-case":
            strings = isinstance(operand, list) and all(isinstance(o, str) for o in operand)
            if not (isinstance(operand, str) or (operand and strings)):
                p.add(f"{path}.{operator}: must be a string or a list of strings")
            return
        if operator == "wildcard":
            _check_wildcard(operand, f"{path}.{operator}", p)
            return
    p.add(
        f"{path}: must be a string, a number, a list of them, or one of "
        "{'prefix'|'suffix'|'equals-ignore-case'|'wildcard': ...}"
    )
