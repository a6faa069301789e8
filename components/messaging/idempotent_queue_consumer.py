"""IdempotentQueueConsumer: an SQS consumer that cannot lose or double-process a message."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import pulumi
import pulumi_aws as aws

from components.compute.alarmed_function import (
    AlarmedFunction,
    AlarmedFunctionArgs,
    Architecture,
    LogLevel,
    Runtime,
)
from components.compute.alarmed_function import problems as function_problems
from components.core.alarms import CompositeAlarmSpec, create_composite_alarm
from components.core.arg_types import typed_args
from components.core.context import PlatformContext
from components.core.errors import ProblemCollector
from components.core.iam import Statement
from components.core.kms import CustomerManagedKey, KeyUse
from components.core.naming import record_component_path
from components.core.severity import Severity
from components.core.tags import checked_tags
from components.data.data_table import DataTable, DataTableArgs, KeyAttribute
from components.data.data_table import problems as table_problems
from components.messaging.queue_with_dead_letter import (
    QueueProducer,
    QueueWithDeadLetter,
    QueueWithDeadLetterArgs,
    producer_key_uses,
)
from components.messaging.queue_with_dead_letter import problems as queue_problems

__all__ = [
    "IDEMPOTENCY_TABLE_ACTIONS",
    "QUEUE_CONSUMER_ACTIONS",
    "Access",
    "IdempotentQueueConsumer",
    "IdempotentQueueConsumerArgs",
    "TableAccess",
    "derived_visibility_timeout",
]

COMPONENT = "IdempotentQueueConsumer"
VISIBILITY_TO_TIMEOUT_RATIO = 6
QUEUE_CONSUMER_ACTIONS = (
    "sqs:ReceiveMessage",
    "sqs:DeleteMessage",
    "sqs:GetQueueAttributes",
    "sqs:ChangeMessageVisibility",
)
IDEMPOTENCY_TABLE_ACTIONS = (
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
)
KEY_ACTIONS = ("kms:Decrypt", "kms:GenerateDataKey")
MAX_BATCHING_WINDOW_SECONDS = 300
FIFO_MAX_BATCH_SIZE = 10
STANDARD_MAX_BATCH_SIZE = 10_000


class Access(StrEnum):
    """What the handler does with a business table."""

    READ = "read"
    WRITE = "write"
    READ_WRITE = "read_write"


_TABLE_ACTIONS: Mapping[Access, tuple[str, ...]] = {
    Access.READ: ("dynamodb:GetItem", "dynamodb:Query"),
    Access.WRITE: ("dynamodb:PutItem", "dynamodb:UpdateItem"),
    Access.READ_WRITE: (
        "dynamodb:GetItem",
        "dynamodb:Query",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
    ),
}


@dataclass(frozen=True, kw_only=True)
class TableAccess:
    """A business table the handler uses: exact IAM grant plus ``env_var`` = the table name.

    ``kms_key_arn`` is the table's customer-managed key when it is not the consumer's own key.
    """

    table_arn: pulumi.Input[str]
    table_name: pulumi.Input[str]
    access: Access
    env_var: str
    kms_key_arn: pulumi.Input[str] | None = None

    @property
    def actions(self) -> tuple[str, ...]:
        return _TABLE_ACTIONS[self.access]


@dataclass(frozen=True, kw_only=True)
class IdempotentQueueConsumerArgs:
    """Arguments of ``IdempotentQueueConsumer``; ``None`` means "derived or the tier default".

    Args:
        handler: ``module.function`` in ``code_path`` (e.g. ``"shipment_events.handler"``).
        code_path: folder shipped as the function code (default ``handlers``).
        queue: a ``QueueWithDeadLetter`` made elsewhere (e.g. a ``FanOutTopic`` subscriber queue)
            to consume. When omitted the component makes one from the queue options below;
            with a queue passed in, those options must stay unset (they belong to that queue).
        producers: (made queue) services allowed to send (``QueueProducer``).
        fifo: (made queue) FIFO queues.
        content_based_deduplication: (made queue) FIFO only.
        max_receive_count: (made queue) receives before the DLQ (default 3).
        message_retention_seconds: (made queue) default the tier's (4 days).
        visibility_timeout_seconds: (made queue) default ``6 * timeout_seconds +
            maximum_batching_window_seconds``; set by hand it must be at least six times the
            function timeout, and leave room for the batching window.
        timeout_seconds, memory_size_mb, runtime, architecture, reserved_concurrency,
            environment, statements, log_level, description: passed to ``AlarmedFunction``.
        batch_size: records per invocation (1..10000; FIFO 1..10; above 10 needs a window).
        maximum_batching_window_seconds: 0..300.
        maximum_concurrency: the event source mapping's ``scalingConfig.maximumConcurrency``
            (2..1000, not above ``reserved_concurrency``); None leaves it unlimited.
        idempotency_expiry_seconds: how long a processed record is remembered; must cover every
            redelivery (``max_receive_count * visibility_timeout``). Default 3600.
        tables: business tables the handler uses, each a ``TableAccess``.
        kms_key: the consumer's key (log group, environment, idempotency table and a made
            queue); needs ``LOGS``, ``LAMBDA`` and ``DYNAMODB`` (and ``SQS`` for a made queue).
            Created when omitted.
        point_in_time_recovery, deletion_protection: of the idempotency table; tier default.
        tags: extra tags, merged over the context's required tags.
    """

    handler: str
    code_path: str = "handlers"
    queue: QueueWithDeadLetter | None = None
    producers: Sequence[QueueProducer] = ()
    fifo: bool | None = None
    content_based_deduplication: bool | None = None
    max_receive_count: int | None = None
    message_retention_seconds: int | None = None
    visibility_timeout_seconds: int | None = None
    timeout_seconds: int = 60
    memory_size_mb: int = 512
    runtime: Runtime = Runtime.PYTHON_3_13
    architecture: Architecture = Architecture.ARM64
    reserved_concurrency: int | None = None
    environment: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    statements: Sequence[Statement] = ()
    log_level: LogLevel = LogLevel.INFO
    description: str = ""
    batch_size: int = 10
    maximum_batching_window_seconds: int = 0
    maximum_concurrency: int | None = None
    idempotency_expiry_seconds: int = 3600
    tables: Sequence[TableAccess] = ()
    kms_key: CustomerManagedKey | None = None
    point_in_time_recovery: bool | None = None
    deletion_protection: bool | None = None
    tags: Mapping[str, str] = field(default_factory=dict)


def derived_visibility_timeout(timeout_seconds: int, batching_window_seconds: int) -> int:
    """AWS's advice for a Lambda-consumed queue: six times the function timeout, plus the
    batching window during which received messages already wait invisible."""
    return VISIBILITY_TO_TIMEOUT_RATIO * timeout_seconds + batching_window_seconds


@dataclass(frozen=True)
class _Plan:
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


def _plan(args: IdempotentQueueConsumerArgs, p: ProblemCollector) -> _Plan:
    window = args.maximum_batching_window_seconds
    if args.queue is not None:
        for option in _QUEUE_OPTIONS:
            value = getattr(args, option)
            p.check(
                value is None or value == (),
                f"{option}: belongs to the queue passed in; set it on that QueueWithDeadLetter",
            )
        return _Plan(
            visibility_timeout=args.queue.visibility_timeout_seconds,
            max_receive_count=args.queue.max_receive_count,
            fifo=args.queue.fifo,
        )
    derived = args.visibility_timeout_seconds is None
    return _Plan(
        visibility_timeout=(
            derived_visibility_timeout(args.timeout_seconds, window)
            if derived
            else int(args.visibility_timeout_seconds or 0)
        ),
        max_receive_count=3 if args.max_receive_count is None else args.max_receive_count,
        fifo=bool(args.fifo),
    )


def _queue_args(
    args: IdempotentQueueConsumerArgs, plan: _Plan, key: CustomerManagedKey | None
) -> QueueWithDeadLetterArgs:
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


def _table_args(args: IdempotentQueueConsumerArgs, key: CustomerManagedKey | None) -> DataTableArgs:
    return DataTableArgs(
        partition_key=KeyAttribute(name="id"),  # the Powertools default schema
        ttl_attribute="expiration",
        point_in_time_recovery=args.point_in_time_recovery,
        deletion_protection=args.deletion_protection,
        kms_key=key,
        tags=args.tags,
    )


def _function_args(
    args: IdempotentQueueConsumerArgs,
    key: CustomerManagedKey | None,
    environment: Mapping[str, pulumi.Input[str]],
    statements: Sequence[Statement],
) -> AlarmedFunctionArgs:
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
    p: ProblemCollector, args: IdempotentQueueConsumerArgs, plan: _Plan, context: PlatformContext
) -> None:
    """What the queue, the idempotency table and the function would refuse, named by the
    fields of these Args that the caller set."""
    if args.queue is None:
        p.adopt(
            "QueueWithDeadLetter",
            queue_problems(_queue_args(args, plan, args.kms_key), context),
            _queue_fields(args),
        )
    p.adopt("DataTable", table_problems(_table_args(args, args.kms_key), context), _TABLE_FIELDS)
    table_vars = {table.env_var: index for index, table in enumerate(args.tables)}
    environment = {**args.environment, **dict.fromkeys(table_vars, "")}
    function = function_problems(
        _function_args(args, args.kms_key, environment, args.statements), context
    )
    for problem in function:
        head, _, message = problem.partition(": ")
        name = head.removeprefix("environment.")
        if head.startswith("environment.") and name in table_vars:
            p.add(f"tables[{table_vars[name]}].env_var: {name!r}: {message}")
        else:
            p.adopt("AlarmedFunction", [problem], _FUNCTION_FIELDS)


def _validate(
    args: IdempotentQueueConsumerArgs, context: PlatformContext
) -> tuple[_Plan, dict[str, str]]:
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


class IdempotentQueueConsumer(pulumi.ComponentResource):
    """An SQS consumer that cannot lose or double-process a message.

    A ``QueueWithDeadLetter`` (made or passed in), an ``AlarmedFunction`` fed by an event source
    mapping that always reports partial batch failures, and the Powertools idempotency table
    (``id`` hash key, TTL ``expiration``) under a customer-managed key. The function role gets
    exact grants on the queue, the tables and the keys. Validation refuses visibility timeouts,
    batching windows and idempotency expiries that would let a message be processed twice, and,
    before anything is registered, whatever the queue, table or function would refuse, named by
    the field of these Args it comes from.
    Alarms: the queue's, the function's, and one composite "consumer unhealthy".
    """

    queue: QueueWithDeadLetter
    function: AlarmedFunction
    table: aws.dynamodb.Table
    event_source_mapping: aws.lambda_.EventSourceMapping
    unhealthy_alarm: aws.cloudwatch.CompositeAlarm
    alarms: list[aws.cloudwatch.MetricAlarm | aws.cloudwatch.CompositeAlarm]

    def __init__(
        self,
        name: str,
        context: PlatformContext,
        args: IdempotentQueueConsumerArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        plan, tags = _validate(args, context)
        super().__init__(f"platform:messaging:{COMPONENT}", name, None, opts)
        record_component_path(self, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.visibility_timeout_seconds = plan.visibility_timeout

        uses = {KeyUse.LOGS, KeyUse.LAMBDA, KeyUse.DYNAMODB}
        if args.queue is None:
            uses |= producer_key_uses(args.producers)
        key = args.kms_key or CustomerManagedKey(
            f"{name}-key", context, uses=uses, opts=child, tags=args.tags
        )
        self.kms_key = key
        self.queue = args.queue or QueueWithDeadLetter(
            name, context, _queue_args(args, plan, key), opts=child
        )
        self.idempotency_table = DataTable(
            f"{name}-idempotency", context, _table_args(args, key), opts=child
        )
        self.table = self.idempotency_table.table

        environment: dict[str, pulumi.Input[str]] = {
            **args.environment,
            **{table.env_var: table.table_name for table in args.tables},
            "IDEMPOTENCY_TABLE_NAME": self.table.name,
            "IDEMPOTENCY_EXPIRY_SECONDS": str(args.idempotency_expiry_seconds),
        }
        self.function = AlarmedFunction(
            name,
            context,
            _function_args(
                args, key, environment, [*self._statements(args, key), *args.statements]
            ),
            opts=child,
        )
        scaling = (
            aws.lambda_.EventSourceMappingScalingConfigArgs(
                maximum_concurrency=args.maximum_concurrency
            )
            if args.maximum_concurrency is not None
            else None
        )
        self.event_source_mapping = aws.lambda_.EventSourceMapping(
            f"{name}-source",
            event_source_arn=self.queue.queue_arn,
            function_name=self.function.function_arn,
            batch_size=args.batch_size,
            maximum_batching_window_in_seconds=args.maximum_batching_window_seconds,
            function_response_types=["ReportBatchItemFailures"],
            scaling_config=scaling,
            enabled=True,
            tags=tags,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.function.policy_attachment]),
        )
        watched = [self.queue.dlq_alarm, self.queue.age_alarm, self.function.errors_alarm]
        self.unhealthy_alarm = create_composite_alarm(
            f"{name}-unhealthy",
            context,
            CompositeAlarmSpec(
                alarm_rule=pulumi.Output.all(*(alarm.name for alarm in watched)).apply(
                    lambda names: " OR ".join(f'ALARM("{n}")' for n in names)
                ),
                severity=Severity.P2,
                runbook_page="consumer",
                runbook_anchor="unhealthy",
                description=(
                    f"{name}: the consumer is unhealthy (messages dead-lettered, the oldest "
                    "message ageing, or the function failing)."
                ),
            ),
            opts=child,
            tags=args.tags,
        )
        self.alarms = [
            *self.queue.alarms,
            *self.function.alarms,
            *self.idempotency_table.alarms,
            self.unhealthy_alarm,
        ]

        self.queue_url = self.queue.queue_url
        self.queue_arn = self.queue.queue_arn
        self.queue_name = self.queue.queue_name
        self.dlq_url = self.queue.dlq_url
        self.dlq_arn = self.queue.dlq_arn
        self.dlq_name = self.queue.dlq_name
        self.function_name = self.function.function_name
        self.function_arn = self.function.function_arn
        self.table_name = self.table.name
        self.register_outputs(
            {
                "queue_url": self.queue_url,
                "queue_arn": self.queue_arn,
                "queue_name": self.queue_name,
                "dlq_url": self.dlq_url,
                "dlq_arn": self.dlq_arn,
                "dlq_name": self.dlq_name,
                "function_name": self.function_name,
                "function_arn": self.function_arn,
                "table_name": self.table_name,
                "alarm_arns": [alarm.arn for alarm in self.alarms],
            }
        )

    def _statements(
        self, args: IdempotentQueueConsumerArgs, key: CustomerManagedKey
    ) -> list[Statement]:
        """Exact grants: the queue, the idempotency table, the business tables, the keys."""
        statements = [
            Statement(
                sid="ConsumeQueue",
                actions=list(QUEUE_CONSUMER_ACTIONS),
                resources=[self.queue.queue_arn],
            ),
            Statement(
                sid="IdempotencyRecords",
                actions=list(IDEMPOTENCY_TABLE_ACTIONS),
                resources=[self.table.arn],
            ),
        ]
        for index, table in enumerate(args.tables):
            statements.append(
                Statement(
                    sid=f"Table{index}{table.access.value.title().replace('_', '')}",
                    actions=list(table.actions),
                    resources=[table.table_arn],
                )
            )
        key_arns: list[pulumi.Input[str]] = [key.arn]
        if args.queue is not None:
            key_arns.append(self.queue.kms_key_arn)
        key_arns.extend(t.kms_key_arn for t in args.tables if t.kms_key_arn is not None)
        statements.append(
            Statement(sid="UseDataKeys", actions=list(KEY_ACTIONS), resources=key_arns)
        )
        return statements
