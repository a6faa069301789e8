"""AlarmTopics under the SDK mocks: one encrypted topic per severity, exact topic policy,
subscriptions with a delivery dead-letter queue, validation."""

import json

import pytest

from components.core.alarms import AlarmSpec, Severity, create_alarm
from components.core.context import PlatformContext
from components.core.errors import ComponentArgumentsError
from components.core.kms import KeyUse, key_policy
from components.observability.alarm_topics import AlarmSubscription, AlarmTopics, AlarmTopicsArgs
from tests.unit.components.managed_policies import managed_policy
from tools.preview.program import run_in_mocks

SPEC = AlarmSpec(
    metric_name="ApproximateNumberOfMessagesVisible",
    namespace="AWS/SQS",
    dimensions={"QueueName": "orders-dlq"},
    statistic="Maximum",
    period_seconds=60,
    evaluation_periods=1,
    threshold=0,
    comparison="GreaterThanThreshold",
    treat_missing_data="notBreaching",
    severity=Severity.P1,
    runbook_page="dlq",
    runbook_anchor="dlq-has-messages",
    description="The orders DLQ holds messages.",
)

# Physical names carry a hash of the owning component's path (components.core.naming).
TOPIC_HASHES = {
    "alarms-p1": "9b68aa99",
    "alarms-p2": "7b31d6a9",
    "alarms-p3": "30e50189",
    "alarms-p4": "94e7136e",
}


def _topics(args: AlarmTopicsArgs):
    def program() -> None:
        AlarmTopics("alarms", PlatformContext.for_tests("prod"), args)

    return run_in_mocks(program, stack="prod")


def test_alarm_topics_one_encrypted_topic_per_severity_with_its_own_key():
    run = _topics(
        AlarmTopicsArgs(
            subscriptions=[
                AlarmSubscription(protocol="email", endpoint="oncall@example.com"),
                AlarmSubscription(
                    protocol="https",
                    endpoint="https://pager.example.com/hook",
                    severities={Severity.P1, Severity.P2},
                ),
            ]
        )
    )
    component = run.of_type("platform:observability:AlarmTopics")[0]
    topics = {t.name: t for t in run.of_type("aws:sns/topic:Topic")}
    keys = {k.name: k for k in run.of_type("aws:kms/key:Key") if "delivery" not in k.name}
    assert sorted(topics) == ["alarms-p1", "alarms-p2", "alarms-p3", "alarms-p4"]
    assert sorted(keys) == [f"{t}-key" for t in sorted(topics)]
    key_arns = {k.outputs["arn"] for k in keys.values()}
    assert {t.inputs["kmsMasterKeyId"] for t in topics.values()} == key_arns
    assert len(key_arns) == 4
    for topic in topics.values():
        assert topic.parent == component.urn
        assert topic.inputs["name"] == f"aws-platform-prod-{topic.name}-{TOPIC_HASHES[topic.name]}"
    for key in keys.values():
        # The HTTPS-subscribed topics' keys also encrypt their delivery-status log groups.
        logged = key.name in ("alarms-p1-key", "alarms-p2-key")
        assert json.loads(key.inputs["policy"]) == key_policy(
            "123456789012",
            "us-east-1",
            "aws",
            {KeyUse.SNS_FROM_CLOUDWATCH, KeyUse.LOGS} if logged else {KeyUse.SNS_FROM_CLOUDWATCH},
            dns_suffix="amazonaws.com",
        )
        assert key.inputs["deletionWindowInDays"] == 30
    subscriptions = sorted(
        (s.name, s.inputs["protocol"])
        for s in run.of_type("aws:sns/topicSubscription:TopicSubscription")
    )
    assert subscriptions == [
        ("alarms-p1-email-0", "email"),
        ("alarms-p1-https-1", "https"),
        ("alarms-p2-email-0", "email"),
        ("alarms-p2-https-1", "https"),
        ("alarms-p3-email-0", "email"),
        ("alarms-p4-email-0", "email"),
    ]


def test_alarm_topic_policy_admits_cloudwatch_and_the_account_and_denies_plain_http():
    run = _topics(AlarmTopicsArgs())
    policy = run.named("alarms-p1-policy")
    arn = "arn:aws:sns:us-east-1:123456789012:aws-platform-prod-alarms-p1-9b68aa99"
    assert policy.inputs["arn"] == arn
    assert json.loads(policy.inputs["policy"]) == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AllowCloudWatchAlarms",
                "Effect": "Allow",
                "Principal": {"Service": ["cloudwatch.amazonaws.com"]},
                "Action": ["sns:Publish"],
                "Resource": [arn],
                "Condition": {"StringEquals": {"aws:SourceAccount": "123456789012"}},
            },
            {
                "Sid": "AllowAccount",
                "Effect": "Allow",
                "Principal": {"AWS": ["arn:aws:iam::123456789012:root"]},
                "Action": ["sns:Publish"],
                "Resource": [arn],
            },
            {
                "Sid": "DenyInsecureTransport",
                "Effect": "Deny",
                "Principal": "*",
                "Action": ["sns:Publish"],
                "Resource": [arn],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            },
        ],
    }


