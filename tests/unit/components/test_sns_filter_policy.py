"""SNS filter-policy validation: pass and fail cases, cross-checked with moto's SNS model."""

from __future__ import annotations

from typing import Any

import pytest
from moto.sns.exceptions import SNSInvalidParameter
from moto.sns.models import SNSBackend

from components.messaging.sns_filter_policy import (
    FilterPolicyScope,
    filter_policy_combinations,
    filter_policy_problems,
)

ATTRS = FilterPolicyScope.MESSAGE_ATTRIBUTES
BODY = FilterPolicyScope.MESSAGE_BODY

VALID_ATTRIBUTE_POLICIES: list[dict[str, Any]] = [
    {"eventType": ["order_placed", "order_cancelled"]},
    {"store": ["example_corp"], "price_usd": [{"numeric": [">=", 0, "<", 100]}]},
    {"customer": [{"anything-but": ["test", "internal"]}], "priority": [{"exists": True}]},
    {"region": [{"prefix": "eu-"}], "id": [{"suffix": ".png"}, {"equals-ignore-case": "x"}]},
    {"flag": [True, None, 3.14159]},
    {"status": [{"anything-but": {"prefix": "test-"}}]},
    {"source": ["shop"], "$or": [{"kind": ["a"]}, {"tier": ["gold"]}]},
]


@pytest.mark.parametrize("policy", VALID_ATTRIBUTE_POLICIES)
def test_valid_attribute_policies_pass_and_moto_accepts_them(policy: dict[str, Any]) -> None:
    assert filter_policy_problems(policy, ATTRS) == []
    SNSBackend("us-east-1", "123456789012")._validate_filter_policy(policy, str(ATTRS))


def test_ip_address_matching_passes() -> None:
    # SNS matches IP addresses with "cidr"; moto's model does not know the operator.
    assert filter_policy_problems({"source_ip": [{"cidr": "10.0.0.0/24"}]}, ATTRS) == []


def test_nested_body_policy_passes_and_counts_levels_like_the_aws_example() -> None:
    policy = {
        "key_a": {"key_b": {"key_c": ["v1", "v2", "v3", "v4"]}},
        "key_d": {"key_e": ["v1", "v2", "v3"]},
    }
    assert filter_policy_problems(policy, BODY) == []
    assert filter_policy_combinations(policy) == 72  # 4 values x 3 levels x 3 values x 2 levels


def test_or_policy_counts_the_sum_of_its_expansions() -> None:
    policy = {"source": ["a", "b"], "$or": [{"x": ["1", "2", "3"]}, {"y": ["1"]}]}
    assert filter_policy_combinations(policy) == 2 * 3 + 2 * 1


def test_nesting_is_refused_for_message_attributes() -> None:
    assert filter_policy_problems({"order": {"kind": ["a"]}}, ATTRS) == [
        "filter_policy.order: nested objects are not allowed with filter policy scope "
        "MessageAttributes (use MessageBody)"
    ]


def test_more_than_five_keys_is_refused_and_names_them() -> None:
    policy = {f"k{i}": ["v"] for i in range(6)}
    assert filter_policy_problems(policy, ATTRS) == [
        "filter_policy: has 6 keys (k0, k1, k2, k3, k4, k5), more than SNS's limit of 5"
    ]
    with pytest.raises(SNSInvalidParameter, match="more than 5 keys"):
        SNSBackend("us-east-1", "123456789012")._validate_filter_policy(policy, str(ATTRS))


def test_body_scope_counts_only_top_level_keys() -> None:
    policy = {"detail": {f"k{i}": ["v"] for i in range(6)}}
    assert filter_policy_problems(policy, BODY) == []


def test_too_many_combinations_is_refused() -> None:
    policy = {"a": [str(i) for i in range(10)], "b": [str(i) for i in range(16)]}
    assert filter_policy_problems(policy, ATTRS) == [
        "filter_policy: has 160 combinations of values, more than SNS's limit of 150"
    ]
    with pytest.raises(SNSInvalidParameter, match="too complex"):
        SNSBackend("us-east-1", "123456789012")._validate_filter_policy(policy, str(ATTRS))


def test_exactly_150_combinations_is_allowed() -> None:
    policy = {"a": [str(i) for i in range(10)], "b": [str(i) for i in range(15)]}
    assert filter_policy_problems(policy, ATTRS) == []


def test_every_problem_is_reported_at_once() -> None:
    policy = {
        "a": [],
        "b": "plain",
        "c": [{"numeric": ["<", 5, ">", 1]}],
        "d": [{"numeric": [">", 10, "<", 5]}],
        "e": [{"exists": "yes"}, {"wildcard": "a*"}, {"prefix": "a", "suffix": "b"}],
    }
    assert filter_policy_problems(policy, ATTRS) == [
        "filter_policy.a: must not be an empty array",
        "filter_policy.b: must be an array of values (or an object)",
        "filter_policy.c[0].numeric: a range must be ['>' or '>=', low, '<' or '<=', high]",
        "filter_policy.d[0].numeric: the lower bound 10 must be less than the upper 5",
        "filter_policy.e[0].exists: must be true or false",
        "filter_policy.e[1]: unknown operator 'wildcard' (SNS supports anything-but, cidr, "
        "equals-ignore-case, exists, numeric, prefix, suffix)",
        "filter_policy.e[2]: an operator object must have exactly one key",
    ]


@pytest.mark.parametrize(
    ("policy", "problem"),
    [
        ({}, "filter_policy: must be a non-empty JSON object"),
        ({"n": [1_000_000_001]}, "filter_policy.n[0]: 1000000001 is outside SNS's numeric"),
        ({"n": [0.123456]}, "filter_policy.n[0]: 0.123456 has more than 5 decimals"),
        ({"n": [{"numeric": ["!=", 1]}]}, "filter_policy.n[0].numeric[0]: unknown numeric"),
        ({"n": [{"cidr": "10.0.0.300/8"}]}, "filter_policy.n[0].cidr: '10.0.0.300/8' is not"),
        ({"n": [{"anything-but": ["a", 1]}]}, "filter_policy.n[0].anything-but: a list must"),
        ({"n": [{"anything-but": {"suffix": "x"}}]}, "filter_policy.n[0].anything-but: must be"),
        ({"n": [["nested"]]}, "filter_policy.n[0]: must be a string, number"),
        ({"$or": [{"a": ["1"]}]}, "filter_policy.$or: must be an array of at least two"),
        ({"n": [float("nan")]}, "filter_policy: is not JSON-serializable"),
        ({"n": ["x" * 300_000]}, "filter_policy: is 300011 bytes, more than SNS's 262144"),
    ],
)
def test_each_rule_broken_is_named(policy: dict[str, Any], problem: str) -> None:
    problems = filter_policy_problems(policy, ATTRS)
    assert len(problems) == 1
    assert problems[0].startswith(problem)
