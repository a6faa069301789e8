"""The `Rule` record every policy of the pack is declared with, and its pulumi_policy adapter.

A rule module (``policies/rules/<service>.py``) declares rules with the `resource_rule` and
`stack_rule` decorators and exports them as ``RULES: list[Rule]``. The decorated function reads
plain, unknown-aware data (`Resource` / `Stack`) and yields violation messages (resource rules)
or `Finding`s (stack rules); it never sees pulumi_policy's proxies.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy import (
    Severity as PolicySeverity,
)

from .convert import resource_props, stack_resources
from .stack import Stack, StackResource
from .values import Props


class Severity(StrEnum):
    """How bad a violation is (maps to pulumi_policy's Severity)."""

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class Category(StrEnum):
    """What a rule protects; it sets the default enforcement."""

    SECURITY = "security"
    DATA_LOSS = "data-loss"
    RELIABILITY = "reliability"
    COST = "cost"
    HYGIENE = "hygiene"


class Enforcement(StrEnum):
    """Default enforcement of a rule (a stack's policy config may change it)."""

    MANDATORY = "mandatory"
    ADVISORY = "advisory"


DEFAULT_ENFORCEMENT: Mapping[Category, Enforcement] = {
    Category.SECURITY: Enforcement.MANDATORY,
    Category.DATA_LOSS: Enforcement.MANDATORY,
    Category.RELIABILITY: Enforcement.MANDATORY,
    Category.COST: Enforcement.ADVISORY,
    Category.HYGIENE: Enforcement.ADVISORY,
}


@dataclass(frozen=True)
class Resource:
    """The resource a resource rule judges: type, name, URN, plain props, and the props of its
    provider (empty for the default provider, whose config the pack cannot see)."""

    type: str
    name: str
    urn: str
    props: Props
    provider: Props = field(default_factory=lambda: Props(None))


@dataclass(frozen=True)
class Context:
    """Per-call settings: the rule's policy config merged over its defaults."""

    config: Mapping[str, Any]


@dataclass(frozen=True)
class Finding:
    """One stack-rule violation, on a resource (`urn`) or on the whole stack (None)."""

    message: str
    urn: str | None = None

    @classmethod
    def on(cls, resource: StackResource, message: str) -> Finding:
        return cls(message, resource.urn)


ResourceCheck = Callable[[Resource, Context], Iterable[str]]
StackCheck = Callable[[Stack, Context], Iterable[Finding]]
Remediation = Callable[[Resource, Context], Mapping[str, Any] | None]


@dataclass(frozen=True, kw_only=True)
class Rule:
    """Metadata and logic of one policy.

    `anchors` are ids of the equivalent rules elsewhere (``AwsSolutions-SQS2``, ``CKV_AWS_27``,
    ``SH SQS.1``, ``Srv:SQSRedrivePolicy``, ``crp:...``, ``xtra:...``) or ``seed:<file>`` /
    ``stack-gap`` for rules none of them has. `unknown` says what the rule does when a value it
    needs is unknown during a preview (it must never report a violation on an unknown).
    `decided_by` names the library whose judgement the rule reports (``detect-secrets``...),
    or ``hand-written`` when the rule's own code decides.
    """

    name: str
    description: str
    severity: Severity
    category: Category
    rationale: str
    fix: str
    unknown: str
    anchors: tuple[str, ...] = ()
    resource_types: tuple[str, ...] = ()
    enforcement: Enforcement | None = None
    config_schema: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    config_defaults: Mapping[str, Any] = field(default_factory=dict)
    check: ResourceCheck | StackCheck
    remediate: Remediation | None = None
    decided_by: str = "hand-written"

    @property
    def kind(self) -> str:
        return "resource" if self.resource_types else "stack"

    @property
    def default_enforcement(self) -> Enforcement:
        return self.enforcement or DEFAULT_ENFORCEMENT[self.category]

    def __post_init__(self) -> None:
        problems = []
        for attr in ("name", "description", "rationale", "fix", "unknown"):
            if not str(getattr(self, attr)).strip():
                problems.append(f"{attr}: must not be empty")
        if self.name != self.name.lower() or " " in self.name or self.name == "all":
            problems.append("name: use lower-case kebab-case (and not 'all')")
        if self.remediate is not None and not self.resource_types:
            problems.append("remediate: only resource rules can remediate")
        if problems:
            raise ValueError(f"rule {self.name!r}: " + "; ".join(problems))

    def to_policy(self) -> ResourceValidationPolicy | StackValidationPolicy:
        """The pulumi_policy object that runs this rule."""
        common: dict[str, Any] = {
            "name": self.name,
            "description": self.description,
            "enforcement_level": EnforcementLevel(self.default_enforcement.value),
            "severity": PolicySeverity(self.severity.value),
            "remediation_steps": self.fix,
            "tags": [self.category.value],
        }
        if self.config_schema:
            common["config_schema"] = PolicyConfigSchema(
                properties={k: dict(v) for k, v in self.config_schema.items()}
            )
        if self.resource_types:
            policy_kwargs: dict[str, Any] = {"validate": self._validate_resource}
            if self.remediate is not None:
                policy_kwargs["remediate"] = self._remediate_resource
            return ResourceValidationPolicy(**common, **policy_kwargs)
        return StackValidationPolicy(**common, validate=self._validate_stack)

    def _context(self, config: Mapping[str, Any]) -> Context:
        merged = dict(self.config_defaults)
        merged.update({k: v for k, v in config.items() if k != "enforcementLevel"})
        return Context(merged)

    def _resource(self, args: ResourceValidationArgs) -> Resource | None:
        if args.resource_type not in self.resource_types and "*" not in self.resource_types:
            return None
        provider = resource_props(args.provider.props) if args.provider is not None else Props(None)
        return Resource(
            args.resource_type, args.name, args.urn, resource_props(args.props), provider
        )

    def _validate_resource(self, args: ResourceValidationArgs, report: ReportViolation) -> None:
        resource = self._resource(args)
        if resource is None:
            return
        check: ResourceCheck = self.check  # type: ignore[assignment]
        for message in check(resource, self._context(args.get_config())):
            report(message, None)

    def _remediate_resource(self, args: ResourceValidationArgs) -> Mapping[str, Any] | None:
        resource = self._resource(args)
        if resource is None or self.remediate is None:
            return None
        return self.remediate(resource, self._context(args.get_config()))

    def _validate_stack(self, args: StackValidationArgs, report: ReportViolation) -> None:
        stack = stack_resources(args.resources)
        check: StackCheck = self.check  # type: ignore[assignment]
        for finding in check(stack, self._context(args.get_config())):
            report(finding.message, finding.urn)


def resource_rule(
    *,
    name: str,
    types: Iterable[str],
    description: str,
    severity: Severity,
    category: Category,
    rationale: str,
    fix: str,
    unknown: str = "Skips the check while a value it needs is unknown.",
    anchors: Iterable[str] = (),
    enforcement: Enforcement | None = None,
    config_schema: Mapping[str, Mapping[str, Any]] | None = None,
    config_defaults: Mapping[str, Any] | None = None,
    remediate: Remediation | None = None,
    decided_by: str = "hand-written",
) -> Callable[[ResourceCheck], Rule]:
    """Declare a rule over resources of `types` (``"*"`` for every type).

    `remediate`, when given, returns the resource's new props (or None to leave it) and runs
    when a stack sets the policy's enforcement level to ``remediate``.
    """

    def wrap(check: ResourceCheck) -> Rule:
        return Rule(
            name=name,
            description=description,
            severity=severity,
            category=category,
            rationale=rationale,
            fix=fix,
            unknown=unknown,
            anchors=tuple(anchors),
            resource_types=tuple(types),
            enforcement=enforcement,
            config_schema=dict(config_schema or {}),
            config_defaults=dict(config_defaults or {}),
            check=check,
            remediate=remediate,
            decided_by=decided_by,
        )

    return wrap


def stack_rule(
    *,
    name: str,
    description: str,
    severity: Severity,
    category: Category,
    rationale: str,
    fix: str,
    unknown: str = "Skips a link between resources while the reference that makes it is unknown.",
    anchors: Iterable[str] = (),
    enforcement: Enforcement | None = None,
    config_schema: Mapping[str, Mapping[str, Any]] | None = None,
    config_defaults: Mapping[str, Any] | None = None,
    decided_by: str = "hand-written",
) -> Callable[[StackCheck], Rule]:
    """Declare a rule over the whole stack (cross-resource)."""

    def wrap(check: StackCheck) -> Rule:
        return Rule(
            name=name,
            description=description,
            severity=severity,
            category=category,
            rationale=rationale,
            fix=fix,
            unknown=unknown,
            anchors=tuple(anchors),
            enforcement=enforcement,
            config_schema=dict(config_schema or {}),
            config_defaults=dict(config_defaults or {}),
            check=check,
            decided_by=decided_by,
        )

    return wrap
