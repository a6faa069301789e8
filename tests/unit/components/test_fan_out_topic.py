"""FanOutTopic under the SDK mocks: resource graph, exact policies, key policies, validation."""

from __future__ import annotations

import json
from typing import Any

import pytest

from components.core.context import PlatformContext
from components.core.errors import ComponentArgumentsError
from components.core.kms import KeyUse, key_policy
from components.messaging.fan_out_topic import (
    FanOutTopic,
    FanOutTopicArgs,
    Publisher,
    SubscriberSpec,
    topic_policy,
)
from components.messaging.sns_filter_policy import FilterPolicyScope
from tests.unit.components.managed_policies import managed_policy
from tools.preview.program import ProgramRun, RegisteredResource, run_in_mocks

ACCOUNT = "123456789012"
TOPIC_ARN = f"arn:aws:sns:us-east-1:{ACCOUNT}:aws-platform-dev-orders-3d55424c"
RULE_ARN = f"arn:aws:events:us-east-1:{ACCOUNT}:rule/bus/shipments"
QUEUE_ARN = f"arn:aws:sqs:us-east-1:{ACCOUNT}:aws-platform-dev-orders-{{}}"
# Physical names carry a hash of the owning component's path (components.core.naming).
QUEUE_NAMES = {
    "inventory": "inventory-b22a6c09",
    "billing": "billing-d3b34ca9",
    "audit": "audit-89d3a130",
}
DELIVERY_DLQ_NAMES = {
    "inventory": "aws-platform-dev-orders-inventory-delivery-dlq-45fd999a",
    "billing": "aws-platform-dev-orders-billing-delivery-dlq-ed9e3427",
    "audit": "aws-platform-dev-orders-audit-delivery-dlq-b798fc35",
}
SUBSCRIBERS = [
    SubscriberSpec(name="inventory", filter_policy={"eventType": ["order_placed", "cancelled"]}),
    SubscriberSpec(
        name="billing",
        filter_policy={"order": {"amount": [{"numeric": [">", 100]}]}},
        filter_policy_scope=FilterPolicyScope.MESSAGE_BODY,
        raw_message_delivery=False,
    ),
    SubscriberSpec(name="audit"),
]
PUBLISHERS = [
    Publisher(principal=ACCOUNT),
    Publisher(principal=f"arn:aws:iam::{ACCOUNT}:role/order-service"),
    Publisher(principal="events.amazonaws.com", source_arns=[RULE_ARN]),
]
SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"
TAGGABLE = {
    "aws:sns/topic:Topic",
    "aws:iam/policy:Policy",
    "aws:sqs/queue:Queue",
    "aws:kms/key:Key",
    "aws:iam/role:Role",
    "aws:cloudwatch/logGroup:LogGroup",
    "aws:cloudwatch/metricAlarm:MetricAlarm",
}


def _run(**overrides: Any) -> ProgramRun:
    values: dict[str, Any] = {"subscribers": SUBSCRIBERS, "publishers": PUBLISHERS}
    values.update(overrides)

    def program() -> None:
        FanOutTopic("orders", PlatformContext.for_tests("dev"), FanOutTopicArgs(**values))

    return run_in_mocks(program)


@pytest.fixture(scope="module")
def run() -> ProgramRun:
    return _run()


def _one(run: ProgramRun, type_: str, name: str) -> RegisteredResource:
    (found,) = [r for r in run.of_type(type_) if r.name == name]
    return found


def _policy(resource: RegisteredResource) -> dict[str, Any]:
    return json.loads(resource.inputs["policy"])


def test_every_child_descends_from_the_component_and_carries_its_name(run: ProgramRun) -> None:
    component = _one(run, "platform:messaging:FanOutTopic", "orders")
    by_urn = {r.urn: r for r in run.resources}
    for resource in run.resources:
        if resource.type in ("pulumi:pulumi:Stack", "platform:messaging:FanOutTopic"):
            continue
        assert resource.name.startswith("orders-"), resource.name
        parent = resource.parent
        while parent is not None and parent != component.urn:
            parent = by_urn[parent].parent
        assert parent == component.urn, resource.name


