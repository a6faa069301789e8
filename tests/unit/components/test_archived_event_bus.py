"""ArchivedEventBus under the SDK mocks: graph, exact policies, targets, alarms, validation."""

from __future__ import annotations

import json
from typing import Any

import pytest

from components.core.context import PlatformContext
from components.core.errors import ComponentArgumentsError
from components.core.kms import KeyUse, key_policy
from components.events.archived_event_bus import (
    ArchivedEventBus,
    ArchivedEventBusArgs,
    InputTransformer,
    ManagedQueueTarget,
    RetryPolicy,
    RuleSpec,
    TargetKind,
    TargetSpec,
)
from tests.unit.components.managed_policies import managed_policy
from tools.preview.program import ProgramRun, RegisteredResource, run_in_mocks

ACCOUNT = "123456789012"
BUS = "aws-platform-dev-shipments-25e800e9"
BUS_ARN = f"arn:aws:events:us-east-1:{ACCOUNT}:event-bus/{BUS}"
FUNCTION_ARN = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:notify"
OTHER_BUS_ARN = f"arn:aws:events:us-east-1:{ACCOUNT}:event-bus/analytics"
PATTERN = {"source": ["shipments"], "detail-type": ["ShipmentDelivered"]}
RULES = [
    RuleSpec(
        name="delivered",
        event_pattern=PATTERN,
        managed_queues=[ManagedQueueTarget(name="tracking")],
        targets=[
            TargetSpec(
                name="notify",
                kind=TargetKind.LAMBDA,
                arn=FUNCTION_ARN,
                input_transformer=InputTransformer(
                    input_paths={"id": "$.detail.shipment_id"},
                    input_template='{"shipment": <id>}',
                ),
                retry=RetryPolicy(maximum_event_age_seconds=600, maximum_retry_attempts=2),
            ),
            TargetSpec(name="forward", kind=TargetKind.EVENT_BUS, arn=OTHER_BUS_ARN),
        ],
    ),
]
TAGGABLE = {
    "aws:cloudwatch/eventBus:EventBus",
    "aws:cloudwatch/eventRule:EventRule",
    "aws:sqs/queue:Queue",
    "aws:kms/key:Key",
    "aws:iam/role:Role",
    "aws:cloudwatch/metricAlarm:MetricAlarm",
}


def _run(**overrides: Any) -> ProgramRun:
    values: dict[str, Any] = {"rules": RULES}
    values.update(overrides)
    environment = values.pop("environment", "dev")

    def program() -> None:
        context = PlatformContext.for_tests(environment)
        ArchivedEventBus("shipments", context, ArchivedEventBusArgs(**values))

    return run_in_mocks(program)


@pytest.fixture(scope="module")
def run() -> ProgramRun:
    return _run()


def _one(run: ProgramRun, type_: str, name: str) -> RegisteredResource:
    (found,) = [r for r in run.of_type(type_) if r.name == name]
    return found


def _policy(resource: RegisteredResource) -> dict[str, Any]:
    return json.loads(resource.inputs["policy"])


def test_every_child_descends_from_the_component_and_is_tagged(run: ProgramRun) -> None:
    component = _one(run, "platform:events:ArchivedEventBus", "shipments")
    by_urn = {r.urn: r for r in run.resources}
    required = PlatformContext.for_tests("dev").tags
    for resource in run.resources:
        if resource.type in ("pulumi:pulumi:Stack", "platform:events:ArchivedEventBus"):
            continue
        assert resource.name.startswith("shipments-"), resource.name
        parent = resource.parent
        while parent is not None and parent != component.urn:
            parent = by_urn[parent].parent
        assert parent == component.urn, resource.name
        if resource.type in TAGGABLE:
            assert required.items() <= resource.inputs["tags"].items(), resource.name


def test_bus_and_archive_are_encrypted_with_the_bus_key(run: ProgramRun) -> None:
    key = _one(run, "aws:kms/key:Key", "shipments-bus-key")
    bus = _one(run, "aws:cloudwatch/eventBus:EventBus", "shipments-bus")
    archive = _one(run, "aws:cloudwatch/eventArchive:EventArchive", "shipments-archive")
    assert bus.inputs["name"] == BUS
    assert bus.inputs["kmsKeyIdentifier"] == key.outputs["arn"]
    assert archive.inputs["kmsKeyIdentifier"] == key.outputs["arn"]
    assert archive.inputs["eventSourceArn"] == BUS_ARN
    assert archive.inputs["retentionDays"] == 7  # the dev tier
    assert "eventPattern" not in archive.inputs
    assert _policy(key) == key_policy(
        ACCOUNT,
        "us-east-1",
        "aws",
        {KeyUse.EVENTS_BUS, KeyUse.EVENTS_ARCHIVE},
        dns_suffix="amazonaws.com",
    )
    sids = [statement["Sid"] for statement in _policy(key)["Statement"]]
    assert "AllowEventBridgeToDescribeKey" in sids
    assert "AllowEventBridgeToEncryptArchives" in sids


