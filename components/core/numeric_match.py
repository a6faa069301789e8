"""The `numeric` matching operator, shared by SNS filter policies and EventBridge patterns.

Both services accept ``[op, n]`` or ``[">"|">=", low, "<"|"<=", high]``; they differ only in the
numbers they accept, which the caller's ``check_number`` decides.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from components.core.errors import ProblemCollector

LOWER_BOUNDS = frozenset({">", ">="})
UPPER_BOUNDS = frozenset({"<", "<="})
NUMERIC_OPERATORS = LOWER_BOUNDS | UPPER_BOUNDS | {"="}

NumberCheck = Callable[[Any, str, ProblemCollector], bool]
"""``check_number(value, path, p)``: True when the service accepts ``value``, else it records
why in ``p``."""


def check_numeric(value: Any, path: str, p: ProblemCollector, check_number: NumberCheck) -> None:
    """Record in ``p`` what is wrong with a ``numeric`` operand at ``path``."""
    if not isinstance(value, list) or len(value) not in (2, 4):
        p.add(f"{path}: must be [operator, number] or [lower, number, upper, number]")
        return
    first, bound = value[0], value[1]
    if first not in NUMERIC_OPERATORS:
        p.add(f"{path}[0]: unknown numeric operator {first!r}")
        return
    if not check_number(bound, f"{path}[1]", p) or len(value) == 2:
        return
    second, top = value[2], value[3]
    if first not in LOWER_BOUNDS or second not in UPPER_BOUNDS:
        p.add(f"{path}: a range must be ['>' or '>=', low, '<' or '<=', high]")
    elif check_number(top, f"{path}[3]", p) and top <= bound:
        p.add(f"{path}: the lower bound {bound} must be less than the upper {top}")
