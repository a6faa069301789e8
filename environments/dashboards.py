"""CloudWatch dashboards per workload (seed 003 asks for real-time dashboards).

The dashboard body is plain data built from the components' outputs; each widget is one
metric family of one component.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from components import IdempotentQueueConsumer, PlatformContext, Service, physical_name

__all__ = ["ConsumerPanel", "dashboard_body", "workload_dashboard"]

_WIDTH = 8
_HEIGHT = 6


@dataclass(frozen=True)
class ConsumerPanel:
    """Names of one consumer's queue, DLQ and function, resolved to plain strings."""

    title: str
    queue_name: str
    dlq_name: str
    function_name: str


def _metric(namespace: str, dimension: str, value: str, metric: str, **options: str) -> list[Any]:
    """One CloudWatch dashboard metric line: namespace, metric, dimension, value, options."""
    return [namespace, metric, dimension, value, *([options] if options else [])]


def _widget(title: str, region: str, metrics: list[list[Any]], x: int, y: int) -> dict[str, Any]:
    return {
        "type": "metric",
        "x": x,
        "y": y,
        "width": _WIDTH,
        "height": _HEIGHT,
        "properties": {
            "title": title,
            "region": region,
            "view": "timeSeries",
            "stat": "Sum",
            "period": 60,
            "metrics": metrics,
        },
    }


def dashboard_body(region: str, panels: Sequence[ConsumerPanel]) -> str:
    """Dashboard JSON: per consumer a row of queue, DLQ and function widgets."""
    widgets: list[dict[str, Any]] = []
    for row, panel in enumerate(panels):
        y = row * _HEIGHT
        queue = ("AWS/SQS", "QueueName", panel.queue_name)
        dlq = ("AWS/SQS", "QueueName", panel.dlq_name)
        function = ("AWS/Lambda", "FunctionName", panel.function_name)
        rows: list[tuple[str, list[list[Any]]]] = [
            (
                "queue",
                [
                    _metric(*queue, "ApproximateNumberOfMessagesVisible"),
                    _metric(*queue, "ApproximateAgeOfOldestMessage", stat="Maximum", yAxis="right"),
                    _metric(*queue, "NumberOfMessagesDeleted"),
                ],
            ),
            (
                "dead-letter queue",
                [_metric(*dlq, "ApproximateNumberOfMessagesVisible", stat="Maximum")],
            ),
            (
                "function",
                [
                    _metric(*function, "Invocations"),
                    _metric(*function, "Errors"),
                    _metric(*function, "Throttles"),
                    _metric(*function, "Duration", stat="p99", yAxis="right"),
                ],
            ),
        ]
        for column, (title, metrics) in enumerate(rows):
            widgets.append(_widget(f"{panel.title}: {title}", region, metrics, column * _WIDTH, y))
    return json.dumps({"widgets": widgets}, sort_keys=True)


def workload_dashboard(
    name: str, context: PlatformContext, consumers: dict[str, IdempotentQueueConsumer]
) -> aws.cloudwatch.Dashboard:
    """One dashboard for a workload's consumers."""
    titles = list(consumers)
    names = [
        pulumi.Output.all(c.queue_name, c.dlq_name, c.function_name) for c in consumers.values()
    ]
    body = pulumi.Output.all(*names).apply(
        lambda resolved: dashboard_body(
            context.settings.region,
            [
                ConsumerPanel(title, queue, dlq, function)
                for title, (queue, dlq, function) in zip(titles, resolved, strict=True)
            ],
        )
    )
    return aws.cloudwatch.Dashboard(
        f"{name}-dashboard",
        dashboard_name=physical_name(context, name, Service.CLOUDWATCH_ALARM),
        dashboard_body=body,
    )
