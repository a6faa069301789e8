"""`make bench` at the tiniest size: every code path runs and the outputs hold together.

Nothing here asserts a duration; the benchmark measures and reports, the tests prove it works.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from benchmarks import commands, report

pytestmark = pytest.mark.slow

REPO_ROOT = Path(__file__).resolve().parents[2]
SMALL_PROGRAM = REPO_ROOT / "tests" / "preview" / "programs" / "clean"
README_TEXT = (
    "# project\n\nIntro.\n\n## Performance\n\n{BEGIN}\nold figures\n{END}\n\n## After\n\nKept.\n"
)


@pytest.fixture(scope="module")
def bench(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], str]:
    """One tiny end-to-end run of the CLI: N=1, one run each, two events, a small program."""
    scratch = tmp_path_factory.mktemp("bench")
    readme = scratch / "README.md"
    readme.write_text(README_TEXT.format(BEGIN=report.BEGIN, END=report.END))
    output = scratch / "results.json"
    command = [
        sys.executable,
        "-m",
        "benchmarks",
        "--sizes",
        "1",
        "--repeat",
        "1",
        "--policy-n",
        "1",
        "--events",
        "2",
        "--stack",
        "dev",
        # A five-resource program: the stack sections run their code paths, not a stack's size.
        "--program",
        str(SMALL_PROGRAM),
        "--pack-pairs",
        "1",
        # The warm-up previews run the same code as the measured ones: none here.
        "--pack-warm-ups",
        "0",
        "--stack-warm-ups",
        "0",
        "--output",
        str(output),
        "--readme",
        str(readme),
    ]
    done = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(output.read_text()), readme.read_text()


def test_results_carry_machine_and_every_section(bench: tuple[dict[str, Any], str]) -> None:
    results, _ = bench
    meta = results["meta"]
    assert meta["cpu_count"] >= 1 and meta["python"] and meta["platform"]
    assert len(meta["git_commit"]) == 40
    assert len(meta["load_average_start"]) == 3
    assert {t["name"] for t in results["targets"]} == {t.name for t in report.evaluate(results)}
    assert len(results["targets"]) == 7


def test_pack_cost_pairs_the_whole_pack_with_a_one_rule_copy(
    bench: tuple[dict[str, Any], str],
) -> None:
    cost = bench[0]["pack_cost"]
    assert cost["stack"] == "dev" and cost["rules"] > 1
    # --program reached both stack sections: the small program's 4 resources, not the stack's.
    assert cost["resources"] == bench[0]["prod_stack"]["resources"] == 4
    assert len(cost["full_pack_cpu_s"]) == len(cost["one_rule_pack_cpu_s"]) == 1
    assert cost["rules_per_s"] > 0


def test_one_rule_pack_registers_exactly_one_rule(tmp_path: Path) -> None:
    from benchmarks.pack_cost import BASELINE_RULE, one_rule_pack
    from tools.preview.analyzer import PolicyPackProcess

    with PolicyPackProcess(one_rule_pack(tmp_path / "policies")) as pack:
        assert [p.name for p in pack.info().policies] == [BASELINE_RULE]


def test_preview_scaling_ran_in_its_own_process_with_the_pack(
    bench: tuple[dict[str, Any], str],
) -> None:
    scaling = bench[0]["preview_scaling"]
    assert scaling["components_used"], scaling["components_skipped"]
    [size] = scaling["sizes"]
    assert "error" not in size, size.get("error")
    assert size["n"] == 1 and size["resources"] > 1
    assert size["bare"]["min_s"] > 0 and size["analysis"]["min_s"] > 0
    assert size["with_pack"]["samples_s"][0] == pytest.approx(
        size["bare"]["samples_s"][0] + size["analysis"]["samples_s"][0], abs=1e-3
    )
    assert scaling["growth"] == []  # one size: nothing to compare


def test_policy_eval_compares_both_paths_and_profiles(bench: tuple[dict[str, Any], str]) -> None:
    policy = bench[0]["policy_eval"]
    assert "error" not in policy, policy.get("error")
    assert policy["resource_policies"] > 0 and policy["stack_policies"] > 0
    assert policy["grpc_resources_per_s"] > 0 and policy["in_process_resources_per_s"] > 0
    for profile in ("profile_grpc_client_top10", "profile_in_process_top10"):
        rows = policy[profile]
        assert 0 < len(rows) <= 10
        assert all("/benchmarks/" not in row["function"] for row in rows)
        cumulative = [row["cumulative_s"] for row in rows]
        assert cumulative == sorted(cumulative, reverse=True)


def test_handler_counts_calls_on_moto(bench: tuple[dict[str, Any], str]) -> None:
    handler = bench[0]["handler"]
    assert "error" not in handler, handler.get("error")
    moto = handler["moto"]
    assert moto["new_event_calls"] == ["PutItem", "PutItem", "UpdateItem"]
    assert moto["duplicate_calls"] == ["PutItem"]
    assert moto["events"] == 2 and moto["handler_events_per_s"] > 0
    cold = handler["cold_import"]
    assert cold["ratio_to_boto3"] > 0
    assert any(row["module"] == "aws_clients" for row in cold["breakdown_top"])


def test_readme_section_replaced_between_markers_only(bench: tuple[dict[str, Any], str]) -> None:
    _, readme = bench
    before, rest = readme.split(report.BEGIN)
    section, after = rest.split(report.END)
    assert before == "# project\n\nIntro.\n\n## Performance\n\n"
    assert after == "\n\n## After\n\nKept.\n"
    assert "old figures" not in section
    assert "| dev stack preview with the pack | < 5 s |" in section
    assert "| N | resources |" in section and "| target | goal |" in section


def test_missing_section_is_appended(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("# project\n\nText.\n")
    report.update_readme(readme, "figures\n")
    assert readme.read_text() == (
        f"# project\n\nText.\n\n## Performance\n\n{report.BEGIN}\nfigures\n{report.END}\n"
    )
    report.update_readme(readme, "new\n")
    assert readme.read_text().count(report.BEGIN) == 1
    assert f"{report.BEGIN}\nnew\n{report.END}" in readme.read_text()


def _results(**sections: Any) -> dict[str, Any]:
    return {"meta": {"sizes": [10, 50, 200, 800]}, **sections}


def _size(n: int, resources: int, bare: float, analysis: float) -> dict[str, Any]:
    return {
        "n": n,
        "resources": resources,
        "bare": {"min_s": bare, "median_s": bare},
        "analysis": {"min_s": analysis, "median_s": analysis},
        "with_pack": {"min_s": bare + analysis, "median_s": bare + analysis},
        "policy_overhead": analysis / bare,
        "pack_start_s": 0.2,
        "with_pack_ms_per_resource": 1.0,
    }


def test_targets_pass_and_miss_on_the_brief_thresholds() -> None:
    from benchmarks.preview_scaling import growth

    sizes = [_size(200, 4000, 40.0, 20.0), _size(800, 16000, 200.0, 80.0)]
    results = _results(
        preview_scaling={"sizes": sizes, "growth": growth(sizes)},
        prod_stack={"min_s": 4.9, "median_s": 5.2, "resources": 226},
        handler={
            "moto": {
                "new_event_writes": 4,
                "new_event_calls": ["PutItem"] * 4,
                "duplicate_call_count": 2,
                "duplicate_calls": ["PutItem", "GetItem"],
            }
        },
        make_test={"wall_s": 181.0, "exit_status": 0},
        pack_cost={
            "stack": "prod",
            "rules": 140,
            "rules_per_s": 120.0,
            "ratio_median_of_pairs": 1.2,
            "cpu_ratio_median_of_pairs": 1.31,
        },
    )
    verdicts = {t.name: t.status for t in report.evaluate(results)}
    assert verdicts == {
        "prod stack preview with the pack": report.PASS,  # 4.9 < 5
        "policy evaluation added to the bare program run": report.PASS,  # +40 % at N=800
        "preview growth from N=200 to N=800 (with the pack)": report.MISS,  # 280/60 = 4.67x
        "prod preview, whole pack vs a one-rule pack": report.MISS,  # 1.31x CPU > 1.3x
        "DynamoDB writes per new event": report.MISS,
        "DynamoDB calls per duplicate event": report.PASS,
        "make test wall time": report.MISS,
    }


def test_failures_and_skips_are_not_measured_not_passed() -> None:
    results = _results(
        preview_scaling={"sizes": [{"n": 10, "error": "boom"}], "growth": []},
        prod_stack={"error": "Traceback ...\nValueError: bad stack file"},
        handler={"error": "moto failed"},
        make_test={},
    )
    targets = report.evaluate(results)
    assert {t.status for t in targets} == {report.NOT_MEASURED}
    assert "ValueError: bad stack file" in targets[0].note


def test_failed_stack_preview_is_recorded_not_raised() -> None:
    program = REPO_ROOT / "tests" / "preview" / "programs" / "clean"
    result = commands.stack_preview("no-such-stack", 1, program_dir=program, warm_ups=0)
    assert result["exit_status"] == commands.PREVIEW_FAILED
    assert "no-such-stack" in result["error"]
    assert "min_s" not in result
