"""Invariants that hold over every resource of every stack, whatever components it contains.

Each invariant is a function returning its problems (empty when it holds); the stack tests
assert none, and the `doctored` tests prove each one reports a broken resource.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from typing import Any

import pytest
from stacklib import CONFIG_NAMESPACE, by_output, descendants, output, stack_file_config, stack_run

from policies.lib.taggable import is_taggable
from tools.preview.program import ProgramRun, RegisteredResource

QUEUE = "aws:sqs/queue:Queue"
KEY = "aws:kms/key:Key"
ALIAS = "aws:kms/alias:Alias"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
FUNCTION = "aws:lambda/function:Function"
ALARM_TYPES = (
    "aws:cloudwatch/metricAlarm:MetricAlarm",
    "aws:cloudwatch/compositeAlarm:CompositeAlarm",
)
ALARM_TOPICS = "platform:observability:AlarmTopics"
MANAGED_BY = "pulumi"

Problems = dict[str, Any]


def expected_tags(stack: str, project: str) -> dict[str, str]:
    """The required tags with this stack's values: the stack file's, the project's name, and
    the stack file's `extraTags`."""
    config = stack_file_config(stack)

    def value(key: str) -> str:
        return str(config[f"{CONFIG_NAMESPACE}:{key}"])

    extra_raw = config.get(f"{CONFIG_NAMESPACE}:extraTags")
    extra = json.loads(extra_raw) if isinstance(extra_raw, str) else dict(extra_raw or {})
    return {
        **extra,
        "Environment": value("environment"),
        "Project": project,
        "Owner": value("owner"),
        "CostCenter": value("costCenter"),
        "DataClassification": value("dataClassification"),
        "ManagedBy": MANAGED_BY,
    }


# ---- the invariants ---------------------------------------------------------------------------


def tag_map(tags: Any) -> dict[str, Any]:
    """Tags as a dict; Auto Scaling groups take a list of `{key, value, propagateAtLaunch}`."""
    if isinstance(tags, list):
        return {t.get("key"): t.get("value") for t in tags if isinstance(t, dict)}
    return dict(tags or {})


def tag_problems(run: ProgramRun, wanted: dict[str, str]) -> Problems:
    """Taggable resources (the pack's own list, generated from pulumi_aws) whose tags miss or
    change a required tag."""
    problems: Problems = {}
    for resource in run.resources:
        if not (resource.custom and is_taggable(resource.type)):
            continue
        tags = tag_map(resource.inputs.get("tags"))
        wrong = {k: tags.get(k) for k, v in wanted.items() if tags.get(k) != v}
        if wrong:
            problems[resource.urn] = wrong
    return problems


def alarm_topic_arns(run: ProgramRun) -> set[str]:
    arns = {
        output(topic, "arn")
        for component in run.of_type(ALARM_TOPICS)
        for topic in descendants(run, component.urn)
        if topic.type == "aws:sns/topic:Topic"
    }
    return {arn for arn in arns if arn}


def alarm_action_problems(run: ProgramRun) -> Problems:
    """Alarms without an alarm action, or with an action (alarm, OK, insufficient data) that is
    not an alarm topic of the stack."""
    allowed = alarm_topic_arns(run)
    problems: Problems = {}
    for alarm in (a for t in ALARM_TYPES for a in run.of_type(t)):
        if not alarm.inputs.get("alarmActions"):
            problems[alarm.urn] = "no alarm action"
        foreign = [
            action
            for field in ("alarmActions", "okActions", "insufficientDataActions")
            for action in alarm.inputs.get(field) or []
            if action not in allowed
        ]
        if foreign:
            problems[alarm.urn] = foreign
    return problems


def stack_key_identifiers(run: ProgramRun) -> set[str]:
    """Every way a resource can name a KMS key created in this run: ARN, key id, alias."""
    identifiers: set[str] = set()
    for key in run.of_type(KEY):
        identifiers |= {output(key, "arn"), output(key, "keyId")}
    for alias in run.of_type(ALIAS):
        if output(alias, "targetKeyId") in identifiers:
            identifiers |= {output(alias, "name"), output(alias, "arn")}
    return {i for i in identifiers if i}