def test_every_taggable_child_has_the_required_tags(run: ProgramRun) -> None:
    required = PlatformContext.for_tests("dev").tags
    taggable = [r for r in run.resources if r.type in TAGGABLE]
    assert len(taggable) > 20
    for resource in taggable:
        assert required.items() <= resource.inputs["tags"].items(), resource.name


def test_resource_counts(run: ProgramRun) -> None:
    counts = {t: len(run.of_type(t)) for t in TAGGABLE}
    assert counts == {
        "aws:sns/topic:Topic": 1,
        # per subscriber: queue + its DLQ (QueueWithDeadLetter) + the subscription DLQ
        "aws:sqs/queue:Queue": 9,
        # topic key and one subscriber key shared by all subscriber queues
        "aws:kms/key:Key": 2,
        "aws:iam/role:Role": 1,
        "aws:iam/policy:Policy": 1,
        "aws:cloudwatch/logGroup:LogGroup": 2,
        # 3 per QueueWithDeadLetter, 1 per subscription DLQ, 1 failed notifications
        "aws:cloudwatch/metricAlarm:MetricAlarm": 3 * 3 + 3 + 1,
    }
    assert len(run.of_type("aws:sns/topicSubscription:TopicSubscription")) == 3
    assert len(run.of_type("platform:messaging:QueueWithDeadLetter")) == 3


def test_topic_is_encrypted_with_its_own_key_and_logs_sqs_delivery_status(
    run: ProgramRun,
) -> None:
    topic = _one(run, "aws:sns/topic:Topic", "orders-topic")
    key = _one(run, "aws:kms/key:Key", "orders-topic-key")
    role = _one(run, "aws:iam/role:Role", "orders-delivery-status")
    assert topic.inputs["kmsMasterKeyId"] == key.outputs["arn"]
    assert "alias/aws/sns" not in json.dumps(topic.inputs)
    assert topic.inputs["sqsSuccessFeedbackRoleArn"] == role.outputs["arn"]
    assert topic.inputs["sqsFailureFeedbackRoleArn"] == role.outputs["arn"]
    assert topic.inputs["sqsSuccessFeedbackSampleRate"] == 100
    assert "fifoTopic" not in topic.inputs


def test_topic_policy_is_exact(run: ProgramRun) -> None:
    policy = _one(run, "aws:sns/topicPolicy:TopicPolicy", "orders-topic-policy")
    assert policy.inputs["arn"] == TOPIC_ARN
    assert _policy(policy) == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "DenyInsecureTransport",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "sns:Publish",
                "Resource": TOPIC_ARN,
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            },
            {
                "Sid": "AllowNamedPrincipalsToPublish",
                "Effect": "Allow",
                "Principal": {
                    "AWS": [
                        f"arn:aws:iam::{ACCOUNT}:role/order-service",
                        f"arn:aws:iam::{ACCOUNT}:root",
                    ]
                },
                "Action": "sns:Publish",
                "Resource": TOPIC_ARN,
            },
            {
                "Sid": "AllowEventsToPublish",
                "Effect": "Allow",
                "Principal": {"Service": "events.amazonaws.com"},
                "Action": "sns:Publish",
                "Resource": TOPIC_ARN,
                "Condition": {"ArnLike": {"aws:SourceArn": [RULE_ARN]}},
            },
        ],
    }


def test_topic_policy_without_account_publishers_has_no_account_statement() -> None:
    policy = topic_policy(TOPIC_ARN, "aws", [("cloudwatch.amazonaws.com", ["arn:a", "arn:a"])])
    assert [s["Sid"] for s in policy["Statement"]] == [
        "DenyInsecureTransport",
        "AllowCloudwatchToPublish",
    ]
    assert policy["Statement"][1]["Condition"] == {"ArnLike": {"aws:SourceArn": ["arn:a"]}}


@pytest.mark.parametrize("sub", ["inventory", "billing", "audit"])
def test_subscriber_queue_and_subscription_dlq_admit_only_this_topic(
    run: ProgramRun, sub: str
) -> None:
    for policy_name, queue_name in (
        (f"orders-{sub}-queue-policy", f"aws-platform-dev-orders-{QUEUE_NAMES[sub]}"),
        (f"orders-{sub}-delivery-dlq-policy", DELIVERY_DLQ_NAMES[sub]),
    ):
        arn = f"arn:aws:sqs:us-east-1:{ACCOUNT}:{queue_name}"
        assert _policy(_one(run, "aws:sqs/queuePolicy:QueuePolicy", policy_name)) == {
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
                    "Sid": "AllowSnsSend",
                    "Effect": "Allow",
                    "Principal": {"Service": "sns.amazonaws.com"},
                    "Action": "sqs:SendMessage",
                    "Resource": arn,
                    "Condition": {"ArnEquals": {"aws:SourceArn": [TOPIC_ARN]}},
                },
            ],
        }


