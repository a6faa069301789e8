"""`python -m tools.preview` run inside the test process, with one policy pack process per pack
shared by every preview of the session.

The CLI starts the pack as its own process for every preview, as the engine does. For the
published Node pack (`@pulumi/awsguard`) that start costs more CPU than previewing one of the
small test programs, and each subprocess also imports the Pulumi SDKs again; the tests that
preview dozens of programs pay it dozens of times. `run_cli(...)` runs the CLI's own `main` (the
same parsing, program runs, phases, report and exit status) in this process, and hands it a
`PolicyPackProcess` that connects to a pack already running for the same pack folder, command
and phase (dry run or not) instead of starting one. Everything else about the pack is per
preview, as for a new process: the CLI still sends ConfigureStack (the program's project, stack,
config and tags), GetAnalyzerInfo and Configure (its policy config) before any Analyze. What is
shared is only the environment the process was started with (`PULUMI_PROJECT`, `PULUMI_STACK`,
`PULUMI_CONFIG`), which neither this repository's pack nor awsguard reads.

What needs a process of its own stays one: tests of how the CLI starts, fails, prints and exits,
and at least one real `python -m tools.preview` run per pack that is compared with `run_cli`.
"""

from __future__ import annotations

import contextlib
import io
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest import mock

from tools.preview import cli
from tools.preview.analyzer import PolicyPackProcess

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class CliRun:
    """What one CLI run returned and printed."""

    status: int
    stdout: str
    stderr: str


class _SharedPacks:
    """Running pack processes, keyed by what fixes a process at its start."""

    def __init__(self) -> None:
        self._running: dict[tuple[Any, ...], PolicyPackProcess] = {}
        self._lock = threading.Lock()

    def server(
        self, lease: PolicyPackProcess, command: list[str], runtime: str
    ) -> PolicyPackProcess:
        key = (lease.pack_dir, tuple(command), runtime, lease.dry_run, lease.installed)
        with self._lock:
            server = self._running.get(key)
            process = getattr(server, "_process", None)
            if server is not None and process is not None and process.poll() is None:
                return server
            if server is not None:
                server.stop()
            server = PolicyPackProcess(
                lease.pack_dir,
                project=lease.project,
                stack=lease.stack,
                stack_config=lease.stack_config,
                dry_run=lease.dry_run,
                installed=lease.installed,
            )
            try:
                server._launch(command, runtime)
            except BaseException:
                server.stop()
                raise
            self._running[key] = server
            return server

    def close(self) -> None:
        with self._lock:
            running, self._running = list(self._running.values()), {}
        for server in running:
            server.stop()


_SHARED = _SharedPacks()


class _SharedPackProcess(PolicyPackProcess):
    """A PolicyPackProcess whose launch connects to a shared running pack; `stop` leaves the
    process running for the next preview. Configuration is the base class's, per preview."""

    _server: PolicyPackProcess | None = None

    def _launch(self, command: list[str], runtime: str) -> None:
        self._server = _SHARED.server(self, command, runtime)
        self._channel = self._server._channel
        self._stub = self._server._stub
        self._stderr = self._server._stderr

    def stop(self) -> None:
        self._channel = None
        self._stub = None
        self._stderr = None
        self._process = None


def run_cli(*argv: str, cwd: Path = ROOT) -> CliRun:
    """`python -m tools.preview ARGV` (run from `cwd`), in this process with a shared pack."""
    stdout, stderr = io.StringIO(), io.StringIO()
    with (
        contextlib.chdir(cwd),
        mock.patch.object(cli, "PolicyPackProcess", _SharedPackProcess),
        contextlib.redirect_stdout(stdout),
        contextlib.redirect_stderr(stderr),
    ):
        status = cli.main(list(argv))
    return CliRun(status, stdout.getvalue(), stderr.getvalue())


def close_shared_packs() -> None:
    """Stop every shared pack process (at the end of the session)."""
    _SHARED.close()
