"""Invocation plumbing shared by the handlers: Lambda context, settings from the environment,
and the Powertools SQS batch loop (FIFO-aware) with structured logs and EMF metrics.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    SqsFifoPartialProcessor,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from botocore.exceptions import ConnectionError as EndpointUnreachable

# What Powertools' Logger reads from a Lambda context, plus what idempotency needs.
_CONTEXT_ATTRIBUTES: dict[str, type | tuple[type, ...]] = {
    "function_name": str,
    "memory_limit_in_mb": (int, str),  # the Python runtime passes a string
    "invoked_function_arn": str,
    "aws_request_id": str,
}
DEFAULT_TIMEOUT_MILLIS = 60_000
# FIFO queue names end in ".fifo" and FIFO records carry a MessageGroupId attribute:
# https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/FIFO-queues.html
# https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html (example FIFO event)
FIFO_SUFFIX = ".fifo"


class ConfigurationError(RuntimeError):
    """The function's environment is missing or has malformed settings (lists every problem)."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("invalid function configuration:\n" + "\n".join(problems))
        self.problems = problems


class EndpointUnavailableError(RuntimeError):
    """An earlier record of this batch could not connect to AWS, so this one was not tried."""


def _caused_by_unreachable_endpoint(error: BaseException | None) -> bool:
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, EndpointUnreachable):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


