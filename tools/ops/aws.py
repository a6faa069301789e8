"""boto3 clients for the operator CLI: standard credential chain, region and endpoint."""

from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING, Any

import boto3
from botocore.config import Config

if TYPE_CHECKING:
    from mypy_boto3_events import EventBridgeClient
    from mypy_boto3_sqs import SQSClient

# Standard retry mode backs off on throttling; the CLI's own loops never retry a failed send.
_CONFIG = Config(retries={"mode": "standard", "max_attempts": 5})


# A new boto3 session parses each service's model again (JSON, megabytes for EC2) and resolves
# credentials again: about 0.1-0.25 s per client. One session per set of inputs (the region and
# profile asked for and every AWS_* variable, which is all boto3 reads besides the files those
# variables name) serves every client of the process. Sessions are not thread-safe; clients are
# (https://boto3.amazonaws.com/v1/documentation/api/latest/guide/clients.html#multithreading-or-multiprocessing-with-clients).
_SESSIONS: dict[tuple[object, ...], boto3.Session] = {}
_SESSIONS_LOCK = threading.Lock()


class AwsSetupError(Exception):
    """No region could be determined for the AWS clients."""


def region_setting(region: str | None) -> str | None:
    """The region to ask boto3 for: --region, else AWS_REGION, else None (boto3 then reads
    AWS_DEFAULT_REGION and the profile).

    botocore reads only AWS_DEFAULT_REGION, but AWS_REGION is the variable the AWS SDKs and
    Lambda use, and the AWS CLI lets it override AWS_DEFAULT_REGION and the profile's region:
    https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-envvars.html#envvars-list
    https://docs.aws.amazon.com/sdkref/latest/guide/feature-region.html
    """
    return region or os.environ.get("AWS_REGION", "").strip() or None


def session(*, region: str | None = None, profile: str | None = None) -> boto3.Session:
    """A boto3 session with a region (see `region_setting`); `AwsSetupError` without one."""
    environment = tuple(sorted((k, v) for k, v in os.environ.items() if k.startswith("AWS_")))
    key = (region_setting(region), profile, environment)
    with _SESSIONS_LOCK:
        found = _SESSIONS.get(key)
        if found is None:
            found = boto3.Session(region_name=key[0], profile_name=profile)
            if not found.region_name:
                raise AwsSetupError(
                    "no AWS region: pass --region or set AWS_REGION (or AWS_DEFAULT_REGION, "
                    "or a region in the AWS profile)"
                )
            _SESSIONS[key] = found
    return found


def _client(service: str, region: str | None, profile: str | None) -> Any:
    found = session(region=region, profile=profile)
    with _SESSIONS_LOCK:
        return found.client(service, config=_CONFIG)


def client(service: str, *, region: str | None = None, profile: str | None = None) -> Any:
    """A client for `service`; boto3 honours AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_<SERVICE>."""
    return _client(service, region, profile)


def sqs_client(*, region: str | None = None, profile: str | None = None) -> SQSClient:
    """An SQS client; boto3 honours AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_SQS itself."""
    sqs: SQSClient = _client("sqs", region, profile)
    return sqs


def events_client(*, region: str | None = None, profile: str | None = None) -> EventBridgeClient:
    """An EventBridge client; boto3 honours AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_EVENTBRIDGE."""
    events: EventBridgeClient = _client("events", region, profile)
    return events
