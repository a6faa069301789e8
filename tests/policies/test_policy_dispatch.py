"""The pack offers each resource only to the rules of its type (policies/lib/dispatch.py): the
violations it reports are exactly those of the pack without that dispatch, for resources of
many types sent concurrently the way the preview sends them."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.policies import (
    cases_dynamodb,
    cases_ec2,
    cases_ecs,
    cases_elb,
    cases_eventbridge,
    cases_required_tags,
    cases_ssm,
)
from tools.preview.analyzer import PolicyPackProcess

PACK_DIR = Path(__file__).resolve().parents[2] / "policies"


def _resources() -> list:
    seen: dict[str, object] = {}
    modules = (cases_dynamodb, cases_ec2, cases_ecs, cases_elb, cases_eventbridge)
    for module in (*modules, cases_required_tags, cases_ssm):
        for case in module.CASES:
            for resource in case.resources:
                seen.setdefault(resource.urn, resource)
    return list(seen.values())


def _key(violation: object) -> tuple:
    return (violation.policy, violation.urn, violation.message, violation.enforcement)


def test_dispatch_reports_what_every_policy_would(
    pack: PolicyPackProcess, monkeypatch: pytest.MonkeyPatch
) -> None:
    resources = _resources()
    assert len({r.type for r in resources}) > 10
    with_dispatch = sorted(map(_key, pack.analyze_all(resources)))
    monkeypatch.setenv("AWS_PLATFORM_POLICY_DISPATCH", "0")
    with PolicyPackProcess(PACK_DIR) as undispatched:
        without = sorted(map(_key, undispatched.analyze_all(resources)))
    assert with_dispatch == without
    assert with_dispatch  # the resources break rules of several types
