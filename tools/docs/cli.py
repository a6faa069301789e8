"""`python -m tools.docs [--check]`: refresh the generated parts of the docs, or check them."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from pathlib import Path

from tools.docs.architecture import ProgramCannotRun, architecture_page
from tools.docs.components import page_contents, public_components

ROOT = Path(__file__).resolve().parents[2]
EXIT_OK, EXIT_STALE = 0, 1


def desired_files(root: Path) -> dict[Path, str]:
    """Every generated file (or page holding generated regions) and what it should contain."""
    sys.path.insert(0, str(root))
    try:
        package = importlib.import_module("components")
    finally:
        sys.path.remove(str(root))
    files = page_contents(public_components(package), root / "docs" / "components")
    try:
        page = root / "docs" / "architecture.md"
        current = page.read_text(encoding="utf-8") if page.is_file() else None
        files[page] = architecture_page(current, root)
    except ProgramCannotRun as error:
        print(
            f"skipping docs/architecture.md: the root program cannot run yet ({error})",
            file=sys.stderr,
        )
    return files


def main(argv: Sequence[str] | None = None) -> int:
    """0 when everything is fresh (or was written); 1 with --check when something is stale."""
    parser = argparse.ArgumentParser(
        prog="python -m tools.docs",
        description="Generate component inputs/outputs tables and docs/architecture.md.",
    )
    parser.add_argument("--check", action="store_true", help="exit 1 when a doc is stale")
    parser.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args(sys.argv[1:] if argv is None else list(argv))
    root = args.root.resolve()
    stale = []
    for path, content in desired_files(root).items():
        current = path.read_text(encoding="utf-8") if path.is_file() else None
        if current == content:
            continue
        stale.append(path)
        if not args.check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content, encoding="utf-8")
            print(f"wrote {path.relative_to(root)}")
    if args.check and stale:
        for path in stale:
            print(f"stale: {path.relative_to(root)} (run `make docs`)", file=sys.stderr)
        return EXIT_STALE
    if not stale:
        print("docs are up to date")
    return EXIT_OK
