"""Args type checks, and composed components' problems named by the caller's fields."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import pulumi
import pytest

from components.core.arg_types import ArgsCheck, check_arg_types, typed_args
from components.core.errors import ComponentArgumentsError, ProblemCollector
from tools.preview.program import run_in_mocks


class Colour(StrEnum):
    RED = "red"


@dataclass(frozen=True, kw_only=True)
class Inner:
    port: int


@dataclass(frozen=True, kw_only=True)
class Args:
    name: str
    arn: pulumi.Input[str] | None = None
    count: int = 1
    ratio: float = 0.5
    enabled: bool = False
    colour: Colour = Colour.RED
    inners: Sequence[Inner] = ()
    env: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)


def test_well_typed_args_pass_unchanged_including_outputs() -> None:
    checks: list[ArgsCheck[Args]] = []

    def program() -> None:
        args = Args(
            name="a",
            arn=pulumi.Output.from_input("arn:aws:sns:us-east-1:123456789012:t"),
            ratio=1,
            inners=[Inner(port=1)],
            env={"A": "1"},
        )
        checks.append(check_arg_types(args, Args))
        assert checks[0].usable is args

    run_in_mocks(program)
    assert [check.problems for check in checks] == [[]]


def test_every_ill_typed_field_is_named_down_to_the_element() -> None:
    args = Args(
        name="a",
        arn=5,  # type: ignore[arg-type]
        count=True,
        ratio="x",  # type: ignore[arg-type]
        enabled=1,  # type: ignore[arg-type]
        colour="red",  # type: ignore[arg-type]
        inners=[Inner(port=1), Inner(port="2")],  # type: ignore[arg-type]
        env={"A": 1, 2: "b"},  # type: ignore[dict-item]
    )
    assert check_arg_types(args, Args).problems == [
        "arn: must be a string or a pulumi Output or None, got int 5",
        "count: must be a whole number, got bool True",
        "ratio: must be a number, got str 'x'",
        "enabled: must be True or False, got int 1",
        "colour: must be a Colour (Colour.RED), got str 'red'",
        "inners[1].port: must be a whole number, got str '2'",
        "env.A: must be a string or a pulumi Output, got int 1",
        "env: key 2 must be a string",
    ]


def test_ill_typed_fields_with_defaults_are_reset_for_the_value_checks() -> None:
    checked = check_arg_types(Args(name="a", count="3"), Args)  # type: ignore[arg-type]
    assert checked.usable == Args(name="a", count=1)


def test_an_ill_typed_required_field_is_settled_not_reset() -> None:
    checked = check_arg_types(Args(name=None, count="2"), Args)  # type: ignore[arg-type]
    assert checked.usable == Args(name=None)  # type: ignore[arg-type]
    assert checked.ill_typed == {"name", "count"}
    p = ProblemCollector("Thing")
    p.extend(checked.problems)
    p.settle(checked.ill_typed)
    with p.checking():
        p.check(False, "count: must be positive")
        checked.usable.name.upper()  # type: ignore[union-attr]
        p.add("never reached: the check above trips over the ill-typed name")
    assert p.problems == (
        "name: must be a string, got NoneType None",
        "count: must be a whole number, got str '2'",
    )
    with pytest.raises(AttributeError), ProblemCollector("Thing").checking():
        None.upper()  # type: ignore[attr-defined]


def test_args_that_are_not_the_dataclass_leave_nothing_to_value_check() -> None:
    assert check_arg_types({"name": "a"}, Args).problems == [
        "args: must be Args(...), got dict {'name': 'a'}"
    ]
    p = ProblemCollector("Thing")
    with pytest.raises(ComponentArgumentsError) as raised:
        typed_args(p, ["a"], Args)
    assert raised.value.problems == ("args: must be Args(...), got list ['a']",)


def test_adopted_problems_are_renamed_dropped_or_kept_and_never_repeated() -> None:
    p = ProblemCollector("Parent")
    p.add("tags.Owner: required tag")
    p.adopt(
        "Child",
        [
            "visibility_timeout_seconds: must be 0..43200, got -30",
            "max_receive_count: must be 1..1000, got 0",
            "kms_key: its key policy must admit KeyUse.SQS",
            "tags.Owner: required tag",
            "partition_key.name: must be 1..255 characters",
        ],
        {
            "visibility_timeout_seconds": None,
            "max_receive_count": "subscribers[a].max_receive_count",
            "kms_key": "kms_key",
            "tags": "tags",
        },
    )
    assert p.problems == (
        "tags.Owner: required tag",
        "subscribers[a].max_receive_count: must be 1..1000, got 0 (as Child.max_receive_count)",
        "kms_key: its key policy must admit KeyUse.SQS",
        "Child.partition_key.name: must be 1..255 characters",
    )
