"""Repeated wall-clock measurements summarised as min and median (the machine is shared: the
minimum is the best estimate of the cost, the median shows how noisy the run was)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Samples:
    """Seconds measured by repeated runs of one thing."""

    seconds: tuple[float, ...]

    @property
    def min(self) -> float:
        return min(self.seconds)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    def to_json(self) -> dict[str, Any]:
        return {
            "min_s": round(self.min, 4),
            "median_s": round(self.median, 4),
            "samples_s": [round(s, 4) for s in self.seconds],
        }

    @classmethod
    def of(cls, seconds: Sequence[float]) -> Samples:
        if not seconds:
            raise ValueError("no samples")
        return cls(tuple(seconds))


def timed(action: Callable[[], Any]) -> tuple[float, Any]:
    """Seconds taken by ``action()`` and its result."""
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def repeat(action: Callable[[], Any], times: int) -> Samples:
    """Run ``action`` ``times`` times and keep each duration."""
    return Samples.of([timed(action)[0] for _ in range(times)])