def queue_key_problems(run: ProgramRun) -> Problems:
    """Queues not encrypted with a customer-managed key created in the stack."""
    keys = stack_key_identifiers(run)
    return {
        q.urn: q.inputs.get("kmsMasterKeyId")
        for q in run.of_type(QUEUE)
        if q.inputs.get("kmsMasterKeyId") not in keys
    }


def redrive_target(queue: RegisteredResource, run: ProgramRun) -> str | None:
    """The DLQ ARN of a queue: its own redrivePolicy, or an `aws:sqs/redrivePolicy` resource."""
    policies = [queue.inputs.get("redrivePolicy")] + [
        p.inputs.get("redrivePolicy")
        for p in run.of_type("aws:sqs/redrivePolicy:RedrivePolicy")
        if p.inputs.get("queueUrl") == output(queue, "url")
    ]
    for policy in policies:
        if policy:
            document: dict[str, Any] = json.loads(policy) if isinstance(policy, str) else policy
            return str(document.get("deadLetterTargetArn") or "") or None
    return None


def delivery_dlq_arns(run: ProgramRun) -> set[str]:
    """Queues that SNS subscriptions, EventBridge targets and event buses park undeliverable
    messages in."""
    arns: set[str] = set()
    for subscription in run.of_type("aws:sns/topicSubscription:TopicSubscription"):
        policy = subscription.inputs.get("redrivePolicy")
        if policy:
            arns.add(json.loads(policy).get("deadLetterTargetArn"))
    for target in run.of_type("aws:cloudwatch/eventTarget:EventTarget"):
        arns.add((target.inputs.get("deadLetterConfig") or {}).get("arn"))
    for bus in run.of_type("aws:cloudwatch/eventBus:EventBus"):
        arns.add((bus.inputs.get("deadLetterConfig") or {}).get("arn"))
    return arns


def queue_redrive_problems(run: ProgramRun) -> Problems:
    """Queues that redrive to a queue outside the stack, or neither redrive nor are a DLQ
    (of a queue, an SNS subscription or an EventBridge target) of the stack."""
    queues = by_output(run, QUEUE, "arn")
    redrive = {arn: redrive_target(queue, run) for arn, queue in queues.items()}
    dead_letter_queues = {dlq for dlq in redrive.values() if dlq} | delivery_dlq_arns(run)
    problems: Problems = {}
    for arn, dlq in redrive.items():
        if dlq and dlq not in queues:
            problems[queues[arn].urn] = f"redrives to {dlq}, not a queue of the stack"
        elif not dlq and arn not in dead_letter_queues:
            problems[queues[arn].urn] = "no redrive policy and not a dead-letter queue"
    return problems


def function_log_problems(run: ProgramRun) -> Problems:
    """Functions whose log group is not in the stack or keeps logs forever."""
    groups = by_output(run, LOG_GROUP, "name")
    problems: Problems = {}
    for function in run.of_type(FUNCTION):
        name = (function.inputs.get("loggingConfig") or {}).get("logGroup") or (
            f"/aws/lambda/{output(function, 'name')}"
        )
        group = groups.get(name)
        retention = group.inputs.get("retentionInDays") if group else None
        if group is None:
            problems[function.urn] = f"no log group {name} in the stack"
        elif not isinstance(retention, int) or retention <= 0:
            problems[function.urn] = f"log group {name} has no retention ({retention!r})"
    return problems


def log_group_key_problems(run: ProgramRun) -> Problems:
    """Log groups not encrypted with a key created in the stack."""
    keys = stack_key_identifiers(run)
    return {
        g.urn: g.inputs.get("kmsKeyId")
        for g in run.of_type(LOG_GROUP)
        if g.inputs.get("kmsKeyId") not in keys
    }


