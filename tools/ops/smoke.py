"""Smoke check of a deployed stack: one synthetic record through each pipeline, plus the
tracking API's health endpoint, the worker group and the alarms.

Pure of the CLI: callers pass boto3 clients, an HTTPS getter and a status callback, and get
one `CheckResult` per check. Synthetic records carry ids starting with `smoke-` and are
deleted when the check ends, found or not.
"""

from __future__ import annotations

import json
import ssl
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from tools.ops.outputs import StackOutputs, StackOutputsError

# What the shipment pipeline's rule matches and the consumer stores (environments/shipments.py,
# handlers/shipment_events.py): an event of this source, keyed shipment_id + event_timestamp.
SHIPMENT_SOURCE = "shipment.service"
# Every order subscriber's filter policy accepts this event type (environments/orders.py); the
# topic filters on message attributes, so it is sent as the `event_type` attribute too.
ORDER_EVENT_TYPE = "order.placed"
SMOKE_PREFIX = "smoke-"

# Output keys, as environments/platform.py exports them.
BUS_KEY = "shipments.busName"
EVENTS_TABLE_KEY = "shipments.eventsTableName"
TOPIC_KEY = "orders.topicArn"
SUBSCRIBERS_KEY = "orders.subscribers"
ALB_KEY = "trackingApi.albDnsName"
HEALTH_PATH_KEY = "trackingApi.healthCheckPath"
ASG_KEY = "reconciliation.asgName"
ALARM_PREFIX_KEY = "alarmNamePrefix"

HttpsGet = Callable[[str, float], int]
StatusCallback = Callable[[str, str], None]


class SmokeInputError(Exception):
    """The stack outputs or options do not describe a stack to check (lists every problem)."""


class SmokeInterrupted(Exception):
    """Ctrl-C stopped the wait; `cleanups` says, per pipeline, what was removed or is left."""

    def __init__(self, cleanups: Mapping[str, str]) -> None:
        super().__init__("interrupted")
        self.cleanups = dict(cleanups)


@dataclass(frozen=True, kw_only=True)
class SmokeTargets:
    """What a smoke check looks at, resolved from the stack outputs."""

    bus_name: str
    events_table: str
    topic_arn: str
    subscriber_tables: Mapping[str, str]
    health_url: str
    asg_name: str
    alarm_prefix: str

    @classmethod
    def from_outputs(cls, outputs: StackOutputs, *, api_url: str | None = None) -> SmokeTargets:
        """Read every key the check needs; one `SmokeInputError` names every missing key."""
        problems: list[str] = []

        def text(key: str) -> str:
            try:
                return outputs.require_string(key)
            except StackOutputsError as exc:
                problems.append(str(exc))
                return ""

        subscribers = outputs.get(SUBSCRIBERS_KEY)
        tables: dict[str, str] = {}
        if isinstance(subscribers, Mapping) and subscribers:
            tables = {name: text(f"{SUBSCRIBERS_KEY}.{name}.tableName") for name in subscribers}
        else:
            problems.append(f"'{SUBSCRIBERS_KEY}' is not a stack output with subscribers")
        if api_url is None:
            health_url = f"https://{text(ALB_KEY)}{text(HEALTH_PATH_KEY)}"
        else:
            health_url = api_url
            if not api_url.startswith("https://"):
                problems.append(f"--api-url must be an https:// URL, got {api_url!r}")
        targets = cls(
            bus_name=text(BUS_KEY),
            events_table=text(EVENTS_TABLE_KEY),
            topic_arn=text(TOPIC_KEY),
            subscriber_tables=tables,
            health_url=health_url,
            asg_name=text(ASG_KEY),
            alarm_prefix=text(ALARM_PREFIX_KEY),
        )
        if problems:
            raise SmokeInputError(
                f"the stack outputs from {outputs.source} do not describe a stack to check:\n  "
                + "\n  ".join(problems)
            )
        return targets


