"""The VPC every workload runs in (or an existing one)."""

from components.network.vpc import ExistingVpc, Network, NetworkArgs

__all__ = ["ExistingVpc", "Network", "NetworkArgs"]