class InvalidMessageError(ValueError):
    """A record that can never be processed (poison message); lists every problem found."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class LocalContext:
    """Stand-in Lambda context for invocations without a usable one (local runs, tools)."""

    function_name: str = field(
        default_factory=lambda: os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "local")
    )
    memory_limit_in_mb: int | str = 128
    invoked_function_arn: str = ""
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    timeout_millis: int = DEFAULT_TIMEOUT_MILLIS
    started_at: float = field(default_factory=time.monotonic)

    def get_remaining_time_in_millis(self) -> int:
        elapsed = int((time.monotonic() - self.started_at) * 1000)
        return max(self.timeout_millis - elapsed, 0)


def usable_context(context: Any) -> Any:
    """Return ``context`` if it is a complete Lambda context, else a ``LocalContext`` copying
    what it has. Idempotency needs the remaining time: without it an interrupted attempt would
    leave an in-progress record that blocks redelivery until the record expires."""
    try:
        remaining = context.get_remaining_time_in_millis()
    except Exception:  # no context, or not a Lambda one
        remaining = None
    known: dict[str, Any] = {
        name: value
        for name, kind in _CONTEXT_ATTRIBUTES.items()
        if isinstance(value := getattr(context, name, None), kind)
    }
    if isinstance(remaining, int) and len(known) == len(_CONTEXT_ATTRIBUTES):
        return context
    if isinstance(remaining, int):
        known["timeout_millis"] = remaining
    return LocalContext(**known)


def env_settings(
    required: tuple[str, ...], integers: Mapping[str, int] | None = None
) -> dict[str, Any]:
    """Read required strings and positive integers (with defaults) from the environment,
    raising one ``ConfigurationError`` that names every missing or malformed variable."""
    values: dict[str, Any] = {}
    problems: list[str] = []
    for name in required:
        value = os.environ.get(name, "").strip()
        if value:
            values[name] = value
        else:
            problems.append(f"{name}: required environment variable is not set")
    for name, default in (integers or {}).items():
        raw = os.environ.get(name, "").strip()
        if not raw:
            values[name] = default
        elif raw.isdigit() and int(raw) > 0:
            values[name] = int(raw)
        else:
            problems.append(f"{name}: must be a positive integer of seconds or days, got {raw!r}")
    if problems:
        raise ConfigurationError(problems)
    return values


def is_fifo_batch(event: Mapping[str, Any]) -> bool:
    """Whether the SQS event comes from a FIFO queue (any record says so: one event source
    mapping reads one queue, so a batch is never mixed)."""
    records = event.get("Records") if isinstance(event, Mapping) else None
    for record in records if isinstance(records, list) else []:
        if not isinstance(record, Mapping):
            continue
        arn = record.get("eventSourceARN")
        attributes = record.get("attributes")
        if isinstance(arn, str) and arn.endswith(FIFO_SUFFIX):
            return True
        if isinstance(attributes, Mapping) and attributes.get("MessageGroupId"):
            return True
    return False


class SqsBatchFunction:
    """An SQS-triggered function: Powertools partial batch responses, ``Logger`` with the
    Lambda context and a per-record correlation id, and EMF ``Metrics``.

    Standard queues use ``BatchProcessor``: every record is tried and only the failed ones are
    reported. FIFO batches use ``SqsFifoPartialProcessor(skip_group_on_error=True)``: after a
    record fails, the later records *of its message group* are reported as failed without being
    tried, so SQS redelivers the group in order, while other groups of the batch go on. FIFO
    order is per message group: SQS processes one group's messages one by one in strict order,
    different groups possibly out of order ("FIFO queue key terms",
    https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/FIFO-key-terms.html),
    so holding back the other groups too would only delay them. Lambda's guide asks FIFO
    consumers not to go past a failure
    (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html).

    Once a record fails because AWS cannot be reached (connection refused or timed out), the
    rest of the batch fails at once without calls: SQS redelivers it all after the visibility
    timeout, and an outage costs one record's timeouts per invocation, not the whole batch's.

    Service name and metrics namespace come from ``POWERTOOLS_SERVICE_NAME`` and
    ``POWERTOOLS_METRICS_NAMESPACE`` at each invocation, falling back to the defaults given.
    """

    def __init__(
        self,
        *,
        default_service: str,
        default_namespace: str,
        record_handler: Callable[[SQSRecord, Any], None],
        on_invocation: Callable[[Any], None] | None = None,
    ) -> None:
        self.default_service = default_service
        self.default_namespace = default_namespace
        self.logger = Logger(service=self._service())
        self.metrics = Metrics(namespace=default_namespace, service=self._service())
        self._record_handler = record_handler
        self._on_invocation = on_invocation
        self._standard = BatchProcessor(event_type=EventType.SQS)
        self._fifo = SqsFifoPartialProcessor(skip_group_on_error=True)
        self._endpoint_unreachable = False
        self._observed = self.metrics.log_metrics(
            self.logger.inject_lambda_context(self._run, clear_state=True)
        )

    def _service(self) -> str:
        return os.environ.get("POWERTOOLS_SERVICE_NAME") or self.default_service

    def __call__(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        service = self._service()
        self.metrics.service = service
        self.metrics.namespace = (
            os.environ.get("POWERTOOLS_METRICS_NAMESPACE") or self.default_namespace
        )
        return self._observed(event, usable_context(context))

    def _run(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        self.logger.append_keys(service=self._service())
        self._endpoint_unreachable = False
        if self._on_invocation is not None:
            self._on_invocation(context)
        return dict(
            process_partial_response(
                event=event,
                record_handler=self._handle_record,
                processor=self._fifo if is_fifo_batch(event) else self._standard,
                context=context,
            )
        )

    def _handle_record(self, record: SQSRecord, lambda_context: Any) -> None:
        self.logger.set_correlation_id(record.message_id)
        try:
            if self._endpoint_unreachable:
                self.count("RecordsNotAttempted")
                raise EndpointUnavailableError("AWS endpoint unreachable earlier in this batch")
            self._record_handler(record, lambda_context)
        except Exception as error:
            self._endpoint_unreachable |= _caused_by_unreachable_endpoint(error)
            raise
        finally:
            self.logger.set_correlation_id(None)

    def count(self, metric: str) -> None:
        """Add one to an EMF count metric for this invocation."""
        self.metrics.add_metric(name=metric, unit=MetricUnit.Count, value=1)