def test_a_bus_without_archive_gets_no_archive_grant() -> None:
    key = _one(_run(archive=False), "aws:kms/key:Key", "shipments-bus-key")
    sids = [statement["Sid"] for statement in _policy(key)["Statement"]]
    assert "AllowEventBridgeToDescribeKey" in sids
    assert "AllowEventBridgeToEncryptArchives" not in sids


def test_the_bus_parks_events_it_cannot_encrypt_in_its_own_dlq(run: ProgramRun) -> None:
    bus = _one(run, "aws:cloudwatch/eventBus:EventBus", "shipments-bus")
    dlq = _one(run, "aws:sqs/queue:Queue", "shipments-bus-dlq")
    queue_key = _one(run, "aws:kms/key:Key", "shipments-queue-key")
    assert bus.inputs["deadLetterConfig"] == {"arn": dlq.outputs["arn"]}
    assert dlq.inputs["kmsMasterKeyId"] == queue_key.outputs["arn"]
    policy = _policy(_one(run, "aws:sqs/queuePolicy:QueuePolicy", "shipments-bus-dlq-policy"))
    allow = [s for s in policy["Statement"] if s["Effect"] == "Allow"]
    assert allow == [
        {
            "Sid": "AllowEventsSend",
            "Effect": "Allow",
            "Principal": {"Service": "events.amazonaws.com"},
            "Action": "sqs:SendMessage",
            "Resource": dlq.outputs["arn"],
            "Condition": {"ArnEquals": {"aws:SourceArn": [BUS_ARN]}},
        }
    ]
    alarms = {a.name for a in run.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")}
    assert "shipments-bus-dlq-has-messages" in alarms


def test_archive_retention_follows_the_tier_and_the_caller() -> None:
    assert _archive(_run(environment="prod")).inputs["retentionDays"] == 90
    assert _archive(_run(retention_days=30)).inputs["retentionDays"] == 30
    indefinite = _run(retention_days=0, allow_indefinite_retention=True)
    assert _archive(indefinite).inputs["retentionDays"] == 0
    assert _run(archive=False).of_type("aws:cloudwatch/eventArchive:EventArchive") == []


def _archive(run: ProgramRun) -> RegisteredResource:
    return _one(run, "aws:cloudwatch/eventArchive:EventArchive", "shipments-archive")


def test_bus_policy_admits_only_the_listed_publishers() -> None:
    run = _run(allowed_publishers=["210987654321", f"arn:aws:iam::{ACCOUNT}:role/publisher"])
    policy = _one(run, "aws:cloudwatch/eventBusPolicy:EventBusPolicy", "shipments-bus-policy")
    assert policy.inputs["eventBusName"] == BUS
    assert _policy(policy) == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AllowNamedPublishersToPutEvents",
                "Effect": "Allow",
                "Principal": {
                    "AWS": [
                        f"arn:aws:iam::{ACCOUNT}:role/publisher",
                        "arn:aws:iam::210987654321:root",
                    ]
                },
                "Action": "events:PutEvents",
                "Resource": BUS_ARN,
            }
        ],
    }


def test_bus_policy_defaults_to_the_own_account(run: ProgramRun) -> None:
    policy = _one(run, "aws:cloudwatch/eventBusPolicy:EventBusPolicy", "shipments-bus-policy")
    statement = _policy(policy)["Statement"][0]
    assert statement["Principal"] == {"AWS": [f"arn:aws:iam::{ACCOUNT}:root"]}


def test_rule_carries_the_spec_pattern(run: ProgramRun) -> None:
    rule = _one(run, "aws:cloudwatch/eventRule:EventRule", "shipments-delivered-rule")
    assert rule.inputs["eventBusName"] == BUS
    assert json.loads(rule.inputs["eventPattern"]) == PATTERN
    assert rule.inputs["eventPattern"] == RULES[0].event_pattern_json()


def _rule_arn(run: ProgramRun) -> str:
    rule = _one(run, "aws:cloudwatch/eventRule:EventRule", "shipments-delivered-rule")
    arn: str = rule.outputs["arn"]
    return arn


