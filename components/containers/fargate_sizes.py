"""The CPU/memory combinations Fargate accepts for a task (Linux; values in CPU units and MiB)."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

__all__ = ["FARGATE_SIZES", "fargate_size_problem"]


def _range_mib(low_gib: int, high_gib: int, step_gib: int) -> tuple[int, ...]:
    return tuple(gib * 1024 for gib in range(low_gib, high_gib + 1, step_gib))


# AWS ECS developer guide, "Task CPU and memory" (Fargate): cpu units -> allowed memory.
FARGATE_SIZES: Mapping[int, tuple[int, ...]] = MappingProxyType(
    {
        256: (512, 1024, 2048),
        512: _range_mib(1, 4, 1),
        1024: _range_mib(2, 8, 1),
        2048: _range_mib(4, 16, 1),
        4096: _range_mib(8, 30, 1),
        8192: _range_mib(16, 60, 4),
        16384: _range_mib(32, 120, 8),
    }
)


def fargate_size_problem(cpu: int, memory_mib: int) -> str | None:
    """Why ``cpu``/``memory_mib`` is not a Fargate task size, or None when it is one."""
    allowed = FARGATE_SIZES.get(cpu)
    if allowed is None:
        return f"cpu: {cpu} is not a Fargate size (one of {', '.join(map(str, FARGATE_SIZES))})"
    if memory_mib not in allowed:
        return (
            f"memory_mib: {memory_mib} is not valid with cpu {cpu}"
            f" (allowed: {', '.join(map(str, allowed))})"
        )
    return None
