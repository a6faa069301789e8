"""Fixtures for the Lambda handlers: one moto server per session, fresh tables per test.

``handlers/`` goes on ``sys.path`` exactly as the Lambda runtime puts the asset root there, so
handler modules import as top-level modules (``import shipment_events``).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

HANDLERS_DIR = Path(__file__).resolve().parents[2] / "handlers"
if str(HANDLERS_DIR) not in sys.path:
    sys.path.insert(0, str(HANDLERS_DIR))

from moto_server import ShipmentTables, aws_environment, dynamodb, moto_server  # noqa: E402

# Variables from the developer's shell that would send the handlers somewhere else.
_STRAY_VARIABLES = (
    "AWS_PROFILE",
    "AWS_REGION",
    "AWS_ENDPOINT_URL_DYNAMODB",
    "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
    "POWERTOOLS_SERVICE_NAME",
    "POWERTOOLS_METRICS_NAMESPACE",
    "POWERTOOLS_IDEMPOTENCY_DISABLED",
    "IDEMPOTENCY_EXPIRY_SECONDS",
    "EVENTS_TTL_DAYS",
)


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """The endpoint URL of the session's moto server."""
    with moto_server() as url:
        yield url


@pytest.fixture
def aws(moto_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Point boto3 (and so the handlers) at moto; return a test-side DynamoDB client."""
    for name in _STRAY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in aws_environment(moto_endpoint).items():
        monkeypatch.setenv(name, value)
    return dynamodb(moto_endpoint)


@pytest.fixture
def shipment_tables(aws: Any, monkeypatch: pytest.MonkeyPatch) -> ShipmentTables:
    """Fresh events and idempotency tables, named in the handler's environment."""
    tables = ShipmentTables.create(aws)
    for name, value in tables.environment.items():
        monkeypatch.setenv(name, value)
    return tables
