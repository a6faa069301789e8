"""Property-based tests of policy semantics, through the running pack over gRPC.

hypothesis generates IAM and resource policy documents (every principal, action, resource and
condition shape, in JSON text, dict and ``get_policy_document`` form) and:

- no rule ever raises on them (identity policies, trust policies, queue, topic, bus and key
  policies);
- whenever policyuniverse says a queue policy is open to the internet, the pack's public-access
  rule reports it; and on conditions policyuniverse models correctly (no ``...IfExists``, no
  ``ForAllValues:``) the pack reports nothing policyuniverse calls closed.

Where the pack is stricter than policyuniverse on purpose (``...IfExists`` and ``ForAllValues:``
do not narrow) the agreement is one way; statements carry at most one condition entry in the
agreement test, because policyuniverse reads several entries as "open if any is open" while IAM
ANDs them.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from policyuniverse.policy import Policy

from tests.policies.harness import evaluate, res
from tools.preview.analyzer import PolicyPackProcess

ACCOUNT = "123456789012"
QUEUE_ARN = f"arn:aws:sqs:us-east-1:{ACCOUNT}:orders"
OIDC_PROVIDER = f"arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com"
SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

principals = st.one_of(
    st.just("*"),
    st.just({"AWS": "*"}),
    st.just({"AWS": ["*"]}),
    st.sampled_from(
        [
            {"AWS": "arn:aws:iam::*:root"},
            {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
            {"AWS": ACCOUNT},
            {"AWS": [f"arn:aws:iam::{ACCOUNT}:role/orders", "arn:aws:iam::*:role/ci"]},
            {"AWS": "arn:aws:iam::111122223333:role/partner"},
            {"Service": "sns.amazonaws.com"},
            {"Service": ["events.amazonaws.com", "s3.amazonaws.com"]},
            {"Federated": OIDC_PROVIDER},
        ]
    ),
)

plain_operators = st.sampled_from(
    ["StringEquals", "StringLike", "ArnEquals", "ArnLike", "IpAddress", "ForAnyValue:StringEquals"]
)
lenient_operators = st.sampled_from(
    [
        "StringEqualsIfExists",
        "ArnLikeIfExists",
        "ForAllValues:StringEquals",
        "ForAllValues:ArnLike",
    ]
)
other_operators = st.sampled_from(
    ["StringNotEquals", "ArnNotLike", "NotIpAddress", "Null", "Bool", "BoolIfExists"]
)
# Keys policyuniverse maps to callers, and keys that name no caller.
caller_keys = st.sampled_from(
    [
        "aws:SourceArn",
        "aws:SourceAccount",
        "aws:SourceOwner",
        "aws:PrincipalArn",
        "aws:PrincipalAccount",
        "aws:PrincipalOrgID",
        "aws:SourceVpce",
        "aws:SourceIp",
        "kms:CallerAccount",
    ]
)
neutral_keys = st.sampled_from(
    ["aws:SecureTransport", "aws:RequestedRegion", "kms:ViaService", "s3:prefix"]
)
values = st.sampled_from(
    [
        "*",
        ACCOUNT,
        "11112222*",
        "o-a1b2c3d4e5",
        "o-*",
        f"arn:aws:sns:us-east-1:{ACCOUNT}:orders",
        "arn:aws:sns:*:*:*",
        "arn:aws:iam::*:role/ci",
        f"arn:aws:iam::{ACCOUNT}:role/*",
        "10.0.0.0/16",
        "0.0.0.0/0",
        "vpce-0a1b2c3d",
        "true",
        "false",
    ]
)


@st.composite
def conditions(draw: st.DrawFn, operators: st.SearchStrategy[str], most: int = 3) -> dict:
    out: dict[str, dict[str, Any]] = {}
    for _ in range(draw(st.integers(0, most))):
        operator = draw(operators)
        key = draw(st.one_of(caller_keys, neutral_keys))
        vals = draw(st.lists(values, min_size=1, max_size=2))
        out.setdefault(operator, {})[key] = vals[0] if len(vals) == 1 else vals
    return out


actions = st.one_of(
    st.sampled_from(["*", "sqs:*", "sqs:SendMessage", "iam:PassRole", "kms:Decrypt", "s3:Get*"]),
    st.lists(
        st.sampled_from(
            [
                "sqs:SendMessage",
                "iam:AttachRolePolicy",
                "iam:PutRolePolicy",
                "lambda:CreateFunction",
                "lambda:InvokeFunction",
                "secretsmanager:GetSecretValue",
                "xray:PutTraceSegments",
            ]
        ),
        min_size=1,
        max_size=4,
    ),
)
resources = st.one_of(
    st.sampled_from(
        [
            "*",
            QUEUE_ARN,
            "arn:aws:s3:::*",
            "arn:aws:s3:::orders/*",
            f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/*",
            f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:*",
            f"arn:aws:iam::{ACCOUNT}:role/*",
            "not-an-arn",
        ]
    ),
    st.lists(st.sampled_from([QUEUE_ARN, "*", "arn:aws:kms:*:*:key/*"]), max_size=3),
)


@st.composite
def statements(
    draw: st.DrawFn, condition_strategy: st.SearchStrategy[dict], principal: bool = True
) -> dict:
    statement: dict[str, Any] = {"Effect": draw(st.sampled_from(["Allow", "Allow", "Deny"]))}
    statement["NotAction" if draw(st.booleans()) and draw(st.booleans()) else "Action"] = draw(
        actions
    )
    statement["NotResource" if draw(st.integers(0, 4)) == 0 else "Resource"] = draw(resources)
    if principal:
        statement["NotPrincipal" if draw(st.integers(0, 5)) == 0 else "Principal"] = draw(
            principals
        )
    condition = draw(condition_strategy)
    if condition:
        statement["Condition"] = condition
    if draw(st.booleans()):
        statement["Sid"] = draw(st.sampled_from(["Producers", "S1", "x"]))
    return statement


def _lower(statement: dict) -> dict:
    """The statement as ``aws.iam.get_policy_document`` arguments (camelCase, as the engine
    sends them)."""

    def listed(value: Any) -> list:
        return value if isinstance(value, list) else [value]

    def principal_blocks(value: Any) -> list[dict]:
        if value == "*":
            return [{"type": "*", "identifiers": ["*"]}]
        return [{"type": k, "identifiers": listed(v)} for k, v in value.items()]

    out: dict[str, Any] = {"effect": statement["Effect"]}
    for key, lower in (
        ("Action", "actions"),
        ("NotAction", "notActions"),
        ("Resource", "resources"),
        ("NotResource", "notResources"),
    ):
        if key in statement:
            out[lower] = listed(statement[key])
    if "Principal" in statement:
        out["principals"] = principal_blocks(statement["Principal"])
    if "NotPrincipal" in statement:
        out["notPrincipals"] = principal_blocks(statement["NotPrincipal"])
    out["conditions"] = [
        {"test": op, "variable": key, "values": listed(v)}
        for op, block in statement.get("Condition", {}).items()
        for key, v in block.items()
    ]
    return out


def _shape(draw: st.DrawFn, document: dict) -> Any:
    form = draw(st.sampled_from(["json", "dict", "lower"]))
    if form == "json":
        return json.dumps(document)
    if form == "dict":
        return document
    return {"statements": [_lower(s) for s in document["Statement"]]}


@st.composite
def documents(draw: st.DrawFn, principal: bool = True) -> tuple[dict, Any]:
    """(document, the document in one of the shapes a program sends)."""
    condition = conditions(st.one_of(plain_operators, lenient_operators, other_operators))
    body = draw(st.lists(statements(condition, principal), min_size=1, max_size=3))
    document = {"Version": "2012-10-17", "Statement": body}
    return document, _shape(draw, document)


@given(
    identity=documents(principal=False),
    trust=documents(),
    resource_policy=documents(),
)
@SETTINGS
def test_no_rule_raises_on_generated_documents(
    pack: PolicyPackProcess, identity: tuple, trust: tuple, resource_policy: tuple
) -> None:
    role = res(
        "aws:iam/role:Role",
        "generated",
        {
            "name": "generated",
            "assumeRolePolicy": trust[1],
            "inlinePolicies": [{"name": "inline", "policy": identity[1]}],
        },
    )
    resources = [
        role,
        res("aws:iam/policy:Policy", "generated", {"policy": identity[1]}),
        res(
            "aws:iam/rolePolicy:RolePolicy",
            "generated",
            {"role": "generated", "policy": identity[1]},
            deps={"role": [role]},
        ),
        res(
            "aws:sqs/queuePolicy:QueuePolicy",
            "generated",
            {"queueUrl": "u", "policy": resource_policy[1]},
        ),
        res(
            "aws:sns/topicPolicy:TopicPolicy",
            "generated",
            {"arn": "t", "policy": resource_policy[1]},
        ),
        res(
            "aws:cloudwatch/eventBusPolicy:EventBusPolicy",
            "generated",
            {"eventBusName": "b", "policy": resource_policy[1]},
        ),
        res("aws:kms/key:Key", "generated", {"description": "k", "policy": resource_policy[1]}),
    ]
    evaluate(pack, resources)  # raises PackError when a rule raised


def _reported_public(pack: PolicyPackProcess, policy: Any) -> bool:
    queue_policy = res(
        "aws:sqs/queuePolicy:QueuePolicy", "generated", {"queueUrl": "u", "policy": policy}
    )
    found = evaluate(pack, [queue_policy])
    return any(v.policy == "sqs-queue-policy-not-public" for v in found)


@given(st.data())
@SETTINGS
def test_public_access_agrees_with_policyuniverse(
    pack: PolicyPackProcess, data: st.DataObject
) -> None:
    condition = conditions(st.one_of(plain_operators, other_operators, lenient_operators), most=1)
    body = data.draw(st.lists(statements(condition), min_size=1, max_size=3))
    document = {"Version": "2012-10-17", "Statement": body}
    reported = _reported_public(pack, _shape(data.draw, document))
    if Policy(document).is_internet_accessible():
        assert reported, document
    lenient = any(
        op.lower().endswith("ifexists") or op.lower().startswith("forallvalues:")
        for s in body
        for op in s.get("Condition", {})
    )
    if not lenient:
        assert reported == Policy(document).is_internet_accessible(), document
