"""Builders the cases share: IAM policy documents, the statements the linked-stack cases grant
or deny, and a metric alarm on the common alerts topic."""

from __future__ import annotations

import json

from tests.policies.harness import out, res

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
ALERTS_TOPIC = res("aws:sns/topic:Topic", "alerts", {})
ALERTS_ARN = out(ALERTS_TOPIC, "arn")


def doc(*statements: dict) -> str:
    """A policy document (JSON) of `statements`."""
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def tls_deny(service: str, arn: str) -> dict:
    """The statement that refuses `service` requests on `arn` without TLS."""
    return {
        "Effect": "Deny",
        "Principal": "*",
        "Action": f"{service}:*",
        "Resource": arn,
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def send_from(service: str, queue_arn: str, source_arn: str | None) -> dict:
    """A queue-policy grant of sqs:SendMessage to `service`, scoped to `source_arn` if given."""
    statement: dict = {
        "Effect": "Allow",
        "Principal": {"Service": service},
        "Action": "sqs:SendMessage",
        "Resource": queue_arn,
    }
    if source_arn:
        statement["Condition"] = {"ArnEquals": {"aws:SourceArn": source_arn}}
    return statement


def key_policy(*services: str) -> str:
    """A key policy for the account's root plus GenerateDataKey*/Decrypt for each service."""
    statements = [
        {
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
            "Action": "kms:*",
            "Resource": "*",
        }
    ]
    for service in services:
        statements.append(
            {
                "Effect": "Allow",
                "Principal": {"Service": service},
                "Action": ["kms:GenerateDataKey*", "kms:Decrypt"],
                "Resource": "*",
            }
        )
    return doc(*statements)


def alarm(
    name: str,
    namespace: str,
    metric: str,
    dimension: str,
    value: str,
    actions: list[str] | None = None,
) -> object:
    """A metric alarm on one dimension, notifying the alerts topic unless `actions` are given."""
    return res(
        ALARM,
        name,
        {
            "namespace": namespace,
            "metricName": metric,
            "dimensions": {dimension: value},
            "comparisonOperator": "GreaterThanThreshold",
            "threshold": 0,
            "evaluationPeriods": 1,
            "period": 60,
            "statistic": "Sum",
            "alarmActions": actions if actions is not None else [ALERTS_ARN],
        },
    )
