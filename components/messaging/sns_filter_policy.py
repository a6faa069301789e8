"""Offline validation of Amazon SNS subscription filter policies.

The limits are the ones SNS documents ("Filter policy constraints in Amazon SNS"):
at most five keys per policy, at most 150 combinations of values, numeric values between
-10^9 and 10^9 with at most five decimals, at most 256 KB of JSON, no nesting for the
``MessageAttributes`` scope. For payload (``MessageBody``) policies only top-level keys count
toward the five, and a nested key's values count once per nesting level in the combinations
(SNS's own example: four values three levels deep and three values two levels deep give
4x3 x 3x2 = 72). A ``$or`` policy counts as the sum of the policies it expands to.

AWS documents no maximum nesting depth for payload policies, so none is enforced here.
"""

from __future__ import annotations

import ipaddress
import json
import math
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from enum import StrEnum
from typing import Any

from components.core.numeric_match import check_numeric

MAX_KEYS = 5
MAX_COMBINATIONS = 150
MAX_POLICY_BYTES = 256 * 1024
NUMERIC_LIMIT = 1_000_000_000
MAX_DECIMALS = 5
OPERATORS = frozenset(
    {"prefix", "suffix", "anything-but", "numeric", "exists", "equals-ignore-case", "cidr"}
)


class FilterPolicyScope(StrEnum):
    """What a subscription's filter policy is matched against."""

    MESSAGE_ATTRIBUTES = "MessageAttributes"
    MESSAGE_BODY = "MessageBody"


def filter_policy_problems(policy: Any, scope: FilterPolicyScope) -> list[str]:
    """Every way ``policy`` breaks SNS's documented rules, each as ``<path>: <rule broken>``.

    An empty list means SNS accepts the policy.
    """
    if not isinstance(policy, Mapping) or not policy:
        return ["filter_policy: must be a non-empty JSON object"]
    problems: list[str] = []
    try:
        size = len(json.dumps(policy, allow_nan=False).encode("utf-8"))
    except (TypeError, ValueError) as error:
        return [f"filter_policy: is not JSON-serializable ({error})"]
    if size > MAX_POLICY_BYTES:
        problems.append(f"filter_policy: is {size} bytes, more than SNS's {MAX_POLICY_BYTES}")
    _check_node(policy, "filter_policy", 1, scope, problems)
    if problems:
        return problems
    for alternative in _expand(policy, ()):
        keys = _counted_keys(alternative, scope)
        if len(keys) > MAX_KEYS:
            problems.append(
                f"filter_policy: has {len(keys)} keys ({', '.join(sorted(keys))}), "
                f"more than SNS's limit of {MAX_KEYS}"
            )
    combinations = filter_policy_combinations(policy)
    if combinations > MAX_COMBINATIONS:
        problems.append(
            f"filter_policy: has {combinations} combinations of values, "
            f"more than SNS's limit of {MAX_COMBINATIONS}"
        )
    return problems


def filter_policy_combinations(policy: Mapping[str, Any]) -> int:
    """SNS's complexity measure of a valid policy (see the module docstring)."""
    return sum(
        math.prod(len(values) * len(path) for path, values in alternative)
        for alternative in _expand(policy, ())
    )


_Leaf = tuple[tuple[str, ...], Sequence[Any]]


def _expand(node: Mapping[str, Any], prefix: tuple[str, ...]) -> Iterator[list[_Leaf]]:
    """Yield each ``$or``-free alternative of ``node`` as its list of (key path, values)."""
    alternatives: list[list[_Leaf]] = [[]]
    for key, value in node.items():
        if key == "$or":
            options = [leaves for branch in value for leaves in _expand(branch, prefix)]
        elif isinstance(value, Mapping):
            options = list(_expand(value, (*prefix, key)))
        else:
            options = [[((*prefix, key), value)]]
        alternatives = [done + option for done in alternatives for option in options]
    yield from alternatives


def _counted_keys(alternative: list[_Leaf], scope: FilterPolicyScope) -> set[str]:
    if scope is FilterPolicyScope.MESSAGE_BODY:
        return {path[0] for path, _ in alternative}
    return {".".join(path) for path, _ in alternative}


