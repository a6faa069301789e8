"""Type checks of component Args against their annotations, reported as problems.

Written by hand because the Args hold ``pulumi.Input`` values (a value, an ``Output`` or an
awaitable) and component instances, which general validators (pydantic's strict mode,
typeguard) cannot check without custom hooks; and because ``bool`` must not pass for ``int``
(``batch_size=True``), which ``isinstance`` allows.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import inspect
import types
import typing
from collections.abc import Awaitable, Mapping, Sequence
from typing import Any, TypeVar

import pulumi

from components.core.errors import ProblemCollector, problem_field

__all__ = ["ArgsCheck", "check_arg_types", "typed_args"]

_Args = TypeVar("_Args")
# pulumi.Input[T] is ``T | Awaitable[T] | "Output[T]"``: the forward reference needs these.
_PULUMI_NAMES = {"Output": pulumi.Output, "T": vars(pulumi.output)["T"]}


@dataclasses.dataclass(frozen=True)
class ArgsCheck(typing.Generic[_Args]):
    """The type problems of one Args value, and a copy for the value checks.

    ``usable`` is the Args with every ill-typed field that has a default reset to it (a
    required collection emptied), or ``None`` when the value is not an Args at all.
    ``ill_typed`` names the fields with a type problem: the value checks must not report them
    again (another required field keeps its bad value).
    """

    problems: list[str]
    usable: _Args | None
    ill_typed: frozenset[str] = frozenset()


def check_arg_types(args: object, args_type: type[_Args]) -> ArgsCheck[_Args]:
    """Check each field of ``args`` (a dataclass instance of ``args_type``) against its
    annotation; nested dataclasses are checked field by field."""
    if not isinstance(args, args_type):
        return ArgsCheck(
            [f"args: must be {args_type.__name__}(...), got {type(args).__name__} {args!r:.80}"],
            None,
        )
    problems = _dataclass_problems(args, "")
    if not problems:
        return ArgsCheck([], args)
    bad = frozenset(problem_field(problem) for problem in problems)
    resets: dict[str, Any] = {}
    hints = _hints(typing.cast(Any, args_type))
    for item in dataclasses.fields(args_type):  # type: ignore[arg-type]
        if item.name not in bad:
            continue
        if item.default is not dataclasses.MISSING:
            resets[item.name] = item.default
        elif item.default_factory is not dataclasses.MISSING:
            resets[item.name] = item.default_factory()
        elif (empty := _empty(hints[item.name])) is not None:
            resets[item.name] = empty
    usable = dataclasses.replace(args, **resets)  # type: ignore[type-var]
    return ArgsCheck(problems, usable, bad)


def typed_args(p: ProblemCollector, args: object, args_type: type[_Args]) -> _Args:
    """Record the type problems of ``args`` in ``p`` (settling those fields) and return the
    Args the value checks can use; when there are none, raise the type problems now."""
    checked = check_arg_types(args, args_type)
    p.extend(checked.problems)
    p.settle(checked.ill_typed)
    if checked.usable is None:
        p.raise_if_any()
    assert checked.usable is not None
    return checked.usable


def _empty(hint: Any) -> tuple[()] | dict[str, Any] | None:
    """A required collection's empty value, which the value checks can walk without failing
    (its field is settled, so nothing is reported on it twice)."""
    origin = typing.get_origin(hint)
    if origin in (Sequence, list, tuple):
        return ()
    if origin in (Mapping, dict):
        return {}
    return None


@functools.cache
def _hints(cls: Any) -> dict[str, Any]:
    return typing.get_type_hints(cls, localns=_PULUMI_NAMES)


def _dataclass_problems(value: Any, prefix: str) -> list[str]:
    hints = _hints(value.__class__)
    problems: list[str] = []
    for item in dataclasses.fields(value):
        where = f"{prefix}{item.name}"
        problems.extend(_mismatch(getattr(value, item.name), hints[item.name], where))
    return problems


def _is_input(hint: Any) -> bool:
    """``pulumi.Input[T]`` is ``T | Awaitable[T] | Output[T]``."""
    return typing.get_origin(hint) in (typing.Union, types.UnionType) and any(
        typing.get_origin(arg) is pulumi.Output or arg is pulumi.Output
        for arg in typing.get_args(hint)
    )


def _mismatch(value: Any, hint: Any, where: str) -> list[str]:
    """Problems of ``value`` against ``hint``; empty when it fits."""
    if hint is Any or (isinstance(value, pulumi.Output) and _is_input(hint)):
        return []
    if _is_input(hint) and inspect.isawaitable(value):
        return []
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        members = [arg for arg in typing.get_args(hint) if typing.get_origin(arg) is not Awaitable]
        members = [arg for arg in members if typing.get_origin(arg) is not pulumi.Output]
        if any(not _mismatch(value, member, where) for member in members):
            return []
        if len(members) == 2 and type(None) in members and not _is_input(hint):
            # Optional[X]: report what X itself finds wrong (a nested field, an element).
            inner = next(member for member in members if member is not type(None))
            return _mismatch(value, inner, where)
        return [_wrong(value, hint, where)]
    if origin is typing.Literal:
        return [] if value in typing.get_args(hint) else [_wrong(value, hint, where)]
    if origin in (Sequence, list, tuple):
        if isinstance(value, str | bytes) or not isinstance(value, list | tuple):
            return [_wrong(value, hint, where)]
        (element,) = typing.get_args(hint)[:1] or (Any,)
        return [
            problem
            for index, item in enumerate(value)
            for problem in _mismatch(item, element, f"{where}[{index}]")
        ]
    if origin in (Mapping, dict):
        if not isinstance(value, Mapping):
            return [_wrong(value, hint, where)]
        key_type, value_type = typing.get_args(hint) or (Any, Any)
        problems: list[str] = []
        for key, item in value.items():
            if _mismatch(key, key_type, where):
                problems.append(f"{where}: key {key!r} must be {_describe(key_type)}")
            else:
                problems.extend(_mismatch(item, value_type, f"{where}.{key}"))
        return problems
    if origin is not None:
        return [] if isinstance(value, origin) else [_wrong(value, hint, where)]
    if hint is type(None):
        return [] if value is None else [_wrong(value, hint, where)]
    if hint is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
        return [] if ok else [_wrong(value, hint, where)]
    if hint is float:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        return [] if ok else [_wrong(value, hint, where)]
    if not isinstance(hint, type):
        return []
    if not isinstance(value, hint):
        return [_wrong(value, hint, where)]
    if dataclasses.is_dataclass(value):
        return _dataclass_problems(value, f"{where}.")
    return []


def _wrong(value: Any, hint: Any, where: str) -> str:
    shown = f"{value!r:.60}" if not isinstance(value, float) else repr(value)
    return f"{where}: must be {_describe(hint)}, got {type(value).__name__} {shown}"


def _describe(hint: Any) -> str:
    origin = typing.get_origin(hint)
    if _is_input(hint):
        inner = next(a for a in typing.get_args(hint) if typing.get_origin(a) is None)
        optional = " or None" if type(None) in typing.get_args(hint) else ""
        return f"{_describe(inner)} or a pulumi Output{optional}"
    if origin in (typing.Union, types.UnionType):
        members = [a for a in typing.get_args(hint) if a is not type(None)]
        described = " or ".join(_describe(a) for a in members)
        return f"{described} or None" if len(members) < len(typing.get_args(hint)) else described
    if origin is typing.Literal:
        return " or ".join(repr(a) for a in typing.get_args(hint))
    if origin in (Sequence, list, tuple):
        return "a list"
    if origin in (Mapping, dict):
        return "a mapping"
    names = {int: "a whole number", float: "a number", str: "a string", bool: "True or False"}
    if hint in names:
        return names[hint]
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return f"a {hint.__name__} ({', '.join(f'{hint.__name__}.{m.name}' for m in hint)})"
    return f"a {getattr(hint, '__name__', str(hint))}"
