"""Stack settings and the secure defaults of each tier (plain data, no Pulumi resources).

Resolution order everywhere: explicit component argument > stack config > tier default.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any

import pulumi

from components.core.errors import ProblemCollector
from components.core.tags import REQUIRED_TAG_KEYS, tag_problems

CONFIG_NAMESPACE = "aws-platform"
DEFAULT_PROJECT = "aws-platform"
DEFAULT_RUNBOOK_BASE_URL = "https://github.com/aws-platform/aws-platform/blob/main"


class Tier(StrEnum):
    """Environment tier; one Pulumi stack per tier."""

    DEV = "dev"
    STAGING = "staging"
    PROD = "prod"


class DataClassification(StrEnum):
    """Allowed values of the ``DataClassification`` tag."""

    PUBLIC = "public"
    INTERNAL = "internal"
    CONFIDENTIAL = "confidential"
    RESTRICTED = "restricted"


class NatGatewayStrategy(StrEnum):
    """NAT gateways of the VPC; values are awsx's ``NatGatewayStrategy`` names."""

    SINGLE = "Single"
    ONE_PER_AZ = "OnePerAz"


class StateKind(StrEnum):
    """Resources whose deletion loses data, so a refactor must not delete them in prod."""

    KEY = "key"  # deleting a key makes everything it encrypted unreadable
    TABLE = "table"
    QUEUE = "queue"  # queues and dead-letter queues (parked messages)
    ARCHIVE = "archive"  # the event archive replays come from
    LOG_GROUP = "log-group"


_ALL_STATE = frozenset(StateKind)


@dataclass(frozen=True, kw_only=True)
class TierProfile:
    """Secure defaults of one tier. Components read these unless the caller overrides them."""

    tier: Tier
    log_retention_days: int
    kms_deletion_window_days: int
    deletion_protection: bool
    point_in_time_recovery: bool
    archive_retention_days: int
    queue_retention_seconds: int
    dlq_retention_seconds: int
    # Alarm thresholds (see components.core.severity for what each severity means).
    queue_oldest_message_age_alarm_seconds: int
    queue_depth_alarm_messages: int
    dlq_depth_page_messages: int
    lambda_error_rate_alarm_percent: float
    latency_p95_alarm_ms: int
    # Capacity.
    lambda_reserved_concurrency: int
    service_min_capacity: int
    service_max_capacity: int
    asg_min_size: int
    asg_max_size: int
    az_count: int
    nat_gateways: NatGatewayStrategy
    # Lifecycle of stateful resources (the seeds: "RETAIN for production, DESTROY for dev"):
    # ``protect`` makes the engine refuse to delete or replace them; ``retain_on_delete``
    # leaves them in the account when Pulumi stops managing them.
    protected_state: frozenset[StateKind] = frozenset()
    retained_state: frozenset[StateKind] = frozenset()


_FOUR_DAYS = 4 * 24 * 3600
_FOURTEEN_DAYS = 14 * 24 * 3600

