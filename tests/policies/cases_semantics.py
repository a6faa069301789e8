"""Cases for policy semantics: conditions judged by operator and value, resources by meaning,
privilege escalation on a role's own ARN, and NotAction/NotResource/NotPrincipal shapes.

Each evasion the pack once missed has a failing case; each correct program in an unusual form
(a condition that does scope, a Deny with NotPrincipal, a service principal with SourceArn) has
a passing one.
"""

from __future__ import annotations

import json

from tests.policies.harness import Case, res

ACCOUNT = "123456789012"
QUEUE = "aws:sqs/queue:Queue"
QUEUE_POLICY = "aws:sqs/queuePolicy:QueuePolicy"
TOPIC_POLICY = "aws:sns/topicPolicy:TopicPolicy"
BUS_POLICY = "aws:cloudwatch/eventBusPolicy:EventBusPolicy"
KEY = "aws:kms/key:Key"
ROLE = "aws:iam/role:Role"
POLICY = "aws:iam/policy:Policy"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
RPA = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
PERMISSION = "aws:lambda/permission:Permission"

QUEUE_ARN = f"arn:aws:sqs:us-east-1:{ACCOUNT}:orders"
QUEUE_URL = f"https://sqs.us-east-1.amazonaws.com/{ACCOUNT}/orders"
TOPIC_ARN = f"arn:aws:sns:us-east-1:{ACCOUNT}:shipments"
RULE_ARN = f"arn:aws:events:us-east-1:{ACCOUNT}:rule/orders-created"
OIDC = f"arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com"
GITHUB_AUD = "token.actions.githubusercontent.com:aud"
EKS_OIDC = (
    f"arn:aws:iam::{ACCOUNT}:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E5"
)


