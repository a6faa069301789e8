"""Dead-letter queues: inspect without consuming, redrive messages back to their source queue.

Pure of the CLI: callers pass boto3 clients and get frozen results; progress is reported
through an optional callback.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient
    from mypy_boto3_sqs.type_defs import (
        DeleteMessageBatchRequestEntryTypeDef,
        MessageAttributeValueOutputTypeDef,
        MessageAttributeValueTypeDef,
        MessageTypeDef,
        SendMessageBatchRequestEntryTypeDef,
    )

# Receiving hides a sampled message for this long at most; inspect makes it visible again at once.
SAMPLE_VISIBILITY_SECONDS = 30
# A copied message stays hidden in the DLQ for this long between receive and delete.
COPY_VISIBILITY_SECONDS = 60
MAX_BATCH = 10
# SendMessageBatch payload limit (256 KiB on every account; larger accounts allow more).
MAX_BATCH_BYTES = 256 * 1024
NATIVE_MAX_RATE = 500
TERMINAL_TASK_STATES = frozenset({"COMPLETED", "CANCELLED", "FAILED"})
# Errors about a message's content: the destination refuses that message, not every message.
_CONTENT_ERRORS = frozenset(
    {
        "InvalidParameterValue",
        "InvalidMessageContents",
        "BatchRequestTooLong",
        "AWS.SimpleQueueService.BatchRequestTooLong",
        "InvalidAttributeValue",
        "InvalidAttributeName",
    }
)


class RedriveError(Exception):
    """A redrive cannot start: wrong options, no destination, or mismatched queue types."""


class RedriveInterrupted(Exception):
    """Ctrl-C stopped a redrive; `result` counts what moved before it. Copy: the messages in
    flight were deleted when already sent, else made visible again. Native: the task goes on."""

    def __init__(self, result: RedriveResult) -> None:
        super().__init__(f"interrupted after moving {result.moved} messages")
        self.result = result


class RedriveMethod(StrEnum):
    """How messages are moved."""

    AUTO = "auto"
    NATIVE = "native"
    COPY = "copy"


@dataclass(frozen=True, kw_only=True)
class QueueInfo:
    """A queue's identity and approximate message counts."""

    url: str
    arn: str
    fifo: bool
    visible: int
    in_flight: int
    delayed: int
    dead_letter_target_arn: str | None = None  # from this queue's own RedrivePolicy

    @property
    def name(self) -> str:
        return self.url.rsplit("/", 1)[-1]


@dataclass(frozen=True, kw_only=True)
class SampledMessage:
    """One message looked at by `inspect_queue` (left in the queue)."""

    message_id: str
    sent_at: datetime
    receive_count: int
    body: str
    group_id: str | None
    attributes: Mapping[str, str]


@dataclass(frozen=True, kw_only=True)
class Inspection:
    """What is in a DLQ: counts, source queues, and a sample of messages."""

    queue: QueueInfo
    sources: tuple[str, ...]
    samples: tuple[SampledMessage, ...]
    checked_at: datetime

    @property
    def oldest_sampled_age(self) -> timedelta | None:
        """Age of the oldest *sampled* message: a lower bound on the queue's oldest message."""
        if not self.samples:
            return None
        return self.checked_at - min(s.sent_at for s in self.samples)


@dataclass(frozen=True, kw_only=True)
class RedriveOptions:
    """What to move and how fast."""

    max_messages: int | None = None
    rate: float | None = None
    dry_run: bool = False
    method: RedriveMethod = RedriveMethod.AUTO
    batch_size: int = MAX_BATCH
    wait_seconds: int = 2
    poll_seconds: float = 5.0

    def problems(self) -> list[str]:
        """Every invalid option, each naming its field."""
        problems: list[str] = []
        if self.max_messages is not None and self.max_messages < 1:
            problems.append("max_messages: must be at least 1")
        if self.rate is not None and self.rate <= 0:
            problems.append("rate: must be a positive number of messages per second")
        if not 1 <= self.batch_size <= MAX_BATCH:
            problems.append(f"batch_size: must be 1..{MAX_BATCH}")
        if not 0 <= self.wait_seconds <= 20:
            problems.append("wait_seconds: must be 0..20 (SQS long-poll limit)")
        if self.poll_seconds <= 0:
            problems.append("poll_seconds: must be positive")
        if self.method is RedriveMethod.NATIVE:
            if self.max_messages is not None:
                problems.append(
                    "max_messages: the native move task moves everything; use method copy"
                )
            if self.rate is not None and not _native_rate_ok(self.rate):
                problems.append(
                    f"rate: the native move task takes a whole number 1..{NATIVE_MAX_RATE}"
                )
        return problems


