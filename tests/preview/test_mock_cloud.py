"""The mock cloud and run_in_mocks: outputs, invokes, parents/dependencies, failures."""

from __future__ import annotations

import json
import re
import traceback

import pulumi
import pulumi_aws as aws
import pulumi_awsx as awsx
import pytest

from tools.preview.invokes import UnknownInvokeError
from tools.preview.program import TransformsNotSupportedError, run_in_mocks

ACCOUNT = "123456789012"


def test_queue_gets_real_arn_url_and_auto_name() -> None:
    run = run_in_mocks(lambda: aws.sqs.Queue("orders"), config={"aws:region": "eu-west-1"})
    queue = run.named("orders")
    name = queue.outputs["name"]
    assert re.fullmatch(r"orders-[0-9a-f]{7}", name)
    assert queue.outputs["arn"] == f"arn:aws:sqs:eu-west-1:{ACCOUNT}:{name}"
    assert queue.outputs["url"] == f"https://sqs.eu-west-1.amazonaws.com/{ACCOUNT}/{name}"


def test_explicit_name_is_the_physical_name_and_names_are_deterministic() -> None:
    def program() -> None:
        aws.sns.Topic("alerts", name="platform-alerts")
        aws.lambda_.Function(
            "fn", role="arn:aws:iam::123456789012:role/r", runtime="python3.12", handler="h.h"
        )

    first, second = run_in_mocks(program), run_in_mocks(program)
    topic_arn = first.named("alerts").outputs["arn"]
    assert topic_arn == f"arn:aws:sns:us-east-1:{ACCOUNT}:platform-alerts"
    fn = first.named("fn").outputs
    assert fn["arn"].startswith(f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:fn-")
    assert fn["qualifiedArn"] == fn["arn"] + ":$LATEST"
    assert fn["invokeArn"] == (
        f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{fn['arn']}/invocations"
    )
    assert second.named("fn").outputs["arn"] == fn["arn"]


def test_kms_key_table_stream_load_balancer_and_fallback() -> None:
    def program() -> None:
        aws.kms.Key("key")
        aws.dynamodb.Table(
            "events",
            hash_key="id",
            attributes=[{"name": "id", "type": "S"}],
            stream_enabled=True,
            stream_view_type="NEW_IMAGE",
        )
        aws.lb.LoadBalancer("alb", internal=True)
        aws.cloudwatch.LogGroup("logs", name="/platform/app")
        aws.sfn.Activity("activity")

    run = run_in_mocks(program)
    key = run.named("key").outputs
    assert key["arn"] == f"arn:aws:kms:us-east-1:{ACCOUNT}:key/{key['keyId']}"
    uuid_pattern = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
    assert re.fullmatch(uuid_pattern, key["keyId"])
    table = run.named("events").outputs
    assert table["streamArn"].startswith(table["arn"] + "/stream/")
    alb = run.named("alb").outputs
    assert alb["arn"].endswith(":loadbalancer/" + alb["arnSuffix"])
    assert alb["dnsName"].startswith("internal-alb-")
    assert run.named("logs").outputs["arn"] == (
        f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/platform/app"
    )
    activity = run.named("activity").outputs
    assert activity["arn"].startswith(f"arn:aws:states:us-east-1:{ACCOUNT}:activity/activity-")


def test_policy_document_is_rendered_like_the_provider() -> None:
    def program() -> None:
        doc = aws.iam.get_policy_document(
            statements=[
                aws.iam.GetPolicyDocumentStatementArgs(
                    sid="FromSns",
                    actions=["sqs:SendMessage"],
                    resources=["arn:aws:sqs:us-east-1:123456789012:q"],
                    principals=[
                        aws.iam.GetPolicyDocumentStatementPrincipalArgs(
                            type="Service", identifiers=["sns.amazonaws.com"]
                        )
                    ],
                    conditions=[
                        aws.iam.GetPolicyDocumentStatementConditionArgs(
                            test="ArnEquals", variable="aws:SourceArn", values=["arn:t1", "arn:t2"]
                        )
                    ],
                ),
                aws.iam.GetPolicyDocumentStatementArgs(
                    effect="Deny", not_actions=["kms:Decrypt", "kms:Encrypt"], resources=["*"]
                ),
            ]
        )
        pulumi.export("policy", doc.json)

    policy = json.loads(run_in_mocks(program).stack_outputs["policy"])
    assert policy == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "FromSns",
                "Effect": "Allow",
                "Action": "sqs:SendMessage",
                "Resource": "arn:aws:sqs:us-east-1:123456789012:q",
                "Principal": {"Service": "sns.amazonaws.com"},
                "Condition": {"ArnEquals": {"aws:SourceArn": ["arn:t1", "arn:t2"]}},
            },
            {"Effect": "Deny", "NotAction": ["kms:Decrypt", "kms:Encrypt"], "Resource": "*"},
        ],
    }


def test_identity_region_partition_and_zones() -> None:
    def program() -> None:
        pulumi.export("account", aws.get_caller_identity().account_id)
        pulumi.export("region", aws.get_region().region)
        pulumi.export("partition", aws.get_partition().partition)
        pulumi.export("zones", aws.get_availability_zones().names)

    outputs = run_in_mocks(program, config={"aws:region": "eu-central-1"}).stack_outputs
    assert outputs == {
        "account": ACCOUNT,
        "region": "eu-central-1",
        "partition": "aws",
        "zones": ["eu-central-1a", "eu-central-1b", "eu-central-1c"],
    }


