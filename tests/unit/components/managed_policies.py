"""Shared assertion for components whose roles get customer-managed policies (no inline ones)."""

from __future__ import annotations

import json
from typing import Any

from tools.preview.program import ProgramRun, RegisteredResource

POLICY = "aws:iam/policy:Policy"
ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
INLINE = ("aws:iam/rolePolicy:RolePolicy",)


def managed_policy(
    run: ProgramRun,
    name: str,
    *,
    role: str,
    policy_name: str,
    description: str,
    tags: dict[str, str],
) -> tuple[dict[str, Any], RegisteredResource]:
    """Check policy ``name`` (physical ``policy_name``) is attached to role ``role`` alone by
    ``<name>-attachment``; return its parsed document and the attachment."""
    (policy,) = [r for r in run.of_type(POLICY) if r.name == name]
    (attachment,) = [r for r in run.of_type(ATTACHMENT) if r.name == f"{name}-attachment"]
    (role_resource,) = [r for r in run.of_type("aws:iam/role:Role") if r.name == role]
    assert policy.inputs["name"] == policy_name
    assert policy.inputs["description"] == description
    assert policy.inputs["tags"] == tags
    assert attachment.inputs == {
        "role": role_resource.inputs["name"],
        "policyArn": policy.outputs["arn"],
    }
    assert attachment.parent == policy.parent == role_resource.parent
    # Exclusive policy management on the role would fight the attachment.
    assert "inlinePolicies" not in role_resource.inputs
    assert "managedPolicyArns" not in role_resource.inputs
    assert [r for r in run.resources if r.type in INLINE] == []
    document: dict[str, Any] = json.loads(policy.inputs["policy"])
    return document, attachment
