"""Lambda functions and EC2 Auto Scaling groups, each with its alarms.

Each component module (``alarmed_function``, ``golden_ami_asg``) reads validate -> children ->
outputs; beside it are its arguments (``function_args``, ``golden_ami_args``), their checks
(``function_validation``, ``golden_ami_validation``), the builders that return what they make
(``function_role``, ``powertools``; ``instance_role``, ``launch_template``,
``auto_scaling_group``) and its alarms as data (``function_alarms``, ``golden_ami_alarms``).
"""

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
