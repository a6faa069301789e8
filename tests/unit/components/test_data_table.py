"""DataTable under the SDK mocks: graph, encryption, tier defaults, TTL and validation."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from components.core.context import PlatformContext
from components.core.errors import ComponentArgumentsError
from components.data.data_table import AttributeType, DataTable, DataTableArgs, KeyAttribute
from tools.preview.program import ProgramRun, run_in_mocks

TABLE = "aws:dynamodb/table:Table"


def _run(environment: str = "dev", **values: Any) -> ProgramRun:
    values.setdefault("partition_key", KeyAttribute(name="shipment_id"))

    def program() -> None:
        DataTable("events", PlatformContext.for_tests(environment), DataTableArgs(**values))

    return run_in_mocks(program)


def test_graph_and_parents() -> None:
    run = _run(sort_key=KeyAttribute(name="event_timestamp"), ttl_attribute="expires_at")
    counts = Counter(r.type for r in run.resources if r.type != "pulumi:pulumi:Stack")
    assert counts == {
        "platform:data:DataTable": 1,
        "platform:security:CustomerManagedKey": 1,
        "aws:kms/key:Key": 1,
        "aws:kms/alias:Alias": 1,
        TABLE: 1,
        "aws:cloudwatch/metricAlarm:MetricAlarm": 1,
    }
    component = run.of_type("platform:data:DataTable")[0].urn
    assert run.of_type(TABLE)[0].parent == component


def test_table_is_on_demand_encrypted_with_its_key_and_has_ttl() -> None:
    run = _run(sort_key=KeyAttribute(name="event_timestamp"), ttl_attribute="expires_at")
    table = run.of_type(TABLE)[0].inputs
    key_arn = run.of_type("aws:kms/key:Key")[0].outputs["arn"]
    assert table["billingMode"] == "PAY_PER_REQUEST"
    assert table["hashKey"] == "shipment_id"
    assert table["rangeKey"] == "event_timestamp"
    assert table["attributes"] == [
        {"name": "shipment_id", "type": "S"},
        {"name": "event_timestamp", "type": "S"},
    ]
    assert table["serverSideEncryption"] == {"enabled": True, "kmsKeyArn": key_arn}
    assert table["ttl"] == {"attributeName": "expires_at", "enabled": True}
    assert table["tags"]["Environment"] == "dev"


@pytest.mark.parametrize(("environment", "protected"), [("dev", False), ("prod", True)])
def test_tier_defaults_for_recovery_and_deletion_protection(
    environment: str, protected: bool
) -> None:
    table = _run(environment).of_type(TABLE)[0].inputs
    assert table["pointInTimeRecovery"] == {"enabled": True}
    assert table["deletionProtectionEnabled"] is protected


def test_caller_overrides_tier_default() -> None:
    table = _run("prod", deletion_protection=False).of_type(TABLE)[0].inputs
    assert table["deletionProtectionEnabled"] is False


def test_throttle_alarm_sums_the_table_level_read_and_write_throttle_events() -> None:
    """ThrottledRequests exists only per TableName and Operation: an alarm on TableName alone
    never gets data. ReadThrottleEvents and WriteThrottleEvents are published per TableName."""
    alarm = _run().of_type("aws:cloudwatch/metricAlarm:MetricAlarm")[0].inputs
    assert "metricName" not in alarm
    queries = {q["id"]: q for q in alarm["metricQueries"]}
    assert {q["metric"]["metricName"] for q in queries.values() if "metric" in q} == {
        "ReadThrottleEvents",
        "WriteThrottleEvents",
    }
    for query in (q for q in queries.values() if "metric" in q):
        assert query["metric"]["namespace"] == "AWS/DynamoDB"
        assert list(query["metric"]["dimensions"]) == ["TableName"]
        assert query["metric"]["stat"] == "Sum"
    assert [q["expression"] for q in queries.values() if q.get("returnData")] == ["reads + writes"]
    assert alarm["treatMissingData"] == "notBreaching"
    assert "docs/runbooks/dynamodb.md#throttles" in alarm["alarmDescription"]


def test_every_problem_reported_at_once() -> None:
    with pytest.raises(ComponentArgumentsError) as caught:
        _run(
            partition_key=KeyAttribute(name="id", type=AttributeType.STRING),
            sort_key=KeyAttribute(name="id"),
            ttl_attribute="id",
            throttle_alarm_threshold=0,
            tags={"Environment": "prod"},
        )
    message = str(caught.value)
    for field_name in ("sort_key.name", "ttl_attribute", "throttle_alarm_threshold", "Environment"):
        assert field_name in message
