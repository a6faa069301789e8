"""SSM Parameter Store rules."""

from __future__ import annotations

from collections.abc import Iterable

from ..lib.rule import Category, Context, Resource, Severity, resource_rule
from ..lib.secrets import describe, secrets_in_variable
from ..lib.values import Unknown

PARAMETER = "aws:ssm/parameter:Parameter"


@resource_rule(
    name="ssm-parameter-secrets-are-secure-strings",
    types=(PARAMETER,),
    description="Parameters whose value is a credential are SecureString, not String or"
    " StringList.",
    severity=Severity.HIGH,
    category=Category.SECURITY,
    rationale="String and StringList parameters are stored unencrypted and readable with"
    " ssm:GetParameter without kms:Decrypt; SecureString encrypts the value with KMS (AWS"
    " Systems Manager User Guide, 'Parameter types': SecureString for passwords and keys).",
    fix="Set type='SecureString' (with key_id of a customer-managed key), or keep the"
    " credential in Secrets Manager.",
    unknown="Skips the parameter while its type or value is unknown.",
    anchors=("stack-gap",),
    decided_by=("detect-secrets",),
)
def parameter_secrets_are_secure(resource: Resource, context: Context) -> Iterable[str]:
    kind = resource.props.string("type")
    name = resource.props.string("name")
    if isinstance(kind, Unknown) or kind == "SecureString":
        return
    # The last path segment names the value (/prod/orders/db_password -> db_password).
    leaf = name.rsplit("/", 1)[-1] if isinstance(name, str) else resource.name
    for field in ("value", "insecureValue"):
        value = resource.props.string(field)
        if isinstance(value, str) and (kinds := secrets_in_variable(leaf, value)):
            yield f"{kind} parameter {name or resource.name} holds {describe(kinds)}"


RULES = [parameter_secrets_are_secure]