# The input that holds each type's physical name: AWS refuses a second resource of the type with
# the same name in one account and Region (KMS CreateAlias: AlreadyExistsException), or worse,
# treats it as an update of the first (CloudWatch PutMetricAlarm, IAM PutRolePolicy).
PHYSICAL_NAME_INPUTS: dict[str, str] = {
    ALIAS: "name",
    ALARM_TYPES[0]: "name",
    ALARM_TYPES[1]: "alarmName",
    QUEUE: "name",
    "aws:sns/topic:Topic": "name",
    "aws:dynamodb/table:Table": "name",
    FUNCTION: "name",
    "aws:iam/role:Role": "name",
    "aws:iam/policy:Policy": "name",
    "aws:iam/instanceProfile:InstanceProfile": "name",
    LOG_GROUP: "name",
    "aws:cloudwatch/eventBus:EventBus": "name",
    "aws:cloudwatch/eventRule:EventRule": "name",
    "aws:cloudwatch/eventArchive:EventArchive": "name",
    "aws:lb/loadBalancer:LoadBalancer": "name",
    "aws:lb/targetGroup:TargetGroup": "name",
    "aws:ecs/cluster:Cluster": "name",
    "aws:ecs/service:Service": "name",
    "aws:ec2/securityGroup:SecurityGroup": "name",  # unique per VPC; one VPC per stack here
    "aws:ec2/launchTemplate:LaunchTemplate": "name",
    "aws:autoscaling/group:Group": "name",
    "aws:cloudwatch/dashboard:Dashboard": "dashboardName",
}


def physical_name_problems(run: ProgramRun) -> Problems:
    """Resources of one type that share a physical name (every URN after the first)."""
    seen: dict[tuple[str, str], str] = {}
    problems: Problems = {}
    for resource in run.resources:
        field = PHYSICAL_NAME_INPUTS.get(resource.type)
        name = resource.inputs.get(field) if field else None
        if not isinstance(name, str):
            continue
        first = seen.setdefault((resource.type, name), resource.urn)
        if first != resource.urn:
            problems[resource.urn] = f"{name} is already the name of {first}"
    return problems


# ---- every stack holds them -------------------------------------------------------------------


def test_every_taggable_resource_carries_the_stacks_required_tags(
    stack: str, run: ProgramRun, project_name: str
) -> None:
    wanted = expected_tags(stack, project_name)
    assert sum(1 for r in run.resources if r.custom and is_taggable(r.type)) > 20
    assert tag_problems(run, wanted) == {}, f"expected {wanted}"


def test_alarm_topic_outputs_are_the_alarm_topics(run: ProgramRun) -> None:
    topics = alarm_topic_arns(run)
    assert topics
    assert set(run.stack_outputs["alarmTopicArns"].values()) == topics


def test_every_alarm_notifies_only_the_stacks_alarm_topics(run: ProgramRun) -> None:
    assert any(run.of_type(t) for t in ALARM_TYPES)
    assert alarm_action_problems(run) == {}


def test_every_queue_is_encrypted_with_a_key_created_in_the_stack(run: ProgramRun) -> None:
    assert run.of_type(QUEUE)
    assert queue_key_problems(run) == {}


def test_every_queue_has_a_dead_letter_queue_in_the_stack_or_is_one(run: ProgramRun) -> None:
    assert any(redrive_target(q, run) for q in run.of_type(QUEUE))
    assert queue_redrive_problems(run) == {}


def test_every_function_logs_to_a_log_group_of_the_stack_with_retention(
    run: ProgramRun,
) -> None:
    assert run.of_type(FUNCTION)
    assert function_log_problems(run) == {}


def test_no_two_resources_of_a_type_share_a_physical_name(run: ProgramRun) -> None:
    named = [r for r in run.resources if r.inputs.get(PHYSICAL_NAME_INPUTS.get(r.type, ""))]
    assert {r.type for r in named} >= {ALIAS, QUEUE, FUNCTION, LOG_GROUP, *ALARM_TYPES}
    assert physical_name_problems(run) == {}


def test_every_log_group_is_encrypted_with_a_key_of_the_stack(run: ProgramRun) -> None:
    assert run.of_type(LOG_GROUP)
    assert log_group_key_problems(run) == {}


# ---- each invariant reports a broken resource -------------------------------------------------


def doctored_resource(
    run: ProgramRun, target: RegisteredResource, **changes: Any
) -> tuple[ProgramRun, str]:
    """`run` with `target` given other inputs (None drops one); also returns its URN."""
    inputs = {k: v for k, v in {**target.inputs, **changes}.items() if v is not None}
    changed = dataclasses.replace(target, inputs=inputs)
    resources = [changed if r is target else r for r in run.resources]
    return dataclasses.replace(run, resources=resources), target.urn


