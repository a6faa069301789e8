"""The reference platform: tier settings and the workloads composed from ``components``."""

from environments.platform import build_platform

__all__ = ["build_platform"]
