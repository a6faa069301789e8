"""Returns consumer: each return request is recorded exactly once.

SQS batch of EventBridge events (rule `return-requested`) -> DynamoDB table under
`RETURNS_TABLE_NAME`, keyed by the business key `return_id`. A redelivered or replayed event is
a no-op: Powertools idempotency on `return_id` (table `IDEMPOTENCY_TABLE_NAME`, which the
platform's IdempotentQueueConsumer creates and wires), and the table write itself is
conditional, so a replay after the idempotency record expired cannot overwrite the first one.
An invalid event fails alone (partial batch response) and ends in the queue's DLQ.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from typing import Any

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from botocore.exceptions import ClientError

REQUIRED_FIELDS = ("return_id", "order_id", "reason")
RECORDED, DUPLICATE = "recorded", "duplicate"

logger = Logger()
processor = BatchProcessor(event_type=EventType.SQS)
idempotency = IdempotencyConfig(
    event_key_jmespath="return_id",
    expires_after_seconds=int(os.environ.get("IDEMPOTENCY_EXPIRY_SECONDS", "3600")),
)
persistence = DynamoDBPersistenceLayer(table_name=os.environ["IDEMPOTENCY_TABLE_NAME"])
returns_table = boto3.resource("dynamodb").Table(os.environ["RETURNS_TABLE_NAME"])


class InvalidReturnError(ValueError):
    """The event is not a return request; retrying cannot help."""


def parse_return(body: str) -> dict[str, str]:
    """The return request in an SQS body holding an EventBridge event; every problem at once."""
    try:
        detail = json.loads(body).get("detail")
    except (ValueError, AttributeError) as error:
        raise InvalidReturnError(f"body: not an EventBridge event ({error})") from error
    if not isinstance(detail, dict):
        raise InvalidReturnError("detail: must be a JSON object")
    problems = [
        f"detail.{name}: must be a non-empty string"
        for name in REQUIRED_FIELDS
        if not isinstance(detail.get(name), str) or not detail[name]
    ]
    if problems:
        raise InvalidReturnError("; ".join(problems))
    return {name: detail[name] for name in REQUIRED_FIELDS}


@idempotent_function(
    data_keyword_argument="request", config=idempotency, persistence_store=persistence
)
def record_return(request: dict[str, str]) -> str:
    """Store the request unless its return_id is already stored (first content wins)."""
    item = {**request, "recorded_at": datetime.now(UTC).isoformat(timespec="seconds")}
    try:
        returns_table.put_item(Item=item, ConditionExpression="attribute_not_exists(return_id)")
    except ClientError as error:
        if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
            raise
        return DUPLICATE
    return RECORDED


def record_handler(record: SQSRecord) -> str:
    outcome = record_return(request=parse_return(record.body))
    logger.info("return processed", extra={"message_id": record.message_id, "outcome": outcome})
    return outcome


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    idempotency.register_lambda_context(context)
    return process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
