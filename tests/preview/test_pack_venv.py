"""`python -m tools.preview.pack_venv`: the virtualenv a pack names, layered on this environment."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tools.preview import pack_venv
from tools.preview.analyzer import PolicyPackProcess

BASIC = Path(__file__).parent / "packs" / "basic"


def test_the_named_virtualenv_runs_the_pack_with_this_environments_packages(
    tmp_path: Path,
) -> None:
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "__main__.py").write_text((BASIC / "__main__.py").read_text())
    (pack / "PulumiPolicy.yaml").write_text(
        "runtime:\n  name: python\n  options:\n    virtualenv: venv\n"
    )
    created = pack_venv.ensure(pack)
    assert created == (pack / "venv").absolute()
    python = created / "bin" / "python"
    found = subprocess.run(
        [python, "-c", "import sys, pulumi_policy; print(sys.prefix)"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert found.stdout.strip() == str(created)
    assert pack_venv.ensure(pack) == created  # a second call leaves it as it is
    with PolicyPackProcess(pack) as process:
        assert process.info().name == "preview-test-pack"


def test_a_pack_naming_no_virtualenv_needs_none() -> None:
    assert pack_venv.ensure(BASIC) is None
