"""The compute family after its split: the old module paths still export what they did, every
module stays under 500 lines, and the alarm tables and resolved sizes are plain data."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from components.compute.function_alarms import function_alarm_specs
from components.compute.function_args import (
    AlarmedFunctionArgs,
    AsyncFailureDestination,
    DestinationKind,
)
from components.compute.golden_ami_alarms import golden_ami_alarm_specs
from components.compute.golden_ami_args import GoldenAmiAsgArgs
from components.compute.golden_ami_validation import ResolvedCapacity, resolve
from components.core.aws_values import LOG_RETENTION_DAYS
from components.core.context import PlatformContext
from components.core.severity import Severity

COMPUTE = Path(__file__).resolve().parents[3] / "components" / "compute"

# What the two modules exported (``__all__`` and the public constants and functions) before
# they were split; consumers import these from the old paths.
EXPORTED_BEFORE = {
    "components.compute.alarmed_function": [
        "COMPONENT",
        "LOG_RETENTION_DAYS",
        "NEAR_LIMIT_FRACTION",
        "POWERTOOLS_LAYER_ACCOUNT",
        "POWERTOOLS_LAYER_VERSION",
        "RUNBOOK_PAGE",
        "AlarmedFunction",
        "AlarmedFunctionArgs",
        "Architecture",
        "AsyncFailureDestination",
        "DestinationKind",
        "LogLevel",
        "Runtime",
        "VpcPlacement",
        "powertools_layer_arn",
        "problems",
    ],
    "components.compute.golden_ami_asg": [
        "COMPONENT",
        "GROUP_METRICS",
        "GROUP_NOTIFICATIONS",
        "RUNBOOK_PAGE",
        "SESSION_MANAGER_ACTIONS",
        "GoldenAmiAsg",
        "GoldenAmiAsgArgs",
        "IngressFrom",
        "instance_statements",
    ],
}
FUNCTION = AlarmedFunctionArgs(handler="shipment_events.handler")
ASG = GoldenAmiAsgArgs(vpc_id="vpc-0abc", subnet_ids=["subnet-a", "subnet-b"])


@pytest.mark.parametrize("module", sorted(EXPORTED_BEFORE))
def test_the_old_module_paths_export_what_they_did(module: str) -> None:
    loaded = importlib.import_module(module)
    missing = [name for name in EXPORTED_BEFORE[module] if not hasattr(loaded, name)]
    assert not missing
    assert set(EXPORTED_BEFORE[module]) <= set(loaded.__all__)


def test_the_retention_values_are_the_core_ones() -> None:
    from components.compute import alarmed_function

    assert alarmed_function.LOG_RETENTION_DAYS is LOG_RETENTION_DAYS


def test_no_compute_module_is_over_500_lines() -> None:
    too_long = {
        path.name: n
        for path in COMPUTE.glob("*.py")
        if (n := len(path.read_text().splitlines())) > 500
    }
    assert not too_long


def test_function_alarms_put_errors_first_and_add_concurrency_and_destination_on_demand() -> None:
    assert list(function_alarm_specs("fn", FUNCTION, "fn-name")) == [
        "errors",
        "throttles",
        "duration",
    ]
    both = AlarmedFunctionArgs(
        handler="shipment_events.handler",
        timeout_seconds=10,
        reserved_concurrency=5,
        on_failure=AsyncFailureDestination(
            arn="arn:aws:sqs:us-east-1:123456789012:failed", kind=DestinationKind.SQS
        ),
    )
    specs = function_alarm_specs("fn", both, "fn-name")
    assert list(specs) == ["errors", "throttles", "duration", "concurrency", "destination-failures"]
    assert specs["duration"].threshold == 8000  # 80 % of 10 s, in ms
    assert specs["concurrency"].threshold == 4
    assert specs["errors"].severity is Severity.P2
    assert all(spec.dimensions == {"FunctionName": "fn-name"} for spec in specs.values())


@pytest.mark.parametrize(
    ("tier", "expected"),
    [
        ("dev", ResolvedCapacity(min_size=2, max_size=4, desired=2, spot=True)),
        ("prod", ResolvedCapacity(min_size=3, max_size=9, desired=3, spot=False)),
    ],
)
def test_resolve_fills_the_tier_defaults(tier: str, expected: ResolvedCapacity) -> None:
    assert resolve(ASG, PlatformContext.for_tests(tier)) == expected


def test_golden_ami_alarms_use_the_resolved_minimum() -> None:
    resolved = ResolvedCapacity(min_size=3, max_size=6, desired=3, spot=False)
    specs = golden_ami_alarm_specs("web", ASG, resolved, "web-asg")
    assert list(specs) == ["cpu-high", "status-check-failed", "in-service-below-minimum"]
    assert specs["in-service-below-minimum"].threshold == 3
    assert specs["in-service-below-minimum"].treat_missing_data == "breaching"
    assert specs["cpu-high"].threshold == ASG.cpu_alarm_percent
