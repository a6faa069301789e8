"""What a key policy must give each AWS service integration that uses the key (pack side).

The pack judges programs that never used ``components/``, so it keeps its own copy of the
facts that ``components/core/kms.py`` renders into key policies; a test checks that both
agree. Names are those of ``components.core.kms.KeyUse``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from .policy_document import PolicyDocument, Statement

__all__ = ["KEY_INTEGRATIONS", "KeyIntegration", "integration_problems"]

_SOURCE_KEYS = frozenset({"aws:sourceaccount", "aws:sourcearn"})
_ENCRYPTION_CONTEXT = "kms:encryptioncontext"


@dataclass(frozen=True)
class KeyIntegration:
    """The key-policy needs of one integration, with the AWS page that documents them."""

    service: str  # the service principal that calls KMS
    actions: tuple[str, ...]  # every action it calls on the key
    source: str
    # Actions it calls without an encryption context: a statement conditioned on one never
    # matches them (kms:DescribeKey).
    without_encryption_context: tuple[str, ...] = ()
    # Condition keys its calls do not carry: a statement requiring one never matches.
    unsupported_condition_keys: frozenset[str] = frozenset()


KEY_INTEGRATIONS: Mapping[str, KeyIntegration] = MappingProxyType(
    {
        "events-bus": KeyIntegration(
            service="events.amazonaws.com",
            actions=("kms:DescribeKey", "kms:GenerateDataKey", "kms:Decrypt"),
            without_encryption_context=("kms:DescribeKey",),
            source="https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-encryption-key-policy.html",
        ),
        "events-archive": KeyIntegration(
            service="events.amazonaws.com",
            actions=(
                "kms:DescribeKey",
                "kms:GenerateDataKey",
                "kms:Decrypt",
                "kms:ReEncryptFrom",
                "kms:ReEncryptTo",
            ),
            without_encryption_context=("kms:DescribeKey",),
            source="https://docs.aws.amazon.com/eventbridge/latest/userguide/encryption-archives.html",
        ),
        "sqs-from-events": KeyIntegration(
            service="events.amazonaws.com",
            actions=("kms:GenerateDataKey", "kms:Decrypt"),
            unsupported_condition_keys=_SOURCE_KEYS,
            source="https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-sqs-permissions",
        ),
        "sns-from-events": KeyIntegration(
            service="events.amazonaws.com",
            actions=("kms:GenerateDataKey", "kms:Decrypt"),
            unsupported_condition_keys=_SOURCE_KEYS,
            source="https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services",
        ),
    }
)


def _unsatisfiable(statement: Statement, integration: KeyIntegration, action: str) -> str | None:
    """Why ``statement`` can never match ``integration``'s call of ``action`` (None if it can)."""
    keys = statement.condition_keys()
    unsupported = sorted(keys & integration.unsupported_condition_keys)
    if unsupported:
        return f"only under {', '.join(unsupported)}, which these calls do not carry"
    if action in integration.without_encryption_context and any(
        key.startswith(_ENCRYPTION_CONTEXT) for key in keys
    ):
        return "only under an encryption-context condition, which this call never carries"
    return None


def integration_problems(
    documents: Iterable[PolicyDocument], integration: KeyIntegration
) -> list[str]:
    """One message per action ``integration`` needs that no satisfiable statement allows."""
    statements = [
        s
        for document in documents
        for s in document.statements
        if s.allows
        and (integration.service in s.principal_values("Service") or s.has_wildcard_principal)
    ]
    problems: list[str] = []
    for action in integration.actions:
        covering = [s for s in statements if s.covers_action(action)]
        reasons = [_unsatisfiable(s, integration, action) for s in covering]
        if any(reason is None for reason in reasons):
            continue
        found = next((r for r in reasons if r), None)
        problems.append(
            f"{action} for {integration.service}: "
            + (f"granted {found}" if found else "not granted")
        )
    return problems
