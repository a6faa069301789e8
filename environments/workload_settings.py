"""Workload settings of the reference platform: tier defaults < the stack file's overrides.

The platform-wide keys (environment, owner, tags, alarm e-mail) are parsed by
``components.core.settings``; this module parses the workload keys it declares in
``WORKLOAD_KEYS`` and reports every problem at once, naming the key and the stack file.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from components import (
    ACM_CERTIFICATE_ARN,
    CONFIG_NAMESPACE,
    ProblemCollector,
    Tier,
    ipv4_network,
)
from environments.placeholders import placeholder_problems

__all__ = [
    "WORKLOAD_KEYS",
    "ConsumerSettings",
    "WorkloadSettings",
    "parse_workload_settings",
]


@dataclass(frozen=True, kw_only=True)
class ConsumerSettings:
    """Sizing of one queue consumer (an ``IdempotentQueueConsumer``)."""

    memory_size_mb: int
    timeout_seconds: int
    reserved_concurrency: int
    batch_size: int
    maximum_concurrency: int


# Seed 003's numbers are the prod defaults (512 MB, 60 s, reserved concurrency 5, batch 10);
# dev and staging scale them down.
_SHIPMENT_CONSUMER: Mapping[Tier, ConsumerSettings] = {
    Tier.DEV: ConsumerSettings(
        memory_size_mb=256,
        timeout_seconds=30,
        reserved_concurrency=2,
        batch_size=10,
        maximum_concurrency=2,
    ),
    Tier.STAGING: ConsumerSettings(
        memory_size_mb=512,
        timeout_seconds=60,
        reserved_concurrency=3,
        batch_size=10,
        maximum_concurrency=3,
    ),
    Tier.PROD: ConsumerSettings(
        memory_size_mb=512,
        timeout_seconds=60,
        reserved_concurrency=5,
        batch_size=10,
        maximum_concurrency=5,
    ),
}

_ORDER_CONSUMER: Mapping[Tier, ConsumerSettings] = {
    tier: dataclasses.replace(settings, memory_size_mb=256, timeout_seconds=30)
    for tier, settings in _SHIPMENT_CONSUMER.items()
}


@dataclass(frozen=True, kw_only=True)
class WorkloadSettings:
    """Everything the reference workloads read from the stack file, tier defaults applied.

    Attributes:
        certificate_arn: ACM certificate of the tracking API's HTTPS listener.
        allowed_ingress_cidrs: CIDRs the tracking API's load balancer admits on 443 and 80.
        alb_access_logs_bucket: S3 bucket (with the ELB log-delivery bucket policy) that
            receives the load balancer's access logs; usually the account's central log bucket.
        tracking_api_image: container image of the tracking API.
        golden_ami_parameter: SSM parameter the golden-image pipeline publishes the AMI id to.
        pinned_ami_id: AMI id that overrides the parameter (rollback).
        shipment_consumer: sizing of the shipment-events consumer.
        order_consumer: sizing of each order fan-out consumer.
        cost_assumptions: workload volumes for ``make cost`` (read by tools.cost too).
    """

    certificate_arn: str
    allowed_ingress_cidrs: tuple[str, ...]
    alb_access_logs_bucket: str
    tracking_api_image: str
    golden_ami_parameter: str
    pinned_ami_id: str | None
    shipment_consumer: ConsumerSettings
    order_consumer: ConsumerSettings
    cost_assumptions: Mapping[str, float]


WORKLOAD_KEYS: tuple[str, ...] = (
    "certificateArn",
    "allowedIngressCidrs",
    "albAccessLogsBucket",
    "trackingApiImage",
    "goldenAmiParameter",
    "pinnedAmiId",
    "shipmentConsumer",
    "orderConsumer",
    "costAssumptions",
)

_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_AMI = re.compile(r"^ami-[0-9a-f]{8,17}$")
_CONSUMER_FIELDS = {
    "memoryMb": "memory_size_mb",
    "timeoutSeconds": "timeout_seconds",
    "reservedConcurrency": "reserved_concurrency",
    "batchSize": "batch_size",
    "maximumConcurrency": "maximum_concurrency",
}
DEFAULT_IMAGE = "public.ecr.aws/nginx/nginx:1.27"
DEFAULT_AMI_PARAMETER = "/golden-ami/reconciliation/latest"


def _add(problems: ProblemCollector, key: str, message: str) -> None:
    """Record ``message`` about the stack file's ``aws-platform:<key>``."""
    problems.add(f"{CONFIG_NAMESPACE}:{key}: {message}")


