"""Checks of ``ArchivedEventBusArgs``: every problem at once, before anything is registered."""

from __future__ import annotations

from components.core.arg_types import typed_args
from components.core.aws_values import ACCOUNT_ID, IAM_PRINCIPAL_ARN
from components.core.context import PlatformContext
from components.core.errors import ProblemCollector
from components.core.naming import CHILD_LABEL
from components.core.tags import checked_tags
from components.events.bus_args import (
    ArchivedEventBusArgs,
    InputTransformer,
    ManagedQueueTarget,
    RetryPolicy,
    TargetKind,
    TargetSpec,
    managed_queue_args,
)
from components.events.event_pattern import event_pattern_problems
from components.messaging.queue_with_dead_letter import problems as queue_problems

__all__ = [
    "COMPONENT",
    "MAX_EVENT_AGE_SECONDS",
    "MAX_RETRY_ATTEMPTS",
    "MAX_TARGETS_PER_RULE",
    "MIN_EVENT_AGE_SECONDS",
    "validate",
]

COMPONENT = "ArchivedEventBus"
MAX_EVENT_AGE_SECONDS = 86_400
MIN_EVENT_AGE_SECONDS = 60
MAX_RETRY_ATTEMPTS = 185
MAX_TARGETS_PER_RULE = 5


def _retry_problems(p: ProblemCollector, where: str, retry: RetryPolicy) -> None:
    p.check(
        MIN_EVENT_AGE_SECONDS <= retry.maximum_event_age_seconds <= MAX_EVENT_AGE_SECONDS,
        f"{where}.retry.maximum_event_age_seconds: must be "
        f"{MIN_EVENT_AGE_SECONDS}..{MAX_EVENT_AGE_SECONDS}, got {retry.maximum_event_age_seconds}",
    )
    p.check(
        0 <= retry.maximum_retry_attempts <= MAX_RETRY_ATTEMPTS,
        f"{where}.retry.maximum_retry_attempts: must be 0..{MAX_RETRY_ATTEMPTS}, "
        f"got {retry.maximum_retry_attempts}",
    )


def _transformer_problems(p: ProblemCollector, where: str, t: InputTransformer | None) -> None:
    if t is None:
        return
    p.check(len(t.input_paths) <= 100, f"{where}.input_transformer.input_paths: at most 100")
    for key, path in t.input_paths.items():
        p.check(
            path.startswith("$"),
            f"{where}.input_transformer.input_paths[{key}]: must be a JSON path starting with $",
        )
        p.check(
            f"<{key}>" in t.input_template,
            f"{where}.input_transformer.input_paths[{key}]: not used in input_template",
        )
    p.check(bool(t.input_template), f"{where}.input_transformer.input_template: must not be empty")


def validate(args: ArchivedEventBusArgs, context: PlatformContext) -> tuple[int, dict[str, str]]:
    """Raise one error naming every bad field; return the archive retention and merged tags."""
    p = ProblemCollector(COMPONENT)
    args = typed_args(p, args, ArchivedEventBusArgs)
    with p.checking():
        retention = (
            context.profile.archive_retention_days
            if args.retention_days is None
            else args.retention_days
        )
        if args.archive:
            if retention == 0:
                p.check(
                    args.allow_indefinite_retention,
                    "retention_days: 0 keeps events forever; set allow_indefinite_retention=True "
                    "to mean it",
                )
            else:
                p.check(retention > 0, f"retention_days: must be positive, got {retention}")
        if args.archive_event_pattern is not None:
            p.extend(
                f"archive_{problem}"
                for problem in event_pattern_problems(args.archive_event_pattern)
            )
        for index, principal in enumerate(args.allowed_publishers):
            p.check(
                bool(ACCOUNT_ID.match(principal) or IAM_PRINCIPAL_ARN.match(principal)),
                f"allowed_publishers[{index}]: must be a 12-digit account id or an IAM "
                f"root/role/user ARN, got {principal!r}",
            )
        rule_names: set[str] = set()
        target_names: set[tuple[str, str]] = set()
        managed_names: set[str] = set()
        for rule in args.rules:
            where = f"rules[{rule.name}]"
            p.check(
                bool(CHILD_LABEL.match(rule.name)),
                f"{where}.name: must be 1-40 lower-case letters, digits or '-', starting with a "
                "letter",
            )
            p.check(rule.name not in rule_names, f"{where}.name: duplicate rule name")
            rule_names.add(rule.name)
            p.extend(f"{where}.{problem}" for problem in event_pattern_problems(rule.event_pattern))
            count = len(rule.targets) + len(rule.managed_queues)
            p.check(
                1 <= count <= MAX_TARGETS_PER_RULE,
                f"{where}: needs 1..{MAX_TARGETS_PER_RULE} targets (targets + managed_queues), "
                f"got {count}",
            )
            every: list[TargetSpec | ManagedQueueTarget] = [*rule.targets, *rule.managed_queues]
            for target in every:
                tw = f"{where}.targets[{target.name}]"
                p.check(
                    bool(CHILD_LABEL.match(target.name)),
                    f"{tw}.name: must be 1-40 lower-case letters, digits or '-', "
                    "starting with a letter",
                )
                p.check(
                    (rule.name, target.name) not in target_names,
                    f"{tw}.name: duplicate target name in the rule",
                )
                target_names.add((rule.name, target.name))
                _retry_problems(p, tw, target.retry)
                _transformer_problems(p, tw, target.input_transformer)
                if isinstance(target, TargetSpec):
                    p.check(isinstance(target.kind, TargetKind), f"{tw}.kind: must be a TargetKind")
                    p.check(target.arn != "", f"{tw}.arn: must not be empty")
                else:
                    p.check(
                        target.name not in managed_names,
                        f"{tw}.name: managed queue names must be unique across the bus "
                        "(managed_queues is keyed by them)",
                    )
                    managed_names.add(target.name)
                    p.check(
                        target.fifo == (target.message_group_id is not None),
                        f"{tw}.message_group_id: required for a FIFO queue and only for one",
                    )
                    p.adopt(
                        "QueueWithDeadLetter",
                        queue_problems(managed_queue_args(target, (), None, args.tags), context),
                        {
                            "visibility_timeout_seconds": f"{tw}.visibility_timeout_seconds",
                            "max_receive_count": f"{tw}.max_receive_count",
                            "fifo": f"{tw}.fifo",
                            "tags": "tags",
                        },
                    )
        tags = checked_tags(p, context.tags, args.tags)
    p.raise_if_any()
    return retention, tags