@dataclass(frozen=True, kw_only=True)
class SmokeOptions:
    """How long to wait for each pipeline's records and the health endpoint, and how often
    to look."""

    pipeline_timeout: float = 120.0
    http_timeout: float = 10.0
    poll_seconds: float = 2.0

    def problems(self) -> list[str]:
        """Every invalid option, each naming its flag."""
        return [
            f"--{flag}: must be positive, got {value:g}"
            for flag, value in (
                ("timeout", self.pipeline_timeout),
                ("http-timeout", self.http_timeout),
                ("poll", self.poll_seconds),
            )
            if value <= 0
        ]


@dataclass(frozen=True, kw_only=True)
class SmokeClients:
    """boto3 clients for the services the check touches."""

    events: Any
    sns: Any
    dynamodb: Any
    autoscaling: Any
    cloudwatch: Any


@dataclass(frozen=True, kw_only=True)
class CheckResult:
    """One check's outcome: `detail` says what was found, `cleanup` what was removed or not."""

    name: str
    ok: bool
    detail: str
    cleanup: str = ""


@dataclass(kw_only=True)
class _Waiting:
    """A pipeline waiting for its rows: table -> key of each row still missing."""

    name: str
    missing: dict[str, dict[str, Any]]
    written: dict[str, dict[str, Any]] = field(default_factory=dict)
    error: str | None = None


def run_smoke(
    clients: SmokeClients,
    targets: SmokeTargets,
    options: SmokeOptions,
    *,
    https_get: HttpsGet | None = None,
    on_status: StatusCallback | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    run_id: str | None = None,
) -> list[CheckResult]:
    """Run every check; the synthetic records are removed before it returns (or raises)."""
    status = on_status or (lambda _name, _text: None)
    run_id = run_id or f"{SMOKE_PREFIX}{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:8]}"
    pipelines: list[_Waiting] = []
    try:
        pipelines.append(_start_shipment(clients, targets, run_id, status))
        pipelines.append(_start_order(clients, targets, run_id, status))
        _wait_for_rows(clients, pipelines, options, status, sleep, clock)
    except KeyboardInterrupt:
        raise SmokeInterrupted({p.name: _remove_rows(clients, p) for p in pipelines}) from None
    except BaseException:
        for pipeline in pipelines:
            _remove_rows(clients, pipeline)
        raise
    cleanups = {p.name: _remove_rows(clients, p) for p in pipelines}
    results = [_pipeline_result(p, cleanups[p.name]) for p in pipelines]
    results.append(_check_health(targets.health_url, options, https_get or https_status, status))
    results.append(_check_workers(clients, targets.asg_name, status))
    results.append(_check_alarms(clients, targets.alarm_prefix, status))
    for result in results:
        status(result.name, "passed" if result.ok else "FAILED")
    return results


def _start_shipment(
    clients: SmokeClients, targets: SmokeTargets, run_id: str, status: StatusCallback
) -> _Waiting:
    name = "shipments"
    timestamp = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    key = {"shipment_id": {"S": run_id}, "event_timestamp": {"S": timestamp}}
    waiting = _Waiting(name=name, missing={targets.events_table: key})
    detail = {
        "shipment_id": run_id,
        "event_timestamp": timestamp,
        "event_type": "smoke_test",
        "event_data": {"smoke_test": True},
    }
    try:
        response = clients.events.put_events(
            Entries=[
                {
                    "Source": SHIPMENT_SOURCE,
                    "DetailType": "shipment.smoke_test",
                    "Detail": json.dumps(detail),
                    "EventBusName": targets.bus_name,
                }
            ]
        )
    except (ClientError, BotoCoreError) as exc:
        waiting.error = f"PutEvents on {targets.bus_name} failed: {exc}"
        return waiting
    # PutEvents reports refused entries in the response, not as an error:
    # https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html
    if response.get("FailedEntryCount"):
        entry = response.get("Entries", [{}])[0]
        waiting.error = (
            f"PutEvents on {targets.bus_name} refused the event: "
            f"{entry.get('ErrorCode')} {entry.get('ErrorMessage', '')}".rstrip()
        )
        return waiting
    status(name, f"event {run_id} on bus {targets.bus_name}; waiting for its row")
    return waiting


