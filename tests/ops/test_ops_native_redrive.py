"""The native SQS message move task, on botocore's Stubber.

moto (5.2) does not implement StartMessageMoveTask / ListMessageMoveTasks, so this path is
checked against the exact requests and responses of the SQS API instead of a server.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import boto3
import pytest
from botocore.stub import Stubber

from tools.ops import dlq
from tools.ops.dlq import RedriveMethod, RedriveOptions, RedriveProgress

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient

ACCOUNT = "123456789012"
DLQ_URL = f"https://sqs.us-east-1.amazonaws.com/{ACCOUNT}/shipments-dlq"
DLQ_ARN = f"arn:aws:sqs:us-east-1:{ACCOUNT}:shipments-dlq"
SRC_URL = f"https://sqs.us-east-1.amazonaws.com/{ACCOUNT}/shipments"
SRC_ARN = f"arn:aws:sqs:us-east-1:{ACCOUNT}:shipments"
OTHER_URL = f"https://sqs.us-east-1.amazonaws.com/{ACCOUNT}/orders"


def client() -> SQSClient:
    return boto3.client(
        "sqs",
        region_name="us-east-1",
        endpoint_url="https://sqs.us-east-1.amazonaws.com",
        aws_access_key_id="stub",
        aws_secret_access_key="stub",
    )


def attributes(arn: str, visible: int) -> dict[str, Any]:
    return {
        "Attributes": {
            "QueueArn": arn,
            "ApproximateNumberOfMessages": str(visible),
            "ApproximateNumberOfMessagesNotVisible": "0",
            "ApproximateNumberOfMessagesDelayed": "0",
        }
    }


def stub_plan(stub: Stubber, sources: list[str], visible: int = 100) -> None:
    stub.add_response("get_queue_attributes", attributes(DLQ_ARN, visible))
    stub.add_response("list_dead_letter_source_queues", {"queueUrls": sources})
    if len(sources) == 1:
        stub.add_response("get_queue_attributes", attributes(SRC_ARN, 0))


def task(status: str, moved: int, **extra: Any) -> dict[str, Any]:
    return {
        "Results": [
            {
                "Status": status,
                "SourceArn": DLQ_ARN,
                "ApproximateNumberOfMessagesMoved": moved,
                "ApproximateNumberOfMessagesToMove": 100,
                "StartedTimestamp": 1,
                **extra,
            }
        ]
    }


def test_native_move_task_is_started_and_followed_to_completion() -> None:
    sqs = client()
    progress: list[RedriveProgress] = []
    slept: list[float] = []
    with Stubber(sqs) as stub:
        stub_plan(stub, [SRC_URL])
        stub.add_response(
            "list_message_move_tasks", {"Results": []}, {"SourceArn": DLQ_ARN, "MaxResults": 10}
        )
        stub.add_response(
            "start_message_move_task",
            {"TaskHandle": "handle-1"},
            {"SourceArn": DLQ_ARN, "DestinationArn": SRC_ARN, "MaxNumberOfMessagesPerSecond": 50},
        )
        stub.add_response("list_message_move_tasks", task("RUNNING", 40, TaskHandle="handle-1"))
        stub.add_response("list_message_move_tasks", task("COMPLETED", 100))
        stub.add_response("get_queue_attributes", attributes(DLQ_ARN, 0))

        options = RedriveOptions(rate=50, poll_seconds=2)
        plan = dlq.plan_redrive(sqs, DLQ_URL, options)
        assert plan.method is RedriveMethod.NATIVE
        result = dlq.redrive(sqs, plan, options, on_progress=progress.append, sleep=slept.append)
        stub.assert_no_pending_responses()

    assert (result.method, result.moved, result.failed, result.left) == (
        RedriveMethod.NATIVE,
        100,
        0,
        0,
    )
    assert result.ok and result.task_status == "COMPLETED"
    assert [p.moved for p in progress] == [40, 100]
    assert slept == [2, 2]


def test_failed_move_task_is_reported_as_failure() -> None:
    sqs = client()
    with Stubber(sqs) as stub:
        stub_plan(stub, [SRC_URL])
        stub.add_response("list_message_move_tasks", {"Results": []})
        stub.add_response("start_message_move_task", {"TaskHandle": "handle-2"})
        stub.add_response(
            "list_message_move_tasks",
            task("FAILED", 30, FailureReason="AccessDenied on kms:GenerateDataKey"),
        )
        stub.add_response("get_queue_attributes", attributes(DLQ_ARN, 70))
        options = RedriveOptions(method=RedriveMethod.NATIVE)
        result = dlq.redrive(
            sqs, dlq.plan_redrive(sqs, DLQ_URL, options), options, sleep=lambda _: None
        )

    assert not result.ok
    assert (result.moved, result.failed, result.left) == (30, 70, 70)
    assert result.errors == ("move task FAILED: AccessDenied on kms:GenerateDataKey",)


def test_several_sources_without_to_move_back_to_each_source() -> None:
    """No DestinationArn: SQS sends every message back to the queue it came from."""
    sqs = client()
    with Stubber(sqs) as stub:
        stub_plan(stub, [SRC_URL, OTHER_URL])
        stub.add_response("list_message_move_tasks", {"Results": []})
        stub.add_response("start_message_move_task", {"TaskHandle": "h"}, {"SourceArn": DLQ_ARN})
        stub.add_response("list_message_move_tasks", task("COMPLETED", 100))
        stub.add_response("get_queue_attributes", attributes(DLQ_ARN, 0))
        options = RedriveOptions()
        plan = dlq.plan_redrive(sqs, DLQ_URL, options)
        assert plan.destination is None
        result = dlq.redrive(sqs, plan, options, sleep=lambda _: None)
    assert result.ok


def test_a_running_task_blocks_a_second_one() -> None:
    sqs = client()
    with Stubber(sqs) as stub:
        stub_plan(stub, [SRC_URL])
        stub.add_response("list_message_move_tasks", task("RUNNING", 5, TaskHandle="theirs"))
        options = RedriveOptions()
        plan = dlq.plan_redrive(sqs, DLQ_URL, options)
        with pytest.raises(dlq.RedriveError, match=r"already running.*theirs"):
            dlq.redrive(sqs, plan, options, sleep=lambda _: None)


def test_native_refuses_max_and_fractional_rates() -> None:
    problems = RedriveOptions(method=RedriveMethod.NATIVE, max_messages=5, rate=0.5).problems()
    assert [p.split(":")[0] for p in problems] == ["max_messages", "rate"]
    assert RedriveOptions(method=RedriveMethod.NATIVE, rate=500).problems() == []
    assert RedriveOptions(method=RedriveMethod.NATIVE, rate=501).problems()[0].startswith("rate")


def test_ctrl_c_while_following_a_move_task_reports_progress_and_how_to_cancel() -> None:
    sqs = client()
    naps = [0]

    def sleep(_: float) -> None:
        naps[0] += 1
        if naps[0] == 2:
            raise KeyboardInterrupt

    with Stubber(sqs) as stub:
        stub_plan(stub, [SRC_URL])
        stub.add_response("list_message_move_tasks", {"Results": []})
        stub.add_response("start_message_move_task", {"TaskHandle": "handle-1"})
        stub.add_response("list_message_move_tasks", task("RUNNING", 40, TaskHandle="handle-1"))

        options = RedriveOptions(method=RedriveMethod.NATIVE)
        plan = dlq.plan_redrive(sqs, DLQ_URL, options)
        with pytest.raises(dlq.RedriveInterrupted) as stopped:
            dlq.redrive(sqs, plan, options, sleep=sleep)
        stub.assert_no_pending_responses()

    result = stopped.value.result
    assert (result.moved, result.task_status) == (40, "RUNNING")
    assert "aws sqs cancel-message-move-task --task-handle handle-1" in result.notes[0]
