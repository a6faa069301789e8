"""Bad arguments are refused before anything is registered, in ONE ComponentArgumentsError that
names every bad field as the caller set it (a composed component included): one test per
bad-input row a newcomer found reported partly, unclearly or not at all."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from components.compute.alarmed_function import AlarmedFunctionArgs
from components.compute.alarmed_function import problems as function_problems
from components.compute.golden_ami_asg import GoldenAmiAsg, GoldenAmiAsgArgs
from components.compute.instance_types import known_instance_types
from components.containers.fargate_service import FargateService, FargateServiceArgs
from components.core.context import PlatformContext
from components.core.errors import ComponentArgumentsError
from components.events.archived_event_bus import (
    ArchivedEventBus,
    ArchivedEventBusArgs,
    ManagedQueueTarget,
    RuleSpec,
)
from components.messaging.fan_out_topic import (
    FanOutTopic,
    FanOutTopicArgs,
    Publisher,
    SubscriberSpec,
)
from components.messaging.idempotent_queue_consumer import (
    IdempotentQueueConsumer,
    IdempotentQueueConsumerArgs,
)
from tools.preview.program import run_in_mocks

HANDLER = "shipment_events.handler"
ASG = GoldenAmiAsgArgs(
    vpc_id="vpc-0abc",
    subnet_ids=["subnet-a", "subnet-b", "subnet-c"],
    ami_parameter_name="/golden/al2023/arm64",
)
FARGATE = FargateServiceArgs(
    image="123456789012.dkr.ecr.us-east-1.amazonaws.com/api@sha256:" + "a" * 64,
    vpc_id="vpc-0abc",
    vpc_cidr="10.0.0.0/16",
    private_subnet_ids=["subnet-a", "subnet-b"],
    certificate_arn="arn:aws:acm:us-east-1:123456789012:certificate/0c2b8f4e-1d3a-4b5c-9e6f-7a8b9c0d1e2f",
)


def _refused(build: Callable[[PlatformContext], object]) -> ComponentArgumentsError:
    """Run ``build`` under the mocks; return its one error after checking nothing registered."""
    errors: list[ComponentArgumentsError] = []

    def program() -> None:
        try:
            build(PlatformContext.for_tests("dev"))
        except ComponentArgumentsError as error:
            errors.append(error)

    run = run_in_mocks(program)
    assert [r.type for r in run.resources] == ["pulumi:pulumi:Stack"]
    (error,) = errors
    return error


def _fields(error: ComponentArgumentsError) -> list[str]:
    return [problem.split(": ", 1)[0] for problem in error.problems]


def _consumer(**values: Any) -> ComponentArgumentsError:
    values.setdefault("handler", HANDLER)
    return _refused(
        lambda context: IdempotentQueueConsumer(
            "shipments", context, IdempotentQueueConsumerArgs(**values)
        )
    )


def test_consumer_with_eight_bad_fields_reports_all_eight_at_once() -> None:
    """Its own fields, the queue's and the function's, in one round instead of three."""
    error = _consumer(
        batch_size=0,
        maximum_batching_window_seconds=400,
        maximum_concurrency=1,
        idempotency_expiry_seconds=0,
        message_retention_seconds=30,
        max_receive_count=0,
        memory_size_mb=64,
        reserved_concurrency=0,
    )
    assert error.component == "IdempotentQueueConsumer"
    assert sorted(_fields(error)) == [
        "batch_size",
        "idempotency_expiry_seconds",
        "max_receive_count",
        "maximum_batching_window_seconds",
        "maximum_concurrency",
        "memory_size_mb",
        "message_retention_seconds",
        "reserved_concurrency",
    ]


def test_consumer_reports_every_bad_environment_name() -> None:
    error = _consumer(environment={"AWS_REGION_X": "1", "1BAD": "x", "IDEMPOTENCY_TABLE_NAME": "t"})
    assert error.problems == (
        "environment.IDEMPOTENCY_TABLE_NAME: set by the component",
        "environment.AWS_REGION_X: reserved by the Lambda runtime",
        "environment.1BAD: must start with a letter and hold only letters, digits and _",
    )


def test_fan_out_reports_a_publisher_and_subscriber_queue_fields_together() -> None:
    args = FanOutTopicArgs(
        subscribers=[SubscriberSpec(name="billing", visibility_timeout_seconds=-1)],
        publishers=[Publisher(principal="not-an-account")],
    )
    broken = replace(args, subscribers=[replace(args.subscribers[0], max_receive_count=0)])
    error = _refused(lambda context: FanOutTopic("orders", context, broken))
    assert _fields(error) == [
        "publishers[0].principal",
        "subscribers[billing].visibility_timeout_seconds",
        "subscribers[billing].max_receive_count",
    ]
    assert "got -1" in error.problems[1]
    assert "got 0" in error.problems[2]


@pytest.mark.parametrize(
    ("timeout", "shown"), [("60", "str '60'"), (None, "NoneType None"), (30.5, "float 30.5")]
)
def test_a_timeout_that_is_not_whole_seconds_is_a_problem_of_timeout_seconds(
    timeout: object, shown: str
) -> None:
    """A string, None or a fraction: Lambda's Timeout is an integer number of seconds
    (https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html#lambda-CreateFunction-request-Timeout)."""
    error = _consumer(timeout_seconds=timeout)
    assert error.problems == (f"timeout_seconds: must be a whole number, got {shown}",)


def test_a_handler_that_is_not_a_string_is_a_problem_of_handler() -> None:
    """A required field of the wrong type does not hide the other fields' problems."""
    error = _consumer(handler=123, batch_size=0, memory_size_mb=64)
    assert error.problems == (
        "handler: must be a string, got int 123",
        "batch_size: must be 1..10000 for a standard queue, got 0",
        "memory_size_mb: must be 128..10240, got 64",
    )


def test_args_given_as_a_dict_are_a_problem_not_an_attribute_error() -> None:
    error = _refused(
        lambda context: IdempotentQueueConsumer(
            "shipments",
            context,
            {"handler": HANDLER},  # type: ignore[arg-type]
        )
    )
    assert error.problems == (
        "args: must be IdempotentQueueConsumerArgs(...), got dict "
        "{'handler': 'shipment_events.handler'}",
    )


def test_a_negative_timeout_is_reported_as_timeout_seconds_not_as_the_queue_visibility() -> None:
    error = _consumer(timeout_seconds=-5)
    assert error.problems == ("timeout_seconds: must be 1..900, got -5",)


def test_batch_size_true_is_not_taken_for_one() -> None:
    error = _consumer(batch_size=True, maximum_concurrency=1)
    assert error.problems == (
        "batch_size: must be a whole number, got bool True",
        "maximum_concurrency: must be 2..1000, got 1",
    )


def test_a_handler_module_missing_from_code_path_is_refused() -> None:
    error = _consumer(handler="nosuchmodule.handler")
    assert error.problems == (
        "handler: module 'nosuchmodule' is not in code_path 'handlers' (no "
        "handlers/nosuchmodule.py or handlers/nosuchmodule/__init__.py); Lambda would fail "
        "every invocation",
    )


def test_handler_modules_and_packages_in_code_path_are_found(tmp_path: Path) -> None:
    context = PlatformContext.for_tests("dev")
    (tmp_path / "app.py").write_text("def handler(event, context): ...\n")
    (tmp_path / "pkg" / "sub").mkdir(parents=True)
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "sub" / "__init__.py").write_text("")
    for handler in ("app.handler", "pkg.sub.handler", "pkg.handler"):
        args = AlarmedFunctionArgs(handler=handler, code_path=str(tmp_path))
        assert function_problems(args, context) == []
    bad = AlarmedFunctionArgs(handler="pkg.nosuch.handler", code_path=str(tmp_path))
    assert [p.split(": ")[0] for p in function_problems(bad, context)] == ["handler"]
    keyword = AlarmedFunctionArgs(handler="app.class", code_path=str(tmp_path))
    assert function_problems(keyword, context) == [
        "handler: 'class' is a Python keyword, not a function name"
    ]


