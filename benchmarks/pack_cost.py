"""What the whole pack costs a stack preview: the offline preview of a stack with the pack,
against the same preview with a one-rule copy of the pack, as whole processes in alternating
(paired) runs so that load on the shared machine hits both alike.

The one-rule pack is a copy of ``policies/`` that keeps a single rule module, filtered to one
rule, so it pays the process start, the gRPC protocol and the pack framework but none of the
other rules (nor the libraries only they import). Both wall time and the CPU time of the whole
process tree (preview, program and pack) are recorded: on a shared machine the CPU ratio is the
steadier figure. Run alone with ``python -m benchmarks.pack_cost --output FILE [--stack prod]
[--pairs 5] [--program DIR]``; ``make bench`` includes it.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.isolated import REPO_ROOT, write_json
from benchmarks.timing import Samples, timed

PACK = REPO_ROOT / "policies"
BASELINE_MODULE, BASELINE_RULE = "sqs", "sqs-queue-encrypted"
TARGET_RATIO = 1.3


def one_rule_pack(
    destination: Path, module: str = BASELINE_MODULE, rule: str = BASELINE_RULE
) -> Path:
    """A copy of the pack at `destination` that registers only `rule` (from rules/`module`)."""
    shutil.copytree(PACK, destination, ignore=shutil.ignore_patterns("__pycache__"))
    rules = destination / "rules"
    for path in rules.glob("*.py"):
        if path.stem not in ("__init__", "_common", module):
            path.unlink()
    kept = rules / f"{module}.py"
    kept.write_text(
        kept.read_text() + f"\nRULES = [r for r in RULES if r.name == {rule!r}]\n",
        encoding="utf-8",
    )
    # The stack's policy config names rules the copy no longer has: give it none.
    for config in (destination / "config").glob("*.json"):
        config.write_text("{}\n", encoding="utf-8")
    return destination


def _children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _preview(stack: str, pack: Path, program: Path) -> tuple[float, float, dict[str, Any]]:
    """Wall seconds, CPU seconds of the process tree, and the JSON report of one preview."""
    command = [
        sys.executable,
        "-m",
        "tools.preview",
        "--program",
        str(program),
        "--stack",
        stack,
        "--policy-pack",
        str(pack),
        "--json",
    ]
    cpu_before = _children_cpu_s()
    elapsed, done = timed(
        lambda: subprocess.run(
            command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=600, check=False
        )
    )
    cpu = _children_cpu_s() - cpu_before
    if done.returncode not in (0, 1):
        raise RuntimeError(f"preview with {pack} failed ({done.returncode}): {done.stderr[-800:]}")
    return elapsed, cpu, json.loads(done.stdout)


def _rule_count() -> int:
    from policies.rules import all_rules

    return len(all_rules())


def measure(stack: str, pairs: int, warm_ups: int = 1, program: Path = REPO_ROOT) -> dict[str, Any]:
    """Paired whole-process previews of `program`'s `stack`: full pack, then the one-rule pack,
    `pairs` times (after `warm_ups` unmeasured previews with each)."""
    full_s: list[float] = []
    one_s: list[float] = []
    full_cpu: list[float] = []
    one_cpu: list[float] = []
    with tempfile.TemporaryDirectory(prefix="one-rule-pack-") as tmp:
        baseline = one_rule_pack(Path(tmp) / "policies")
        for _ in range(warm_ups):
            _preview(stack, PACK, program)
            _preview(stack, baseline, program)
        resources = 0
        for _ in range(pairs):
            elapsed, cpu, report = _preview(stack, PACK, program)
            full_s.append(elapsed)
            full_cpu.append(cpu)
            resources = len(report["resources"])
            elapsed, cpu, _ = _preview(stack, baseline, program)
            one_s.append(elapsed)
            one_cpu.append(cpu)
    full, one = Samples.of(full_s), Samples.of(one_s)
    ratios = [f / o for f, o in zip(full_s, one_s, strict=True)]
    cpu_ratios = [f / o for f, o in zip(full_cpu, one_cpu, strict=True)]
    rules = _rule_count()
    extra_cpu_s = max(min(full_cpu) - min(one_cpu), 1e-3)
    return {
        "stack": stack,
        "resources": resources,
        "rules": rules,
        "baseline_rule": BASELINE_RULE,
        "full_pack": full.to_json(),
        "one_rule_pack": one.to_json(),
        "full_pack_cpu_s": [round(c, 3) for c in full_cpu],
        "one_rule_pack_cpu_s": [round(c, 3) for c in one_cpu],
        "ratio_min": round(full.min / one.min, 3),
        "ratio_median_of_pairs": round(statistics.median(ratios), 3),
        "cpu_ratio_median_of_pairs": round(statistics.median(cpu_ratios), 3),
        "target_ratio": TARGET_RATIO,
        # Throughput of the rules the full pack adds: every rule judged over the stack, per CPU
        # second the full pack adds to the one-rule preview.
        "rules_per_s": round((rules - 1) / extra_cpu_s, 1),
        "rule_evaluations_per_s": round((rules - 1) * resources / extra_cpu_s),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.pack_cost", description=__doc__)
    parser.add_argument("--stack", default="prod")
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument(
        "--warm-ups", type=int, default=1, help="unmeasured previews with each pack first"
    )
    parser.add_argument(
        "--program", type=Path, default=REPO_ROOT, help="program folder (default: this repository)"
    )
    parser.add_argument("--output", required=True, help="file to write the JSON result to")
    args = parser.parse_args(argv)
    write_json(args.output, measure(args.stack, args.pairs, args.warm_ups, args.program))
    return 0


if __name__ == "__main__":
    sys.exit(main())
