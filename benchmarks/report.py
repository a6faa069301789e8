"""Turning benchmark results into target verdicts, a rich table, ``results.json`` and the
README's Performance section (between ``<!-- BEGIN BENCH -->`` and ``<!-- END BENCH -->``)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

BEGIN, END = "<!-- BEGIN BENCH -->", "<!-- END BENCH -->"
SECTION_HEADING = "## Performance"

PROD_PREVIEW_MAX_S = 5.0
POLICY_OVERHEAD_MAX = 0.5
GROWTH_MAX = 4.4
NEW_EVENT_MAX_WRITES = 3
DUPLICATE_MAX_CALLS = 2
MAKE_TEST_MAX_S = 180.0
PACK_COST_MAX_RATIO = 1.3

PASS, MISS, NOT_MEASURED = "pass", "miss", "not measured"


@dataclass(frozen=True)
class Target:
    """One target of the brief and whether this run met it."""

    name: str
    goal: str
    measured: str
    status: str
    note: str = ""


def _verdict(ok: bool) -> str:
    return PASS if ok else MISS


def _missing(name: str, goal: str, why: str) -> Target:
    return Target(name, goal, "-", NOT_MEASURED, why)


def _measured_sizes(results: Mapping[str, Any]) -> list[dict[str, Any]]:
    sizes = results.get("preview_scaling", {}).get("sizes", [])
    return [s for s in sizes if "error" not in s]


def prod_target(results: Mapping[str, Any]) -> Target:
    prod = results.get("prod_stack")
    name = f"{(prod or {}).get('stack', 'prod')} stack preview with the pack"
    goal = f"< {PROD_PREVIEW_MAX_S:g} s"
    if not prod:
        return _missing(name, goal, "skipped")
    if "error" in prod:
        return _missing(name, goal, "preview failed: " + prod["error"].splitlines()[-1][:160])
    note = f"{prod.get('resources', '?')} resources"
    if "measured_alone_at" in prod:
        load = " ".join(f"{v:.2f}" for v in prod.get("load_average_start") or []) or "?"
        note += (
            f"; measured alone (--stack-only) at commit `{str(prod.get('git_commit'))[:10]}`,"
            f" {prod['measured_alone_at']}, load average {load} at start"
        )
    return Target(
        name,
        goal,
        f"{prod['min_s']:.2f} s (median {prod['median_s']:.2f} s)",
        _verdict(prod["min_s"] < PROD_PREVIEW_MAX_S),
        note,
    )


def overhead_target(results: Mapping[str, Any]) -> Target:
    name, goal = "policy evaluation added to the bare program run", f"<= {POLICY_OVERHEAD_MAX:.0%}"
    sizes = _measured_sizes(results)
    if not sizes:
        return _missing(name, goal, "no preview size measured")
    largest = sizes[-1]
    overhead = largest["policy_overhead"]
    return Target(
        name,
        goal,
        f"+{overhead:.0%}",
        _verdict(overhead <= POLICY_OVERHEAD_MAX),
        f"N={largest['n']} ({largest['resources']} resources), pack start-up "
        f"{largest['pack_start_s']:.2f} s not included",
    )


def growth_target(results: Mapping[str, Any]) -> Target:
    name, goal = "preview growth from N=200 to N=800 (with the pack)", f"<= {GROWTH_MAX:g}x"
    growth = results.get("preview_scaling", {}).get("growth", [])
    step = next((g for g in growth if g["from_n"] == 200 and g["to_n"] == 800), None)
    if step is None:
        proxy = next((g for g in reversed(growth) if g["size_ratio"] == 4), None)
        planned = set(results.get("meta", {}).get("sizes", []))
        why = "a size failed" if {200, 800} <= planned else "N=800 not run (--quick)"
        if proxy:
            why += f"; {proxy['from_n']}->{proxy['to_n']} grew {proxy['time_ratio']:.2f}x"
        return _missing(name, goal, why)
    return Target(
        name,
        goal,
        f"{step['time_ratio']:.2f}x",
        _verdict(step["time_ratio"] <= GROWTH_MAX),
        f"resources grew {step['resource_ratio']:.2f}x",
    )


def pack_cost_target(results: Mapping[str, Any]) -> Target:
    cost = results.get("pack_cost") or {}
    name = f"{cost.get('stack', 'prod')} preview, whole pack vs a one-rule pack"
    goal = f"<= {PACK_COST_MAX_RATIO:g}x"
    if "cpu_ratio_median_of_pairs" not in cost:
        why = (cost.get("error") or "skipped").splitlines()[-1][:160]
        return _missing(name, goal, why)
    return Target(
        name,
        goal,
        f"{cost['cpu_ratio_median_of_pairs']:.2f}x CPU, {cost['ratio_median_of_pairs']:.2f}x wall",
        _verdict(cost["cpu_ratio_median_of_pairs"] <= PACK_COST_MAX_RATIO),
        f"median of paired whole-process runs; {cost['rules']} rules,"
        f" {cost['rules_per_s']:.0f} rules/s",
    )


def handler_targets(results: Mapping[str, Any]) -> list[Target]:
    new_name, new_goal = "DynamoDB writes per new event", f"<= {NEW_EVENT_MAX_WRITES}"
    dup_name, dup_goal = "DynamoDB calls per duplicate event", f"<= {DUPLICATE_MAX_CALLS}"
    moto = results.get("handler", {}).get("moto")
    if not moto:
        why = results.get("handler", {}).get("error", "skipped").splitlines()[-1][:160]
        return [_missing(new_name, new_goal, why), _missing(dup_name, dup_goal, why)]
    return [
        Target(
            new_name,
            new_goal,
            str(moto["new_event_writes"]),
            _verdict(moto["new_event_writes"] <= NEW_EVENT_MAX_WRITES),
            " + ".join(moto["new_event_calls"]),
        ),
        Target(
            dup_name,
            dup_goal,
            str(moto["duplicate_call_count"]),
            _verdict(moto["duplicate_call_count"] <= DUPLICATE_MAX_CALLS),
            " + ".join(moto["duplicate_calls"]) or "none",
        ),
    ]


def make_test_target(results: Mapping[str, Any]) -> Target:
    name, goal = "make test wall time", f"< {MAKE_TEST_MAX_S / 60:g} min"
    run = results.get("make_test") or {}
    if "wall_s" not in run:
        return _missing(name, goal, run.get("error") or "run with --with-tests to measure")
    note = "" if run.get("exit_status") == 0 else f"make test exited {run.get('exit_status')}"
    if run.get("recorded_at"):
        note = (note + "; " if note else "") + f"recorded {run['recorded_at']}"
    verdict = _verdict(run["wall_s"] < MAKE_TEST_MAX_S)
    return Target(name, goal, f"{run['wall_s']:.0f} s", verdict, note)


def evaluate(results: Mapping[str, Any]) -> list[Target]:
    """Every target of the brief, in the brief's order."""
    return [
        prod_target(results),
        overhead_target(results),
        growth_target(results),
        pack_cost_target(results),
        *handler_targets(results),
        make_test_target(results),
    ]


