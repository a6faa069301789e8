"""What a key policy must give each AWS service integration that uses the key (pack side).

The pack judges programs that never used ``components/``, so it keeps its own copy of the
facts that ``components/core/kms.py`` renders into key policies; a test checks that both
agree. Names are those of ``components.core.kms.KeyUse``.

A key policy is judged the way KMS evaluates it for the integration's calls (IAM User Guide,
"Policy evaluation logic",
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html): an
action is usable when an Allow statement admits the service principal with conditions the call
can satisfy, and no explicit Deny that certainly applies to the call covers it ("an explicit
deny in any policy overrides any allows"). A condition is decided only on keys the call is
known not to carry; any other condition counts as satisfiable for an Allow and as not
certainly applying for a Deny, so the pack never reports what it cannot prove.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from .policy_document import PolicyDocument, Statement

__all__ = ["KEY_INTEGRATIONS", "KeyIntegration", "integration_problems", "service_principal"]

_SOURCE_KEYS = frozenset({"aws:sourceaccount", "aws:sourcearn"})
_ENCRYPTION_CONTEXT = "kms:encryptioncontext"


@dataclass(frozen=True)
class KeyIntegration:
    """The key-policy needs of one integration, with the AWS page that documents them."""

    # The service principal that calls KMS; a template over {region} and {dns_suffix} for
    # regional principals (CloudWatch Logs), filled by `service_principal`.
    service: str
    actions: tuple[str, ...]  # every action it calls on the key
    source: str
    # Actions it calls without an encryption context: a statement conditioned on one never
    # matches them (kms:DescribeKey).
    without_encryption_context: tuple[str, ...] = ()
    # Condition keys its calls do not carry: a statement requiring one never matches.
    unsupported_condition_keys: frozenset[str] = frozenset()
    # For integrations where the account's own IAM principals call KMS through a service
    # (service is then ""): that service's name; the calls carry kms:ViaService
    # "<via_service>.<region>.<dns suffix>" (AWS KMS Developer Guide, "kms:ViaService",
    # https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service).
    via_service: str = ""


_EVENTS = "events.amazonaws.com"
_PRODUCER = ("kms:GenerateDataKey", "kms:Decrypt")

KEY_INTEGRATIONS: Mapping[str, KeyIntegration] = MappingProxyType(
    {
        "events-bus": KeyIntegration(
            service=_EVENTS,
            actions=("kms:DescribeKey", "kms:GenerateDataKey", "kms:Decrypt"),
            without_encryption_context=("kms:DescribeKey",),
            source="https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-encryption-key-policy.html",
        ),
        "events-archive": KeyIntegration(
            service=_EVENTS,
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
            service=_EVENTS,
            actions=_PRODUCER,
            unsupported_condition_keys=_SOURCE_KEYS,
            source="https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-sqs-permissions",
        ),
        "sns-from-events": KeyIntegration(
            service=_EVENTS,
            actions=_PRODUCER,
            unsupported_condition_keys=_SOURCE_KEYS,
            source="https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services",
        ),
        # SNS encrypts each message for an encrypted queue subscription with the queue's key:
        # sns.amazonaws.com needs kms:GenerateDataKey and kms:Decrypt (aws:SourceArn /
        # aws:SourceAccount are supported there, so a statement may be scoped by them).
        "sqs-from-sns": KeyIntegration(
            service="sns.amazonaws.com",
            actions=_PRODUCER,
            source="https://docs.aws.amazon.com/sns/latest/dg/sns-enable-encryption-for-topic-sqs-queue-subscriptions.html",
        ),
        # CloudWatch alarms publishing to an encrypted topic: cloudwatch.amazonaws.com needs
        # kms:GenerateDataKey* and kms:Decrypt on the topic's key.
        "sns-from-cloudwatch": KeyIntegration(
            service="cloudwatch.amazonaws.com",
            actions=_PRODUCER,
            source="https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services",
        ),
        # A log group with kmsKeyId: the regional principal logs.<region>.amazonaws.com needs
        # kms:Encrypt*, kms:Decrypt*, kms:ReEncrypt*, kms:GenerateDataKey* and kms:Describe*
        # (scoped by kms:EncryptionContext:aws:logs:arn); CreateLogGroup / AssociateKmsKey fail
        # without them. The global logs.amazonaws.com is not that principal.
        "logs": KeyIntegration(
            service="logs.{region}.{dns_suffix}",
            actions=(
                "kms:Encrypt",
                "kms:Decrypt",
                "kms:ReEncryptFrom",
                "kms:ReEncryptTo",
                "kms:GenerateDataKey",
                "kms:DescribeKey",
            ),
            source="https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html",
        ),
        # A table encrypted with a customer-managed key: DynamoDB uses the key on behalf of the
        # account's principals (kms:ViaService dynamodb.<region>.amazonaws.com), which need
        # kms:Encrypt, kms:Decrypt, kms:ReEncrypt*, kms:GenerateDataKey*, kms:DescribeKey and
        # kms:CreateGrant; CreateTable fails without them.
        "dynamodb": KeyIntegration(
            service="",
            via_service="dynamodb",
            actions=(
                "kms:Encrypt",
                "kms:Decrypt",
                "kms:ReEncryptFrom",
                "kms:ReEncryptTo",
                "kms:GenerateDataKey",
                "kms:DescribeKey",
                "kms:CreateGrant",
            ),
            source="https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/encryption.usagenotes.html",
        ),
        # Lambda environment variables encrypted with a customer-managed key: the account's
        # principals need kms:Encrypt, kms:Decrypt, kms:DescribeKey and kms:CreateGrant through
        # lambda.<region>.amazonaws.com.
        "lambda": KeyIntegration(
            service="",
            via_service="lambda",
            actions=("kms:Encrypt", "kms:Decrypt", "kms:DescribeKey", "kms:CreateGrant"),
            source="https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars-encryption.html",
        ),
    }
)


def _suffix(region: str) -> str:
    return "amazonaws.com.cn" if region.startswith("cn-") else "amazonaws.com"


def service_principal(integration: KeyIntegration, region: str | None) -> str | None:
    """The integration's service principal in `region` (None when it is regional and the region
    is not known). China Regions use the amazonaws.com.cn suffix (AWS General Reference,
    "Service endpoints", https://docs.aws.amazon.com/general/latest/gr/rande.html)."""
    if "{region}" not in integration.service:
        return integration.service
    if not region:
        return None
    return integration.service.format(region=region, dns_suffix=_suffix(region))


def _missing_key_verdict(operator: str, values: tuple[str, ...]) -> bool:
    """Whether one condition entry holds for a request that lacks its key (IAM User Guide,
    "IAM JSON policy elements: Condition operators",
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html:
    a missing key makes a condition false, except negated operators (true), ``...IfExists``
    (true) and ``Null`` (true when it asks for ``true``); "Single-valued vs. multivalued
    context keys",
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html:
    ``ForAllValues:`` is true and ``ForAnyValue:`` false on a missing key)."""
    op = operator.lower()
    if op.startswith("forallvalues:"):
        return True
    if op.startswith("foranyvalue:"):
        return False
    if op == "null":
        return any(v.lower() == "true" for v in values)
    if op.endswith("ifexists"):
        return True
    return "not" in op  # StringNotEquals, ArnNotLike, NotIpAddress, ...


_NEGATED = {
    "stringnotequals": "stringequals",
    "stringnotequalsignorecase": "stringequalsignorecase",
    "stringnotlike": "stringlike",
}


def _known_value_verdict(operator: str, values: tuple[str, ...], actual: str) -> bool | None:
    """Whether a string condition entry holds when the call's key has the single value
    `actual` (IAM User Guide, "String condition operators",
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_String:
    values of one key are ORed; a negated operator holds when no value matches). None for
    operators the pack does not evaluate."""
    op = operator.lower()
    if op.endswith("ifexists"):
        op = op.removesuffix("ifexists")  # the key is present: IfExists changes nothing
    negated = op in _NEGATED
    op = _NEGATED.get(op, op)
    if op == "stringequals":
        matched = actual in values
    elif op == "stringequalsignorecase":
        matched = actual.lower() in {v.lower() for v in values}
    elif op == "stringlike":
        matched = any(fnmatch.fnmatchcase(actual, v) for v in values)
    else:
        return None
    return not matched if negated else matched


def _missing_keys(integration: KeyIntegration, action: str, key: str) -> bool:
    """Whether the integration's call of `action` certainly lacks condition key `key`. KMS puts
    an encryption context only on cryptographic operations (AWS KMS Developer Guide,
    "kms:EncryptionContext:context-key",
    https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-encryption-context)."""
    if key in integration.unsupported_condition_keys:
        return True
    return action in integration.without_encryption_context and key.startswith(_ENCRYPTION_CONTEXT)


def _verdicts(
    statement: Statement, integration: KeyIntegration, action: str, region: str | None
) -> list[tuple[str, bool | None]]:
    """(key, verdict) per condition entry: True/False when the call decides it, else None."""
    via = (
        f"{integration.via_service}.{region}.{_suffix(region)}"
        if integration.via_service and region
        else None
    )
    out: list[tuple[str, bool | None]] = []
    for operator, block in statement.conditions.items():
        for key, values in block.items():
            if _missing_keys(integration, action, key):
                out.append((key, _missing_key_verdict(operator, values)))
            elif key == "kms:viaservice" and via is not None:
                out.append((key, _known_value_verdict(operator, values, via)))
            else:
                out.append((key, None))
    return out


def _names_service(statement: Statement, service: str) -> bool:
    """Whether the statement's principal covers `service` (by name, ``*``, ``{"AWS": "*"}``, or
    a NotPrincipal that does not exempt it). An empty `service` stands for the account's IAM
    principals: any AWS principal counts (the pack cannot tell which role deploys or uses the
    resource, so it never reports a grant to some role as missing)."""
    service = service.lower()
    if not service:
        if statement.not_principals:
            return True
        return bool(statement.principal_values("AWS")) or statement.has_wildcard_principal
    if statement.not_principals:
        exempt = {v.lower() for v in statement.not_principals.get("Service", ())}
        return service not in exempt
    named = {v.lower() for v in statement.principal_values("Service")}
    return service in named or statement.has_wildcard_principal


def _unsatisfiable(
    statement: Statement, integration: KeyIntegration, action: str, region: str | None
) -> str | None:
    """Why the Allow ``statement`` can never match ``integration``'s call of ``action``."""
    verdicts = _verdicts(statement, integration, action, region)
    failing = sorted({key for key, verdict in verdicts if verdict is False})
    if not failing:
        return None
    if all(key.startswith(_ENCRYPTION_CONTEXT) for key in failing) and (
        action in integration.without_encryption_context
    ):
        return "only under an encryption-context condition, which this call never carries"
    if failing == ["kms:viaservice"]:
        return "only under a kms:ViaService condition these calls do not match"
    return f"only under {', '.join(failing)}, which these calls do not carry"


def _certainly_denies(
    statement: Statement, integration: KeyIntegration, action: str, region: str | None
) -> bool:
    """Whether the Deny ``statement`` applies to every one of the integration's calls of
    ``action``: no condition, or only conditions the call is known to satisfy."""
    verdicts = _verdicts(statement, integration, action, region)
    return all(verdict is True for _, verdict in verdicts)


def integration_problems(
    documents: Iterable[PolicyDocument],
    integration: KeyIntegration,
    *,
    region: str | None = None,
) -> list[str]:
    """One message per action ``integration`` needs that no satisfiable statement allows, or
    that a Deny revokes. `region` fills a regional service principal; without it such an
    integration has no problems (the caller decides whether that is undecided)."""
    service = service_principal(integration, region)
    if service is None or (integration.via_service and not region):
        return []
    who = service or f"the account's principals through {integration.via_service}"
    statements = [s for document in documents for s in document.statements]
    allows = [s for s in statements if s.allows and _names_service(s, service)]
    denies = [s for s in statements if s.denies and _names_service(s, service)]
    problems: list[str] = []
    for action in integration.actions:
        deny = next(
            (
                s
                for s in denies
                if s.covers_action(action) and _certainly_denies(s, integration, action, region)
            ),
            None,
        )
        if deny is not None:
            sid = f" ({deny.sid})" if deny.sid else ""
            problems.append(f"{action} for {who}: denied by a Deny statement{sid}")
            continue
        covering = [s for s in allows if s.covers_action(action)]
        reasons = [_unsatisfiable(s, integration, action, region) for s in covering]
        if any(reason is None for reason in reasons):
            continue
        found = next((r for r in reasons if r), None)
        problems.append(f"{action} for {who}: " + (f"granted {found}" if found else "not granted"))
    return problems