def _check_node(
    node: Mapping[str, Any],
    where: str,
    depth: int,
    scope: FilterPolicyScope,
    problems: list[str],
) -> None:
    for key, value in node.items():
        path = f"{where}.{key}"
        if not isinstance(key, str) or not key:
            problems.append(f"{where}: keys must be non-empty strings, got {key!r}")
        elif key == "$or":
            _check_or(value, path, depth, scope, problems)
        elif isinstance(value, Mapping):
            if scope is FilterPolicyScope.MESSAGE_ATTRIBUTES:
                problems.append(
                    f"{path}: nested objects are not allowed with filter policy scope "
                    "MessageAttributes (use MessageBody)"
                )
            elif not value:
                problems.append(f"{path}: must not be an empty object")
            else:
                _check_node(value, path, depth + 1, scope, problems)
        elif isinstance(value, list):
            if not value:
                problems.append(f"{path}: must not be an empty array")
            for index, matcher in enumerate(value):
                _check_matcher(matcher, f"{path}[{index}]", problems)
        else:
            problems.append(f"{path}: must be an array of values (or an object)")


def _check_or(
    value: Any, path: str, depth: int, scope: FilterPolicyScope, problems: list[str]
) -> None:
    if not isinstance(value, list) or len(value) < 2:
        problems.append(f"{path}: must be an array of at least two policies")
        return
    for index, branch in enumerate(value):
        if not isinstance(branch, Mapping) or not branch:
            problems.append(f"{path}[{index}]: must be a non-empty object")
        else:
            _check_node(branch, f"{path}[{index}]", depth, scope, problems)


def _check_matcher(matcher: Any, path: str, problems: list[str]) -> None:
    if matcher is None or isinstance(matcher, str | bool):
        return
    if isinstance(matcher, int | float):
        _check_number(matcher, path, problems)
        return
    if not isinstance(matcher, Mapping):
        problems.append(f"{path}: must be a string, number, true, false, null or an operator")
        return
    if len(matcher) != 1:
        problems.append(f"{path}: an operator object must have exactly one key")
        return
    ((operator, operand),) = matcher.items()
    if operator not in OPERATORS:
        problems.append(
            f"{path}: unknown operator {operator!r} (SNS supports {', '.join(sorted(OPERATORS))})"
        )
    elif operator in ("prefix", "suffix", "equals-ignore-case"):
        if not isinstance(operand, str) or not operand:
            problems.append(f"{path}.{operator}: must be a non-empty string")
    elif operator == "exists":
        if not isinstance(operand, bool):
            problems.append(f"{path}.exists: must be true or false")
    elif operator == "cidr":
        _check_cidr(operand, f"{path}.cidr", problems)
    elif operator == "numeric":
        check_numeric(operand, f"{path}.numeric", problems, _check_number)
    else:
        _check_anything_but(operand, f"{path}.anything-but", problems)


def _check_number(value: Any, path: str, problems: list[str]) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        problems.append(f"{path}: must be a number")
        return False
    if abs(value) > NUMERIC_LIMIT:
        problems.append(f"{path}: {value} is outside SNS's numeric range -10^9..10^9")
        return False
    exponent = Decimal(repr(value)).as_tuple().exponent
    if isinstance(exponent, int) and exponent < -MAX_DECIMALS:
        problems.append(f"{path}: {value} has more than {MAX_DECIMALS} decimals")
        return False
    return True


def _check_cidr(value: Any, path: str, problems: list[str]) -> None:
    try:
        ipaddress.ip_network(value, strict=False)
    except (TypeError, ValueError):
        problems.append(f"{path}: {value!r} is not an IP address or CIDR block")


def _check_anything_but(value: Any, path: str, problems: list[str]) -> None:
    if isinstance(value, str):
        return
    if isinstance(value, int | float) and not isinstance(value, bool):
        _check_number(value, path, problems)
        return
    if isinstance(value, list):
        kinds = {type(item) for item in value}
        if not value or not (kinds == {str} or kinds <= {int, float}):
            problems.append(f"{path}: a list must be non-empty and all strings or all numbers")
            return
        for index, item in enumerate(value):
            if not isinstance(item, str):
                _check_number(item, f"{path}[{index}]", problems)
        return
    if isinstance(value, Mapping) and list(value) == ["prefix"]:
        if not isinstance(value["prefix"], str) or not value["prefix"]:
            problems.append(f"{path}.prefix: must be a non-empty string")
        return
    problems.append(f"{path}: must be a string, a number, a list of them or {{'prefix': <string>}}")
