"""Shipment events consumer: SQS batch of EventBridge events -> DynamoDB events table.

Each record body is an EventBridge event delivered by a rule to SQS; its ``detail`` carries
``shipment_id``, ``event_timestamp``, ``event_type`` and ``event_data``. Every valid event is
stored exactly once under its business key (``shipment_id``, ``event_timestamp``):

1. Powertools idempotency (``idempotent_function`` on the business key, DynamoDB persistence
   layer in the default schema) turns a redelivery or a replay into a no-op that returns the
   first result: one conditional ``PutItem`` on the idempotency table.
2. The events table write is itself conditional (``attribute_not_exists``), so a replay after
   the idempotency record expired still cannot overwrite or duplicate: the first content wins.

Invalid records fail alone (reported in ``batchItemFailures``) without touching either table;
transient errors fail the record and leave no idempotency record, so redelivery stores it.

``dynamodb_client()`` returns the client the handler uses for both tables (hook its
``meta.events`` to observe calls); ``event_store()`` the store for the current environment.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from aws_clients import dynamodb_client
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from aws_lambda_powertools.utilities.idempotency.persistence.datarecord import DataRecord
from botocore.exceptions import ClientError
from dynamo_values import is_non_empty_string, loads_exact, to_attribute
from lambda_runtime import InvalidMessageError, SqsBatchFunction, env_settings

DEFAULT_SERVICE = "shipment-events"
DEFAULT_NAMESPACE = "AwsPlatform/Shipments"
DEFAULT_IDEMPOTENCY_EXPIRY_SECONDS = 24 * 3600
DEFAULT_EVENTS_TTL_DAYS = 90
IDEMPOTENCY_KEY_PREFIX = "shipment-event"
# DynamoDB key size limits: partition key 2048 bytes, sort key 1024 bytes.
_KEY_LIMITS = {"shipment_id": 2048, "event_timestamp": 1024}

STORED, DUPLICATE = "stored", "duplicate"


@dataclass(frozen=True)
class ShipmentEvent:
    """A validated shipment event, numbers kept exact (``Decimal``)."""

    shipment_id: str
    event_timestamp: str
    event_type: str
    event_data: Any
    event_id: str | None
    source: str | None
    detail_type: str | None

    @property
    def business_key(self) -> dict[str, str]:
        return {"shipment_id": self.shipment_id, "event_timestamp": self.event_timestamp}


def parse_shipment_event(body: Any) -> ShipmentEvent:
    """Validate an SQS body holding an EventBridge event; raise ``InvalidMessageError`` listing
    every problem."""
    if not isinstance(body, str):
        raise InvalidMessageError(["body: must be a JSON string"])
    try:
        envelope = loads_exact(body)
    except ValueError as error:
        raise InvalidMessageError([f"body: {error}"]) from error
    if not isinstance(envelope, dict) or not isinstance(envelope.get("detail"), dict):
        raise InvalidMessageError(["detail: must be a JSON object"])
    detail = envelope["detail"]
    problems: list[str] = []
    for name in ("shipment_id", "event_timestamp", "event_type"):
        value = detail.get(name)
        if not is_non_empty_string(value):
            problems.append(f"detail.{name}: must be a non-empty string")
        elif name in _KEY_LIMITS and len(value.encode()) > _KEY_LIMITS[name]:
            problems.append(f"detail.{name}: longer than {_KEY_LIMITS[name]} bytes")
    event_data = detail.get("event_data", {})
    try:
        to_attribute(event_data)
    except ValueError as error:
        problems.append(f"detail.event_data: {error}")
    if problems:
        raise InvalidMessageError(problems)

    def optional_text(name: str) -> str | None:
        value = envelope.get(name)
        return value if is_non_empty_string(value) else None

    return ShipmentEvent(
        shipment_id=detail["shipment_id"],
        event_timestamp=detail["event_timestamp"],
        event_type=detail["event_type"],
        event_data=event_data,
        event_id=optional_text("id"),
        source=optional_text("source"),
        detail_type=optional_text("detail-type"),
    )


def events_table_item(event: ShipmentEvent, *, now: float, ttl_days: int) -> dict[str, Any]:
    """The events table item (low-level attribute values) for ``event`` processed at ``now``."""
    item: dict[str, Any] = {
        "shipment_id": {"S": event.shipment_id},
        "event_timestamp": {"S": event.event_timestamp},
        "event_type": {"S": event.event_type},
        "event_data": to_attribute(event.event_data),
        "expires_at": {"N": str(int(now) + ttl_days * 86400)},
        "processed_at": {"S": datetime.fromtimestamp(now, UTC).isoformat(timespec="seconds")},
    }
    for name, value in (
        ("event_id", event.event_id),
        ("source", event.source),
        ("detail_type", event.detail_type),
    ):
        if value is not None:
            item[name] = {"S": value}
    return item


@dataclass(frozen=True)
class Settings:
    """The function's environment, read at each invocation."""

    events_table: str
    idempotency_table: str
    idempotency_expiry_seconds: int
    events_ttl_days: int

    @classmethod
    def from_environment(cls) -> Settings:
        values = env_settings(
            ("EVENTS_TABLE_NAME", "IDEMPOTENCY_TABLE_NAME"),
            {
                "IDEMPOTENCY_EXPIRY_SECONDS": DEFAULT_IDEMPOTENCY_EXPIRY_SECONDS,
                "EVENTS_TTL_DAYS": DEFAULT_EVENTS_TTL_DAYS,
            },
        )
        return cls(
            events_table=values["EVENTS_TABLE_NAME"],
            idempotency_table=values["IDEMPOTENCY_TABLE_NAME"],
            idempotency_expiry_seconds=values["IDEMPOTENCY_EXPIRY_SECONDS"],
            events_ttl_days=values["EVENTS_TTL_DAYS"],
        )


