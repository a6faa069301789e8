"""Prod differs from dev where it must: resilience, retention, protection, capacity."""

from __future__ import annotations

from typing import Any

import pytest
from stacklib import descendants, output, stack_run

from tools.preview.program import ProgramRun

NETWORK = "platform:network:Network"
VPC = "awsx:ec2:Vpc"
SUBNET = "aws:ec2/subnet:Subnet"
TABLE = "aws:dynamodb/table:Table"


def values(run: ProgramRun, type_token: str, field: str) -> list[Any]:
    found = [r.inputs.get(field) for r in run.of_type(type_token)]
    assert found, f"{run.stack} has no {type_token}"
    return found


def az_count(run: ProgramRun) -> int:
    """AZs of the stack's Network VPCs (the zones of the awsx VPC's subnets)."""
    counts = []
    for network in run.of_type(NETWORK):
        for vpc in (r for r in descendants(run, network.urn) if r.type == VPC):
            subnets = [r for r in descendants(run, vpc.urn) if r.type == SUBNET]
            counts.append(len({s.inputs["availabilityZone"] for s in subnets}))
    assert counts, f"{run.stack}: a Network without a VPC of its own"
    return min(counts)


@pytest.fixture(scope="module")
def dev() -> ProgramRun:
    return stack_run("dev")


@pytest.fixture(scope="module")
def staging() -> ProgramRun:
    return stack_run("staging")


@pytest.fixture(scope="module")
def prod() -> ProgramRun:
    return stack_run("prod")


def test_prod_spans_more_availability_zones(dev: ProgramRun, prod: ProgramRun) -> None:
    if not (dev.of_type(NETWORK) and prod.of_type(NETWORK)):
        pytest.skip("the stacks have no Network yet")
    assert az_count(prod) > az_count(dev) >= 2


def test_log_retention_grows_with_the_tier(
    dev: ProgramRun, staging: ProgramRun, prod: ProgramRun
) -> None:
    field = "aws:cloudwatch/logGroup:LogGroup", "retentionInDays"
    assert max(values(dev, *field)) < min(values(staging, *field))
    assert max(values(staging, *field)) < min(values(prod, *field))
    assert min(values(prod, *field)) >= 365


def test_prod_tables_are_deletion_protected_and_dev_tables_are_not(
    dev: ProgramRun, prod: ProgramRun
) -> None:
    assert set(values(prod, TABLE, "deletionProtectionEnabled")) == {True}
    assert not any(values(dev, TABLE, "deletionProtectionEnabled"))
    # Point-in-time recovery is on in every tier.
    for run in (dev, prod):
        assert all(r.inputs["pointInTimeRecovery"]["enabled"] for r in run.of_type(TABLE))


def test_prod_archives_keep_events_longer(dev: ProgramRun, prod: ProgramRun) -> None:
    field = "aws:cloudwatch/eventArchive:EventArchive", "retentionDays"
    assert 0 < max(values(dev, *field)) < min(values(prod, *field))


def _shipment_consumer(run: ProgramRun) -> dict[str, Any]:
    name = run.stack_outputs["shipments"]["functionName"]
    [function] = [
        r for r in run.of_type("aws:lambda/function:Function") if output(r, "name") == name
    ]
    return function.inputs


def test_shipment_consumer_concurrency_is_seed_003s_in_prod(
    dev: ProgramRun, prod: ProgramRun
) -> None:
    """Seed 003: 512 MB, 60 s, reserved concurrency 5 in prod; dev runs smaller."""
    consumer = _shipment_consumer(prod)
    assert (consumer["reservedConcurrentExecutions"], consumer["memorySize"]) == (5, 512)
    assert consumer["timeout"] == 60
    assert _shipment_consumer(dev)["reservedConcurrentExecutions"] < 5


def test_kms_deletion_window_is_30_days_in_prod_and_7_in_dev(
    dev: ProgramRun, prod: ProgramRun
) -> None:
    field = "aws:kms/key:Key", "deletionWindowInDays"
    assert set(values(prod, *field)) == {30}
    assert set(values(dev, *field)) == {7}
