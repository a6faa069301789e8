"""`python -m tools.preview`: exit codes, JSON contract, messages for every bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from tools.preview.cli import main

pytestmark = pytest.mark.slow

HERE = Path(__file__).parent
REPO = HERE.parent.parent
PROGRAMS = HERE / "programs"
PACK = HERE / "packs" / "basic"


def _cli(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "tools.preview", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _json_run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any]]:
    status = main([*args, "--policy-pack", str(PACK), "--json"])
    return status, json.loads(capsys.readouterr().out)


def _write_program(folder: Path, main_py: str, stack_yaml: str = "config: {}\n") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "Pulumi.yaml").write_text("name: outside\nruntime: python\n")
    (folder / "Pulumi.dev.yaml").write_text(stack_yaml)
    (folder / "__main__.py").write_text(textwrap.dedent(main_py))
    return folder


def test_clean_program_exits_0_with_the_exact_json_contract(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, document = _json_run(capsys, "--program", str(PROGRAMS / "clean"))
    assert status == 0
    assert set(document) == {"project", "stack", "resources", "violations"}
    assert (document["project"], document["stack"]) == ("clean-app", "dev")
    assert all(set(r) == {"urn", "type", "name", "parent"} for r in document["resources"])
    types = sorted(r["type"] for r in document["resources"])
    assert types == [
        "aws:kms/key:Key",
        "aws:sqs/queue:Queue",
        "aws:sqs/queue:Queue",
        "pulumi:pulumi:Stack",
    ]
    # A first preview: the key's ARN is unknown, so the pack's rule touching it cannot run
    # and pulumi_policy says so (advisory, as the engine shows it); nothing else is found.
    queues = sorted(r["urn"] for r in document["resources"] if r["type"] == "aws:sqs/queue:Queue")
    assert sorted((v["policy"], v["enforcement"], v["urn"]) for v in document["violations"]) == [
        ("sqs-encrypted", "advisory", urn) for urn in queues
    ]
    assert all("can't run policy 'sqs-encrypted'" in v["message"] for v in document["violations"])


def test_unencrypted_queue_exits_1_with_the_policy_on_its_urn(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, document = _json_run(capsys, "--program", str(PROGRAMS / "unencrypted"))
    assert status == 1
    queue_urn = (
        "urn:pulumi:dev::unencrypted-app::test:messaging:Inbox$aws:sqs/queue:Queue::orders-queue"
    )
    [violation] = document["violations"]
    # Contract 2's fields stay; the preview adds severity, fix and the phase.
    assert set(violation) == {
        "policy",
        "pack",
        "enforcement",
        "urn",
        "message",
        "severity",
        "fix",
        "phase",
    }
    assert violation["phase"] == "preview"
    assert violation["policy"] == "sqs-encrypted"
    assert violation["pack"] == "preview-test-pack"
    assert violation["enforcement"] == "mandatory"
    assert violation["urn"] == queue_urn
    inbox = next(r for r in document["resources"] if r["name"] == "orders")
    queue = next(r for r in document["resources"] if r["urn"] == queue_urn)
    assert queue["parent"] == inbox["urn"]


def test_stack_level_violation_has_null_urn(capsys: pytest.CaptureFixture[str]) -> None:
    config = PROGRAMS.parent / "packs" / "basic-config.json"
    status = main(
        [
            "--program",
            str(PROGRAMS / "clean"),
            "--policy-pack",
            str(PACK),
            "--policy-config",
            str(config),
            "--json",
            "--phase",
            "update",
        ]
    )
    document = json.loads(capsys.readouterr().out)
    assert status == 1
    assert [(v["policy"], v["enforcement"], v["urn"]) for v in document["violations"]] == [
        ("queue-budget", "mandatory", None)
    ]


def test_human_report_shows_tree_violations_and_mandatory_count() -> None:
    result = _cli("--program", str(PROGRAMS / "unencrypted"), "--policy-pack", str(PACK))
    assert result.returncode == 1
    out = result.stdout
    assert "orders (test:messaging:Inbox)" in out
    assert "1 x aws:sqs/queue:Queue" in out
    assert "mandatory sqs-encrypted (preview-test-pack): 1" in out
    assert "orders-queue: queue 'orders-queue' is not encrypted" in out
    assert out.rstrip().splitlines()[-1] == "1 mandatory violations"


def test_json_stdout_is_only_the_document_even_when_the_program_prints() -> None:
    result = _cli("--program", str(PROGRAMS / "clean"), "--policy-pack", str(PACK), "--json")
    assert result.returncode == 0
    assert json.loads(result.stdout)["project"] == "clean-app"
    assert "this print must not reach stdout" in result.stderr


def test_program_that_raises_exits_2_naming_file_and_line() -> None:
    result = _cli("--program", str(PROGRAMS / "raises"), "--policy-pack", str(PACK))
    assert result.returncode == 2
    assert result.stdout == ""
    assert "raises/settings.py:5" in result.stderr
    assert "ValueError: retention must be positive" in result.stderr


def test_program_outside_the_repo_works(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    program = _write_program(
        tmp_path / "elsewhere",
        """
        import pulumi
        import pulumi_aws as aws

        queue = aws.sqs.Queue("plain")
        pulumi.export("url", queue.url)
        """,
        "config:\n  aws:region: ap-southeast-2\n",
    )
    status, document = _json_run(capsys, "--program", str(program))
    assert status == 1
    assert document["project"] == "outside"
    assert [v["urn"] for v in document["violations"]] == [
        "urn:pulumi:dev::outside::aws:sqs/queue:Queue::plain"
    ]


def test_unknown_stack_lists_existing_stacks(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["--program", str(PROGRAMS / "clean"), "--stack", "qa", "--json"])
    err = capsys.readouterr().err
    assert status == 2
    assert "unknown stack 'qa'" in err
    assert "Pulumi.qa.yaml" in err
    assert "existing stacks: dev, prod" in err


def test_missing_pulumi_yaml(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--program", str(tmp_path)]) == 2
    assert f"{tmp_path / 'Pulumi.yaml'} not found" in capsys.readouterr().err


def test_bad_yaml_names_the_stack_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    program = _write_program(tmp_path, "import pulumi\n", "config:\n  a: [unclosed\n")
    assert main(["--program", str(program)]) == 2
    err = capsys.readouterr().err
    assert f"{program / 'Pulumi.dev.yaml'}: invalid YAML" in err


def test_config_value_of_wrong_type(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    program = _write_program(
        tmp_path,
        """
        import pulumi

        retries = pulumi.Config().require_int("retries")
        """,
        "config:\n  outside:retries: abc\n",
    )
    assert main(["--program", str(program), "--policy-pack", str(PACK)]) == 2
    err = capsys.readouterr().err
    assert "outside:retries" in err and "'abc'" in err
    assert str(program / "Pulumi.dev.yaml") in err
    assert f"{program / '__main__.py'}:4" in err


def test_pack_that_fails_to_start(capsys: pytest.CaptureFixture[str]) -> None:
    broken = HERE / "packs" / "broken"
    status = main(["--program", str(PROGRAMS / "clean"), "--policy-pack", str(broken)])
    assert status == 2
    err = capsys.readouterr().err
    assert f"policy pack {broken} exited with status 1" in err
    assert "policy_helpers_that_do_not_exist" in err


def test_missing_pack_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nope"
    status = main(["--program", str(PROGRAMS / "clean"), "--policy-pack", str(missing)])
    assert status == 2
    assert f"policy pack folder {missing} does not exist" in capsys.readouterr().err


def test_invalid_policy_config_names_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "policy.json"
    config.write_text('{"queue-budget": {"maxQueues": -1}}')
    program = str(PROGRAMS / "clean")
    status = main(
        ["--program", program, "--policy-pack", str(PACK), "--policy-config", str(config)]
    )
    assert status == 2
    err = capsys.readouterr().err
    assert f"policy config {config}" in err and "maxQueues" in err


def test_stack_transform_fails_clearly_instead_of_hanging(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    program = _write_program(
        tmp_path,
        """
        import pulumi

        pulumi.runtime.register_resource_transform(lambda args: None)
        """,
    )
    assert main(["--program", str(program), "--policy-pack", str(PACK)]) == 2
    err = capsys.readouterr().err
    assert "stack transform" in err and f"{program / '__main__.py'}:4" in err


def test_per_stack_policy_config_is_picked_up(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pack = tmp_path / "pack"
    pack.mkdir()
    for name in ("PulumiPolicy.yaml", "__main__.py"):
        (pack / name).write_text((PACK / name).read_text())
    (pack / "config").mkdir()
    (pack / "config" / "dev.json").write_text('{"sqs-encrypted": "advisory"}')
    status = main(["--program", str(PROGRAMS / "unencrypted"), "--policy-pack", str(pack)])
    captured = capsys.readouterr()
    assert status == 0
    assert f"using policy config {pack / 'config' / 'dev.json'}" in captured.err
    assert "advisory sqs-encrypted" in captured.out
    assert captured.out.rstrip().endswith("0 mandatory violations")


def test_pack_started_during_a_failing_program_is_stopped_after_its_start(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The pack starts in the background while the program runs; when the program fails the
    pack is still stopped, and only after its start finished (no orphan process)."""
    import tools.preview.cli as cli

    events: list[str] = []

    class RecordingPack(cli.PolicyPackProcess):
        def start(self) -> None:
            super().start()
            events.append("started")

        def stop(self) -> None:
            process = self._process
            super().stop()
            events.append("stopped")
            assert process is not None and process.poll() is not None

    monkeypatch.setattr(cli, "PolicyPackProcess", RecordingPack)
    status = main(["--program", str(PROGRAMS / "raises"), "--policy-pack", str(PACK)])
    assert status == 2
    assert events == ["started", "stopped"]