def _mark_duplicate(response: Any, idempotent_data: DataRecord) -> dict[str, str]:
    """Powertools response hook: a stored result was returned instead of running again."""
    return {"outcome": DUPLICATE}


class EventStore:
    """Stores shipment events exactly once for one configuration (tables + client)."""

    def __init__(self, settings: Settings, client: Any) -> None:
        self.settings = settings
        self.client = client
        self.config = IdempotencyConfig(
            event_key_jmespath="[shipment_id, event_timestamp]",
            raise_on_no_idempotency_key=True,
            expires_after_seconds=settings.idempotency_expiry_seconds,
            response_hook=_mark_duplicate,
        )
        persistence = DynamoDBPersistenceLayer(
            table_name=settings.idempotency_table, boto3_client=client
        )
        self._store_once = idempotent_function(
            self._put_event,
            data_keyword_argument="business_key",
            persistence_store=persistence,
            config=self.config,
            key_prefix=IDEMPOTENCY_KEY_PREFIX,
        )

    def store(self, event: ShipmentEvent) -> str:
        """Store ``event``; return ``"stored"`` or ``"duplicate"``. Raises on transient errors."""
        result = self._store_once(business_key=event.business_key, event=event)
        return str(result["outcome"])

    def _put_event(self, *, business_key: dict[str, str], event: ShipmentEvent) -> dict[str, str]:
        item = events_table_item(event, now=time.time(), ttl_days=self.settings.events_ttl_days)
        try:
            self.client.put_item(
                TableName=self.settings.events_table,
                Item=item,
                ConditionExpression="attribute_not_exists(shipment_id)",
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return {"outcome": DUPLICATE}
            raise
        return {"outcome": STORED}


_store: EventStore | None = None


def event_store() -> EventStore:
    """The ``EventStore`` for the current environment, rebuilt when tables or endpoint change."""
    global _store
    settings = Settings.from_environment()
    client = dynamodb_client()
    if _store is None or _store.settings != settings or _store.client is not client:
        _store = EventStore(settings, client)
    return _store


def _on_invocation(context: Any) -> None:
    event_store().config.register_lambda_context(context)


def _process_record(record: SQSRecord, lambda_context: Any) -> None:
    logger = function.logger
    try:
        event = parse_shipment_event(record.body)
    except InvalidMessageError as error:
        function.count("InvalidEvents")
        logger.warning(
            "Invalid shipment event rejected",
            extra={"message_id": record.message_id, "problems": error.problems},
        )
        raise
    if event.event_id:
        logger.set_correlation_id(event.event_id)
    with logger.append_context_keys(
        message_id=record.message_id,
        shipment_id=event.shipment_id,
        event_timestamp=event.event_timestamp,
        event_type=event.event_type,
    ):
        try:
            outcome = event_store().store(event)
        except Exception:
            function.count("FailedEvents")
            logger.exception("Shipment event not stored; SQS will redeliver it")
            raise
        if outcome == DUPLICATE:
            function.count("DuplicateEvents")
            logger.info("Duplicate shipment event skipped")
        else:
            function.count("ProcessedEvents")
            logger.info("Shipment event stored")


function = SqsBatchFunction(
    default_service=DEFAULT_SERVICE,
    default_namespace=DEFAULT_NAMESPACE,
    record_handler=_process_record,
    on_invocation=_on_invocation,
)


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Lambda entry point: returns ``{"batchItemFailures": [...]}`` naming the failed records."""
    return function(event, context)
