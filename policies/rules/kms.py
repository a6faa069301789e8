"""KMS rules: customer-managed keys and their key policies, and the stack rules on what uses a key
(integrations and producers it must admit, keys nothing uses).

IAM grants of decrypt on all keys are an IAM rule (`iam-policy-no-kms-decrypt-on-all-keys`, in
iam.py)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ..lib.key_integrations import KEY_INTEGRATIONS, integration_problems, service_principal
from ..lib.policy_document import PolicyDocument, parse_policy
from ..lib.rule import Category, Context, Finding, Resource, Severity, resource_rule, stack_rule
from ..lib.stack import Stack, StackResource
from ..lib.undecided import undecided
from ..lib.values import UNKNOWN, Unknown, is_unknown
from ._common import (
    AWS_MANAGED_KEY,
    COMPOSITE_ALARM,
    EVENT_ARCHIVE,
    EVENT_BUS,
    EVENT_TARGET,
    FUNCTION,
    KMS_ALIAS,
    KMS_KEY,
    KMS_KEY_POLICY,
    LOG_GROUP,
    METRIC_ALARM,
    QUEUE,
    SUBSCRIPTION,
    TABLE,
    TOPIC,
    key_documents,
    key_for,
    target_dead_letter_queues,
)

KEY = "aws:kms/key:Key"
REPLICA_KEY = "aws:kms/replicaKey:ReplicaKey"
KEY_POLICY = "aws:kms/keyPolicy:KeyPolicy"


@resource_rule(
    name="kms-key-rotation-enabled",
    types=(KEY,),
    description="Symmetric customer-managed keys rotate their key material automatically.",
    severity=Severity.MEDIUM,
    category=Category.SECURITY,
    rationale="Rotation limits how much data one key version protects (AwsSolutions-KMS5,"
    " awsguard cmk-backing-key-rotation-enabled, crp:aws-kms-key-enable-key-rotation,"
    " CKV_AWS_7, SH KMS.4).",
    fix="Set enable_key_rotation=True on the aws.kms.Key.",
    unknown="Skips the key while enableKeyRotation or its key spec is unknown.",
    anchors=(
        "AwsSolutions-KMS5",
        "awsguard:cmk-backing-key-rotation-enabled",
        "crp:aws-kms-key-enable-key-rotation",
        "CKV_AWS_7",
        "SH KMS.4",
    ),
)
def key_rotation_enabled(resource: Resource, context: Context) -> Iterable[str]:
    spec = resource.props.string("customerMasterKeySpec")
    usage = resource.props.string("keyUsage")
    rotation = resource.props.flag("enableKeyRotation")
    if isinstance(spec, Unknown) or isinstance(usage, Unknown) or isinstance(rotation, Unknown):
        return
    if (spec or "SYMMETRIC_DEFAULT") != "SYMMETRIC_DEFAULT" or (
        usage or "ENCRYPT_DECRYPT"
    ) != "ENCRYPT_DECRYPT":
        return  # asymmetric and HMAC keys cannot rotate automatically
    if rotation is not True:
        yield "automatic key rotation is off: set enable_key_rotation=True"


@resource_rule(
    name="kms-key-policy-no-public-principal",
    types=(KEY, REPLICA_KEY, KEY_POLICY),
    description="A key policy never allows every AWS account (`*`, an ARN with account `*`,"
    " NotPrincipal) without a condition that names the caller's account or organization.",
    severity=Severity.CRITICAL,
    category=Category.SECURITY,
    rationale="A public key policy lets any AWS account use or manage the key (CKV_AWS_33,"
    " SH KMS.5, CKV_AWS_283). kms:ViaService alone does not name the caller: any account's"
    " principal calling through that service matches it (AWS KMS Developer Guide,"
    ' "kms:ViaService": pair it with kms:CallerAccount). `...IfExists`, `ForAllValues:` and'
    " wildcard values do not narrow either.",
    fix="Name the principals (account root, role ARNs, service principals) or add"
    " kms:CallerAccount / aws:PrincipalOrgID / aws:PrincipalArn conditions with StringEquals"
    " (not ...IfExists) and exact values.",
    unknown="Skips the key policy while it (or any part of it) is unknown.",
    anchors=("CKV_AWS_33", "SH KMS.5", "CKV_AWS_283"),
    decided_by=("policyuniverse", "hand: operators and keys it does not model"),
)
def key_policy_no_public_principal(resource: Resource, context: Context) -> Iterable[str]:
    document = parse_policy(resource.props.get("policy"))
    if not isinstance(document, PolicyDocument):
        return
    for index, statement in enumerate(document.statements):
        if statement.is_public:
            sid = f" ({statement.sid})" if statement.sid else ""
            yield (
                f"key policy statement {index}{sid} allows every AWS account: no condition"
                " names the caller (kms:CallerAccount, aws:PrincipalOrgID, ...)"
            )


@resource_rule(
    name="kms-key-policy-explicit",
    types=(KEY, REPLICA_KEY),
    description="Every customer-managed key is created with an explicit key policy.",
    severity=Severity.MEDIUM,
    category=Category.SECURITY,
    rationale="The default key policy delegates all use of the key to IAM in the whole account;"
    " an explicit one says who may use it (CKV2_AWS_64).",
    fix="Pass policy= to the key (a least-privilege key policy). A key whose policy is managed"
    " by a separate aws.kms.KeyPolicy is reported too: prefer the key's own policy argument.",
    unknown="A policy that is unknown during the preview counts as present. The rule reads the"
    " key's inputs, not its outputs: AWS fills in the default policy after creation.",
    anchors=("CKV2_AWS_64",),
)
def key_policy_explicit(resource: Resource, context: Context) -> Iterable[str]:
    policy = resource.props.get("policy")
    if isinstance(policy, Unknown):
        return
    if not policy or (isinstance(policy, str) and not policy.strip()):
        yield "key has no explicit key policy (the default one grants the account's IAM)"


@resource_rule(
    name="kms-key-enabled",
    types=(KEY,),
    description="Keys are not created disabled.",
    severity=Severity.MEDIUM,
    category=Category.RELIABILITY,
    rationale="A disabled key makes everything encrypted with it unreadable (CKV_AWS_227).",
    fix="Remove is_enabled=False (or set it to True).",
    unknown="Skips the key while isEnabled is unknown.",
    anchors=("CKV_AWS_227",),
)
def key_enabled(resource: Resource, context: Context) -> Iterable[str]:
    if resource.props.flag("isEnabled") is False:
        yield "key is disabled (isEnabled=false)"


@resource_rule(
    name="kms-key-deletion-window",
    types=(KEY, REPLICA_KEY),
    description="A key's deletion waiting period is at least `minimumDays` (default 7, the"
    " AWS minimum; production config raises it to 30).",
    severity=Severity.HIGH,
    category=Category.DATA_LOSS,
    rationale="Deleting a key destroys every ciphertext made with it; the waiting period is the"
    " only undo (SH KMS.3).",
    fix="Set deletion_window_in_days to at least the configured minimum (AWS default: 30).",
    unknown="Skips the key while deletionWindowInDays is unknown; unset means AWS's 30 days.",
    anchors=("SH KMS.3",),
    config_schema={
        "minimumDays": {
            "type": "integer",
            "minimum": 7,
            "maximum": 30,
            "description": "Smallest accepted deletion window in days.",
        }
    },
    config_defaults={"minimumDays": 7},
)
def key_deletion_window(resource: Resource, context: Context) -> Iterable[str]:
    days = resource.props.number("deletionWindowInDays")
    if isinstance(days, Unknown) or days is None:
        return
    minimum = int(context.config.get("minimumDays", 7))
    if days < minimum:
        yield f"deletion window is {int(days)} days; at least {minimum} are required"


@resource_rule(
    name="kms-key-no-bypass-policy-lockout-check",
    types=(KEY, REPLICA_KEY, KEY_POLICY),
    description="bypassPolicyLockoutSafetyCheck is never set.",
    severity=Severity.HIGH,
    category=Category.SECURITY,
    rationale="Bypassing the safety check can make a key unmanageable by anyone"
    " (crp:aws-kms-key-disallow-bypass-policy-lockout-safety-check).",
    fix="Remove bypass_policy_lockout_safety_check=True.",
    unknown="Skips the resource while the flag is unknown.",
    anchors=("crp:aws-kms-key-disallow-bypass-policy-lockout-safety-check",),
)
def key_no_bypass_lockout_check(resource: Resource, context: Context) -> Iterable[str]:
    if resource.props.flag("bypassPolicyLockoutSafetyCheck") is True:
        yield "bypassPolicyLockoutSafetyCheck is true"


@resource_rule(
    name="kms-key-description",
    types=(KEY, REPLICA_KEY),
    description="Keys say what they protect in their description.",
    severity=Severity.LOW,
    category=Category.HYGIENE,
    rationale="A key without a description cannot be told apart in the console or audited"
    " (crp:aws-kms-key-missing-description).",
    fix="Set description= on the key, e.g. 'orders queue encryption (prod)'.",
    unknown="Skips the key while the description is unknown.",
    anchors=("crp:aws-kms-key-missing-description",),
)
def key_description(resource: Resource, context: Context) -> Iterable[str]:
    description = resource.props.string("description")
    if isinstance(description, Unknown):
        return
    if not (description or "").strip():
        yield "key has no description"


def _queue_at(stack: Stack, resource: StackResource, block: str) -> StackResource | None:
    """The queue `resource`'s `block.arn` names: by value, else (while the ARN is unknown in a
    preview) by the engine's property dependency on `block`."""
    found = stack.find(resource.props.get(f"{block}.arn"), QUEUE)
    if isinstance(found, StackResource):
        return found
    referenced = stack.referenced(resource, block, QUEUE)
    return referenced[0] if isinstance(referenced, list) and referenced else None


