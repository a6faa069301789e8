"""Shared consumer for the order fan-out queues (SNS topic -> one SQS queue per consumer).

A record body is either the SNS envelope (raw message delivery off: ``{"Type": "Notification",
"Message": "<order JSON>", ...}``) or the order JSON itself (raw delivery on). Each consumer
records an order event once in its own table, keyed ``order_id`` (S) + ``event_type`` (S), with a
single conditional ``PutItem`` (``attribute_not_exists``): a redelivery or replay is one failed
condition, counted as a duplicate and reported as success. The first content wins.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from aws_clients import dynamodb_client
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from botocore.exceptions import ClientError
from dynamo_values import is_non_empty_string, loads_exact, to_attribute
from lambda_runtime import InvalidMessageError, SqsBatchFunction, env_settings

DEFAULT_NAMESPACE = "AwsPlatform/Orders"
_CURRENCY = re.compile(r"[A-Z]{3}")


@dataclass(frozen=True)
class OrderEvent:
    """A validated order event; ``order`` is the whole message with exact numbers."""

    order_id: str
    event_type: str
    order: dict[str, Any]
    sns_message_id: str | None

    def get(self, name: str) -> Any:
        return self.order.get(name)


def _loads(text: str, field: str) -> Any:
    try:
        return loads_exact(text)
    except ValueError as error:
        raise InvalidMessageError([f"{field}: {error}"]) from error


def _unwrap(body: Any) -> tuple[Any, str | None]:
    """The order message and, when SNS wrapped it, the SNS MessageId."""
    if not isinstance(body, str):
        raise InvalidMessageError(["body: must be a JSON string"])
    parsed = _loads(body, "body")
    if not (isinstance(parsed, dict) and parsed.get("Type") == "Notification"):
        return parsed, None
    message, message_id = parsed.get("Message"), parsed.get("MessageId")
    if not isinstance(message, str):
        raise InvalidMessageError(["Message: the SNS envelope carries no message"])
    return _loads(message, "Message"), message_id if is_non_empty_string(message_id) else None


def parse_order_message(body: Any, required: tuple[str, ...] = ()) -> OrderEvent:
    """Validate an order message (SNS envelope or raw); ``required`` names extra fields the
    consumer needs. Raises ``InvalidMessageError`` listing every problem."""
    order, sns_message_id = _unwrap(body)
    if not isinstance(order, dict):
        raise InvalidMessageError(["order: must be a JSON object"])

    def expected(name: str) -> bool:
        return name in required or name in order

    text_fields = ("order_id", "event_type", *(["customer_id"] if expected("customer_id") else []))
    problems = [
        f"{name}: must be a non-empty string"
        for name in text_fields
        if not is_non_empty_string(order.get(name))
    ]
    amount = order.get("amount")
    if expected("amount") and (not isinstance(amount, int | Decimal) or isinstance(amount, bool)):
        problems.append("amount: must be a number")
    currency = order.get("currency")
    if expected("currency") and not (isinstance(currency, str) and _CURRENCY.fullmatch(currency)):
        problems.append("currency: must be an ISO 4217 code such as EUR")
    try:
        to_attribute(order)
    except ValueError as error:
        problems.append(f"order: {error}")
    if problems:
        raise InvalidMessageError(problems)
    return OrderEvent(
        order_id=order["order_id"],
        event_type=order["event_type"],
        order=order,
        sns_message_id=sns_message_id,
    )


@dataclass(frozen=True)
class OrderConsumer:
    """One fan-out consumer: where it records, what it needs and what it keeps."""

    name: str
    table_variable: str
    required_fields: tuple[str, ...]
    attributes: Callable[[OrderEvent], dict[str, Any]]
    ttl_days: int | None = None

    def item(self, event: OrderEvent, message_id: str, now: float) -> dict[str, Any]:
        """The table item (low-level attribute values) recording ``event``."""
        values: dict[str, Any] = {
            **self.attributes(event),
            "order_id": event.order_id,
            "event_type": event.event_type,
            "message_id": event.sns_message_id or message_id,
            "recorded_at": datetime.fromtimestamp(now, UTC).isoformat(timespec="seconds"),
        }
        if self.ttl_days is not None:
            values["expires_at"] = int(now) + self.ttl_days * 86400
        return {name: to_attribute(value) for name, value in values.items()}

    def record(self, event: OrderEvent, message_id: str) -> bool:
        """Write ``event`` once; return False when it was already recorded."""
        table = env_settings((self.table_variable,))[self.table_variable]
        try:
            dynamodb_client().put_item(
                TableName=table,
                Item=self.item(event, message_id, time.time()),
                ConditionExpression="attribute_not_exists(order_id)",
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return False
            raise
        return True


def order_function(consumer: OrderConsumer) -> SqsBatchFunction:
    """The SQS batch function (logs, metrics, partial failures) for ``consumer``."""

    def process_record(record: SQSRecord, lambda_context: Any) -> None:
        logger = batch_function.logger
        try:
            event = parse_order_message(record.body, consumer.required_fields)
        except InvalidMessageError as error:
            batch_function.count("InvalidOrderEvents")
            logger.warning(
                "Invalid order event rejected",
                extra={"message_id": record.message_id, "problems": error.problems},
            )
            raise
        if event.sns_message_id:
            logger.set_correlation_id(event.sns_message_id)
        with logger.append_context_keys(
            message_id=record.message_id, order_id=event.order_id, event_type=event.event_type
        ):
            try:
                recorded = consumer.record(event, record.message_id)
            except Exception:
                batch_function.count("FailedOrderEvents")
                logger.exception("Order event not recorded; SQS will redeliver it")
                raise
            batch_function.count("RecordedOrderEvents" if recorded else "DuplicateOrderEvents")
            logger.info("Order event recorded" if recorded else "Duplicate order event skipped")

    def check_configuration(context: Any) -> None:
        env_settings((consumer.table_variable,))

    batch_function = SqsBatchFunction(
        default_service=consumer.name,
        default_namespace=DEFAULT_NAMESPACE,
        record_handler=process_record,
        on_invocation=check_configuration,
    )
    return batch_function
