"""Checks of ``IdempotentQueueConsumerArgs``: the numbers that could lose or double-process a
message, and what the composed queue, idempotency table and function would refuse."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi

from components.compute.alarmed_function import AlarmedFunctionArgs
from components.compute.alarmed_function import problems as function_problems
from components.core.arg_types import typed_args
from components.core.context import PlatformContext
from components.core.errors import ProblemCollector
from components.core.iam import Statement
from components.core.kms import CustomerManagedKey, KeyUse
from components.core.tags import checked_tags
from components.data.data_table import DataTableArgs, KeyAttribute
from components.data.data_table import problems as table_problems
from components.messaging.consumer_args import Access, IdempotentQueueConsumerArgs
from components.messaging.queue_with_dead_letter import QueueWithDeadLetterArgs, producer_key_uses
from components.messaging.queue_with_dead_letter import problems as queue_problems

__all__ = [
    "COMPONENT",
    "FIFO_MAX_BATCH_SIZE",
    "MAX_BATCHING_WINDOW_SECONDS",
    "STANDARD_MAX_BATCH_SIZE",
    "VISIBILITY_TO_TIMEOUT_RATIO",
    "ConsumerPlan",
    "derived_visibility_timeout",
    "function_args",
    "queue_args",
    "table_args",
    "validate",
]

COMPONENT = "IdempotentQueueConsumer"
VISIBILITY_TO_TIMEOUT_RATIO = 6
MAX_BATCHING_WINDOW_SECONDS = 300
FIFO_MAX_BATCH_SIZE = 10
STANDARD_MAX_BATCH_SIZE = 10_000


def derived_visibility_timeout(timeout_seconds: int, batching_window_seconds: int) -> int:
    """AWS's advice for a Lambda-consumed queue: six times the function timeout, plus the
    batching window during which received messages already wait invisible."""
    return VISIBILITY_TO_TIMEOUT_RATIO * timeout_seconds + batching_window_seconds


@dataclass(frozen=True)
class ConsumerPlan:
    """Numbers the consumer is built with, after defaults and derivation."""

    visibility_timeout: int
    max_receive_count: int
    fifo: bool


_QUEUE_OPTIONS = (
    "producers",
    "fifo",
    "content_based_deduplication",
    "max_receive_count",
    "message_retention_seconds",
    "visibility_timeout_seconds",
)


def _plan(args: IdempotentQueueConsumerArgs, p: ProblemCollector) -> ConsumerPlan:
    """The queue's numbers: those of the queue passed in, else the defaults and derivation."""
    window = args.maximum_batching_window_seconds
    if args.queue is not None:
        for option in _QUEUE_OPTIONS:
            value = getattr(args, option)
            p.check(
                value is None or value == (),
                f"{option}: belongs to the queue passed in; set it on that QueueWithDeadLetter",
            )
        return ConsumerPlan(
            visibility_timeout=args.queue.visibility_timeout_seconds,
            max_receive_count=args.queue.max_receive_count,
            fifo=args.queue.fifo,
        )
    derived = args.visibility_timeout_seconds is None
    return ConsumerPlan(
        visibility_timeout=(
            derived_visibility_timeout(args.timeout_seconds, window)
            if derived
            else int(args.visibility_timeout_seconds or 0)
        ),
        max_receive_count=3 if args.max_receive_count is None else args.max_receive_count,
        fifo=bool(args.fifo),
    )


def queue_args(
    args: IdempotentQueueConsumerArgs, plan: ConsumerPlan, key: CustomerManagedKey | None
) -> QueueWithDeadLetterArgs:
    """The queue the consumer makes when none is passed in."""
    return QueueWithDeadLetterArgs(
        visibility_timeout_seconds=plan.visibility_timeout,
        max_receive_count=plan.max_receive_count,
        message_retention_seconds=args.message_retention_seconds,
        fifo=plan.fifo,
        content_based_deduplication=bool(args.content_based_deduplication),
        producers=args.producers,
        kms_key=key,
        tags=args.tags,
    )


def table_args(args: IdempotentQueueConsumerArgs, key: CustomerManagedKey | None) -> DataTableArgs:
    """The idempotency table, in the Powertools default schema."""
    return DataTableArgs(
        partition_key=KeyAttribute(name="id"),  # the Powertools default schema
        ttl_attribute="expiration",
        point_in_time_recovery=args.point_in_time_recovery,
        deletion_protection=args.deletion_protection,
        kms_key=key,
        tags=args.tags,
    )


