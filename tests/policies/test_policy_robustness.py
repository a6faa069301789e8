"""Random, missing, null and unknown property values never make a rule fail.

Property-based: for every resource type a rule judges, hypothesis builds property bags from the
property names the cases use (nested, with unknown sentinels, nulls, wrong types and policy
documents) and sends them through Analyze and AnalyzeStack. A rule that raises makes the gRPC
call fail or pulumi_policy report "can't run policy"; `evaluate` turns both into a failure.
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policies.rules import all_rules
from tests.policies.harness import UNKNOWNS, evaluate, res
from tools.preview.analyzer import PolicyPackProcess

pytestmark = pytest.mark.slow


def _keys(value: Any, into: set[str]) -> None:
    if isinstance(value, dict):
        for k, v in value.items():
            into.add(k)
            _keys(v, into)
    elif isinstance(value, list):
        for v in value:
            _keys(v, into)


def _vocabulary() -> list[str]:
    keys: set[str] = {"Statement", "Effect", "Principal", "Action", "Resource", "Condition"}
    for path in sorted(Path(__file__).parent.glob("cases_*.py")):
        module = importlib.import_module(f"tests.policies.{path.stem}")
        for case in module.CASES:
            for resource in case.resources:
                _keys(resource.inputs, keys)
    return sorted(keys)


VOCABULARY = _vocabulary()
TYPES = sorted({t for r in all_rules() for t in r.resource_types if t != "*"})
INTERESTING = [
    "*",
    "",
    "arn:aws:sqs:us-east-1:123456789012:q",
    "arn:aws:kms:us-east-1:123456789012:key/k",
    "alias/aws/sqs",
    "NONE",
    "python3.8",
    "Active",
    "sqs",
    "true",
    "false",
    "10",
    json.dumps({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*"}]}),
    json.dumps({"Statement": {"Effect": "Deny", "NotPrincipal": {"AWS": ["1"]}}}),
    json.dumps({"deadLetterTargetArn": UNKNOWNS[0], "maxReceiveCount": "x"}),
    "{not json",
]
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-5, max_value=10**6),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.text(max_size=8),
    st.sampled_from(UNKNOWNS),
    st.sampled_from(INTERESTING),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.sampled_from(VOCABULARY), inner, max_size=4),
    ),
    max_leaves=12,
)
props = st.dictionaries(st.sampled_from(VOCABULARY), values, max_size=8)


@pytest.mark.parametrize("type_", TYPES)
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(inputs=props)
def test_resource_rules_never_fail(pack: PolicyPackProcess, type_: str, inputs: dict) -> None:
    resource = res(type_, "fuzz", inputs, outputs=inputs)
    evaluate(pack, [resource])


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    stack=st.lists(st.tuples(st.sampled_from(TYPES), props), min_size=1, max_size=12),
)
def test_stack_rules_never_fail(pack: PolicyPackProcess, stack: list[tuple[str, dict]]) -> None:
    resources = [res(t, f"r{i}", p, outputs=p) for i, (t, p) in enumerate(stack)]
    evaluate(pack, resources)
