"""A virtualenv outside the repository with the built wheel installed, as a consuming team has it.

Creating it downloads pulumi, pulumi-aws and the rest (minutes), so it is cached in the temp
directory under a key made of what decides the dependencies (pyproject.toml's declared dependencies,
the example's requirements.txt, the Python version). The wheel itself is rebuilt and reinstalled
(`--no-deps`, seconds) only when a file that goes into it changed. A file lock keeps parallel
test workers from building the same environment twice.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import tomllib
import venv
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "consumer-team"
DISTRIBUTION = "aws-platform-components"
# What goes into the wheel (pyproject.toml's packages and package data) and what it depends on.
_SOURCE_ROOTS = ("components", "tools/preview", "tools/ops", "policies")
_SOURCE_FILES = ("pyproject.toml", "README.md", "tools/__init__.py", "tools/py.typed")
_CACHE = Path(os.environ.get("AWS_PLATFORM_WHEEL_CACHE", Path(tempfile.gettempdir())))


@dataclass(frozen=True)
class WheelEnv:
    """The cached virtualenv and the wheel installed in it."""

    root: Path
    wheel: Path

    @property
    def bin(self) -> Path:
        return self.root / "bin"

    @property
    def python(self) -> Path:
        return self.bin / "python"


def _digest(paths: Iterable[Path]) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(str(path.relative_to(REPO)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _source_files() -> Iterator[Path]:
    for root in _SOURCE_ROOTS:
        for path in (REPO / root).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                yield path
    yield from (REPO / name for name in _SOURCE_FILES)
    # The `tools` package's own modules (the console helper) ship beside tools.preview/tools.ops.
    yield from (path for path in (REPO / "tools").glob("*.py") if path.name != "__init__.py")


def dependency_key() -> str:
    """Python version + the declared dependencies + the example's requirements (its pin)."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {k: project.get(k) for k in ("dependencies", "optional-dependencies")}
    digest = hashlib.sha256(json.dumps(declared, sort_keys=True).encode())
    digest.update((EXAMPLE / "requirements.txt").read_bytes())
    return f"py{sys.version_info.major}{sys.version_info.minor}-{digest.hexdigest()[:16]}"


def source_key() -> str:
    return _digest(_source_files())


def _run(*command: str | Path, cwd: Path) -> None:
    completed = subprocess.run(
        [str(c) for c in command], cwd=cwd, capture_output=True, text=True, check=False
    )
    if completed.returncode != 0:
        raise RuntimeError(
            f"{' '.join(map(str, command))} failed ({completed.returncode}):\n"
            f"{completed.stdout[-3000:]}\n{completed.stderr[-3000:]}"
        )


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def build_wheel(outdir: Path) -> Path:
    """`python -m build --wheel` from a copy of the sources (no build/ left in the checkout)."""
    staging = outdir / "src"
    shutil.rmtree(staging, ignore_errors=True)
    for path in _source_files():
        target = staging / path.relative_to(REPO)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
    dist = outdir / "dist"
    shutil.rmtree(dist, ignore_errors=True)
    _run(sys.executable, "-m", "build", "--wheel", "--outdir", dist, staging, cwd=outdir)
    shutil.rmtree(staging)
    [wheel] = dist.glob("*.whl")
    return wheel


def wheel_env() -> WheelEnv:
    """The cached environment with the current sources' wheel installed (built when stale).

    The first install is the team's: `pip install --find-links <dist> -r requirements.txt` of
    examples/consumer-team, which pins the package's version.
    """
    base = _CACHE / f"aws-platform-wheel-{dependency_key()}"
    with _locked(base.with_suffix(".lock")):
        root, marker = base / "venv", base / "installed-source"
        key = source_key()
        wheels = list((base / "dist").glob("*.whl"))
        if marker.is_file() and marker.read_text() == key and len(wheels) == 1:
            return WheelEnv(root, wheels[0])
        wheel = build_wheel(base)
        python = root / "bin" / "python"
        pip = (python, "-m", "pip", "--disable-pip-version-check", "install", "--quiet")
        with_dependencies = base / "dependencies-installed"
        if not with_dependencies.is_file():
            venv.EnvBuilder(with_pip=True, clear=True).create(root)
            requirements = EXAMPLE / "requirements.txt"
            _run(*pip, "--find-links", wheel.parent, "-r", requirements, cwd=base)
            with_dependencies.touch()
        else:
            _run(*pip, "--no-deps", "--force-reinstall", wheel, cwd=base)
        marker.write_text(key)
        return WheelEnv(root, wheel)
