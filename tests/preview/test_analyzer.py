"""PolicyPackProcess: the pack runs as its own process and answers over gRPC like for the engine."""

from __future__ import annotations

from pathlib import Path

import pulumi_aws as aws
import pytest

from tools.preview.analyzer import PackStartError, PolicyPackProcess
from tools.preview.policy_config import PolicyConfigError
from tools.preview.program import ProgramRun, run_in_mocks

PACKS = Path(__file__).parent / "packs"
BASIC = PACKS / "basic"


def _queues() -> ProgramRun:
    def program() -> None:
        key = aws.kms.Key("key")
        aws.sqs.Queue("encrypted", kms_master_key_id=key.arn)
        aws.sqs.Queue("managed", sqs_managed_sse_enabled=True)
        for index in range(3):
            aws.sqs.Queue(f"plain-{index}")

    return run_in_mocks(program)


def test_resource_policy_reports_each_unencrypted_queue_on_its_urn() -> None:
    run = _queues()
    with PolicyPackProcess(BASIC) as pack:
        violations = pack.analyze_all(run.resources)
    assert sorted(v.urn or "" for v in violations) == sorted(
        r.urn for r in run.resources if r.name.startswith("plain-")
    )
    assert {(v.policy, v.pack, v.enforcement) for v in violations} == {
        ("sqs-encrypted", "preview-test-pack", "mandatory")
    }
    assert "queue 'plain-0' is not encrypted" in next(
        v.message for v in violations if v.urn == run.named("plain-0").urn
    )


def test_violations_keep_resource_order_with_requests_in_flight() -> None:
    """Several Analyze requests are outstanding at once; the answers are still in order."""

    def program() -> None:
        for index in range(12):
            aws.sqs.Queue(f"plain-{index:02d}")

    run = run_in_mocks(program)
    with PolicyPackProcess(BASIC) as pack:
        violations = pack.analyze_all(list(reversed(run.resources)))
    queues = [r.urn for r in reversed(run.resources) if r.type == "aws:sqs/queue:Queue"]
    assert [v.urn for v in violations] == queues


def test_stack_policy_gets_config_defaults_and_reports_stack_wide() -> None:
    run = _queues()
    with PolicyPackProcess(BASIC) as pack:
        violations = pack.analyze_stack(run.resources)
    assert [(v.policy, v.enforcement, v.urn) for v in violations] == [
        ("queue-budget", "advisory", None)
    ]
    assert "5 queues, more than the budget of 3" in violations[0].message


def test_stack_policy_sees_dependencies() -> None:
    def program() -> None:
        queue = aws.sqs.Queue("q", sqs_managed_sse_enabled=True)
        aws.sqs.QueuePolicy("linked", queue_url=queue.url, policy="{}")
        aws.sqs.QueuePolicy("orphan", queue_url="https://example.invalid/q", policy="{}")

    run = run_in_mocks(program)
    with PolicyPackProcess(BASIC) as pack:
        violations = pack.analyze_stack(run.resources)
    assert [v.urn for v in violations] == [run.named("orphan").urn]


def test_policy_config_sets_levels_and_properties() -> None:
    run = _queues()
    config = {"all": "advisory", "queue-budget": {"enforcementLevel": "mandatory", "maxQueues": 5}}
    with PolicyPackProcess(BASIC, config) as pack:
        levels = {p.name: p.enforcement for p in pack.info().policies}
        resource_levels = {v.enforcement for v in pack.analyze_all(run.resources)}
        stack_violations = pack.analyze_stack(run.resources)
    assert levels == {"sqs-encrypted": "advisory", "queue-budget": "mandatory"}
    assert resource_levels == {"advisory"}
    assert stack_violations == []


def test_invalid_policy_config_names_every_problem() -> None:
    config = {"queue-budget": {"maxQueues": "many"}, "no-such-policy": "mandatory"}
    with pytest.raises(PolicyConfigError) as caught, PolicyPackProcess(BASIC, config):
        pass
    assert "no-such-policy: no such policy in the pack" in str(caught.value)
    assert "queue-budget.maxQueues: 'many' is not of type 'integer'" in str(caught.value)


def test_pack_that_fails_to_start_reports_its_stderr() -> None:
    with pytest.raises(PackStartError) as caught, PolicyPackProcess(PACKS / "broken"):
        pass
    message = str(caught.value)
    assert "exited with status 1" in message
    assert "policy_helpers_that_do_not_exist" in message
    assert "packs/broken/__main__.py" in message


def test_folder_without_pulumipolicy_yaml_is_refused(tmp_path: Path) -> None:
    with pytest.raises(PackStartError, match=r"PulumiPolicy\.yaml not found"):
        PolicyPackProcess(tmp_path).start()


def test_process_is_stopped_on_exit() -> None:
    pack = PolicyPackProcess(BASIC)
    with pack:
        process = pack._process
        assert process is not None and process.poll() is None
    assert process.poll() is not None


AWSGUARD = Path(__file__).parents[1] / "fixtures" / "awsguard"


@pytest.mark.slow
@pytest.mark.skipif(
    not (AWSGUARD / "node_modules").is_dir(), reason="run `make fixtures` for the npm pack"
)
def test_node_pack_runs_through_run_policy_pack() -> None:
    def program() -> None:
        aws.ec2.Instance("vm", ami="ami-0123456789abcdef0", instance_type="t3.micro")
        aws.sqs.Queue("q", sqs_managed_sse_enabled=True)

    run = run_in_mocks(program)
    with PolicyPackProcess(AWSGUARD) as node_pack:
        assert node_pack.info().name == "pulumi-awsguard"
        violations = node_pack.analyze_all(run.resources)
        stack_violations = node_pack.analyze_stack(run.resources)
    by_policy = {v.policy: v for v in violations}
    assert by_policy["encrypted-volumes"].urn == run.named("vm").urn
    assert by_policy["encrypted-volumes"].enforcement == "mandatory"
    assert all(v.urn == run.named("vm").urn for v in violations)
    assert stack_violations == []