def _key_users(stack: Stack) -> Iterator[tuple[StackResource, str, str]]:
    """(resource, integration name, its key property) for every service integration's use of a
    key: EventBridge buses, archives and their SQS/SNS destinations, SNS and CloudWatch alarms
    delivering to encrypted queues/topics, and encrypted log groups."""
    for bus in stack.of_type(EVENT_BUS):
        yield bus, "events-bus", "kmsKeyIdentifier"
        dlq = _queue_at(stack, bus, "deadLetterConfig")
        if dlq is not None:
            yield dlq, "sqs-from-events", "kmsMasterKeyId"
    for archive in stack.of_type(EVENT_ARCHIVE):
        yield archive, "events-archive", "kmsKeyIdentifier"
    for dest, service in _producer_edges(stack):
        yield dest, _PRODUCER_INTEGRATIONS[(dest.type, service)], "kmsMasterKeyId"
    for group in stack.of_type(LOG_GROUP):
        yield group, "logs", "kmsKeyId"
    for table in stack.of_type(TABLE):
        if table.props.flag("serverSideEncryption.enabled") is True:
            yield table, "dynamodb", "serverSideEncryption.kmsKeyArn"
    for function in stack.of_type(FUNCTION):
        yield function, "lambda", "kmsKeyArn"