def test_alarm_topics_can_admit_eventbridge_on_topic_and_key():
    run = _topics(AlarmTopicsArgs(allow_eventbridge=True, severities={Severity.P1}))
    (key,) = run.of_type("aws:kms/key:Key")
    assert json.loads(key.inputs["policy"]) == key_policy(
        "123456789012",
        "us-east-1",
        "aws",
        {KeyUse.SNS_FROM_CLOUDWATCH, KeyUse.SNS_FROM_EVENTS},
        dns_suffix="amazonaws.com",
    )
    policy = json.loads(run.named("alarms-p1-policy").inputs["policy"])
    assert [s["Sid"] for s in policy["Statement"]] == [
        "AllowCloudWatchAlarms",
        "AllowAccount",
        "AllowEventBridgeRules",
        "DenyInsecureTransport",
    ]


def test_alarm_topics_arguments_are_validated_together():
    args = AlarmTopicsArgs(
        severities={Severity.P1},
        subscriptions=[
            AlarmSubscription(protocol="email", endpoint="nobody"),
            AlarmSubscription(protocol="https", endpoint="http://x", severities={Severity.P1}),
        ],
    )
    with pytest.raises(ComponentArgumentsError) as raised:
        AlarmTopics("alarms", PlatformContext.for_tests(), args)
    assert raised.value.problems == (
        "subscriptions[0].endpoint: not an email address",
        "subscriptions[0].severities: P2, P3, P4 have no topic here",
        "subscriptions[1].endpoint: needs https://",
    )


def test_alarm_topic_arns_feed_the_context():
    def program() -> None:
        context = PlatformContext.for_tests()
        topics = AlarmTopics("alarms", context, AlarmTopicsArgs())
        create_alarm("dlq", context.with_alarm_topics(topics.arns), SPEC)

    run = run_in_mocks(program)
    (alarm,) = run.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")
    assert alarm.inputs["alarmActions"] == [run.named("alarms-p1").outputs["arn"]]


def test_subscribed_topics_keep_undeliverable_notifications_in_a_delivery_dlq():
    run = _topics(
        AlarmTopicsArgs(
            subscriptions=[
                AlarmSubscription(
                    protocol="email", endpoint="oncall@example.com", severities={Severity.P1}
                )
            ]
        )
    )
    (subscription,) = run.of_type("aws:sns/topicSubscription:TopicSubscription")
    (queue,) = run.of_type("aws:sqs/queue:Queue")
    assert queue.name == "alarms-p1-delivery-dlq"
    assert json.loads(subscription.inputs["redrivePolicy"]) == {
        "deadLetterTargetArn": queue.outputs["arn"]
    }
    (dlq_key,) = [k for k in run.of_type("aws:kms/key:Key") if "delivery" in k.name]
    assert queue.inputs["kmsMasterKeyId"] == dlq_key.outputs["arn"]
    assert json.loads(dlq_key.inputs["policy"]) == key_policy(
        "123456789012",
        "us-east-1",
        "aws",
        {KeyUse.SQS, KeyUse.SQS_FROM_SNS},
        dns_suffix="amazonaws.com",
    )
    policy = json.loads(run.named("alarms-p1-delivery-dlq-policy").inputs["policy"])
    (allow,) = [s for s in policy["Statement"] if s["Effect"] == "Allow"]
    assert allow["Principal"] == {"Service": "sns.amazonaws.com"}
    assert allow["Condition"] == {
        "ArnEquals": {"aws:SourceArn": [run.named("alarms-p1").outputs["arn"]]}
    }


def test_topics_without_subscribers_have_no_delivery_dlq():
    run = _topics(AlarmTopicsArgs())
    assert run.of_type("aws:sqs/queue:Queue") == []


def test_delivery_dlq_alarm_notifies_the_alarm_topics():
    run = _topics(
        AlarmTopicsArgs(subscriptions=[AlarmSubscription(protocol="email", endpoint="a@b.co")])
    )
    alarm = run.named("alarms-p1-delivery-dlq-has-messages")
    assert alarm.inputs["alarmActions"] == [run.named("alarms-p2").outputs["arn"]]


AUTOSCALING_ROLE = (
    "arn:aws:iam::123456789012:role/aws-service-role/autoscaling.amazonaws.com/"
    "AWSServiceRoleForAutoScaling"
)
FEEDBACK = (
    "httpSuccessFeedbackRoleArn",
    "httpFailureFeedbackRoleArn",
    "httpSuccessFeedbackSampleRate",
)


def _email_and_pager() -> AlarmTopicsArgs:
    return AlarmTopicsArgs(
        subscriptions=[
            AlarmSubscription(protocol="email", endpoint="oncall@example.com"),
            AlarmSubscription(
                protocol="https",
                endpoint="https://pager.example.com/hook",
                severities={Severity.P1, Severity.P2},
            ),
        ]
    )


