"""``PlatformContext``: what every component needs to know about its stack."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import pulumi

from components.core.settings import (
    CONFIG_NAMESPACE,
    DataClassification,
    StackSettings,
    Tier,
    TierProfile,
    load_stack_settings,
)
from components.core.severity import Severity
from components.core.tags import merge_tags, required_tags


@dataclass(frozen=True, kw_only=True)
class PlatformContext:
    """Stack settings, tier defaults, alarm topics and runbook location, passed to components.

    Every component takes it as its second argument: ``Component(name, context, args, opts)``.
    """

    settings: StackSettings
    profile: TierProfile
    alarm_topic_arns: Mapping[Severity, pulumi.Input[str]] = field(default_factory=dict)
    runbook_base_url: str = ""
    # The Auto Scaling service-linked role, when the program manages it: keys whose policy
    # names the role are created after it (KMS refuses a policy naming a missing role).
    autoscaling_role: pulumi.Resource | None = None

    def __post_init__(self) -> None:
        if not self.runbook_base_url:
            object.__setattr__(self, "runbook_base_url", self.settings.runbook_base_url)
        object.__setattr__(self, "runbook_base_url", self.runbook_base_url.rstrip("/"))
        object.__setattr__(self, "alarm_topic_arns", MappingProxyType(dict(self.alarm_topic_arns)))

    @property
    def project(self) -> str:
        return self.settings.project

    @property
    def environment(self) -> Tier:
        return self.settings.environment

    @property
    def name_prefix(self) -> str:
        """``<project>-<env>``, the start of every physical name."""
        return f"{self.settings.project}-{self.settings.environment.value}"

    @property
    def tags(self) -> dict[str, str]:
        """Required tags plus the stack's ``extraTags``; a fresh dict on every call."""
        return merge_tags(required_tags(self.settings), self.settings.extra_tags)

    def with_autoscaling_role(self, role: pulumi.Resource) -> PlatformContext:
        """A copy whose keys naming the Auto Scaling service-linked role depend on ``role``."""
        return dataclasses.replace(self, autoscaling_role=role)

    def with_alarm_topics(self, arns: Mapping[Severity, pulumi.Input[str]]) -> PlatformContext:
        """A copy whose alarms notify ``arns`` (e.g. ``AlarmTopics(...).arns``)."""
        return dataclasses.replace(self, alarm_topic_arns=arns)

    @classmethod
    def from_settings(
        cls,
        settings: StackSettings,
        *,
        alarm_topic_arns: Mapping[Severity, pulumi.Input[str]] | None = None,
    ) -> PlatformContext:
        return cls(
            settings=settings,
            profile=settings.profile,
            alarm_topic_arns=alarm_topic_arns or {},
            runbook_base_url=settings.runbook_base_url,
        )

    @classmethod
    def from_stack_config(
        cls,
        stack_file: str | None = None,
        *,
        alarm_topic_arns: Mapping[Severity, pulumi.Input[str]] | None = None,
        workload_keys: tuple[str, ...] = (),
    ) -> PlatformContext:
        """Read ``aws-platform`` config of the running stack (``Pulumi.<stack>.yaml``)."""
        stack_file = stack_file or f"Pulumi.{pulumi.get_stack()}.yaml"
        settings = load_stack_settings(
            pulumi.Config(CONFIG_NAMESPACE), stack_file, workload_keys=workload_keys
        )
        return cls.from_settings(settings, alarm_topic_arns=alarm_topic_arns)

    @classmethod
    def for_tests(
        cls,
        environment: str | Tier = "dev",
        *,
        alarm_topic_arns: Mapping[Severity, pulumi.Input[str]] | None = None,
        **overrides: Any,
    ) -> PlatformContext:
        """A valid context for unit tests; ``overrides`` replace ``StackSettings`` fields."""
        values: dict[str, Any] = {
            "project": "aws-platform",
            "environment": Tier(environment),
            "owner": "platform-team",
            "cost_center": "cc-1234",
            "data_classification": DataClassification.INTERNAL,
            "region": "us-east-1",
        }
        values.update(overrides)
        return cls.from_settings(StackSettings(**values), alarm_topic_arns=alarm_topic_arns)
