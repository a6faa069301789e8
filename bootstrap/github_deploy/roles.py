"""A role GitHub Actions assumes, with its permissions as customer-managed policies."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

import pulumi
import pulumi_aws as aws

from components.core.iam import Statement, attach_managed_policy, validate_statements
from components.core.naming import Service, physical_name
from github_deploy.oidc import trust_policy_json

# IAM quota: a managed policy document holds at most 6,144 characters, whitespace excluded
# (IAM User Guide, "IAM and AWS STS quotas"); keep a margin for the rendered JSON.
MAX_POLICY_CHARACTERS = 6_000
NAME_PREFIX = "github-actions"


def _size(statement: Statement) -> int:
    return len(json.dumps(statement.to_dict(), separators=(",", ":")))


def chunk_statements(statements: Sequence[Statement]) -> list[list[Statement]]:
    """Statements grouped in order into documents that each fit one managed policy."""
    chunks: list[list[Statement]] = [[]]
    used = 0
    for statement in statements:
        size = _size(statement)
        if size > MAX_POLICY_CHARACTERS:
            raise ValueError(f"statement {statement.sid} alone exceeds one managed policy")
        if chunks[-1] and used + size > MAX_POLICY_CHARACTERS:
            chunks.append([])
            used = 0
        chunks[-1].append(statement)
        used += size
    return chunks


def github_role(
    name: str,
    *,
    provider_arn: pulumi.Input[str],
    subjects: Sequence[str],
    statements: Sequence[Statement],
    description: str,
    tags: Mapping[str, str],
) -> aws.iam.Role:
    """Role ``github-actions-<name>`` for ``subjects``, permissions in managed policies."""
    validate_statements(statements, component=f"role {name}")
    role_name = physical_name(NAME_PREFIX, name, Service.IAM_ROLE)
    role = aws.iam.Role(
        name,
        name=role_name,
        description=description,
        assume_role_policy=trust_policy_json(provider_arn, subjects),
        max_session_duration=3600,
        tags=dict(tags),
    )
    for index, chunk in enumerate(chunk_statements(statements), start=1):
        document = json.dumps({"Version": "2012-10-17", "Statement": [s.to_dict() for s in chunk]})
        attach_managed_policy(
            f"{name}-{index}",
            role,
            document,
            policy_name=physical_name(NAME_PREFIX, f"{name}-{index}", Service.IAM_POLICY),
            description=f"{description} ({index})",
            tags=tags,
            opts=pulumi.ResourceOptions(parent=role),
        )
    return role