def test_https_subscribed_topics_log_http_delivery_status_to_encrypted_groups():
    run = _topics(_email_and_pager())
    (role,) = run.of_type("aws:iam/role:Role")
    assert role.name == "alarms-delivery-status"
    for severity in ("p1", "p2"):
        topic = run.named(f"alarms-{severity}")
        assert {k: topic.inputs[k] for k in FEEDBACK} == {
            "httpSuccessFeedbackRoleArn": role.outputs["arn"],
            "httpFailureFeedbackRoleArn": role.outputs["arn"],
            "httpSuccessFeedbackSampleRate": 100,
        }
        assert run.named("alarms-delivery-status-policy-attachment").urn in topic.dependencies
    # Email-only topics: SNS has no delivery-status logging for email.
    for severity in ("p3", "p4"):
        assert not set(FEEDBACK) & set(run.named(f"alarms-{severity}").inputs)
    base = "sns/us-east-1/123456789012/aws-platform-prod-alarms"
    p1, p2 = f"{base}-p1-{TOPIC_HASHES['alarms-p1']}", f"{base}-p2-{TOPIC_HASHES['alarms-p2']}"
    groups = {
        g.name: (g.inputs["name"], g.inputs["kmsKeyId"], g.inputs["retentionInDays"])
        for g in run.of_type("aws:cloudwatch/logGroup:LogGroup")
    }
    keys = {k.name: k.outputs["arn"] for k in run.of_type("aws:kms/key:Key")}
    p1_key, p2_key = keys["alarms-p1-key"], keys["alarms-p2-key"]
    assert groups == {
        "alarms-p1-delivery-success": (p1, p1_key, 365),
        "alarms-p1-delivery-failure": (f"{p1}/Failure", p1_key, 365),
        "alarms-p2-delivery-success": (p2, p2_key, 365),
        "alarms-p2-delivery-failure": (f"{p2}/Failure", p2_key, 365),
    }
    document, _ = managed_policy(
        run,
        "alarms-delivery-status-policy",
        role="alarms-delivery-status",
        policy_name="aws-platform-prod-alarms-cd4701d1-sns-logs",
        description="SNS delivery-status logs of aws-platform-prod-alarms: write their log groups",
        tags=PlatformContext.for_tests("prod").tags,
    )
    arns = [g.outputs["arn"] for g in run.of_type("aws:cloudwatch/logGroup:LogGroup")]
    assert document["Statement"] == [
        {
            "Sid": "WriteDeliveryStatusLogs",
            "Effect": "Allow",
            "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": sorted([*arns, *(f"{a}:*" for a in arns)]),
        }
    ]


def test_email_only_topics_create_no_delivery_status_logging():
    run = _topics(
        AlarmTopicsArgs(subscriptions=[AlarmSubscription(protocol="email", endpoint="a@b.co")])
    )
    assert run.of_type("aws:iam/role:Role") == []
    assert run.of_type("aws:iam/policy:Policy") == []
    assert run.of_type("aws:cloudwatch/logGroup:LogGroup") == []
    for topic in run.of_type("aws:sns/topic:Topic"):
        assert not set(FEEDBACK) & set(topic.inputs), topic.name


def test_allow_autoscaling_admits_the_service_linked_role_on_every_key():
    run = _topics(AlarmTopicsArgs(allow_autoscaling=True))
    keys = run.of_type("aws:kms/key:Key")
    assert len(keys) == 4
    for key in keys:
        statements = json.loads(key.inputs["policy"])["Statement"]
        assert statements[-1] == {
            "Sid": "AllowAutoScalingToPublishToEncryptedTopics",
            "Effect": "Allow",
            "Principal": {"AWS": AUTOSCALING_ROLE},
            "Action": [
                "kms:Decrypt",
                "kms:GenerateDataKey",
                "kms:GenerateDataKeyPair",
                "kms:GenerateDataKeyPairWithoutPlaintext",
                "kms:GenerateDataKeyWithoutPlaintext",
            ],
            "Resource": "*",
            "Condition": {"StringEquals": {"kms:ViaService": "sns.us-east-1.amazonaws.com"}},
        }
        assert [s["Sid"] for s in statements] == [
            "EnableAccountRootAndIamPolicies",
            "AllowCloudWatchAlarmsToPublishToEncryptedTopics",
            "AllowAutoScalingToPublishToEncryptedTopics",
        ]
    # The role publishes as an account principal, which the topic policy already admits.
    policy = json.loads(run.named("alarms-p3-policy").inputs["policy"])
    assert [s["Sid"] for s in policy["Statement"]] == [
        "AllowCloudWatchAlarms",
        "AllowAccount",
        "DenyInsecureTransport",
    ]


def test_keys_do_not_admit_autoscaling_unless_asked():
    run = _topics(AlarmTopicsArgs())
    for key in run.of_type("aws:kms/key:Key"):
        assert "AWSServiceRoleForAutoScaling" not in key.inputs["policy"]


def test_from_settings_passes_allow_autoscaling():
    settings = PlatformContext.for_tests(alarm_email="oncall@example.com").settings
    assert AlarmTopicsArgs.from_settings(settings).allow_autoscaling is False
    args = AlarmTopicsArgs.from_settings(settings, allow_autoscaling=True)
    assert args.allow_autoscaling is True
    assert args.subscriptions == (
        AlarmSubscription(protocol="email", endpoint="oncall@example.com"),
    )