def _json(raw: Any, key: str, problems: ProblemCollector, expected: type, what: str) -> Any:
    """``raw`` decoded from JSON when it is a string; one problem and None unless it is an
    ``expected`` (``what`` says so in the message)."""
    value = raw
    if isinstance(raw, str):
        try:
            value = json.loads(raw)
        except ValueError:
            value = None
    if not isinstance(value, expected):
        _add(problems, key, f"wrong type, expected {what}")
        return None
    return value


def _consumer(
    raw: Any, key: str, default: ConsumerSettings, problems: ProblemCollector
) -> ConsumerSettings:
    if raw is None:
        return default
    value = _json(raw, key, problems, Mapping, f"a JSON object with {', '.join(_CONSUMER_FIELDS)}")
    if value is None:
        return default
    overrides: dict[str, int] = {}
    for name, item in value.items():
        field_name = _CONSUMER_FIELDS.get(name)
        if field_name is None:
            _add(problems, f"{key}.{name}", f"unknown key (known: {', '.join(_CONSUMER_FIELDS)})")
        elif not isinstance(item, int) or isinstance(item, bool) or item < 1:
            _add(
                problems, f"{key}.{name}", f"wrong type, expected a positive integer, got {item!r}"
            )
        else:
            overrides[field_name] = item
    return dataclasses.replace(default, **overrides)


def parse_workload_settings(
    workload_config: Mapping[str, Any],
    tier: Tier,
    stack_file: str,
    *,
    platform_config: Mapping[str, str | None] | None = None,
) -> WorkloadSettings:
    """Parse the workload keys of one stack; raise ``StackConfigError`` listing every problem.

    ``platform_config`` holds the platform keys that may carry placeholders (``alarmEmail``,
    ``alarmHttpsEndpoint``, ``runbookBaseUrl``); in staging and prod a placeholder in any of
    them or in the workload keys is one more problem (``environments.placeholders``).
    """
    problems = ProblemCollector.for_stack_file(stack_file)
    for key, message in placeholder_problems(tier, {**(platform_config or {}), **workload_config}):
        _add(problems, key, message)

    certificate = workload_config.get("certificateArn")
    if not isinstance(certificate, str) or not ACM_CERTIFICATE_ARN.match(certificate):
        _add(problems, "certificateArn", f"missing or not an ACM certificate ARN: {certificate!r}")

    cidrs_raw = _json(
        workload_config.get("allowedIngressCidrs", "[]"),
        "allowedIngressCidrs",
        problems,
        list,
        "a JSON list of CIDR strings",
    )
    cidrs: tuple[str, ...] = ()
    if cidrs_raw is not None:
        cidrs = tuple(str(c) for c in cidrs_raw)
        for cidr in cidrs:
            network = ipv4_network(cidr)
            if network is None:
                _add(problems, "allowedIngressCidrs", f"{cidr!r} is not an IPv4 CIDR")
            elif network.prefixlen == 0:
                _add(problems, "allowedIngressCidrs", f"{cidr!r} admits the whole internet")
        if not cidrs:
            _add(problems, "allowedIngressCidrs", "missing value: name the networks the API serves")

    bucket = workload_config.get("albAccessLogsBucket")
    if not isinstance(bucket, str) or not _BUCKET.match(bucket):
        _add(problems, "albAccessLogsBucket", f"missing or not an S3 bucket name: {bucket!r}")

    pinned = workload_config.get("pinnedAmiId")
    if pinned is not None and (not isinstance(pinned, str) or not _AMI.match(pinned)):
        _add(problems, "pinnedAmiId", f"not an AMI id: {pinned!r}")

    assumptions_raw = _json(
        workload_config.get("costAssumptions", "{}"),
        "costAssumptions",
        problems,
        Mapping,
        "a JSON object of numbers",
    )
    assumptions: dict[str, float] = {}
    for name, value in (assumptions_raw or {}).items():
        if isinstance(value, int | float) and not isinstance(value, bool) and value >= 0:
            assumptions[name] = float(value)
        else:
            _add(problems, f"costAssumptions.{name}", f"expected a number >= 0, got {value!r}")

    settings = WorkloadSettings(
        certificate_arn=str(certificate),
        allowed_ingress_cidrs=cidrs,
        alb_access_logs_bucket=str(bucket),
        tracking_api_image=str(workload_config.get("trackingApiImage") or DEFAULT_IMAGE),
        golden_ami_parameter=str(
            workload_config.get("goldenAmiParameter") or DEFAULT_AMI_PARAMETER
        ),
        pinned_ami_id=pinned,
        shipment_consumer=_consumer(
            workload_config.get("shipmentConsumer"),
            "shipmentConsumer",
            _SHIPMENT_CONSUMER[tier],
            problems,
        ),
        order_consumer=_consumer(
            workload_config.get("orderConsumer"), "orderConsumer", _ORDER_CONSUMER[tier], problems
        ),
        cost_assumptions=assumptions,
    )
    problems.raise_if_any()
    return settings
