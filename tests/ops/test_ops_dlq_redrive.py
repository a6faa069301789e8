"""`dlq redrive` by copy on moto: nothing lost, even when a call fails midway.

Failures are injected with botocore event hooks on the real client (`before-call.sqs.*`
raising on the Nth call), so every other request still goes to the moto server.
"""

from __future__ import annotations

import contextlib
import json
import re
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from ops_helpers import count, drain, fill, make_pair, run_cli

from tools.ops import aws, dlq
from tools.ops.dlq import RedriveMethod, RedriveOptions

pytestmark = pytest.mark.slow

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient

COPY = RedriveOptions(method=RedriveMethod.COPY, wait_seconds=0)


def fail_on_call(sqs: SQSClient, operation: str, nth: int) -> list[int]:
    """Make the `nth` call of `operation` fail before it is sent; returns the call counter."""
    calls = [0]

    def hook(**_: Any) -> None:
        calls[0] += 1
        if calls[0] == nth:
            raise ClientError(
                {"Error": {"Code": "ServiceUnavailable", "Message": "injected"}}, operation
            )

    sqs.meta.events.register(f"before-call.sqs.{operation}", hook)
    return calls


def bodies_of(messages: list[dict[str, Any]]) -> list[str]:
    return sorted(str(m["Body"]) for m in messages)


def run(sqs: SQSClient, url: str, options: RedriveOptions, **kw: Any) -> dlq.RedriveResult:
    plan = dlq.plan_redrive(sqs, url, options, **kw)
    return dlq.redrive(sqs, plan, options)


def test_copy_moves_every_message_back_with_attributes(sqs: SQSClient) -> None:
    pair = make_pair(sqs)
    bodies = fill(sqs, pair.dlq_url, 25)

    result = run(sqs, pair.dlq_url, COPY)

    assert (result.moved, result.failed, result.left, result.ok) == (25, 0, 0, True)
    moved = drain(sqs, pair.source_url)
    assert bodies_of(moved) == sorted(bodies)
    first = next(m for m in moved if '"n": 7' in str(m["Body"]))
    assert first["MessageAttributes"] == {
        "eventType": {"StringValue": "shipment.created", "DataType": "String"},
        "attempt": {"StringValue": "7", "DataType": "Number"},
    }
    assert count(sqs, pair.dlq_url) == (0, 0)


def test_send_failure_midway_loses_nothing_and_a_rerun_completes(sqs: SQSClient) -> None:
    pair = make_pair(sqs)
    bodies = fill(sqs, pair.dlq_url, 95)
    fail_on_call(sqs, "SendMessageBatch", 7)

    first = run(sqs, pair.dlq_url, COPY)

    # Six batches of ten went through; the seventh failed before sending and stopped the run.
    assert (first.moved, first.failed, first.ok) == (60, 10, False)
    assert first.left == 35
    assert "injected" in first.errors[0]
    # Nothing deleted that was not sent: DLQ + source hold every message exactly once.
    assert count(sqs, pair.dlq_url) == (35, 0)
    assert count(sqs, pair.source_url) == (60, 0)

    second = run(sqs, pair.dlq_url, COPY)

    assert (second.moved, second.failed, second.left, second.ok) == (35, 0, 0, True)
    assert bodies_of(drain(sqs, pair.source_url)) == sorted(bodies)


def test_delete_failure_duplicates_but_never_loses(sqs: SQSClient) -> None:
    pair = make_pair(sqs)
    bodies = fill(sqs, pair.dlq_url, 30)
    fail_on_call(sqs, "DeleteMessageBatch", 2)
    handles = record_receipt_handles(sqs)

    first = run(sqs, pair.dlq_url, COPY)

    assert (first.moved, first.not_deleted, first.ok) == (20, 10, False)
    assert "sent but not deleted" in first.errors[0]
    assert count(sqs, pair.dlq_url) == (10, 10)
    # The ten sent-but-not-deleted messages reappear once their visibility timeout ends.
    expire_visibility(sqs, pair.dlq_url, handles)
    assert count(sqs, pair.dlq_url) == (20, 0)
    second = run(sqs, pair.dlq_url, COPY)

    assert second.ok and second.left == 0
    moved = bodies_of(drain(sqs, pair.source_url))
    assert set(moved) == set(bodies)
    assert len(moved) == 40  # ten duplicates, zero losses