@pytest.mark.parametrize("target", ["tracking", "notify", "forward"])
def test_each_target_retries_then_dead_letters_to_its_own_dlq(run: ProgramRun, target: str) -> None:
    resource = _one(
        run, "aws:cloudwatch/eventTarget:EventTarget", f"shipments-delivered-{target}-target"
    )
    dlq = _one(run, "aws:sqs/queue:Queue", f"shipments-delivered-{target}-target-dlq")
    assert resource.inputs["deadLetterConfig"] == {"arn": dlq.outputs["arn"]}
    expected_retry = (
        {"maximumEventAgeInSeconds": 600, "maximumRetryAttempts": 2}
        if target == "notify"
        else {"maximumEventAgeInSeconds": 3600, "maximumRetryAttempts": 3}
    )
    assert resource.inputs["retryPolicy"] == expected_retry
    key = _one(run, "aws:kms/key:Key", "shipments-queue-key")
    assert dlq.inputs["kmsMasterKeyId"] == key.outputs["arn"]
    policy = _one(
        run, "aws:sqs/queuePolicy:QueuePolicy", f"shipments-delivered-{target}-target-dlq-policy"
    )
    arn = dlq.outputs["arn"]
    assert _policy(policy) == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "DenyInsecureTransport",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "sqs:*",
                "Resource": arn,
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            },
            {
                "Sid": "AllowEventsSend",
                "Effect": "Allow",
                "Principal": {"Service": "events.amazonaws.com"},
                "Action": "sqs:SendMessage",
                "Resource": arn,
                "Condition": {"ArnEquals": {"aws:SourceArn": [_rule_arn(run)]}},
            },
        ],
    }


def test_queue_key_admits_eventbridge(run: ProgramRun) -> None:
    key = _one(run, "aws:kms/key:Key", "shipments-queue-key")
    assert _policy(key) == key_policy(
        ACCOUNT,
        "us-east-1",
        "aws",
        {KeyUse.SQS, KeyUse.SQS_FROM_EVENTS},
        dns_suffix="amazonaws.com",
    )


def test_managed_queue_admits_only_the_rule(run: ProgramRun) -> None:
    queue = _one(run, "aws:sqs/queue:Queue", "shipments-delivered-tracking-queue")
    target = _one(
        run, "aws:cloudwatch/eventTarget:EventTarget", "shipments-delivered-tracking-target"
    )
    assert target.inputs["arn"] == queue.outputs["arn"]
    policy = _policy(
        _one(run, "aws:sqs/queuePolicy:QueuePolicy", "shipments-delivered-tracking-queue-policy")
    )
    assert policy["Statement"][1] == {
        "Sid": "AllowEventsSend",
        "Effect": "Allow",
        "Principal": {"Service": "events.amazonaws.com"},
        "Action": "sqs:SendMessage",
        "Resource": queue.outputs["arn"],
        "Condition": {"ArnEquals": {"aws:SourceArn": [_rule_arn(run)]}},
    }


def test_lambda_target_gets_a_permission_scoped_to_the_rule(run: ProgramRun) -> None:
    permission = _one(run, "aws:lambda/permission:Permission", "shipments-delivered-notify-invoke")
    assert permission.inputs == {
        "action": "lambda:InvokeFunction",
        "function": FUNCTION_ARN,
        "principal": "events.amazonaws.com",
        "sourceArn": _rule_arn(run),
    }
    target = _one(
        run, "aws:cloudwatch/eventTarget:EventTarget", "shipments-delivered-notify-target"
    )
    assert target.inputs["inputTransformer"] == {
        "inputPaths": {"id": "$.detail.shipment_id"},
        "inputTemplate": '{"shipment": <id>}',
    }


def test_bus_target_gets_a_role_that_may_only_put_events_on_that_bus(run: ProgramRun) -> None:
    role = _one(run, "aws:iam/role:Role", "shipments-delivered-forward-role")
    target = _one(
        run, "aws:cloudwatch/eventTarget:EventTarget", "shipments-delivered-forward-target"
    )
    assert target.inputs["roleArn"] == role.outputs["arn"]
    assert json.loads(role.inputs["assumeRolePolicy"])["Statement"] == [
        {
            "Effect": "Allow",
            "Principal": {"Service": "events.amazonaws.com"},
            "Action": "sts:AssumeRole",
            "Condition": {
                "StringEquals": {"aws:SourceAccount": ACCOUNT},
                "ArnEquals": {"aws:SourceArn": _rule_arn(run)},
            },
        }
    ]
    document, attachment = managed_policy(
        run,
        "shipments-delivered-forward-put-events",
        role="shipments-delivered-forward-role",
        policy_name="aws-platform-dev-shipments-delivered-forward-c1653f23",
        description="EventBridge rule shipments-delivered forwards to bus forward",
        tags=PlatformContext.for_tests("dev").tags,
    )
    assert target.dependencies and attachment.urn in target.dependencies
    assert document == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "PutEventsOnTargetBus",
                "Effect": "Allow",
                "Action": "events:PutEvents",
                "Resource": OTHER_BUS_ARN,
            }
        ],
    }


