"""The program runs from a virtualenv built from its requirements file alone, as `pulumi up` builds
it (`Pulumi.yaml`: toolchain pip, virtualenv), for every stack: a module that the program imports
at run time but only the dev requirements install fails here with ModuleNotFoundError.

The virtualenvs are cached under ``.cache/runtime-venvs/`` (git-ignored), keyed by a hash of the
requirements file and the interpreter version, so only the first run pays for `pip install`; a
file lock keeps a second process from building the same one. The platform's three stacks run in
one test, so one xdist worker builds the virtualenv while the other runs the rest of the suite.
The consumer example depends on the platform as a package (a pinned `aws-platform-components`),
so its requirements-only virtualenv is built from the wheel by ``tests/delivery/test_wheel.py``.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tools.preview.program import run_program_dir

REPO = Path(__file__).resolve().parents[2]
RUNNER = Path(__file__).resolve().parent / "run_program.py"
CACHE = REPO / ".cache" / "runtime-venvs"
STACK_TYPE = "pulumi:pulumi:Stack"
_READY = ".ready"


def _venv_key(requirements: Path) -> str:
    digest = hashlib.sha256(requirements.read_bytes())
    digest.update(f"{sys.implementation.name}-{sys.version_info[0]}.{sys.version_info[1]}".encode())
    return digest.hexdigest()[:16]


def _clean_env() -> dict[str, str]:
    """The environment without anything that would let the shared dev virtualenv leak in."""
    return {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME", "PYTHONSTARTUP")
    }


def runtime_python(requirements: Path, label: str) -> Path:
    """The interpreter of a virtualenv holding only `requirements` (built once, then cached).

    Building is serialised by a file lock, so parallel workers never build the same one twice;
    older virtualenvs of the same label (other requirement hashes) are removed.
    """
    CACHE.mkdir(parents=True, exist_ok=True)
    target = CACHE / f"{label}-{_venv_key(requirements)}"
    python = target / "bin" / "python"
    with (CACHE / f"{label}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (target / _READY).is_file():
            return python
        for stale in CACHE.glob(f"{label}-*"):
            shutil.rmtree(stale, ignore_errors=True)
        subprocess.run(
            [sys.executable, "-m", "venv", str(target)], check=True, env=_clean_env(), timeout=300
        )
        installed = subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
             "--no-compile", "-r", requirements.name],
            cwd=requirements.parent,
            env=_clean_env(),
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )  # fmt: skip
        if installed.returncode != 0:
            shutil.rmtree(target, ignore_errors=True)
            pytest.fail(f"pip install -r {requirements} failed:\n{installed.stderr[-4000:]}")
        (target / _READY).touch()
    return python


def run_isolated(python: Path, program: Path, stacks: tuple[str, ...]) -> dict[str, dict[str, int]]:
    """Registered resources per type and stack, from one run of `program` by `python` (isolated
    mode: no PYTHONPATH, no user site, only the virtualenv's packages and the platform
    checkout)."""
    completed = subprocess.run(
        [str(python), "-I", str(RUNNER), str(REPO), str(program), *stacks],
        env=_clean_env(),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert completed.returncode == 0, (
        f"{program.name or program} ({', '.join(stacks)}) fails with only its requirements file "
        f"installed:\n{completed.stderr[-6000:]}"
    )
    lines = [json.loads(line) for line in completed.stdout.splitlines() if line.startswith("{")]
    return {line["stack"]: line["types"] for line in lines}


def in_process_counts(program: Path, stack: str) -> dict[str, int]:
    """The same program's resources per type, run by the dev environment's preview."""
    run = run_program_dir(program, stack)
    return dict(Counter(r.type for r in run.resources if r.type != STACK_TYPE))


def assert_isolated(python: Path) -> None:
    """The isolation the runs rely on: the virtualenv cannot import a package that only
    requirements-dev.txt installs."""
    completed = subprocess.run(
        [str(python), "-I", "-c", "import pytest"],
        env=_clean_env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode != 0
    assert "No module named 'pytest'" in completed.stderr


@pytest.mark.slow
def test_platform_runs_from_requirements_txt_alone() -> None:
    """dev, staging and prod, in one test so one worker builds the virtualenv and uses it."""
    python = runtime_python(REPO / "requirements.txt", "platform")
    assert_isolated(python)
    stacks = ("dev", "staging", "prod")
    # One isolated process runs the three stacks while this one runs them too.
    with ThreadPoolExecutor(max_workers=1) as pool:
        isolated = pool.submit(run_isolated, python, REPO, stacks)
        expected = {stack: in_process_counts(REPO, stack) for stack in stacks}
        assert isolated.result() == expected