def _key_of(stack: Stack, user: StackResource, prop: str) -> StackResource | Unknown | None:
    """The stack's key that `user.prop` names; in a first preview, where the key's ARN is
    unknown, the one its property dependency names. None: no key, or one outside the stack."""
    reference = user.props.get(prop)
    if not is_unknown(reference):
        return key_for(stack, reference) if reference else None
    # The engine records dependencies per top-level input property.
    referenced = stack.referenced(user, prop.split(".")[0], KMS_KEY, KMS_ALIAS)
    if not isinstance(referenced, list) or not referenced:
        return UNKNOWN
    first = referenced[0]
    return first if first.type == KMS_KEY else key_for(stack, first.props.get("name"))


_PRODUCER_INTEGRATIONS = {
    (QUEUE, "sns.amazonaws.com"): "sqs-from-sns",
    (QUEUE, "events.amazonaws.com"): "sqs-from-events",
    (TOPIC, "events.amazonaws.com"): "sns-from-events",
    (TOPIC, "cloudwatch.amazonaws.com"): "sns-from-cloudwatch",
}
"""The integration of each (destination type, delivering service) edge of `_producer_edges`."""


def _region(stack: Stack, user: StackResource, key: StackResource) -> str | Unknown | None:
    """The Region a resource lives in: its `region` (set by the provider), else that of its ARN
    or of its key's ARN (arn:partition:service:region:...)."""
    region = user.props.get("region")
    if isinstance(region, str) and region and not is_unknown(region):
        return region
    unknown = is_unknown(region)
    for arn in (user.props.get("arn"), key.props.get("arn")):
        if isinstance(arn, str) and not is_unknown(arn) and arn.startswith("arn:"):
            parts = arn.split(":")
            if len(parts) > 3 and parts[3]:
                return parts[3]
        unknown = unknown or is_unknown(arn)
    return UNKNOWN if unknown else None