def _start_order(
    clients: SmokeClients, targets: SmokeTargets, run_id: str, status: StatusCallback
) -> _Waiting:
    name = "orders"
    key = {"order_id": {"S": run_id}, "event_type": {"S": ORDER_EVENT_TYPE}}
    waiting = _Waiting(
        name=name, missing={table: key for table in targets.subscriber_tables.values()}
    )
    order = {
        "order_id": run_id,
        "event_type": ORDER_EVENT_TYPE,
        "customer_id": run_id,
        "amount": 0,
        "currency": "EUR",
        "smoke_test": True,
    }
    try:
        clients.sns.publish(
            TopicArn=targets.topic_arn,
            Message=json.dumps(order),
            MessageAttributes={
                "event_type": {"DataType": "String", "StringValue": ORDER_EVENT_TYPE}
            },
        )
    except (ClientError, BotoCoreError) as exc:
        waiting.error = f"Publish to {targets.topic_arn} failed: {exc}"
        return waiting
    subscribers = ", ".join(targets.subscriber_tables)
    status(name, f"order {run_id} published; waiting for {subscribers}")
    return waiting


def _wait_for_rows(
    clients: SmokeClients,
    pipelines: list[_Waiting],
    options: SmokeOptions,
    status: StatusCallback,
    sleep: Callable[[float], None],
    clock: Callable[[], float],
) -> None:
    deadline = clock() + options.pipeline_timeout
    while True:
        pending = [p for p in pipelines if p.missing and p.error is None]
        for pipeline in pending:
            _look_for_rows(clients, pipeline)
            if pipeline.error is None and pipeline.written:
                total = len(pipeline.written) + len(pipeline.missing)
                status(pipeline.name, f"{len(pipeline.written)} of {total} records found")
        if not any(p.missing and p.error is None for p in pipelines) or clock() >= deadline:
            return
        sleep(min(options.poll_seconds, max(deadline - clock(), 0.0)))


def _look_for_rows(clients: SmokeClients, pipeline: _Waiting) -> None:
    for table, key in list(pipeline.missing.items()):
        try:
            item = clients.dynamodb.get_item(TableName=table, Key=key, ConsistentRead=True)
        except (ClientError, BotoCoreError) as exc:
            pipeline.error = f"GetItem on {table} failed: {exc}"
            return
        if "Item" in item:
            pipeline.written[table] = pipeline.missing.pop(table)


def _remove_rows(clients: SmokeClients, pipeline: _Waiting) -> str:
    """Delete the synthetic rows (a missing row is no error: DeleteItem is a no-op then)."""
    left: list[str] = []
    for table, key in [*pipeline.written.items(), *pipeline.missing.items()]:
        try:
            clients.dynamodb.delete_item(TableName=table, Key=key)
        except (ClientError, BotoCoreError) as exc:
            left.append(f"{table} {_plain(key)} ({exc})")
    if left:
        return "not removed, delete by hand: " + "; ".join(left)
    if pipeline.missing:
        late = ", ".join(f"{t} {_plain(k)}" for t, k in pipeline.missing.items())
        return f"test records removed; a record that arrives later stays: {late}"
    return "test records removed"


def _pipeline_result(pipeline: _Waiting, cleanup: str) -> CheckResult:
    if pipeline.error is not None:
        return CheckResult(name=pipeline.name, ok=False, detail=pipeline.error, cleanup=cleanup)
    if pipeline.missing:
        return CheckResult(
            name=pipeline.name,
            ok=False,
            detail=(
                f"no record after the timeout in {', '.join(pipeline.missing)}"
                + (f" (found in {', '.join(pipeline.written)})" if pipeline.written else "")
            ),
            cleanup=cleanup,
        )
    return CheckResult(
        name=pipeline.name,
        ok=True,
        detail=f"record stored in {', '.join(pipeline.written)}",
        cleanup=cleanup,
    )


