import dataclasses

import pytest

from components.core.alarms import (
    AlarmSpec,
    CompositeAlarmSpec,
    ExpressionAlarmSpec,
    MetricStat,
    Severity,
    create_alarm,
    create_composite_alarm,
)
from components.core.context import PlatformContext
from components.core.errors import ComponentArgumentsError
from tools.preview.program import run_in_mocks

TOPICS = {
    Severity.P1: "arn:aws:sns:us-east-1:123456789012:p1",
    Severity.P3: "arn:aws:sns:us-east-1:123456789012:p3",
}
SPEC = AlarmSpec(
    metric_name="ApproximateNumberOfMessagesVisible",
    namespace="AWS/SQS",
    dimensions={"QueueName": "orders-dlq"},
    statistic="Maximum",
    period_seconds=60,
    evaluation_periods=5,
    datapoints_to_alarm=3,
    threshold=0,
    comparison="GreaterThanThreshold",
    treat_missing_data="notBreaching",
    severity=Severity.P1,
    runbook_page="dead-letter-queues",
    runbook_anchor="dlq-has-messages",
    description="The dead-letter queue holds messages.",
)


def _alarm(spec: AlarmSpec, **context_overrides):
    context = PlatformContext.for_tests(
        alarm_topic_arns=TOPICS,
        runbook_base_url="https://git.example.com/platform/",
        **context_overrides,
    )

    def program() -> None:
        create_alarm("orders-dlq-depth", context, spec)

    (alarm,) = run_in_mocks(program).of_type("aws:cloudwatch/metricAlarm:MetricAlarm")
    return alarm.inputs


def test_alarm_has_explicit_missing_data_actions_and_runbook_link():
    inputs = _alarm(SPEC)
    assert inputs["name"] == "aws-platform-dev-orders-dlq-depth"
    assert inputs["treatMissingData"] == "notBreaching"
    assert inputs["alarmActions"] == [TOPICS[Severity.P1]]
    assert inputs["okActions"] == [TOPICS[Severity.P1]]
    assert inputs["actionsEnabled"] is True
    assert inputs["alarmDescription"] == (
        "The dead-letter queue holds messages. Severity: P1. Runbook: "
        "https://git.example.com/platform/docs/runbooks/dead-letter-queues.md#dlq-has-messages"
    )
    assert inputs["evaluationPeriods"] == 5 and inputs["datapointsToAlarm"] == 3
    assert inputs["comparisonOperator"] == "GreaterThanThreshold"
    assert inputs["statistic"] == "Maximum" and "extendedStatistic" not in inputs
    assert inputs["tags"]["Severity"] == "P1" and inputs["tags"]["ManagedBy"] == "pulumi"


def test_lower_severities_do_not_notify_recovery_and_missing_topics_mean_no_actions():
    p3 = _alarm(dataclasses.replace(SPEC, severity=Severity.P3))
    assert p3["alarmActions"] == [TOPICS[Severity.P3]]
    assert p3.get("okActions", []) == []
    p2 = _alarm(dataclasses.replace(SPEC, severity=Severity.P2))
    assert p2.get("alarmActions", []) == [] and p2.get("okActions", []) == []


def test_datapoints_default_to_evaluation_periods_and_extended_statistics_work():
    inputs = _alarm(
        dataclasses.replace(
            SPEC, statistic=None, extended_statistic="p95", datapoints_to_alarm=None
        )
    )
    assert inputs["extendedStatistic"] == "p95" and "statistic" not in inputs
    assert inputs["datapointsToAlarm"] == 5


def test_every_spec_problem_is_reported_at_once():
    bad = dataclasses.replace(
        SPEC,
        statistic="Median",
        period_seconds=45,
        evaluation_periods=2,
        datapoints_to_alarm=3,
        comparison="Bigger",
        treat_missing_data="zero",
        runbook_page="Dead Letter",
        runbook_anchor="",
        description=" ",
    )
    with pytest.raises(ComponentArgumentsError) as raised:
        create_alarm("x", PlatformContext.for_tests(), bad)
    assert raised.value.problems == (
        "statistic: 'Median' is not one of Average, Maximum, Minimum, SampleCount, Sum",
        "period_seconds: 45 must be 10, 20, 30 or a multiple of 60",
        "datapoints_to_alarm: must be between 1 and evaluation_periods",
        "comparison: 'Bigger' is not one of GreaterThanOrEqualToThreshold, GreaterThanThreshold,"
        " LessThanThreshold, LessThanOrEqualToThreshold",
        "treat_missing_data: 'zero' is not one of breaching, notBreaching, ignore, missing",
        "runbook_page: 'Dead Letter' must be a lowercase slug naming docs/runbooks/<page>.md",
        "runbook_anchor: '' must be a lowercase slug",
        "description: must not be empty",
    )


def test_treat_missing_data_has_no_default():
    fields = {f.name: f for f in dataclasses.fields(AlarmSpec)}
    assert fields["treat_missing_data"].default is dataclasses.MISSING


