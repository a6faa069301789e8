"""IAM-style policy documents (queue, topic, bus, key and IAM policies) in one normal form.

Accepts a document as a dict, a JSON string, or the shape of ``aws.iam.get_policy_document``
arguments/results (lower-case ``statements`` with ``principals: [{type, identifiers}]`` and
``conditions: [{test, variable, values}]``). ``Action``/``Resource`` may be a string or a list,
``NotAction``/``NotResource``/``NotPrincipal`` are kept apart, principals may be ``"*"``, a
string, a list or a dict ``{"AWS": ..., "Service": ...}``.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from . import semantics
from .values import UNKNOWN, Unknown, contains_unknown, is_unknown, parse_json


def _strings(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list | tuple):
        return tuple(str(v) for v in value if isinstance(v, str | int | float))
    return ()


def _principals(value: Any) -> dict[str, tuple[str, ...]]:
    """{"AWS": (...), "Service": (...), ...}; "*" alone becomes {"*": ("*",)}."""
    if value is None:
        return {}
    if value == "*":
        return {"*": ("*",)}
    if isinstance(value, str | list):
        return {"AWS": _strings(value)}
    if isinstance(value, Mapping):
        return {str(k): _strings(v) for k, v in value.items()}
    return {}


def _lower_principals(value: Any) -> dict[str, tuple[str, ...]]:
    """get_policy_document's ``[{type, identifiers}]`` form."""
    out: dict[str, tuple[str, ...]] = {}
    for item in value if isinstance(value, list) else []:
        if isinstance(item, Mapping):
            kind = str(item.get("type", "AWS"))
            out[kind] = out.get(kind, ()) + _strings(item.get("identifiers"))
    return out


def _conditions(value: Any) -> dict[str, dict[str, tuple[str, ...]]]:
    """{operator: {key (lower case): values}} from either document form."""
    out: dict[str, dict[str, tuple[str, ...]]] = {}
    if isinstance(value, Mapping):
        for operator, block in value.items():
            if isinstance(block, Mapping):
                for key, values in block.items():
                    out.setdefault(str(operator), {})[str(key).lower()] = _strings(
                        [str(v).lower() if isinstance(v, bool) else v for v in values]
                        if isinstance(values, list)
                        else ([str(values).lower()] if isinstance(values, bool) else values)
                    )
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, Mapping):
                operator, key = str(item.get("test", "")), str(item.get("variable", "")).lower()
                out.setdefault(operator, {})[key] = _strings(item.get("values"))
    return out


def _action_matches(pattern: str, action: str) -> bool:
    return fnmatch.fnmatchcase(action.lower(), pattern.lower())


@dataclass(frozen=True)
class Statement:
    """One statement, every field normalised to tuples/dicts of strings."""

    effect: str
    actions: tuple[str, ...] = ()
    not_actions: tuple[str, ...] = ()
    resources: tuple[str, ...] = ()
    not_resources: tuple[str, ...] = ()
    principals: dict[str, tuple[str, ...]] = field(default_factory=dict)
    not_principals: dict[str, tuple[str, ...]] = field(default_factory=dict)
    conditions: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)
    sid: str | None = None

    @property
    def allows(self) -> bool:
        return self.effect.lower() == "allow"

    @property
    def denies(self) -> bool:
        return self.effect.lower() == "deny"

    def covers_action(self, action: str) -> bool:
        """Whether the statement applies to `action` (wildcards and NotAction honoured)."""
        if self.not_actions:
            return not any(_action_matches(p, action) for p in self.not_actions)
        return any(_action_matches(p, action) for p in self.actions)

    def action_patterns(self) -> tuple[str, ...]:
        """The Action patterns; a NotAction statement counts as ``*`` (it grants nearly all)."""
        return ("*",) if self.not_actions else self.actions

    def wildcard_actions(self) -> tuple[str, ...]:
        """Action patterns with a wildcard (``*``, ``sqs:*``, ``s3:Get*``); NotAction counts."""
        return tuple(a for a in self.action_patterns() if "*" in a or "?" in a)

    def principal_values(self, kind: str | None = None) -> tuple[str, ...]:
        """Principal identifiers of one kind ("AWS", "Service", ...), or of every kind."""
        if kind is None:
            return tuple(v for values in self.principals.values() for v in values)
        return self.principals.get(kind, ())

    @property
    def has_wildcard_principal(self) -> bool:
        """``Principal: "*"``, ``{"AWS": "*"}``, or a NotPrincipal (it admits everyone else)."""
        if self.not_principals:
            return True
        return "*" in self.principals.get("*", ()) or "*" in self.principals.get("AWS", ())

    def _every_principal(self) -> bool:
        """``Principal`` ``*`` or ``{"AWS": "*"}`` (a NotPrincipal exempts someone)."""
        return "*" in self.principals.get("*", ()) or "*" in self.principals.get("AWS", ())

    def condition_keys(self) -> frozenset[str]:
        """Every condition key (lower case) of the statement."""
        return frozenset(k for block in self.conditions.values() for k in block)

    def condition_values(self, key: str) -> tuple[str, ...]:
        """Values given for a condition key (lower-case match) under any operator."""
        key = key.lower()
        return tuple(v for block in self.conditions.values() for v in block.get(key, ()))

    @property
    def is_public(self) -> bool:
        """An Allow that admits every AWS account (``*``, ``arn:aws:iam::*:root``, NotPrincipal)
        with no condition that really names the caller (see `semantics`)."""
        return semantics.is_public(self)

    @property
    def requires_insecure_transport_deny(self) -> bool:
        """A Deny whenever ``aws:SecureTransport`` is false, for every principal: ``Bool`` or
        ``BoolIfExists`` on the key with ``false``, and no other condition (conditions are ANDed,
        so another key would limit the deny to some requests)."""
        if not self.denies or not self._every_principal():
            return False
        if self.condition_keys() != {"aws:securetransport"}:
            return False
        for operator, block in self.conditions.items():
            if operator.lower().startswith("bool") and "false" in [
                v.lower() for v in block.get("aws:securetransport", ())
            ]:
                return True
        return False


