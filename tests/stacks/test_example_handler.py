"""examples/consumer-team/handlers/returns.py against moto: each return is recorded once."""

from __future__ import annotations

import importlib.util
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import boto3
import pytest
from moto import mock_aws
from stacklib import REPO

HANDLER_FILE = REPO / "examples" / "consumer-team" / "handlers" / "returns.py"
RETURNS_TABLE, IDEMPOTENCY_TABLE = "returns", "returns-idempotency"


@dataclass
class LambdaContext:
    function_name: str = "returns-consumer"
    memory_limit_in_mb: int = 256
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:returns-consumer"
    aws_request_id: str = "request-1"

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


@pytest.fixture
def dynamodb(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    for name, value in {
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "RETURNS_TABLE_NAME": RETURNS_TABLE,
        "IDEMPOTENCY_TABLE_NAME": IDEMPOTENCY_TABLE,
        "POWERTOOLS_SERVICE_NAME": "returns-consumer",
    }.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "POWERTOOLS_IDEMPOTENCY_DISABLED"):
        monkeypatch.delenv(name, raising=False)
    with mock_aws():
        client = boto3.client("dynamodb")
        for table, key in ((RETURNS_TABLE, "return_id"), (IDEMPOTENCY_TABLE, "id")):
            client.create_table(
                TableName=table,
                KeySchema=[{"AttributeName": key, "KeyType": "HASH"}],
                AttributeDefinitions=[{"AttributeName": key, "AttributeType": "S"}],
                BillingMode="PAY_PER_REQUEST",
            )
        yield client


@pytest.fixture
def returns(dynamodb: Any) -> Iterator[ModuleType]:
    """The handler module, imported fresh inside moto (it builds its clients at import)."""
    spec = importlib.util.spec_from_file_location("consumer_team_returns", HANDLER_FILE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    yield module
    del sys.modules[spec.name]


def sqs_event(*details: dict[str, Any] | str) -> dict[str, Any]:
    """An SQS batch whose bodies are EventBridge events with these details (a str as is)."""
    records = []
    for index, detail in enumerate(details):
        body = (
            detail
            if isinstance(detail, str)
            else json.dumps(
                {"source": "returns.service", "detail-type": "ReturnRequested", "detail": detail}
            )
        )
        records.append(
            {
                "messageId": f"message-{index}",
                "receiptHandle": f"handle-{index}",
                "body": body,
                "attributes": {"ApproximateReceiveCount": "1"},
                "messageAttributes": {},
                "md5OfBody": "",
                "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:returns",
                "awsRegion": "us-east-1",
            }
        )
    return {"Records": records}


def stored(dynamodb: Any, table: str) -> list[dict[str, Any]]:
    return list(dynamodb.scan(TableName=table)["Items"])


REQUEST = {"return_id": "r-1", "order_id": "o-9", "reason": "damaged"}


def test_a_redelivered_return_is_recorded_once(returns: ModuleType, dynamodb: Any) -> None:
    first = returns.handler(sqs_event(REQUEST), LambdaContext())
    again = returns.handler(sqs_event(REQUEST), LambdaContext(aws_request_id="request-2"))
    assert first == again == {"batchItemFailures": []}
    [item] = stored(dynamodb, RETURNS_TABLE)
    assert {k: v["S"] for k, v in item.items() if k != "recorded_at"} == REQUEST
    assert len(stored(dynamodb, IDEMPOTENCY_TABLE)) == 1


def test_a_replay_after_the_idempotency_record_expired_cannot_overwrite(
    returns: ModuleType, dynamodb: Any
) -> None:
    returns.handler(sqs_event(REQUEST), LambdaContext())
    for record in stored(dynamodb, IDEMPOTENCY_TABLE):
        dynamodb.delete_item(TableName=IDEMPOTENCY_TABLE, Key={"id": record["id"]})
    changed = {**REQUEST, "reason": "changed my mind"}
    assert returns.handler(sqs_event(changed), LambdaContext()) == {"batchItemFailures": []}
    [item] = stored(dynamodb, RETURNS_TABLE)
    assert item["reason"] == {"S": "damaged"}


def test_an_invalid_event_fails_alone(returns: ModuleType, dynamodb: Any) -> None:
    event = sqs_event(REQUEST, {"return_id": "r-2", "order_id": ""}, "not json")
    result = returns.handler(event, LambdaContext())
    assert result == {
        "batchItemFailures": [{"itemIdentifier": "message-1"}, {"itemIdentifier": "message-2"}]
    }
    assert [i["return_id"]["S"] for i in stored(dynamodb, RETURNS_TABLE)] == ["r-1"]
    # Nothing is remembered for the failed records: a fixed redelivery gets stored.
    assert len(stored(dynamodb, IDEMPOTENCY_TABLE)) == 1


def test_parse_return_names_every_missing_field(returns: ModuleType) -> None:
    body = json.dumps({"detail": {"order_id": "o-1"}})
    with pytest.raises(returns.InvalidReturnError) as error:
        returns.parse_return(body)
    assert str(error.value) == (
        "detail.return_id: must be a non-empty string; detail.reason: must be a non-empty string"
    )