def test_statistic_and_extended_statistic_are_exclusive():
    both = dataclasses.replace(SPEC, extended_statistic="p99")
    with pytest.raises(ComponentArgumentsError, match="give exactly one"):
        create_alarm("x", PlatformContext.for_tests(), both)


def test_composite_alarm():
    context = PlatformContext.for_tests(alarm_topic_arns=TOPICS)
    spec = CompositeAlarmSpec(
        alarm_rule='ALARM("a") AND ALARM("b")',
        severity=Severity.P1,
        runbook_page="orders",
        runbook_anchor="pipeline-down",
        description="Both stages fail.",
    )

    def program() -> None:
        create_composite_alarm("orders-pipeline", context, spec)

    (alarm,) = run_in_mocks(program).of_type("aws:cloudwatch/compositeAlarm:CompositeAlarm")
    assert alarm.inputs["alarmName"] == "aws-platform-dev-orders-pipeline"
    assert alarm.inputs["alarmRule"] == 'ALARM("a") AND ALARM("b")'
    assert alarm.inputs["alarmActions"] == alarm.inputs["okActions"] == [TOPICS[Severity.P1]]
    assert alarm.inputs["alarmDescription"].endswith("docs/runbooks/orders.md#pipeline-down")


ERROR_RATE = ExpressionAlarmSpec(
    expression="100 * errors / MAX([errors, invocations])",
    label="Error rate (%)",
    metrics={
        "invocations": MetricStat(
            metric_name="Invocations",
            namespace="AWS/Lambda",
            dimensions={"FunctionName": "f"},
            statistic="Sum",
        ),
        "errors": MetricStat(
            metric_name="Errors",
            namespace="AWS/Lambda",
            dimensions={"FunctionName": "f"},
            statistic="Sum",
        ),
    },
    period_seconds=60,
    evaluation_periods=5,
    datapoints_to_alarm=3,
    threshold=10,
    comparison="GreaterThanThreshold",
    treat_missing_data="notBreaching",
    severity=Severity.P2,
    runbook_page="lambda",
    runbook_anchor="error-rate",
    description="More than 10 % of invocations fail.",
)


def test_expression_alarm_renders_metric_queries_and_no_single_metric():
    inputs = _alarm(ERROR_RATE)
    assert "metricName" not in inputs and "namespace" not in inputs and "period" not in inputs
    assert inputs["metricQueries"] == [
        {
            "id": "errors",
            "returnData": False,
            "metric": {
                "metricName": "Errors",
                "namespace": "AWS/Lambda",
                "dimensions": {"FunctionName": "f"},
                "stat": "Sum",
                "period": 60,
            },
        },
        {
            "id": "invocations",
            "returnData": False,
            "metric": {
                "metricName": "Invocations",
                "namespace": "AWS/Lambda",
                "dimensions": {"FunctionName": "f"},
                "stat": "Sum",
                "period": 60,
            },
        },
        {
            "id": "result",
            "expression": "100 * errors / MAX([errors, invocations])",
            "label": "Error rate (%)",
            "returnData": True,
        },
    ]
    assert inputs["treatMissingData"] == "notBreaching"
    assert inputs["threshold"] == 10 and inputs["datapointsToAlarm"] == 3


def test_expression_alarm_problems_are_reported_together():
    bad = dataclasses.replace(
        ERROR_RATE,
        metrics={
            "Errors": MetricStat(
                metric_name="Errors", namespace="AWS/Lambda", dimensions={}, statistic="Median"
            ),
            "throttles": MetricStat(
                metric_name="Throttles", namespace="AWS/Lambda", dimensions={}, statistic="Sum"
            ),
        },
        treat_missing_data="",
    )
    with pytest.raises(ComponentArgumentsError) as raised:
        create_alarm("x", PlatformContext.for_tests(), bad)
    assert raised.value.problems == (
        "metrics['Errors']: id must start with a lowercase letter, then letters, digits or _"
        " (and not be 'result')",
        "metrics['Errors']: not used in expression",
        "metrics['Errors'].statistic: 'Median' is not one of Average, Maximum, Minimum,"
        " SampleCount, Sum",
        "metrics['throttles']: not used in expression",
        "treat_missing_data: '' is not one of breaching, notBreaching, ignore, missing",
    )


def test_alarm_tags_may_be_added_but_not_change_required_ones():
    inputs = _alarm_with_tags({"Team": "orders"})
    assert inputs["tags"]["Team"] == "orders" and inputs["tags"]["Owner"] == "platform-team"
    with pytest.raises(ComponentArgumentsError, match="a caller cannot change it"):
        _alarm_with_tags({"Owner": "someone-else"})


def _alarm_with_tags(tags):
    def program() -> None:
        create_alarm("x", PlatformContext.for_tests(), SPEC, tags=tags)

    (alarm,) = run_in_mocks(program).of_type("aws:cloudwatch/metricAlarm:MetricAlarm")
    return alarm.inputs
