"""The monthly estimate of a program run: line items summed per family and per workload."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tools.cost import prices
from tools.cost.assumptions import Assumptions, load_assumptions
from tools.cost.graph import FAMILIES, Graph
from tools.cost.model import LineItem, price_graph
from tools.preview.program import ProgramRun, run_program_dir
from tools.preview.project import load_project

SEED_RANGE = (15.0, 50.0)
"""Seed 003's estimate of the shipment pipeline: $15-50 a month at 30,000 events a day."""
SHIPMENT_WORD = "shipment"
MIXED_TYPES = "(resources of several types)"


@dataclass(frozen=True, kw_only=True)
class SeedComparison:
    """The shipment pipeline's estimate against seed 003's range."""

    workloads: tuple[str, ...]
    monthly: float
    low: float = SEED_RANGE[0]
    high: float = SEED_RANGE[1]

    @property
    def verdict(self) -> str:
        if not self.workloads:
            return "no shipment workload in this program"
        if self.monthly < self.low:
            return "below"
        if self.monthly > self.high:
            return "above"
        return "inside"


@dataclass(frozen=True, kw_only=True)
class Estimate:
    """Every line item of a stack plus its sums; prices in USD a month."""

    project: str
    stack: str
    items: tuple[LineItem, ...]
    notes: tuple[str, ...]
    assumptions: Assumptions
    workload_types: dict[str, str]

    @property
    def total(self) -> float:
        return sum(item.monthly for item in self.items)

    def by_family(self) -> dict[str, float]:
        sums: dict[str, float] = defaultdict(float)
        for item in self.items:
            sums[item.family] += item.monthly
        return {family: sums[family] for family in FAMILIES if family in sums}

    def by_workload(self) -> dict[str, float]:
        sums: dict[str, float] = defaultdict(float)
        for item in self.items:
            sums[item.workload] += item.monthly
        return dict(sorted(sums.items(), key=lambda pair: (-pair[1], pair[0])))

    def shipment(self) -> SeedComparison:
        names = tuple(name for name in self.workload_types if SHIPMENT_WORD in name.lower())
        monthly = sum(item.monthly for item in self.items if item.workload in names)
        return SeedComparison(workloads=names, monthly=monthly)

    def to_json(self) -> dict[str, Any]:
        shipment = self.shipment()
        return {
            "project": self.project,
            "stack": self.stack,
            "currency": "USD",
            "region": prices.REGION,
            "pricesAsOf": prices.PRICES_AS_OF,
            "hoursPerMonth": prices.HOURS_PER_MONTH,
            "total": round(self.total, 4),
            "families": {name: round(value, 4) for name, value in self.by_family().items()},
            "workloads": [
                {"name": name, "type": self.workload_types.get(name), "monthly": round(value, 4)}
                for name, value in self.by_workload().items()
            ],
            "assumptions": {"source": self.assumptions.source, **self.assumptions.as_config()},
            "shipmentPipeline": {
                "workloads": list(shipment.workloads),
                "monthly": round(shipment.monthly, 4),
                "seedRange": [shipment.low, shipment.high],
                "verdict": shipment.verdict,
            },
            "items": [
                {
                    "urn": item.urn,
                    "resource": item.resource,
                    "type": item.type,
                    "family": item.family,
                    "workload": item.workload,
                    "item": item.item,
                    "quantity": item.quantity,
                    "unit": item.unit,
                    "unitPrice": item.unit_price,
                    "monthly": round(item.monthly, 6),
                }
                for item in self.items
            ],
            "notes": list(self.notes),
        }


def estimate_run(run: ProgramRun, assumptions: Assumptions) -> Estimate:
    """The estimate of a program run under `assumptions`."""
    graph = Graph(run)
    items, notes = price_graph(graph, assumptions)
    workloads: dict[str, str] = {}
    for resource in graph.priced_resources():
        workload = graph.workload(resource)
        known = workloads.setdefault(workload.name, workload.type)
        if known != workload.type:
            workloads[workload.name] = MIXED_TYPES
    return Estimate(
        project=run.project,
        stack=run.stack,
        items=tuple(items),
        notes=tuple(notes),
        assumptions=assumptions,
        workload_types=workloads,
    )


def estimate_program(program_dir: Path | str, stack: str) -> Estimate:
    """Run the program in `program_dir` offline and estimate stack `stack`."""
    project = load_project(program_dir)
    config = project.stack_config(stack)
    assumptions = load_assumptions(config.values, project.name, config.source)
    return estimate_run(run_program_dir(project.directory, stack), assumptions)