def test_both_phases_say_where_each_violation_fires(capsys: pytest.CaptureFixture[str]) -> None:
    """The encrypted queues' key ARN is unknown only in a first preview (the test pack's rule
    cannot run there); the unencrypted queue fails in both."""
    _, clean = _json_run(capsys, "--program", str(PROGRAMS / "clean"), "--phase", "both")
    assert {(v["policy"], v["enforcement"], v["phase"]) for v in clean["violations"]} == {
        ("sqs-encrypted", "advisory", "preview")
    }
    status, broken = _json_run(
        capsys, "--program", str(PROGRAMS / "unencrypted"), "--phase", "both"
    )
    assert status == 1
    assert [(v["policy"], v["phase"]) for v in broken["violations"]] == [("sqs-encrypted", "both")]


def test_update_phase_sees_known_values(capsys: pytest.CaptureFixture[str]) -> None:
    status, document = _json_run(capsys, "--program", str(PROGRAMS / "clean"), "--phase", "update")
    assert (status, document["violations"]) == (0, [])


def test_a_remediating_policy_is_shown(tmp_path: Path) -> None:
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"tag-queues": "remediate"}))
    recording = HERE / "packs" / "recording"
    result = _cli(
        "--program",
        str(PROGRAMS / "clean"),
        "--policy-pack",
        str(recording),
        "--policy-config",
        str(config),
        "--json",
    )
    document = json.loads(result.stdout)
    queues = sorted(r["urn"] for r in document["resources"] if r["type"] == "aws:sqs/queue:Queue")
    assert sorted(r["urn"] for r in document["remediations"]) == queues
    assert {r["policy"] for r in document["remediations"]} == {"tag-queues"}
    human = _cli(
        "--program",
        str(PROGRAMS / "clean"),
        "--policy-pack",
        str(recording),
        "--policy-config",
        str(config),
    )
    assert "Remediated (2)" in human.stdout


