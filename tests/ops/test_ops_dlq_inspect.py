"""`dlq inspect` on moto: counts, sources, samples, and nothing consumed."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from ops_helpers import count, drain, fill, make_pair, run_cli

from tools.ops import dlq
from tools.ops.cli import main

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient


def test_inspect_consumes_nothing(sqs: SQSClient) -> None:
    pair = make_pair(sqs)
    bodies = fill(sqs, pair.dlq_url, 12)

    found = dlq.inspect_queue(sqs, pair.dlq_url, sample_size=5)

    assert found.queue.visible == 12
    assert found.sources == (pair.source_url,)
    assert len(found.samples) == 5
    assert all(s.receive_count == 1 for s in found.samples)
    assert {s.body for s in found.samples} <= set(bodies)
    assert found.samples[0].attributes["eventType"] == "shipment.created"
    # Every message is visible again at once and can still be received.
    assert count(sqs, pair.dlq_url) == (12, 0)
    assert sorted(m["Body"] for m in drain(sqs, pair.dlq_url)) == sorted(bodies)  # type: ignore[type-var]


def test_oldest_age_comes_from_the_sampled_sent_timestamps(sqs: SQSClient) -> None:
    pair = make_pair(sqs)
    fill(sqs, pair.dlq_url, 3)
    later = datetime.now(UTC) + timedelta(hours=2)

    found = dlq.inspect_queue(sqs, pair.dlq_url, sample_size=10, now=lambda: later)

    oldest = min(s.sent_at for s in found.samples)
    assert found.oldest_sampled_age == later - oldest
    assert found.oldest_sampled_age is not None
    assert found.oldest_sampled_age >= timedelta(hours=2)


def test_inspect_of_an_empty_queue_has_no_age(sqs: SQSClient) -> None:
    pair = make_pair(sqs)
    found = dlq.inspect_queue(sqs, pair.dlq_url)
    assert found.samples == ()
    assert found.oldest_sampled_age is None


def test_inspect_fifo_keeps_group_order_intact(sqs: SQSClient) -> None:
    pair = make_pair(sqs, fifo=True)
    fill(sqs, pair.dlq_url, 6, fifo=True)

    found = dlq.inspect_queue(sqs, pair.dlq_url, sample_size=6)

    assert {s.group_id for s in found.samples} == {"group-0", "group-1", "group-2"}
    assert count(sqs, pair.dlq_url)[1] == 0
    # Groups are not left locked: the first message of each group is receivable again.
    assert len(drain(sqs, pair.dlq_url)) == 6


def test_cli_inspect_by_output_key_from_stdin(sqs: SQSClient) -> None:
    pair = make_pair(sqs)
    fill(sqs, pair.dlq_url, 4)
    outputs = json.dumps({"shipments": {"dlqUrl": pair.dlq_url}})

    run = run_cli("dlq", "inspect", "shipments.dlqUrl", "--stack-outputs", "-", stdin=outputs)

    assert run.code == 0, run.err
    assert "oldest message age (sampled)" in run.out
    assert "4 sampled messages" in run.out
    assert "SHP-000" in run.out
    assert count(sqs, pair.dlq_url) == (4, 0)


def test_cli_inspect_by_queue_name(sqs: SQSClient) -> None:
    pair = make_pair(sqs)
    run = run_cli("dlq", "inspect", pair.dlq_url.rsplit("/", 1)[-1])
    assert run.code == 0, run.err
    assert pair.source_url in run.out


def test_cli_unknown_output_key_lists_candidates(sqs: SQSClient, tmp_path: Path) -> None:
    path = tmp_path / "outputs.json"
    path.write_text(json.dumps({"shipments": {"dlqUrl": "x", "queueUrl": "y"}}), "utf-8")

    run = run_cli("dlq", "inspect", "shipments.dlq", "--stack-outputs", str(path))

    assert run.code == 2
    assert "'shipments.dlq' is not a stack output" in run.err
    assert "shipments.dlqUrl" in run.err


def test_cli_unknown_queue_name_is_a_clear_error(sqs: SQSClient) -> None:
    make_pair(sqs, prefix="orders")
    run = run_cli("dlq", "inspect", "orders-typo-dlq")
    assert run.code == 2
    assert "no queue named 'orders-typo-dlq' in us-east-1" in run.err
    assert "queues starting with 'orders'" in run.err


def test_without_a_terminal_urls_and_ids_are_never_folded(
    sqs: SQSClient, capsys: pytest.CaptureFixture[str]
) -> None:
    url = sqs.create_queue(QueueName="shipment-events-" + "x" * 60 + "-dlq")["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="{}")

    assert main(["dlq", "inspect", url]) == 0

    out = capsys.readouterr().out
    assert url in out
    message_id = sqs.receive_message(QueueUrl=url, VisibilityTimeout=0)["Messages"][0]["MessageId"]
    assert message_id in out


def test_a_queue_in_another_region_is_reported_with_the_region_searched(sqs: SQSClient) -> None:
    sqs.create_queue(QueueName="shipments-dlq")  # us-east-1

    run = run_cli("dlq", "inspect", "shipments-dlq", "--region", "eu-west-1")

    assert run.code == 2
    assert "no queue named 'shipments-dlq' in eu-west-1" in run.err
    assert "--region, AWS_REGION or AWS_DEFAULT_REGION" in run.err
