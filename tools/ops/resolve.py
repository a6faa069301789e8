"""Turn what an operator types (output key, name, URL or ARN) into queue URLs and ARNs."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from tools.ops.outputs import StackOutputs, UnknownOutputError

if TYPE_CHECKING:
    from mypy_boto3_events import EventBridgeClient
    from mypy_boto3_sqs import SQSClient

_QUEUE_NAME = re.compile(r"^[A-Za-z0-9_-]{1,80}(\.fifo)?$")
_EVENTS_NAME = re.compile(r"^[A-Za-z0-9._/-]{1,256}$")


class ResolutionError(Exception):
    """A reference does not name an existing resource."""


def reference_value(ref: str, outputs: StackOutputs | None, *, looks_literal: bool) -> str:
    """The stack output at `ref` when there is one, else `ref` itself.

    A reference that cannot be a literal name, URL or ARN (`looks_literal` False) must be an
    output key: then an unknown key is an error that lists the nearest keys.
    """
    if outputs is not None:
        value = outputs.get(ref)
        if isinstance(value, str):
            return value
        if not looks_literal:
            raise UnknownOutputError(ref, outputs.near(ref))
    elif not looks_literal:
        raise ResolutionError(
            f"'{ref}' is not a name, URL or ARN; "
            "pass --stack-outputs to look it up as an output key"
        )
    return ref


def queue_url(sqs: SQSClient, ref: str, outputs: StackOutputs | None = None) -> str:
    """The URL of the queue named by an output key, queue name, queue URL or queue ARN."""
    literal = ref.startswith(("https://", "http://", "arn:")) or bool(_QUEUE_NAME.match(ref))
    value = reference_value(ref, outputs, looks_literal=literal)
    if value.startswith(("https://", "http://")):
        return value
    name, owner = value, None
    if value.startswith("arn:"):
        parts = value.split(":")
        if len(parts) != 6 or parts[2] != "sqs":
            raise ResolutionError(f"'{value}' is not an SQS queue ARN")
        owner, name = parts[4], parts[5]
    try:
        if owner:
            return sqs.get_queue_url(QueueName=name, QueueOwnerAWSAccountId=owner)["QueueUrl"]
        return sqs.get_queue_url(QueueName=name)["QueueUrl"]
    except ClientError as exc:
        if _code(exc) not in {"AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist"}:
            raise
        hints = _queue_hints(sqs, name, ref, outputs)
        # Queue names are regional: name the region searched, the usual cause of a miss.
        raise ResolutionError(
            f"no queue named '{name}' in {sqs.meta.region_name}{hints} "
            "(--region, AWS_REGION or AWS_DEFAULT_REGION choose the region)"
        ) from exc


def event_bus_arn(events: EventBridgeClient, ref: str, outputs: StackOutputs | None = None) -> str:
    """The ARN of the event bus named by an output key, bus name or bus ARN."""
    value = reference_value(ref, outputs, looks_literal=_is_events_literal(ref))
    try:
        return events.describe_event_bus(Name=value)["Arn"]
    except ClientError as exc:
        if _code(exc) != "ResourceNotFoundException":
            raise
        buses = [b["Name"] for b in events.list_event_buses().get("EventBuses", [])]
        raise ResolutionError(
            f"no event bus '{value}'; buses: {', '.join(buses) or 'none'}"
            + _output_hint(ref, outputs)
        ) from exc


def archive_arn(
    events: EventBridgeClient,
    ref: str | None,
    bus_arn: str,
    outputs: StackOutputs | None = None,
) -> str:
    """The ARN of the archive to replay from; without `ref`, the one archive of the bus."""
    if ref is None:
        archives = events.list_archives(EventSourceArn=bus_arn).get("Archives", [])
        names = [a["ArchiveName"] for a in archives]
        if len(names) != 1:
            found = ", ".join(names) if names else "none"
            raise ResolutionError(
                f"pass --archive: the bus {bus_arn} has {len(names)} archives ({found})"
            )
        ref = names[0]
    value = reference_value(ref, outputs, looks_literal=_is_events_literal(ref))
    name = value.rsplit("/", 1)[-1] if value.startswith("arn:") else value
    try:
        archive = events.describe_archive(ArchiveName=name)
    except ClientError as exc:
        if _code(exc) != "ResourceNotFoundException":
            raise
        archives = events.list_archives(EventSourceArn=bus_arn).get("Archives", [])
        known = ", ".join(a["ArchiveName"] for a in archives) or "none"
        raise ResolutionError(
            f"no archive '{name}'; archives of {bus_arn}: {known}" + _output_hint(ref, outputs)
        ) from exc
    if archive.get("EventSourceArn") != bus_arn:
        raise ResolutionError(
            f"archive '{name}' archives {archive.get('EventSourceArn')}, not {bus_arn}; "
            "EventBridge replays an archive only to the bus it archives"
        )
    return archive["ArchiveArn"]


def rule_arns(
    events: EventBridgeClient,
    refs: Sequence[str],
    bus_arn: str,
    outputs: StackOutputs | None = None,
) -> list[str]:
    """The ARNs of rules on the bus; every unknown rule is reported in one error."""
    bus_name = bus_arn.rsplit("/", 1)[-1]
    arns: list[str] = []
    problems: list[str] = []
    for ref in refs:
        try:
            value = reference_value(ref, outputs, looks_literal=_is_events_literal(ref))
        except (UnknownOutputError, ResolutionError) as exc:
            problems.append(str(exc))
            continue
        name = value.rsplit("/", 1)[-1] if value.startswith("arn:") else value
        try:
            arns.append(events.describe_rule(Name=name, EventBusName=bus_name)["Arn"])
        except ClientError as exc:
            if _code(exc) != "ResourceNotFoundException":
                raise
            problems.append(f"no rule '{name}' on bus {bus_name}")
    if problems:
        listed = events.list_rules(EventBusName=bus_name).get("Rules", [])
        names = ", ".join(r["Name"] for r in listed) or "none"
        raise ResolutionError("; ".join(problems) + f" (rules on {bus_name}: {names})")
    return arns


def _is_events_literal(ref: str) -> bool:
    return ref.startswith("arn:") or bool(_EVENTS_NAME.match(ref))


def _queue_hints(sqs: SQSClient, name: str, ref: str, outputs: StackOutputs | None) -> str:
    prefix = name.split("-", 1)[0]
    listed = sqs.list_queues(QueueNamePrefix=prefix, MaxResults=10).get("QueueUrls", [])
    names = [url.rsplit("/", 1)[-1] for url in listed]
    hint = f"; queues starting with '{prefix}': {', '.join(names)}" if names else ""
    return hint + _output_hint(ref, outputs)


def _output_hint(ref: str, outputs: StackOutputs | None) -> str:
    if outputs is None:
        return ""
    near = outputs.near(ref)
    return f"; closest output keys: {', '.join(near)}" if near else ""


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))
