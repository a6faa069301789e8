"""`smoke` on moto: a stack stood up as environments/ composes it, with the real handlers
consuming its queues in a background thread, as Lambda's event source mappings would.

What moto does not serve is injected: the HTTPS health check gets a getter (and `https_status`
is checked against a local HTTPS server), and moto has no composite alarms.
"""

from __future__ import annotations

import datetime as dt
import http.server
import json
import ssl
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from ops_helpers import run_cli

from tools.ops import aws, smoke

ROOT = Path(__file__).resolve().parents[2]
for extra in (ROOT / "handlers", ROOT / "tests" / "handlers"):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))

import analytics  # noqa: E402
import billing  # noqa: E402
import notifications  # noqa: E402
import shipment_events  # noqa: E402
from sqs_events import FakeLambdaContext  # noqa: E402
from sqs_source import SqsEventSource  # noqa: E402

pytestmark = pytest.mark.slow

PREFIX = "aws-platform-dev-"
SUBSCRIBERS = {
    # name: (filter policy as environments/orders.py, handler, table variable)
    "billing": ({"event_type": ["order.placed"]}, billing.handler, "LEDGER_TABLE_NAME"),
    "analytics": (
        {"event_type": [{"prefix": "order."}]},
        analytics.handler,
        "ANALYTICS_TABLE_NAME",
    ),
    "notifications": (
        {"event_type": ["order.placed", "order.shipped"]},
        notifications.handler,
        "NOTIFICATIONS_TABLE_NAME",
    ),
}


@dataclass
class Stack:
    """The resources, the consumers (queue -> handler) and the outputs of a stack on moto."""

    outputs: dict[str, Any]
    consumers: dict[str, tuple[SqsEventSource, Callable[..., Any]]] = field(default_factory=dict)
    tables: list[str] = field(default_factory=list)

    def write_outputs(self, path: Path) -> str:
        path.write_text(json.dumps(self.outputs))
        return str(path)


def _table(ddb: Any, name: str, keys: tuple[str, ...]) -> str:
    ddb.create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        KeySchema=[
            {"AttributeName": k, "KeyType": kind}
            for k, kind in zip(keys, ("HASH", "RANGE"), strict=False)
        ],
        AttributeDefinitions=[{"AttributeName": k, "AttributeType": "S"} for k in keys],
    )
    return name


def _queue(sqs: Any, name: str) -> tuple[str, str]:
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]
    return url, arn["QueueArn"]


