"""Session setup shared by every test folder."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tools.preview import pack_venv

ROOT = Path(__file__).resolve().parents[1]


def pytest_configure(config: pytest.Config) -> None:
    """The repository's pack names a virtualenv (PulumiPolicy.yaml), which the engine and the
    preview require: layer it on the test environment once (`make` does the same)."""
    pack_venv.ensure(ROOT / "policies")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Files with a `slow` test run first, in collection order, then the rest.

    `make test` gives each worker whole files in collection order (`--dist loadfile
    --no-loadscope-reorder`): the long files then start early and the short ones fill in
    around them, so the workers finish together instead of one waiting on a long file that
    was handed out last.
    """
    slow_files = {item.path for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: item.path not in slow_files)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Stop the pack processes the in-process previews shared (tests/preview_in_process.py)."""
    shared = sys.modules.get("tests.preview_in_process")
    if shared is not None:
        shared.close_shared_packs()