def _problems(
    stack: Stack, user: StackResource, name: str, key: StackResource
) -> list[str] | Unknown:
    """What `key`'s policy lacks for integration `name` of `user`; `UNKNOWN` while the policy
    (or the Region a regional service principal needs) is unknown."""
    docs = key_documents(stack, key)
    if not isinstance(docs, list):
        return UNKNOWN
    integration = KEY_INTEGRATIONS[name]
    region = _region(stack, user, key)
    known = region if isinstance(region, str) else None
    if service_principal(integration, known) is None or (integration.via_service and not known):
        return UNKNOWN if region is UNKNOWN else []
    return integration_problems(
        docs, integration, region=region if isinstance(region, str) else None
    )


@stack_rule(
    name="kms-key-policy-fits-integrations",
    description="The key of every service integration (an encrypted event bus or archive, an"
    " SQS/SNS destination of EventBridge, SNS or CloudWatch alarms, an encrypted log group, a"
    " DynamoDB table or Lambda environment) gives the principal that calls KMS every action it"
    " calls, in an Allow statement whose conditions those calls can satisfy, and no Deny takes"
    " it back.",
    severity=Severity.HIGH,
    category=Category.RELIABILITY,
    anchors=("stack-gap", "deploy-review D2", "deploy-review S4", "deploy-review S5"),
    rationale="KMS evaluates each call against the key policy, and an explicit Deny overrides"
    " any Allow (IAM policy evaluation logic): EventBridge calls kms:DescribeKey (without an"
    " encryption context) when a bus or archive is created, archives re-encrypt"
    " (kms:ReEncrypt*), and its calls for SQS/SNS targets carry no aws:SourceAccount or"
    " aws:SourceArn (AWS documents them as unsupported for encrypted topics); SNS and CloudWatch"
    " need GenerateDataKey*/Decrypt on the key of the queue/topic they deliver to; CloudWatch"
    " Logs needs the regional principal logs.<region>.amazonaws.com; DynamoDB and Lambda use"
    " the key for the account's principals, with kms:ViaService naming the service. A grant"
    " the call cannot match fails CreateEventBus/CreateArchive/CreateLogGroup/CreateTable, or"
    " drops every delivery silently"
    " (EventBridge eb-encryption-key-policy, encryption-archives; SNS sns-key-management,"
    " sns-enable-encryption-for-topic-sqs-queue-subscriptions; CloudWatch Logs"
    " encrypt-log-data-kms). A condition on a key the call carries is trusted to match.",
    fix="Bus/archive key: one unconditioned statement allowing events.amazonaws.com"
    " kms:DescribeKey, plus GenerateDataKey/Decrypt (archives also kms:ReEncryptFrom/To) scoped"
    " by kms:EncryptionContext:aws:events:event-bus:arn. Target queue/topic key: allow"
    " GenerateDataKey*/Decrypt scoped by kms:EncryptionContext:aws:sqs:arn or"
    " aws:sns:topicArn, not by aws:SourceAccount/aws:SourceArn. SNS/CloudWatch: allow"
    " sns.amazonaws.com / cloudwatch.amazonaws.com GenerateDataKey*/Decrypt. Log group key: allow"
    " logs.<region>.amazonaws.com Encrypt*/Decrypt*/ReEncrypt*/GenerateDataKey*/Describe*"
    " scoped by kms:EncryptionContext:aws:logs:arn. Table/function key: let the account (root)"
    " use the key, or allow its principals the actions with kms:ViaService"
    " dynamodb/lambda.<region>.amazonaws.com. Remove Deny statements that cover these calls.",
    unknown="Says it cannot decide (advisory) while a key reference, the key policy or the"
    " Region a regional principal or kms:ViaService needs is unknown; a key outside the stack"
    " is trusted, and so is a condition on a key the call carries with a value the pack does"
    " not know.",
)
def key_policy_fits_integrations(stack: Stack, ctx: Context) -> Iterator[Finding]:
    reported: set[tuple[str, str]] = set()
    for user, name, prop in _key_users(stack):
        key = _key_of(stack, user, prop)
        if key is UNKNOWN:
            undecided(f"the key of {user.name}")
            continue
        if not isinstance(key, StackResource) or (key.urn, name) in reported:
            continue
        problems = _problems(stack, user, name, key)
        if not isinstance(problems, list):
            undecided(f"the key policy of {key.name}")
            continue
        reported.add((key.urn, name))
        for problem in problems:
            yield Finding.on(key, f"key {key.name} (used by {user.name}, {name}): {problem}")