def test_a_message_the_destination_refuses_stays_in_the_dlq(sqs: SQSClient) -> None:
    """One too-large message fails the whole batch call; the others still move."""
    pair = make_pair(sqs)
    small = sqs.create_queue(QueueName="small-target", Attributes={"MaximumMessageSize": "1024"})
    bodies = fill(sqs, pair.dlq_url, 9)
    sqs.send_message(QueueUrl=pair.dlq_url, MessageBody="x" * 2000)

    result = run(sqs, pair.dlq_url, COPY, to_url=small["QueueUrl"])

    assert (result.moved, result.failed, result.left, result.ok) == (9, 1, 1, False)
    assert "rejected by small-target: InvalidParameterValue" in result.errors[0]
    assert count(sqs, pair.dlq_url) == (1, 0)
    assert bodies_of(drain(sqs, small["QueueUrl"])) == sorted(bodies)


def test_dry_run_moves_nothing(sqs: SQSClient) -> None:
    pair = make_pair(sqs)
    fill(sqs, pair.dlq_url, 8)

    result = run(sqs, pair.dlq_url, RedriveOptions(dry_run=True, max_messages=5))

    assert (result.dry_run, result.would_move, result.moved) == (True, 5, 0)
    assert count(sqs, pair.dlq_url) == (8, 0)
    assert count(sqs, pair.source_url) == (0, 0)


def test_max_limits_the_number_moved(sqs: SQSClient) -> None:
    pair = make_pair(sqs)
    fill(sqs, pair.dlq_url, 23)

    result = run(sqs, pair.dlq_url, RedriveOptions(max_messages=13, wait_seconds=0))

    assert result.method is RedriveMethod.COPY  # --max rules the native move task out
    assert (result.moved, result.left) == (13, 10)
    assert count(sqs, pair.source_url) == (13, 0)


def test_fifo_redrive_keeps_group_ids_order_and_uses_dlq_ids_for_dedup(sqs: SQSClient) -> None:
    pair = make_pair(sqs, fifo=True)
    fill(sqs, pair.dlq_url, 9, fifo=True)
    before = dlq.inspect_queue(sqs, pair.dlq_url, sample_size=9).samples
    group_of = {s.body: s.group_id for s in before}
    assert len(group_of) == 9

    result = run(sqs, pair.dlq_url, COPY)

    assert (result.moved, result.ok) == (9, True)
    moved = drain(sqs, pair.source_url)
    assert {str(m["Body"]): m["Attributes"]["MessageGroupId"] for m in moved} == group_of  # type: ignore[index]
    for group in ("group-0", "group-1", "group-2"):
        ns = [json.loads(str(m["Body"]))["n"] for m in moved if group_of[str(m["Body"])] == group]
        assert ns == sorted(ns)
    # The deduplication id is the DLQ message id, stable across reruns of the same message.
    dedup_ids = {m["Attributes"]["MessageDeduplicationId"] for m in moved}  # type: ignore[index]
    assert dedup_ids == {s.message_id for s in before}


def test_fifo_to_standard_is_refused(sqs: SQSClient) -> None:
    fifo = make_pair(sqs, fifo=True)
    standard = make_pair(sqs)
    with pytest.raises(dlq.RedriveError, match="FIFO queue to a standard queue"):
        dlq.plan_redrive(sqs, fifo.dlq_url, COPY, to_url=standard.source_url)


def test_several_sources_need_to_for_copy(sqs: SQSClient) -> None:
    pair = make_pair(sqs)
    dlq_arn = dlq.queue_info(sqs, pair.dlq_url).arn
    policy = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 3})
    sqs.create_queue(QueueName="second-source", Attributes={"RedrivePolicy": policy})
    with pytest.raises(dlq.RedriveError, match="several queues use this DLQ"):
        dlq.plan_redrive(sqs, pair.dlq_url, COPY)
    plan = dlq.plan_redrive(sqs, pair.dlq_url, COPY, to_url=pair.source_url)
    assert plan.destination is not None and plan.destination.url == pair.source_url


def test_dlq_without_sources_needs_to(sqs: SQSClient) -> None:
    orphan = sqs.create_queue(QueueName="lambda-async-dlq")["QueueUrl"]
    target = sqs.create_queue(QueueName="target")["QueueUrl"]
    with pytest.raises(dlq.RedriveError, match="pass --to"):
        dlq.plan_redrive(sqs, orphan, RedriveOptions())
    plan = dlq.plan_redrive(sqs, orphan, RedriveOptions(), to_url=target)
    assert plan.method is RedriveMethod.COPY  # the native task needs SQS sources


def test_options_report_every_problem_at_once() -> None:
    options = RedriveOptions(
        method=RedriveMethod.NATIVE, max_messages=0, rate=2.5, batch_size=11, wait_seconds=30
    )
    problems = options.problems()
    assert [p.split(":")[0] for p in problems] == [
        "max_messages",
        "batch_size",
        "wait_seconds",
        "max_messages",
        "rate",
    ]


