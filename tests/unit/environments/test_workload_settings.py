"""Workload settings: tier defaults, stack-file overrides, and every problem reported at once."""

from __future__ import annotations

from typing import Any

import pytest

from components.core.errors import StackConfigError
from components.core.settings import Tier
from environments.workload_settings import parse_workload_settings

VALID: dict[str, Any] = {
    "certificateArn": "arn:aws:acm:us-east-1:246813579024:certificate/abc-123",
    "allowedIngressCidrs": '["10.0.0.0/8"]',
    "albAccessLogsBucket": "central-logs-246813579024",
    "trackingApiImage": "246813579024.dkr.ecr.us-east-1.amazonaws.com/tracking-api:1.4.2",
}


def _parse(tier: Tier = Tier.PROD, **overrides: Any):
    return parse_workload_settings({**VALID, **overrides}, tier, "Pulumi.prod.yaml")


def test_seed_003_numbers_are_the_prod_consumer_defaults() -> None:
    consumer = _parse().shipment_consumer
    assert (consumer.memory_size_mb, consumer.timeout_seconds) == (512, 60)
    assert consumer.reserved_concurrency == 5


def test_dev_scales_the_consumer_down_and_the_stack_file_overrides_a_field() -> None:
    dev = _parse(Tier.DEV).shipment_consumer
    assert dev.reserved_concurrency < 5
    assert dev.memory_size_mb < 512
    tuned = _parse(Tier.DEV, shipmentConsumer='{"reservedConcurrency": 4}').shipment_consumer
    assert tuned.reserved_concurrency == 4
    assert tuned.memory_size_mb == dev.memory_size_mb


def test_values_are_parsed_from_the_stack_file_strings() -> None:
    settings = _parse(costAssumptions='{"shipmentEventsPerDay": 30000}', pinnedAmiId="ami-0abc1234")
    assert settings.allowed_ingress_cidrs == ("10.0.0.0/8",)
    assert settings.cost_assumptions == {"shipmentEventsPerDay": 30000.0}
    assert settings.pinned_ami_id == "ami-0abc1234"


def test_every_problem_is_reported_once_with_key_and_file() -> None:
    with pytest.raises(StackConfigError) as caught:
        _parse(
            certificateArn="not-an-arn",
            allowedIngressCidrs="not json",
            albAccessLogsBucket="Bad_Bucket",
            pinnedAmiId="ami-xyz",
            shipmentConsumer='{"memoryMb": 0, "colour": 1}',
            costAssumptions='{"shipmentEventsPerDay": -1}',
        )
    problems = caught.value.problems
    assert [p.split(":")[1] for p in problems] == [
        "certificateArn",
        "allowedIngressCidrs",
        "albAccessLogsBucket",
        "pinnedAmiId",
        "costAssumptions.shipmentEventsPerDay",
        "shipmentConsumer.memoryMb",
        "shipmentConsumer.colour",
    ]
    assert "aws-platform:allowedIngressCidrs: wrong type, expected a JSON list" in problems[1]
    assert "Pulumi.prod.yaml" in str(caught.value)


def test_the_whole_internet_is_refused_as_an_ingress_cidr() -> None:
    with pytest.raises(StackConfigError, match="admits the whole internet"):
        _parse(allowedIngressCidrs='["0.0.0.0/0"]')


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        # the network's host bits are set: EC2 (and FargateService) refuse it
        ("allowedIngressCidrs", '["10.0.0.1/8"]', "'10.0.0.1/8' is not an IPv4 CIDR"),
        ("allowedIngressCidrs", '["10.0.0.0/33"]', "'10.0.0.0/33' is not an IPv4 CIDR"),
        (
            "certificateArn",
            "arn:aws:acm:not-a-region:246813579024:certificate/abc-123",
            "not an ACM certificate ARN",
        ),
    ],
)
def test_cidrs_and_certificates_are_checked_as_the_components_check_them(
    key: str, value: str, message: str
) -> None:
    with pytest.raises(StackConfigError) as caught:
        _parse(**{key: value})
    assert [p.split(": ")[0] for p in caught.value.problems] == [f"aws-platform:{key}"]
    assert message in str(caught.value)


PLACEHOLDERS: dict[str, Any] = {
    "certificateArn": (
        "arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-00000000prod"
    ),
    "allowedIngressCidrs": '["10.0.0.0/8"]',
    "albAccessLogsBucket": "aws-platform-prod-access-logs-123456789012",
}
PLATFORM_PLACEHOLDERS = {
    "alarmEmail": "platform-oncall@example.com",
    "alarmHttpsEndpoint": "https://hooks.example.org/alarms",
    "runbookBaseUrl": "https://github.com/aws-platform/aws-platform/blob/main",
}


@pytest.mark.parametrize("tier", [Tier.STAGING, Tier.PROD])
def test_one_error_names_every_placeholder_key_and_the_stack_file(tier: Tier) -> None:
    stack_file = f"Pulumi.{tier.value}.yaml"
    with pytest.raises(StackConfigError) as caught:
        parse_workload_settings(
            PLACEHOLDERS, tier, stack_file, platform_config=PLATFORM_PLACEHOLDERS
        )
    keys = [p.split(": ")[0] for p in caught.value.problems]
    assert sorted(keys) == sorted(
        f"aws-platform:{key}"
        for key in (
            "trackingApiImage",  # missing
            "runbookBaseUrl",  # the default
            "alarmEmail",
            "alarmHttpsEndpoint",
            "certificateArn",
            "albAccessLogsBucket",
        )
    )
    assert stack_file in str(caught.value)
    assert "a placeholder" in str(caught.value)


def test_dev_may_keep_the_placeholders() -> None:
    settings = parse_workload_settings(
        PLACEHOLDERS, Tier.DEV, "Pulumi.dev.yaml", platform_config=PLATFORM_PLACEHOLDERS
    )
    assert settings.alb_access_logs_bucket == PLACEHOLDERS["albAccessLogsBucket"]


def test_real_values_pass_in_prod() -> None:
    settings = parse_workload_settings(
        VALID,
        Tier.PROD,
        "Pulumi.prod.yaml",
        platform_config={
            "alarmEmail": "oncall@acme-freight.internal",
            "alarmHttpsEndpoint": None,
            "runbookBaseUrl": "https://git.acme-freight.internal/platform/aws-platform/blob/main",
        },
    )
    assert settings.tracking_api_image == VALID["trackingApiImage"]
