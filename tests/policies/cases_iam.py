"""Cases for the IAM rules, including every document and principal form a program can send."""

from __future__ import annotations

import json

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


def doc(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


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
]

# Stack rule: a role managed both by its own arguments and by attachment resources.
_exclusive_role = role("exclusive", managedPolicyArns=[CUSTOM_POLICY])
_plain_role = role("plain")
_inline_role = role("inline-owner", inlinePolicies=[{"name": "q", "policy": doc(GOOD)}])
_conflict = "iam-role-no-policy-management-conflicts"
CASES += [
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
]
