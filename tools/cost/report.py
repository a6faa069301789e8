"""The estimate for people (rich tables) and for programs (one JSON document)."""

from __future__ import annotations

import json
from typing import TextIO

from rich.table import Table

from tools.console import console_for
from tools.cost import prices
from tools.cost.estimate import Estimate


def _money(value: float) -> str:
    return f"${value:,.2f}"


def write_json(estimate: Estimate, stream: TextIO) -> None:
    json.dump(estimate.to_json(), stream, indent=2)
    stream.write("\n")


def write_human(estimate: Estimate, stream: TextIO) -> None:
    # Without a terminal (CI logs, pipes) lines are never wrapped or cut; a terminal sets its own.
    console = console_for(stream, highlight=False)
    total = estimate.total
    console.print(
        f"[bold]Monthly cost estimate[/] of {estimate.project}/{estimate.stack}: "
        f"[bold]{_money(total)}[/] ({prices.REGION} on-demand list prices as of "
        f"{prices.PRICES_AS_OF}, {prices.HOURS_PER_MONTH} h a month, free tiers not deducted)"
    )

    families = Table(title="Per family", title_justify="left")
    families.add_column("family")
    families.add_column("USD / month", justify="right")
    families.add_column("share", justify="right")
    for family, value in estimate.by_family().items():
        families.add_row(family, _money(value), f"{value / total:.0%}" if total else "-")
    console.print(families)

    workloads = Table(title="Per workload (top-level component)", title_justify="left")
    workloads.add_column("workload")
    workloads.add_column("type")
    workloads.add_column("events/day", justify="right")
    workloads.add_column("USD / month", justify="right")
    for name, value in estimate.by_workload().items():
        volume = estimate.assumptions.volume(name)
        workloads.add_row(
            name,
            estimate.workload_types.get(name, ""),
            f"{volume:,.0f}" if volume else "-",
            _money(value),
        )
    console.print(workloads)

    console.print(f"Assumptions from {estimate.assumptions.source}:")
    assumptions = Table()
    assumptions.add_column("key")
    assumptions.add_column("value", justify="right")
    for key, value in estimate.assumptions.as_config().items():
        assumptions.add_row(key, "-" if value is None else f"{value:g}")
    console.print(assumptions)

    shipment = estimate.shipment()
    if shipment.workloads:
        console.print(
            f"Shipment pipeline ({', '.join(shipment.workloads)}): {_money(shipment.monthly)} "
            f"a month, [bold]{shipment.verdict}[/] seed 003's estimate of "
            f"{_money(shipment.low)}-{_money(shipment.high)}."
        )
    else:
        console.print(f"Shipment pipeline: {shipment.verdict} (seed 003 compares nothing).")
    for note in estimate.notes:
        console.print(f"note: {note}")
