"""Privilege escalation: the action combinations cloudsplaining knows, and the IAM actions that
let a role change its own permissions.

cloudsplaining's ``PolicyDocument.allows_privilege_escalation`` reports the Rhino Security Labs
methods (``PassExistingRoleToNewLambdaThenInvoke`` = iam:PassRole + lambda:CreateFunction +
lambda:InvokeFunction, ...) a document grants on ``Resource: "*"``. It reads only the literal
``*``, so the pack first rewrites every resource that names every resource of a kind
(``arn:aws:iam::*:role/*``, NotResource) to ``*``.

Its verdict depends only on which of the methods' actions a document allows, each action judged
on its own, but it expands ``Action: "*"`` and ``NotAction`` (on ``*``) to every IAM action
(~18,000) and looks each up: a tenth of a second or more per statement. The pack hands it each
statement narrowed to the methods' actions instead, which gives the same verdict
(`tests/policies/test_privilege_narrowing.py` compares both), except that an action pattern
matches as IAM matches it, without case and with `?` for one character
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html),
where cloudsplaining's expansion reads the service prefix with case and `?` literally.
"""

from __future__ import annotations

import fnmatch
import json
from functools import lru_cache
from typing import Any

from .policy_document import PolicyDocument
from .semantics import canonical, is_broad_resource, scoped_by_resource_tags

# Actions that change a role's own permissions when the resource is the role itself (IAM Service
# Authorization Reference: their resource type is `role`): attach or write a policy, rewrite who
# may assume it, or lift its permissions boundary. On a managed policy the role carries,
# iam:CreatePolicyVersion / iam:SetDefaultPolicyVersion rewrite its permissions too.
ROLE_SELF_ESCALATION_ACTIONS = (
    "iam:AttachRolePolicy",
    "iam:PutRolePolicy",
    "iam:UpdateAssumeRolePolicy",
    "iam:PutRolePermissionsBoundary",
    "iam:DeleteRolePermissionsBoundary",
)
POLICY_SELF_ESCALATION_ACTIONS = ("iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion")


def _is_arn(resource: str) -> bool:
    """cloudsplaining parses every resource as an ARN (policy_sentry `parse_arn`) and raises on
    anything else; a resource that is not an ARN matches nothing AWS has, so it is left out."""
    return resource.startswith("arn:") and resource.count(":") >= 5


def _widened(statement: dict[str, Any]) -> dict[str, Any]:
    resources = statement.pop("Resource", [])
    broad = "NotResource" in statement or any(is_broad_resource(r) for r in resources)
    statement.pop("NotResource", None)
    statement["Resource"] = "*" if broad else [r for r in resources if _is_arn(r)]
    return statement


@lru_cache(maxsize=1)
def _escalation_actions() -> tuple[str, ...]:
    """Every action of cloudsplaining's escalation methods, spelled as policy_sentry lists it."""
    from cloudsplaining.scan.statement_detail import ALL_ACTIONS
    from cloudsplaining.shared.constants import PRIVILEGE_ESCALATION_METHODS

    wanted = {a.lower() for actions in PRIVILEGE_ESCALATION_METHODS.values() for a in actions}
    return tuple(sorted(a for a in ALL_ACTIONS if a.lower() in wanted))


def _matches(action: str, patterns: list[str]) -> bool:
    """IAM action matching: case-insensitive, `*` and `?` wildcards (no character classes)."""
    name = action.lower()
    return any(fnmatch.fnmatchcase(name, p.lower().replace("[", "[[]")) for p in patterns)


def _narrowed(statement: dict[str, Any]) -> dict[str, Any] | None:
    """`statement` limited to the escalation methods' actions (None when it has none of them).

    Left as it is: NotAction on named resources, which cloudsplaining reads as the actions
    those ARNs take, and NotAction in a Deny, which it ignores; neither expands every action.
    """
    if "Action" in statement:
        patterns = statement["Action"]
        kept = [a for a in _escalation_actions() if _matches(a, patterns)]
    elif statement["Effect"] == "Allow" and statement["Resource"] == "*":
        patterns = statement.pop("NotAction")
        kept = [a for a in _escalation_actions() if not _matches(a, patterns)]
    else:
        return statement
    if not kept:
        return None
    statement["Action"] = kept
    return statement


@lru_cache(maxsize=512)
def _methods(document_json: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    from cloudsplaining.scan.policy_document import PolicyDocument as CsDocument

    found = CsDocument(json.loads(document_json)).allows_privilege_escalation
    return tuple((str(m["type"]), tuple(m["actions"])) for m in found)


def escalation_methods(document: PolicyDocument) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(method name, lower-case actions) of every escalation method cloudsplaining finds once
    broad resources read as ``*``."""
    if not any(
        s.allows and (s.not_resources or any(is_broad_resource(r) for r in s.resources))
        for s in document.statements
    ):
        return ()  # cloudsplaining judges `*` resources only: nothing to ask it
    return _methods(cloudsplaining_input(document))


def cloudsplaining_input(document: PolicyDocument, *, narrow: bool = True) -> str:
    """The document cloudsplaining is asked about (JSON): broad resources widened to ``*``, and
    with `narrow` each statement limited to the escalation methods' actions."""
    statements = []
    for s in document.statements:
        # cloudsplaining subtracts Deny statements itself; an allow limited to tagged
        # resources (ABAC) reaches only those: not widened.
        if not (s.denies or (s.allows and not scoped_by_resource_tags(s))):
            continue
        widened = _widened(dict(canonical(s)))
        if not widened["Resource"]:
            continue
        kept = _narrowed(widened) if narrow else widened
        if kept is not None:
            statements.append(kept)
    return json.dumps({"Version": "2012-10-17", "Statement": statements}, sort_keys=True)