PROFILES: Mapping[Tier, TierProfile] = MappingProxyType(
    {
        Tier.DEV: TierProfile(
            tier=Tier.DEV,
            log_retention_days=14,
            kms_deletion_window_days=7,
            deletion_protection=False,
            point_in_time_recovery=True,
            archive_retention_days=7,
            queue_retention_seconds=_FOUR_DAYS,
            dlq_retention_seconds=_FOURTEEN_DAYS,
            queue_oldest_message_age_alarm_seconds=3600,
            queue_depth_alarm_messages=1000,
            dlq_depth_page_messages=100,
            lambda_error_rate_alarm_percent=10.0,
            latency_p95_alarm_ms=1000,
            lambda_reserved_concurrency=10,
            service_min_capacity=2,
            service_max_capacity=4,
            asg_min_size=2,
            asg_max_size=4,
            az_count=2,
            nat_gateways=NatGatewayStrategy.SINGLE,
        ),
        Tier.STAGING: TierProfile(
            tier=Tier.STAGING,
            log_retention_days=30,
            kms_deletion_window_days=14,
            deletion_protection=True,
            point_in_time_recovery=True,
            archive_retention_days=30,
            queue_retention_seconds=_FOUR_DAYS,
            dlq_retention_seconds=_FOURTEEN_DAYS,
            queue_oldest_message_age_alarm_seconds=900,
            queue_depth_alarm_messages=1000,
            dlq_depth_page_messages=100,
            lambda_error_rate_alarm_percent=10.0,
            latency_p95_alarm_ms=1000,
            lambda_reserved_concurrency=25,
            service_min_capacity=2,
            service_max_capacity=6,
            asg_min_size=2,
            asg_max_size=4,
            az_count=2,
            nat_gateways=NatGatewayStrategy.SINGLE,
        ),
        Tier.PROD: TierProfile(
            tier=Tier.PROD,
            log_retention_days=365,
            kms_deletion_window_days=30,
            deletion_protection=True,
            point_in_time_recovery=True,
            archive_retention_days=90,
            queue_retention_seconds=_FOUR_DAYS,
            dlq_retention_seconds=_FOURTEEN_DAYS,
            queue_oldest_message_age_alarm_seconds=300,
            queue_depth_alarm_messages=500,
            dlq_depth_page_messages=100,
            lambda_error_rate_alarm_percent=10.0,
            latency_p95_alarm_ms=1000,
            lambda_reserved_concurrency=100,
            service_min_capacity=3,
            service_max_capacity=12,
            asg_min_size=3,
            asg_max_size=9,
            az_count=3,
            nat_gateways=NatGatewayStrategy.ONE_PER_AZ,
            protected_state=_ALL_STATE,
            retained_state=frozenset({StateKind.KEY, StateKind.ARCHIVE}),
        ),
    }
)


@dataclass(frozen=True, kw_only=True)
class StackSettings:
    """Validated settings of one stack (config namespace ``aws-platform``)."""

    project: str
    environment: Tier
    owner: str
    cost_center: str
    data_classification: DataClassification
    region: str
    extra_tags: Mapping[str, str] = field(default_factory=dict)
    alarm_email: str | None = None
    alarm_https_endpoint: str | None = None
    runbook_base_url: str = DEFAULT_RUNBOOK_BASE_URL
    workload_config: Mapping[str, Any] = field(default_factory=dict)

    @property
    def profile(self) -> TierProfile:
        return PROFILES[self.environment]


# config key -> (required, kind)
_KEYS: Mapping[str, tuple[bool, str]] = {
    "environment": (True, "str"),
    "owner": (True, "str"),
    "costCenter": (True, "str"),
    "dataClassification": (True, "str"),
    "extraTags": (False, "object"),
    "alarmEmail": (False, "str"),
    "alarmHttpsEndpoint": (False, "str"),
    "runbookBaseUrl": (False, "str"),
}
KNOWN_KEYS: frozenset[str] = frozenset(_KEYS)

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_REGION = re.compile(r"^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$")
_PROJECT = re.compile(r"^[a-z][a-z0-9-]{0,30}[a-z0-9]$")


def _config_values(config: pulumi.Config) -> dict[str, Any]:
    """Every key of ``config``'s namespace that is set, bare key -> raw value (a string)."""
    prefix = f"{config.name}:"
    keys = set(pulumi.runtime.config.CONFIG.get()) | set(pulumi.runtime.config.get_config_env())
    values: dict[str, Any] = {}
    for full_key in sorted(keys):
        if full_key.startswith(prefix):
            bare = full_key[len(prefix) :]
            values[bare] = config.get(bare)
    return values


