"""Preview scaling: a synthetic program of N components under the mocks, alone and followed by
the policy pack (Analyze of every resource + AnalyzeStack), one fresh process per size.

Each repetition runs the program once (the bare time) and sends what it registered to a pack
started once per size (the analysis time), so the two figures compare within one run. The pack's
start-up is reported on its own. Run one size: ``python -m benchmarks.preview_scaling --n 50``
(``--output FILE`` receives the JSON result).
"""

from __future__ import annotations

import argparse
import functools
import itertools
from collections import Counter
from collections.abc import Sequence
from typing import Any

from benchmarks import isolated, synthetic_program
from benchmarks.timing import Samples, timed

PACK_DIR = synthetic_program.REPO_ROOT / "policies"


def measure_size(n: int, kinds: Sequence[str], repeat: int) -> dict[str, Any]:
    """Bare and analysis times for a program of ``n`` components, in this process."""
    from tools.preview.analyzer import PolicyPackProcess, Violation
    from tools.preview.program import ProgramRun, run_in_mocks

    program = synthetic_program.program(n, kinds)
    bare: list[float] = []
    analysis: list[float] = []
    resources = 0
    found: list[Violation] = []
    pack = PolicyPackProcess(PACK_DIR)

    def analyze(run: ProgramRun) -> list[Violation]:
        return pack.analyze_all(run.resources) + pack.analyze_stack(run.resources)

    try:
        start_s, _ = timed(pack.start)
        for _ in range(repeat):
            seconds, run = timed(lambda: run_in_mocks(program))
            bare.append(seconds)
            seconds, found = timed(functools.partial(analyze, run))
            analysis.append(seconds)
            resources = len(run.resources)
    finally:
        pack.stop()
    with_pack = Samples.of([b + a for b, a in zip(bare, analysis, strict=True)])
    bare_samples, analysis_samples = Samples.of(bare), Samples.of(analysis)
    return {
        "n": n,
        "resources": resources,
        "violations": len(found),
        "violations_by_policy": dict(Counter(v.policy for v in found).most_common()),
        "repeat": repeat,
        "bare": bare_samples.to_json(),
        "analysis": analysis_samples.to_json(),
        "with_pack": with_pack.to_json(),
        "pack_start_s": round(start_s, 4),
        "policy_overhead": round(analysis_samples.min / bare_samples.min, 4),
        "bare_ms_per_resource": round(1000 * bare_samples.min / resources, 4),
        "analysis_ms_per_resource": round(1000 * analysis_samples.min / resources, 4),
        "with_pack_ms_per_resource": round(1000 * with_pack.min / resources, 4),
    }


def run_size(n: int, kinds: Sequence[str], repeat: int, timeout: float) -> dict[str, Any]:
    """`measure_size` in a fresh interpreter, so SDK state and memory do not leak across sizes."""
    args = ["--n", str(n), "--repeat", str(repeat), "--kinds", ",".join(kinds)]
    result = isolated.run_json("benchmarks.preview_scaling", args, timeout=timeout)
    return {"n": n, **result}


def growth(sizes: Sequence[dict[str, Any]], metric: str = "with_pack") -> list[dict[str, Any]]:
    """Time ratio between consecutive measured sizes (minimum times), with the size ratio."""
    measured = [s for s in sizes if "error" not in s]
    return [
        {
            "from_n": a["n"],
            "to_n": b["n"],
            "size_ratio": round(b["n"] / a["n"], 3),
            "resource_ratio": round(b["resources"] / a["resources"], 3),
            "time_ratio": round(b[metric]["min_s"] / a[metric]["min_s"], 3),
        }
        for a, b in itertools.pairwise(measured)
    ]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, required=True, help="component instances")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--kinds", required=True, help="comma-separated component kinds")
    parser.add_argument("--output", required=True, help="file to write the JSON result to")
    args = parser.parse_args(argv)
    isolated.write_json(args.output, measure_size(args.n, args.kinds.split(","), args.repeat))


if __name__ == "__main__":
    main()
