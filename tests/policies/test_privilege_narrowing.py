"""The pack asks cloudsplaining about each statement narrowed to the escalation methods' actions
(policies/lib/privilege.py); the verdict must be the one cloudsplaining gives on the whole
statement, which expands `*` and NotAction to every IAM action, except where cloudsplaining's
expansion misreads an action pattern IAM matches."""

from __future__ import annotations

from typing import Any

import pytest

from policies.lib import UNKNOWN, parse_policy
from policies.lib.privilege import _methods, cloudsplaining_input

PASS_ROLE_TO_LAMBDA = ("iam:passrole", "lambda:createfunction", "lambda:invokefunction")
ROLE = "arn:aws:iam::123456789012:role/x"
MFA = {"Bool": {"aws:MultiFactorAuthPresent": "true"}}


def _allow(resource: Any = "*", **action: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Resource": resource, **action}


def _deny(resource: Any = "*", **action: Any) -> dict[str, Any]:
    return {"Effect": "Deny", "Resource": resource, **action}


DOCUMENTS = {
    "everything": [_allow(Action="*")],
    "wildcards": [_allow(Action=["iam:Pass*", "lambda:Create*", "lambda:InvokeFunction"])],
    "not-action-on-everything": [_allow(NotAction=["s3:*", "ec2:*"])],
    "not-action-leaves-iam-out": [_allow(NotAction="iam:*")],
    "not-action-on-a-role": [_allow(ROLE, NotAction="s3:*")],
    "deny-takes-away": [_allow(Action="*"), _deny(Action=["iam:Put*", "iam:Attach*"])],
    "deny-not-action": [_allow(Action="iam:*"), _deny(NotAction="lambda:*")],
    "conditioned": [{**_allow(Action="*"), "Condition": MFA}],
    "any-role-arn": [_allow("arn:aws:iam::*:role/*", Action=["iam:PassRole", "lambda:*"])],
}


def _verdict(statements: list[dict[str, Any]], *, narrow: bool = True) -> Any:
    document = parse_policy({"Version": "2012-10-17", "Statement": statements})
    assert document is not None and document is not UNKNOWN
    return _methods.__wrapped__(cloudsplaining_input(document, narrow=narrow))  # type: ignore[arg-type]


def _both(statements: list[dict[str, Any]]) -> tuple[Any, Any]:
    return _verdict(statements, narrow=False), _verdict(statements)


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_narrowed_statements_give_cloudsplainings_verdict(name: str) -> None:
    whole, narrowed = _both(DOCUMENTS[name])
    assert narrowed == whole


def test_the_comparison_covers_found_and_absent_escalations() -> None:
    found = {name for name, statements in DOCUMENTS.items() if _verdict(statements)}
    assert found == {
        "everything",
        "wildcards",
        "not-action-on-everything",
        "not-action-leaves-iam-out",  # glue, lambda, cloudformation... methods remain
        "deny-takes-away",
        "deny-not-action",  # cloudsplaining ignores NotAction in a Deny
        "any-role-arn",
    }
    assert ("PassExistingRoleToNewLambdaThenInvoke", PASS_ROLE_TO_LAMBDA) in _verdict(
        DOCUMENTS["wildcards"]
    )


@pytest.mark.parametrize(
    "actions",
    [
        ["IAM:pass*", "lambda:createfunction", "lambda:invokefunction"],
        ["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunctio?"],
    ],
)
def test_action_patterns_match_as_iam_matches_them(actions: list[str]) -> None:
    """IAM matches actions without case and with `?` for one character
    (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html);
    cloudsplaining's own expansion misses these, the narrowed statement does not."""
    whole, narrowed = _both([_allow(Action=actions)])
    assert ("PassExistingRoleToNewLambdaThenInvoke", PASS_ROLE_TO_LAMBDA) in narrowed
    assert ("PassExistingRoleToNewLambdaThenInvoke", PASS_ROLE_TO_LAMBDA) not in whole
