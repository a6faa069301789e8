"""The alarms of ``AlarmedFunction``, as data: errors, throttles, duration, concurrency and
failed deliveries to the failure destination."""

from __future__ import annotations

from typing import Any

import pulumi

from components.compute.function_args import AlarmedFunctionArgs
from components.core.alarms import AlarmSpec
from components.core.severity import Severity

__all__ = ["NEAR_LIMIT_FRACTION", "RUNBOOK_PAGE", "function_alarm_specs"]

RUNBOOK_PAGE = "lambda"
# Share of the timeout (and of the reserved concurrency) that counts as "near the limit".
NEAR_LIMIT_FRACTION = 0.8


def function_alarm_specs(
    name: str, args: AlarmedFunctionArgs, function_name: pulumi.Input[str]
) -> dict[str, AlarmSpec]:
    """Alarm name suffix -> spec; errors first (the composite alarms of callers use it)."""
    dimensions = {"FunctionName": function_name}

    def spec(**values: Any) -> AlarmSpec:
        return AlarmSpec(
            namespace="AWS/Lambda",
            dimensions=dimensions,
            treat_missing_data="notBreaching",
            runbook_page=RUNBOOK_PAGE,
            **values,
        )

    specs: dict[str, AlarmSpec] = {
        "errors": spec(
            description=f"{name}: invocations are failing.",
            metric_name="Errors",
            statistic="Sum",
            comparison="GreaterThanOrEqualToThreshold",
            threshold=1,
            period_seconds=300,
            evaluation_periods=1,
            severity=Severity.P2,
            runbook_anchor="errors",
        ),
        "throttles": spec(
            description=f"{name}: invocations are throttled.",
            metric_name="Throttles",
            statistic="Sum",
            comparison="GreaterThanOrEqualToThreshold",
            threshold=1,
            period_seconds=300,
            evaluation_periods=1,
            severity=Severity.P3,
            runbook_anchor="throttles",
        ),
        "duration": spec(
            description=f"{name}: p99 duration is above 80 % of the timeout.",
            metric_name="Duration",
            extended_statistic="p99",
            comparison="GreaterThanThreshold",
            threshold=args.timeout_seconds * 1000 * NEAR_LIMIT_FRACTION,
            period_seconds=300,
            evaluation_periods=3,
            severity=Severity.P3,
            runbook_anchor="duration",
        ),
    }
    if args.reserved_concurrency is not None:
        specs["concurrency"] = spec(
            description=f"{name}: concurrency is above 80 % of its reservation.",
            metric_name="ConcurrentExecutions",
            statistic="Maximum",
            comparison="GreaterThanOrEqualToThreshold",
            threshold=max(1, int(args.reserved_concurrency * NEAR_LIMIT_FRACTION)),
            period_seconds=60,
            evaluation_periods=5,
            severity=Severity.P3,
            runbook_anchor="concurrency",
        )
    if args.on_failure is not None:
        specs["destination-failures"] = spec(
            description=f"{name}: failed async invocations could not reach the destination.",
            metric_name="DestinationDeliveryFailures",
            statistic="Sum",
            comparison="GreaterThanOrEqualToThreshold",
            threshold=1,
            period_seconds=300,
            evaluation_periods=1,
            severity=Severity.P2,
            runbook_anchor="destination-failures",
        )
    return specs
