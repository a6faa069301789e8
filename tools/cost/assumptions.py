"""Workload assumptions of an estimate: defaults from seed 003, overridden per stack.

A stack sets them as one JSON object under `aws-platform:costAssumptions` (or
`<project>:costAssumptions` for another project). Keys are camelCase; `<word>EventsPerDay` gives
the volume of every workload whose name contains `<word>` (case-insensitive).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from types import MappingProxyType
from typing import Any

from tools.cost import prices

CONFIG_KEY = "costAssumptions"
PLATFORM_PROJECT = "aws-platform"
_EVENTS_PER_DAY = re.compile(r"^([a-z][A-Za-z0-9]*)EventsPerDay$")

DEFAULT_EVENTS_PER_DAY: Mapping[str, float] = MappingProxyType(
    {"shipment": 30_000, "order": 20_000}
)
"""Seed 003: 30,000 shipment events a day (~900k a month); orders at two thirds of that."""


class AssumptionsError(Exception):
    """The stack's cost assumptions are invalid; lists every problem and names the file."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = tuple(problems)
        super().__init__(f"{source}: invalid {CONFIG_KEY}:\n" + "\n".join(problems))


@dataclass(frozen=True, kw_only=True)
class Assumptions:
    """What the bill depends on beyond the resource graph. Volumes are per workload."""

    events_per_day: Mapping[str, float] = field(default_factory=lambda: DEFAULT_EVENTS_PER_DAY)
    default_events_per_day: float = 0
    event_size_kb: float = 1.0
    lambda_duration_ms: float = 200
    dynamodb_writes_per_event: float = 3
    """Measured for a new shipment event (docs/handlers.md); spread over the workload's tables."""
    dynamodb_reads_per_event: float = 0
    item_size_kb: float = 1.0
    item_retention_days: float = 90
    """Seed 003's TTL: items kept 90 days, then deleted."""
    failure_rate: float = 0.001
    """Share of messages that end in a dead-letter queue."""
    sqs_pollers_per_queue: float = 5
    """Lambda's event source mapping long-polls a queue with 5 pollers (20 s wait) when idle."""
    log_kb_per_event: float = 1.0
    log_gb_per_month: float | None = None
    """When set: the program's whole log ingestion, spread evenly over its log groups."""
    xray_sampled_fraction: float = 1.0
    api_requests_per_second: float = 5
    api_response_kb: float = 2
    nat_gb_per_month: float = 5
    endpoint_gb_per_month: float = 1
    flow_log_gb_per_month: float = 1
    replayed_events_per_month: float = 0
    default_root_volume_gb: float = 8
    spot_price_fraction: float = prices.EC2_SPOT_PRICE_FRACTION
    source: str = field(default="defaults", compare=False)

    def volume(self, workload: str) -> float:
        """Events per day of the workload: the largest volume whose word its name contains."""
        lowered = workload.lower()
        matches = [v for word, v in self.events_per_day.items() if word.lower() in lowered]
        return max(matches) if matches else self.default_events_per_day

    def as_config(self) -> dict[str, Any]:
        """The assumptions in the stack config's own (camelCase) shape."""
        document: dict[str, Any] = {
            f"{word}EventsPerDay": value for word, value in sorted(self.events_per_day.items())
        }
        for item in fields(self):
            if item.name in ("events_per_day", "source"):
                continue
            document[_camel(item.name)] = getattr(self, item.name)
        return document


def _camel(snake: str) -> str:
    head, *rest = snake.split("_")
    return head + "".join(part.title() for part in rest)


_SCALARS = {
    _camel(item.name): item.name
    for item in fields(Assumptions)
    if item.name not in ("events_per_day", "source")
}


def parse_assumptions(document: Any, source: str) -> Assumptions:
    """Assumptions from a `costAssumptions` object; AssumptionsError lists every problem."""
    if not isinstance(document, Mapping):
        raise AssumptionsError(source, [f"{CONFIG_KEY}: must be a JSON object"])
    problems: list[str] = []
    volumes = dict(DEFAULT_EVENTS_PER_DAY)
    values: dict[str, Any] = {}
    for key, value in document.items():
        number = value if isinstance(value, int | float) and not isinstance(value, bool) else None
        if number is None and not (key == "logGbPerMonth" and value is None):
            problems.append(f"{key}: must be a number, got {value!r}")
            continue
        if number is not None and number < 0:
            problems.append(f"{key}: must not be negative, got {value!r}")
            continue
        if key in _SCALARS:
            values[_SCALARS[key]] = number
        elif match := _EVENTS_PER_DAY.match(str(key)):
            volumes[match.group(1)] = float(value)
        else:
            known = ", ".join(sorted([*_SCALARS, "<word>EventsPerDay"]))
            problems.append(f"{key}: unknown assumption (known: {known})")
    for key in ("failureRate", "xraySampledFraction", "spotPriceFraction"):
        value = document.get(key)
        if isinstance(value, int | float) and value > 1:
            problems.append(f"{key}: is a fraction (0..1), got {value!r}")
    if problems:
        raise AssumptionsError(source, problems)
    return Assumptions(events_per_day=MappingProxyType(volumes), source=source, **values)


def load_assumptions(config: Mapping[str, str], project: str, stack_file: Path) -> Assumptions:
    """The stack's assumptions (`aws-platform:costAssumptions`, else `<project>:...`), or the
    defaults when the stack sets none. `config` holds full keys and string values."""
    for namespace in (PLATFORM_PROJECT, project):
        raw = config.get(f"{namespace}:{CONFIG_KEY}")
        if raw is None:
            continue
        source = f"{stack_file} ({namespace}:{CONFIG_KEY})"
        try:
            document = json.loads(raw)
        except json.JSONDecodeError as error:
            raise AssumptionsError(source, [f"{CONFIG_KEY}: not JSON: {error}"]) from error
        return parse_assumptions(document, source)
    return Assumptions(source=f"defaults (no {CONFIG_KEY} in {stack_file})")
