"""The alarms of ``GoldenAmiAsg``, as data: CPU high, a failed status check, fewer in-service
instances than the minimum."""

from __future__ import annotations

import pulumi

from components.compute.golden_ami_args import GoldenAmiAsgArgs
from components.compute.golden_ami_validation import ResolvedCapacity
from components.core.alarms import AlarmSpec
from components.core.severity import Severity

__all__ = ["RUNBOOK_PAGE", "golden_ami_alarm_specs"]

RUNBOOK_PAGE = "asg"


def golden_ami_alarm_specs(
    name: str, args: GoldenAmiAsgArgs, resolved: ResolvedCapacity, group_name: pulumi.Input[str]
) -> dict[str, AlarmSpec]:
    """Alarm name suffix -> spec: CPU high, a failed status check, fewer in-service instances
    than the minimum."""
    group = {"AutoScalingGroupName": group_name}
    return {
        "cpu-high": AlarmSpec(
            description=f"{name}: average CPU of the group above {args.cpu_alarm_percent}%"
            " although it should have scaled out.",
            namespace="AWS/EC2",
            metric_name="CPUUtilization",
            dimensions=group,
            statistic="Average",
            period_seconds=60,
            evaluation_periods=15,
            threshold=args.cpu_alarm_percent,
            comparison="GreaterThanOrEqualToThreshold",
            treat_missing_data="notBreaching",
            severity=Severity.P3,
            runbook_page=RUNBOOK_PAGE,
            runbook_anchor="cpu-high",
        ),
        "status-check-failed": AlarmSpec(
            description=f"{name}: an instance fails its EC2 status checks.",
            namespace="AWS/EC2",
            metric_name="StatusCheckFailed",
            dimensions=group,
            statistic="Maximum",
            period_seconds=60,
            evaluation_periods=3,
            threshold=1,
            comparison="GreaterThanOrEqualToThreshold",
            treat_missing_data="notBreaching",
            severity=Severity.P2,
            runbook_page=RUNBOOK_PAGE,
            runbook_anchor="status-check-failed",
        ),
        # Missing data breaches: no group metrics means no group collecting them.
        "in-service-below-minimum": AlarmSpec(
            description=f"{name}: fewer in-service instances than the minimum"
            f" ({resolved.min_size}) for 10 minutes.",
            namespace="AWS/AutoScaling",
            metric_name="GroupInServiceInstances",
            dimensions=group,
            statistic="Minimum",
            period_seconds=60,
            evaluation_periods=10,
            threshold=resolved.min_size,
            comparison="LessThanThreshold",
            treat_missing_data="breaching",
            severity=Severity.P2,
            runbook_page=RUNBOOK_PAGE,
            runbook_anchor="in-service-below-minimum",
        ),
    }
