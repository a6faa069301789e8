"""Cases for policies/rules/iam.py, including every document and principal form a program can
send."""

from __future__ import annotations

import dataclasses
import json

from tests.policies.case_documents import doc
from tests.policies.harness import UNKNOWN_STRING, Case, res

ROLE = "aws:iam/role:Role"
POLICY = "aws:iam/policy:Policy"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
USER_POLICY = "aws:iam/userPolicy:UserPolicy"
GROUP_POLICY = "aws:iam/groupPolicy:GroupPolicy"
RPA = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
UPA = "aws:iam/userPolicyAttachment:UserPolicyAttachment"
GPA = "aws:iam/groupPolicyAttachment:GroupPolicyAttachment"
PA = "aws:iam/policyAttachment:PolicyAttachment"
QUEUE_ARN = "arn:aws:sqs:us-east-1:123456789012:orders"
ROLE_ARN = "arn:aws:iam::123456789012:role/orders-task"
CUSTOM_POLICY = "arn:aws:iam::123456789012:policy/orders-consumer"
GITHUB_AUD = "token.actions.githubusercontent.com:aud"
OIDC_PROVIDER = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"


def allow(action: object, resource: object = QUEUE_ARN, **extra: object) -> dict:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


GOOD = allow(["sqs:ReceiveMessage", "sqs:DeleteMessage"])
LAMBDA_TRUST = doc(
    {
        "Effect": "Allow",
        "Principal": {"Service": "lambda.amazonaws.com"},
        "Action": "sts:AssumeRole",
    }
)


def policy(name: str, document: object) -> object:
    return res(POLICY, name, {"policy": document})


def role(name: str, trust: object = LAMBDA_TRUST, **inputs: object) -> object:
    return res(ROLE, name, {"assumeRolePolicy": trust, **inputs})


def trust(principal: object, condition: dict | None = None, action: str = "sts:AssumeRole") -> str:
    statement: dict = {"Effect": "Allow", "Principal": principal, "Action": action}
    if condition:
        statement["Condition"] = condition
    return doc(statement)


_admin = "iam-policy-no-admin-access"
_wild = "iam-policy-no-wildcard-actions"
_not = "iam-policy-no-allow-not-action"
_res = "iam-policy-no-wildcard-resource"
_esc = "iam-policy-no-privilege-escalation"
_trust = "iam-role-trust-policy-restricted"

# Stack rule: a role managed both by its own arguments and by attachment resources.
_exclusive_role = role("exclusive", managedPolicyArns=[CUSTOM_POLICY])
_plain_role = role("plain")
_inline_role = role("inline-owner", inlinePolicies=[{"name": "q", "policy": doc(GOOD)}])
_conflict = "iam-role-no-policy-management-conflicts"

# Fixtures of the policy-semantics cases.
ACCOUNT = "123456789012"

OIDC = f"arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com"

EKS_OIDC = (
    f"arn:aws:iam::{ACCOUNT}:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E5"
)


def deployer_role(statement: dict) -> object:
    return res(ROLE, "deployer", {"name": "deployer", "assumeRolePolicy": doc(statement)})


def web_identity(provider: str, condition: dict) -> dict:
    return {
        "Effect": "Allow",
        "Principal": {"Federated": provider},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": condition,
    }


def identity(name: str, *statements: dict) -> object:
    return res(POLICY, name, {"name": name, "policy": doc(*statements)})


def allow_statement(actions: object, resources: object, **extra: object) -> dict:
    statement = {"Effect": "Allow", "Action": actions, "Resource": resources, **extra}
    return {k: v for k, v in statement.items() if v is not None}


_self = "iam-role-no-self-escalation"

# --- a role that may change its own policies (stack rule)
_LAMBDA_TRUST = doc(
    {
        "Effect": "Allow",
        "Principal": {"Service": "lambda.amazonaws.com"},
        "Action": "sts:AssumeRole",
    }
)
_worker = res(ROLE, "orders-worker", {"name": "orders-worker", "assumeRolePolicy": _LAMBDA_TRUST})
_worker_arn = _worker.outputs["arn"]


def _role_policy(name: str, statement: dict) -> object:
    return res(
        ROLE_POLICY,
        name,
        {"role": "orders-worker", "policy": doc(statement)},
        deps={"role": [_worker]},
    )


