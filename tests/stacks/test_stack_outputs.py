"""Stack outputs hold what tools/ops and operators read, and each names a real resource."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from stacklib import by_output, descendants, output

from tools.ops.outputs import StackOutputs
from tools.ops.smoke import ORDER_EVENT_TYPE, SmokeTargets
from tools.preview.program import ProgramRun

QUEUE = "aws:sqs/queue:Queue"
ORDER_SUBSCRIBERS = ("billing", "analytics", "notifications")  # seed 004
FARGATE_SERVICE = "platform:containers:FargateService"
LOAD_BALANCER_TYPES = ("aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer")


def strings(value: Any) -> Iterator[str]:
    """Every string inside an output value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def _dlq_of(run: ProgramRun, queue_url: str) -> str:
    """The URL of the DLQ that the queue at `queue_url` redrives to."""
    queue = by_output(run, QUEUE, "url")[queue_url]
    target = json.loads(queue.inputs["redrivePolicy"])["deadLetterTargetArn"]
    return str(output(by_output(run, QUEUE, "arn")[target], "url"))


def test_shipment_outputs_name_the_queue_its_dlq_the_bus_and_its_archive(
    run: ProgramRun,
) -> None:
    shipments = run.stack_outputs["shipments"]
    assert shipments["dlqUrl"] == _dlq_of(run, shipments["queueUrl"])
    [bus] = [
        b
        for b in run.of_type("aws:cloudwatch/eventBus:EventBus")
        if output(b, "name") == shipments["busName"]
    ]
    [archive] = [
        a
        for a in run.of_type("aws:cloudwatch/eventArchive:EventArchive")
        if output(a, "name") == shipments["archiveName"]
    ]
    assert archive.inputs["eventSourceArn"] == output(bus, "arn")


@pytest.mark.parametrize("subscriber", ORDER_SUBSCRIBERS)
def test_order_outputs_name_each_subscribers_queue_and_dlq(
    run: ProgramRun, subscriber: str
) -> None:
    outputs = run.stack_outputs["orders"]["subscribers"][subscriber]
    assert outputs["dlqUrl"] == _dlq_of(run, outputs["queueUrl"])


def test_alarm_topic_outputs_cover_every_severity(run: ProgramRun) -> None:
    topics = by_output(run, "aws:sns/topic:Topic", "arn")
    arns = run.stack_outputs["alarmTopicArns"]
    assert sorted(arns) == ["P1", "P2", "P3", "P4"]
    assert all(arn in topics for arn in arns.values())


def test_every_dashboard_has_its_console_url_in_the_outputs(run: ProgramRun) -> None:
    urls = [s for s in strings(run.stack_outputs) if "#dashboards:name=" in s]
    dashboards = run.of_type("aws:cloudwatch/dashboard:Dashboard")
    assert dashboards
    region = run.stack_outputs["shipments"]["busArn"].split(":")[3]
    expected = {
        f"https://{region}.console.aws.amazon.com/cloudwatch/home?region={region}"
        f"#dashboards:name={output(d, 'dashboardName')}"
        for d in dashboards
    }
    assert set(urls) == expected


def test_each_fargate_services_load_balancer_dns_name_is_an_output(run: ProgramRun) -> None:
    services = run.of_type(FARGATE_SERVICE)
    if not services:
        pytest.skip(f"{run.stack} has no FargateService")
    exported = set(strings(run.stack_outputs))
    for service in services:
        balancers = [r for r in descendants(run, service.urn) if r.type in LOAD_BALANCER_TYPES]
        assert balancers, f"{service.urn} has no load balancer"
        assert all(output(b, "dnsName") in exported for b in balancers)


def test_smoke_check_finds_everything_it_needs_in_the_outputs(run: ProgramRun) -> None:
    """`tools.ops smoke` reads these outputs; each names the resource it is checked against."""
    outputs = StackOutputs(values=run.stack_outputs, source="stack outputs")
    targets = SmokeTargets.from_outputs(outputs)

    assert targets.bus_name in by_output(run, "aws:cloudwatch/eventBus:EventBus", "name")
    tables = by_output(run, "aws:dynamodb/table:Table", "name")
    assert targets.events_table in tables
    assert set(targets.subscriber_tables) == set(ORDER_SUBSCRIBERS)
    assert set(targets.subscriber_tables.values()) <= set(tables)
    assert targets.topic_arn in by_output(run, "aws:sns/topic:Topic", "arn")
    assert targets.asg_name in by_output(run, "aws:autoscaling/group:Group", "name")
    health_paths = {
        output(group, "healthCheck")["path"]
        for group in run.of_type("aws:lb/targetGroup:TargetGroup")
    }
    assert targets.health_url.endswith(tuple(health_paths))
    # The smoke order event reaches every subscriber: each filter policy accepts its type.
    policies = {
        subscription.name: json.loads(subscription.inputs["filterPolicy"])["event_type"]
        for subscription in run.of_type("aws:sns/topicSubscription:TopicSubscription")
        if subscription.inputs.get("filterPolicy")
    }
    assert len(policies) >= len(ORDER_SUBSCRIBERS)
    for name, accepted in policies.items():
        assert any(
            rule == ORDER_EVENT_TYPE
            or (isinstance(rule, dict) and ORDER_EVENT_TYPE.startswith(rule.get("prefix", "\0")))
            for rule in accepted
        ), name
    # Every alarm of the stack is listed by the prefix, so none escapes the check.
    names = [output(a, "name") for a in run.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")]
    names += [
        output(a, "alarmName") for a in run.of_type("aws:cloudwatch/compositeAlarm:CompositeAlarm")
    ]
    assert names
    assert [n for n in names if not n.startswith(targets.alarm_prefix)] == []