def function_args(
    args: IdempotentQueueConsumerArgs,
    key: CustomerManagedKey | None,
    environment: Mapping[str, pulumi.Input[str]],
    statements: Sequence[Statement],
) -> AlarmedFunctionArgs:
    """The handler's function, with the environment and grants the consumer adds."""
    return AlarmedFunctionArgs(
        handler=args.handler,
        code_path=args.code_path,
        runtime=args.runtime,
        architecture=args.architecture,
        memory_size_mb=args.memory_size_mb,
        timeout_seconds=args.timeout_seconds,
        environment=environment,
        reserved_concurrency=args.reserved_concurrency,
        statements=statements,
        kms_key=key,
        description=args.description,
        log_level=args.log_level,
        tags=args.tags,
    )


def _same(*names: str) -> dict[str, str | None]:
    return {name: name for name in names}


# Fields of the composed components, by the field of these Args they come from; None where
# this component's own checks cover the value (the key, checked here for every use).
_FUNCTION_FIELDS: Mapping[str, str | None] = {
    **_same(
        "handler",
        "code_path",
        "runtime",
        "architecture",
        "memory_size_mb",
        "timeout_seconds",
        "environment",
        "reserved_concurrency",
        "statements",
        "description",
        "log_level",
        "tags",
    ),
    "kms_key": None,
}
_TABLE_FIELDS: Mapping[str, str | None] = {
    **_same("point_in_time_recovery", "deletion_protection", "tags"),
    "kms_key": None,
}


def _queue_fields(args: IdempotentQueueConsumerArgs) -> Mapping[str, str | None]:
    derived = args.visibility_timeout_seconds is None
    return {
        **_same(
            "max_receive_count",
            "message_retention_seconds",
            "fifo",
            "content_based_deduplication",
            "producers",
            "tags",
        ),
        # A derived visibility timeout is in range whenever timeout_seconds and the batching
        # window are, and those are checked under their own names.
        "visibility_timeout_seconds": None if derived else "visibility_timeout_seconds",
        # The DLQ keeps the tier's retention, which the queue's own must stay below.
        "dlq_retention_seconds": "message_retention_seconds",
        "kms_key": None,
    }


def _composed_problems(
    p: ProblemCollector,
    args: IdempotentQueueConsumerArgs,
    plan: ConsumerPlan,
    context: PlatformContext,
) -> None:
    """What the queue, the idempotency table and the function would refuse, named by the
    fields of these Args that the caller set."""
    if args.queue is None:
        p.adopt(
            "QueueWithDeadLetter",
            queue_problems(queue_args(args, plan, args.kms_key), context),
            _queue_fields(args),
        )
    p.adopt("DataTable", table_problems(table_args(args, args.kms_key), context), _TABLE_FIELDS)
    table_vars = {table.env_var: index for index, table in enumerate(args.tables)}
    environment = {**args.environment, **dict.fromkeys(table_vars, "")}
    function = function_problems(
        function_args(args, args.kms_key, environment, args.statements), context
    )
    for problem in function:
        head, _, message = problem.partition(": ")
        name = head.removeprefix("environment.")
        if head.startswith("environment.") and name in table_vars:
            p.add(f"tables[{table_vars[name]}].env_var: {name!r}: {message}")
        else:
            p.adopt("AlarmedFunction", [problem], _FUNCTION_FIELDS)