# -- figures ---------------------------------------------------------------------------------


def _s(block: Mapping[str, Any]) -> str:
    return f"{block['min_s']:.2f} / {block['median_s']:.2f}"


def scaling_rows(results: Mapping[str, Any]) -> list[list[str]]:
    rows = []
    for size in results.get("preview_scaling", {}).get("sizes", []):
        if "error" in size:
            rows.append([str(size["n"]), "failed", size["error"].splitlines()[-1][:60], "", "", ""])
            continue
        rows.append(
            [
                str(size["n"]),
                str(size["resources"]),
                _s(size["bare"]),
                _s(size["analysis"]),
                _s(size["with_pack"]),
                f"{size['with_pack_ms_per_resource']:.1f}",
            ]
        )
    return rows


SCALING_HEADER = [
    "N",
    "resources",
    "program (s, min / median)",
    "pack analysis (s)",
    "with pack (s)",
    "ms per resource",
]


def figure_rows(results: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Headline figures beyond the targets, as (label, value)."""
    rows: list[tuple[str, str]] = []
    for step in results.get("preview_scaling", {}).get("growth", []):
        rows.append(
            (
                f"growth N={step['from_n']} -> {step['to_n']}",
                f"{step['time_ratio']:.2f}x time for {step['resource_ratio']:.2f}x resources",
            )
        )
    policy = results.get("policy_eval", {})
    if "grpc_resources_per_s" in policy:
        rows.append(
            (
                "policy evaluation, resources/s (gRPC vs in-process)",
                f"{policy['grpc_resources_per_s']:.0f} vs "
                f"{policy['in_process_resources_per_s']:.0f}"
                f" ({policy['protocol_price_ratio']:.1f}x, "
                f"{policy['protocol_ms_per_resource']:.2f} ms/resource for the protocol)",
            )
        )
        rows.append(
            (
                "stack policies, gRPC vs in-process",
                f"{_s(policy['grpc_analyze_stack'])} s vs "
                f"{_s(policy['in_process_analyze_stack'])} s"
                f" ({policy['stack_policies']} stack policies, {policy['resources']} resources)",
            )
        )
    elif "error" in policy:
        rows.append(("policy evaluation", "failed: " + policy["error"].splitlines()[-1][:100]))
    cost = results.get("pack_cost", {})
    if "rule_evaluations_per_s" in cost:
        rows.append(
            (
                "pack throughput on the stack preview (rules added over a one-rule pack)",
                f"{cost['rules_per_s']:.0f} rules/s, {cost['rule_evaluations_per_s']:.0f}"
                f" rule x resource evaluations/s ({cost['rules']} rules,"
                f" {cost['resources']} resources, CPU time)",
            )
        )
    handler = results.get("handler", {})
    cold = handler.get("cold_import")
    if cold:
        rows.append(
            (
                "handler cold import vs boto3 alone",
                f"{cold['shipment_events']['min_s'] * 1000:.0f} ms vs "
                f"{cold['boto3']['min_s'] * 1000:.0f} ms ({cold['ratio_to_boto3']:.2f}x)",
            )
        )
    moto = handler.get("moto")
    if moto:
        rows.append(
            (
                "handler events/s on moto vs bare conditional put",
                f"{moto['handler_events_per_s']:.0f} vs {moto['bare_puts_per_s']:.0f} "
                f"({moto['handler_to_bare_ratio']:.2f}x the time)",
            )
        )
    return rows


# -- output ----------------------------------------------------------------------------------


def print_tables(results: Mapping[str, Any], console: Console | None = None) -> None:
    """The targets, the scaling table and the headline figures, on the terminal."""
    console = console or Console()
    targets = Table(title="Targets")
    for column in ("target", "goal", "measured", "status", "note"):
        targets.add_column(column)
    styles = {PASS: "green", MISS: "red", NOT_MEASURED: "yellow"}
    for t in evaluate(results):
        status = f"[{styles[t.status]}]{t.status}[/]"
        targets.add_row(t.name, t.goal, t.measured, status, t.note)
    console.print(targets)
    scaling = Table(title="Preview scaling (synthetic programs)")
    for column in SCALING_HEADER:
        scaling.add_column(column, justify="right")
    for row in scaling_rows(results):
        scaling.add_row(*row)
    console.print(scaling)
    figures = Table(title="Figures")
    figures.add_column("figure")
    figures.add_column("value")
    for label, value in figure_rows(results):
        figures.add_row(label, value)
    console.print(figures)


def _markdown_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |"

    return [line(header), line(["---"] * len(header)), *(line(r) for r in rows)]


def markdown(results: Mapping[str, Any]) -> str:
    """The README section's body (between the markers)."""
    meta = results.get("meta", {})
    used = ", ".join(results.get("preview_scaling", {}).get("components_used", [])) or "none"
    load = meta.get("load_average_start") or []
    lines = [
        f"Measured by `make bench` ({'quick' if meta.get('quick') else 'full'} run) on "
        f"{meta.get('cpu_count', '?')} cores, Python {meta.get('python', '?')}, "
        f"load average {' '.join(f'{v:.2f}' for v in load) or '?'} at start, commit "
        f"`{str(meta.get('git_commit', '?'))[:10]}`, {meta.get('finished_at', '?')} "
        f"(the run took {meta.get('duration_s', 0) / 60:.1f} min"
        + (
            f"; {len(meta['uncommitted_paths'])} uncommitted path(s) in the tree"
            if meta.get("uncommitted_paths")
            else ""
        )
        + "). "
        "Times are min / median of repeated runs on a shared machine; every figure is in "
        "`benchmarks/results.json`.",
        "",
        *_markdown_table(
            ["target", "goal", "measured", "status", "note"],
            [[t.name, t.goal, t.measured, t.status.upper(), t.note] for t in evaluate(results)],
        ),
        "",
        f"Preview of synthetic programs mixing {used}, under the SDK's mocks, then the "
        "policy pack (Analyze every resource + AnalyzeStack) over gRPC:",
        "",
        *_markdown_table(SCALING_HEADER, scaling_rows(results)),
        "",
        *_markdown_table(["figure", "value"], figure_rows(results)),
    ]
    return "\n".join(lines) + "\n"


def update_readme(readme: Path, body: str) -> None:
    """Replace the text between the markers; add the section at the end when it is missing."""
    text = readme.read_text(encoding="utf-8") if readme.exists() else ""
    block = f"{BEGIN}\n{body}{END}"
    if BEGIN in text and END in text and text.index(BEGIN) < text.index(END):
        start, end = text.index(BEGIN), text.index(END) + len(END)
        text = text[:start] + block + text[end:]
    else:
        text = text.rstrip("\n") + ("\n\n" if text.strip() else "")
        text += f"{SECTION_HEADING}\n\n{block}\n"
    readme.write_text(text, encoding="utf-8")


def write_results(path: Path, results: Mapping[str, Any]) -> None:
    """``results.json`` with the target verdicts included."""
    document = {**results, "targets": [asdict(t) for t in evaluate(results)]}
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