@dataclass(frozen=True, kw_only=True)
class RedrivePlan:
    """A checked redrive: from which DLQ, to which queue, by which method, how many."""

    dlq: QueueInfo
    sources: tuple[str, ...]
    destination: QueueInfo | None  # None: native move back to each message's own source
    method: RedriveMethod
    would_move: int


@dataclass(frozen=True, kw_only=True)
class RedriveProgress:
    """Counts so far, passed to the progress callback."""

    moved: int
    failed: int
    total: int | None


@dataclass(frozen=True, kw_only=True)
class RedriveResult:
    """The outcome. `not_deleted` were sent but are still in the DLQ: a rerun duplicates them."""

    method: RedriveMethod
    dry_run: bool
    would_move: int
    moved: int
    failed: int
    not_deleted: int
    left: int
    errors: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    task_status: str | None = None

    @property
    def ok(self) -> bool:
        return (
            self.failed == 0
            and self.not_deleted == 0
            and not self.errors
            and self.task_status in (None, "COMPLETED")
        )


ProgressCallback = Callable[[RedriveProgress], None]


def queue_info(sqs: SQSClient, url: str) -> QueueInfo:
    """Identity and approximate counts of the queue at `url`."""
    attrs = sqs.get_queue_attributes(
        QueueUrl=url,
        AttributeNames=[
            "QueueArn",
            "FifoQueue",
            "ApproximateNumberOfMessages",
            "ApproximateNumberOfMessagesNotVisible",
            "ApproximateNumberOfMessagesDelayed",
            "RedrivePolicy",
        ],
    )["Attributes"]
    return QueueInfo(
        url=url,
        arn=attrs["QueueArn"],
        fifo=attrs.get("FifoQueue", "false") == "true",
        visible=int(attrs.get("ApproximateNumberOfMessages", "0")),
        in_flight=int(attrs.get("ApproximateNumberOfMessagesNotVisible", "0")),
        delayed=int(attrs.get("ApproximateNumberOfMessagesDelayed", "0")),
        dead_letter_target_arn=_dead_letter_target(attrs.get("RedrivePolicy")),
    )


def _dead_letter_target(policy: str | None) -> str | None:
    """`deadLetterTargetArn` of a RedrivePolicy attribute (a JSON string), if there is one:
    https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html
    """
    if not policy:
        return None
    try:
        target = json.loads(policy).get("deadLetterTargetArn")
    except (ValueError, AttributeError):
        return None
    return target if isinstance(target, str) and target else None


def source_queues(sqs: SQSClient, dlq_url: str) -> tuple[str, ...]:
    """URLs of the queues whose redrive policy names this DLQ."""
    urls: list[str] = []
    for page in sqs.get_paginator("list_dead_letter_source_queues").paginate(QueueUrl=dlq_url):
        urls.extend(page.get("queueUrls", []))
    return tuple(urls)