def test_an_instance_type_ec2_does_not_have_is_refused_with_the_closest_names() -> None:
    assert "m7g.large" in known_instance_types()
    args = replace(ASG, instance_types=["m7g.large", "m7g.huge"])
    error = _refused(lambda context: GoldenAmiAsg("workers", context, args))
    assert error.problems == (
        "instance_types[1]: 'm7g.huge' is not an EC2 instance type; did you mean m7g.large, "
        "m7gd.large, m7g.xlarge?",
    )


def test_a_short_literal_credential_in_user_data_is_refused() -> None:
    args = replace(ASG, user_data="#!/bin/sh\nexport DB_PASSWORD=abc\nexport LOG=$LEVEL\n")
    error = _refused(lambda context: GoldenAmiAsg("workers", context, args))
    assert _fields(error) == ["user_data"]
    assert "DB_PASSWORD" in error.problems[0]


def test_event_bus_type_and_value_problems_come_in_one_error() -> None:
    args = ArchivedEventBusArgs(
        rules=[RuleSpec(name="r", event_pattern={"source": ["orders"]}, targets=[])],
        retention_days="30",  # type: ignore[arg-type]
        archive="yes",  # type: ignore[arg-type]
        tags={"Environment": "prod"},
    )
    error = _refused(lambda context: ArchivedEventBus("shipments", context, args))
    fields = _fields(error)
    assert fields[:2] == ["archive", "retention_days"]
    assert "tags.Environment" in fields


def test_fargate_type_and_value_problems_come_in_one_error() -> None:
    args = replace(FARGATE, cpu="512", desired_count=True, container_port=70000)
    error = _refused(lambda context: FargateService("api", context, args))
    assert _fields(error) == ["cpu", "desired_count", "container_port"]


def test_event_bus_reports_its_managed_queues_fields_with_its_own() -> None:
    target = ManagedQueueTarget(name="tracking", visibility_timeout_seconds=-1, max_receive_count=0)
    args = ArchivedEventBusArgs(
        rules=[RuleSpec(name="r", event_pattern={"source": ["orders"]}, managed_queues=[target])],
        retention_days=-5,
    )
    error = _refused(lambda context: ArchivedEventBus("shipments", context, args))
    assert _fields(error) == [
        "retention_days",
        "rules[r].targets[tracking].visibility_timeout_seconds",
        "rules[r].targets[tracking].max_receive_count",
    ]


def test_a_pattern_given_as_a_json_string_is_reported_with_the_other_problems() -> None:
    rule = RuleSpec(name="r", event_pattern='{"source": ["orders"]}')  # type: ignore[arg-type]
    args = ArchivedEventBusArgs(rules=[rule], retention_days=-5)
    error = _refused(lambda context: ArchivedEventBus("shipments", context, args))
    assert _fields(error) == ["rules[0].event_pattern", "retention_days"]
    assert error.problems[0].startswith("rules[0].event_pattern: must be a mapping, got str")


def test_subscribers_of_the_wrong_type_do_not_hide_the_topic_problems() -> None:
    args = FanOutTopicArgs(
        subscribers="billing",  # type: ignore[arg-type]
        publishers=[Publisher(principal="123456789012")],
        delivery_status_sample_rate=150,
    )
    error = _refused(lambda context: FanOutTopic("orders", context, args))
    assert error.problems == (
        "subscribers: must be a list, got str 'billing'",
        "delivery_status_sample_rate: must be 0..100, got 150",
    )
