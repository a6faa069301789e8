"""What the preview prints: deterministic, uncut without a terminal, progress only on stderr,
each violation with its severity, fix and catalog link, exit 2 without a pack, a helpful --help.
"""

from __future__ import annotations

import io
import json
import random
import re
import subprocess
import textwrap
from pathlib import Path

import pytest

from tests.preview.test_cli import PACK, PROGRAMS, REPO, _cli, _write_program
from tests.preview_in_process import run_cli
from tools.preview.analyzer import PolicyPackProcess
from tools.preview.cli import Options, preview
from tools.preview.guidance import pack_guidance
from tools.preview.progress import Progress
from tools.preview.report import PreviewResult, write_human, write_json

REPO_PACK = REPO / "policies"
AWSGUARD = REPO / "tests" / "fixtures" / "awsguard"


def _options(program: Path, pack: Path | None) -> Options:
    return Options(
        program=program,
        stack="dev",
        policy_pack=pack,
        policy_pack_given=pack is not None,
        policy_config=None,
        json=False,
    )


def _rendered(result: PreviewResult) -> tuple[str, str]:
    text, document = io.StringIO(), io.StringIO()
    write_human(result, text)
    write_json(result, document)
    return text.getvalue(), document.getvalue()


def test_report_does_not_depend_on_registration_or_answer_order() -> None:
    """Resources arrive from several threads; the same findings in another order print the same."""
    result = preview(_options(PROGRAMS / "unencrypted", REPO_PACK), Progress(io.StringIO()))
    assert len(result.violations) > 3  # several rules, several resources: order matters
    shuffled_resources, shuffled_violations = list(result.resources), list(result.violations)
    random.Random(7).shuffle(shuffled_resources)
    random.Random(7).shuffle(shuffled_violations)
    reordered = PreviewResult(
        **{
            **result.__dict__,
            "resources": list(reversed(shuffled_resources)),
            "violations": shuffled_violations,
            "outputs": dict(reversed(list(result.outputs.items()))),
        }
    )
    assert _rendered(reordered) == _rendered(result)


@pytest.mark.slow
def test_two_runs_of_the_prod_stack_print_the_same_bytes() -> None:
    # One run in its own process, one in this one (another hash seed, the shared pack process
    # of tests/preview_in_process.py, the modules other tests left imported).
    first = _cli("--stack", "prod")
    second = run_cli("--stack", "prod")
    assert first.returncode == 0, first.stderr
    assert second.status == 0, second.stderr
    assert first.stdout == second.stdout


def test_without_a_terminal_nothing_is_cut_at_80_columns(tmp_path: Path) -> None:
    long_name = "a-queue-whose-logical-name-is-much-longer-than-eighty-columns-" + "x" * 40
    program = _write_program(
        tmp_path / "wide",
        f"""
        import pulumi
        import pulumi_aws as aws

        class Holder(pulumi.ComponentResource):
            def __init__(self, name):
                super().__init__("test:messaging:HolderWithAVeryLongComponentTypeName", name)
                # An explicit name: an autoname of a logical name this long would exceed
                # the queue name limit, which the provider's Check refuses.
                aws.sqs.Queue(
                    "{long_name}", name="wide-queue", opts=pulumi.ResourceOptions(parent=self)
                )

        Holder("{long_name}-holder")
        """,
    )
    result = _cli("--program", str(program), "--policy-pack", str(PACK))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert any(
        line.endswith(f"{long_name}-holder (test:messaging:HolderWithAVeryLongComponentTypeName)")
        for line in lines
    )
    assert f"  - {long_name}: queue '{long_name}' is not encrypted" in lines
    assert "…" not in result.stdout


def test_json_stdout_is_one_document_and_progress_goes_to_stderr() -> None:
    result = _cli("--program", str(PROGRAMS / "unencrypted"), "--policy-pack", str(PACK), "--json")
    assert result.returncode == 1
    document = json.loads(result.stdout)  # raises on anything besides one document
    assert result.stdout == json.dumps(document, indent=2) + "\n"
    # Not a terminal: a few plain lines, one per step, no spinner frames.
    steps = [line for line in result.stderr.splitlines() if line.startswith("preview: ")]
    assert [re.sub(r" .*", "", s.removeprefix("preview: ")) for s in steps] == [
        "running",
        "starting",
        "Analyze",
        "AnalyzeStack",
    ]
    [analyzed] = [
        int(m.group(1))
        for s in steps
        if (m := re.fullmatch(r"preview: Analyze \(preview phase\): (\d+) resources", s))
    ]
    # The program's resources and the default provider the engine registers for them.
    assert analyzed == len(document["resources"]) + 1