_managed = res(
    POLICY,
    "orders-worker-access",
    {
        "name": "orders-worker-access",
        "policy": doc(
            allow_statement(
                "iam:CreatePolicyVersion", f"arn:aws:iam::{ACCOUNT}:policy/orders-worker-*"
            )
        ),
    },
)
_attachment = res(
    RPA,
    "orders-worker-access",
    {"role": "orders-worker", "policyArn": _managed.outputs["arn"]},
    deps={"role": [_worker], "policyArn": [_managed]},
)

_self_managed = res(
    POLICY,
    "reporting-self-service",
    {
        "name": "reporting-self-service",
        "policy": doc(
            allow_statement(["iam:PutRolePolicy"], f"arn:aws:iam::{ACCOUNT}:role/reporting")
        ),
    },
)

# Fixtures of the kms:Decrypt cases.
KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/1111"


def iam_policy(name: str, statement: dict) -> object:
    return res(POLICY, name, {"policy": doc(statement)})


_dec = "iam-policy-no-kms-decrypt-on-all-keys"

# Fixtures of the value-form cases.
# The stack's own account, known without configuration.
TRUST = "iam-role-trust-policy-restricted"
OWN, OTHER = "210987654321", "999988887777"


def root_trust(account: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
    )


def with_provider(resource: object, provider: object) -> object:
    return dataclasses.replace(resource, provider=f"{provider.urn}::{provider.name}-id")


_pinned = res("pulumi:providers:aws", "pinned", {"region": "eu-west-1", "allowedAccountIds": [OWN]})
_assumed = res(
    "pulumi:providers:aws",
    "deployer",
    {"assumeRoles": [{"roleArn": f"arn:aws:iam::{OWN}:role/deployer"}]},
)