def inspect_queue(
    sqs: SQSClient,
    url: str,
    *,
    sample_size: int = 5,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> Inspection:
    """Counts and a sample of messages, leaving every message in the queue.

    Sampled messages are received with a short visibility timeout and made visible again
    at once (ChangeMessageVisibility 0). Receiving still increments each sampled message's
    ApproximateReceiveCount.
    """
    info = queue_info(sqs, url)
    sources = source_queues(sqs, url)
    samples: dict[str, SampledMessage] = {}
    handles: list[str] = []
    try:
        while len(samples) < sample_size:
            batch = sqs.receive_message(
                QueueUrl=url,
                MaxNumberOfMessages=min(MAX_BATCH, sample_size - len(samples)),
                VisibilityTimeout=SAMPLE_VISIBILITY_SECONDS,
                WaitTimeSeconds=1,
                MessageSystemAttributeNames=["All"],
                MessageAttributeNames=["All"],
            ).get("Messages", [])
            if not batch:
                break
            for message in batch:
                handles.append(message["ReceiptHandle"])
                samples.setdefault(message["MessageId"], _sample(message))
    finally:
        _release(sqs, url, handles)
    return Inspection(
        queue=info,
        sources=sources,
        samples=tuple(sorted(samples.values(), key=lambda s: s.sent_at)),
        checked_at=now(),
    )


def plan_redrive(
    sqs: SQSClient,
    dlq_url: str,
    options: RedriveOptions,
    *,
    to_url: str | None = None,
) -> RedrivePlan:
    """Check everything a redrive needs before it moves a single message."""
    problems = options.problems()
    dlq = queue_info(sqs, dlq_url)
    sources = source_queues(sqs, dlq_url)
    method = options.method
    if method is RedriveMethod.AUTO:
        native_ok = (
            options.max_messages is None
            and bool(sources)
            and (options.rate is None or _native_rate_ok(options.rate))
        )
        method = RedriveMethod.NATIVE if native_ok else RedriveMethod.COPY
    if method is RedriveMethod.NATIVE and not sources:
        problems.append(
            "method: the native move task only redrives a DLQ that an SQS queue names "
            "in its redrive policy; use method copy"
        )
    destination: QueueInfo | None = None
    if to_url is not None:
        destination = queue_info(sqs, to_url)
    elif len(sources) == 1:
        destination = queue_info(sqs, sources[0])
    elif not sources and dlq.dead_letter_target_arn is not None:
        dead_letters = dlq.dead_letter_target_arn.rsplit(":", 1)[-1]
        problems.append(
            f"{dlq.name} is a source queue, not a dead-letter queue: its RedrivePolicy sends "
            f"failed messages to {dead_letters}; to redrive them, run "
            f"`python -m tools.ops dlq redrive {dead_letters}`"
        )
    elif not sources:
        problems.append("to: no queue names this DLQ in its redrive policy; pass --to")
    elif method is RedriveMethod.COPY:
        problems.append(f"to: several queues use this DLQ ({', '.join(sources)}); pass --to")
    if destination is not None:
        if destination.arn == dlq.arn:
            problems.append("to: the destination is the DLQ itself")
        if destination.fifo != dlq.fifo:
            kinds = {True: "FIFO", False: "standard"}
            problems.append(
                f"to: cannot move from a {kinds[dlq.fifo]} queue to a "
                f"{kinds[destination.fifo]} queue"
            )
    if problems:
        raise RedriveError("cannot redrive " + dlq.name + ":\n  " + "\n  ".join(problems))
    would_move = dlq.visible
    if options.max_messages is not None:
        would_move = min(would_move, options.max_messages)
    # Several sources and no --to: the native task sends each message back where it came from.
    native_to_sources = method is RedriveMethod.NATIVE and to_url is None and len(sources) > 1
    return RedrivePlan(
        dlq=dlq,
        sources=sources,
        destination=None if native_to_sources else destination,
        method=method,
        would_move=would_move,
    )


def redrive(
    sqs: SQSClient,
    plan: RedrivePlan,
    options: RedriveOptions,
    *,
    on_progress: ProgressCallback | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> RedriveResult:
    """Carry out a plan. Never deletes a message from the DLQ before its copy was sent."""
    if options.dry_run:
        return RedriveResult(
            method=plan.method,
            dry_run=True,
            would_move=plan.would_move,
            moved=0,
            failed=0,
            not_deleted=0,
            left=plan.dlq.visible + plan.dlq.in_flight,
        )
    if plan.method is RedriveMethod.COPY:
        return _copy(sqs, plan, options, on_progress, sleep, clock)
    try:
        handle = _start_native(sqs, plan, options)
    except ClientError as exc:
        if options.method is not RedriveMethod.AUTO:
            raise
        # Nothing has moved yet, so copying instead is safe (emulators lack the move task).
        if plan.destination is None:
            raise RedriveError(
                f"the native move task is unavailable ({_code(exc)}) and several queues use "
                "this DLQ; pass --to to copy instead"
            ) from exc
        copy_plan = RedrivePlan(
            dlq=plan.dlq,
            sources=plan.sources,
            destination=plan.destination,
            method=RedriveMethod.COPY,
            would_move=plan.would_move,
        )
        result = _copy(sqs, copy_plan, options, on_progress, sleep, clock)
        note = f"native move task unavailable ({_code(exc)}): copied instead"
        return replace(result, notes=(note, *result.notes))
    return _follow_native(sqs, plan, handle, options, on_progress, sleep)


def _start_native(sqs: SQSClient, plan: RedrivePlan, options: RedriveOptions) -> str:
    running = [
        t
        for t in sqs.list_message_move_tasks(SourceArn=plan.dlq.arn, MaxResults=10).get(
            "Results", []
        )
        if t.get("Status") == "RUNNING"
    ]
    if running:
        raise RedriveError(
            f"a message move task is already running on {plan.dlq.name} "
            f"(task handle {running[0].get('TaskHandle', '?')}); wait for it or cancel it with "
            "`aws sqs cancel-message-move-task --task-handle ...`"
        )
    request: dict[str, Any] = {"SourceArn": plan.dlq.arn}
    if plan.destination is not None:
        request["DestinationArn"] = plan.destination.arn
    if options.rate is not None:
        request["MaxNumberOfMessagesPerSecond"] = int(options.rate)
    return sqs.start_message_move_task(**request)["TaskHandle"]


def _follow_native(
    sqs: SQSClient,
    plan: RedrivePlan,
    handle: str,
    options: RedriveOptions,
    on_progress: ProgressCallback | None,
    sleep: Callable[[float], None],
) -> RedriveResult:
    moved = 0
    while True:
        try:
            sleep(options.poll_seconds)
        except KeyboardInterrupt:
            raise RedriveInterrupted(
                RedriveResult(
                    method=RedriveMethod.NATIVE,
                    dry_run=False,
                    would_move=plan.would_move,
                    moved=moved,
                    failed=0,
                    not_deleted=0,
                    left=max(plan.would_move - moved, 0),
                    notes=(
                        f"the move task {handle} goes on in SQS; stop it with "
                        f"`aws sqs cancel-message-move-task --task-handle {handle}`",
                    ),
                    task_status="RUNNING",
                )
            ) from None
        tasks = sqs.list_message_move_tasks(SourceArn=plan.dlq.arn, MaxResults=10).get(
            "Results", []
        )
        if not tasks:
            raise RedriveError(f"started move task {handle} but SQS lists no task")
        # Only RUNNING tasks carry their handle; else the newest task is ours (one per queue).
        task = next((t for t in tasks if t.get("TaskHandle") == handle), tasks[0])
        status = task.get("Status", "UNKNOWN")
        moved = task.get("ApproximateNumberOfMessagesMoved", 0)
        total_int = task.get("ApproximateNumberOfMessagesToMove", plan.would_move)
        if on_progress is not None:
            on_progress(RedriveProgress(moved=moved, failed=0, total=total_int))
        if status in TERMINAL_TASK_STATES:
            break
    after = queue_info(sqs, plan.dlq.url)
    reason = task.get("FailureReason")
    return RedriveResult(
        method=RedriveMethod.NATIVE,
        dry_run=False,
        would_move=plan.would_move,
        moved=moved,
        failed=0 if status == "COMPLETED" else max(total_int - moved, 0),
        not_deleted=0,
        left=after.visible + after.in_flight,
        errors=(f"move task {status}: {reason}",) if reason else (),
        task_status=status,
    )


@dataclass(kw_only=True)
class _CopyState:
    moved: int = 0
    failed: int = 0
    not_deleted: int = 0
    errors: list[str] = field(default_factory=list)
    # Message id -> latest receipt handle of messages whose send failed (released at the end).
    failed_handles: dict[str, str] = field(default_factory=dict)
    # Received in the current batch and neither failed nor deleted yet; `sent` of these were
    # sent and wait for their delete.
    held: dict[str, MessageTypeDef] = field(default_factory=dict)
    sent: list[MessageTypeDef] = field(default_factory=list)


def _copy(
    sqs: SQSClient,
    plan: RedrivePlan,
    options: RedriveOptions,
    on_progress: ProgressCallback | None,
    sleep: Callable[[float], None],
    clock: Callable[[], float],
) -> RedriveResult:
    assert plan.destination is not None  # plan_redrive guarantees one for copy
    destination = plan.destination
    limiter = RateLimiter(options.rate, sleep=sleep, clock=clock) if options.rate else None
    batch_size = options.batch_size
    if options.rate is not None:
        # Keep the wait between receive and send short against the visibility timeout.
        batch_size = max(1, min(batch_size, int(options.rate)))
    state = _CopyState()
    try:
        while True:
            # Only what was there at the start: messages that fail again and come back to the
            # DLQ during the run wait for the next run instead of cycling forever.
            remaining = plan.would_move - state.moved - state.failed
            if remaining <= 0:
                break
            wanted = min(batch_size, remaining)
            if limiter is not None:
                limiter.acquire(wanted)
            messages = sqs.receive_message(
                QueueUrl=plan.dlq.url,
                MaxNumberOfMessages=wanted,
                VisibilityTimeout=COPY_VISIBILITY_SECONDS,
                WaitTimeSeconds=options.wait_seconds,
                MessageSystemAttributeNames=["All"],
                MessageAttributeNames=["All"],
            ).get("Messages", [])
            fresh = [m for m in messages if m["MessageId"] not in state.failed_handles]
            for m in messages:
                if m["MessageId"] in state.failed_handles:
                    state.failed_handles[m["MessageId"]] = m["ReceiptHandle"]
            if not fresh:
                break
            state.held = {m["MessageId"]: m for m in fresh}
            if not _move_batch(sqs, plan.dlq.url, destination, fresh, state):
                break
            if on_progress is not None:
                on_progress(
                    RedriveProgress(moved=state.moved, failed=state.failed, total=plan.would_move)
                )
    except KeyboardInterrupt:
        interrupted = True
        _settle_interrupted(sqs, plan.dlq.url, state)
    else:
        interrupted = False
    finally:
        _release(sqs, plan.dlq.url, list(state.failed_handles.values()))
    if interrupted:
        raise RedriveInterrupted(_copy_result(sqs, plan, state))
    return _copy_result(sqs, plan, state)


def _copy_result(sqs: SQSClient, plan: RedrivePlan, state: _CopyState) -> RedriveResult:
    after = queue_info(sqs, plan.dlq.url)
    return RedriveResult(
        method=RedriveMethod.COPY,
        dry_run=False,
        would_move=plan.would_move,
        moved=state.moved,
        failed=state.failed,
        not_deleted=state.not_deleted,
        left=after.visible + after.in_flight,
        errors=tuple(state.errors),
    )


def _settle_interrupted(sqs: SQSClient, dlq_url: str, state: _CopyState) -> None:
    """After Ctrl-C: delete what was already sent (so a rerun does not send it twice) and
    make every other message of the batch visible again at once (ChangeMessageVisibility 0)
    instead of hiding it for the rest of its visibility timeout."""
    _delete(sqs, dlq_url, state)
    _release(sqs, dlq_url, [m["ReceiptHandle"] for m in state.held.values()])
    state.held = {}


def _move_batch(
    sqs: SQSClient,
    dlq_url: str,
    destination: QueueInfo,
    messages: Sequence[MessageTypeDef],
    state: _CopyState,
) -> bool:
    """Send, then delete what was sent. False when a whole call failed (stop the run).

    A message the destination refuses (too large for its MaximumMessageSize, characters SQS
    does not allow) is reported and left in the DLQ; the others of the batch still move.
    """
    by_id = {str(i): m for i, m in enumerate(messages)}
    chunks = list(_chunks_by_size([_send_entry(i, m, destination.fifo) for i, m in by_id.items()]))
    for index, chunk in enumerate(chunks):
        try:
            response = sqs.send_message_batch(QueueUrl=destination.url, Entries=chunk)
        except ClientError as exc:
            if _code(exc) not in _CONTENT_ERRORS:
                _record_failures(state, _unsent(chunks[index:], by_id), _failed(destination, exc))
                _delete(sqs, dlq_url, state)
                return False
            # One message the destination refuses fails the whole batch: send one by one.
            if not _send_singly(sqs, destination, chunk, by_id, state):
                rest = _unsent(chunks[index + 1 :], by_id)
                if rest:
                    _record_failures(
                        state, rest, f"{len(rest)} messages not sent: the run stopped there"
                    )
                _delete(sqs, dlq_url, state)
                return False
            continue
        except BotoCoreError as exc:
            _record_failures(state, _unsent(chunks[index:], by_id), _failed(destination, exc))
            _delete(sqs, dlq_url, state)
            return False
        for failure in response.get("Failed", []):
            message = by_id[failure["Id"]]
            _record_failures(
                state,
                [message],
                f"message {message['MessageId']} rejected by {destination.name}: "
                f"{failure.get('Code')} {failure.get('Message', '')}".rstrip(),
            )
        state.sent.extend(by_id[s["Id"]] for s in response.get("Successful", []))
    return _delete(sqs, dlq_url, state)


def _send_singly(
    sqs: SQSClient,
    destination: QueueInfo,
    chunk: Sequence[SendMessageBatchRequestEntryTypeDef],
    by_id: Mapping[str, MessageTypeDef],
    state: _CopyState,
) -> bool:
    """Send a refused batch entry by entry; False when a failure is not about one message."""
    for position, entry in enumerate(chunk):
        message = by_id[entry["Id"]]
        try:
            _send_one(sqs, destination.url, entry)
        except ClientError as exc:
            if _code(exc) not in _CONTENT_ERRORS:
                rest = _unsent([chunk[position:]], by_id)
                _record_failures(state, rest, _failed(destination, exc))
                return False
            _record_failures(
                state,
                [message],
                f"message {message['MessageId']} rejected by {destination.name}: {_code(exc)} "
                f"{exc.response.get('Error', {}).get('Message', '')}".rstrip(),
            )
            continue
        state.sent.append(message)
    return True


def _send_one(sqs: SQSClient, url: str, entry: SendMessageBatchRequestEntryTypeDef) -> None:
    attributes = entry.get("MessageAttributes", {})
    system = entry.get("MessageSystemAttributes", {})
    if "MessageGroupId" in entry:
        sqs.send_message(
            QueueUrl=url,
            MessageBody=entry["MessageBody"],
            MessageAttributes=attributes,
            MessageSystemAttributes=system,
            MessageGroupId=entry["MessageGroupId"],
            MessageDeduplicationId=entry["MessageDeduplicationId"],
        )
    else:
        sqs.send_message(
            QueueUrl=url,
            MessageBody=entry["MessageBody"],
            MessageAttributes=attributes,
            MessageSystemAttributes=system,
        )


def _unsent(
    chunks: Sequence[Sequence[SendMessageBatchRequestEntryTypeDef]],
    by_id: Mapping[str, MessageTypeDef],
) -> list[MessageTypeDef]:
    return [by_id[e["Id"]] for chunk in chunks for e in chunk]


def _failed(destination: QueueInfo, exc: Exception) -> str:
    return f"send to {destination.name} failed: {exc}"


def _delete(sqs: SQSClient, dlq_url: str, state: _CopyState) -> bool:
    """Delete from the DLQ the messages of `state.sent` (sent, not yet deleted)."""
    sent = list(state.sent)
    if not sent:
        return True
    entries: list[DeleteMessageBatchRequestEntryTypeDef] = [
        {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(sent)
    ]
    try:
        response = sqs.delete_message_batch(QueueUrl=dlq_url, Entries=entries)
    except (ClientError, BotoCoreError) as exc:
        _settled(state, sent)
        state.not_deleted += len(sent)
        state.errors.append(
            f"{len(sent)} messages were sent but not deleted from the DLQ ({exc}); "
            "a rerun sends them again (consumers are idempotent)"
        )
        return False
    _settled(state, sent)
    failed = response.get("Failed", [])
    if failed:
        state.not_deleted += len(failed)
        state.errors.append(
            f"{len(failed)} messages were sent but not deleted from the DLQ "
            f"({failed[0].get('Code')}); a rerun sends them again"
        )
    return True


def _settled(state: _CopyState, sent: Sequence[MessageTypeDef]) -> None:
    """`sent` were sent and their delete was tried: count them moved, hold them no longer."""
    state.sent = []
    state.moved += len(sent)
    for m in sent:
        state.held.pop(m["MessageId"], None)


def _record_failures(state: _CopyState, messages: Sequence[MessageTypeDef], error: str) -> None:
    state.failed += len(messages)
    state.errors.append(error)
    for m in messages:
        state.failed_handles[m["MessageId"]] = m["ReceiptHandle"]
        state.held.pop(m["MessageId"], None)


def _send_entry(
    entry_id: str, message: MessageTypeDef, fifo: bool
) -> SendMessageBatchRequestEntryTypeDef:
    entry: SendMessageBatchRequestEntryTypeDef = {
        "Id": entry_id,
        "MessageBody": message["Body"],
    }
    attributes = _message_attributes(message.get("MessageAttributes", {}))
    if attributes:
        entry["MessageAttributes"] = attributes
    trace = message.get("Attributes", {}).get("AWSTraceHeader")
    if trace:
        entry["MessageSystemAttributes"] = {
            "AWSTraceHeader": {"DataType": "String", "StringValue": trace}
        }
    if fifo:
        entry["MessageGroupId"] = message.get("Attributes", {})["MessageGroupId"]
        # The DLQ message id is stable across reruns: a resend within five minutes is dropped.
        entry["MessageDeduplicationId"] = message["MessageId"]
    return entry


def _message_attributes(
    attributes: Mapping[str, MessageAttributeValueOutputTypeDef],
) -> dict[str, MessageAttributeValueTypeDef]:
    kept: dict[str, MessageAttributeValueTypeDef] = {}
    for name, value in attributes.items():
        clean: MessageAttributeValueTypeDef = {"DataType": value["DataType"]}
        if "StringValue" in value:
            clean["StringValue"] = value["StringValue"]
        if "BinaryValue" in value:
            clean["BinaryValue"] = value["BinaryValue"]
        kept[name] = clean
    return kept


def _entry_size(entry: SendMessageBatchRequestEntryTypeDef) -> int:
    size = len(entry["MessageBody"].encode())
    for name, value in entry.get("MessageAttributes", {}).items():
        size += len(name.encode()) + len(value["DataType"].encode())
        size += len(value.get("StringValue", "").encode())
        binary = value.get("BinaryValue", b"")
        size += len(binary) if isinstance(binary, bytes | str) else 0
    return size


def _chunks_by_size(
    entries: Sequence[SendMessageBatchRequestEntryTypeDef],
) -> Iterator[list[SendMessageBatchRequestEntryTypeDef]]:
    chunk: list[SendMessageBatchRequestEntryTypeDef] = []
    size = 0
    for entry in entries:
        entry_size = _entry_size(entry)
        if chunk and size + entry_size > MAX_BATCH_BYTES:
            yield chunk
            chunk, size = [], 0
        chunk.append(entry)
        size += entry_size
    if chunk:
        yield chunk


def _release(sqs: SQSClient, url: str, handles: Sequence[str]) -> None:
    """Make received messages visible again at once."""
    for start in range(0, len(handles), MAX_BATCH):
        sqs.change_message_visibility_batch(
            QueueUrl=url,
            Entries=[
                {"Id": str(i), "ReceiptHandle": h, "VisibilityTimeout": 0}
                for i, h in enumerate(handles[start : start + MAX_BATCH])
            ],
        )


def _sample(message: MessageTypeDef) -> SampledMessage:
    system = message.get("Attributes", {})
    attributes = {
        name: value.get("StringValue", f"<{value['DataType']}>")
        for name, value in message.get("MessageAttributes", {}).items()
    }
    return SampledMessage(
        message_id=message["MessageId"],
        sent_at=datetime.fromtimestamp(int(system.get("SentTimestamp", "0")) / 1000, UTC),
        receive_count=int(system.get("ApproximateReceiveCount", "0")),
        body=message.get("Body", ""),
        group_id=system.get("MessageGroupId"),
        attributes=attributes,
    )


class RateLimiter:
    """Paces work to at most `rate` items per second on average."""

    def __init__(
        self,
        rate: float,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._interval = 1.0 / rate
        self._sleep = sleep
        self._clock = clock
        self._next: float | None = None

    def acquire(self, count: int) -> None:
        """Wait until `count` more items may start."""
        now = self._clock()
        if self._next is not None and now < self._next:
            self._sleep(self._next - now)
            now = self._next
        self._next = now + count * self._interval


def _native_rate_ok(rate: float) -> bool:
    return float(rate).is_integer() and 1 <= rate <= NATIVE_MAX_RATE


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))