def test_parents_dependencies_and_property_dependencies_are_recorded() -> None:
    class Pair(pulumi.ComponentResource):
        def __init__(self, name: str) -> None:
            super().__init__("test:index:Pair", name)
            self.queue = aws.sqs.Queue(f"{name}-q", opts=pulumi.ResourceOptions(parent=self))
            aws.sqs.QueuePolicy(
                f"{name}-p",
                queue_url=self.queue.url,
                policy="{}",
                opts=pulumi.ResourceOptions(parent=self),
            )
            self.register_outputs({})

    run = run_in_mocks(lambda: Pair("pair"))
    pair, queue, policy = run.named("pair"), run.named("pair-q"), run.named("pair-p")
    assert not pair.custom and queue.custom
    assert queue.parent == pair.urn and pair.parent == run.stack_urn
    assert queue.urn == "urn:pulumi:dev::aws-platform::test:index:Pair$aws:sqs/queue:Queue::pair-q"
    assert policy.dependencies == [queue.urn]
    assert policy.property_dependencies["queueUrl"] == [queue.urn]
    assert policy.property_dependencies["policy"] == []
    assert policy.inputs == {"queueUrl": queue.outputs["url"], "policy": "{}"}


def test_awsx_vpc_outputs_follow_the_zone_count() -> None:
    def program() -> None:
        vpc = awsx.ec2.Vpc("net", number_of_availability_zones=3)
        pulumi.export("private", vpc.private_subnet_ids)
        pulumi.export("public", vpc.public_subnet_ids)
        pulumi.export("vpc", vpc.vpc_id)

    outputs = run_in_mocks(program).stack_outputs
    assert len(outputs["private"]) == 3 and len(set(outputs["private"] + outputs["public"])) == 6
    assert re.fullmatch(r"vpc-0[0-9a-f]{16}", outputs["vpc"])


def test_unknown_invoke_names_the_token() -> None:
    with pytest.raises(UnknownInvokeError, match="aws:ec2/getInstance:getInstance"):
        run_in_mocks(lambda: aws.ec2.get_instance(instance_id="i-1"))


def test_program_exception_keeps_its_traceback() -> None:
    def program() -> None:
        aws.sqs.Queue("q")
        raise ValueError("bad settings")

    with pytest.raises(ValueError, match="bad settings") as caught:
        run_in_mocks(program)
    frames = [frame.name for frame in traceback.extract_tb(caught.value.__traceback__)]
    assert "program" in frames
    # The runtime is reset: the next run starts clean.
    assert [r.name for r in run_in_mocks(lambda: aws.sqs.Queue("next")).resources][1:] == ["next"]


def test_a_failing_apply_deep_in_a_chain_still_fails_the_run() -> None:
    """Outstanding outputs are awaited in whole rounds; a failure among them is still raised."""

    def program() -> None:
        queue = aws.sqs.Queue("q")
        chained = queue.arn.apply(lambda arn: arn.upper()).apply(lambda arn: arn.lower())
        chained.apply(lambda _: 1 / 0)
        for index in range(20):  # outputs that succeed, finishing around the failing one
            queue.url.apply(lambda url, i=index: f"{url}/{i}")

    with pytest.raises(ZeroDivisionError):
        run_in_mocks(program)


def test_outputs_created_while_waiting_are_awaited_too() -> None:
    seen: list[str] = []

    def program() -> None:
        queue = aws.sqs.Queue("q")
        queue.arn.apply(lambda arn: aws.sqs.Queue("late").arn.apply(seen.append))

    run = run_in_mocks(program)
    assert [r.name for r in run.resources][1:] == ["q", "late"]
    assert seen == [run.named("late").outputs["arn"]]


def test_transforms_fail_fast_instead_of_hanging() -> None:
    def stack_transform() -> None:
        pulumi.runtime.register_resource_transform(lambda _args: None)

    def resource_transform() -> None:
        aws.sqs.Queue("q", opts=pulumi.ResourceOptions(transforms=[lambda _args: None]))

    with pytest.raises(TransformsNotSupportedError, match="stack transform"):
        run_in_mocks(stack_transform)
    with pytest.raises(TransformsNotSupportedError, match="resource 'q'"):
        run_in_mocks(resource_transform)
    assert pulumi.runtime.register_resource_transform.__name__ == "register_resource_transform"


def test_config_reaches_the_program() -> None:
    def program() -> None:
        config = pulumi.Config()
        pulumi.export("owner", config.require("owner"))
        pulumi.export("limits", config.require_object("limits"))

    outputs = run_in_mocks(
        program, config={"aws-platform:owner": "team", "aws-platform:limits": '{"a": 1}'}
    ).stack_outputs
    assert outputs == {"owner": "team", "limits": {"a": 1}}


def test_urns_follow_the_engine_parent_type_chain() -> None:
    class Outer(pulumi.ComponentResource):
        def __init__(self, name: str) -> None:
            super().__init__("test:index:Outer", name)
            inner = pulumi.ComponentResource(
                "test:index:Inner", f"{name}-inner", opts=pulumi.ResourceOptions(parent=self)
            )
            aws.sqs.Queue(f"{name}-q", opts=pulumi.ResourceOptions(parent=inner))

    run = run_in_mocks(lambda: (Outer("o"), aws.sqs.Queue("top")))
    prefix = "urn:pulumi:dev::aws-platform::"
    assert run.named("top").urn == prefix + "aws:sqs/queue:Queue::top"
    assert run.named("o").urn == prefix + "test:index:Outer::o"
    assert run.named("o-q").urn == (
        prefix + "test:index:Outer$test:index:Inner$aws:sqs/queue:Queue::o-q"
    )
    assert run.stack_urn == prefix + "pulumi:pulumi:Stack::aws-platform-dev"