def test_remediated_tags_are_what_the_repositorys_pack_then_analyzes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """required-tags configured `remediate`: the engine rewrites the tags before Analyze, so
    the mandatory finding of an unremediated preview is gone and the output names the fix."""
    program = _write_program(
        tmp_path / "untagged",
        """
        import pulumi_aws as aws
        aws.sqs.Queue("orders", sqs_managed_sse_enabled=True, tags={
            "Environment": "dev", "Project": "p", "Owner": "o", "DataClassification": "internal",
        })
        """,
    )
    defaults = {"ManagedBy": "pulumi", "CostCenter": "cc-1"}
    config = tmp_path / "remediate.json"
    config.write_text(
        json.dumps({"required-tags": {"enforcementLevel": "remediate", "defaults": defaults}})
    )
    pack = ["--policy-pack", str(REPO / "policies"), "--json"]

    main(["--program", str(program), *pack])
    plain = json.loads(capsys.readouterr().out)
    assert [v["enforcement"] for v in plain["violations"] if v["policy"] == "required-tags"] == [
        "mandatory"
    ]
    main(["--program", str(program), *pack, "--policy-config", str(config)])
    fixed = json.loads(capsys.readouterr().out)
    assert [v for v in fixed["violations"] if v["policy"] == "required-tags"] == []
    assert [(r["policy"], r["urn"].rsplit("::", 1)[1]) for r in fixed["remediations"]] == [
        ("required-tags", "orders")
    ]