def test_progress_on_a_terminal_is_a_status_line_that_ends_with_each_step() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    stream = Terminal()
    with Progress(stream).step("Analyze: 3 resources"):
        pass
    shown = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", stream.getvalue())  # ANSI controls
    assert re.search(r"^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] Analyze: 3 resources$", shown, re.M)  # spinner meanwhile
    assert "✓ Analyze: 3 resources (" in shown
    assert "preview: " not in shown


def test_each_violation_of_the_repo_pack_has_severity_fix_and_catalog_link() -> None:
    json_run = run_cli("--program", str(PROGRAMS / "unencrypted"), "--json")
    violations = json.loads(json_run.stdout)["violations"]
    assert violations
    for violation in violations:
        assert violation["pack"] == "aws-platform"
        assert violation["severity"] in {"low", "medium", "high", "critical"}
        assert violation["fix"]
    text = run_cli("--program", str(PROGRAMS / "unencrypted")).stdout
    headings = {
        line.removeprefix("### ")
        for line in (REPO / "docs" / "policies.md").read_text().splitlines()
        if line.startswith("### ")
    }
    for policy in {v["policy"] for v in violations}:
        assert f"  see: docs/policies.md#{policy}" in text
        assert policy in headings
    first = violations[0]
    assert f"  fix: {' '.join(first['fix'].split())}" in text


def test_a_pack_without_severity_or_fix_gets_nulls(capsys: pytest.CaptureFixture[str]) -> None:
    from tools.preview.cli import main

    assert main(["--program", str(PROGRAMS / "unencrypted"), "--policy-pack", str(PACK), "--json"])
    violations = json.loads(capsys.readouterr().out)["violations"]
    assert violations and all(v["severity"] is None and v["fix"] is None for v in violations)


@pytest.mark.slow
@pytest.mark.skipif(
    not (AWSGUARD / "node_modules").is_dir(), reason="run `make fixtures` for the npm pack"
)
def test_awsguard_states_no_severity_fix_or_link() -> None:
    with PolicyPackProcess(AWSGUARD) as pack:
        guidance = pack_guidance(pack.info(), AWSGUARD)
    assert guidance
    assert {(g.severity, g.fix, g.link) for g in guidance.values()} == {(None, None, None)}


def test_no_pack_exits_2_naming_where_it_looked(tmp_path: Path) -> None:
    program = _write_program(tmp_path / "app", "import pulumi_aws as aws\naws.sqs.Queue('q')\n")
    result = _cli("--program", str(program), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert f"no policy pack: there is no {tmp_path / 'policies'} folder" in result.stderr
    assert "--no-policy-pack" in result.stderr


def test_no_policy_pack_lists_resources_and_exits_0(tmp_path: Path) -> None:
    program = _write_program(tmp_path / "app", "import pulumi_aws as aws\naws.sqs.Queue('q')\n")
    result = _cli("--program", str(program), "--no-policy-pack", "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert [r["type"] for r in document["resources"]] == [
        "pulumi:pulumi:Stack",
        "aws:sqs/queue:Queue",
    ]
    assert document["violations"] == []


def test_help_shows_defaults_and_exit_codes() -> None:
    result = _cli("--help")
    assert result.returncode == 0
    out = " ".join(result.stdout.split())
    for expected in (
        "(default: the current folder)",
        "(default: dev)",
        "(default: policies/ in the current folder, else the platform pack installed with",
        "(default: <pack>/config/<stack>.json when it exists)",
        "0 no mandatory policy violation",
        "1 mandatory policy violations",
        "2 the program, its config or the policy pack failed, or no policy pack was found",
        "--no-policy-pack",
    ):
        assert expected in out


def test_first_make_preview_says_what_it_installs() -> None:
    """`make -n` with the requirements newer than the stamp: the bootstrap steps it would run."""
    # Run from `make test`, make would announce the directory (MAKELEVEL is inherited).
    steps = subprocess.run(
        ["make", "--no-print-directory", "-n", "-W", "requirements.txt", "preview"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    install = next(i for i, s in enumerate(steps) if "pip install" in s)
    assert "--quiet" not in steps[install]
    assert any(s.startswith('echo "==> installing into .venv') for s in steps[:install])
    assert textwrap.dedent(steps[-1]).startswith(".venv/bin/python -m tools.preview")
