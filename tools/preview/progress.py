"""Progress of a preview on stderr: a live status line on a terminal, a few plain lines otherwise.

Never on stdout, which carries the report (or `--json`'s one document).
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Iterator
from typing import IO

from rich.console import Console


class Progress:
    """Reports the steps of a preview (program run, Analyze, AnalyzeStack) as they happen."""

    def __init__(self, stream: IO[str] | None = None) -> None:
        self._stream = stream if stream is not None else sys.stderr
        self._live = self._stream.isatty()
        self._console = Console(file=self._stream, highlight=False, soft_wrap=True)

    @contextlib.contextmanager
    def step(self, what: str) -> Iterator[None]:
        """`what` is under way: a spinner on a terminal, else one plain line when it starts."""
        started = time.monotonic()
        if not self._live:
            print(f"preview: {what}", file=self._stream, flush=True)
            yield
            return
        with self._console.status(what):
            yield
        self._console.print(f"[green]✓[/green] {what} ({time.monotonic() - started:.1f} s)")
