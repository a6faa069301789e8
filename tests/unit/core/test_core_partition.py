"""Partition, DNS suffix and reverse DNS prefix come from the provider, never literals.

The provider's ``getPartition`` is answered as in the China Regions; every ARN, endpoint
service name and ``kms:ViaService`` value the components render must follow.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from components.compute.alarmed_function import AlarmedFunction, AlarmedFunctionArgs
from components.core.context import PlatformContext
from components.network.vpc import Network, NetworkArgs
from tools.preview import invokes
from tools.preview.program import ProgramRun, run_in_mocks


@pytest.fixture
def china(monkeypatch: pytest.MonkeyPatch) -> None:
    def partition(_args: Any, _ctx: Any) -> dict[str, Any]:
        return {
            "id": "aws-cn",
            "partition": "aws-cn",
            "dnsSuffix": "amazonaws.com.cn",
            "reverseDnsPrefix": "cn.com.amazonaws",
        }

    monkeypatch.setitem(invokes.ANSWERS, "aws:index/getPartition:getPartition", partition)


def _run(program: Any) -> ProgramRun:
    return run_in_mocks(program, region="cn-north-1")


def test_function_layer_and_key_policy_follow_the_partition(china: None) -> None:
    run = _run(
        lambda: AlarmedFunction(
            "worker",
            PlatformContext.for_tests("dev", region="cn-north-1"),
            AlarmedFunctionArgs(handler="shipment_events.handler"),
        )
    )
    (function,) = run.of_type("aws:lambda/function:Function")
    assert all(layer.startswith("arn:aws-cn:lambda:") for layer in function.inputs["layers"])
    policy = json.loads(run.of_type("aws:kms/key:Key")[0].inputs["policy"])
    text = json.dumps(policy)
    assert "arn:aws:" not in text
    assert "lambda.cn-north-1.amazonaws.com.cn" in text
    assert "logs.cn-north-1.amazonaws.com.cn" in text


def test_endpoint_service_names_follow_the_partition(china: None) -> None:
    run = _run(
        lambda: Network(
            "core",
            PlatformContext.for_tests("dev", region="cn-north-1"),
            NetworkArgs(interface_endpoints=["logs"]),
        )
    )
    names = {e.inputs["serviceName"] for e in run.of_type("aws:ec2/vpcEndpoint:VpcEndpoint")}
    assert names and all(name.startswith("cn.com.amazonaws.cn-north-1.") for name in names)
