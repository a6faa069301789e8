"""Saying that a rule cannot decide because a value it needs is unknown during a preview.

The engine's answer to a rule that touches an unknown value is pulumi_policy's advisory "can't
run policy '<name>' ... during preview: <reason>" (`pulumi_policy/policy.py`, `Analyze` and
`AnalyzeStack` catching `UnknownValueError`). A rule calls `undecided(what)` where its verdict
hinges on an unknown value, and goes on with the rest: once the rule has reported everything it
could decide, the adapter (`Rule`) raises one `UnknownValueError` naming every undecided value,
so the engine shows that advisory instead of the rule passing silently.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar

from pulumi_policy.proxy import UnknownValueError

UNDECIDED = "is not known before the resource is created"
"""The end of each reason (tests recognise a deliberate advisory by it)."""

_STRING_SENTINEL = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
_PENDING: ContextVar[list[str] | None] = ContextVar("undecided", default=None)


def undecided(what: str) -> None:
    """Record that the rule cannot decide because `what` is unknown."""
    pending = _PENDING.get()
    if pending is not None and what not in pending:
        pending.append(what)


@contextlib.contextmanager
def collecting() -> Iterator[None]:
    """Around one run of a rule: raise UnknownValueError at the end if it was undecided."""
    pending: list[str] = []
    token = _PENDING.set(pending)
    try:
        yield
    finally:
        _PENDING.reset(token)
    if pending:
        pending.sort()  # the order a rule met them in may follow set order: print them sorted
        shown = "; ".join(f"{what} {UNDECIDED}" for what in pending[:5])
        more = f" (and {len(pending) - 5} more)" if len(pending) > 5 else ""
        error = UnknownValueError(_STRING_SENTINEL, [])
        error.message = shown + more  # what pulumi_policy puts after "during preview: "
        raise error
