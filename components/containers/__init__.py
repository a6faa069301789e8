"""ECS on Fargate behind an Application Load Balancer."""

from components.containers.fargate_service import (
    CpuArchitecture,
    FargateService,
    FargateServiceArgs,
    SecretSource,
    ServiceSecret,
)

__all__ = [
    "CpuArchitecture",
    "FargateService",
    "FargateServiceArgs",
    "SecretSource",
    "ServiceSecret",
]
