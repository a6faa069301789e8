"""boto3 clients for the operator CLI: standard credential chain, region and endpoint."""

from __future__ import annotations

from typing import TYPE_CHECKING

import boto3
from botocore.config import Config

if TYPE_CHECKING:
    from mypy_boto3_events import EventBridgeClient
    from mypy_boto3_sqs import SQSClient

# Standard retry mode backs off on throttling; the CLI's own loops never retry a failed send.
_CONFIG = Config(retries={"mode": "standard", "max_attempts": 5})


class AwsSetupError(Exception):
    """No region could be determined for the AWS clients."""


def _session(region: str | None, profile: str | None) -> boto3.Session:
    session = boto3.Session(region_name=region, profile_name=profile)
    if not session.region_name:
        raise AwsSetupError("no AWS region: pass --region or set AWS_REGION")
    return session


def sqs_client(*, region: str | None = None, profile: str | None = None) -> SQSClient:
    """An SQS client; boto3 honours AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_SQS itself."""
    return _session(region, profile).client("sqs", config=_CONFIG)


def events_client(*, region: str | None = None, profile: str | None = None) -> EventBridgeClient:
    """An EventBridge client; boto3 honours AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_EVENTBRIDGE."""
    return _session(region, profile).client("events", config=_CONFIG)
