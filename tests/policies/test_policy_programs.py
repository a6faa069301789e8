"""Small broken programs (raw pulumi_aws, no components) previewed with the offline preview CLI:
each is caught by the right policy, on the right resource, as a mandatory violation."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROGRAMS = Path(__file__).resolve().parent / "programs"

EXPECTED = [
    ("unencrypted-queue", "sqs-queue-encrypted", "aws:sqs/queue:Queue", "plain"),
    (
        "sns-sqs-no-key-grant",
        "kms-key-grants-producer-service",
        "aws:kms/key:Key",
        "queue-key",
    ),
    ("queue-without-dlq", "sqs-queue-has-dead-letter-queue", "aws:sqs/queue:Queue", "work"),
    (
        "lambda-without-error-alarm",
        "lambda-function-error-alarm",
        "aws:lambda/function:Function",
        "worker",
    ),
    (
        "visibility-timeout-too-short",
        "sqs-visibility-timeout-covers-consumer",
        "aws:sqs/queue:Queue",
        "jobs",
    ),
    (
        "bus-without-archive",
        "eventbridge-bus-has-archive",
        "aws:cloudwatch/eventBus:EventBus",
        "shipments",
    ),
    (
        "wildcard-iam-policy-document",
        "lambda-role-least-privilege",
        "aws:lambda/function:Function",
        "handler",
    ),
    ("kms-key-without-rotation", "kms-key-rotation-enabled", "aws:kms/key:Key", "unrotated"),
    (
        "duplicate-physical-names",
        "physical-names-unique",
        "aws:kms/alias:Alias",
        "order-billing-queue-alias",
    ),
    (
        "table-throttle-alarm-without-operation",
        "cloudwatch-alarm-metric-exists",
        "aws:cloudwatch/metricAlarm:MetricAlarm",
        "throttles",
    ),
    (
        "custom-bus-rule-alarm-without-bus",
        "cloudwatch-alarm-metric-exists",
        "aws:cloudwatch/metricAlarm:MetricAlarm",
        "throttled",
    ),
]


def test_every_program_folder_is_expected() -> None:
    from tests.policies.test_policy_semantics_programs import PROGRAMS as SEMANTICS

    assert sorted(p.name for p in PROGRAMS.iterdir() if p.is_dir()) == sorted(
        [e[0] for e in EXPECTED] + SEMANTICS
    )


def _preview(program: str) -> tuple[int, dict]:
    result = subprocess.run(
        [sys.executable, "-m", "tools.preview", "--program", str(PROGRAMS / program), "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode in (0, 1) and result.stdout, result.stderr
    return result.returncode, json.loads(result.stdout)


@pytest.mark.parametrize(
    ("program", "policy", "type_", "name"), EXPECTED, ids=[e[0] for e in EXPECTED]
)
def test_broken_program_is_caught(program: str, policy: str, type_: str, name: str) -> None:
    code, report = _preview(program)
    urn = next(r["urn"] for r in report["resources"] if r["type"] == type_ and r["name"] == name)
    hits = [v for v in report["violations"] if v["policy"] == policy]
    assert [v["urn"] for v in hits] == [urn], hits
    assert hits[0]["enforcement"] in ("mandatory", "advisory")
    if hits[0]["enforcement"] == "mandatory":
        assert code == 1