def test_rule_alarms_link_the_replay_runbook(run: ProgramRun) -> None:
    alarms = {a.name: a.inputs for a in run.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")}
    expected = {
        "failed-invocations": ("FailedInvocations", "failed-invocations"),
        "sent-to-dlq": ("InvocationsSentToDlq", "failed-invocations"),
        "dlq-delivery-failed": ("InvocationsFailedToBeSentToDlq", "dlq-delivery-failures"),
        "throttled": ("ThrottledRules", "throttled-rules"),
    }
    rule_name = "aws-platform-dev-shipments-delivered-54348bdc"
    for suffix, (metric, anchor) in expected.items():
        alarm = alarms[f"shipments-delivered-{suffix}"]
        assert alarm["namespace"] == "AWS/Events"
        assert alarm["metricName"] == metric
        # A custom bus's rule metrics carry both dimensions (EventBridge eb-monitoring).
        assert alarm["dimensions"] == {"RuleName": rule_name, "EventBusName": BUS}
        assert alarm["alarmDescription"].endswith(f"/docs/runbooks/replay.md#{anchor}")
    for target in ("tracking", "notify", "forward"):
        assert f"shipments-delivered-{target}-target-dlq-has-messages" in alarms


def test_managed_queue_names_are_unique_across_rules() -> None:
    rule = RuleSpec(
        name="a", event_pattern=PATTERN, managed_queues=[ManagedQueueTarget(name="tracking")]
    )
    other = RuleSpec(
        name="b", event_pattern=PATTERN, managed_queues=[ManagedQueueTarget(name="tracking")]
    )
    with pytest.raises(ComponentArgumentsError) as error:
        _run(rules=[rule, other])
    assert error.value.problems == (
        "rules[b].targets[tracking].name: managed queue names must be unique across the bus "
        "(managed_queues is keyed by them)",
    )


def test_every_argument_problem_is_reported_at_once() -> None:
    with pytest.raises(ComponentArgumentsError) as error:
        _run(
            retention_days=0,
            allowed_publishers=["nobody"],
            tags={"Environment": "prod"},
            rules=[
                RuleSpec(name="all", event_pattern={"source": [{"prefix": ""}]}),
                RuleSpec(
                    name="all",
                    event_pattern={"detail": {"x": [{"regex": "y"}]}},
                    targets=[
                        TargetSpec(
                            name="q",
                            kind=TargetKind.SQS,
                            arn="arn:aws:sqs:us-east-1:123456789012:q",
                            retry=RetryPolicy(
                                maximum_event_age_seconds=10, maximum_retry_attempts=200
                            ),
                            input_transformer=InputTransformer(
                                input_paths={"id": "detail.id"}, input_template="{}"
                            ),
                        )
                    ],
                    managed_queues=[ManagedQueueTarget(name="q", fifo=True)],
                ),
            ],
        )
    assert error.value.problems == (
        "retention_days: 0 keeps events forever; set allow_indefinite_retention=True to mean it",
        "allowed_publishers[0]: must be a 12-digit account id or an IAM root/role/user ARN, "
        "got 'nobody'",
        "rules[all].event_pattern: matches every event (catch-all); constrain at least one "
        "field, e.g. source or detail-type",
        "rules[all]: needs 1..5 targets (targets + managed_queues), got 0",
        "rules[all].name: duplicate rule name",
        "rules[all].event_pattern.detail.x[0]: unknown operator 'regex' (EventBridge supports "
        "anything-but, cidr, equals-ignore-case, exists, numeric, prefix, suffix, wildcard)",
        "rules[all].targets[q].retry.maximum_event_age_seconds: must be 60..86400, got 10",
        "rules[all].targets[q].retry.maximum_retry_attempts: must be 0..185, got 200",
        "rules[all].targets[q].input_transformer.input_paths[id]: must be a JSON path "
        "starting with $",
        "rules[all].targets[q].input_transformer.input_paths[id]: not used in input_template",
        "rules[all].targets[q].name: duplicate target name in the rule",
        "rules[all].targets[q].message_group_id: required for a FIFO queue and only for one",
        "tags.Environment: required tag is 'dev'; a caller cannot change it to 'prod'",
    )