def https_status(url: str, timeout: float, context: ssl.SSLContext | None = None) -> int:
    """The HTTP status of a GET on `url`, with certificate and host name verified."""
    request = urllib.request.Request(url, method="GET", headers={"User-Agent": "tools.ops smoke"})
    try:
        with urllib.request.urlopen(
            request, timeout=timeout, context=context or ssl.create_default_context()
        ) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def _check_health(
    url: str, options: SmokeOptions, https_get: HttpsGet, status: StatusCallback
) -> CheckResult:
    name = "tracking-api"
    status(name, f"GET {url}")
    try:
        code = https_get(url, options.http_timeout)
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        hint = ""
        if isinstance(reason, ssl.SSLCertVerificationError):
            hint = "; the certificate names the API's domain: pass --api-url https://<domain>/..."
        return CheckResult(name=name, ok=False, detail=f"GET {url} failed: {reason}{hint}")
    # The target group counts 200-399 as healthy (components/containers/fargate_args.py default).
    ok = 200 <= code < 400
    return CheckResult(name=name, ok=ok, detail=f"GET {url} -> HTTP {code}")


def _check_workers(clients: SmokeClients, asg_name: str, status: StatusCallback) -> CheckResult:
    name = "workers"
    status(name, f"describing Auto Scaling group {asg_name}")
    try:
        groups = clients.autoscaling.describe_auto_scaling_groups(
            AutoScalingGroupNames=[asg_name]
        ).get("AutoScalingGroups", [])
    except (ClientError, BotoCoreError) as exc:
        return CheckResult(name=name, ok=False, detail=f"DescribeAutoScalingGroups failed: {exc}")
    if not groups:
        return CheckResult(name=name, ok=False, detail=f"no Auto Scaling group named {asg_name}")
    instances = groups[0].get("Instances", [])
    # LifecycleState and HealthStatus values:
    # https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_Instance.html
    serving = [
        i
        for i in instances
        if i.get("LifecycleState") == "InService" and i.get("HealthStatus") == "Healthy"
    ]
    desired = int(groups[0].get("DesiredCapacity", 0))
    detail = f"{len(serving)} of {len(instances)} instances in service (desired {desired})"
    return CheckResult(name=name, ok=bool(serving), detail=detail)


def _check_alarms(clients: SmokeClients, prefix: str, status: StatusCallback) -> CheckResult:
    name = "alarms"
    status(name, f"describing alarms named {prefix}*")
    try:
        alarms = list(_alarms(clients.cloudwatch, prefix))
    except (ClientError, BotoCoreError) as exc:
        return CheckResult(name=name, ok=False, detail=f"DescribeAlarms failed: {exc}")
    if not alarms:
        return CheckResult(name=name, ok=False, detail=f"no alarm named {prefix}*")
    firing = sorted(n for n, state in alarms if state == "ALARM")
    counts = {
        s: sum(1 for _, state in alarms if state == s) for s in sorted({s for _, s in alarms})
    }
    summary = ", ".join(f"{count} {state}" for state, count in counts.items())
    if firing:
        return CheckResult(name=name, ok=False, detail=f"{summary}; in ALARM: {', '.join(firing)}")
    return CheckResult(name=name, ok=True, detail=f"{len(alarms)} alarms: {summary}")


def _alarms(cloudwatch: Any, prefix: str) -> Iterator[tuple[str, str]]:
    """(name, state) of every metric and composite alarm whose name starts with `prefix`."""
    paginator = cloudwatch.get_paginator("describe_alarms")
    for page in paginator.paginate(
        AlarmNamePrefix=prefix, AlarmTypes=["MetricAlarm", "CompositeAlarm"]
    ):
        for alarm in [*page.get("MetricAlarms", []), *page.get("CompositeAlarms", [])]:
            yield alarm["AlarmName"], alarm["StateValue"]


def _plain(key: Mapping[str, Mapping[str, Any]]) -> str:
    return json.dumps({name: next(iter(value.values())) for name, value in key.items()})
