"""Programs that get policy semantics wrong (or right, in unusual forms), previewed with the
offline preview CLI: each broken one is caught as a mandatory violation by the rule that judges
its meaning, and the correct one is flagged by none of those rules."""

from __future__ import annotations

import pytest

from tests.policies.test_policy_programs import _preview, decided

BROKEN = [
    (
        "oidc-trust-checks-only-audience",
        "iam-role-trust-policy-restricted",
        "aws:iam/role:Role",
        "deploy",
    ),
    (
        "queue-policy-source-if-exists",
        "sqs-queue-policy-not-public",
        "aws:sqs/queuePolicy:QueuePolicy",
        "orders-audit",
    ),
    (
        "kms-key-via-service-only",
        "kms-key-policy-no-public-principal",
        "aws:kms/key:Key",
        "payments",
    ),
    (
        "role-attaches-own-policies",
        "iam-role-no-self-escalation",
        "aws:iam/role:Role",
        "provisioner",
    ),
    (
        "secrets-wildcard-by-arn",
        "iam-policy-no-wildcard-resource",
        "aws:iam/role:Role",
        "settlement-worker",
    ),
    (
        "queue-admits-events-unscoped",
        "resource-policy-service-principal-scoped",
        "aws:sqs/queuePolicy:QueuePolicy",
        "claims-intake",
    ),
]
CORRECT = ["correct-unusual-policies"]
PROGRAMS = [b[0] for b in BROKEN] + CORRECT

# The rules that judge what a policy document means.
SEMANTIC_RULES = {
    "iam-policy-no-admin-access",
    "iam-policy-no-wildcard-actions",
    "iam-policy-no-wildcard-resource",
    "iam-policy-no-privilege-escalation",
    "iam-policy-no-kms-decrypt-on-all-keys",
    "iam-role-trust-policy-restricted",
    "iam-role-no-self-escalation",
    "kms-key-policy-no-public-principal",
    "sqs-queue-policy-not-public",
    "sqs-queue-policy-no-wildcard-actions",
    "sns-topic-policy-not-public",
    "eventbridge-bus-policy-not-open",
    "lambda-permission-not-public",
    "lambda-permission-source-scoped",
    "resource-policy-service-principal-scoped",
}


@pytest.mark.parametrize(("program", "policy", "type_", "name"), BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_semantics_are_caught(program: str, policy: str, type_: str, name: str) -> None:
    code, report = _preview(program)
    urn = next(r["urn"] for r in report["resources"] if r["type"] == type_ and r["name"] == name)
    hits = decided(report["violations"], policy)
    assert [v["urn"] for v in hits] == [urn], hits
    assert hits[0]["enforcement"] == "mandatory"
    assert code == 1


@pytest.mark.parametrize("program", CORRECT)
def test_correct_unusual_policies_are_not_flagged(program: str) -> None:
    _, report = _preview(program)
    violations = report["violations"]
    flagged = [
        (v["policy"], v["message"])
        for policy in sorted(SEMANTIC_RULES)
        for v in decided(violations, policy)
    ]
    assert not flagged
