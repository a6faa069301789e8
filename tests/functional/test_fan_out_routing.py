"""FanOutTopic routing on moto's server: a message reaches exactly the subscribers whose filter
policies match. The subscriptions are created in moto with the very attributes the component
gives its ``aws.sns.TopicSubscription`` resources (read from a run under the SDK mocks)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from components.core.context import PlatformContext
from components.messaging.fan_out_topic import (
    FanOutTopic,
    FanOutTopicArgs,
    Publisher,
    SubscriberSpec,
)
from components.messaging.sns_filter_policy import FilterPolicyScope
from tests.handlers.moto_server import REGION, aws_environment, moto_server
from tools.preview.program import run_in_mocks

SUBSCRIBERS = [
    SubscriberSpec(name="inventory", filter_policy={"eventType": ["order_placed", "cancelled"]}),
    SubscriberSpec(
        name="billing",
        filter_policy={"order": {"amount": [{"numeric": [">", 100]}]}},
        filter_policy_scope=FilterPolicyScope.MESSAGE_BODY,
        raw_message_delivery=False,
    ),
    SubscriberSpec(
        name="priority",
        filter_policy={
            "priority": [{"numeric": [">=", 5]}],
            "region": [{"prefix": "eu-"}, {"anything-but": ["us-east-1", "us-west-2"]}],
        },
    ),
    SubscriberSpec(name="audit"),
]


def _component_subscriptions() -> dict[str, dict[str, Any]]:
    """Subscription inputs the component registers, by subscriber name."""

    def program() -> None:
        FanOutTopic(
            "orders",
            PlatformContext.for_tests("dev"),
            FanOutTopicArgs(
                subscribers=SUBSCRIBERS, publishers=[Publisher(principal="123456789012")]
            ),
        )

    run = run_in_mocks(program)
    return {
        r.name.removeprefix("orders-").removesuffix("-subscription"): r.inputs
        for r in run.of_type("aws:sns/topicSubscription:TopicSubscription")
    }


@pytest.fixture(scope="module")
def fan_out(
    monkeypatch_module: pytest.MonkeyPatch,
) -> Iterator[tuple[Any, Any, str, dict[str, str]]]:
    subscriptions = _component_subscriptions()
    assert set(subscriptions) == {s.name for s in SUBSCRIBERS}
    with moto_server() as endpoint:
        for key, value in aws_environment(endpoint).items():
            monkeypatch_module.setenv(key, value)
        sns = boto3.client("sns", region_name=REGION, endpoint_url=endpoint)
        sqs = boto3.client("sqs", region_name=REGION, endpoint_url=endpoint)
        topic_arn = sns.create_topic(Name="orders")["TopicArn"]
        queue_urls: dict[str, str] = {}
        for name, inputs in subscriptions.items():
            url = sqs.create_queue(QueueName=name)["QueueUrl"]
            arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
                "QueueArn"
            ]
            attributes = {"RawMessageDelivery": str(inputs["rawMessageDelivery"]).lower()}
            if "filterPolicy" in inputs:
                attributes["FilterPolicy"] = inputs["filterPolicy"]
                attributes["FilterPolicyScope"] = inputs["filterPolicyScope"]
            sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=arn, Attributes=attributes)
            queue_urls[name] = url
        yield sns, sqs, topic_arn, queue_urls


@pytest.fixture(scope="module")
def monkeypatch_module() -> Iterator[pytest.MonkeyPatch]:
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def _drain(sqs: Any, queue_urls: dict[str, str]) -> dict[str, list[str]]:
    received: dict[str, list[str]] = {}
    for name, url in queue_urls.items():
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        for message in messages:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        received[name] = [m["Body"] for m in messages]
    return received


def _attributes(**values: str | int) -> dict[str, dict[str, str]]:
    return {
        key: (
            {"DataType": "Number", "StringValue": str(value)}
            if isinstance(value, int)
            else {"DataType": "String", "StringValue": value}
        )
        for key, value in values.items()
    }


@pytest.mark.parametrize(
    ("attributes", "amount", "expected"),
    [
        ({"eventType": "order_placed"}, 50, {"inventory", "audit"}),
        ({"eventType": "order_shipped"}, 500, {"billing", "audit"}),
        ({"eventType": "cancelled"}, 150, {"inventory", "billing", "audit"}),
        ({"eventType": "x", "priority": 7, "region": "eu-west-1"}, 1, {"priority", "audit"}),
        ({"eventType": "x", "priority": 7, "region": "ap-south-1"}, 1, {"priority", "audit"}),
        ({"eventType": "x", "priority": 7, "region": "us-east-1"}, 1, {"audit"}),
        ({"eventType": "x", "priority": 2, "region": "eu-west-1"}, 1, {"audit"}),
    ],
)
def test_message_reaches_exactly_the_matching_subscribers(
    fan_out: tuple[Any, Any, str, dict[str, str]],
    attributes: dict[str, str | int],
    amount: int,
    expected: set[str],
) -> None:
    sns, sqs, topic_arn, queue_urls = fan_out
    body = json.dumps({"order": {"id": "o-1", "amount": amount}})
    sns.publish(TopicArn=topic_arn, Message=body, MessageAttributes=_attributes(**attributes))
    received = _drain(sqs, queue_urls)
    assert {name for name, bodies in received.items() if bodies} == expected
    assert all(len(bodies) <= 1 for bodies in received.values())
    for name in expected:
        (delivered,) = received[name]
        spec = next(s for s in SUBSCRIBERS if s.name == name)
        if spec.raw_message_delivery:
            assert delivered == body
        else:
            assert json.loads(delivered)["Message"] == body
