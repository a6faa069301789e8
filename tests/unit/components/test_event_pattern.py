"""EventBridge event-pattern validation, with routing checked by moto's EventPattern matcher."""

from __future__ import annotations

import json
from typing import Any

import pytest
from moto.events.models import EventPattern

from components.events.event_pattern import event_pattern_problems, is_catch_all

SEED_PATTERNS: list[dict[str, Any]] = [
    {
        "source": ["myapp.orders"],
        "detail-type": ["OrderPlaced"],
        "detail": {"status": ["pending"], "amount": [{"numeric": [">", 100]}]},
    },
    {
        "source": ["aws.ec2"],
        "detail": {"state": ["running", "stopped"], "instance-type": [{"prefix": "t3."}]},
    },
    {
        "source": ["myapp.users"],
        "detail": {
            "userType": ["premium"],
            "$or": [{"age": [{"numeric": [">=", 18]}]}, {"verified": [True]}],
        },
    },
    {
        "source": [{"prefix": {"equals-ignore-case": "SHIP"}}],
        "detail": {
            "carrier": [{"anything-but": {"prefix": "test"}}],
            "ip": [{"cidr": "10.0.0.0/8"}],
            "ref": [{"wildcard": "ord-*-eu"}],
            "note": [{"exists": False}],
            "code": [{"equals-ignore-case": "ok"}, {"suffix": ".v2"}, None, 7],
        },
    },
]


def _event(source: str, detail: dict[str, Any], detail_type: str = "X") -> dict[str, Any]:
    return {
        "version": "0",
        "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
        "detail-type": detail_type,
        "source": source,
        "account": "123456789012",
        "time": "2026-11-01T00:00:00Z",
        "region": "us-east-1",
        "resources": [],
        "detail": detail,
    }


def _matches(pattern: dict[str, Any], event: dict[str, Any]) -> bool:
    return EventPattern.load(json.dumps(pattern)).matches_event(event)


@pytest.mark.parametrize("pattern", SEED_PATTERNS)
def test_valid_patterns_pass(pattern: dict[str, Any]) -> None:
    assert event_pattern_problems(pattern) == []


def test_valid_pattern_routes_only_matching_events() -> None:
    pattern = SEED_PATTERNS[0]
    assert _matches(
        pattern, _event("myapp.orders", {"status": "pending", "amount": 150}, "OrderPlaced")
    )
    assert not _matches(
        pattern, _event("myapp.orders", {"status": "pending", "amount": 50}, "OrderPlaced")
    )
    assert not _matches(
        pattern, _event("other", {"status": "pending", "amount": 150}, "OrderPlaced")
    )


@pytest.mark.parametrize(
    "pattern",
    [
        {"source": [{"prefix": ""}]},
        {"detail-type": [{"exists": True}]},
        {"source": [{"wildcard": "*"}], "detail-type": ["x", {"suffix": ""}]},
        {"$or": [{"source": ["a"]}, {"account": [{"exists": True}]}]},
    ],
)
def test_catch_all_patterns_are_refused_and_really_match_everything(
    pattern: dict[str, Any],
) -> None:
    assert is_catch_all(pattern)
    assert event_pattern_problems(pattern) == [
        "event_pattern: matches every event (catch-all); constrain at least one field, "
        "e.g. source or detail-type"
    ]
    for event in (_event("anything", {}), _event("other.app", {"k": 1}, "Y")):
        assert _matches(pattern, event)


@pytest.mark.parametrize(
    "pattern",
    [
        {"source": ["a"]},
        {"detail": {"id": [{"exists": True}]}},  # not every event has detail.id
        {"source": [{"prefix": "a"}]},
        {"$or": [{"source": ["a"]}, {"detail-type": ["b"]}]},
    ],
)
def test_constraining_patterns_are_not_catch_all(pattern: dict[str, Any]) -> None:
    assert not is_catch_all(pattern)
    assert not _matches(pattern, _event("zzz", {}, "zzz"))


def test_every_problem_is_reported_at_once() -> None:
    pattern = {
        "source": [],
        "detail-type": "OrderPlaced",
        "detail": {
            "a": [{"regex": "x"}],
            "b": [{"numeric": [">", "1"]}],
            "c": [["x"]],
            "d": [{"wildcard": "a**b"}, {"exists": 1}, {"cidr": "nope"}],
            "e": {},
        },
        "$or": [{"x": ["1"]}],
    }
    assert event_pattern_problems(pattern) == [
        "event_pattern.source: must not be an empty array",
        "event_pattern.detail-type: must be an array of values (or an object)",
        "event_pattern.detail.a[0]: unknown operator 'regex' (EventBridge supports anything-but, "
        "cidr, equals-ignore-case, exists, numeric, prefix, suffix, wildcard)",
        "event_pattern.detail.b[0].numeric[1]: must be a number",
        "event_pattern.detail.c[0]: must be a string, number, true, false, null or an operator "
        "(arrays are only allowed as leaf values)",
        "event_pattern.detail.d[0].wildcard: consecutive wildcard characters are not supported",
        "event_pattern.detail.d[1].exists: must be true or false",
        "event_pattern.detail.d[2].cidr: 'nope' is not an IP address or CIDR block",
        "event_pattern.detail.e: must not be an empty object",
        "event_pattern.$or: must be an array of at least two sub-patterns",
    ]


@pytest.mark.parametrize(
    ("pattern", "problem"),
    [
        ({}, "event_pattern: must be a non-empty JSON object"),
        ([{"source": ["a"]}], "event_pattern: must be a non-empty JSON object"),
        ({"source": [{1, 2}]}, "event_pattern: is not JSON-serializable"),
        ({"n": [6e9]}, "event_pattern.n[0]: 6000000000.0 is outside EventBridge's numeric range"),
        ({"n": [{"numeric": ["<", 1, "<", 2]}]}, "event_pattern.n[0].numeric: a range must be"),
        ({"n": [{"anything-but": []}]}, "event_pattern.n[0].anything-but: a list must be"),
        ({"n": [{"anything-but": {"exists": True}}]}, "event_pattern.n[0].anything-but: must be"),
        ({"n": [{"prefix": 3}]}, "event_pattern.n[0].prefix: must be a string or"),
        ({"n": [{"prefix": "a", "suffix": "b"}]}, "event_pattern.n[0]: an operator object must"),
    ],
)
def test_each_rule_broken_is_named(pattern: Any, problem: str) -> None:
    problems = event_pattern_problems(pattern)
    assert len(problems) == 1
    assert problems[0].startswith(problem)
