"""Every data-driven case (tests/policies/cases_*.py) against the running pack in both phases
(a first preview with unknowns, and an update), and coverage: every registered policy has at
least one passing and one failing case."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from tests.policies.harness import PHASES, Case, check_case
from tools.preview.analyzer import PolicyPackProcess

pytestmark = pytest.mark.slow


def _all_cases() -> list[Case]:
    cases: list[Case] = []
    for path in sorted(Path(__file__).parent.glob("cases_*.py")):
        module = importlib.import_module(f"tests.policies.{path.stem}")
        cases.extend(module.CASES)
    return cases


CASES = _all_cases()


@pytest.mark.parametrize("phase", PHASES)
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_case(pack: PolicyPackProcess, case: Case, phase: str) -> None:
    check_case(pack, case, phase)


def test_every_policy_has_pass_and_fail_cases(pack: PolicyPackProcess) -> None:
    names = {p.name for p in pack.info().policies}
    covered = {(c.policy, c.expect) for c in CASES}
    missing = sorted(
        f"{name} ({expect})"
        for name in names
        for expect in ("pass", "fail")
        if (name, expect) not in covered
    )
    assert not missing, "policies without cases: " + ", ".join(missing)


def test_cases_name_registered_policies(pack: PolicyPackProcess) -> None:
    names = {p.name for p in pack.info().policies}
    assert not sorted({c.policy for c in CASES} - names)
