"""Rich consoles for the project's command-line tools.

Without a terminal (CI logs, pipes, files) rich assumes 80 columns and folds or cuts long lines
(URNs, queue URLs, message ids, table headers); logs and grep need every line whole, so such a
console is made as wide as its longest line could be. On a terminal rich uses the terminal's width.
"""

from __future__ import annotations

import sys
from typing import IO, Any

from rich.console import Console

UNBOUNDED_WIDTH = 100_000
"""The width of a console that is not a terminal: wider than any line the tools print."""


def is_terminal(stream: object) -> bool:
    """Whether `stream` is a terminal (False for anything without a working `isatty`)."""
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty()) if callable(isatty) else False
    except ValueError:  # a closed stream
        return False


def console_for(file: IO[str] | None = None, *, stderr: bool = False, **options: Any) -> Console:
    """A rich console on `file` (default stdout, or stderr with `stderr=True`): as wide as the
    terminal, unbounded when the output is not a terminal. `options` go to `Console`."""
    stream = file if file is not None else (sys.stderr if stderr else sys.stdout)
    width = None if is_terminal(stream) else UNBOUNDED_WIDTH
    return Console(file=file, stderr=stderr, width=width, **options)