def test_subscriptions_carry_the_spec_filter_policy_and_a_redrive_policy(
    run: ProgramRun,
) -> None:
    for spec in SUBSCRIBERS:
        sub = _one(
            run, "aws:sns/topicSubscription:TopicSubscription", f"orders-{spec.name}-subscription"
        )
        assert sub.inputs["topic"] == TOPIC_ARN
        assert sub.inputs["protocol"] == "sqs"
        assert sub.inputs["endpoint"] == QUEUE_ARN.format(QUEUE_NAMES[spec.name])
        assert sub.inputs["rawMessageDelivery"] is spec.raw_message_delivery
        assert json.loads(sub.inputs["redrivePolicy"]) == {
            "deadLetterTargetArn": (
                f"arn:aws:sqs:us-east-1:{ACCOUNT}:{DELIVERY_DLQ_NAMES[spec.name]}"
            )
        }
        if spec.filter_policy is None:
            assert "filterPolicy" not in sub.inputs
            assert "filterPolicyScope" not in sub.inputs
        else:
            assert json.loads(sub.inputs["filterPolicy"]) == spec.filter_policy
            assert sub.inputs["filterPolicyScope"] == str(spec.filter_policy_scope)


def test_subscriber_queues_share_one_key_that_admits_sns(run: ProgramRun) -> None:
    key = _one(run, "aws:kms/key:Key", "orders-subscriber-key")
    queues = [q for q in run.of_type("aws:sqs/queue:Queue")]
    assert {q.inputs["kmsMasterKeyId"] for q in queues} == {key.outputs["arn"]}
    policy = _policy(key)
    assert policy == key_policy(
        ACCOUNT, "us-east-1", "aws", {KeyUse.SQS, KeyUse.SQS_FROM_SNS}, dns_suffix="amazonaws.com"
    )
    sns = [s for s in policy["Statement"] if s.get("Principal") == {"Service": "sns.amazonaws.com"}]
    assert sns[0]["Action"] == [
        "kms:Decrypt",
        "kms:GenerateDataKey",
        "kms:GenerateDataKeyPair",
        "kms:GenerateDataKeyPairWithoutPlaintext",
        "kms:GenerateDataKeyWithoutPlaintext",
    ]


def test_topic_key_admits_the_service_publishers_and_log_encryption(run: ProgramRun) -> None:
    key = _one(run, "aws:kms/key:Key", "orders-topic-key")
    assert _policy(key) == key_policy(
        ACCOUNT,
        "us-east-1",
        "aws",
        {KeyUse.SNS, KeyUse.LOGS, KeyUse.SNS_FROM_EVENTS},
        dns_suffix="amazonaws.com",
    )


def test_delivery_status_role_writes_only_its_two_log_groups(run: ProgramRun) -> None:
    role = _one(run, "aws:iam/role:Role", "orders-delivery-status")
    assert json.loads(role.inputs["assumeRolePolicy"]) == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "sns.amazonaws.com"},
                "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}},
            }
        ],
    }
    groups = {g.name: g for g in run.of_type("aws:cloudwatch/logGroup:LogGroup")}
    base = f"sns/us-east-1/{ACCOUNT}/aws-platform-dev-orders-3d55424c"
    assert groups["orders-delivery-success"].inputs["name"] == base
    assert groups["orders-delivery-failure"].inputs["name"] == f"{base}/Failure"
    arns = sorted(g.outputs["arn"] for g in groups.values())
    document, attachment = managed_policy(
        run,
        "orders-delivery-status-policy",
        role="orders-delivery-status",
        policy_name="aws-platform-dev-orders-7cd1e5b5-sns-logs",
        description="SNS delivery-status logs of aws-platform-dev-orders: write their log groups",
        tags=PlatformContext.for_tests("dev").tags,
    )
    assert document == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "WriteDeliveryStatusLogs",
                "Effect": "Allow",
                "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
                "Resource": sorted([*arns, *(f"{a}:*" for a in arns)]),
            }
        ],
    }
    # SNS can assume the role and write once the topic exists.
    assert attachment.urn in _one(run, "aws:sns/topic:Topic", "orders-topic").dependencies


