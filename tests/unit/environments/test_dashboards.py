"""Dashboard bodies: one row per consumer with its queue, DLQ and function metrics."""

from __future__ import annotations

import json

from environments.dashboards import ConsumerPanel, dashboard_body


def test_one_row_of_three_widgets_per_consumer() -> None:
    panels = [
        ConsumerPanel("billing", "q-billing", "q-billing-dlq", "fn-billing"),
        ConsumerPanel("analytics", "q-analytics", "q-analytics-dlq", "fn-analytics"),
    ]
    widgets = json.loads(dashboard_body("eu-west-1", panels))["widgets"]
    assert [w["properties"]["title"] for w in widgets] == [
        "billing: queue",
        "billing: dead-letter queue",
        "billing: function",
        "analytics: queue",
        "analytics: dead-letter queue",
        "analytics: function",
    ]
    assert [(w["x"], w["y"]) for w in widgets[3:]] == [(0, 6), (8, 6), (16, 6)]
    assert {w["properties"]["region"] for w in widgets} == {"eu-west-1"}
    dlq_metrics = widgets[1]["properties"]["metrics"]
    assert dlq_metrics == [
        [
            "AWS/SQS",
            "ApproximateNumberOfMessagesVisible",
            "QueueName",
            "q-billing-dlq",
            {"stat": "Maximum"},
        ]
    ]
    function_metrics = {m[1] for m in widgets[2]["properties"]["metrics"]}
    assert function_metrics == {"Invocations", "Errors", "Throttles", "Duration"}
