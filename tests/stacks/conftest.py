"""Whole-stack fixtures: each stack runs once per session (see ``stacklib``)."""

from __future__ import annotations

import pytest
import yaml
from stacklib import REPO, STACKS, stack_run

from tools.preview.program import ProgramRun


@pytest.fixture(scope="session")
def project_name() -> str:
    return str(yaml.safe_load((REPO / "Pulumi.yaml").read_text())["name"])


@pytest.fixture(params=STACKS)
def stack(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def run(stack: str) -> ProgramRun:
    """The stack's program run under the mock cloud (cached for the session)."""
    return stack_run(stack)
