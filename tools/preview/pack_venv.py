"""`python -m tools.preview.pack_venv PACK_DIR`: the virtualenv a policy pack's PulumiPolicy.yaml
names, layered on the current environment.

The engine runs a Python pack with the interpreter of the virtualenv its `runtime.options` name
and fails when it is missing (`pulumi install` creates it from the pack's requirements). Offline,
installing again would need the network: this creates the virtualenv without packages and makes
the current environment's site-packages visible in it with a `.pth` file (the `site` module's
documented mechanism), so the pack runs with exactly the packages the preview has.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import sysconfig
import tempfile
import venv
from collections.abc import Sequence
from pathlib import Path

import yaml


def named_virtualenv(pack_dir: Path) -> Path | None:
    """The virtualenv folder PulumiPolicy.yaml names (absolute), or None."""
    spec = yaml.safe_load((pack_dir / "PulumiPolicy.yaml").read_text(encoding="utf-8")) or {}
    runtime = spec.get("runtime") if isinstance(spec, dict) else None
    options = runtime.get("options") if isinstance(runtime, dict) else None
    name = options.get("virtualenv") if isinstance(options, dict) else None
    return (pack_dir / str(name)).absolute() if name else None


def ensure(pack_dir: Path) -> Path | None:
    """Create the pack's virtualenv when it names one that is missing; returns its folder.

    Safe when several processes race: each builds in a temporary folder and the first rename
    wins.
    """
    target = named_virtualenv(pack_dir)
    if target is None or (target / "bin" / "python").exists():
        return target
    staging = Path(tempfile.mkdtemp(prefix=".venv-", dir=target.parent))
    try:
        venv.EnvBuilder(with_pip=False, symlinks=True).create(staging)
        purelib = Path(
            sysconfig.get_path("purelib", vars={"base": str(staging), "platbase": str(staging)})
        )
        purelib.mkdir(parents=True, exist_ok=True)
        (purelib / "_layered_on.pth").write_text(sysconfig.get_path("purelib") + "\n")
        try:
            staging.rename(target)
        except OSError:
            if not (target / "bin" / "python").exists():
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.preview.pack_venv")
    parser.add_argument("pack_dir", type=Path, help="policy pack folder")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    created = ensure(args.pack_dir.resolve())
    print(created or f"{args.pack_dir}: PulumiPolicy.yaml names no virtualenv")
    return 0


if __name__ == "__main__":
    sys.exit(main())
