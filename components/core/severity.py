"""Alarm severities, mapped from the operations runbook's classification (seed 001).

The runbook grades P0 (complete outage) to P3 (informational); the platform numbers them P1..P4:

- P1 outage, respond immediately (page): e.g. most Lambda invocations failing, a table unavailable.
- P2 degraded, respond within 15 minutes (page): Lambda error rate > 10 %, DLQ > 100 messages,
  a queue's oldest message older than the tier's limit.
- P3 warning, respond within 30 minutes (ticket): throttling, a DLQ that holds any message,
  p95 latency above 1 s, capacity approaching its limit.
- P4 informational, next business day: cold starts, minor latency increases.

P1 and P2 alarms also notify on recovery (OK actions).
"""

from __future__ import annotations

from enum import StrEnum


class Severity(StrEnum):
    """Alarm severity; each has its own SNS topic (``AlarmTopics``)."""

    P1 = "P1"
    P2 = "P2"
    P3 = "P3"
    P4 = "P4"

    @property
    def pages(self) -> bool:
        """Whether the severity pages on-call (and so also notifies on recovery)."""
        return self in (Severity.P1, Severity.P2)
