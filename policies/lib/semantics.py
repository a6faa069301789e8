"""What a policy statement means: whom it admits, whether a condition narrows it, and which
resources it names.

policyuniverse decides whether a principal or a condition value is open to the internet
(``Statement.is_internet_accessible`` and ``is_condition_internet_accessible``: ``*``, an ARN with
account ``*``, ``o-*``, a ``/0`` CIDR). The pack adds what policyuniverse does not model:

- A condition only narrows a statement when its operator fails on a request that lacks the key.
  ``...IfExists`` passes when the key is absent, and ``ForAllValues:`` passes on an empty set, so
  neither narrows (IAM User Guide, "Condition operators": "...IfExists" and "Multivalued context
  keys"). Negated operators (``StringNotEquals``, ``ArnNotLike``, ``NotIpAddress``), ``Null`` and
  ``Bool`` never name a caller. policyuniverse counts every ``...IfExists`` and ``ForAllValues``
  entry as narrowing; the pack drops them first.
- Conditions are ANDed (IAM User Guide, "Condition element": "multiple condition operators ... are
  evaluated using a logical AND"), so one narrowing condition is enough; policyuniverse reports a
  statement as open as soon as any one entry is open.
- Keys policyuniverse does not know: ``aws:SourceOrgID`` / ``aws:SourceOrgPaths`` (the
  confused-deputy keys for service principals, IAM User Guide "AWS global condition context
  keys") and ``sts:ExternalId``; a value made only of wildcards does not narrow them.

Every answer is cached per statement: documents repeat across resources and stacks.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from .policy_document import Statement

# Operators whose match names a value; everything else (negations, Null, Bool, dates, numbers
# other than equality) cannot name a caller.
_NAMING_OPERATORS = frozenset(
    {
        "stringequals",
        "stringequalsignorecase",
        "stringlike",
        "arnequals",
        "arnlike",
        "ipaddress",
        "numericequals",
    }
)

# Keys that narrow a statement to known callers (the caller's identity, account, organization or
# network) in addition to the ones policyuniverse maps (aws:SourceArn, aws:SourceAccount,
# aws:SourceOwner, aws:PrincipalArn, aws:PrincipalAccount, aws:PrincipalOrgID,
# aws:PrincipalOrgPaths, kms:CallerAccount, aws:userid, aws:SourceIp, aws:SourceVpc,
# aws:SourceVpce, saml:aud).
_EXTRA_CALLER_KEYS = frozenset({"aws:sourceorgid", "aws:sourceorgpaths", "sts:externalid"})

# Keys that tie a service principal's request to our own resources or accounts: the
# confused-deputy keys (IAM User Guide, "The confused deputy problem": aws:SourceArn,
# aws:SourceAccount, aws:SourceOrgID, aws:SourceOrgPaths; aws:SourceOwner is SNS's older form).
SOURCE_KEYS = frozenset(
    {
        "aws:sourcearn",
        "aws:sourceaccount",
        "aws:sourceowner",
        "aws:sourceorgid",
        "aws:sourceorgpaths",
    }
)

# Keys that tie a cross-account trust to a known caller.
CROSS_ACCOUNT_KEYS = frozenset(
    {"sts:externalid", "aws:principalorgid", "aws:principalarn", "aws:principalorgpaths"}
)


@dataclass(frozen=True)
class Condition:
    """One condition entry: operator as written, key in lower case, its values."""

    operator: str
    key: str
    values: tuple[str, ...]

    @property
    def narrows(self) -> bool:
        """Whether the operator fails when the key is missing and names values (see module doc)."""
        return operator_narrows(self.operator)


def operator_narrows(operator: str) -> bool:
    """True for operators that fail on a request without the key and compare for equality."""
    op = operator.lower()
    if op.endswith("ifexists") or op.startswith("forallvalues:"):
        return False
    base = op.split(":", 1)[1] if op.startswith("foranyvalue:") else op
    return base in _NAMING_OPERATORS


def conditions(statement: Statement) -> Iterator[Condition]:
    """Every condition entry of a statement."""
    for operator, block in statement.conditions.items():
        for key, values in block.items():
            yield Condition(operator, key, values)


def _only_wildcards(value: str) -> bool:
    return value.strip("*?") == ""


def _plain_operator(operator: str) -> str:
    """The operator without its ForAnyValue prefix, in the spelling policyuniverse matches."""
    base = operator.split(":", 1)[1] if ":" in operator else operator
    return base


@lru_cache(maxsize=4096)
def _condition_names_caller(operator: str, key: str, values: tuple[str, ...]) -> bool:
    """Whether one narrowing condition entry names a caller no wider than one account/org."""
    from policyuniverse.statement import Statement as PuStatement

    probe = PuStatement(
        {
            "Effect": "Allow",
            "Principal": "*",
            "Condition": {_plain_operator(operator): {key: list(values)}},
        }
    )
    if probe.condition_entries:  # a key policyuniverse knows: it judges the values
        return not probe.is_condition_internet_accessible()
    if key in _EXTRA_CALLER_KEYS:
        return bool(values) and not any(
            _only_wildcards(v) or (key.startswith("aws:sourceorg") and v.startswith("o-*"))
            for v in values
        )
    return False


def value_names_caller(key: str, value: str) -> bool:
    """Whether ``StringEquals``/``ArnLike`` on `key` with `value` names a caller no wider than one
    account or organization (``arn:aws:events:*:*:rule/*`` does not)."""
    operator = "ArnLike" if key.lower() in ("aws:sourcearn", "aws:principalarn") else "StringLike"
    return _condition_names_caller(operator, key.lower(), (value,))


def scoping_conditions(statement: Statement, keys: Iterable[str] | None = None) -> list[Condition]:
    """The conditions that really narrow the statement to known callers.

    With `keys`, only conditions on those keys count (e.g. `SOURCE_KEYS`)."""
    wanted = frozenset(k.lower() for k in keys) if keys is not None else None
    return [
        c
        for c in conditions(statement)
        if c.narrows
        and (wanted is None or c.key in wanted)
        and _condition_names_caller(c.operator, c.key, c.values)
    ]


@lru_cache(maxsize=4096)
def _principal_open(principal_json: str) -> bool:
    from policyuniverse.statement import Statement as PuStatement

    raw = json.loads(principal_json)
    return bool(PuStatement({"Effect": "Allow", **raw}).is_internet_accessible())


def _principal_block(statement: Statement) -> dict[str, Any]:
    if statement.not_principals:
        return {"NotPrincipal": {k: list(v) for k, v in statement.not_principals.items()}}
    principal: Any = {k: list(v) for k, v in statement.principals.items() if k != "*"}
    if "*" in statement.principals:
        principal = "*"
    return {"Principal": principal}


def principal_admits_anyone(principal: str) -> bool:
    """A principal string (``*``, ``arn:aws:iam::*:root``, an account id, a service) that admits
    every AWS account, by policyuniverse."""
    return _principal_open(json.dumps({"Principal": principal}))


def admits_anyone(statement: Statement) -> bool:
    """The principal alone admits every AWS account: ``*``, ``{"AWS": "*"}``, an ARN with account
    ``*`` (``arn:aws:iam::*:root``), or an Allow with NotPrincipal (policyuniverse)."""
    if not statement.allows:
        return False
    block = _principal_block(statement)
    if not statement.not_principals and not statement.principals:
        return False
    return _principal_open(json.dumps(block, sort_keys=True))


def is_public(statement: Statement) -> bool:
    """An Allow that admits every AWS account and has no condition naming the caller."""
    return admits_anyone(statement) and not scoping_conditions(statement)


def service_principals(statement: Statement) -> tuple[str, ...]:
    """Service principals the statement admits (``sns.amazonaws.com``)."""
    return statement.principal_values("Service")


def unscoped_service_principals(statement: Statement) -> tuple[str, ...]:
    """Service principals of an Allow with no aws:SourceArn / SourceAccount / SourceOrgID /
    SourceOrgPaths condition that narrows them (confused deputy)."""
    if not statement.allows:
        return ()
    services = service_principals(statement)
    if not services or scoping_conditions(statement, SOURCE_KEYS):
        return ()
    return services


# --- federated (web identity) trusts -------------------------------------------------------

# Token claims that identify the workload for each kind of web-identity provider: `sub` for OIDC
# providers (IAM User Guide, "Create a role for OpenID Connect federation": "we recommend that you
# ... specify the sub"), `aud` plus `amr` for Cognito identity pools (Cognito Developer Guide,
# "Role trust and permissions").
_COGNITO = "cognito-identity.amazonaws.com"
_SUB_TOO_WIDE = re.compile(r"^[^*?]*:$")  # "repo:" or "system:serviceaccount:" before the `*`


def _provider_host(principal: str) -> str | None:
    """``token.actions.githubusercontent.com`` from the provider ARN, the host itself for a bare
    host (``cognito-identity.amazonaws.com``), None when the ARN does not show it."""
    if ":oidc-provider/" in principal:
        return principal.split(":oidc-provider/", 1)[1].lower()
    return None if principal.startswith("arn:") else principal.lower()


def _pinned(values: tuple[str, ...]) -> bool:
    for value in values:
        literal = re.split(r"[*?]", value, maxsplit=1)[0]
        if not literal or ("*" in value and _SUB_TOO_WIDE.match(literal)):
            return False
    return bool(values)


def federated_problems(statement: Statement) -> Iterator[str]:
    """What a web-identity trust fails to pin: every OIDC provider's ``sub`` (or Cognito's
    ``aud``) under a narrowing operator with values that name one workload. While the provider
    ARN does not show its host, a ``<host>:sub`` claim of any host counts."""
    if not statement.allows:
        return
    for principal in statement.principal_values("Federated"):
        if ":saml-provider/" in principal:
            continue  # SAML trusts are judged by SAML:aud, which the console adds itself
        host = _provider_host(principal)
        claim = "aud" if host == _COGNITO else "sub"
        pinned = [
            c
            for c in conditions(statement)
            if c.narrows
            and _pinned(c.values)
            and (c.key == f"{host}:{claim}" if host else c.key.endswith(f":{claim}"))
        ]
        if not pinned:
            yield (
                f"trusts the identity provider {principal} without pinning the token's `{claim}`"
                f" claim to one workload (StringEquals/StringLike on `{host or '<provider>'}:"
                f"{claim}`; `aud` alone admits every token the provider issues for that audience)"
            )


# --- resources ----------------------------------------------------------------------------


# Resource kinds AWS creates at run time (an Auto Scaling group's instances and their volumes and
# interfaces, an ECS service's tasks): a program cannot name them, so ``instance/*`` in one
# account is as narrow as a static policy gets (AWS's Session Manager instance policy uses `*`).
# Kinds whose id AWS assigns when the resource is created (Service Authorization Reference, the
# ARN formats: instance/${InstanceId}, elastic-ip/${AllocationId},
# event-source-mapping:${UUID}, scalable-target/${ScalableTargetId}, ...): no program can name
# one before it exists.
_RUNTIME_KINDS = frozenset(
    {
        ("ec2", "instance"),
        ("ec2", "volume"),
        ("ec2", "network-interface"),
        *(
            ("ec2", kind)
            for kind in (
                "elastic-ip",
                "vpc",
                "subnet",
                "route-table",
                "internet-gateway",
                "natgateway",
                "security-group",
                "security-group-rule",
                "vpc-endpoint",
                "vpc-flow-log",
                "launch-template",
                "network-acl",
            )
        ),
        ("ecs", "task"),
        ("lambda", "event-source-mapping"),
        ("application-autoscaling", "scalable-target"),
    }
)


_RESOURCE_TAG = re.compile(r"^[a-z0-9-]+:resourcetag/.+$")


def scoped_by_resource_tags(statement: Statement) -> bool:
    """Attribute-based access: a narrowing condition on a resource tag (``aws:ResourceTag/Team``,
    ``ec2:ResourceTag/Project``) with exact values limits an ARN pattern to tagged resources (IAM
    User Guide, "Define permissions based on attributes with ABAC authorization")."""
    return any(
        c.narrows and _RESOURCE_TAG.match(c.key) and not any("*" in v for v in c.values or ("*",))
        for c in conditions(statement)
    )


def is_broad_resource(resource: str, *, runtime_kinds: bool = True) -> bool:
    """True for ``*`` and ARNs that name every resource of a kind: the resource part is only
    wildcards after its type (``table/*``, ``secret:*``, ``function:*``, ``role/*``,
    ``arn:aws:kms:*:*:*``), or for S3 the bucket part is (``arn:aws:s3:::*``,
    ``arn:aws:s3:::*/*``; ``arn:aws:s3:::orders/*`` names one bucket's objects). With
    ``runtime_kinds=False``, kinds created at run time in one named account
    (``arn:aws:ec2:<region>:<account>:instance/*``) are not broad: a program cannot name them."""
    if _only_wildcards(resource):
        return True
    parts = resource.split(":", 5)
    if len(parts) < 6:
        return "*" in resource
    service, account, tail = parts[2].lower(), parts[4], parts[5]
    if _only_wildcards(service) or _only_wildcards(tail):
        return True
    kind = (service, re.split(r"[/:]", tail, maxsplit=1)[0])
    if not runtime_kinds and account.isdigit() and kind in _RUNTIME_KINDS:
        return False
    if service == "s3":
        return _only_wildcards(tail.split("/", 1)[0])
    cut = re.search(r"[/:]", tail)  # the resource type ends at the first separator
    return cut is not None and _only_wildcards(tail[cut.end() :])


def arn_matches(pattern: str, arn: str) -> bool:
    """Whether an IAM resource pattern (``*`` and ``?`` wildcards, per ARN field) covers `arn`."""
    if _only_wildcards(pattern):
        return True
    return re.fullmatch(_arn_regex(pattern), arn, flags=re.IGNORECASE) is not None


@lru_cache(maxsize=2048)
def _arn_regex(pattern: str) -> str:
    return "".join(".*" if ch == "*" else "." if ch == "?" else re.escape(ch) for ch in pattern)


def canonical(statement: Statement) -> Mapping[str, Any]:
    """The statement as IAM JSON (for the libraries that read documents)."""
    out: dict[str, Any] = {"Effect": statement.effect}
    if statement.actions:
        out["Action"] = list(statement.actions)
    if statement.not_actions:
        out["NotAction"] = list(statement.not_actions)
    if statement.resources:
        out["Resource"] = list(statement.resources)
    if statement.not_resources:
        out["NotResource"] = list(statement.not_resources)
    if statement.principals or statement.not_principals:
        out.update(_principal_block(statement))
    if statement.conditions:
        out["Condition"] = {
            op: {k: list(v) for k, v in block.items()} for op, block in statement.conditions.items()
        }
    return out
