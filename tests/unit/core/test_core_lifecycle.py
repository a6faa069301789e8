"""Stateful resources are protected (and keys and archives retained) in prod, not in dev.

The options are read the way the engine gets them: a stack transformation sees each
resource's ``ResourceOptions`` as registered.
"""

from __future__ import annotations

import pulumi
import pytest

from components.compute.alarmed_function import AlarmedFunction, AlarmedFunctionArgs
from components.core.context import PlatformContext
from components.data.data_table import DataTable, DataTableArgs, KeyAttribute
from components.events.archived_event_bus import ArchivedEventBus, ArchivedEventBusArgs
from components.messaging.queue_with_dead_letter import QueueWithDeadLetter, QueueWithDeadLetterArgs
from tools.preview.program import run_in_mocks

KEY = "aws:kms/key:Key"
ALIAS = "aws:kms/alias:Alias"
TABLE = "aws:dynamodb/table:Table"
QUEUE = "aws:sqs/queue:Queue"
ARCHIVE = "aws:cloudwatch/eventArchive:EventArchive"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
BUS = "aws:cloudwatch/eventBus:EventBus"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
FUNCTION = "aws:lambda/function:Function"

Options = dict[str, tuple[bool, bool]]


def _options(environment: str) -> dict[str, Options]:
    """(protect, retain_on_delete) of every custom resource, by type then name."""
    seen: dict[str, Options] = {}

    def capture(
        args: pulumi.ResourceTransformationArgs,
    ) -> pulumi.ResourceTransformationResult | None:
        if args.type_.startswith("aws:"):
            options = (bool(args.opts.protect), bool(args.opts.retain_on_delete))
            seen.setdefault(args.type_, {})[args.name] = options
        return None

    def program() -> None:
        pulumi.runtime.register_stack_transformation(capture)
        context = PlatformContext.for_tests(environment)
        DataTable("events", context, DataTableArgs(partition_key=KeyAttribute(name="id")))
        QueueWithDeadLetter("orders", context, QueueWithDeadLetterArgs())
        ArchivedEventBus("shipments", context, ArchivedEventBusArgs(rules=[]))
        AlarmedFunction("worker", context, AlarmedFunctionArgs(handler="shipment_events.handler"))

    run_in_mocks(program)
    return seen


@pytest.fixture(scope="module")
def prod() -> dict[str, Options]:
    return _options("prod")


def test_prod_keys_and_the_archive_are_protected_and_retained(prod):
    assert prod[KEY] and set(prod[KEY].values()) == {(True, True)}
    assert set(prod[ARCHIVE].values()) == {(True, True)}


@pytest.mark.parametrize("type_token", [TABLE, QUEUE, LOG_GROUP])
def test_prod_tables_queues_dlqs_and_log_groups_are_protected(prod, type_token):
    assert prod[type_token] and set(prod[type_token].values()) == {(True, False)}
    if type_token == QUEUE:  # the queue, its DLQ and the bus's DLQ
        assert {"orders-queue", "orders-dlq", "shipments-bus-dlq"} <= set(prod[QUEUE])


@pytest.mark.parametrize("type_token", [ALIAS, BUS, ALARM, FUNCTION])
def test_prod_resources_without_data_stay_replaceable(prod, type_token):
    assert prod[type_token] and set(prod[type_token].values()) == {(False, False)}


def test_dev_stays_disposable():
    dev = _options("dev")
    assert {options for by_name in dev.values() for options in by_name.values()} == {(False, False)}
