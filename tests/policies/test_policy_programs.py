"""Small programs (raw pulumi_aws, no components) previewed with the offline preview CLI: each
broken one is caught by the right policy, on the right resource; each correct one written in an
unusual form is not reported by the policies it exercises."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.preview_in_process import run_cli

ROOT = Path(__file__).resolve().parents[2]
PROGRAMS = Path(__file__).resolve().parent / "programs"

TOPIC = "aws:sns/topic:Topic"

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
    (
        "lambda-webhook-in-env",
        "lambda-function-no-secrets-in-env",
        "aws:lambda/function:Function",
        "notifier",
    ),
    (
        "ecs-agent-docker-socket",
        "ecs-task-no-host-control-mounts",
        "aws:ecs/taskDefinition:TaskDefinition",
        "metrics-agent",
    ),
    (
        "instance-user-data-password",
        "ec2-lt-no-secrets-in-user-data",
        "aws:ec2/instance:Instance",
        "schema-loader",
    ),
    (
        "alb-listener-rule-plain-http",
        "elb-listener-rule-https-only",
        "aws:lb/listenerRule:ListenerRule",
        "legacy-api",
    ),
    ("alarm-topic-aws-managed-key", "kms-key-grants-producer-service", TOPIC, "oncall"),
    (
        "eventbridge-dlq-not-writable",
        "eventbridge-dead-letter-queue-admits-events",
        "aws:cloudwatch/eventTarget:EventTarget",
        "dispatch",
    ),
    (
        "global-table-replica-no-pitr",
        "dynamodb-table-point-in-time-recovery",
        "aws:dynamodb/table:Table",
        "orders",
    ),
    (
        "ssm-plain-database-password",
        "ssm-parameter-secrets-are-secure-strings",
        "aws:ssm/parameter:Parameter",
        "reporting-db-password",
    ),
    (
        "sg-rdp-over-udp",
        "ec2-sg-no-public-admin-ports",
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
        "desktops-rdp-udp",
    ),
    (
        "names-lambda-alias-by-arn",
        "physical-names-unique",
        "aws:lambda/alias:Alias",
        "worker-release-live",
    ),
    (
        "alarm-ecs-cluster-arn-dimension",
        "cloudwatch-alarm-metric-exists",
        "aws:cloudwatch/metricAlarm:MetricAlarm",
        "cluster-cpu",
    ),
    # key policies and prod protection
    (
        "prod-bucket-beside-protected-component",
        "prod-stateful-resources-protected",
        "aws:s3/bucketV2:BucketV2",
        "order-exports",
    ),
    (
        "keys-log-group-global-logs-principal",
        "kms-key-policy-fits-integrations",
        "aws:kms/key:Key",
        "audit-logs",
    ),
    (
        "keys-queue-key-deny-cancels-sns",
        "kms-key-grants-producer-service",
        "aws:kms/key:Key",
        "fanout-key",
    ),
]

# Correct programs in unusual forms, and the policies that must stay silent on them.
CORRECT = [
    (
        "correct-unusual-forms",
        (
            "elb-listener-https-only",
            "elb-listener-rule-https-only",
            "elb-listener-tls-policy",
            "elb-listener-acm-certificate",
            "elb-target-group-health-check",
            "ec2-sg-no-public-ingress",
            "ec2-sg-no-public-admin-ports",
            "iam-role-trust-policy-restricted",
            "lambda-function-no-secrets-in-env",
            "ecs-task-no-secrets-in-environment",
            "ecs-task-no-dangerous-capabilities",
            "ecs-task-no-host-control-mounts",
            "dynamodb-table-point-in-time-recovery",
            "dynamodb-table-customer-managed-key",
            "required-tags",
        ),
    ),
    ("names-correct-scopes", ("physical-names-unique",)),
    ("alarm-correct-forms", ("cloudwatch-alarm-metric-exists",)),
    # key policies and prod protection
    (
        "keys-correct-unusual-key-policies",
        (
            "kms-key-policy-fits-integrations",
            "kms-key-grants-producer-service",
            "kms-key-policy-no-public-principal",
            "prod-stateful-resources-protected",
        ),
    ),
]


def test_every_program_folder_is_expected() -> None:
    from tests.policies.test_policy_semantics_programs import PROGRAMS as SEMANTICS

    assert sorted(p.name for p in PROGRAMS.iterdir() if p.is_dir()) == sorted(
        [e[0] for e in EXPECTED] + [c[0] for c in CORRECT] + SEMANTICS
    )


CANT_RUN = "can't run policy"


def decided(violations: list[dict], policy: str) -> list[dict]:
    """The policy's verdicts: not its "can't run policy ... during preview" advisories."""
    return [v for v in violations if v["policy"] == policy and CANT_RUN not in v["message"]]


def _preview_argv(program: str) -> list[str]:
    """The program in both phases: a finding that needs values only a deployed stack has (an
    ARN inside a JSON document) fires in `update`, as it would stop `pulumi up`."""
    return ["--program", str(PROGRAMS / program), "--json", "--phase", "both"]


def _preview(program: str) -> tuple[int, dict]:
    """The CLI's run of the program, in this process with the session's pack process
    (tests/preview_in_process.py); `test_the_cli_in_its_own_process_reports_the_same` checks
    that a real `python -m tools.preview` run reports the same."""
    result = run_cli(*_preview_argv(program))
    assert result.status in (0, 1) and result.stdout, result.stderr
    return result.status, json.loads(result.stdout)


def test_the_cli_in_its_own_process_reports_the_same() -> None:
    program = "sns-sqs-no-key-grant"
    result = subprocess.run(
        [sys.executable, "-m", "tools.preview", *_preview_argv(program)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 1 and result.stdout, result.stderr
    assert (result.returncode, json.loads(result.stdout)) == _preview(program)


@pytest.mark.parametrize(
    ("program", "policy", "type_", "name"), EXPECTED, ids=[e[0] for e in EXPECTED]
)
def test_broken_program_is_caught(program: str, policy: str, type_: str, name: str) -> None:
    code, report = _preview(program)
    urn = next(r["urn"] for r in report["resources"] if r["type"] == type_ and r["name"] == name)
    hits = decided(report["violations"], policy)
    assert hits and {v["urn"] for v in hits} == {urn}, hits
    assert hits[0]["enforcement"] in ("mandatory", "advisory")
    if hits[0]["enforcement"] == "mandatory":
        assert code == 1


@pytest.mark.parametrize(("program", "policies"), CORRECT, ids=[c[0] for c in CORRECT])
def test_correct_program_is_not_flagged(program: str, policies: tuple[str, ...]) -> None:
    _, report = _preview(program)
    assert report["resources"]
    flagged = [v for policy in policies for v in decided(report["violations"], policy)]
    assert not flagged, flagged
