"""Validation of ``AlarmedFunctionArgs``: every problem at once, before anything is registered."""

from __future__ import annotations

import keyword
import os
import re

from components.compute.function_args import (
    COMPONENT,
    AlarmedFunctionArgs,
    Architecture,
    DestinationKind,
    LogLevel,
    Runtime,
)
from components.compute.powertools import POWERTOOLS_ENV
from components.core.arg_types import check_arg_types
from components.core.aws_values import LOG_RETENTION_DAYS
from components.core.context import PlatformContext
from components.core.errors import ComponentArgumentsError, ProblemCollector
from components.core.iam import validate_statements
from components.core.kms import KeyUse
from components.core.tags import checked_tags

__all__ = ["problems", "validate"]

_ENV_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_HANDLER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+$")
_RESERVED_ENV_PREFIXES = ("AWS_", "LAMBDA_")


def problems(args: AlarmedFunctionArgs, context: PlatformContext) -> list[str]:
    """Every problem of ``args``, registering nothing (a composing component calls this)."""
    p = ProblemCollector(COMPONENT)
    _check(p, args, context)
    return list(p.problems)


def validate(args: AlarmedFunctionArgs, context: PlatformContext) -> dict[str, str]:
    """Raise one error naming every bad field; return the merged tags."""
    p = ProblemCollector(COMPONENT)
    tags = _check(p, args, context)
    p.raise_if_any()
    return tags


def _handler_problems(p: ProblemCollector, handler: str, code_path: str) -> None:
    """The Lambda Python runtime imports ``module`` from the code root and looks up
    ``function`` in it; a missing file fails only at the first invocation
    (Runtime.ImportModuleError), so refuse it here.
    https://docs.aws.amazon.com/lambda/latest/dg/python-handler.html#naming
    """
    if not isinstance(handler, str):
        return  # reported with the type problems
    if not p.check(
        bool(_HANDLER.match(handler)),
        f"handler: {handler!r} must be 'module.function' (Python identifiers)",
    ) or not os.path.isdir(code_path):
        return
    module, _, function = handler.rpartition(".")
    path = os.path.join(code_path, *module.split("."))
    p.check(
        os.path.isfile(f"{path}.py") or os.path.isfile(os.path.join(path, "__init__.py")),
        f"handler: module {module!r} is not in code_path {code_path!r} (no {path}.py or "
        f"{os.path.join(path, '__init__.py')}); Lambda would fail every invocation",
    )
    p.check(
        not keyword.iskeyword(function),
        f"handler: {function!r} is a Python keyword, not a function name",
    )


def _check(
    p: ProblemCollector, args: AlarmedFunctionArgs, context: PlatformContext
) -> dict[str, str]:
    """Record every problem of ``args`` in ``p``; return the merged tags."""
    checked = check_arg_types(args, AlarmedFunctionArgs)
    p.extend(checked.problems)
    p.settle(checked.ill_typed)
    if checked.usable is None:
        return {}
    args = checked.usable
    with p.checking():
        _handler_problems(p, args.handler, args.code_path)
        p.check(os.path.isdir(args.code_path), f"code_path: {args.code_path!r} is not a folder")
        p.check(isinstance(args.runtime, Runtime), f"runtime: {args.runtime!r} is not a Runtime")
        p.check(
            isinstance(args.architecture, Architecture),
            f"architecture: {args.architecture!r} is not an Architecture",
        )
        p.check(
            128 <= args.memory_size_mb <= 10_240,
            f"memory_size_mb: must be 128..10240, got {args.memory_size_mb}",
        )
        p.check(
            1 <= args.timeout_seconds <= 900,
            f"timeout_seconds: must be 1..900, got {args.timeout_seconds}",
        )
        for name in args.environment:
            p.check(
                bool(_ENV_NAME.match(name)),
                f"environment.{name}: must start with a letter and hold only letters, digits and _",
            )
            p.check(
                not name.startswith(_RESERVED_ENV_PREFIXES) and name != "TZ",
                f"environment.{name}: reserved by the Lambda runtime",
            )
            p.check(
                name not in POWERTOOLS_ENV,
                f"environment.{name}: set by the component (service_name, log_level, "
                "metrics_namespace)",
            )
        p.check(
            args.reserved_concurrency is None or args.reserved_concurrency >= 1,
            f"reserved_concurrency: must be at least 1 (0 stops the function), "
            f"got {args.reserved_concurrency}",
        )
        if args.kms_key is not None:
            missing = {KeyUse.LOGS, KeyUse.LAMBDA} - set(args.kms_key.uses)
            p.check(
                not missing,
                "kms_key: its key policy must admit "
                + ", ".join(f"KeyUse.{use.name}" for use in sorted(missing)),
            )
        if args.vpc is not None:
            p.check(bool(args.vpc.subnet_ids), "vpc.subnet_ids: must not be empty")
            p.check(bool(args.vpc.security_group_ids), "vpc.security_group_ids: must not be empty")
        if args.on_failure is not None:
            p.check(
                isinstance(args.on_failure.kind, DestinationKind),
                "on_failure.kind: must be a DestinationKind",
            )
        p.check(len(args.description) <= 256, "description: at most 256 characters")
        p.check(
            isinstance(args.log_level, LogLevel), f"log_level: {args.log_level!r} not a LogLevel"
        )
        p.check(
            args.powertools_layer_version >= 1,
            f"powertools_layer_version: must be at least 1, got {args.powertools_layer_version}",
        )
        p.check(
            args.log_retention_days is None or args.log_retention_days in LOG_RETENTION_DAYS,
            f"log_retention_days: {args.log_retention_days} is not a CloudWatch Logs retention "
            "value",
        )
        try:
            if args.statements:
                validate_statements(args.statements, component=COMPONENT)
        except ComponentArgumentsError as error:
            p.extend(f"statements: {problem}" for problem in error.problems)
    return checked_tags(p, context.tags, args.tags)