def _producer_edges(stack: Stack) -> Iterator[tuple[StackResource, str]]:
    """(destination queue/topic, the service principal that delivers to it)."""
    for sub in stack.of_type(SUBSCRIPTION):
        if sub.props.get("protocol") != "sqs":
            continue
        queues = stack.referenced(sub, "endpoint", QUEUE)
        if isinstance(queues, list):
            for queue in queues:
                yield queue, "sns.amazonaws.com"
    for target in stack.of_type(EVENT_TARGET):
        for found in (
            stack.referenced(target, "arn", QUEUE, TOPIC),
            target_dead_letter_queues(stack, target),
        ):
            if isinstance(found, list):
                for dest in found:
                    yield dest, "events.amazonaws.com"
    for alarm in stack.of_type(METRIC_ALARM, COMPOSITE_ALARM):
        for actions in ("alarmActions", "okActions", "insufficientDataActions"):
            topics = stack.referenced(alarm, actions, TOPIC)
            if isinstance(topics, list):
                for topic in topics:
                    yield topic, "cloudwatch.amazonaws.com"


@stack_rule(
    name="kms-key-grants-producer-service",
    description="The CMK of a queue/topic fed by SNS, EventBridge or CloudWatch grants that "
    "service kms:GenerateDataKey* and kms:Decrypt, and no Deny takes them back.",
    severity=Severity.HIGH,
    category=Category.RELIABILITY,
    anchors=("stack-gap",),
    rationale="The service encrypts the message with the destination's key; without the grant "
    "deliveries fail silently. AWS-managed keys (alias/aws/sqs, alias/aws/sns) can never be "
    "granted: their key policies are fixed (DESIGN deploy-time traps; SNS Developer Guide, "
    "key management). A grant counts only in an Allow whose conditions the service's calls can "
    "satisfy, and an explicit Deny covering the service overrides it (IAM policy evaluation "
    "logic).",
    fix="Add a key policy statement for Service <service> with kms:GenerateDataKey* and "
    "kms:Decrypt (conditioned on aws:SourceArn for SNS and CloudWatch; on the queue's/topic's "
    "encryption context for EventBridge), or use such a key.",
    unknown="Says it cannot decide (advisory) "
    "for a destination while its key reference or key policy is unknown; a key "
    "outside the stack is trusted.",
)
def kms_key_grants_producer_service(stack: Stack, ctx: Context) -> Iterator[Finding]:
    for dest, service in sorted(set(_producer_edges(stack)), key=lambda e: (e[0].urn, e[1])):
        reference = dest.props.get("kmsMasterKeyId")
        key: object
        if is_unknown(reference):
            # A first preview: the key's ARN is unknown, its property dependency names it.
            refs = stack.referenced(dest, "kmsMasterKeyId", KMS_KEY, KMS_ALIAS)
            if not isinstance(refs, list) or not refs:
                undecided(f"the key of {dest.name}")
                continue
            first = refs[0]
            key = first if first.type == KMS_KEY else key_for(stack, first.props.get("name"))
        elif not reference:
            continue
        elif managed := AWS_MANAGED_KEY.search(str(reference)):
            yield Finding.on(
                dest,
                f"{dest.name} uses the AWS-managed {managed.group(1)}, which {service} can"
                " never be granted",
            )
            continue
        else:
            key = key_for(stack, reference)
        if not isinstance(key, StackResource):
            if key is UNKNOWN:
                undecided(f"the key of {dest.name}")
            continue
        problems = _problems(stack, dest, _PRODUCER_INTEGRATIONS[(dest.type, service)], key)
        if not isinstance(problems, list):
            undecided(f"the policy of key {key.name}")
            continue
        if problems:
            yield Finding.on(
                key,
                f"key {key.name} (used by {dest.name}) does not grant {service} "
                f"kms:GenerateDataKey* and kms:Decrypt: {'; '.join(problems)}",
            )


