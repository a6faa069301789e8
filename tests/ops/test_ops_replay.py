"""`events replay`: an archive replay end to end on moto, and its request details on Stubber.

moto (5.2) replays synchronously and ignores the time window and Destination.FilterArns (it
sends every archived event to every rule of the bus), so the window, the rule filter and the
polling of a replay that is still running are checked with botocore's Stubber.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from botocore.stub import Stubber
from ops_helpers import drain, run_cli

from tools.ops import replay
from tools.ops.replay import ReplayError, ReplayRequest, ReplayWindow

if TYPE_CHECKING:
    from mypy_boto3_events import EventBridgeClient
    from mypy_boto3_sqs import SQSClient

ACCOUNT = "123456789012"
BUS_ARN = f"arn:aws:events:us-east-1:{ACCOUNT}:event-bus/shipments"
ARCHIVE_ARN = f"arn:aws:events:us-east-1:{ACCOUNT}:archive/shipments-archive"
RULE_ARN = f"arn:aws:events:us-east-1:{ACCOUNT}:rule/shipments/to-queue"
START = datetime(2026, 11, 3, 10, 0, tzinfo=UTC)
END = datetime(2026, 11, 3, 11, 30, tzinfo=UTC)


def shipment_bus(events: EventBridgeClient, sqs: SQSClient) -> tuple[str, str]:
    """A bus with an archive and a rule sending shipment events to a queue."""
    bus_arn = events.create_event_bus(Name="shipments")["EventBusArn"]
    events.create_archive(ArchiveName="shipments-archive", EventSourceArn=bus_arn)
    queue_url = sqs.create_queue(QueueName="shipment-events")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    events.put_rule(
        Name="to-queue",
        EventBusName="shipments",
        EventPattern=json.dumps({"source": ["shipment.service"]}),
    )
    events.put_targets(
        Rule="to-queue", EventBusName="shipments", Targets=[{"Id": "queue", "Arn": queue_arn}]
    )
    return bus_arn, queue_url


def put_shipments(events: EventBridgeClient, count: int) -> None:
    entries = [
        {
            "Source": "shipment.service",
            "DetailType": "shipment.created",
            "Detail": json.dumps({"shipment_id": f"SHP-{i}", "event_timestamp": f"t{i}"}),
            "EventBusName": "shipments",
        }
        for i in range(count)
    ]
    assert events.put_events(Entries=entries)["FailedEntryCount"] == 0  # type: ignore[arg-type]


def shipment_ids(messages: list[dict[str, Any]]) -> list[str]:
    return sorted(json.loads(str(m["Body"]))["detail"]["shipment_id"] for m in messages)


def test_cli_replay_redelivers_archived_events(events: EventBridgeClient, sqs: SQSClient) -> None:
    _, queue_url = shipment_bus(events, sqs)
    put_shipments(events, 3)
    first = drain(sqs, queue_url)
    assert shipment_ids(first) == ["SHP-0", "SHP-1", "SHP-2"]
    now = datetime.now(UTC)
    outputs = json.dumps({"events": {"busName": "shipments"}})

    run = run_cli(
        "events", "replay", "--stack-outputs", "-", "--bus", "events.busName",
        "--from", (now - timedelta(hours=1)).isoformat(),
        "--to", now.isoformat(),
        "--rule", "to-queue", "--name", "replay-test", "--poll", "0.01",
        stdin=outputs,
    )  # fmt: skip

    assert run.code == 0, run.err
    assert "COMPLETED" in run.out
    replayed = drain(sqs, queue_url)
    assert shipment_ids(replayed) == ["SHP-0", "SHP-1", "SHP-2"]
    assert {json.loads(str(m["Body"]))["replay-name"] for m in replayed} == {"replay-test"}
    status = replay.describe_replay(events, "replay-test")
    assert status.ok and status.fraction == 1.0


def test_cli_replay_no_wait_then_status(events: EventBridgeClient, sqs: SQSClient) -> None:
    shipment_bus(events, sqs)
    run = run_cli(
        "events", "replay", "--bus", "shipments", "--from", "2026-11-03T10:00:00Z",
        "--to", "2026-11-03T11:00:00+00:00", "--name", "later", "--no-wait",
    )  # fmt: skip
    assert run.code == 0, run.err
    assert "events status later --wait" in run.out
    status = run_cli("events", "status", "later")
    assert status.code == 0 and "COMPLETED" in status.out


def test_cli_replay_unknown_rule_lists_rules(events: EventBridgeClient, sqs: SQSClient) -> None:
    shipment_bus(events, sqs)
    run = run_cli(
        "events", "replay", "--bus", "shipments", "--from", "2026-11-03T10:00:00Z",
        "--to", "2026-11-03T11:00:00Z", "--rule", "to-qeueu",
    )  # fmt: skip
    assert run.code == 2
    assert "no rule 'to-qeueu' on bus shipments" in run.err
    assert "to-queue" in run.err


def test_cli_replay_unknown_bus_lists_buses(events: EventBridgeClient) -> None:
    events.create_event_bus(Name="orders")
    run = run_cli(
        "events", "replay", "--bus", "shipmens", "--from", "2026-11-03T10:00:00Z",
        "--to", "2026-11-03T11:00:00Z",
    )  # fmt: skip
    assert run.code == 2
    assert "no event bus 'shipmens'" in run.err and "orders" in run.err


def test_cli_replay_bad_window_fails_before_any_call() -> None:
    run = run_cli(
        "events", "replay", "--bus", "b", "--from", "2026-11-03T12:00:00Z",
        "--to", "2026-11-03T11:00:00Z",
    )  # fmt: skip
    assert run.code == 2
    assert "must be before" in run.err


def test_window_reports_every_problem() -> None:
    with pytest.raises(ReplayError) as raised:
        ReplayWindow.parse("yesterday", "2026-11-03T11:00:00")
    lines = str(raised.value).splitlines()
    assert lines[0] == "--from: 'yesterday' is not an ISO-8601 time"
    assert lines[1].startswith("--to: '2026-11-03T11:00:00' has no UTC offset")


def test_window_converts_offsets_to_utc() -> None:
    window = ReplayWindow.parse("2026-11-03T11:00:00+01:00", "2026-11-03T11:30:00Z")
    assert window.start == START
    with pytest.raises(ReplayError, match="must be before"):
        ReplayWindow.parse("2026-11-03T11:30:00Z", "2026-11-03T11:30:00Z")


def test_default_name_fits_eventbridge_limits() -> None:
    name = replay.default_name(BUS_ARN.replace("shipments", "x" * 80), START)
    assert len(name) <= 64 and name.endswith("-20261103T100000Z")
    assert replay.default_name("arn:aws:events:us-east-1:1:event-bus/a.b:c", START) == (
        "ops-a.b-c-20261103T100000Z"
    )


def stub_client() -> EventBridgeClient:
    return boto3.client(
        "events",
        region_name="us-east-1",
        endpoint_url="https://events.us-east-1.amazonaws.com",
        aws_access_key_id="stub",
        aws_secret_access_key="stub",
    )


def describe(state: str, last: datetime | None = None, reason: str | None = None) -> dict[str, Any]:
    response: dict[str, Any] = {
        "ReplayName": "r1",
        "ReplayArn": f"arn:aws:events:us-east-1:{ACCOUNT}:replay/r1",
        "State": state,
        "EventSourceArn": ARCHIVE_ARN,
        "EventStartTime": START,
        "EventEndTime": END,
    }
    if last:
        response["EventLastReplayedTime"] = last
    if reason:
        response["StateReason"] = reason
    return response


def test_start_replay_sends_window_and_rule_filter() -> None:
    events = stub_client()
    request = ReplayRequest(
        name="r1",
        archive_arn=ARCHIVE_ARN,
        bus_arn=BUS_ARN,
        window=ReplayWindow(start=START, end=END),
        rule_arns=(RULE_ARN,),
        description="incident 42",
    )
    with Stubber(events) as stub:
        stub.add_response(
            "start_replay",
            {"ReplayArn": "arn:replay/r1", "State": "STARTING"},
            {
                "ReplayName": "r1",
                "EventSourceArn": ARCHIVE_ARN,
                "EventStartTime": START,
                "EventEndTime": END,
                "Destination": {"Arn": BUS_ARN, "FilterArns": [RULE_ARN]},
                "Description": "incident 42",
            },
        )
        assert replay.start_replay(events, request) == "arn:replay/r1"


def test_without_rules_no_filter_is_sent() -> None:
    request = ReplayRequest(
        name="r1",
        archive_arn=ARCHIVE_ARN,
        bus_arn=BUS_ARN,
        window=ReplayWindow(start=START, end=END),
    )
    assert request.api_arguments()["Destination"] == {"Arn": BUS_ARN}


def test_follow_polls_until_completed_with_progress() -> None:
    events = stub_client()
    seen: list[tuple[str, float]] = []
    with Stubber(events) as stub:
        stub.add_response("describe_replay", describe("STARTING"), {"ReplayName": "r1"})
        stub.add_response("describe_replay", describe("RUNNING", START + timedelta(minutes=45)))
        stub.add_response("describe_replay", describe("COMPLETED", END))
        status = replay.follow_replay(
            events, "r1", poll_seconds=1, sleep=lambda _: None,
            on_progress=lambda s: seen.append((s.state, s.fraction)),
        )  # fmt: skip
    assert status.ok
    assert seen == [("STARTING", 0.0), ("RUNNING", 0.5), ("COMPLETED", 1.0)]


def test_follow_reports_a_failed_replay() -> None:
    events = stub_client()
    with Stubber(events) as stub:
        stub.add_response("describe_replay", describe("FAILED", reason="Destination not found"))
        status = replay.follow_replay(events, "r1", sleep=lambda _: None)
    assert status.done and not status.ok
    assert status.reason == "Destination not found"
