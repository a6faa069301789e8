"""The six alarms of a ``FargateService``, as data: ALB 5xx rate, unhealthy targets, p99
latency, CPU, memory, and running < desired tasks (runbook ``docs/runbooks/ecs.md``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pulumi

from components.containers.fargate_args import FargateServiceArgs
from components.core.alarms import AlarmSpec, ExpressionAlarmSpec, MetricStat
from components.core.severity import Severity

__all__ = ["RUNBOOK_PAGE", "alarm_specs"]

RUNBOOK_PAGE = "ecs"


def _ecs_metric(metric: str, dims: Mapping[str, Any], stat: str) -> MetricStat:
    return MetricStat(
        metric_name=metric,
        namespace="ECS/ContainerInsights",
        dimensions=dims,
        statistic=stat,
    )


def alarm_specs(
    name: str,
    args: FargateServiceArgs,
    *,
    alb_arn_suffix: pulumi.Input[str],
    target_group_arn_suffix: pulumi.Input[str],
    cluster_name: pulumi.Input[str],
    service_name: pulumi.Input[str],
) -> dict[str, AlarmSpec | ExpressionAlarmSpec]:
    """Alarm name suffix -> spec, thresholds from ``args``."""
    alb = {"LoadBalancer": alb_arn_suffix}
    target = {**alb, "TargetGroup": target_group_arn_suffix}
    service = {"ClusterName": cluster_name, "ServiceName": service_name}
    utilization = args.utilization_alarm_percent

    return {
        "alb-5xx": ExpressionAlarmSpec(
            description=f"{name}: more than {args.error_rate_alarm_percent}% of requests"
            " end in a 5xx (from the ALB or the targets).",
            expression="100 * (FILL(elb, 0) + FILL(tgt, 0)) / MAX([FILL(elb, 0) +"
            " FILL(tgt, 0), FILL(req, 0)])",
            label="5xx rate (%)",
            metrics={
                "elb": MetricStat(
                    metric_name="HTTPCode_ELB_5XX_Count",
                    namespace="AWS/ApplicationELB",
                    dimensions=alb,
                    statistic="Sum",
                ),
                "tgt": MetricStat(
                    metric_name="HTTPCode_Target_5XX_Count",
                    namespace="AWS/ApplicationELB",
                    dimensions=target,
                    statistic="Sum",
                ),
                "req": MetricStat(
                    metric_name="RequestCount",
                    namespace="AWS/ApplicationELB",
                    dimensions=alb,
                    statistic="Sum",
                ),
            },
            period_seconds=60,
            evaluation_periods=5,
            datapoints_to_alarm=3,
            threshold=args.error_rate_alarm_percent,
            comparison="GreaterThanThreshold",
            treat_missing_data="notBreaching",
            severity=Severity.P2,
            runbook_page=RUNBOOK_PAGE,
            runbook_anchor="alb-5xx",
        ),
        "unhealthy-targets": AlarmSpec(
            description=f"{name}: the target group has unhealthy tasks.",
            namespace="AWS/ApplicationELB",
            metric_name="UnHealthyHostCount",
            dimensions=target,
            statistic="Maximum",
            period_seconds=60,
            evaluation_periods=5,
            threshold=1,
            comparison="GreaterThanOrEqualToThreshold",
            treat_missing_data="notBreaching",
            severity=Severity.P3,
            runbook_page=RUNBOOK_PAGE,
            runbook_anchor="unhealthy-targets",
        ),
        "latency-p99": AlarmSpec(
            description=f"{name}: p99 target response time above"
            f" {args.latency_p99_alarm_seconds} s.",
            namespace="AWS/ApplicationELB",
            metric_name="TargetResponseTime",
            dimensions=target,
            extended_statistic="p99",
            period_seconds=60,
            evaluation_periods=5,
            datapoints_to_alarm=3,
            threshold=args.latency_p99_alarm_seconds,
            comparison="GreaterThanThreshold",
            treat_missing_data="notBreaching",
            severity=Severity.P3,
            runbook_page=RUNBOOK_PAGE,
            runbook_anchor="latency",
        ),
        "cpu-high": AlarmSpec(
            description=f"{name}: average CPU of the service above {utilization}%.",
            namespace="AWS/ECS",
            metric_name="CPUUtilization",
            dimensions=service,
            statistic="Average",
            period_seconds=60,
            evaluation_periods=10,
            threshold=utilization,
            comparison="GreaterThanOrEqualToThreshold",
            treat_missing_data="notBreaching",
            severity=Severity.P3,
            runbook_page=RUNBOOK_PAGE,
            runbook_anchor="cpu-high",
        ),
        "memory-high": AlarmSpec(
            description=f"{name}: average memory of the service above {utilization}%.",
            namespace="AWS/ECS",
            metric_name="MemoryUtilization",
            dimensions=service,
            statistic="Average",
            period_seconds=60,
            evaluation_periods=10,
            threshold=utilization,
            comparison="GreaterThanOrEqualToThreshold",
            treat_missing_data="notBreaching",
            severity=Severity.P3,
            runbook_page=RUNBOOK_PAGE,
            runbook_anchor="memory-high",
        ),
        # Missing data breaches: a service with no task metrics at all is not running.
        "running-tasks": ExpressionAlarmSpec(
            description=f"{name}: fewer tasks running than desired for 10 minutes.",
            expression="desired - running",
            label="tasks missing",
            metrics={
                "desired": _ecs_metric("DesiredTaskCount", service, "Maximum"),
                "running": _ecs_metric("RunningTaskCount", service, "Minimum"),
            },
            period_seconds=60,
            evaluation_periods=10,
            threshold=1,
            comparison="GreaterThanOrEqualToThreshold",
            treat_missing_data="breaching",
            severity=Severity.P2,
            runbook_page=RUNBOOK_PAGE,
            runbook_anchor="running-tasks",
        ),
    }
