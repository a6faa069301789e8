"""Privilege escalation: the action combinations cloudsplaining knows, and the IAM actions that
let a role change its own permissions.

cloudsplaining's ``PolicyDocument.allows_privilege_escalation`` reports the Rhino Security Labs
methods (``PassExistingRoleToNewLambdaThenInvoke`` = iam:PassRole + lambda:CreateFunction +
lambda:InvokeFunction, ...) a document grants on ``Resource: "*"``. It reads only the literal
``*``, so the pack first rewrites every resource that names every resource of a kind
(``arn:aws:iam::*:role/*``, NotResource) to ``*``.
"""

from __future__ import annotations

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
    statements = [
        widened
        for s in document.statements
        if s.denies  # cloudsplaining subtracts Deny statements itself
        # An allow limited to tagged resources (ABAC) reaches only those: not widened.
        or (s.allows and not scoped_by_resource_tags(s))
        if (widened := _widened(dict(canonical(s))))["Resource"]
    ]
    text = json.dumps({"Version": "2012-10-17", "Statement": statements}, sort_keys=True)
    return _methods(text)
