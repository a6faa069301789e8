"""A pack that reports, as advisory violations, exactly what it received: each Analyze request
(type, props, options, provider) and the AnalyzeStack resources, as JSON messages; its one
remediating policy adds a tag so tests can see Remediate run before Analyze."""

import json
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    PolicyPack,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.proxy import UnknownValueError

UNKNOWN = "<unknown>"


def _plain(value: Any) -> Any:
    """Props as JSON-able data, unknowns as UNKNOWN (the proxies raise on them)."""
    if isinstance(value, str) or value is None or isinstance(value, bool | int | float):
        return value
    if hasattr(value, "keys"):
        out = {}
        for key in value:
            try:
                out[key] = _plain(value[key])
            except UnknownValueError:
                out[key] = UNKNOWN
        return out
    if hasattr(value, "__len__"):
        items = []
        for index in range(len(value)):
            try:
                items.append(_plain(value[index]))
            except UnknownValueError:
                items.append(UNKNOWN)
        return items
    return repr(value)


def _options(opts: Any) -> dict[str, Any]:
    timeouts = opts.custom_timeouts
    return {
        "protect": opts.protect,
        "ignoreChanges": list(opts.ignore_changes),
        "deleteBeforeReplace": opts.delete_before_replace,
        "aliases": list(opts.aliases),
        "customTimeouts": [
            timeouts.create_seconds,
            timeouts.update_seconds,
            timeouts.delete_seconds,
        ]
        if timeouts
        else None,
        "additionalSecretOutputs": list(opts.additional_secret_outputs),
        "parent": opts.parent,
    }


def record(args: ResourceValidationArgs, report: ReportViolation) -> None:
    provider = args.provider
    report(
        json.dumps(
            {
                "type": args.resource_type,
                "name": args.name,
                "props": _plain(args.props),
                "options": _options(args.opts),
                "provider": None
                if provider is None
                else {
                    "type": provider.resource_type,
                    "name": provider.name,
                    "urn": provider.urn,
                    "props": _plain(provider.props),
                },
                "stackTags": dict(args.stack_tags),
            }
        )
    )


def record_stack(args: StackValidationArgs, report: ReportViolation) -> None:
    report(
        json.dumps(
            [
                {
                    "urn": r.urn,
                    "type": r.resource_type,
                    "props": _plain(r.props),
                    "provider": None if r.provider is None else r.provider.urn,
                    "parent": None if r.parent is None else r.parent.urn,
                    "protect": r.opts.protect,
                    "propertyDependencies": {
                        k: [d.urn for d in v] for k, v in r.property_dependencies.items()
                    },
                }
                for r in args.resources
            ]
        )
    )


def add_tag(args: ResourceValidationArgs) -> Any:
    if args.resource_type != "aws:sqs/queue:Queue":
        return None
    props = dict(_plain(args.props))
    props["tags"] = {**(props.get("tags") or {}), "Remediated": "yes"}
    return props


PolicyPack(
    name="recording-pack",
    enforcement_level=EnforcementLevel.ADVISORY,
    policies=[
        ResourceValidationPolicy(name="record", description="Records Analyze.", validate=record),
        StackValidationPolicy(
            name="record-stack", description="Records AnalyzeStack.", validate=record_stack
        ),
        ResourceValidationPolicy(
            name="tag-queues",
            description="Adds a tag to queues (when configured remediate).",
            validate=lambda args, report: None,
            remediate=add_tag,
        ),
    ],
)