def validate(
    args: IdempotentQueueConsumerArgs, context: PlatformContext
) -> tuple[ConsumerPlan, dict[str, str]]:
    """Raise one error naming every field that could lose or double-process a message, and
    every field the queue, the table or the function would refuse."""
    p = ProblemCollector(COMPONENT)
    args = typed_args(p, args, IdempotentQueueConsumerArgs)
    with p.checking():
        plan = _plan(args, p)
        timeout = args.timeout_seconds
        window = args.maximum_batching_window_seconds
        hand_set = args.queue is not None or args.visibility_timeout_seconds is not None
        where = "queue.visibility_timeout_seconds" if args.queue else "visibility_timeout_seconds"
        if hand_set:
            p.check(
                plan.visibility_timeout >= VISIBILITY_TO_TIMEOUT_RATIO * timeout,
                f"{where}: {plan.visibility_timeout} s is below six times the function timeout "
                f"(6 x {timeout} s = {VISIBILITY_TO_TIMEOUT_RATIO * timeout} s); a message would "
                "reappear while a retry still processes it",
            )
        if (
            p.check(
                0 <= window <= MAX_BATCHING_WINDOW_SECONDS,
                f"maximum_batching_window_seconds: must be 0..{MAX_BATCHING_WINDOW_SECONDS}, "
                f"got {window}",
            )
            and window > 0
        ):
            p.check(
                window + VISIBILITY_TO_TIMEOUT_RATIO * timeout <= plan.visibility_timeout,
                f"maximum_batching_window_seconds: {window} s does not fit: messages wait "
                "invisible "
                f"during the window, so {where} ({plan.visibility_timeout} s) must be at least "
                f"6 x timeout + window = {VISIBILITY_TO_TIMEOUT_RATIO * timeout + window} s",
            )
        redelivery = plan.max_receive_count * plan.visibility_timeout
        p.check(
            args.idempotency_expiry_seconds >= redelivery,
            f"idempotency_expiry_seconds: {args.idempotency_expiry_seconds} s is shorter than the "
            f"time a message can be redelivered (max_receive_count {plan.max_receive_count} x "
            f"visibility timeout {plan.visibility_timeout} s = {redelivery} s); a late redelivery "
            "would be processed twice",
        )
        p.check(
            args.queue is not None or plan.fifo or not args.content_based_deduplication,
            "content_based_deduplication: only valid on a FIFO queue (set fifo=True)",
        )
        max_batch = FIFO_MAX_BATCH_SIZE if plan.fifo else STANDARD_MAX_BATCH_SIZE
        p.check(
            1 <= args.batch_size <= max_batch,
            f"batch_size: must be 1..{max_batch} for a {'FIFO' if plan.fifo else 'standard'} "
            "queue, "
            f"got {args.batch_size}",
        )
        p.check(
            args.batch_size <= 10 or window >= 1,
            "maximum_batching_window_seconds: must be at least 1 when batch_size is above 10",
        )
        concurrency = args.maximum_concurrency
        in_range = concurrency is None or p.check(
            2 <= concurrency <= 1000, f"maximum_concurrency: must be 2..1000, got {concurrency}"
        )
        if in_range and concurrency is not None and args.reserved_concurrency is not None:
            p.check(
                concurrency <= args.reserved_concurrency,
                f"maximum_concurrency: {concurrency} is above reserved_concurrency "
                f"{args.reserved_concurrency}; the extra pollers would only be throttled",
            )
        p.check(
            args.idempotency_expiry_seconds >= 1,
            "idempotency_expiry_seconds: must be positive",
        )
        env_vars = [t.env_var for t in args.tables] + list(args.environment)
        for name in sorted({n for n in env_vars if env_vars.count(n) > 1}):
            p.add(f"tables: environment variable {name!r} is used more than once")
        for index, table in enumerate(args.tables):
            p.check(
                isinstance(table.access, Access),
                f"tables[{index}].access: must be Access.READ, WRITE or READ_WRITE",
            )
            p.check(
                table.env_var not in ("IDEMPOTENCY_TABLE_NAME", "IDEMPOTENCY_EXPIRY_SECONDS"),
                f"tables[{index}].env_var: {table.env_var!r} is set by the component",
            )
        for name in ("IDEMPOTENCY_TABLE_NAME", "IDEMPOTENCY_EXPIRY_SECONDS"):
            p.check(name not in args.environment, f"environment.{name}: set by the component")
        if args.kms_key is not None:
            needed = {KeyUse.LOGS, KeyUse.LAMBDA, KeyUse.DYNAMODB}
            if args.queue is None:
                needed |= producer_key_uses(args.producers)
            missing = needed - set(args.kms_key.uses)
            p.check(
                not missing,
                "kms_key: its key policy must admit "
                + ", ".join(f"KeyUse.{use.name}" for use in sorted(missing)),
            )
        _composed_problems(p, args, plan, context)
        tags = checked_tags(p, context.tags, args.tags)
    p.raise_if_any()
    return plan, tags
