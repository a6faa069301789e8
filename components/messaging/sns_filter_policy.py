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

from components.core.errors import ProblemCollector
from components.core.numeric_match import check_numeric

VALIDATOR = "SnsFilterPolicy"

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
    """Every way ``policy`` breaks SNS's documented rules, each once, as
    ``<path>: <rule broken>``.

    An empty list means SNS accepts the policy.
    """
    if not isinstance(policy, Mapping) or not policy:
        return ["filter_policy: must be a non-empty JSON object"]
    p = ProblemCollector(VALIDATOR)
    try:
        size = len(json.dumps(policy, allow_nan=False).encode("utf-8"))
    except (TypeError, ValueError) as error:
        return [f"filter_policy: is not JSON-serializable ({error})"]
    if size > MAX_POLICY_BYTES:
        p.add(f"filter_policy: is {size} bytes, more than SNS's {MAX_POLICY_BYTES}")
    _check_node(policy, "filter_policy", 1, scope, p)
    if p.problems:
        return list(p.problems)
    for alternative in _expand(policy, ()):
        keys = _counted_keys(alternative, scope)
        if len(keys) > MAX_KEYS:
            p.add(
                f"filter_policy: has {len(keys)} keys ({', '.join(sorted(keys))}), "
                f"more than SNS's limit of {MAX_KEYS}"
            )
    combinations = filter_policy_combinations(policy)
    if combinations > MAX_COMBINATIONS:
        p.add(
            f"filter_policy: has {combinations} combinations of values, "
            f"more than SNS's limit of {MAX_COMBINATIONS}"
        )
    return list(p.problems)


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
    p: ProblemCollector,
) -> None:
    for key, value in node.items():
        path = f"{where}.{key}"
        if not isinstance(key, str) or not key:
            p.add(f"{where}: keys must be non-empty strings, got {key!r}")
        elif key == "$or":
            _check_or(value, path, depth, scope, p)
        elif isinstance(value, Mapping):
            if scope is FilterPolicyScope.MESSAGE_ATTRIBUTES:
                p.add(
                    f"{path}: nested objects are not allowed with filter policy scope "
                    "MessageAttributes (use MessageBody)"
                )
            elif not value:
                p.add(f"{path}: must not be an empty object")
            else:
                _check_node(value, path, depth + 1, scope, p)
        elif isinstance(value, list):
            if not value:
                p.add(f"{path}: must not be an empty array")
            for index, matcher in enumerate(value):
                _check_matcher(matcher, f"{path}[{index}]", p)
        else:
            p.add(f"{path}: must be an array of values (or an object)")


def _check_or(
    value: Any, path: str, depth: int, scope: FilterPolicyScope, p: ProblemCollector
) -> None:
    if not isinstance(value, list) or len(value) < 2:
        p.add(f"{path}: must be an array of at least two policies")
        return
    for index, branch in enumerate(value):
        if not isinstance(branch, Mapping) or not branch:
            p.add(f"{path}[{index}]: must be a non-empty object")
        else:
            _check_node(branch, f"{path}[{index}]", depth, scope, p)


def _check_matcher(matcher: Any, path: str, p: ProblemCollector) -> None:
    if matcher is None or isinstance(matcher, str | bool):
        return
    if isinstance(matcher, int | float):
        _check_number(matcher, path, p)
        return
    if not isinstance(matcher, Mapping):
        p.add(f"{path}: must be a string, number, true, false, null or an operator")
        return
    if len(matcher) != 1:
        p.add(f"{path}: an operator object must have exactly one key")
        return
    ((operator, operand),) = matcher.items()
    if operator not in OPERATORS:
        p.add(
            f"{path}: unknown operator {operator!r} (SNS supports {', '.join(sorted(OPERATORS))})"
        )
    elif operator in ("prefix", "suffix", "equals-ignore-case"):
        if not isinstance(operand, str) or not operand:
            p.add(f"{path}.{operator}: must be a non-empty string")
    elif operator == "exists":
        if not isinstance(operand, bool):
            p.add(f"{path}.exists: must be true or false")
    elif operator == "cidr":
        _check_cidr(operand, f"{path}.cidr", p)
    elif operator == "numeric":
        check_numeric(operand, f"{path}.numeric", p, _check_number)
    else:
        _check_anything_but(operand, f"{path}.anything-but", p)


def _check_number(value: Any, path: str, p: ProblemCollector) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        p.add(f"{path}: must be a number")
        return False
    if abs(value) > NUMERIC_LIMIT:
        p.add(f"{path}: {value} is outside SNS's numeric range -10^9..10^9")
        return False
    exponent = Decimal(repr(value)).as_tuple().exponent
    if isinstance(exponent, int) and exponent < -MAX_DECIMALS:
        p.add(f"{path}: {value} has more than {MAX_DECIMALS} decimals")
        return False
    return True


def _check_cidr(value: Any, path: str, p: ProblemCollector) -> None:
    try:
        ipaddress.ip_network(value, strict=False)
    except (TypeError, ValueError):
        p.add(f"{path}: {value!r} is not an IP address or CIDR block")


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
        for index, item in enumerate(value):
            if not isinstance(item, str):
                _check_number(item, f"{path}[{index}]", p)
        return
    if isinstance(value, Mapping) and list(value) == ["prefix"]:
        if not isinstance(value["prefix"], str) or not value["prefix"]:
            p.add(f"{path}.prefix: must be a non-empty string")
        return
    p.add(f"{path}: must be a string, a number, a list of them or {{'prefix': <string>}}")
