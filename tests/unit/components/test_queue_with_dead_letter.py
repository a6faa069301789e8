"""QueueWithDeadLetter under the SDK mocks: graph, settings, exact policies, alarms, errors."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest

from components.core.context import PlatformContext
from components.core.errors import ComponentArgumentsError
from components.core.kms import CustomerManagedKey, KeyUse
from components.messaging.queue_with_dead_letter import (
    QueueProducer,
    QueueWithDeadLetter,
    QueueWithDeadLetterArgs,
    queue_policy,
)
from tools.preview.program import ProgramRun, RegisteredResource, run_in_mocks

ACCOUNT = "123456789012"
TOPIC_ARN = f"arn:aws:sns:us-east-1:{ACCOUNT}:orders"
RULE_ARN = f"arn:aws:events:us-east-1:{ACCOUNT}:rule/bus/shipments"
QUEUE_ARN = f"arn:aws:sqs:us-east-1:{ACCOUNT}:aws-platform-dev-orders-79f1a9a8"
DLQ_ARN = f"arn:aws:sqs:us-east-1:{ACCOUNT}:aws-platform-dev-orders-93389a1a-dlq"
COMPONENT = "platform:messaging:QueueWithDeadLetter"
QUEUE = "aws:sqs/queue:Queue"
QUEUE_POLICY = "aws:sqs/queuePolicy:QueuePolicy"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
TLS_DENY = {
    "Sid": "DenyInsecureTransport",
    "Effect": "Deny",
    "Principal": "*",
    "Action": "sqs:*",
    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
}


def _run(environment: str = "dev", **values: Any) -> ProgramRun:
    def program() -> None:
        QueueWithDeadLetter(
            "orders", PlatformContext.for_tests(environment), QueueWithDeadLetterArgs(**values)
        )

    return run_in_mocks(program)


def _policy(run: ProgramRun, name: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(run.named(name).inputs["policy"])
    return document


def test_graph_types_counts_and_parents() -> None:
    run = _run(producers=[QueueProducer.sns_topic(TOPIC_ARN)])
    counts = Counter(r.type for r in run.resources if r.type != "pulumi:pulumi:Stack")
    assert counts == {
        COMPONENT: 1,
        "platform:security:CustomerManagedKey": 1,
        "aws:kms/key:Key": 1,
        "aws:kms/alias:Alias": 1,
        QUEUE: 2,
        QUEUE_POLICY: 2,
        "aws:sqs/redriveAllowPolicy:RedriveAllowPolicy": 1,
        ALARM: 3,
    }
    component = run.of_type(COMPONENT)[0].urn
    key = run.of_type("platform:security:CustomerManagedKey")[0].urn
    for resource in run.resources:
        if resource.type in (COMPONENT, "pulumi:pulumi:Stack"):
            continue
        expected = key if resource.type.startswith("aws:kms/") else component
        assert resource.parent == expected, resource.name
        assert resource.name.startswith("orders-")


def test_queues_defaults_from_seed_and_tier() -> None:
    run = _run(visibility_timeout_seconds=360)
    queue, dlq = run.named("orders-queue").inputs, run.named("orders-dlq").inputs
    key_arn = run.of_type("aws:kms/key:Key")[0].outputs["arn"]
    assert queue["name"] == "aws-platform-dev-orders-79f1a9a8"
    assert dlq["name"] == "aws-platform-dev-orders-93389a1a-dlq"
    assert queue["messageRetentionSeconds"] == 4 * 24 * 3600
    assert dlq["messageRetentionSeconds"] == 14 * 24 * 3600
    assert queue["receiveWaitTimeSeconds"] == dlq["receiveWaitTimeSeconds"] == 20
    assert queue["visibilityTimeoutSeconds"] == 360
    assert queue["kmsMasterKeyId"] == dlq["kmsMasterKeyId"] == key_arn
    assert "fifoQueue" not in queue and "contentBasedDeduplication" not in queue
    assert json.loads(queue["redrivePolicy"]) == {
        "deadLetterTargetArn": DLQ_ARN,
        "maxReceiveCount": 3,
    }
    allow = run.named("orders-dlq-redrive-allow").inputs
    assert json.loads(allow["redriveAllowPolicy"]) == {
        "redrivePermission": "byQueue",
        "sourceQueueArns": [QUEUE_ARN],
    }
    assert allow["queueUrl"].endswith("/aws-platform-dev-orders-93389a1a-dlq")


def test_queue_policy_admits_only_named_producers_and_denies_plain_http() -> None:
    run = _run(
        producers=[
            QueueProducer.sns_topic(TOPIC_ARN),
            QueueProducer.eventbridge_rule(RULE_ARN),
            QueueProducer.sns_topic(TOPIC_ARN),
        ]
    )
    assert _policy(run, "orders-queue-policy") == {
        "Version": "2012-10-17",
        "Statement": [
            {**TLS_DENY, "Resource": QUEUE_ARN},
            {
                "Sid": "AllowEventsSend",
                "Effect": "Allow",
                "Principal": {"Service": "events.amazonaws.com"},
                "Action": "sqs:SendMessage",
                "Resource": QUEUE_ARN,
                "Condition": {"ArnEquals": {"aws:SourceArn": [RULE_ARN]}},
            },
            {
                "Sid": "AllowSnsSend",
                "Effect": "Allow",
                "Principal": {"Service": "sns.amazonaws.com"},
                "Action": "sqs:SendMessage",
                "Resource": QUEUE_ARN,
                "Condition": {"ArnEquals": {"aws:SourceArn": [TOPIC_ARN]}},
            },
        ],
    }
    assert (
        run.named("orders-queue-policy")
        .inputs["queueUrl"]
        .endswith("/aws-platform-dev-orders-79f1a9a8")
    )


def test_dlq_policy_only_denies_plain_http() -> None:
    run = _run(producers=[QueueProducer.sns_topic(TOPIC_ARN)])
    assert _policy(run, "orders-dlq-policy") == {
        "Version": "2012-10-17",
        "Statement": [{**TLS_DENY, "Resource": DLQ_ARN}],
    }


def test_queue_without_producers_only_denies_plain_http() -> None:
    assert queue_policy(QUEUE_ARN, [])["Statement"] == [{**TLS_DENY, "Resource": QUEUE_ARN}]


def _key_principals(run: ProgramRun) -> set[str]:
    policy = json.loads(run.of_type("aws:kms/key:Key")[0].inputs["policy"])
    return {s["Principal"].get("Service", "") for s in policy["Statement"]} - {""}


def test_created_key_admits_the_producing_services() -> None:
    assert _key_principals(_run()) == set()
    assert _key_principals(_run(producers=[QueueProducer.sns_topic(TOPIC_ARN)])) == {
        "sns.amazonaws.com"
    }
    both = _run(
        producers=[QueueProducer.sns_topic(TOPIC_ARN), QueueProducer.eventbridge_rule(RULE_ARN)]
    )
    assert _key_principals(both) == {"sns.amazonaws.com", "events.amazonaws.com"}
    sids = {
        s["Sid"]
        for s in json.loads(both.of_type("aws:kms/key:Key")[0].inputs["policy"])["Statement"]
    }
    assert "AllowAccountUseThroughSqs" in sids


def test_passed_key_is_used_and_no_key_is_created() -> None:
    def program() -> None:
        context = PlatformContext.for_tests()
        key = CustomerManagedKey("shared", context, uses={KeyUse.SQS})
        QueueWithDeadLetter("orders", context, QueueWithDeadLetterArgs(kms_key=key))

    run = run_in_mocks(program)
    assert len(run.of_type("aws:kms/key:Key")) == 1
    key = run.of_type("platform:security:CustomerManagedKey")[0]
    assert key.name == "shared" and key.parent == run.stack_urn
    key_arn = run.of_type("aws:kms/key:Key")[0].outputs["arn"]
    assert {q.inputs["kmsMasterKeyId"] for q in run.of_type(QUEUE)} == {key_arn}


def test_fifo_makes_both_queues_fifo_with_dedup_only_on_the_source() -> None:
    run = _run(fifo=True, content_based_deduplication=True)
    queue, dlq = run.named("orders-queue").inputs, run.named("orders-dlq").inputs
    assert queue["name"] == "aws-platform-dev-orders-634d9c77.fifo"
    assert dlq["name"] == "aws-platform-dev-orders-786f600b-dlq.fifo"
    assert queue["fifoQueue"] is True and dlq["fifoQueue"] is True
    assert queue["contentBasedDeduplication"] is True
    assert "contentBasedDeduplication" not in dlq


def _alarms(run: ProgramRun) -> dict[str, RegisteredResource]:
    return {r.name: r for r in run.of_type(ALARM)}


def test_alarms_severity_threshold_and_runbook() -> None:
    alarms = _alarms(_run("prod"))
    dlq = alarms["orders-dlq-has-messages"].inputs
    assert dlq["metricName"] == "ApproximateNumberOfMessagesVisible"
    assert dlq["dimensions"] == {"QueueName": "aws-platform-prod-orders-6f0bf43d-dlq"}
    assert (dlq["comparisonOperator"], dlq["threshold"]) == ("GreaterThanThreshold", 0)
    assert dlq["tags"]["Severity"] == "P2"
    assert dlq["alarmDescription"].endswith("/docs/runbooks/dlq.md#dlq-has-messages")
    age = alarms["orders-oldest-message-age"].inputs
    assert age["metricName"] == "ApproximateAgeOfOldestMessage"
    assert age["dimensions"] == {"QueueName": "aws-platform-prod-orders-13dc2631"}
    assert age["threshold"] == 300  # prod tier threshold, below 80 % of 4 days
    assert age["alarmDescription"].endswith("/docs/runbooks/queue.md#oldest-message-age")
    depth = alarms["orders-queue-depth"].inputs
    assert depth["threshold"] == 500
    assert depth["tags"]["Severity"] == "P3"
    assert depth["alarmDescription"].endswith("/docs/runbooks/queue.md#queue-depth")
    assert all(a.inputs["treatMissingData"] == "notBreaching" for a in alarms.values())


def test_age_alarm_is_capped_near_a_short_retention() -> None:
    alarms = _alarms(_run(message_retention_seconds=600, dlq_retention_seconds=1200))
    assert alarms["orders-oldest-message-age"].inputs["threshold"] == 480


def test_caller_tags_reach_every_taggable_child() -> None:
    run = _run(tags={"Team": "orders"})
    tagged = [r for r in run.resources if r.type in (QUEUE, "aws:kms/key:Key", ALARM)]
    assert len(tagged) == 6
    for resource in tagged:
        assert resource.inputs["tags"]["Team"] == "orders"
        assert resource.inputs["tags"]["Environment"] == "dev"


def test_every_bad_field_is_reported_at_once() -> None:
    with pytest.raises(ComponentArgumentsError) as caught:
        _run(
            visibility_timeout_seconds=50_000,
            max_receive_count=0,
            message_retention_seconds=30,
            dlq_retention_seconds=2_000_000,
            receive_wait_time_seconds=21,
            content_based_deduplication=True,
            depth_alarm_threshold=0,
            oldest_message_age_alarm_seconds=0,
            producers=[QueueProducer.sns_topic("")],
            tags={"Environment": "prod"},
        )
    fields = [problem.split(":")[0] for problem in caught.value.problems]
    assert fields == [
        "visibility_timeout_seconds",
        "max_receive_count",
        "message_retention_seconds",
        "dlq_retention_seconds",
        "receive_wait_time_seconds",
        "content_based_deduplication",
        "depth_alarm_threshold",
        "oldest_message_age_alarm_seconds",
        "producers[0].source_arn",
        "tags.Environment",
    ]


def test_dlq_retention_must_outlast_the_source() -> None:
    with pytest.raises(ComponentArgumentsError, match="dlq_retention_seconds: must be longer"):
        _run(message_retention_seconds=86_400, dlq_retention_seconds=86_400)


def test_valid_edge_values_pass() -> None:
    run = _run(
        max_receive_count=1,
        visibility_timeout_seconds=43_200,
        message_retention_seconds=60,
        dlq_retention_seconds=1_209_600,
        receive_wait_time_seconds=0,
    )
    assert run.named("orders-queue").inputs["visibilityTimeoutSeconds"] == 43_200
