"""The `numeric` matching operator, shared by SNS filter policies and EventBridge patterns.

Both services accept ``[op, n]`` or ``[">"|">=", low, "<"|"<=", high]``; they differ only in the
numbers they accept, which the caller's ``check_number`` decides.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

LOWER_BOUNDS = frozenset({">", ">="})
UPPER_BOUNDS = frozenset({"<", "<="})
NUMERIC_OPERATORS = LOWER_BOUNDS | UPPER_BOUNDS | {"="}

NumberCheck = Callable[[Any, str, list[str]], bool]
"""``check_number(value, path, problems)``: True when the service accepts ``value``."""


def check_numeric(value: Any, path: str, problems: list[str], check_number: NumberCheck) -> None:
    """Append to ``problems`` what is wrong with a ``numeric`` operand at ``path``."""
    if not isinstance(value, list) or len(value) not in (2, 4):
        problems.append(f"{path}: must be [operator, number] or [lower, number, upper, number]")
        return
    first, bound = value[0], value[1]
    if first not in NUMERIC_OPERATORS:
        problems.append(f"{path}[0]: unknown numeric operator {first!r}")
        return
    if not check_number(bound, f"{path}[1]", problems) or len(value) == 2:
        return
    second, top = value[2], value[3]
    if first not in LOWER_BOUNDS or second not in UPPER_BOUNDS:
        problems.append(f"{path}: a range must be ['>' or '>=', low, '<' or '<=', high]")
    elif check_number(top, f"{path}[3]", problems) and top <= bound:
        problems.append(f"{path}: the lower bound {bound} must be less than the upper {top}")