@stack_rule(
    name="kms-key-unused",
    description="Every KMS key of the stack is used by some resource.",
    severity=Severity.LOW,
    category=Category.COST,
    anchors=("stack-gap",),
    rationale="A key costs $1 a month and widens what must be audited; unused keys are usually "
    "a wiring mistake.",
    fix="Use the key (kms_master_key_id, kms_key_arn, ...) or remove it.",
    unknown="A property that depends on the key counts as a use even while its value is unknown.",
)
def kms_key_unused(stack: Stack, ctx: Context) -> Iterator[Finding]:
    aliases: dict[str, list[StackResource]] = {}
    for alias in stack.of_type(KMS_ALIAS):
        key = key_for(stack, alias.props.get("name"))
        if isinstance(key, StackResource):
            aliases.setdefault(key.urn, []).append(alias)
    # What any other resource depends on, and the strings it holds, are gathered once: a
    # scan of the whole stack per key grows with the square of the stack.
    users = [r for r in stack if r.type not in (KMS_ALIAS, KMS_KEY_POLICY)]
    depended = {u for r in users for urns in r.property_dependencies.values() for u in urns}
    strings: list[tuple[str, str]] | None = None  # (urn, a string it holds)
    for key in stack.of_type(KMS_KEY):
        names = {key.urn} | {a.urn for a in aliases.get(key.urn, [])}
        if names & depended:  # a key never depends on itself or its aliases
            continue
        identities = set(key.identities())
        for alias in aliases.get(key.urn, []):
            identities |= alias.identities()
        if strings is None:
            strings = [(r.urn, text) for r in users for text in _strings(r.props.to_dict())]
        if not any(urn not in names and i in text for urn, text in strings for i in identities):
            yield Finding.on(key, f"key {key.name} is not used by any resource of the stack")


def _strings(value: object) -> Iterator[str]:
    """Every string inside a (nested) property value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


RULES = [
    key_rotation_enabled,
    key_policy_no_public_principal,
    key_policy_explicit,
    key_enabled,
    key_deletion_window,
    key_no_bypass_lockout_check,
    key_description,
    key_policy_fits_integrations,
    kms_key_grants_producer_service,
    kms_key_unused,
]