def test_auto_falls_back_to_copy_where_the_move_task_is_missing(moto_endpoint: str) -> None:
    """moto has no StartMessageMoveTask (it answers 500): auto copies instead.

    The client makes one attempt per call so that moto's 500 is not retried with backoff.
    """
    sqs = boto3.client("sqs", config=Config(retries={"total_max_attempts": 1}))
    pair = make_pair(sqs)
    bodies = fill(sqs, pair.dlq_url, 12)

    result = run(sqs, pair.dlq_url, RedriveOptions(wait_seconds=0))

    assert result.method is RedriveMethod.COPY
    assert result.notes and "native move task unavailable" in result.notes[0]
    assert bodies_of(drain(sqs, pair.source_url)) == sorted(bodies)


def test_explicit_native_does_not_fall_back(moto_endpoint: str) -> None:
    sqs = boto3.client("sqs", config=Config(retries={"total_max_attempts": 1}))
    pair = make_pair(sqs)
    fill(sqs, pair.dlq_url, 3)
    with pytest.raises(ClientError):
        run(sqs, pair.dlq_url, RedriveOptions(method=RedriveMethod.NATIVE))
    assert count(sqs, pair.dlq_url) == (3, 0)


def test_rate_limit_paces_batches() -> None:
    clock = [0.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock[0] += seconds

    limiter = dlq.RateLimiter(5, sleep=sleep, clock=lambda: clock[0])
    for _ in range(4):
        limiter.acquire(5)  # 20 messages at 5/s: the last 15 wait 3 s in all
    assert slept == [1.0, 1.0, 1.0]


def test_rated_copy_never_exceeds_the_rate(sqs: SQSClient) -> None:
    pair = make_pair(sqs)
    fill(sqs, pair.dlq_url, 12)
    clock = [0.0]
    received_at: list[tuple[float, int]] = []

    def sleep(seconds: float) -> None:
        clock[0] += seconds

    def record(params: dict[str, Any], **_: Any) -> None:
        received_at.append((clock[0], int(params["MaxNumberOfMessages"])))

    sqs.meta.events.register("provide-client-params.sqs.ReceiveMessage", record)
    options = RedriveOptions(method=RedriveMethod.COPY, rate=4, wait_seconds=0)
    plan = dlq.plan_redrive(sqs, pair.dlq_url, options)
    result = dlq.redrive(sqs, plan, options, sleep=sleep, clock=lambda: clock[0])

    assert result.moved == 12
    assert all(n <= 4 for _, n in received_at)
    # By time t at most 4*t + 4 messages were asked for.
    asked = 0
    for at, n in received_at:
        asked += n
        assert asked <= 4 * at + 4


def test_cli_redrive_dry_run_then_copy(sqs: SQSClient) -> None:
    pair = make_pair(sqs)
    fill(sqs, pair.dlq_url, 5)
    outputs = json.dumps({"shipments": {"dlqUrl": pair.dlq_url}})

    dry = run_cli(
        "dlq", "redrive", "shipments.dlqUrl", "--stack-outputs", "-", "--dry-run", stdin=outputs
    )
    assert dry.code == 0, dry.err
    assert "would move 5 messages" in dry.out
    assert count(sqs, pair.dlq_url) == (5, 0)

    moved = run_cli("dlq", "redrive", pair.dlq_url, "--method", "copy")
    assert moved.code == 0, moved.err
    assert "moved" in moved.out and count(sqs, pair.source_url) == (5, 0)


def test_cli_redrive_failure_exits_non_zero(
    sqs: SQSClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    pair = make_pair(sqs)
    fill(sqs, pair.dlq_url, 15)
    real = aws.sqs_client

    def failing_client(**kwargs: Any) -> SQSClient:
        client = real(**kwargs)
        fail_on_call(client, "SendMessageBatch", 2)
        return client

    monkeypatch.setattr("tools.ops.cli.sqs_client", failing_client)
    run_ = run_cli("dlq", "redrive", pair.dlq_url, "--method", "copy")

    assert run_.code == 1
    assert "redrive incomplete" in run_.err
    assert count(sqs, pair.dlq_url)[0] + count(sqs, pair.source_url)[0] == 15


def record_receipt_handles(sqs: SQSClient) -> list[str]:
    handles: list[str] = []

    def record(parsed: dict[str, Any], **_: Any) -> None:
        handles.extend(m["ReceiptHandle"] for m in parsed.get("Messages", []))

    sqs.meta.events.register("after-call.sqs.ReceiveMessage", record)
    return handles


def expire_visibility(sqs: SQSClient, url: str, handles: list[str]) -> None:
    """What time does to messages left in flight: make them visible again."""
    for handle in handles:
        # Deleted messages have no visibility left to change.
        with contextlib.suppress(ClientError):
            sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=handle, VisibilityTimeout=0)


def test_copy_moves_only_what_was_there_at_the_start(sqs: SQSClient) -> None:
    """Messages that fail again and return to the DLQ mid-run are not cycled forever."""
    pair = make_pair(sqs)
    fill(sqs, pair.dlq_url, 20)
    added = [False]

    def more_failures(**_: Any) -> None:
        if not added[0]:
            added[0] = True
            fill(sqs, pair.dlq_url, 5)

    sqs.meta.events.register("after-call.sqs.SendMessageBatch", more_failures)
    result = run(sqs, pair.dlq_url, COPY)

    assert (result.moved, result.left, result.ok) == (20, 5, True)


def test_refused_messages_are_reported_and_the_rest_move_on_every_run(sqs: SQSClient) -> None:
    """200 KB messages the destination refuses; the middle one is alone in its send call."""
    pair = make_pair(sqs)
    small = sqs.create_queue(QueueName="one-kb", Attributes={"MaximumMessageSize": "1024"})
    bodies = fill(sqs, pair.dlq_url, 5)
    for n in range(3):
        sqs.send_message(QueueUrl=pair.dlq_url, MessageBody=f"{n}" + "x" * 200_000)
    bodies += fill(sqs, pair.dlq_url, 4)

    first = run(sqs, pair.dlq_url, COPY, to_url=small["QueueUrl"])

    assert (first.moved, first.failed, first.ok) == (9, 3, False)
    assert sum("rejected by one-kb" in error for error in first.errors) == 3
    # The refused messages are visible again at once, for the next run.
    assert count(sqs, pair.dlq_url) == (3, 0)

    second = run(sqs, pair.dlq_url, COPY, to_url=small["QueueUrl"])

    assert (second.moved, second.failed, second.left) == (0, 3, 3)
    assert count(sqs, pair.dlq_url) == (3, 0)
    assert bodies_of(drain(sqs, small["QueueUrl"])) == sorted(bodies)


def interrupt_on(sqs: SQSClient, event: str, nth: int) -> None:
    """Raise KeyboardInterrupt (what Ctrl-C raises) at the `nth` `event` hook call."""
    calls = [0]

    def hook(**_: Any) -> None:
        calls[0] += 1
        if calls[0] == nth:
            raise KeyboardInterrupt

    sqs.meta.events.register(event, hook)


@pytest.mark.parametrize(
    ("event", "moved"),
    [
        # Ctrl-C before the third batch was sent: it is released, not hidden for 60 s.
        ("before-call.sqs.SendMessageBatch", 20),
        # Ctrl-C once the third batch was sent: it is deleted, so a rerun does not repeat it.
        ("before-call.sqs.DeleteMessageBatch", 30),
    ],
)
def test_ctrl_c_reports_what_moved_and_releases_the_batch_in_flight(
    sqs: SQSClient, monkeypatch: pytest.MonkeyPatch, event: str, moved: int
) -> None:
    pair = make_pair(sqs)
    bodies = fill(sqs, pair.dlq_url, 45)
    real = aws.sqs_client

    def interrupting_client(**kwargs: Any) -> SQSClient:
        client = real(**kwargs)
        interrupt_on(client, event, 3)
        return client

    monkeypatch.setattr("tools.ops.cli.sqs_client", interrupting_client)
    stopped = run_cli("dlq", "redrive", pair.dlq_url, "--method", "copy")

    assert stopped.code == 130
    assert f"interrupted: moved {moved} messages" in stopped.err
    assert re.search(rf"moved\s+│?\s*{moved}\b", stopped.out)
    assert count(sqs, pair.dlq_url) == (45 - moved, 0)
    assert count(sqs, pair.source_url) == (moved, 0)

    monkeypatch.setattr("tools.ops.cli.sqs_client", real)
    rerun = run_cli("dlq", "redrive", pair.dlq_url, "--method", "copy")

    assert rerun.code == 0, rerun.err
    moved_bodies = [str(m["Body"]) for m in drain(sqs, pair.source_url)]
    assert sorted(moved_bodies) == sorted(bodies)  # each exactly once


def test_a_source_queue_is_named_as_such_with_its_dlq(sqs: SQSClient) -> None:
    pair = make_pair(sqs)
    fill(sqs, pair.source_url, 3)

    refused = run_cli("dlq", "redrive", pair.source_url)

    dlq_name = pair.dlq_url.rsplit("/", 1)[-1]
    source_name = pair.source_url.rsplit("/", 1)[-1]
    assert refused.code == 2
    assert f"{source_name} is a source queue, not a dead-letter queue" in refused.err
    assert f"python -m tools.ops dlq redrive {dlq_name}" in refused.err
    assert "pass --to" not in refused.err
    assert count(sqs, pair.source_url) == (3, 0)
