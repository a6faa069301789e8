"""`python -m tools.cost`: the monthly cost estimate of a stack from its offline preview."""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Sequence
from pathlib import Path

from tools.cost.assumptions import AssumptionsError
from tools.cost.estimate import estimate_program
from tools.cost.report import write_human, write_json
from tools.preview.project import ProjectError

EXIT_OK, EXIT_FAILED = 0, 2


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; 0 on success, 2 when the program, its config or the assumptions fail."""
    parser = argparse.ArgumentParser(
        prog="python -m tools.cost",
        description="Estimate a stack's monthly AWS bill from its offline preview's resources.",
    )
    parser.add_argument("--program", type=Path, default=Path.cwd(), help="program folder")
    parser.add_argument("--stack", default="dev", help="stack name (Pulumi.<stack>.yaml)")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    args = parser.parse_args(sys.argv[1:] if argv is None else list(argv))
    try:
        # The program's own prints must not mix with the report on stdout.
        with contextlib.redirect_stdout(sys.stderr):
            estimate = estimate_program(args.program, args.stack)
    except (ProjectError, AssumptionsError) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_FAILED
    except Exception as error:
        print(
            f"error: the program in {args.program} failed under the offline preview: "
            f"{type(error).__name__}: {error}",
            file=sys.stderr,
        )
        return EXIT_FAILED
    if args.json:
        write_json(estimate, sys.stdout)
    else:
        write_human(estimate, sys.stdout)
    return EXIT_OK
