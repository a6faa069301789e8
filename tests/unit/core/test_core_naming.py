import re

import pulumi
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from components.core.context import PlatformContext
from components.core.naming import (
    Service,
    component_path,
    physical_name,
    record_component_path,
)
from tools.preview.program import run_in_mocks

CONTEXT = PlatformContext.for_tests("staging")
names = st.text(
    alphabet=st.characters(codec="ascii", categories=["L", "N", "P", "S", "Zs"]),
    min_size=1,
    max_size=400,
)
suffixes = st.none() | st.from_regex(r"[a-z0-9]{1,16}", fullmatch=True)


def _assert_valid(result: str, service: Service, fifo: bool) -> None:
    rule = service.rule
    assert len(result) <= rule.max_length
    assert result.startswith(rule.prefix)
    body = result[len(rule.prefix) :]
    if fifo:
        assert body.endswith(".fifo")
        body = body[: -len(".fifo")]
    assert re.fullmatch(f"[{rule.allowed}]+", body), result
    if not rule.edge_hyphen:
        assert not body.startswith("-") and not body.endswith("-")


@settings(max_examples=300, deadline=None)
@given(service=st.sampled_from(list(Service)), name=names, suffix=suffixes)
@example(service=Service.ALB, name="-", suffix=None)  # once gave "aws-platform-staging--"
def test_every_name_respects_the_service_rules(service, name, suffix):
    result = physical_name(CONTEXT, name, service, suffix=suffix)
    _assert_valid(result, service, fifo=False)
    assert physical_name(CONTEXT, name, service, suffix=suffix) == result


@settings(max_examples=200, deadline=None)
@given(service=st.sampled_from([Service.SQS_QUEUE, Service.SNS_TOPIC]), name=names)
def test_fifo_names_end_with_fifo_within_the_limit(service, name):
    _assert_valid(physical_name(CONTEXT, name, service, fifo=True), service, fifo=True)


@settings(max_examples=300, deadline=None)
@given(
    service=st.sampled_from(list(Service)),
    first=names,
    second=names,
    suffix=suffixes,
)
def test_different_names_never_collide(service, first, second, suffix):
    if first == second:
        return
    assert physical_name(CONTEXT, first, service, suffix=suffix) != physical_name(
        CONTEXT, second, service, suffix=suffix
    )


def test_short_valid_names_are_kept_readable():
    assert physical_name(CONTEXT, "orders", Service.SQS_QUEUE) == "aws-platform-staging-orders"
    assert (
        physical_name(CONTEXT, "orders", Service.SQS_QUEUE, suffix="dlq", fifo=True)
        == "aws-platform-staging-orders-dlq.fifo"
    )
    assert physical_name("acme-prod", "orders", Service.KMS_ALIAS) == "alias/acme-prod-orders"


def test_long_names_are_shortened_with_a_stable_hash_and_keep_the_suffix():
    result = physical_name(CONTEXT, "shipment-events-consumer", Service.ALB, suffix="tg")
    assert len(result) == 32
    # 32 - "-tg" - "-<hash>" leaves exactly the 20-character prefix.
    assert re.fullmatch(r"aws-platform-staging-[0-9a-f]{8}-tg", result), result
    prod = physical_name("acme-prod", "shipment-events-consumer", Service.ALB, suffix="tg")
    assert re.fullmatch(r"acme-prod-shipment-e-[0-9a-f]{8}-tg", prod), prod
    # Same start, different endings: the hash keeps them apart.
    other = physical_name("acme-prod", "shipment-events-producer", Service.ALB, suffix="tg")
    assert other != prod and other[:20] == prod[:20]


def test_the_fifo_suffix_counts_toward_the_sqs_limit():
    name = "x" * (80 - len("aws-platform-staging-") - len(".fifo"))
    fits = physical_name(CONTEXT, name, Service.SQS_QUEUE, fifo=True)
    assert fits == f"aws-platform-staging-{name}.fifo" and len(fits) == 80
    longer = physical_name(CONTEXT, name + "y", Service.SQS_QUEUE, fifo=True)
    assert len(longer) == 80 and longer.endswith(".fifo") and longer != fits


def test_invalid_characters_are_replaced_and_hashed():
    first = physical_name(CONTEXT, "orders v2", Service.SQS_QUEUE)
    second = physical_name(CONTEXT, "orders.v2", Service.SQS_QUEUE)
    assert re.fullmatch(r"aws-platform-staging-orders-v2-[0-9a-f]{8}", first), first
    assert re.fullmatch(r"aws-platform-staging-orders-v2-[0-9a-f]{8}", second), second
    assert first != second
    assert physical_name("acme-prod", "orders_v2", Service.ALB).startswith("acme-prod-orders-v2-")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": ""}, "must not be empty"),
        ({"name": "a", "suffix": "x" * 17}, "suffix must be 1-16"),
        ({"name": "a", "fifo": True, "service": Service.LAMBDA_FUNCTION}, "cannot be FIFO"),
    ],
)
def test_programming_errors_are_refused(kwargs, message):
    arguments = {"service": Service.SQS_QUEUE, **kwargs}
    with pytest.raises(ValueError, match=message):
        physical_name(CONTEXT, **arguments)


class _Holder(pulumi.ComponentResource):
    """A component of a given type that records its path, as the platform's components do."""

    def __init__(self, type_token: str, name: str, opts: pulumi.ResourceOptions | None = None):
        super().__init__(type_token, name, None, opts)
        record_component_path(self, opts)


def test_components_of_different_types_with_one_name_get_different_physical_names():
    def program():
        table = _Holder("platform:data:DataTable", "order-billing")
        consumer = _Holder("platform:messaging:IdempotentQueueConsumer", "order-billing")
        in_consumer = _Holder(
            "platform:compute:AlarmedFunction",
            "order-billing",
            pulumi.ResourceOptions(parent=consumer),
        )
        names = [
            physical_name(CONTEXT, "order-billing-key", Service.KMS_ALIAS, within=owner)
            for owner in (table, consumer, in_consumer)
        ]
        assert len(set(names)) == 3, names
        assert all(n.startswith("alias/aws-platform-staging-order-billing-key-") for n in names)
        assert component_path(in_consumer) == (
            ("platform:messaging:IdempotentQueueConsumer", "order-billing"),
            ("platform:compute:AlarmedFunction", "order-billing"),
        )
        # The same path always gives the same name, and the suffix stays last.
        again = physical_name(
            CONTEXT, "order-billing", Service.SQS_QUEUE, suffix="dlq", within=table
        )
        assert again == physical_name(
            CONTEXT, "order-billing", Service.SQS_QUEUE, suffix="dlq", within=table
        )
        assert re.fullmatch(r"aws-platform-staging-order-billing-[0-9a-f]{8}-dlq", again)

    run_in_mocks(program)
