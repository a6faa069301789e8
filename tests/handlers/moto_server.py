"""A moto server on a free local port, and the tables the handlers need, for tests and benchmarks.

The handlers are exercised with real boto3 calls over HTTP (``AWS_ENDPOINT_URL``), never with
patched clients, so what is tested is what runs in Lambda.
"""

from __future__ import annotations

import logging
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import boto3
from boto3.dynamodb.types import TypeDeserializer
from moto.server import ThreadedMotoServer

# The moto server logs every request through werkzeug; tests only care about errors.
logging.getLogger("werkzeug").setLevel(logging.ERROR)

REGION = "us-east-1"
FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
}


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def moto_server() -> Iterator[str]:
    """Run a ``ThreadedMotoServer`` on a free port; yield its endpoint URL; always stop it."""
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


def aws_environment(endpoint_url: str) -> dict[str, str]:
    """Environment variables that point boto3 (and the handlers) at the moto server."""
    return {"AWS_ENDPOINT_URL": endpoint_url, "AWS_DEFAULT_REGION": REGION, **FAKE_CREDENTIALS}


def dynamodb(endpoint_url: str) -> Any:
    """A test-side DynamoDB client (separate from the handlers' own client)."""
    return boto3.client(
        "dynamodb",
        endpoint_url=endpoint_url,
        region_name=REGION,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def unique_name(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def create_table(
    client: Any, name: str, partition_key: str, sort_key: str | None, ttl_attribute: str | None
) -> str:
    """Create an on-demand table with string keys and (optionally) TTL enabled, as deployed."""
    keys = [(partition_key, "HASH")] + ([(sort_key, "RANGE")] if sort_key else [])
    client.create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": attr, "KeyType": kind} for attr, kind in keys],
        AttributeDefinitions=[{"AttributeName": attr, "AttributeType": "S"} for attr, _ in keys],
    )
    client.get_waiter("table_exists").wait(TableName=name)
    if ttl_attribute:
        client.update_time_to_live(
            TableName=name,
            TimeToLiveSpecification={"Enabled": True, "AttributeName": ttl_attribute},
        )
    return name


def create_events_table(client: Any, name: str) -> str:
    return create_table(client, name, "shipment_id", "event_timestamp", "expires_at")


def create_idempotency_table(client: Any, name: str) -> str:
    """The Powertools default idempotency schema: ``id`` (S) partition key, TTL ``expiration``."""
    return create_table(client, name, "id", None, "expiration")


def create_order_table(client: Any, name: str) -> str:
    return create_table(client, name, "order_id", "event_type", None)


@dataclass(frozen=True)
class ShipmentTables:
    """A fresh pair of tables for the shipment handler, with helpers to read them back."""

    client: Any
    events: str
    idempotency: str

    @classmethod
    def create(cls, client: Any) -> ShipmentTables:
        return cls(
            client=client,
            events=create_events_table(client, unique_name("events")),
            idempotency=create_idempotency_table(client, unique_name("idempotency")),
        )

    @property
    def environment(self) -> dict[str, str]:
        return {"EVENTS_TABLE_NAME": self.events, "IDEMPOTENCY_TABLE_NAME": self.idempotency}

    def events_items(self) -> list[dict[str, Any]]:
        return scan(self.client, self.events)

    def idempotency_items(self) -> list[dict[str, Any]]:
        return scan(self.client, self.idempotency)


def scan(client: Any, table: str) -> list[dict[str, Any]]:
    """Every item of ``table`` as plain Python values (numbers as ``Decimal``)."""
    deserializer = TypeDeserializer()
    items: list[dict[str, Any]] = []
    for page in client.get_paginator("scan").paginate(TableName=table, ConsistentRead=True):
        for item in page["Items"]:
            items.append({key: deserializer.deserialize(value) for key, value in item.items()})
    return items