def _mapping_values(config: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Split a mapping into this namespace's bare keys and other namespaces' full keys."""
    own: dict[str, Any] = {}
    other: dict[str, Any] = {}
    prefix = f"{CONFIG_NAMESPACE}:"
    for key, value in config.items():
        if key.startswith(prefix):
            own[key[len(prefix) :]] = value
        elif ":" in key:
            other[key] = value
        else:
            own[key] = value
    return own, other


def load_stack_settings(
    config: pulumi.Config | Mapping[str, Any],
    stack_file: str,
    *,
    project: str | None = None,
    region: str | None = None,
    workload_keys: Collection[str] = (),
) -> StackSettings:
    """Parse and validate the stack's ``aws-platform`` config; report every problem at once.

    ``config`` is a ``pulumi.Config("aws-platform")`` or a plain mapping (bare keys such as
    ``owner``, or full keys such as ``aws-platform:owner`` and ``aws:region``). ``workload_keys``
    are additional keys the caller reads itself; their raw values land in ``workload_config``.
    The region comes from ``region``, else ``aws:region``. Raises ``StackConfigError``.
    """
    if isinstance(config, pulumi.Config):
        values = _config_values(config)
        region = region or pulumi.Config("aws").get("region")
        project = project or pulumi.get_project()
        from_pulumi = True
    else:
        values, other = _mapping_values(config)
        region = region or other.get("aws:region")
        project = project or DEFAULT_PROJECT
        from_pulumi = False

    problems = ProblemCollector.for_stack_file(stack_file)

    def key(name: str) -> str:
        return f"{CONFIG_NAMESPACE}:{name}"

    allowed = KNOWN_KEYS | frozenset(workload_keys)
    for name in sorted(set(values) - allowed):
        problems.add(f"{key(name)}: unknown key (known keys: {', '.join(sorted(allowed))})")

    parsed: dict[str, Any] = {}
    for name, (required, kind) in _KEYS.items():
        value = values.get(name)
        if value is None or value == "":
            if required:
                problems.add(f"{key(name)}: missing value")
            continue
        if kind == "object":
            if from_pulumi or isinstance(value, str):
                try:
                    value = json.loads(value)
                except (TypeError, ValueError):
                    problems.add(f"{key(name)}: wrong type, expected a JSON object")
                    continue
            if not isinstance(value, Mapping) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in value.items()
            ):
                problems.add(f"{key(name)}: wrong type, expected an object of string values")
                continue
            parsed[name] = dict(value)
        else:
            if not isinstance(value, str):
                problems.add(
                    f"{key(name)}: wrong type, expected a string, got {type(value).__name__}"
                )
                continue
            parsed[name] = value.strip()

    environment = parsed.get("environment")
    if environment is not None and environment not in Tier.__members__.values():
        tiers = ", ".join(t.value for t in Tier)
        problems.add(f"{key('environment')}: {environment!r} is not one of {tiers}")
    classification = parsed.get("dataClassification")
    if classification is not None and classification not in DataClassification.__members__.values():
        allowed_values = ", ".join(c.value for c in DataClassification)
        problems.add(
            f"{key('dataClassification')}: {classification!r} is not one of {allowed_values}"
        )
    email = parsed.get("alarmEmail")
    if email is not None and not _EMAIL.match(email):
        problems.add(f"{key('alarmEmail')}: {email!r} is not an email address")
    for url_key in ("alarmHttpsEndpoint", "runbookBaseUrl"):
        url = parsed.get(url_key)
        if url is not None and not url.startswith("https://"):
            problems.add(f"{key(url_key)}: {url!r} must start with https://")
    extra_tags = parsed.get("extraTags", {})
    for tag in sorted(set(extra_tags) & set(REQUIRED_TAG_KEYS)):
        problems.add(
            f"{key('extraTags')}: {tag!r} is a required tag set from the stack settings;"
            " it cannot be given in extraTags"
        )
    problems.extend(f"{key('extraTags')}: {p}" for p in tag_problems(extra_tags))
    if not region:
        problems.add("aws:region: missing value")
    elif not _REGION.match(region):
        problems.add(f"aws:region: {region!r} is not an AWS region name")
    if not _PROJECT.match(project):
        problems.add(f"project name {project!r}: must be 2-32 lowercase letters, digits or hyphens")

    problems.raise_if_any()
    return StackSettings(
        project=project,
        environment=Tier(parsed["environment"]),
        owner=parsed["owner"],
        cost_center=parsed["costCenter"],
        data_classification=DataClassification(parsed["dataClassification"]),
        region=str(region),
        extra_tags=MappingProxyType(extra_tags),
        alarm_email=parsed.get("alarmEmail"),
        alarm_https_endpoint=parsed.get("alarmHttpsEndpoint"),
        runbook_base_url=parsed.get("runbookBaseUrl", DEFAULT_RUNBOOK_BASE_URL).rstrip("/"),
        workload_config=MappingProxyType(
            {name: values[name] for name in sorted(workload_keys) if name in values}
        ),
    )