@dataclass(frozen=True)
class PolicyDocument:
    """A parsed policy document."""

    statements: tuple[Statement, ...]

    def allow_statements(self) -> tuple[Statement, ...]:
        return tuple(s for s in self.statements if s.allows)

    def denies_insecure_transport(self, action_prefix: str, action: str | None = None) -> bool:
        """True when a statement denies ``action`` (default: every `action_prefix` action)
        unless TLS is used."""
        probe = action or (f"{action_prefix}:SomeAction" if action_prefix else "any:Action")
        return any(
            s.requires_insecure_transport_deny and s.covers_action(probe) for s in self.statements
        )


def _statement(raw: Mapping[str, Any]) -> Statement:
    if raw and not any(k[:1].isupper() for k in raw):  # get_policy_document's argument form
        return Statement(
            effect=str(raw.get("effect") or "Allow"),
            actions=_strings(raw.get("actions")),
            not_actions=_strings(raw.get("notActions") or raw.get("not_actions")),
            resources=_strings(raw.get("resources")),
            not_resources=_strings(raw.get("notResources") or raw.get("not_resources")),
            principals=_lower_principals(raw.get("principals")),
            not_principals=_lower_principals(raw.get("notPrincipals") or raw.get("not_principals")),
            conditions=_conditions(raw.get("conditions")),
            sid=raw.get("sid") if isinstance(raw.get("sid"), str) else None,
        )
    return Statement(
        effect=str(raw.get("Effect") or "Allow"),
        actions=_strings(raw.get("Action")),
        not_actions=_strings(raw.get("NotAction")),
        resources=_strings(raw.get("Resource")),
        not_resources=_strings(raw.get("NotResource")),
        principals=_principals(raw.get("Principal")),
        not_principals=_principals(raw.get("NotPrincipal")),
        conditions=_conditions(raw.get("Condition")),
        sid=raw.get("Sid") if isinstance(raw.get("Sid"), str) else None,
    )


def parse_policy(value: Any) -> PolicyDocument | Unknown | None:
    """Parse a policy document property.

    Returns `UNKNOWN` when the document (or any part of it) is unknown during the preview, and
    None when it is missing or not a policy document at all.
    """
    if isinstance(value, str):
        return _parse_text(value)
    return _parse(parse_json(value))


@lru_cache(maxsize=1024)
def _parse_text(text: str) -> PolicyDocument | Unknown | None:
    """Documents arrive as the same JSON text on many resources: parse each text once."""
    return _parse(parse_json(text))


def _parse(data: Any) -> PolicyDocument | Unknown | None:
    if data is None:
        return None
    if is_unknown(data) or contains_unknown(data):
        return UNKNOWN
    if isinstance(data, Mapping) and "json" in data and "Statement" not in data:
        return parse_policy(data["json"])  # a get_policy_document result
    if not isinstance(data, Mapping):
        return None
    raw = data.get("Statement", data.get("statements"))
    if isinstance(raw, Mapping):
        raw = [raw]
    if not isinstance(raw, list):
        return None
    return PolicyDocument(tuple(_statement(s) for s in raw if isinstance(s, Mapping)))
