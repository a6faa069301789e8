"""boto3 clients for the handlers, resolved from the environment at call time.

The Lambda runtime imports a handler once and invokes it many times; tests and benchmarks set
``AWS_ENDPOINT_URL``/``AWS_DEFAULT_REGION`` before or after importing. Clients are therefore built
lazily on first use and rebuilt whenever a variable that shapes them changes. Endpoint and region
are left to boto3's own resolution (``AWS_ENDPOINT_URL``, ``AWS_ENDPOINT_URL_<SERVICE>``,
``AWS_DEFAULT_REGION``), so a handler talks to exactly what any other boto3 client would.
"""

from __future__ import annotations

import os
import threading
from typing import Any

import boto3
from botocore.config import Config

# An unreachable table must fail the record quickly, well inside the function timeout, so that
# SQS redelivers it; botocore's defaults (60 s read timeout, 3 attempts with back-off) do not.
FAST_FAIL_CONFIG = Config(
    connect_timeout=2,
    read_timeout=5,
    retries={"mode": "standard", "total_max_attempts": 2},
)

_ENVIRONMENT_INPUTS = ("AWS_ENDPOINT_URL", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_ACCESS_KEY_ID")

_lock = threading.Lock()
_clients: dict[tuple[str | None, ...], Any] = {}


def _cache_key(service: str) -> tuple[str | None, ...]:
    names = (*_ENVIRONMENT_INPUTS, f"AWS_ENDPOINT_URL_{service.upper()}")
    return (service, *(os.environ.get(name) for name in names))


def client(service: str) -> Any:
    """Return the boto3 client for ``service`` configured from the current environment."""
    key = _cache_key(service)
    with _lock:
        cached = _clients.get(key)
        if cached is None:
            cached = boto3.session.Session().client(service, config=FAST_FAIL_CONFIG)
            _clients[key] = cached
        return cached


def dynamodb_client() -> Any:
    """Return the DynamoDB client the handlers use; hook its ``meta.events`` to observe calls."""
    return client("dynamodb")
