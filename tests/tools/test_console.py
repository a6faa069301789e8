"""tools.console: one rule for the width of the tools' consoles (whole lines without a terminal)."""

from __future__ import annotations

import io

import pytest

from tools.console import UNBOUNDED_WIDTH, console_for, is_terminal
from tools.ops import cli as ops_cli
from tools.preview import report as preview_report


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_pipe_gets_whole_lines() -> None:
    out = io.StringIO()
    line = "urn:pulumi:prod::aws-platform::" + "x" * 500
    console = console_for(out, highlight=False)
    console.print(line)
    assert console.width == UNBOUNDED_WIDTH
    assert out.getvalue() == line + "\n"


def test_a_terminal_keeps_its_own_width(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "90")
    assert console_for(_Terminal()).width == 90


def test_a_closed_or_plain_object_is_not_a_terminal() -> None:
    closed = io.StringIO()
    closed.close()
    assert not is_terminal(closed)
    assert not is_terminal(object())
    assert is_terminal(_Terminal())


def test_the_default_stream_is_stdout_or_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    console_for(stderr=True).print("to stderr " + "y" * 300)
    console_for().print("to stdout")
    captured = capsys.readouterr()
    assert captured.err == "to stderr " + "y" * 300 + "\n"
    assert captured.out == "to stdout\n"


def test_the_tools_consoles_are_unbounded_without_a_terminal(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The preview report and the ops commands make their consoles here (the cost report too:
    tests/tools/test_cost.py checks its header stays on one line)."""
    assert preview_report.console_for(io.StringIO()).width == UNBOUNDED_WIDTH
    assert ops_cli._console(stderr=True).width == UNBOUNDED_WIDTH
    assert ops_cli._console(stderr=False).width == UNBOUNDED_WIDTH
