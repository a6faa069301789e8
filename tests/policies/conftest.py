"""One policy pack process for the whole test session; the provider schemas the cases read are
kept for the next session (tests/policies/harness.py)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tools.preview.analyzer import PolicyPackProcess

PACK_DIR = Path(__file__).resolve().parents[2] / "policies"


@pytest.fixture(scope="session")
def pack() -> Iterator[PolicyPackProcess]:
    with PolicyPackProcess(PACK_DIR) as process:
        yield process


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Keep the schemas a process that built cases read (an xdist controller builds none)."""
    harness = sys.modules.get("tests.policies.harness")
    if harness is not None:
        harness.save_schema_cache()
