"""The AWS account a resource is deployed into, as far as the request shows it, so that rules
about cross-account access know the stack's own account without being configured.

Sources, each one a fact of the provider or of IAM rather than a guess:
- the provider's ``allowedAccountIds`` (the provider refuses to run in any other account) and
  the role it assumes (``assumeRole.roleArn`` / ``assumeRoles[].roleArn``: the resources are
  created with that role, in its account) -- pulumi-aws provider configuration reference;
- for a role, the customer-managed policies it attaches and its permissions boundary: IAM only
  attaches managed policies of the role's own account (or AWS-managed ones, account ``aws``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from .rule import Resource
from .values import Props, parse_json

_ARN_ACCOUNT = re.compile(r"^arn:aws[\w-]*:[\w-]+:[\w-]*:(\d{12}):")
_ACCOUNT_ID = re.compile(r"^\d{12}$")


def _values(value: Any) -> list[Any]:
    """A list from a list, a JSON-encoded list (stack config is text) or a single value."""
    if isinstance(value, str):
        parsed = parse_json(value)
        value = parsed if isinstance(parsed, list | dict) else value
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def arn_account(arn: object) -> str | None:
    """The 12-digit account of an ARN (None for AWS-managed ARNs and non-ARNs)."""
    match = _ARN_ACCOUNT.match(arn) if isinstance(arn, str) else None
    return match.group(1) if match else None


def _provider_accounts(provider: Props) -> Iterable[str]:
    for account in _values(provider.get("allowedAccountIds")):
        if isinstance(account, str | int) and _ACCOUNT_ID.match(str(account)):
            yield str(account)
    for key in ("assumeRole", "assumeRoles"):
        for role in _values(provider.get(key)):
            if isinstance(role, dict) and (account := arn_account(role.get("roleArn"))):
                yield account


def own_accounts(resource: Resource) -> frozenset[str]:
    """Account ids the resource is known to be deployed into (usually one, often none)."""
    found = set(_provider_accounts(resource.provider))
    if resource.type == "aws:iam/role:Role":
        arns = [*_values(resource.props.get("managedPolicyArns"))]
        arns.append(resource.props.get("permissionsBoundary"))
        found.update(a for a in map(arn_account, arns) if a)
    return frozenset(found)