def doctored(run: ProgramRun, type_token: str, **changes: Any) -> tuple[ProgramRun, str]:
    """`run` with the first resource of `type_token` given other inputs."""
    return doctored_resource(run, run.of_type(type_token)[0], **changes)


FOREIGN_TOPIC = "arn:aws:sns:us-east-1:999999999999:somebody-elses-topic"
FOREIGN_KEY = "arn:aws:kms:us-east-1:999999999999:key/00000000-0000-0000-0000-000000000000"

BROKEN: list[tuple[str, str, dict[str, Any], Callable[[ProgramRun], Problems]]] = [
    ("alarm without action", ALARM_TYPES[0], {"alarmActions": None}, alarm_action_problems),
    (
        "alarm to a foreign topic",
        ALARM_TYPES[1],
        {"okActions": [FOREIGN_TOPIC]},
        alarm_action_problems,
    ),
    ("queue under AWS-managed key", QUEUE, {"kmsMasterKeyId": "alias/aws/sqs"}, queue_key_problems),
    ("unencrypted queue", QUEUE, {"kmsMasterKeyId": None}, queue_key_problems),
    ("log group without key", LOG_GROUP, {"kmsKeyId": FOREIGN_KEY}, log_group_key_problems),
]


@pytest.mark.parametrize(
    ("type_token", "changes", "check"),
    [case[1:] for case in BROKEN],
    ids=[case[0] for case in BROKEN],
)
def test_invariant_reports_a_broken_resource(
    type_token: str, changes: dict[str, Any], check: Callable[[ProgramRun], Problems]
) -> None:
    broken, urn = doctored(stack_run("dev"), type_token, **changes)
    assert list(check(broken)) == [urn]


def test_tag_invariant_reports_a_changed_required_tag(project_name: str) -> None:
    run = stack_run("dev")
    wanted = expected_tags("dev", project_name)
    first = next(r for r in run.resources if r.custom and is_taggable(r.type))
    broken, urn = doctored(run, first.type, tags={**first.inputs["tags"], "Environment": "prod"})
    assert tag_problems(broken, wanted) == {urn: {"Environment": "prod"}}


def test_redrive_invariant_reports_a_queue_that_is_neither_redriven_nor_a_dlq() -> None:
    """Dropping a queue's redrive policy leaves the queue, and its former DLQ, unaccounted."""
    run = stack_run("dev")
    redriven = next(q for q in run.of_type(QUEUE) if q.inputs.get("redrivePolicy"))
    dlq = by_output(run, QUEUE, "arn")[redrive_target(redriven, run)]
    broken, urn = doctored_resource(run, redriven, redrivePolicy=None)
    orphan = "no redrive policy and not a dead-letter queue"
    assert queue_redrive_problems(broken) == {urn: orphan, dlq.urn: orphan}


def test_redrive_invariant_reports_a_dlq_outside_the_stack() -> None:
    run = stack_run("dev")
    redriven = next(q for q in run.of_type(QUEUE) if q.inputs.get("redrivePolicy"))
    elsewhere = "arn:aws:sqs:us-east-1:999999999999:elsewhere-dlq"
    policy = json.dumps({"deadLetterTargetArn": elsewhere, "maxReceiveCount": 3})
    broken, urn = doctored_resource(run, redriven, redrivePolicy=policy)
    assert queue_redrive_problems(broken)[urn] == (
        f"redrives to {elsewhere}, not a queue of the stack"
    )


def test_function_log_invariant_reports_a_log_group_without_retention() -> None:
    run = stack_run("dev")
    function = run.of_type(FUNCTION)[0]
    group_name = function.inputs["loggingConfig"]["logGroup"]
    group = by_output(run, LOG_GROUP, "name")[group_name]
    broken, _ = doctored_resource(run, group, retentionInDays=None)
    assert function_log_problems(broken) == {
        function.urn: f"log group {group_name} has no retention (None)"
    }


def test_physical_name_invariant_reports_a_second_alias_of_the_same_name() -> None:
    run = stack_run("dev")
    first, second = run.of_type(ALIAS)[:2]
    broken, urn = doctored_resource(run, second, name=first.inputs["name"])
    assert physical_name_problems(broken) == {
        urn: f"{first.inputs['name']} is already the name of {first.urn}"
    }
