"""`make bench`: measure the offline preview, the policy pack, the prod stack and the shipment
handler; write ``benchmarks/results.json`` and the README's Performance section.

Each measurement that holds global state (SDK, pack, handler environment) runs in a fresh
interpreter. ``--quick`` leaves out N=800; ``--with-tests`` also times ``make test``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console

from benchmarks import commands, isolated, preview_scaling, report, synthetic_program

FULL_SIZES = (10, 50, 200, 800)
QUICK_SIZES = (10, 50, 200)
RESULTS = isolated.REPO_ROOT / "benchmarks" / "results.json"


def runs_for(n: int, repeat: int) -> int:
    """Repetitions for size `n`: N=200 takes about a minute on two shared cores, N=800 several,
    so larger sizes run fewer times to keep a full run near ten minutes."""
    if n <= 50:
        return repeat
    return min(repeat, 2) if n <= 200 else 1


def _parse(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="sizes 10, 50, 200 (no 800)")
    parser.add_argument("--with-tests", action="store_true", help="also time `make test`")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (min/median)")
    parser.add_argument("--sizes", help="comma-separated component counts (overrides --quick)")
    parser.add_argument("--policy-n", type=int, default=50, help="components for policy eval")
    parser.add_argument("--events", type=int, default=200, help="events through the handler")
    parser.add_argument("--stack", default="prod", help="stack previewed end to end")
    parser.add_argument(
        "--program",
        type=Path,
        default=isolated.REPO_ROOT,
        help="program folder whose stack is previewed (default: this repository)",
    )
    parser.add_argument(
        "--pack-pairs", type=int, default=3, help="paired previews, whole pack vs one rule"
    )
    parser.add_argument(
        "--stack-only",
        action="store_true",
        help="re-measure only the stack preview; the other figures are kept from --output",
    )
    parser.add_argument(
        "--stack-warm-ups",
        type=int,
        default=1,
        help="unmeasured previews of the stack before the timed ones",
    )
    parser.add_argument(
        "--pack-warm-ups",
        type=int,
        default=1,
        help="unmeasured previews with each pack before the pairs",
    )
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--readme", type=Path, default=isolated.REPO_ROOT / "README.md")
    parser.add_argument("--no-readme", action="store_true", help="leave README.md alone")
    return parser.parse_args(list(argv))


def _git_commit() -> str:
    done = subprocess.run(
        ["git", "rev-parse", "HEAD"],
        cwd=isolated.REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout.strip() or "unknown"


def _uncommitted_paths() -> list[str]:
    """Paths that differ from the commit: the tree is shared, so figures may include them."""
    done = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"],
        cwd=isolated.REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    return [line[3:] for line in done.stdout.splitlines() if line.strip()]


def _load() -> list[float]:
    return [round(v, 2) for v in os.getloadavg()]


def _previous_make_test(path: Path) -> dict[str, Any]:
    """The last measured ``make test`` figure in an earlier results file, if any."""
    try:
        previous = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    run = previous.get("make_test") or {}
    if "wall_s" not in run:
        return {}
    return {**run, "recorded_at": run.get("recorded_at") or previous["meta"].get("finished_at")}


def run(args: argparse.Namespace, console: Console) -> dict[str, Any]:
    """Every measurement, in order; failures are recorded and the rest still runs."""
    started = time.perf_counter()
    sizes = (
        tuple(int(n) for n in args.sizes.split(","))
        if args.sizes
        else (QUICK_SIZES if args.quick else FULL_SIZES)
    )
    results: dict[str, Any] = {
        "meta": {
            "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "git_commit": _git_commit(),
            "uncommitted_paths": _uncommitted_paths(),
            "cpu_count": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "load_average_start": _load(),
            "quick": args.quick,
            "repeat": args.repeat,
            "sizes": list(sizes),
        }
    }

    console.log("probing component kinds")
    used, skipped = synthetic_program.probe()
    scaling: dict[str, Any] = {"components_used": used, "components_skipped": skipped, "sizes": []}
    results["preview_scaling"] = scaling
    for n in sizes if used else ():
        repeat = runs_for(n, args.repeat)
        console.log(f"preview scaling N={n} ({repeat} run(s), fresh process)")
        scaling["sizes"].append(preview_scaling.run_size(n, used, repeat, timeout=900))
    scaling["growth"] = preview_scaling.growth(scaling["sizes"])
    scaling["growth_bare"] = preview_scaling.growth(scaling["sizes"], "bare")

    if used:
        console.log(f"policy evaluation, N={args.policy_n}: gRPC vs in-process, with cProfile")
        results["policy_eval"] = isolated.run_json(
            "benchmarks.policy_eval",
            ["--n", str(args.policy_n), "--repeat", str(args.repeat), "--kinds", ",".join(used)],
            timeout=900,
        )

    console.log(f"stack {args.stack}: python -m tools.preview --stack {args.stack}")
    results["prod_stack"] = commands.stack_preview(
        args.stack, args.repeat, program_dir=args.program, warm_ups=args.stack_warm_ups
    )

    console.log(f"stack {args.stack}: whole pack vs a one-rule pack, paired previews")
    results["pack_cost"] = isolated.run_json(
        "benchmarks.pack_cost",
        [
            *("--stack", args.stack, "--pairs", str(args.pack_pairs)),
            *("--warm-ups", str(args.pack_warm_ups), "--program", str(args.program)),
        ],
        timeout=1800,
    )

    console.log("shipment handler: cold import, DynamoDB calls, events/s on moto")
    results["handler"] = isolated.run_json(
        "benchmarks.handler",
        ["--events", str(args.events), "--repeat", str(args.repeat)],
        timeout=600,
    )

    if args.with_tests:
        console.log("make test")
        results["make_test"] = commands.make_test()
    else:
        results["make_test"] = _previous_make_test(args.output)

    results["meta"].update(
        finished_at=datetime.now(UTC).isoformat(timespec="seconds"),
        load_average_end=_load(),
        duration_s=round(time.perf_counter() - started, 1),
    )
    return results


def run_stack_only(args: argparse.Namespace, console: Console) -> dict[str, Any]:
    """The previous results with the stack preview measured again (and said to be: its own
    commit, time and load go with it, the rest of ``meta`` stays the earlier run's); with
    ``--with-tests``, ``make test`` is timed again too."""
    previous = json.loads(args.output.read_text())
    previous.pop("targets", None)
    load = _load()
    console.log(f"stack {args.stack}: python -m tools.preview --stack {args.stack} (only)")
    stack = commands.stack_preview(
        args.stack, args.repeat, program_dir=args.program, warm_ups=args.stack_warm_ups
    )
    previous["prod_stack"] = {
        **stack,
        "measured_alone_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "git_commit": _git_commit(),
        "uncommitted_paths": _uncommitted_paths(),
        "load_average_start": load,
        "load_average_end": _load(),
    }
    if args.with_tests:
        console.log("make test")
        previous["make_test"] = {
            **commands.make_test(),
            "recorded_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
    return dict(previous)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse(sys.argv[1:] if argv is None else argv)
    console = Console(stderr=True)
    if args.stack_only:
        results = run_stack_only(args, console)
        report.write_results(args.output, results)
        if not args.no_readme:
            report.update_readme(args.readme, report.markdown(results))
        report.print_tables(results, Console(width=max(Console().width, 140)))
        return 0
    results = run(args, console)
    report.write_results(args.output, results)
    if not args.no_readme:
        report.update_readme(args.readme, report.markdown(results))
    report.print_tables(results, Console(width=max(Console().width, 140)))
    console.log(f"wrote {args.output} in {results['meta']['duration_s']:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
