"""`python -m tools.ops`: runbook steps as commands (DLQ inspect and redrive, archive replay,
smoke check)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, TextIO

from botocore.exceptions import BotoCoreError, ClientError
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text

from tools.console import console_for
from tools.ops import dlq, replay, smoke
from tools.ops.aws import AwsSetupError, client, events_client, sqs_client
from tools.ops.outputs import StackOutputs, StackOutputsError, load_stack_outputs
from tools.ops.resolve import ResolutionError, archive_arn, event_bus_arn, queue_url, rule_arns

if TYPE_CHECKING:
    from mypy_boto3_events import EventBridgeClient

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130

_EXIT_CODES = """\
exit status: 0 done; 1 it ran but something failed (messages not moved, replay not completed);
2 bad input, unknown name or AWS refused the request; 130 interrupted.
AWS access: the standard credential chain (AWS_PROFILE, env, SSO, instance role); region from
--region, else AWS_REGION, else AWS_DEFAULT_REGION or the profile; AWS_ENDPOINT_URL (or
AWS_ENDPOINT_URL_<SERVICE>) for another endpoint."""

_REFERENCES = """\
QUEUE and BUS may be a stack output key (with --stack-outputs; dotted keys reach into nested
outputs, e.g. shipments.dlqUrl), a name, a URL (queues) or an ARN."""

_INSPECT_HELP = f"""\
Runbook step: the DLQ alarm fired (docs/runbooks/dlq.md#dlq-has-messages). Look at what is in
the dead-letter queue before deciding to fix, redrive or purge.

What it does: prints the approximate counts (visible, in flight, delayed), the queues that use
this DLQ, and a sample of messages (id, sent time, age, receive count, group, body). The age of
the oldest message is computed from the SentTimestamp of the *sampled* messages: a lower bound,
because SQS has no queue attribute for it (the exact figure is the CloudWatch metric
ApproximateAgeOfOldestMessage).

What it never does: consume or delete a message. Sampled messages are received with a
{dlq.SAMPLE_VISIBILITY_SECONDS}-second visibility timeout and made visible again at once
(ChangeMessageVisibility 0). Receiving does increment each sampled message's receive count;
that matters only if this DLQ has a redrive policy of its own.

{_REFERENCES}

example:
  pulumi stack output --json | python -m tools.ops dlq inspect shipments.dlqUrl --stack-outputs -
"""

_REDRIVE_HELP = f"""\
Runbook step: the cause of the failures is fixed and deployed (docs/runbooks/dlq.md#redrive).
Move the DLQ's messages back to the queue they failed from so the consumer processes them again.

What it does: finds the destination from the DLQ's redrive relationships (the queues whose
redrive policy names it) unless --to is given, then moves messages:
  native  SQS's own message move task (StartMessageMoveTask), followed to the end. Moves
          everything; --rate must be a whole number 1..{dlq.NATIVE_MAX_RATE}. With several source
          queues and no --to, each message goes back to the queue it came from.
  copy    receive -> send to the destination -> delete from the DLQ. A message is deleted only
          after its send succeeded, so a failure leaves it in the DLQ (never lost); a rerun may
          send a message twice (consumers are idempotent). Message attributes and the X-Ray
          trace header are kept; FIFO messages keep their MessageGroupId and use the DLQ
          message id as deduplication id.
  auto    native when possible (no --max, the DLQ has SQS sources, the endpoint supports it),
          else copy.
Moves the messages counted when it starts (ApproximateNumberOfMessages, or --max); messages
that arrive during the run wait for the next one. A message the destination refuses (say, larger
than its MaximumMessageSize) is reported and stays in the DLQ; the others still move. Prints
moved, failed and left counts; exits 1 when anything failed. Rerun to finish.
Ctrl-C prints what moved so far, deletes what was already sent, makes the other messages of the
batch in flight visible in the DLQ again (ChangeMessageVisibility 0) and exits 130.
Given a queue that is not a DLQ but has one (a RedrivePolicy), it names that DLQ and stops.

What it never does: delete a message it has not sent, purge, or change queue settings.
--dry-run only counts what would move.

{_REFERENCES}

examples:
  python -m tools.ops dlq redrive shipments.dlqUrl --stack-outputs out.json --dry-run
  python -m tools.ops dlq redrive shipment-events-dlq-prod --max 10 --method copy
  python -m tools.ops dlq redrive shipment-events-dlq-prod --rate 50
"""

_REPLAY_HELP = """\
Runbook step: events were lost or mishandled downstream in a known time window
(docs/runbooks/replay.md#replay-a-window). Replay them from the bus's archive onto the bus.

What it does: starts an EventBridge replay (StartReplay) of the archive's events between --from
and --to (ISO-8601 with an offset, e.g. 2026-11-03T10:00:00Z), onto the bus they were archived
from, limited to the rules given with --rule (FilterArns; all rules when none), then follows it
(DescribeReplay) to COMPLETED, FAILED or CANCELLED. Without --archive, the bus's only archive.
Replayed events carry a `replay-name` field; targets receive them again, so consumers must be
idempotent (they are keyed on the business id).

What it never does: replay to another bus, change rules or archives, or cancel a replay
(Ctrl-C stops following; the replay goes on: check it with `events status NAME`).

Archiving lags event delivery by a few minutes: keep --to a few minutes in the past.

example:
  python -m tools.ops events replay --stack-outputs out.json --bus shipments.busName \\
      --from 2026-11-03T10:00:00Z --to 2026-11-03T11:30:00Z --rule shipment-to-queue
"""

_SMOKE_HELP = f"""\
Runbook step: the stack was just deployed (`pulumi up`), or you want to know whether it works
end to end. Checks the stack whose outputs you pass:

  shipments     puts one synthetic shipment event (source {smoke.SHIPMENT_SOURCE}, shipment id
                smoke-...) on the bus and waits for its row in the events table
  orders        publishes one {smoke.ORDER_EVENT_TYPE} order event (order id smoke-...) to the
                topic and waits for every subscriber's record in its table
  tracking-api  GET of the health endpoint over HTTPS (certificate verified), 200-399 passes
  workers       the worker Auto Scaling group has instances InService and Healthy
  alarms        the stack's alarms (names starting with output {smoke.ALARM_PREFIX_KEY}) exist
                and none is in ALARM

Prints a progress display on stderr while it waits, then one PASS/FAIL line per check.
The synthetic rows are deleted afterwards, found or not, also on Ctrl-C (the shipment
consumer's idempotency record expires by its TTL). The bus archive keeps the synthetic event:
a replay of that window stores its row again (shipment id smoke-..., event type smoke_test).
The health URL defaults to the load balancer's DNS name and the health check path (outputs
trackingApi.albDnsName, trackingApi.healthCheckPath); the listener's certificate names your
domain instead, so pass --api-url https://<that domain>/health.

What it never does: change a resource, send more than one event per pipeline, or leave a
synthetic row behind (a row that arrives after the timeout is named so you can delete it).

exit status: 0 every check passed; 1 a check failed; 2 bad input (outputs, options), no
credentials or no region; 130 interrupted.

example:
  pulumi stack output --json > outputs.json
  python -m tools.ops smoke --stack-outputs outputs.json --api-url https://tracking.example.org/health
"""

_STATUS_HELP = """\
Runbook step: check (and optionally follow) a replay started earlier, e.g. with --no-wait.

example:
  python -m tools.ops events status ops-shipments-20261103T120000Z --wait
"""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (also used by tests to check the runbooks' commands)."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--stack-outputs",
        metavar="FILE",
        help="`pulumi stack output --json` saved to FILE, or - to read it from stdin",
    )
    common.add_argument(
        "--region", help="AWS region (default: AWS_REGION, AWS_DEFAULT_REGION, profile)"
    )
    common.add_argument("--profile", help="AWS profile (default: AWS_PROFILE / default chain)")

    parser = argparse.ArgumentParser(
        prog="python -m tools.ops",
        description="Operator CLI: runbook steps as commands. See docs/runbooks/README.md.",
        epilog=_EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    groups = parser.add_subparsers(dest="group", required=True, metavar="{dlq,events,smoke}")

    dlq_parser = groups.add_parser("dlq", help="dead-letter queues: inspect, redrive")
    dlq_commands = dlq_parser.add_subparsers(dest="command", required=True)

    inspect = dlq_commands.add_parser(
        "inspect",
        parents=[common],
        help="counts, oldest sampled age and sample messages, consuming nothing",
        description=_INSPECT_HELP,
        epilog=_EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    inspect.add_argument("queue", metavar="QUEUE", help="the DLQ")
    inspect.add_argument(
        "--samples", type=_positive_int, default=5, help="messages to sample (default 5)"
    )
    inspect.add_argument(
        "--body-chars",
        type=_positive_int,
        default=300,
        help="characters of each body to show (default 300)",
    )
    inspect.set_defaults(run=_run_inspect)

    redrive = dlq_commands.add_parser(
        "redrive",
        parents=[common],
        help="move messages back to their source queue",
        description=_REDRIVE_HELP,
        epilog=_EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    redrive.add_argument("queue", metavar="QUEUE", help="the DLQ to move messages out of")
    redrive.add_argument(
        "--to", metavar="QUEUE", help="destination (default: the queue that uses this DLQ)"
    )
    redrive.add_argument(
        "--max", dest="max_messages", type=_positive_int, help="move at most N messages"
    )
    redrive.add_argument(
        "--rate", type=_positive_float, help="at most R messages per second (default: unlimited)"
    )
    redrive.add_argument(
        "--dry-run", action="store_true", help="count what would move; move nothing"
    )
    redrive.add_argument(
        "--method",
        choices=[m.value for m in dlq.RedriveMethod],
        default=dlq.RedriveMethod.AUTO.value,
        help="auto (default), native (SQS move task) or copy (receive/send/delete)",
    )
    redrive.set_defaults(run=_run_redrive)

    events_parser = groups.add_parser("events", help="EventBridge: archive replay")
    events_commands = events_parser.add_subparsers(dest="command", required=True)
    replay_cmd = events_commands.add_parser(
        "replay",
        parents=[common],
        help="replay archived events of a time window onto their bus",
        description=_REPLAY_HELP,
        epilog=_EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    replay_cmd.add_argument("--bus", required=True, metavar="BUS", help="the event bus")
    replay_cmd.add_argument(
        "--from", dest="start", required=True, metavar="TIME", help="first event time (ISO-8601)"
    )
    replay_cmd.add_argument(
        "--to", dest="end", required=True, metavar="TIME", help="last event time (ISO-8601)"
    )
    replay_cmd.add_argument(
        "--rule",
        dest="rules",
        action="append",
        default=[],
        metavar="RULE",
        help="replay only to this rule's targets (repeatable; default all rules)",
    )
    replay_cmd.add_argument("--archive", metavar="ARCHIVE", help="default: the bus's only archive")
    replay_cmd.add_argument("--name", help="replay name (default ops-<bus>-<UTC time>)")
    replay_cmd.add_argument(
        "--wait",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="follow the replay to its end (default) or return once started",
    )
    replay_cmd.add_argument(
        "--poll", type=_positive_float, default=5.0, help="seconds between status checks"
    )
    replay_cmd.set_defaults(run=_run_replay)

    status_cmd = events_commands.add_parser(
        "status",
        parents=[common],
        help="show (and follow with --wait) a replay",
        description=_STATUS_HELP,
        epilog=_EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    status_cmd.add_argument("name", metavar="NAME", help="replay name")
    status_cmd.add_argument(
        "--wait", action=argparse.BooleanOptionalAction, default=False, help="follow to the end"
    )
    status_cmd.add_argument(
        "--poll", type=_positive_float, default=5.0, help="seconds between status checks"
    )
    status_cmd.set_defaults(run=_run_status)

    smoke_cmd = groups.add_parser(
        "smoke",
        help="check a deployed stack end to end (one synthetic record per pipeline)",
        description=_SMOKE_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    smoke_cmd.add_argument(
        "--stack-outputs",
        metavar="FILE",
        required=True,
        help="`pulumi stack output --json` saved to FILE, or - to read it from stdin",
    )
    smoke_cmd.add_argument(
        "--api-url", metavar="URL", help="health URL on the API's own domain (https://...)"
    )
    smoke_cmd.add_argument(
        "--timeout",
        type=_positive_float,
        default=smoke.SmokeOptions.pipeline_timeout,
        help="seconds to wait for the pipelines' records (default %(default)g)",
    )
    smoke_cmd.add_argument(
        "--http-timeout",
        type=_positive_float,
        default=smoke.SmokeOptions.http_timeout,
        help="seconds to wait for the health endpoint (default %(default)g)",
    )
    smoke_cmd.add_argument(
        "--poll",
        type=_positive_float,
        default=smoke.SmokeOptions.poll_seconds,
        help="seconds between looks at the tables (default %(default)g)",
    )
    smoke_cmd.add_argument(
        "--region", help="AWS region (default: AWS_REGION, AWS_DEFAULT_REGION, profile)"
    )
    smoke_cmd.add_argument("--profile", help="AWS profile (default: AWS_PROFILE / default chain)")
    smoke_cmd.set_defaults(run=_run_smoke)
    return parser


def main(
    argv: Sequence[str] | None = None,
    *,
    stdin: TextIO | None = None,
    out: Console | None = None,
    err: Console | None = None,
    https_get: smoke.HttpsGet = smoke.https_status,
) -> int:
    """Run one command; returns the exit status. `https_get` is what `smoke` calls the
    health endpoint with."""
    args = build_parser().parse_args(argv)
    io = _Io(
        out=out or _console(stderr=False),
        err=err or _console(stderr=True),
        stdin=stdin or sys.stdin,
        https_get=https_get,
    )
    run: Callable[[argparse.Namespace, _Io], int] = args.run
    try:
        return run(args, io)
    except (
        StackOutputsError,
        ResolutionError,
        dlq.RedriveError,
        replay.ReplayError,
        smoke.SmokeInputError,
    ) as exc:
        io.err.print(f"[bold red]error:[/] {escape(str(exc))}")
    except AwsSetupError as exc:
        io.err.print(f"[bold red]error:[/] {escape(str(exc))}")
    except ClientError as exc:
        error = exc.response.get("Error", {})
        io.err.print(
            f"[bold red]AWS refused {escape(exc.operation_name)}:[/] "
            f"{escape(str(error.get('Code')))}: {escape(str(error.get('Message')))}"
        )
    except BotoCoreError as exc:
        io.err.print(f"[bold red]AWS error:[/] {escape(str(exc))}")
    except KeyboardInterrupt:
        io.err.print("[yellow]interrupted[/]")
        return EXIT_INTERRUPTED
    return EXIT_USAGE


def _console(*, stderr: bool) -> Console:
    # Without a terminal (CI logs, pipes) rich would fold queue URLs and message ids at 80 columns.
    return console_for(stderr=stderr, highlight=False)


class _Io:
    def __init__(
        self, *, out: Console, err: Console, stdin: TextIO, https_get: smoke.HttpsGet
    ) -> None:
        self.out = out
        self.err = err
        self.stdin = stdin
        self.https_get = https_get


def _outputs(args: argparse.Namespace, io: _Io) -> StackOutputs | None:
    if args.stack_outputs is None:
        return None
    return load_stack_outputs(args.stack_outputs, stdin=io.stdin)


def _run_inspect(args: argparse.Namespace, io: _Io) -> int:
    outputs = _outputs(args, io)
    sqs = sqs_client(region=args.region, profile=args.profile)
    url = queue_url(sqs, args.queue, outputs)
    found = dlq.inspect_queue(sqs, url, sample_size=args.samples)
    info = found.queue
    summary = Table(title=f"DLQ {info.name}", show_header=False)
    summary.add_column("what", no_wrap=True)
    summary.add_column("value", overflow="fold")
    summary.add_row("URL", info.url)
    summary.add_row("visible (ApproximateNumberOfMessages)", str(info.visible))
    summary.add_row("in flight", str(info.in_flight))
    summary.add_row("delayed", str(info.delayed))
    summary.add_row("used as DLQ by", "\n".join(found.sources) or "no SQS queue")
    age = found.oldest_sampled_age
    summary.add_row(
        "oldest message age (sampled)",
        f"{_age(age)} (from SentTimestamp of {len(found.samples)} sampled messages)"
        if age is not None
        else "no message received",
    )
    io.out.print(summary)
    if found.samples:
        samples = Table(title="sampled messages (still in the queue)")
        samples.add_column("message id", overflow="fold")
        for column in ("sent (UTC)", "age", "receives", "group"):
            samples.add_column(column, no_wrap=True)
        samples.add_column("body", overflow="fold")
        for s in found.samples:
            body = s.body if len(s.body) <= args.body_chars else s.body[: args.body_chars] + "…"
            samples.add_row(
                s.message_id,
                s.sent_at.strftime("%Y-%m-%d %H:%M:%S"),
                _age(found.checked_at - s.sent_at),
                str(s.receive_count),
                s.group_id or "",
                Text(body),
            )
        io.out.print(samples)
    return EXIT_OK


def _run_redrive(args: argparse.Namespace, io: _Io) -> int:
    outputs = _outputs(args, io)
    sqs = sqs_client(region=args.region, profile=args.profile)
    dlq_url = queue_url(sqs, args.queue, outputs)
    to_url = queue_url(sqs, args.to, outputs) if args.to else None
    options = dlq.RedriveOptions(
        max_messages=args.max_messages,
        rate=args.rate,
        dry_run=args.dry_run,
        method=dlq.RedriveMethod(args.method),
    )
    plan = dlq.plan_redrive(sqs, dlq_url, options, to_url=to_url)
    source_names = ", ".join(u.rsplit("/", 1)[-1] for u in plan.sources)
    destination = (
        plan.destination.name
        if plan.destination
        else f"each message's source queue ({source_names})"
    )
    method = plan.method.value
    if options.method is dlq.RedriveMethod.AUTO and plan.method is dlq.RedriveMethod.NATIVE:
        method += " (auto: copy if the endpoint has no move task)"
    io.err.print(
        f"redrive {escape(plan.dlq.name)} -> {escape(destination)} by {method}: "
        f"{plan.would_move} of {plan.dlq.visible} visible messages"
        + (f", at most {args.rate:g}/s" if args.rate else "")
    )
    if options.dry_run:
        io.out.print(
            f"dry run: would move {plan.would_move} messages from {escape(plan.dlq.name)} "
            f"to {escape(destination)} by {method}; nothing was moved"
        )
        return EXIT_OK
    with _progress(io.err) as progress:
        task = progress.add_task("moving", total=plan.would_move or None)

        def update(p: dlq.RedriveProgress) -> None:
            progress.update(
                task,
                completed=p.moved + p.failed,
                total=p.total or None,
                description=f"moved {p.moved}, failed {p.failed}",
            )

        try:
            result = dlq.redrive(sqs, plan, options, on_progress=update)
            interrupted = False
        except dlq.RedriveInterrupted as stopped:
            result, interrupted = stopped.result, True
    if interrupted:
        _print_redrive(plan, result, io)
        after = (
            "the messages in flight are visible in the DLQ again; run the same command to go on"
            if result.method is dlq.RedriveMethod.COPY
            else "the move task goes on in SQS (see the note above)"
        )
        io.err.print(f"[yellow]interrupted:[/] moved {result.moved} messages; {after}.")
        return EXIT_INTERRUPTED
    _print_redrive(plan, result, io)
    if not result.ok:
        io.err.print("[bold red]redrive incomplete:[/] fix the cause, then run the same command")
        return EXIT_FAILED
    return EXIT_OK


def _print_redrive(plan: dlq.RedrivePlan, result: dlq.RedriveResult, io: _Io) -> None:
    table = Table(title=f"redrive {plan.dlq.name} ({result.method.value})", show_header=False)
    table.add_row("moved", str(result.moved))
    table.add_row("failed (still in the DLQ)", str(result.failed))
    if result.not_deleted:
        table.add_row("sent but not deleted (a rerun repeats them)", str(result.not_deleted))
    table.add_row("left in the DLQ (approximate)", str(result.left))
    if result.task_status:
        table.add_row("move task", result.task_status)
    io.out.print(table)
    for note in result.notes:
        io.err.print(f"[yellow]note:[/] {escape(note)}")
    for error in result.errors:
        io.err.print(f"[red]{escape(error)}[/]")


def _run_replay(args: argparse.Namespace, io: _Io) -> int:
    window = replay.ReplayWindow.parse(args.start, args.end)
    outputs = _outputs(args, io)
    events = events_client(region=args.region, profile=args.profile)
    bus = event_bus_arn(events, args.bus, outputs)
    archive = archive_arn(events, args.archive, bus, outputs)
    rules = rule_arns(events, args.rules, bus, outputs)
    request = replay.ReplayRequest(
        name=args.name or replay.default_name(bus, datetime.now(UTC)),
        archive_arn=archive,
        bus_arn=bus,
        window=window,
        rule_arns=tuple(rules),
        description=f"tools.ops replay {window.start.isoformat()} .. {window.end.isoformat()}",
    )
    replay.start_replay(events, request)
    targets = ", ".join(r.rsplit("/", 1)[-1] for r in rules) or "all rules"
    io.err.print(
        f"started replay [bold]{escape(request.name)}[/] of {escape(archive)} onto {escape(bus)} "
        f"({escape(targets)}), events {window.start.isoformat()} .. {window.end.isoformat()}"
    )
    if not args.wait:
        io.out.print(
            f"replay {escape(request.name)} started; follow it with "
            f"`python -m tools.ops events status {escape(request.name)} --wait`"
        )
        return EXIT_OK
    return _follow(events, request.name, args.poll, io)


def _run_status(args: argparse.Namespace, io: _Io) -> int:
    events = events_client(region=args.region, profile=args.profile)
    if args.wait:
        return _follow(events, args.name, args.poll, io)
    status = replay.describe_replay(events, args.name)
    _print_status(status, io)
    return EXIT_OK if status.ok or not status.done else EXIT_FAILED


def _follow(events: EventBridgeClient, name: str, poll: float, io: _Io) -> int:
    with _progress(io.err) as progress:
        task = progress.add_task(f"replay {name}", total=1.0)

        def update(status: replay.ReplayStatus) -> None:
            progress.update(
                task, completed=status.fraction, description=f"replay {name}: {status.state}"
            )

        status = replay.follow_replay(events, name, poll_seconds=poll, on_progress=update)
    _print_status(status, io)
    if not status.ok:
        io.err.print(f"[bold red]replay {escape(name)} ended {escape(status.state)}[/]")
        return EXIT_FAILED
    return EXIT_OK


def _run_smoke(args: argparse.Namespace, io: _Io) -> int:
    outputs = load_stack_outputs(args.stack_outputs, stdin=io.stdin)
    targets = smoke.SmokeTargets.from_outputs(outputs, api_url=args.api_url)
    options = smoke.SmokeOptions(
        pipeline_timeout=args.timeout, http_timeout=args.http_timeout, poll_seconds=args.poll
    )

    def aws(service: str) -> Any:
        return client(service, region=args.region, profile=args.profile)

    # No credentials, or credentials AWS refuses, end the run before anything is sent.
    identity = aws("sts").get_caller_identity()
    clients = smoke.SmokeClients(
        events=aws("events"),
        sns=aws("sns"),
        dynamodb=aws("dynamodb"),
        autoscaling=aws("autoscaling"),
        cloudwatch=aws("cloudwatch"),
    )
    io.err.print(f"smoke check of {escape(outputs.source)} as {escape(identity['Arn'])}")
    with _status_display(io.err) as progress:
        tasks: dict[str, TaskID] = {}

        def update(name: str, text: str) -> None:
            if name not in tasks:
                tasks[name] = progress.add_task(name, total=None, status="")
            progress.update(tasks[name], status=text)

        interrupted: dict[str, str] | None = None
        try:
            results = smoke.run_smoke(
                clients, targets, options, https_get=io.https_get, on_status=update
            )
        except smoke.SmokeInterrupted as stopped:
            results, interrupted = [], stopped.cleanups
    if interrupted is not None:
        # What was removed, and any record that may still arrive, before exiting.
        for name, cleanup in interrupted.items():
            io.out.print(f"{escape(name)}: {escape(cleanup)}", soft_wrap=True)
        io.err.print("[yellow]interrupted[/]")
        return EXIT_INTERRUPTED
    width = max(len(r.name) for r in results)
    for result in results:
        verdict = "[green]PASS[/]" if result.ok else "[bold red]FAIL[/]"
        line = f"{verdict} {escape(result.name.ljust(width))}  {escape(result.detail)}"
        # One line per check, never wrapped, so logs and greps see it whole.
        io.out.print(
            line + (f" ({escape(result.cleanup)})" if result.cleanup else ""), soft_wrap=True
        )
    failed = [r.name for r in results if not r.ok]
    if failed:
        io.err.print(f"[bold red]smoke check failed:[/] {escape(', '.join(failed))}")
        return EXIT_FAILED
    io.err.print("[green]smoke check passed[/]")
    return EXIT_OK


def _status_display(console: Console) -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TextColumn("{task.fields[status]}"),
        TimeElapsedColumn(),
        console=console,
    )


def _print_status(status: replay.ReplayStatus, io: _Io) -> None:
    table = Table(title=f"replay {status.name}", show_header=False)
    table.add_row("state", status.state)
    if status.reason:
        table.add_row("reason", status.reason)
    table.add_row("window", f"{status.window.start.isoformat()} .. {status.window.end.isoformat()}")
    table.add_row(
        "last replayed event",
        status.last_replayed.isoformat() if status.last_replayed else "none yet",
    )
    io.out.print(table)


def _progress(console: Console) -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        console=console,
    )


def _age(age: timedelta) -> str:
    seconds = max(int(age.total_seconds()), 0)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h {minutes}m"
    if hours:
        return f"{hours}h {minutes}m"
    return f"{minutes}m {seconds}s"


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {text}")
    return value


def _positive_float(text: str) -> float:
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be positive, got {text}")
    return value