def doc(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def send(principal: object, condition: dict | None = None, **extra: object) -> dict:
    statement: dict = {
        "Sid": "Producers",
        "Effect": "Allow",
        "Principal": principal,
        "Action": "sqs:SendMessage",
        "Resource": QUEUE_ARN,
        **extra,
    }
    if condition:
        statement["Condition"] = condition
    return {k: v for k, v in statement.items() if v is not None}


def queue_policy(name: str, *statements: dict) -> object:
    return res(QUEUE_POLICY, name, {"queueUrl": QUEUE_URL, "policy": doc(*statements)})


def key(name: str, *statements: dict) -> object:
    admin = {
        "Sid": "Admin",
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
        "Action": "kms:*",
        "Resource": "*",
    }
    return res(
        KEY,
        name,
        {"description": "orders", "enableKeyRotation": True, "policy": doc(admin, *statements)},
    )


def use_key(principal: object, condition: dict | None = None) -> dict:
    statement = {
        "Sid": "Use",
        "Effect": "Allow",
        "Principal": principal,
        "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
        "Resource": "*",
    }
    if condition:
        statement["Condition"] = condition
    return statement


def trust(statement: dict) -> object:
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


def allow(actions: object, resources: object, **extra: object) -> dict:
    statement = {"Effect": "Allow", "Action": actions, "Resource": resources, **extra}
    return {k: v for k, v in statement.items() if v is not None}


_sqs = "sqs-queue-policy-not-public"
_sns = "sns-topic-policy-not-public"
_bus = "eventbridge-bus-policy-not-open"
_kms = "kms-key-policy-no-public-principal"
_trust = "iam-role-trust-policy-restricted"
_svc = "resource-policy-service-principal-scoped"
_res = "iam-policy-no-wildcard-resource"
_esc = "iam-policy-no-privilege-escalation"
_self = "iam-role-no-self-escalation"
_admin = "iam-policy-no-admin-access"
_lperm = "lambda-permission-source-scoped"
_lpub = "lambda-permission-not-public"

ORG = {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}

CASES = [
    # --- conditions by operator: ...IfExists, ForAllValues and negations do not narrow
    Case.fails(
        _sqs,
        queue_policy("if-exists", send("*", {"ArnEqualsIfExists": {"aws:SourceArn": TOPIC_ARN}})),
        label="arn-equals-if-exists",
    ),
    Case.fails(
        _sqs,
        queue_policy(
            "for-all-values",
            send("*", {"ForAllValues:StringEquals": {"aws:PrincipalOrgID": ["o-a1b2c3d4e5"]}}),
        ),
        label="for-all-values-org",
    ),
    Case.fails(
        _sqs,
        queue_policy(
            "not-equals", send("*", {"StringNotEquals": {"aws:SourceAccount": "999999999999"}})
        ),
        label="negated-operator",
    ),
    Case.fails(
        _sqs,
        queue_policy("null-only", send("*", {"Null": {"aws:SourceArn": "false"}})),
        label="null-operator",
    ),
    Case.passes(
        _sqs,
        queue_policy(
            "for-any-value",
            send("*", {"ForAnyValue:StringEquals": {"aws:PrincipalOrgID": ["o-a1b2c3d4e5"]}}),
        ),
        label="for-any-value-scopes",
    ),
    Case.passes(
        _sqs,
        queue_policy(
            "source-plus-ifexists",
            send(
                "*",
                {
                    "ArnEquals": {"aws:SourceArn": TOPIC_ARN},
                    "BoolIfExists": {"aws:SecureTransport": "true"},
                },
            ),
        ),
        label="scoped-with-extra-ifexists",
    ),
    # --- wildcards in condition values
    Case.fails(
        _sns,
        res(
            TOPIC_POLICY,
            "wild-principal-arn",
            {
                "arn": TOPIC_ARN,
                "policy": doc(
                    {
                        "Effect": "Allow",
                        "Principal": {"AWS": "*"},
                        "Action": "sns:Publish",
                        "Resource": TOPIC_ARN,
                        "Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/ci-*"}},
                    }
                ),
            },
        ),
        label="principal-arn-any-account",
    ),
    Case.fails(
        _bus,
        res(
            BUS_POLICY,
            "wild-org",
            {
                "eventBusName": "orders",
                "policy": doc(
                    {
                        "Effect": "Allow",
                        "Principal": "*",
                        "Action": "events:PutEvents",
                        "Resource": f"arn:aws:events:us-east-1:{ACCOUNT}:event-bus/orders",
                        "Condition": {"StringLike": {"aws:PrincipalOrgID": "o-*"}},
                    }
                ),
            },
        ),
        label="org-id-wildcard",
    ),
    Case.passes(
        _bus,
        res(
            BUS_POLICY,
            "org-only",
            {
                "eventBusName": "orders",
                "policy": doc(
                    {
                        "Effect": "Allow",
                        "Principal": "*",
                        "Action": "events:PutEvents",
                        "Resource": f"arn:aws:events:us-east-1:{ACCOUNT}:event-bus/orders",
                        "Condition": ORG,
                    }
                ),
            },
        ),
        label="org-id-exact",
    ),
    # --- principals by meaning: account `*`, NotPrincipal in Allow and in Deny
    Case.fails(
        _sqs, queue_policy("any-root", send({"AWS": "arn:aws:iam::*:root"})), label="any-root"
    ),
    Case.fails(
        _sqs,
        queue_policy(
            "allow-not-principal",
            send(None, NotPrincipal={"AWS": f"arn:aws:iam::{ACCOUNT}:role/blocked"}),
        ),
        label="allow-with-not-principal",
    ),
    Case.passes(
        _sqs,
        queue_policy(
            "deny-not-principal",
            send({"AWS": f"arn:aws:iam::{ACCOUNT}:role/orders-producer"}),
            {
                "Sid": "OnlyProducer",
                "Effect": "Deny",
                "NotPrincipal": {"AWS": f"arn:aws:iam::{ACCOUNT}:role/orders-producer"},
                "Action": "sqs:SendMessage",
                "Resource": QUEUE_ARN,
            },
        ),
        label="deny-with-not-principal",
    ),
    # --- KMS: kms:ViaService alone admits every account calling through the service
    Case.fails(
        _kms,
        key(
            "via-service-only",
            use_key(
                {"AWS": "*"}, {"StringEquals": {"kms:ViaService": "sqs.us-east-1.amazonaws.com"}}
            ),
        ),
    ),
    Case.passes(
        _kms,
        key(
            "via-service-and-caller",
            use_key(
                {"AWS": "*"},
                {
                    "StringEquals": {
                        "kms:ViaService": "sqs.us-east-1.amazonaws.com",
                        "kms:CallerAccount": ACCOUNT,
                    }
                },
            ),
        ),
    ),
    Case.fails(
        _kms,
        key(
            "caller-if-exists",
            use_key({"AWS": "*"}, {"StringEqualsIfExists": {"kms:CallerAccount": ACCOUNT}}),
        ),
    ),
    # --- federated trusts: `aud` alone, wildcard `sub`, IfExists on `sub`
    Case.fails(
        _trust,
        trust(
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
        trust(
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
        trust(
            web_identity(
                OIDC,
                {"StringLikeIfExists": {"token.actions.githubusercontent.com:sub": "repo:acme/*"}},
            )
        ),
        label="github-sub-if-exists",
    ),
    Case.passes(
        _trust,
        trust(
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
        trust(
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
        trust(
            {
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
                "Action": "sts:AssumeRole",
                "Condition": {"StringLike": {"sts:ExternalId": "*"}},
            }
        ),
        label="external-id-wildcard",
    ),
    # --- service principals need source scoping
    Case.fails(
        _svc, queue_policy("sns-unscoped", send({"Service": "sns.amazonaws.com"})), label="sns"
    ),
    Case.fails(
        _svc,
        queue_policy(
            "events-any-account",
            send(
                {"Service": "events.amazonaws.com"},
                {"ArnLike": {"aws:SourceArn": "arn:aws:events:*:*:rule/*"}},
            ),
        ),
        label="events-wildcard-source",
    ),
    Case.fails(
        _svc,
        res(
            QUEUE,
            "inline-s3",
            {
                "policy": doc(
                    send(
                        {"Service": "s3.amazonaws.com"},
                        {"ArnLikeIfExists": {"aws:SourceArn": "arn:aws:s3:::orders-uploads"}},
                    )
                )
            },
        ),
        label="s3-if-exists",
    ),
    Case.passes(
        _svc,
        queue_policy(
            "sns-scoped",
            send({"Service": "sns.amazonaws.com"}, {"ArnEquals": {"aws:SourceArn": TOPIC_ARN}}),
        ),
        label="sns-source-arn",
    ),
    Case.passes(
        _svc,
        queue_policy(
            "events-account",
            send(
                {"Service": "events.amazonaws.com"},
                {"StringEquals": {"aws:SourceAccount": ACCOUNT}},
            ),
        ),
        label="events-source-account",
    ),
    Case.passes(
        _svc,
        queue_policy("role-only", send({"AWS": f"arn:aws:iam::{ACCOUNT}:role/orders-producer"})),
        label="no-service-principal",
    ),
    # --- Lambda permissions: a source ARN with account `*` does not scope
    Case.fails(
        _lperm,
        res(
            PERMISSION,
            "any-rule",
            {
                "action": "lambda:InvokeFunction",
                "function": "orders",
                "principal": "events.amazonaws.com",
                "sourceArn": "arn:aws:events:us-east-1:*:rule/*",
            },
        ),
    ),
    Case.fails(
        _lpub,
        res(
            PERMISSION,
            "public-any-source",
            {
                "action": "lambda:InvokeFunction",
                "function": "orders",
                "principal": "*",
                "sourceArn": "arn:aws:sns:*:*:*",
            },
        ),
    ),
    Case.fails(
        _lpub,
        res(
            PERMISSION,
            "any-account-root",
            {
                "action": "lambda:InvokeFunction",
                "function": "orders",
                "principal": "arn:aws:iam::*:root",
            },
        ),
    ),
    Case.passes(
        _lpub,
        res(
            PERMISSION,
            "partner-account",
            {
                "action": "lambda:InvokeFunction",
                "function": "orders",
                "principal": "111122223333",
            },
        ),
    ),
    Case.passes(
        _lperm,
        res(
            PERMISSION,
            "rule-in-account",
            {
                "action": "lambda:InvokeFunction",
                "function": "orders",
                "principal": "events.amazonaws.com",
                "sourceArn": RULE_ARN,
            },
        ),
    ),
    # --- resource wildcards by meaning
    Case.fails(
        _res,
        identity(
            "all-secrets",
            allow(
                "secretsmanager:GetSecretValue",
                f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:*",
            ),
        ),
    ),
    Case.fails(
        _res,
        identity(
            "all-tables",
            allow(
                ["dynamodb:PutItem", "dynamodb:GetItem"], f"arn:aws:dynamodb:*:{ACCOUNT}:table/*"
            ),
        ),
    ),
    Case.fails(_res, identity("all-buckets", allow("s3:GetObject", "arn:aws:s3:::*/*"))),
    Case.passes(
        _res,
        identity(
            "one-bucket-objects",
            allow("s3:GetObject", "arn:aws:s3:::orders-exports/*"),
            allow("dynamodb:Query", f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/orders/index/*"),
            allow(
                "secretsmanager:GetSecretValue",
                f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:orders/db-*",
            ),
        ),
    ),
    Case.passes(
        _res,
        identity(
            "abac-tables",
            allow(
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
            allow(
                "dynamodb:PutItem",
                f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/*",
                Condition={"StringEqualsIfExists": {"aws:ResourceTag/Team": "orders"}},
            ),
        ),
        label="abac-resource-tag-if-exists",
    ),
    Case.fails(
        _admin, identity("not-resource", allow("*", None, NotResource="arn:aws:s3:::audit-logs"))
    ),
    # --- privilege escalation: wildcards that cover roles, and combinations (cloudsplaining)
    Case.fails(
        _esc,
        identity(
            "attach-any-role",
            allow("iam:AttachRolePolicy", f"arn:aws:iam::{ACCOUNT}:role/*"),
        ),
    ),
    Case.fails(
        _esc,
        identity(
            "pass-and-create",
            allow(
                ["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"],
                f"arn:aws:*:*:{ACCOUNT}:*",
            ),
        ),
    ),
    Case.fails(
        _esc,
        identity(
            "ssh-any-instance",
            allow(
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
            allow("ssm:UpdateInstanceInformation", f"arn:aws:ec2:us-east-1:{ACCOUNT}:instance/*"),
        ),
        label="run-time-instances-of-one-account",
    ),
    Case.passes(
        _esc,
        identity(
            "pass-one-role",
            allow(
                "iam:PassRole",
                f"arn:aws:iam::{ACCOUNT}:role/orders-handler",
                Condition={"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}},
            ),
        ),
    ),
]


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
            allow("iam:CreatePolicyVersion", f"arn:aws:iam::{ACCOUNT}:policy/orders-worker-*")
        ),
    },
)
_attachment = res(
    RPA,
    "orders-worker-access",
    {"role": "orders-worker", "policyArn": _managed.outputs["arn"]},
    deps={"role": [_worker], "policyArn": [_managed]},
)

CASES += [
    Case.fails(
        _self,
        _worker,
        _role_policy("self-attach", allow("iam:AttachRolePolicy", _worker_arn)),
        label="attach-own-arn",
    ),
    Case.fails(
        _self,
        _worker,
        _role_policy(
            "self-put-wildcard",
            allow(["iam:PutRolePolicy", "iam:GetRole"], f"arn:aws:iam::{ACCOUNT}:role/orders-*"),
        ),
        label="put-on-covering-wildcard",
    ),
    Case.fails(
        _self,
        _worker,
        _role_policy(
            "not-resource",
            allow("iam:PutRolePolicy", None, NotResource=f"arn:aws:iam::{ACCOUNT}:role/admin"),
        ),
        label="not-resource-covers-role",
    ),
    Case.fails(_self, _worker, _managed, _attachment, label="new-version-of-own-policy"),
    Case.passes(
        _self,
        _worker,
        _role_policy(
            "manage-other-role",
            allow("iam:PutRolePolicy", f"arn:aws:iam::{ACCOUNT}:role/batch-jobs"),
        ),
        label="other-role-only",
    ),
    Case.passes(
        _self,
        _worker,
        _role_policy(
            "attach-named-policy",
            allow(
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
]


# --- EventBridge permissions and managedPolicyArns
_permission = "aws:cloudwatch/eventPermission:EventPermission"
_self_managed = res(
    POLICY,
    "reporting-self-service",
    {
        "name": "reporting-self-service",
        "policy": doc(allow(["iam:PutRolePolicy"], f"arn:aws:iam::{ACCOUNT}:role/reporting")),
    },
)

CASES += [
    Case.fails(
        _bus,
        res(
            _permission,
            "any-org",
            {
                "principal": "*",
                "statementId": "OrgMembers",
                "condition": {"key": "aws:PrincipalOrgID", "type": "StringEquals", "value": "o-*"},
            },
        ),
        label="event-permission-wildcard-org",
    ),
    Case.passes(
        _bus,
        res(
            _permission,
            "one-org",
            {
                "principal": "*",
                "statementId": "OrgMembers",
                "condition": {
                    "key": "aws:PrincipalOrgID",
                    "type": "StringEquals",
                    "value": "o-a1b2c3d4e5",
                },
            },
        ),
        label="event-permission-one-org",
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
]


# --- TLS-only queue policies: the deny must cover every insecure request
def _tls_queue(name: str, deny: dict) -> tuple[object, object]:
    queue = res(QUEUE, name, {})
    policy = res(
        QUEUE_POLICY,
        f"{name}-policy",
        {
            "queueUrl": queue.outputs["url"],
            "policy": doc({"Resource": queue.outputs["arn"], "Action": "sqs:*", **deny}),
        },
    )
    return queue, policy


_tls = "sqs-queue-policy-tls-only"
_INSECURE = {"Bool": {"aws:SecureTransport": "false"}}
CASES += [
    Case.fails(
        _tls,
        *_tls_queue(
            "tls-only-for-one-account",
            {
                "Effect": "Deny",
                "Principal": "*",
                "Condition": {**_INSECURE, "StringEquals": {"aws:SourceAccount": "111122223333"}},
            },
        ),
        label="deny-narrowed-by-another-condition",
    ),
    Case.fails(
        _tls,
        *_tls_queue(
            "tls-only-not-principal",
            {
                "Effect": "Deny",
                "NotPrincipal": {"AWS": f"arn:aws:iam::{ACCOUNT}:role/legacy-poller"},
                "Condition": _INSECURE,
            },
        ),
        label="deny-exempts-a-principal",
    ),
    Case.passes(
        _tls,
        *_tls_queue(
            "tls-only-if-exists",
            {
                "Effect": "Deny",
                "Principal": {"AWS": "*"},
                "Condition": {"BoolIfExists": {"aws:SecureTransport": "false"}},
            },
        ),
        label="bool-if-exists-deny",
    ),
]


_sqs_wild = "sqs-queue-policy-no-wildcard-actions"
_consumer = {"AWS": f"arn:aws:iam::{ACCOUNT}:role/orders-consumer"}
CASES += [
    Case.fails(
        _sqs_wild,
        queue_policy("queue-star", send(_consumer, Action="sqs:*Queue*")),
        label="pattern-reaches-delete-queue",
    ),
    Case.fails(
        _sqs_wild,
        queue_policy("not-action", send(_consumer, Action=None, NotAction="sqs:DeleteQueue")),
        label="allow-not-action",
    ),
    Case.passes(
        _sqs_wild,
        queue_policy(
            "receive-family",
            send(_consumer, Action=["sqs:ReceiveMessage", "sqs:ChangeMessageVisibility*"]),
        ),
        label="pattern-within-message-actions",
    ),
]