def test_alarms(run: ProgramRun) -> None:
    alarms = {a.name: a for a in run.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")}
    failed = alarms["orders-failed-notifications"].inputs
    assert failed["namespace"] == "AWS/SNS"
    assert failed["metricName"] == "NumberOfNotificationsFailed"
    assert failed["dimensions"] == {"TopicName": "aws-platform-dev-orders-3d55424c"}
    assert failed["alarmDescription"].endswith("/docs/runbooks/fan-out.md#failed-notifications")
    for sub in ("inventory", "billing", "audit"):
        dlq = alarms[f"orders-{sub}-delivery-dlq-has-messages"].inputs
        assert dlq["metricName"] == "ApproximateNumberOfMessagesVisible"
        assert dlq["dimensions"] == {"QueueName": DELIVERY_DLQ_NAMES[sub]}
        assert f"orders-{sub}-dlq-has-messages" in alarms
        assert f"orders-{sub}-oldest-message-age" in alarms


def test_fifo_topic_makes_fifo_queues() -> None:
    run = _run(
        fifo=True,
        content_based_deduplication=True,
        subscribers=[SubscriberSpec(name="ledger")],
    )
    topic = _one(run, "aws:sns/topic:Topic", "orders-topic")
    assert topic.inputs["name"] == "aws-platform-dev-orders-9298331b.fifo"
    assert topic.inputs["fifoTopic"] is True
    assert topic.inputs["contentBasedDeduplication"] is True
    queues = run.of_type("aws:sqs/queue:Queue")
    assert len(queues) == 3
    assert all(q.inputs["fifoQueue"] is True and q.inputs["name"].endswith(".fifo") for q in queues)


def test_every_argument_problem_is_reported_at_once_naming_the_subscriber() -> None:
    with pytest.raises(ComponentArgumentsError) as error:
        _run(
            subscribers=[
                SubscriberSpec(name="inventory", filter_policy={f"k{i}": ["v"] for i in range(6)}),
                SubscriberSpec(name="inventory", filter_policy={"a": {"b": ["c"]}}),
                SubscriberSpec(name="Bad_Name"),
            ],
            publishers=[
                Publisher(principal="events.amazonaws.com"),
                Publisher(principal="s3.amazonaws.com", source_arns=["arn:aws:s3:::b"]),
                Publisher(principal="someone"),
            ],
            content_based_deduplication=True,
            delivery_status_sample_rate=101,
            tags={"Environment": "prod"},
        )
    assert error.value.problems == (
        "content_based_deduplication: only valid on a FIFO topic (set fifo=True)",
        "delivery_status_sample_rate: must be 0..100, got 101",
        "subscribers[inventory].filter_policy: has 6 keys (k0, k1, k2, k3, k4, k5), "
        "more than SNS's limit of 5",
        "subscribers[inventory].name: duplicate subscriber name",
        "subscribers[inventory].filter_policy.a: nested objects are not allowed with filter "
        "policy scope MessageAttributes (use MessageBody)",
        "subscribers[Bad_Name].name: must be 1-40 lower-case letters, digits or '-', "
        "starting with a letter",
        "publishers[0].source_arns: a service principal needs the ARNs it publishes from "
        "(aws:SourceArn), or any resource of that service could publish",
        "publishers[1].principal: service 's3.amazonaws.com' is not supported "
        "(supported: cloudwatch.amazonaws.com, events.amazonaws.com)",
        "publishers[2].principal: must be a 12-digit account id, an IAM root/role/user ARN "
        "or a service principal, got 'someone'",
        "tags.Environment: required tag is 'dev'; a caller cannot change it to 'prod'",
    )


def test_empty_subscribers_and_publishers_are_refused() -> None:
    with pytest.raises(ComponentArgumentsError) as error:
        _run(subscribers=[], publishers=[])
    assert error.value.problems == (
        "subscribers: at least one subscriber is required",
        "publishers: at least one publisher is required",
    )
