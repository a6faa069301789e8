"""One moto server per session; every test gets a clean backend and real boto3 clients.

The CLI and its modules build their own clients from the environment (AWS_ENDPOINT_URL,
AWS_DEFAULT_REGION, credentials), exactly as an operator's shell would: nothing is patched.
"""

from __future__ import annotations

import logging
import socket
import urllib.request
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from moto.server import ThreadedMotoServer

from tools.ops import aws

if TYPE_CHECKING:
    from mypy_boto3_events import EventBridgeClient
    from mypy_boto3_sqs import SQSClient

logging.getLogger("werkzeug").setLevel(logging.CRITICAL)

REGION = "us-east-1"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    with pytest.MonkeyPatch.context() as patch:
        for name in ("AWS_PROFILE", "AWS_REGION", "AWS_ENDPOINT_URL_SQS"):
            patch.delenv(name, raising=False)
        patch.setenv("AWS_ENDPOINT_URL", endpoint)
        patch.setenv("AWS_DEFAULT_REGION", REGION)
        patch.setenv("AWS_ACCESS_KEY_ID", "testing")
        patch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        patch.setenv("AWS_SESSION_TOKEN", "testing")
        try:
            yield endpoint
        finally:
            server.stop()


@pytest.fixture(autouse=True)
def _clean_moto(request: pytest.FixtureRequest) -> None:
    if "moto_endpoint" in request.fixturenames:
        endpoint = request.getfixturevalue("moto_endpoint")
        urllib.request.urlopen(
            urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST")
        ).close()


@pytest.fixture
def sqs(moto_endpoint: str) -> SQSClient:
    return aws.sqs_client()


@pytest.fixture
def events(moto_endpoint: str) -> EventBridgeClient:
    return aws.events_client()