@pytest.fixture
def stack(moto_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> Stack:
    sqs, ddb = aws.client("sqs"), aws.client("dynamodb")
    events, sns = aws.client("events"), aws.client("sns")
    cloudwatch = aws.client("cloudwatch")

    # Shipments: bus -> rule -> queue -> shipment_events.handler -> events table.
    bus = f"{PREFIX}shipment-events"
    events.create_event_bus(Name=bus)
    shipment_url, shipment_arn = _queue(sqs, f"{PREFIX}shipment-consumer")
    events.put_rule(
        Name="shipment-service", EventBusName=bus, EventPattern='{"source": ["shipment.service"]}'
    )
    events.put_targets(
        Rule="shipment-service", EventBusName=bus, Targets=[{"Id": "q", "Arn": shipment_arn}]
    )
    events_table = _table(ddb, f"{PREFIX}shipment-events", ("shipment_id", "event_timestamp"))
    monkeypatch.setenv("EVENTS_TABLE_NAME", events_table)
    monkeypatch.setenv("IDEMPOTENCY_TABLE_NAME", _table(ddb, f"{PREFIX}idempotency", ("id",)))
    built = Stack(outputs={})
    built.consumers["shipments"] = (SqsEventSource(sqs, shipment_url), shipment_events.handler)
    built.tables.append(events_table)

    # Orders: topic -> one raw-delivery, filtered subscription per consumer -> its table.
    topic = sns.create_topic(Name=f"{PREFIX}order-events")["TopicArn"]
    subscribers: dict[str, Any] = {}
    for name, (policy, handler, variable) in SUBSCRIBERS.items():
        url, arn = _queue(sqs, f"{PREFIX}order-{name}")
        sns.subscribe(
            TopicArn=topic,
            Protocol="sqs",
            Endpoint=arn,
            Attributes={"RawMessageDelivery": "true", "FilterPolicy": json.dumps(policy)},
        )
        table = _table(ddb, f"{PREFIX}order-{name}", ("order_id", "event_type"))
        monkeypatch.setenv(variable, table)
        built.consumers[name] = (SqsEventSource(sqs, url), handler)
        built.tables.append(table)
        subscribers[name] = {"queueUrl": url, "tableName": table}

    for alarm in ("shipment-consumer-errors", "order-billing-errors"):
        cloudwatch.put_metric_alarm(
            AlarmName=f"{PREFIX}{alarm}",
            Namespace="AWS/Lambda",
            MetricName="Errors",
            Statistic="Sum",
            Period=60,
            EvaluationPeriods=1,
            Threshold=1,
            ComparisonOperator="GreaterThanOrEqualToThreshold",
        )
    # Another stack's alarm, firing: not this stack's business.
    cloudwatch.put_metric_alarm(
        AlarmName="aws-platform-prod-shipment-consumer-errors",
        Namespace="AWS/Lambda",
        MetricName="Errors",
        Statistic="Sum",
        Period=60,
        EvaluationPeriods=1,
        Threshold=1,
        ComparisonOperator="GreaterThanOrEqualToThreshold",
    )
    cloudwatch.set_alarm_state(
        AlarmName="aws-platform-prod-shipment-consumer-errors", StateValue="ALARM", StateReason="x"
    )

    built.outputs = {
        "environment": "dev",
        "alarmNamePrefix": PREFIX,
        "shipments": {"busName": bus, "eventsTableName": events_table},
        "orders": {"topicArn": topic, "subscribers": subscribers},
        "trackingApi": {
            "albDnsName": "tracking-api-123.us-east-1.elb.amazonaws.com",
            "healthCheckPath": "/health",
        },
        "reconciliation": {"asgName": f"{PREFIX}reconciliation"},
    }
    return built


@pytest.fixture
def workers(stack: Stack) -> str:
    """The worker Auto Scaling group with one instance (moto's EC2 takes seconds to start, so
    only the tests that look at the group create it)."""
    template = f"{PREFIX}reconciliation"
    # moto launches instances of any image id; no AMI lookup needed.
    aws.client("ec2").create_launch_template(
        LaunchTemplateName=template,
        LaunchTemplateData={"ImageId": "ami-12345678", "InstanceType": "t4g.small"},
    )
    name: str = stack.outputs["reconciliation"]["asgName"]
    aws.client("autoscaling").create_auto_scaling_group(
        AutoScalingGroupName=name,
        LaunchTemplate={"LaunchTemplateName": template},
        MinSize=0,
        MaxSize=2,
        DesiredCapacity=1,
        AvailabilityZones=["us-east-1a"],
    )
    return name


@contextmanager
def consuming(stack: Stack, *, skip: tuple[str, ...] = ()) -> Iterator[None]:
    """Run the consumers (all but `skip`) in a background thread while the block runs."""
    stop = threading.Event()
    context = FakeLambdaContext()

    def loop() -> None:
        while not stop.is_set():
            for name, (source, handler) in stack.consumers.items():
                if name not in skip:
                    source.poll_once(handler, context)
            stop.wait(0.1)

    worker = threading.Thread(target=loop, daemon=True)
    worker.start()
    try:
        yield
    finally:
        stop.set()
        worker.join(timeout=30)


class HealthEndpoint:
    """An injected HTTPS getter: answers `status` and remembers the URLs asked for."""

    def __init__(self, status: int = 200) -> None:
        self.status = status
        self.urls: list[str] = []

    def __call__(self, url: str, timeout: float) -> int:
        self.urls.append(url)
        return self.status


def rows(table: str) -> list[dict[str, Any]]:
    return aws.client("dynamodb").scan(TableName=table, ConsistentRead=True)["Items"]


def smoke_cli(outputs: str, *extra: str, health: smoke.HttpsGet | None = None) -> Any:
    return run_cli(
        "smoke", "--stack-outputs", outputs, "--poll", "0.2", *extra,
        https_get=health or HealthEndpoint(),
    )  # fmt: skip


def test_a_working_stack_passes_every_check_and_keeps_no_test_record(
    stack: Stack, workers: str, tmp_path: Path
) -> None:
    health = HealthEndpoint(200)
    with consuming(stack):
        run = smoke_cli(
            stack.write_outputs(tmp_path / "outputs.json"), "--timeout", "30", health=health
        )

    assert run.code == 0, run.out + run.err
    lines = run.out.splitlines()
    for check in ("shipments", "orders", "tracking-api", "workers", "alarms"):
        assert any(line.startswith(f"PASS {check}") for line in lines), run.out
    assert "1 of 1 instances in service" in run.out
    assert "2 alarms: 2 OK" in run.out
    assert health.urls == ["https://tracking-api-123.us-east-1.elb.amazonaws.com/health"]
    # Every consumer got its record, and every record was removed again.
    assert "record stored in" in run.out and "test records removed" in run.out
    for table in stack.tables:
        assert rows(table) == [], table
    assert "smoke check passed" in run.err


def test_a_broken_consumer_a_failing_endpoint_and_a_firing_alarm_each_fail_their_line(
    stack: Stack, workers: str, tmp_path: Path
) -> None:
    aws.client("cloudwatch").set_alarm_state(
        AlarmName=f"{PREFIX}order-billing-errors", StateValue="ALARM", StateReason="test"
    )
    aws.client("autoscaling").set_desired_capacity(AutoScalingGroupName=workers, DesiredCapacity=0)
    with consuming(stack, skip=("billing",)):
        run = smoke_cli(
            stack.write_outputs(tmp_path / "outputs.json"),
            "--timeout", "2", "--api-url", "https://tracking.example.org/health",
            health=HealthEndpoint(503),
        )  # fmt: skip

    assert run.code == 1
    lines = {line.split()[1]: line for line in run.out.splitlines() if line[:4] in {"PASS", "FAIL"}}
    assert lines["shipments"].startswith("PASS")
    billing_table = stack.outputs["orders"]["subscribers"]["billing"]["tableName"]
    assert lines["orders"].startswith("FAIL")
    assert f"no record after the timeout in {billing_table}" in lines["orders"]
    assert lines["tracking-api"].startswith("FAIL")
    assert "https://tracking.example.org/health -> HTTP 503" in lines["tracking-api"]
    assert lines["workers"].startswith("FAIL") and "0 of 0 instances" in lines["workers"]
    assert lines["alarms"].startswith("FAIL")
    assert f"in ALARM: {PREFIX}order-billing-errors" in lines["alarms"]
    assert "smoke check failed: orders, tracking-api, workers, alarms" in run.err
    # The records that did arrive were removed; the late one is named for removal by hand.
    for table in stack.tables:
        assert rows(table) == [], table
    assert "a record that arrives later stays" in lines["orders"]


def test_outputs_missing_keys_are_all_named_at_once(stack: Stack, tmp_path: Path) -> None:
    del stack.outputs["alarmNamePrefix"]
    del stack.outputs["orders"]["subscribers"]["billing"]["tableName"]
    del stack.outputs["reconciliation"]

    run = smoke_cli(stack.write_outputs(tmp_path / "outputs.json"))

    assert run.code == 2
    for key in ("alarmNamePrefix", "orders.subscribers.billing.tableName", "reconciliation"):
        assert key in run.err
    assert rows(stack.outputs["shipments"]["eventsTableName"]) == []


def test_a_plain_http_api_url_is_bad_input(stack: Stack, tmp_path: Path) -> None:
    outputs = stack.write_outputs(tmp_path / "outputs.json")
    run = smoke_cli(outputs, "--api-url", "http://tracking.example.org/health")
    assert run.code == 2
    assert "--api-url must be an https:// URL" in run.err


def test_no_credentials_is_bad_input_and_sends_nothing(
    stack: Stack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outputs = stack.write_outputs(tmp_path / "outputs.json")
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")

    run = smoke_cli(outputs)

    assert run.code == 2
    assert "credentials" in run.err.lower()


def test_timeouts_must_be_positive(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        run_cli("smoke", "--stack-outputs", "x.json", "--timeout", "0")
    assert exited.value.code == 2
    assert "must be positive" in capsys.readouterr().err


# The real HTTPS getter against a local server with its own certificate.


@pytest.fixture
def https_server(tmp_path: Path) -> Iterator[tuple[str, ssl.SSLContext]]:
    """A local HTTPS server for `localhost` (200 on /health, 503 elsewhere) and a client
    context that trusts its certificate."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )

    class Health(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200 if self.path == "/health" else 503)
            self.end_headers()

        def log_message(self, *_: Any) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Health)
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(cert_file, key_file)
    server.socket = server_context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield (
            f"https://localhost:{server.server_address[1]}",
            ssl.create_default_context(cafile=str(cert_file)),
        )
    finally:
        server.shutdown()
        server.server_close()


def test_https_status_verifies_the_certificate(https_server: tuple[str, ssl.SSLContext]) -> None:
    base, trusting = https_server

    assert smoke.https_status(f"{base}/health", 5, trusting) == 200
    assert smoke.https_status(f"{base}/other", 5, trusting) == 503
    # Not trusted by the system's CAs: the default context refuses it.
    with pytest.raises(OSError) as refused:
        smoke.https_status(f"{base}/health", 5)
    assert isinstance(getattr(refused.value, "reason", None), ssl.SSLCertVerificationError)


def test_a_certificate_that_does_not_verify_fails_the_api_check_with_the_fix(
    stack: Stack, tmp_path: Path, https_server: tuple[str, ssl.SSLContext]
) -> None:
    base, _ = https_server
    run = smoke_cli(
        stack.write_outputs(tmp_path / "outputs.json"),
        "--timeout", "0.5", "--api-url", f"{base}/health",
        health=smoke.https_status,
    )  # fmt: skip

    assert run.code == 1
    api = next(line for line in run.out.splitlines() if " tracking-api " in line)
    assert api.startswith("FAIL") and "CERTIFICATE_VERIFY_FAILED" in api
    assert "pass --api-url https://<domain>" in api


def test_ctrl_c_while_waiting_removes_what_arrived_and_names_what_may_still_arrive(
    stack: Stack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = aws.client

    def interrupting(service: str, **kwargs: Any) -> Any:
        made = real(service, **kwargs)
        if service == "dynamodb":

            def found(parsed: dict[str, Any], **_: Any) -> None:
                if "Item" in parsed:  # the first record arrived: Ctrl-C now
                    raise KeyboardInterrupt

            made.meta.events.register("after-call.dynamodb.GetItem", found)
        return made

    monkeypatch.setattr("tools.ops.cli.client", interrupting)
    # Only the shipment consumer runs, so the order records never arrive.
    with consuming(stack, skip=tuple(SUBSCRIBERS)):
        run = smoke_cli(stack.write_outputs(tmp_path / "outputs.json"), "--timeout", "30")

    assert run.code == 130
    assert "interrupted" in run.err
    for table in stack.tables:
        assert rows(table) == [], table
    shipments, orders = run.out.splitlines()
    assert shipments.startswith("shipments: test records removed")
    assert orders.startswith("orders: test records removed; a record that arrives later stays:")
    for subscriber in SUBSCRIBERS:
        assert f"{PREFIX}order-{subscriber}" in orders