CASES = [
    # admin access, in every document form and resource type
    Case.passes(_admin, policy("scoped", doc(GOOD))),
    Case.passes(_admin, policy("unknown", UNKNOWN_STRING)),
    Case.fails(_admin, policy("json-string", doc(allow("*", "*")))),
    Case.fails(
        _admin,
        policy("dict", {"Version": "2012-10-17", "Statement": allow("*:*", ["*"])}),
        label="dict-document-single-statement",
    ),
    Case.fails(
        _admin,
        role("inline", inlinePolicies=[{"name": "all", "policy": doc(allow(["*"], "*"))}]),
    ),
    Case.fails(
        _admin, res(ROLE_POLICY, "role-policy", {"role": "r", "policy": doc(allow("*", "*"))})
    ),
    Case.fails(
        _admin,
        policy(
            "policy-document-output",
            {"json": doc(allow("*", "*"))},
        ),
        label="get-policy-document-result",
    ),
    Case.fails(
        _admin,
        policy(
            "lower-case-statements",
            {"statements": [{"effect": "Allow", "actions": ["*"], "resources": ["*"]}]},
        ),
    ),
    # wildcard actions: string vs list, NotAction, Deny is fine
    Case.passes(_wild, policy("exact", doc(GOOD))),
    Case.passes(
        _wild,
        policy("deny-wildcard", doc(GOOD, {"Effect": "Deny", "Action": "sqs:*", "Resource": "*"})),
    ),
    Case.fails(_wild, policy("service-star-string", doc(allow("sqs:*")))),
    Case.fails(_wild, policy("prefix-star-list", doc(allow(["sqs:SendMessage", "s3:Get*"])))),
    Case.fails(
        _wild,
        policy(
            "not-action-star", doc({"Effect": "Allow", "NotAction": "iam:*", "Resource": QUEUE_ARN})
        ),
    ),
    # Allow + NotAction
    Case.passes(
        _not,
        policy(
            "deny-not-action",
            doc(GOOD, {"Effect": "Deny", "NotAction": "sqs:ReceiveMessage", "Resource": "*"}),
        ),
    ),
    Case.fails(
        _not,
        policy(
            "allow-not-action",
            doc({"Effect": "Allow", "NotAction": ["iam:CreateUser"], "Resource": "*"}),
        ),
    ),
    # Resource "*" only for wildcard-only actions
    Case.passes(
        _res,
        policy(
            "wildcard-only", doc(allow(["xray:PutTraceSegments", "ec2:DescribeInstances"], "*"))
        ),
    ),
    Case.passes(_res, policy("scoped", doc(GOOD))),
    Case.fails(_res, policy("restrictable-string", doc(allow("sqs:SendMessage", "*")))),
    Case.fails(
        _res,
        policy(
            "restrictable-list", doc(allow(["xray:PutTraceSegments", "dynamodb:PutItem"], ["*"]))
        ),
    ),
    Case.fails(
        _res,
        policy(
            "not-resource",
            doc({"Effect": "Allow", "Action": "sqs:SendMessage", "NotResource": QUEUE_ARN}),
        ),
    ),
    # privilege escalation
    Case.passes(
        _esc,
        policy(
            "pass-one-role",
            doc(
                allow(
                    "iam:PassRole",
                    ROLE_ARN,
                    Condition={"StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}},
                )
            ),
        ),
    ),
    Case.fails(_esc, policy("pass-any-role", doc(allow("iam:PassRole", "*")))),
    Case.fails(
        _esc,
        policy(
            "attach-all-roles",
            doc(allow(["iam:AttachRolePolicy"], "arn:aws:iam::123456789012:role/*")),
        ),
    ),
    Case.fails(_esc, policy("iam-put-wildcard", doc(allow("iam:Put*", "*"))), label="pattern"),
    # CreateEventSourceMapping accepts only "*": a lambda:FunctionArn condition scopes it.
    Case.passes(
        _esc,
        policy(
            "mapping-own-functions",
            doc(
                allow(
                    "lambda:CreateEventSourceMapping",
                    "*",
                    Condition={
                        "ArnLike": {
                            "lambda:FunctionArn": "arn:aws:lambda:us-east-1:123456789012:"
                            "function:orders-*"
                        }
                    },
                )
            ),
        ),
    ),
    Case.fails(
        _esc,
        policy(
            "mapping-any-function",
            doc(
                allow(
                    "lambda:CreateEventSourceMapping",
                    "*",
                    Condition={
                        "ArnLike": {
                            "lambda:FunctionArn": "arn:aws:lambda:us-east-1:123456789012:function:*"
                        }
                    },
                )
            ),
        ),
    ),
    Case.fails(
        _esc, policy("mapping-unconditioned", doc(allow("lambda:CreateEventSourceMapping", "*")))
    ),
    # managed policies
    Case.passes(
        "iam-no-admin-managed-policies",
        res(RPA, "custom", {"role": "r", "policyArn": CUSTOM_POLICY}),
    ),
    Case.fails(
        "iam-no-admin-managed-policies",
        res(
            RPA, "admin", {"role": "r", "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}
        ),
    ),
    Case.fails(
        "iam-no-admin-managed-policies",
        role("iam-full", managedPolicyArns=["arn:aws:iam::aws:policy/IAMFullAccess"]),
    ),
    Case.passes(
        "iam-no-aws-managed-policies",
        res(GPA, "custom", {"group": "g", "policyArn": CUSTOM_POLICY}),
    ),
    Case.passes(
        "iam-no-aws-managed-policies",
        res(RPA, "unknown-arn", {"role": "r", "policyArn": UNKNOWN_STRING}),
    ),
    Case.fails(
        "iam-no-aws-managed-policies",
        res(
            RPA,
            "basic-exec",
            {
                "role": "r",
                "policyArn": "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
            },
        ),
    ),
    Case.fails(
        "iam-no-aws-managed-policies",
        role("managed-arns", managedPolicyArns=["arn:aws:iam::aws:policy/ReadOnlyAccess"]),
    ),
    # inline policies (advisory)
    Case.passes("iam-no-inline-policies", role("no-inline")),
    Case.passes("iam-no-inline-policies", policy("managed", doc(GOOD))),
    Case.fails(
        "iam-no-inline-policies", res(ROLE_POLICY, "inline", {"role": "r", "policy": doc(GOOD)})
    ),
    Case.fails(
        "iam-no-inline-policies",
        role("with-inline", inlinePolicies=[{"name": "q", "policy": doc(GOOD)}]),
    ),
    # trust policies: principal forms
    Case.passes(_trust, role("service")),
    Case.passes(_trust, role("unknown-trust", UNKNOWN_STRING)),
    Case.passes(
        _trust,
        role(
            "cross-account-external-id",
            trust(
                {"AWS": "arn:aws:iam::111122223333:root"}, {"StringEquals": {"sts:ExternalId": "x"}}
            ),
        ),
    ),
    Case.passes(
        _trust,
        role(
            "github-oidc",
            trust(
                {"Federated": OIDC_PROVIDER},
                {
                    "StringEquals": {GITHUB_AUD: "sts.amazonaws.com"},
                    "StringLike": {
                        "token.actions.githubusercontent.com:sub": "repo:acme/orders:ref:refs/*"
                    },
                },
                "sts:AssumeRoleWithWebIdentity",
            ),
        ),
    ),
    Case.fails(
        _trust,
        role(
            "github-oidc-aud-only",
            trust(
                {"Federated": OIDC_PROVIDER},
                {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}},
                "sts:AssumeRoleWithWebIdentity",
            ),
        ),
    ),
    Case.fails(_trust, role("star-string", trust("*"))),
    Case.fails(_trust, role("star-aws", trust({"AWS": "*"}))),
    Case.fails(_trust, role("star-aws-list", trust({"AWS": ["*"]}))),
    Case.fails(_trust, role("cross-account-string", trust({"AWS": "111122223333"}))),
    Case.fails(
        _trust,
        role(
            "cross-account-dict-trust",
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"AWS": ["arn:aws:iam::111122223333:role/ci"]},
                        "Action": "sts:AssumeRole",
                    }
                ],
            },
        ),
        label="dict-trust-policy",
    ),
    Case.fails(
        _trust,
        role(
            "oidc-no-condition",
            trust(
                {"Federated": OIDC_PROVIDER},
                action="sts:AssumeRoleWithWebIdentity",
            ),
        ),
    ),
    # users
    Case.passes(
        "iam-no-user-policies", res(PA, "roles-only", {"policyArn": CUSTOM_POLICY, "roles": ["r"]})
    ),
    Case.fails(
        "iam-no-user-policies",
        res(UPA, "user-attach", {"user": "alice", "policyArn": CUSTOM_POLICY}),
    ),
    Case.fails(
        "iam-no-user-policies",
        res(USER_POLICY, "user-inline", {"user": "alice", "policy": doc(GOOD)}),
    ),
    Case.fails(
        "iam-no-user-policies",
        res(PA, "users", {"policyArn": CUSTOM_POLICY, "users": ["alice"], "roles": []}),
    ),
    Case.fails(
        "iam-no-inline-policies",
        res(GROUP_POLICY, "group-inline", {"group": "g", "policy": doc(GOOD)}),
    ),
    Case.passes(
        _conflict,
        _plain_role,
        res(
            RPA,
            "attach-plain",
            {"role": "plain", "policyArn": CUSTOM_POLICY},
            deps={"role": [_plain_role]},
        ),
    ),
    Case.fails(
        _conflict,
        _exclusive_role,
        attach := res(
            RPA,
            "attach-exclusive",
            {"role": "exclusive", "policyArn": CUSTOM_POLICY},
            deps={"role": [_exclusive_role]},
        ),
        on=attach,
    ),
    Case.fails(
        _conflict,
        _inline_role,
        inline := res(
            ROLE_POLICY,
            "inline-extra",
            {"role": "inline-owner", "policy": doc(GOOD)},
            deps={"role": [_inline_role]},
        ),
        on=inline,
    ),
    Case.fails(
        _conflict,
        _exclusive_role,
        legacy := res(
            PA,
            "legacy",
            {"policyArn": CUSTOM_POLICY, "roles": ["exclusive"]},
            deps={"roles": [_exclusive_role]},
        ),
        on=legacy,
    ),
    # Policy semantics: conditions judged by operator and value, resources by meaning,
    # NotAction/NotResource/NotPrincipal shapes. An evasion the pack once missed fails; a correct
    # program in an unusual form passes.
    # --- federated trusts: `aud` alone, wildcard `sub`, IfExists on `sub`
    Case.fails(
        _trust,
        deployer_role(
            web_identity(
                EKS_OIDC,
                {
                    "StringEquals": {
                        "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E5:aud": (
                            "sts.amazonaws.com"
                        )
                    }
                },
            )
        ),
        label="eks-aud-only",
    ),
    Case.fails(
        _trust,
        deployer_role(
            web_identity(
                OIDC,
                {
                    "StringEquals": {
                        "token.actions.githubusercontent.com:aud": "sts.amazonaws.com"
                    },
                    "StringLike": {"token.actions.githubusercontent.com:sub": "repo:*"},
                },
            )
        ),
        label="github-sub-any-repo",
    ),
    Case.fails(
        _trust,
        deployer_role(
            web_identity(
                OIDC,
                {"StringLikeIfExists": {"token.actions.githubusercontent.com:sub": "repo:acme/*"}},
            )
        ),
        label="github-sub-if-exists",
    ),
    Case.passes(
        _trust,
        deployer_role(
            web_identity(
                EKS_OIDC,
                {
                    "StringEquals": {
                        "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E5:sub": (
                            "system:serviceaccount:orders:orders-worker"
                        ),
                        "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E5:aud": (
                            "sts.amazonaws.com"
                        ),
                    }
                },
            )
        ),
        label="eks-sub-pinned",
    ),
    # --- cross-account trust: the condition must name the caller
    Case.fails(
        _trust,
        deployer_role(
            {
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
                "Action": "sts:AssumeRole",
                "Condition": {"StringEqualsIfExists": {"sts:ExternalId": "orders-audit"}},
            }
        ),
        label="external-id-if-exists",
    ),
    Case.fails(
        _trust,
        deployer_role(
            {
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
                "Action": "sts:AssumeRole",
                "Condition": {"StringLike": {"sts:ExternalId": "*"}},
            }
        ),
        label="external-id-wildcard",
    ),
    # --- resource wildcards by meaning
    Case.fails(
        _res,
        identity(
            "all-secrets",
            allow_statement(
                "secretsmanager:GetSecretValue",
                f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:*",
            ),
        ),
    ),
    Case.fails(
        _res,
        identity(
            "all-tables",
            allow_statement(
                ["dynamodb:PutItem", "dynamodb:GetItem"], f"arn:aws:dynamodb:*:{ACCOUNT}:table/*"
            ),
        ),
    ),
    Case.fails(_res, identity("all-buckets", allow_statement("s3:GetObject", "arn:aws:s3:::*/*"))),
    Case.passes(
        _res,
        identity(
            "one-bucket-objects",
            allow_statement("s3:GetObject", "arn:aws:s3:::orders-exports/*"),
            allow_statement(
                "dynamodb:Query", f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/orders/index/*"
            ),
            allow_statement(
                "secretsmanager:GetSecretValue",
                f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:orders/db-*",
            ),
        ),
    ),
    Case.passes(
        _res,
        identity(
            "abac-tables",
            allow_statement(
                ["dynamodb:PutItem", "dynamodb:GetItem"],
                f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/*",
                Condition={"StringEquals": {"aws:ResourceTag/Team": "orders"}},
            ),
        ),
        label="abac-resource-tag",
    ),
    Case.fails(
        _res,
        identity(
            "abac-if-exists",
            allow_statement(
                "dynamodb:PutItem",
                f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/*",
                Condition={"StringEqualsIfExists": {"aws:ResourceTag/Team": "orders"}},
            ),
        ),
        label="abac-resource-tag-if-exists",
    ),
    Case.fails(
        _admin,
        identity("not-resource", allow_statement("*", None, NotResource="arn:aws:s3:::audit-logs")),
    ),
    # --- privilege escalation: wildcards that cover roles, and combinations (cloudsplaining)
    Case.fails(
        _esc,
        identity(
            "attach-any-role",
            allow_statement("iam:AttachRolePolicy", f"arn:aws:iam::{ACCOUNT}:role/*"),
        ),
    ),
    Case.fails(
        _esc,
        identity(
            "pass-and-create",
            allow_statement(
                ["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"],
                f"arn:aws:*:*:{ACCOUNT}:*",
            ),
        ),
    ),
    Case.fails(
        _esc,
        identity(
            "ssh-any-instance",
            allow_statement(
                "ec2-instance-connect:SendSSHPublicKey",
                f"arn:aws:ec2:us-east-1:{ACCOUNT}:instance/*",
            ),
        ),
        label="ssh-key-on-every-instance",
    ),
    Case.passes(
        _res,
        identity(
            "session-manager",
            allow_statement(
                "ssm:UpdateInstanceInformation", f"arn:aws:ec2:us-east-1:{ACCOUNT}:instance/*"
            ),
        ),
        label="run-time-instances-of-one-account",
    ),
    Case.passes(
        _esc,
        identity(
            "pass-one-role",
            allow_statement(
                "iam:PassRole",
                f"arn:aws:iam::{ACCOUNT}:role/orders-handler",
                Condition={"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}},
            ),
        ),
    ),
    Case.fails(
        _self,
        _worker,
        _role_policy("self-attach", allow_statement("iam:AttachRolePolicy", _worker_arn)),
        label="attach-own-arn",
    ),
    Case.fails(
        _self,
        _worker,
        _role_policy(
            "self-put-wildcard",
            allow_statement(
                ["iam:PutRolePolicy", "iam:GetRole"], f"arn:aws:iam::{ACCOUNT}:role/orders-*"
            ),
        ),
        label="put-on-covering-wildcard",
    ),
    Case.fails(
        _self,
        _worker,
        _role_policy(
            "not-resource",
            allow_statement(
                "iam:PutRolePolicy", None, NotResource=f"arn:aws:iam::{ACCOUNT}:role/admin"
            ),
        ),
        label="not-resource-covers-role",
    ),
    Case.fails(_self, _worker, _managed, _attachment, label="new-version-of-own-policy"),
    Case.passes(
        _self,
        _worker,
        _role_policy(
            "manage-other-role",
            allow_statement("iam:PutRolePolicy", f"arn:aws:iam::{ACCOUNT}:role/batch-jobs"),
        ),
        label="other-role-only",
    ),
    Case.passes(
        _self,
        _worker,
        _role_policy(
            "attach-named-policy",
            allow_statement(
                "iam:AttachRolePolicy",
                _worker_arn,
                Condition={
                    "ArnEquals": {
                        "iam:PolicyARN": f"arn:aws:iam::{ACCOUNT}:policy/orders-read-only"
                    }
                },
            ),
        ),
        label="policy-arn-condition",
    ),
    Case.fails(
        _self,
        res(
            ROLE,
            "reporting",
            {
                "name": "reporting",
                "assumeRolePolicy": _LAMBDA_TRUST,
                "managedPolicyArns": [_self_managed.outputs["arn"]],
            },
        ),
        _self_managed,
        label="managed-policy-arns",
    ),
    # kms:Decrypt on all keys.
    Case.passes(
        _dec,
        iam_policy("one-key", {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": KEY_ARN}),
    ),
    Case.passes(
        _dec, iam_policy("deny-all", {"Effect": "Deny", "Action": "kms:Decrypt", "Resource": "*"})
    ),
    Case.fails(
        _dec, iam_policy("star", {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"})
    ),
    Case.fails(
        _dec,
        iam_policy(
            "all-keys-arn",
            {
                "Effect": "Allow",
                "Action": ["kms:ReEncrypt*"],
                "Resource": "arn:aws:kms:*:123456789012:key/*",
            },
        ),
    ),
    Case.fails(
        _dec,
        res(
            ROLE,
            "inline",
            {
                "assumeRolePolicy": doc(),
                "inlinePolicies": [
                    {
                        "name": "k",
                        "policy": doc({"Effect": "Allow", "Action": "kms:*", "Resource": ["*"]}),
                    }
                ],
            },
        ),
    ),
    # Values in the forms the provider and AWS accept.
    Case.passes(
        TRUST,
        _pinned,
        with_provider(res(ROLE, "ops-own", {"assumeRolePolicy": root_trust(OWN)}), _pinned),
    ),
    Case.passes(
        TRUST,
        _assumed,
        with_provider(res(ROLE, "ops-assumed", {"assumeRolePolicy": root_trust(OWN)}), _assumed),
    ),
    Case.passes(
        TRUST,
        res(
            ROLE,
            "ops-bounded",
            {
                "assumeRolePolicy": root_trust(OWN),
                "permissionsBoundary": f"arn:aws:iam::{OWN}:policy/boundary",
            },
        ),
    ),
    Case.fails(
        TRUST,
        with_provider(res(ROLE, "ops-other", {"assumeRolePolicy": root_trust(OTHER)}), _pinned),
        _pinned,
    ),
    Case.fails(TRUST, res(ROLE, "ops-unknown-account", {"assumeRolePolicy": root_trust(OWN)})),
]
