"""Lambda functions and EC2 Auto Scaling groups, each with its alarms."""

from components.compute.alarmed_function import (
    AlarmedFunction,
    AlarmedFunctionArgs,
    Architecture,
    AsyncFailureDestination,
    DestinationKind,
    LogLevel,
    Runtime,
    VpcPlacement,
)
from components.compute.golden_ami_asg import GoldenAmiAsg, GoldenAmiAsgArgs, IngressFrom

__all__ = [
    "AlarmedFunction",
    "AlarmedFunctionArgs",
    "Architecture",
    "AsyncFailureDestination",
    "DestinationKind",
    "GoldenAmiAsg",
    "GoldenAmiAsgArgs",
    "IngressFrom",
    "LogLevel",
    "Runtime",
    "VpcPlacement",
]
