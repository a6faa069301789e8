"""Session setup shared by every test folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.preview import pack_venv

ROOT = Path(__file__).resolve().parents[1]


def pytest_configure(config: pytest.Config) -> None:
    """The repository's pack names a virtualenv (PulumiPolicy.yaml), which the engine and the
    preview require: layer it on the test environment once (`make` does the same)."""
    pack_venv.ensure(ROOT / "policies")
