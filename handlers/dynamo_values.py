"""JSON message bodies to DynamoDB attribute values without losing numeric precision.

Numbers are parsed straight to ``Decimal`` from the JSON text (never through ``float``), so
``0.1`` is stored as ``0.1``; values DynamoDB cannot hold (NaN, Infinity, more than 38 significant
digits, out-of-range exponents) are reported as problems instead of failing at write time.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from boto3.dynamodb.types import TypeSerializer

_serializer = TypeSerializer()


class _NonFiniteNumberError(ValueError):
    pass


def _reject_constant(name: str) -> Any:
    raise _NonFiniteNumberError(f"non-finite number {name} is not allowed")


def loads_exact(text: str) -> Any:
    """Parse JSON keeping numbers exact (``Decimal`` for non-integers); raise ``ValueError``."""
    try:
        return json.loads(text, parse_float=Decimal, parse_constant=_reject_constant)
    except _NonFiniteNumberError:
        raise
    except (TypeError, json.JSONDecodeError) as error:
        raise ValueError(f"body is not valid JSON: {error}") from error


def to_attribute(value: Any) -> dict[str, Any]:
    """Serialize one Python value to a DynamoDB attribute value; raise ``ValueError``."""
    try:
        return dict(_serializer.serialize(value))
    except (TypeError, ArithmeticError) as error:  # decimal traps are ArithmeticErrors
        raise ValueError(f"cannot be stored in DynamoDB ({type(error).__name__})") from error


def is_non_empty_string(value: Any) -> bool:
    return isinstance(value, str) and value != ""
