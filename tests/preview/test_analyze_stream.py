"""Analyze while the program runs (AnalyzeStream): the pack gets exactly the requests, and the
preview the violations, that analyzing the finished run would give."""

from __future__ import annotations

import json
import threading
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import pulumi
import pulumi.runtime.resource
import pulumi_aws as aws
import pytest

from tools.preview.analyzer import AnalyzeStream, PolicyPackProcess, Violation
from tools.preview.program import RegisteredResource, run_in_mocks

PACKS = Path(__file__).parent / "packs"
RECORDING = PACKS / "recording"
CONFIG = {"aws:region": "us-east-1"}


def _program() -> None:
    west = aws.Provider("west", region="eu-west-1")
    key = aws.kms.Key("key")
    queue = aws.sqs.Queue("orders", kms_master_key_id=key.arn, tags={"Env": "dev"})
    aws.sqs.Queue("jobs", fifo_queue=True, opts=pulumi.ResourceOptions(provider=west))
    for index in range(6):
        aws.sqs.Queue(f"plain-{index}", opts=pulumi.ResourceOptions(depends_on=[queue]))
    pulumi.export("queueArn", queue.arn)


def _started(pack: PolicyPackProcess) -> Future[None]:
    started: Future[None] = Future()

    def start() -> None:
        try:
            pack.start()
        except BaseException as error:  # handed to the test through the future
            started.set_exception(error)
        else:
            started.set_result(None)

    threading.Thread(target=start).start()
    return started


def _messages(violations: list[Violation]) -> list[tuple[str, str | None, Any]]:
    return [
        (v.policy, v.urn, json.loads(v.message.split("\n", 1)[1]) if "\n" in v.message else None)
        for v in violations
    ]


def test_streamed_analyze_sends_what_analyzing_the_finished_run_sends() -> None:
    """The recording pack reports every request it gets: the stream's are the batch's, in order."""
    pack = PolicyPackProcess(RECORDING, stack_config=CONFIG)
    try:
        stream = AnalyzeStream(pack, _started(pack))
        run = run_in_mocks(_program, config=CONFIG, preview=True, on_record=stream.add)
        stream.close()
        streamed = stream.result()
        batch = pack.analyze_all(run.analyzed)
    finally:
        pack.stop()
    assert streamed is not None
    assert _messages(streamed) == _messages(batch)
    assert {v.urn for v in streamed} >= {r.urn for r in run.analyzed if r.custom}


def test_on_record_sees_every_registration_in_the_recorded_order() -> None:
    seen: list[RegisteredResource] = []
    run = run_in_mocks(_program, config=CONFIG, preview=True, on_record=seen.append)
    assert [r.urn for r in seen] == [r.urn for r in run.analyzed]
    assert [r.analyzed_inputs for r in seen] == [r.analyzed_inputs for r in run.analyzed]
    assert seen[0].type == "pulumi:pulumi:Stack"


def test_a_remediating_pack_is_analyzed_after_the_run() -> None:
    """Remediate comes before Analyze: the stream sends nothing and says so (None)."""
    pack = PolicyPackProcess(RECORDING, {"tag-queues": "remediate"}, stack_config=CONFIG)
    try:
        stream = AnalyzeStream(pack, _started(pack))
        run_in_mocks(_program, config=CONFIG, preview=True, on_record=stream.add)
        assert stream.result() is None
    finally:
        pack.stop()


def test_a_failed_start_leaves_the_error_to_the_caller() -> None:
    started: Future[None] = Future()
    started.set_exception(RuntimeError("no pack"))
    stream = AnalyzeStream(PolicyPackProcess(RECORDING), started)
    stream.add(run_in_mocks(_program, config=CONFIG).analyzed[0])
    assert stream.result() is None


def test_an_abandoned_stream_stops_without_analyzing_the_rest() -> None:
    pack = PolicyPackProcess(RECORDING, stack_config=CONFIG)
    try:
        started = _started(pack)
        stream = AnalyzeStream(pack, started)
        stream.abandon()
        started.result()
        assert stream.result() == []
    finally:
        pack.stop()


def test_the_sdk_stack_trace_is_skipped_only_while_a_program_runs() -> None:
    original = pulumi.runtime.resource._get_stack_trace
    during: list[Any] = []

    def program() -> None:
        during.append(pulumi.runtime.resource._get_stack_trace)
        aws.sqs.Queue("queue")

    run_in_mocks(program)
    assert during and during[0] is not original
    assert during[0]().frames == []
    assert pulumi.runtime.resource._get_stack_trace is original


@pytest.mark.parametrize("fails", [False, True])
def test_the_command_reports_through_the_stream_and_leaves_no_thread(
    capsys: pytest.CaptureFixture[str], fails: bool
) -> None:
    """Through the command: the violations come from the stream, and a failing program stops
    it (no thread left behind)."""
    import tools.preview.cli as cli

    programs = Path(__file__).parent / "programs"
    before = {t.name for t in threading.enumerate()}
    status = cli.main(
        [
            "--program",
            str(programs / ("raises" if fails else "unencrypted")),
            "--policy-pack",
            str(PACKS / "basic"),
            "--json",
        ]
    )
    assert status == (2 if fails else 1)
    assert "policy-pack-analyze" not in {t.name for t in threading.enumerate()} - before
    if not fails:
        assert json.loads(capsys.readouterr().out)["violations"]
