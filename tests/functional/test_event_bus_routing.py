"""ArchivedEventBus routing on moto's server: an event reaches the targets whose rule patterns
match and lands in the archive. Rules are created in moto with the exact event patterns the
component gives its ``aws.cloudwatch.EventRule`` resources (read from a run under the mocks)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from components.core.context import PlatformContext
from components.events.archived_event_bus import (
    ArchivedEventBus,
    ArchivedEventBusArgs,
    ManagedQueueTarget,
    RuleSpec,
)
from tests.handlers.moto_server import REGION, aws_environment, moto_server
from tools.preview.program import run_in_mocks

RULES = [
    RuleSpec(
        name="delivered",
        event_pattern={"source": ["shipments"], "detail-type": ["ShipmentDelivered"]},
        managed_queues=[ManagedQueueTarget(name="tracking")],
    ),
    RuleSpec(
        name="high-value",
        event_pattern={
            "source": ["shipments"],
            "detail": {"value": [{"numeric": [">=", 1000]}], "carrier": [{"anything-but": "test"}]},
        },
        managed_queues=[ManagedQueueTarget(name="insurance")],
    ),
    RuleSpec(
        name="eu",
        event_pattern={
            "source": [{"prefix": "ship"}],
            "$or": [
                {"detail": {"country": ["DE", "FR"]}},
                {"detail": {"region": [{"wildcard": "eu-*"}]}},
            ],
        },
        managed_queues=[ManagedQueueTarget(name="eu-compliance")],
    ),
]


def _component_patterns() -> dict[str, str]:
    """The event pattern JSON of each rule the component registers, by rule name."""

    def program() -> None:
        ArchivedEventBus(
            "shipments", PlatformContext.for_tests("dev"), ArchivedEventBusArgs(rules=RULES)
        )

    run = run_in_mocks(program)
    return {
        r.name.removeprefix("shipments-").removesuffix("-rule"): r.inputs["eventPattern"]
        for r in run.of_type("aws:cloudwatch/eventRule:EventRule")
    }


@pytest.fixture(scope="module")
def bus() -> Iterator[tuple[Any, Any, str, dict[str, str]]]:
    patterns = _component_patterns()
    assert set(patterns) == {r.name for r in RULES}
    with pytest.MonkeyPatch.context() as patch, moto_server() as endpoint:
        for key, value in aws_environment(endpoint).items():
            patch.setenv(key, value)
        events = boto3.client("events", region_name=REGION, endpoint_url=endpoint)
        sqs = boto3.client("sqs", region_name=REGION, endpoint_url=endpoint)
        bus_arn = events.create_event_bus(Name="shipments")["EventBusArn"]
        events.create_archive(ArchiveName="shipments", EventSourceArn=bus_arn, RetentionDays=7)
        queue_urls: dict[str, str] = {}
        for rule in RULES:
            events.put_rule(
                Name=rule.name, EventBusName="shipments", EventPattern=patterns[rule.name]
            )
            for target in rule.managed_queues:
                url = sqs.create_queue(QueueName=target.name)["QueueUrl"]
                arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
                    "Attributes"
                ]["QueueArn"]
                events.put_targets(
                    Rule=rule.name,
                    EventBusName="shipments",
                    Targets=[{"Id": target.name, "Arn": arn}],
                )
                queue_urls[target.name] = url
        yield events, sqs, "shipments", queue_urls


def _drain(sqs: Any, queue_urls: dict[str, str]) -> dict[str, list[dict[str, Any]]]:
    received: dict[str, list[dict[str, Any]]] = {}
    for name, url in queue_urls.items():
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        for message in messages:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        received[name] = [json.loads(m["Body"]) for m in messages]
    return received


@pytest.mark.parametrize(
    ("source", "detail_type", "detail", "expected"),
    [
        ("shipments", "ShipmentDelivered", {"value": 10, "carrier": "dhl"}, {"tracking"}),
        ("shipments", "ShipmentCreated", {"value": 5000, "carrier": "dhl"}, {"insurance"}),
        ("shipments", "ShipmentCreated", {"value": 5000, "carrier": "test"}, set()),
        (
            "shipments",
            "ShipmentDelivered",
            {"value": 1000, "carrier": "ups", "country": "DE"},
            {"tracking", "insurance", "eu-compliance"},
        ),
        ("shipping.eu", "X", {"region": "eu-west-1"}, {"eu-compliance"}),
        ("shipping.eu", "X", {"region": "us-east-1", "country": "US"}, set()),
        ("billing", "ShipmentDelivered", {"value": 5000, "country": "FR"}, set()),
    ],
)
def test_event_reaches_matching_targets_and_the_archive(
    bus: tuple[Any, Any, str, dict[str, str]],
    source: str,
    detail_type: str,
    detail: dict[str, Any],
    expected: set[str],
) -> None:
    events, sqs, bus_name, queue_urls = bus
    before = events.describe_archive(ArchiveName="shipments")["EventCount"]
    result = events.put_events(
        Entries=[
            {
                "Source": source,
                "DetailType": detail_type,
                "Detail": json.dumps(detail),
                "EventBusName": bus_name,
            }
        ]
    )
    assert result["FailedEntryCount"] == 0
    received = _drain(sqs, queue_urls)
    assert {name for name, bodies in received.items() if bodies} == expected
    for name in expected:
        (event,) = received[name]
        assert (event["source"], event["detail-type"], event["detail"]) == (
            source,
            detail_type,
            detail,
        )
    # Every event on the bus is archived, routed or not (the archive has no pattern).
    assert events.describe_archive(ArchiveName="shipments")["EventCount"] == before + 1
