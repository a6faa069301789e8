import json

import pulumi
import pytest

from components.core.errors import ComponentArgumentsError
from components.core.iam import (
    PolicyBuilder,
    Statement,
    accepts_only_wildcard_resource,
    canonical_action,
    policy_document,
    service_trust_policy,
    validate_statements,
)
from tools.preview.program import run_in_mocks

QUEUE = "arn:aws:sqs:us-east-1:123456789012:orders"
TABLE = "arn:aws:dynamodb:us-east-1:123456789012:table/orders"


def _problems(*statements: Statement) -> tuple[str, ...]:
    with pytest.raises(ComponentArgumentsError) as raised:
        validate_statements(list(statements), component="Consumer")
    assert raised.value.component == "Consumer"
    return raised.value.problems


def test_wildcard_actions_are_refused():
    assert _problems(Statement(["sqs:*", "s3:Get*", "*"], [QUEUE])) == (
        "statements[0].actions: wildcard action 'sqs:*' is not allowed",
        "statements[0].actions: wildcard action 's3:Get*' is not allowed",
        "statements[0].actions: wildcard action '*' is not allowed",
    )


def test_unknown_actions_are_refused():
    assert _problems(Statement(["sqs:RecieveMessage", "nosuchservice:Do", "sqs"], [QUEUE])) == (
        "statements[0].actions: unknown action 'sqs:RecieveMessage'",
        "statements[0].actions: unknown action 'nosuchservice:Do'",
        "statements[0].actions: unknown action 'sqs'",
    )


def test_star_resource_is_refused_for_actions_that_accept_arns():
    assert _problems(Statement(["sqs:ReceiveMessage", "sqs:DeleteMessage"], ["*"])) == (
        "statements[0].resources: '*' is not allowed for sqs:DeleteMessage, sqs:ReceiveMessage"
        " (they accept resource ARNs); name the resources",
    )


def test_wildcard_only_actions_need_star_and_their_own_statement():
    assert _problems(
        Statement(["xray:PutTraceSegments"], [QUEUE]),
        Statement(["xray:PutTraceSegments", "sqs:ReceiveMessage"], ["*", QUEUE]),
    ) == (
        "statements[0].resources: xray:PutTraceSegments accept only '*';"
        " put them in their own statement with resources=['*']",
        "statements[1].resources: '*' is not allowed for sqs:ReceiveMessage"
        " (they accept resource ARNs); name the resources",
        "statements[1].resources: xray:PutTraceSegments accept only '*';"
        " put them in their own statement with resources=['*']",
    )


def test_every_problem_of_every_statement_is_reported_at_once():
    problems = _problems(
        Statement([], []),
        Statement(["sqs:ReceiveMessage"], [QUEUE], sid="Dup"),
        Statement(["sqs:ReceiveMessage"], [QUEUE], sid="Dup", effect="Maybe"),  # type: ignore[arg-type]
        Statement(["sqs:SendMessage"], [QUEUE], principals="*"),
    )
    assert problems == (
        "statements: duplicate sid 'Dup'",
        "statements[0].actions: must not be empty",
        "statements[0].resources: must be a non-empty list",
        "statements[2].effect: must be 'Allow' or 'Deny', got 'Maybe'",
        "statements[3].principals: '*' is allowed only in Deny statements",
    )


def test_action_database_answers():
    assert canonical_action("SQS:receivemessage") == "sqs:ReceiveMessage"
    assert canonical_action("sqs:RecieveMessage") is None
    assert accepts_only_wildcard_resource("xray:PutTraceSegments")
    assert accepts_only_wildcard_resource("ec2:DescribeInstances")
    assert not accepts_only_wildcard_resource("sqs:ReceiveMessage")
    assert not accepts_only_wildcard_resource("dynamodb:PutItem")


def _rendered(build) -> dict:
    captured: dict[str, str] = {}

    def program() -> None:
        build().apply(lambda text: captured.setdefault("policy", text))

    run_in_mocks(program)
    return json.loads(captured["policy"]) | {"_raw": captured["policy"]}


def test_policy_json_is_deterministic_and_resolves_outputs():
    def build() -> pulumi.Output[str]:
        return policy_document(
            [
                Statement(["xray:PutTraceSegments", "xray:PutTelemetryRecords"], ["*"]),
                Statement(
                    ["sqs:ReceiveMessage", "SQS:deletemessage", "sqs:ReceiveMessage"],
                    [pulumi.Output.from_input(QUEUE), TABLE.replace("orders", "b")],
                    {"StringEquals": {"aws:SourceAccount": pulumi.Output.from_input("1")}},
                    sid="Consume",
                ),
            ]
        )

    document = _rendered(build)
    raw = document.pop("_raw")
    assert document == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ["xray:PutTelemetryRecords", "xray:PutTraceSegments"],
                "Resource": ["*"],
            },
            {
                "Sid": "Consume",
                "Effect": "Allow",
                "Action": ["sqs:DeleteMessage", "sqs:ReceiveMessage"],
                "Resource": sorted([QUEUE, TABLE.replace("orders", "b")]),
                "Condition": {"StringEquals": {"aws:SourceAccount": "1"}},
            },
        ],
    }
    assert raw == json.dumps(document, sort_keys=True, separators=(",", ":"))


def test_builder_renders_resource_policies_with_principals():
    def build() -> pulumi.Output[str]:
        return (
            PolicyBuilder(component="Queue")
            .allow(
                ["sqs:SendMessage"],
                [QUEUE],
                {"ArnEquals": {"aws:SourceArn": "arn:aws:sns:us-east-1:123456789012:t"}},
                principals={"Service": ["sns.amazonaws.com"]},
            )
            .deny(
                ["sqs:SendMessage"],
                [QUEUE],
                {"Bool": {"aws:SecureTransport": "false"}},
                principals="*",
            )
            .render()
        )

    document = _rendered(build)
    assert [s["Principal"] for s in document["Statement"]] == [
        {"Service": ["sns.amazonaws.com"]},
        "*",
    ]
    assert [s["Effect"] for s in document["Statement"]] == ["Allow", "Deny"]


def test_builder_refuses_before_rendering():
    with pytest.raises(ComponentArgumentsError, match="unknown action 'sqs:RecieveMessage'"):
        PolicyBuilder(component="Consumer").allow(["sqs:RecieveMessage"], [QUEUE]).render()


def test_service_trust_policy_guards_the_confused_deputy():
    (statement,) = service_trust_policy("lambda.amazonaws.com", "123456789012")["Statement"]
    assert statement == {
        "Effect": "Allow",
        "Principal": {"Service": "lambda.amazonaws.com"},
        "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": {"aws:SourceAccount": "123456789012"}},
    }
    rule = "arn:aws:events:us-east-1:123456789012:rule/bus/r"
    narrowed = service_trust_policy("events.amazonaws.com", "123456789012", source_arn=rule)
    assert narrowed["Statement"][0]["Condition"]["ArnEquals"] == {"aws:SourceArn": rule}
