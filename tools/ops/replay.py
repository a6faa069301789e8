"""EventBridge archive replay: start one for a time window and follow it to the end."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mypy_boto3_events import EventBridgeClient

TERMINAL_STATES = frozenset({"COMPLETED", "CANCELLED", "FAILED"})
_NAME_FORBIDDEN = re.compile(r"[^.\-_A-Za-z0-9]")
MAX_NAME = 64


class ReplayError(Exception):
    """A replay cannot start: every problem with its inputs, one per line."""


@dataclass(frozen=True, kw_only=True)
class ReplayWindow:
    """The event times to replay: from `start` (inclusive) to `end`, both timezone-aware."""

    start: datetime
    end: datetime

    @classmethod
    def parse(cls, start: str, end: str) -> ReplayWindow:
        """Parse ISO-8601 times with an offset (`2026-11-03T10:00:00Z`); report every problem."""
        problems: list[str] = []
        parsed: dict[str, datetime] = {}
        for label, text in (("--from", start), ("--to", end)):
            try:
                value = datetime.fromisoformat(text)
            except ValueError:
                problems.append(f"{label}: '{text}' is not an ISO-8601 time")
                continue
            if value.tzinfo is None:
                problems.append(
                    f"{label}: '{text}' has no UTC offset; write it as {text}Z (UTC) "
                    "or with an offset such as +01:00"
                )
                continue
            parsed[label] = value.astimezone(UTC)
        if len(parsed) == 2 and parsed["--from"] >= parsed["--to"]:
            problems.append(
                f"--from ({parsed['--from'].isoformat()}) must be before "
                f"--to ({parsed['--to'].isoformat()})"
            )
        if problems:
            raise ReplayError("\n".join(problems))
        return cls(start=parsed["--from"], end=parsed["--to"])


@dataclass(frozen=True, kw_only=True)
class ReplayRequest:
    """A replay of an archive's events in a window back onto the bus they came from."""

    name: str
    archive_arn: str
    bus_arn: str
    window: ReplayWindow
    rule_arns: tuple[str, ...] = ()
    description: str = ""

    def api_arguments(self) -> dict[str, Any]:
        """The StartReplay request."""
        destination: dict[str, Any] = {"Arn": self.bus_arn}
        if self.rule_arns:
            destination["FilterArns"] = list(self.rule_arns)
        arguments: dict[str, Any] = {
            "ReplayName": self.name,
            "EventSourceArn": self.archive_arn,
            "EventStartTime": self.window.start,
            "EventEndTime": self.window.end,
            "Destination": destination,
        }
        if self.description:
            arguments["Description"] = self.description
        return arguments


@dataclass(frozen=True, kw_only=True)
class ReplayStatus:
    """Where a replay is: its state and the time of the last event it replayed."""

    name: str
    arn: str
    state: str
    reason: str | None
    window: ReplayWindow
    last_replayed: datetime | None

    @property
    def done(self) -> bool:
        return self.state in TERMINAL_STATES

    @property
    def ok(self) -> bool:
        return self.state == "COMPLETED"

    @property
    def fraction(self) -> float:
        """How far through the window the replay is (1.0 once completed)."""
        if self.state == "COMPLETED":
            return 1.0
        if self.last_replayed is None:
            return 0.0
        span = (self.window.end - self.window.start).total_seconds()
        done = (self.last_replayed - self.window.start).total_seconds()
        return min(max(done / span, 0.0), 1.0)


def default_name(bus_arn: str, now: datetime) -> str:
    """`ops-<bus>-<UTC time>`, within EventBridge's 64 characters and allowed characters."""
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    bus = _NAME_FORBIDDEN.sub("-", bus_arn.rsplit("/", 1)[-1])
    return f"ops-{bus[: MAX_NAME - len(stamp) - 5]}-{stamp}"


def start_replay(events: EventBridgeClient, request: ReplayRequest) -> str:
    """Start the replay; returns its ARN."""
    return events.start_replay(**request.api_arguments())["ReplayArn"]


def describe_replay(events: EventBridgeClient, name: str) -> ReplayStatus:
    """The replay's current status."""
    return _status(events.describe_replay(ReplayName=name))


def follow_replay(
    events: EventBridgeClient,
    name: str,
    *,
    poll_seconds: float = 5.0,
    sleep: Callable[[float], None] = time.sleep,
    on_progress: Callable[[ReplayStatus], None] | None = None,
) -> ReplayStatus:
    """Poll DescribeReplay until the replay completes, fails or is cancelled."""
    while True:
        status = describe_replay(events, name)
        if on_progress is not None:
            on_progress(status)
        if status.done:
            return status
        sleep(poll_seconds)


def _status(response: Mapping[str, Any]) -> ReplayStatus:
    return ReplayStatus(
        name=response["ReplayName"],
        arn=response.get("ReplayArn", ""),
        state=response.get("State", "UNKNOWN"),
        reason=response.get("StateReason") or None,
        window=ReplayWindow(
            start=_aware(response["EventStartTime"]), end=_aware(response["EventEndTime"])
        ),
        last_replayed=_aware(response["EventLastReplayedTime"])
        if response.get("EventLastReplayedTime")
        else None,
    )


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)
