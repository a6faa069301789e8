"""Plain, unknown-aware views of the property bags pulumi_policy hands to a policy.

pulumi_policy passes resource properties as read-only proxies that raise
``UnknownValueError`` when a rule touches a value the engine cannot know during a preview
(the value is a sentinel string underneath). Rules never see those proxies: `plain` turns a
bag into ordinary dicts and lists in which every unknown value is the `UNKNOWN` singleton, and
`Props` reads paths from it without raising.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Final

from pulumi_policy.proxy import UnknownValueError

# The sentinels the engine uses for values it cannot know during a preview
# (pulumi_policy/proxy.py and the engine's plugin/rpc.go).
_UNKNOWN_SENTINELS: Final = frozenset(
    {
        "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",  # boolean
        "3eeb2bf0-c639-47a8-9e75-3b44932eb421",  # number
        "04da6b54-80e4-46f7-96ec-b56ff0331ba9",  # string
        "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",  # array
        "030794c1-ac77-496b-92df-f27374a8bd58",  # asset
        "e48ece36-62e2-4504-bad9-02848725956a",  # archive
        "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",  # object
    }
)


class Unknown:
    """The value of a property that is not known until the resource is created."""

    _instance: Unknown | None = None

    def __new__(cls) -> Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"

    def __bool__(self) -> bool:
        raise TypeError("an unknown value has no truth value: test it with is_unknown() first")


UNKNOWN: Final = Unknown()


def is_unknown(value: object) -> bool:
    """True when the value (or a sentinel string standing for it) is unknown."""
    return value is UNKNOWN or (isinstance(value, str) and value in _UNKNOWN_SENTINELS)


def plain(value: Any) -> Any:
    """Copy a property value into plain dicts/lists, unknowns replaced by `UNKNOWN`.

    Works on pulumi_policy's proxies through their public Mapping/Sequence interface and on
    ordinary containers alike.
    """
    if isinstance(value, str):
        return UNKNOWN if value in _UNKNOWN_SENTINELS else value
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for key in value:
            try:
                item = value[key]
            except UnknownValueError:
                item = UNKNOWN
            out[str(key)] = plain(item)
        return out
    if isinstance(value, Sequence) and not isinstance(value, bytes | bytearray):
        items: list[Any] = []
        for index in range(len(value)):
            try:
                item = value[index]
            except UnknownValueError:
                item = UNKNOWN
            items.append(plain(item))
        return items
    return value


def parse_json(value: Any) -> Any:
    """A JSON-bearing property as data: dicts/lists as they are, strings parsed.

    Returns `UNKNOWN` for unknown values, None for missing, empty or malformed JSON.
    """
    if is_unknown(value):
        return UNKNOWN
    if isinstance(value, str):
        if not value.strip():
            return None
        try:
            return plain(json.loads(value))
        except ValueError:
            return None
    if isinstance(value, Mapping | list):
        return value
    return None


_MISSING: Final = object()


class Props(Mapping[str, Any]):
    """Read-only access by dotted path (``"redrivePolicy.deadLetterTargetArn"``) to plain props.

    Every accessor returns `UNKNOWN` when the value or one of its containers is unknown, and
    None (or an empty container) when it is missing or null. Segments that are digits index
    lists. A JSON string met on the way is parsed, so a path may go through it.
    """

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[str, Any] | None) -> None:
        self._data: Mapping[str, Any] = data if isinstance(data, Mapping) else {}

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def get(self, path: str, default: Any = None) -> Any:
        """The value at `path`, `UNKNOWN`, or `default` when missing or null."""
        current: Any = self._data
        for segment in path.split("."):
            if is_unknown(current):
                return UNKNOWN
            if isinstance(current, str):
                current = parse_json(current)
                if is_unknown(current):
                    return UNKNOWN
            if isinstance(current, Mapping):
                current = current.get(segment, _MISSING)
            elif isinstance(current, list) and segment.isdigit():
                index = int(segment)
                current = current[index] if index < len(current) else _MISSING
            else:
                return default
            if current is _MISSING or current is None:
                return default
        return UNKNOWN if is_unknown(current) else current

    def has(self, path: str) -> bool | Unknown:
        """Whether the path holds a non-null value (`UNKNOWN` when that cannot be told)."""
        value = self.get(path, _MISSING)
        if value is UNKNOWN:
            return UNKNOWN
        return value is not _MISSING

    def string(self, path: str) -> str | Unknown | None:
        """A string value; non-strings other than numbers read as None."""
        value = self.get(path)
        if value is UNKNOWN or value is None or isinstance(value, str):
            return value
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        return None

    def flag(self, path: str) -> bool | Unknown | None:
        """A boolean; accepts the strings "true"/"false" as the engine may send them."""
        value = self.get(path)
        if value is UNKNOWN or value is None or isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        return None

    def number(self, path: str) -> float | Unknown | None:
        """A number; numeric strings are converted, anything else reads as None."""
        value = self.get(path)
        if value is UNKNOWN or value is None:
            return value
        if isinstance(value, bool):
            return None
        if isinstance(value, int | float):
            return float(value)
        if isinstance(value, str):
            try:
                return float(value)
            except ValueError:
                return None
        return None

    def array(self, path: str) -> list[Any] | Unknown:
        """A list (a scalar becomes a one-item list; missing becomes [])."""
        value = self.get(path)
        if value is UNKNOWN:
            return UNKNOWN
        if value is None:
            return []
        if isinstance(value, list):
            return value
        return [value]

    def mapping(self, path: str) -> Props | Unknown:
        """A nested object as `Props` (missing or not an object becomes empty)."""
        value = self.get(path)
        if value is UNKNOWN:
            return UNKNOWN
        if isinstance(value, str):
            value = parse_json(value)
            if value is UNKNOWN:
                return UNKNOWN
        return Props(value if isinstance(value, Mapping) else None)

    def json(self, path: str) -> Any:
        """A JSON-bearing value (string or object) parsed; `UNKNOWN` or None as for `get`."""
        return parse_json(self.get(path))

    def to_dict(self) -> dict[str, Any]:
        """The underlying plain data (a shallow copy)."""
        return dict(self._data)


def any_unknown(*values: object) -> bool:
    """True when any of the values is unknown."""
    return any(is_unknown(v) for v in values)


def contains_unknown(value: Any) -> bool:
    """True when the value or anything inside it is unknown."""
    if is_unknown(value):
        return True
    if isinstance(value, Mapping):
        return any(contains_unknown(v) for v in value.values())
    if isinstance(value, list):
        return any(contains_unknown(v) for v in value)
    return False
