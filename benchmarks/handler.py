"""The shipment handler: cold import time against boto3 alone, DynamoDB calls per new and per
duplicate event, and events per second on moto's server against a bare conditional-put loop.

Calls are counted with botocore's ``before-call.dynamodb.*`` hook on the handler's own client
(``shipment_events.dynamodb_client()``), on a ``ThreadedMotoServer`` started with the helpers the
handler tests use. Run: ``python -m benchmarks.handler --output FILE`` (sets its own environment,
so run it in a fresh process; `__main__` does).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import uuid
from collections.abc import Sequence
from typing import Any

from benchmarks import isolated
from benchmarks.timing import Samples, timed

HANDLERS_DIR = isolated.REPO_ROOT / "handlers"
HANDLER_TESTS_DIR = isolated.REPO_ROOT / "tests" / "handlers"
BATCH_SIZE = 10
COLD_IMPORT_MIN_SAMPLES = 5
# Variables of the caller's shell that would send the handler elsewhere or change its settings.
_STRAY_VARIABLES = (
    "AWS_PROFILE",
    "AWS_REGION",
    "AWS_ENDPOINT_URL_DYNAMODB",
    "POWERTOOLS_IDEMPOTENCY_DISABLED",
    "IDEMPOTENCY_EXPIRY_SECONDS",
    "EVENTS_TTL_DAYS",
)
_IMPORT_LINE = re.compile(r"import time:\s+(\d+)\s+\|\s+(\d+)\s+\|(\s*)(\S+)")


def _import_seconds(module: str) -> float:
    """Seconds ``import module`` takes in a fresh interpreter (handlers/ on sys.path)."""
    code = (
        "import sys, time; sys.path.insert(0, sys.argv[1]); t = time.perf_counter(); "
        f"import {module}; print(time.perf_counter() - t)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(HANDLERS_DIR)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return float(done.stdout.strip().splitlines()[-1])


def _import_breakdown(module: str, limit: int = 8) -> list[dict[str, Any]]:
    """What ``module`` imports directly, by cumulative import time (``-X importtime``)."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {module}"],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
        cwd=HANDLERS_DIR,
    )
    rows = []
    for line in done.stderr.splitlines():
        match = _IMPORT_LINE.match(line)
        if match and len(match.group(3)) == 3:  # depth 2: imported by the module itself
            rows.append({"module": match.group(4), "cumulative_ms": int(match.group(2)) / 1000})
    rows.sort(key=lambda row: row["cumulative_ms"], reverse=True)
    return rows[:limit]


def cold_import(repeat: int) -> dict[str, Any]:
    """Import time of ``shipment_events`` and of ``boto3`` alone, each in fresh interpreters,
    alternated so both see the same machine load (at least five of each: they are short)."""
    handler: list[float] = []
    boto3: list[float] = []
    for _ in range(max(repeat, COLD_IMPORT_MIN_SAMPLES)):
        handler.append(_import_seconds("shipment_events"))
        boto3.append(_import_seconds("boto3"))
    handler_s, boto3_s = Samples.of(handler), Samples.of(boto3)
    return {
        "shipment_events": handler_s.to_json(),
        "boto3": boto3_s.to_json(),
        "ratio_to_boto3": round(handler_s.min / boto3_s.min, 3),
        "breakdown_top": _import_breakdown("shipment_events"),
    }


def _on_moto(events: int, repeat: int) -> dict[str, Any]:
    """Calls per event and throughput; needs the moto helpers and the handler importable."""
    from call_counter import DynamoDBCalls
    from moto_server import ShipmentTables, aws_environment, dynamodb, moto_server
    from sqs_events import FakeLambdaContext, shipment_event, sqs_event

    with moto_server() as endpoint:
        for name in _STRAY_VARIABLES:
            os.environ.pop(name, None)
        os.environ.update(aws_environment(endpoint))
        import shipment_events

        test_client = dynamodb(endpoint)

        def fresh_tables() -> ShipmentTables:
            tables = ShipmentTables.create(test_client)
            os.environ.update(tables.environment)
            return tables

        def invoke(*bodies: Any) -> dict[str, Any]:
            response: dict[str, Any] = shipment_events.handler(
                sqs_event(*bodies), FakeLambdaContext()
            )
            return response

        fresh_tables()
        client = shipment_events.dynamodb_client()
        with DynamoDBCalls(client) as recorder:
            first = shipment_event(f"SHP-{uuid.uuid4().hex[:8]}")
            invoke(first)
            new_calls = recorder.take()
            invoke(first)
            duplicate_calls = recorder.take()

        def handler_run() -> None:
            fresh_tables()
            bodies = [shipment_event(f"SHP-{i}") for i in range(events)]
            for start in range(0, events, BATCH_SIZE):
                response = invoke(*bodies[start : start + BATCH_SIZE])
                if response["batchItemFailures"]:
                    raise RuntimeError(f"handler failed records: {response}")

        def bare_run() -> None:
            table = fresh_tables().events
            for i in range(events):
                client.put_item(
                    TableName=table,
                    Item={
                        "shipment_id": {"S": f"SHP-{i}"},
                        "event_timestamp": {"S": "2025-10-13T10:30:00Z"},
                    },
                    ConditionExpression="attribute_not_exists(shipment_id)",
                )

        handler_s: list[float] = []
        bare_s: list[float] = []
        for _ in range(repeat):  # interleaved, so both see the same machine load
            handler_s.append(timed(handler_run)[0])
            bare_s.append(timed(bare_run)[0])
    handler, bare = Samples.of(handler_s), Samples.of(bare_s)
    return {
        "new_event_calls": [operation for operation, _ in new_calls],
        "new_event_writes": DynamoDBCalls.writes(new_calls),
        "duplicate_calls": [operation for operation, _ in duplicate_calls],
        "duplicate_call_count": len(duplicate_calls),
        "events": events,
        "batch_size": BATCH_SIZE,
        "handler": handler.to_json(),
        "bare_conditional_put": bare.to_json(),
        "handler_events_per_s": round(events / handler.min, 1),
        "bare_puts_per_s": round(events / bare.min, 1),
        "handler_to_bare_ratio": round(handler.min / bare.min, 3),
    }


def measure(events: int, repeat: int) -> dict[str, Any]:
    """Everything this module measures."""
    for path in (HANDLERS_DIR, HANDLER_TESTS_DIR):
        if str(path) not in sys.path:
            sys.path.insert(0, str(path))
    return {"cold_import": cold_import(repeat), "moto": _on_moto(events, repeat)}


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--output", required=True, help="file to write the JSON result to")
    args = parser.parse_args(argv)
    isolated.write_json(args.output, measure(args.events, args.repeat))


if __name__ == "__main__":
    main()
