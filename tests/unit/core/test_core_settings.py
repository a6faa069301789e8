import json

import pytest

from components.core.errors import ComponentArgumentsError, ProblemCollector, StackConfigError
from components.core.settings import (
    PROFILES,
    DataClassification,
    NatGatewayStrategy,
    Tier,
    load_stack_settings,
)

VALID = {
    "aws-platform:environment": "prod",
    "aws-platform:owner": "payments",
    "aws-platform:costCenter": "cc-42",
    "aws-platform:dataClassification": "confidential",
    "aws-platform:extraTags": json.dumps({"Team": "orders"}),
    "aws-platform:alarmEmail": "oncall@example.com",
    "aws:region": "eu-west-1",
}


def test_a_valid_stack_file_is_parsed():
    settings = load_stack_settings(VALID, "Pulumi.prod.yaml")
    assert settings.environment is Tier.PROD
    assert settings.data_classification is DataClassification.CONFIDENTIAL
    assert (settings.owner, settings.cost_center, settings.region) == (
        "payments",
        "cc-42",
        "eu-west-1",
    )
    assert dict(settings.extra_tags) == {"Team": "orders"}
    assert settings.alarm_email == "oncall@example.com"
    assert settings.profile is PROFILES[Tier.PROD]


def test_bare_keys_and_an_explicit_region_are_accepted():
    settings = load_stack_settings(
        {
            "environment": "dev",
            "owner": "a",
            "costCenter": "b",
            "dataClassification": "public",
            "extraTags": {"Team": "x"},
        },
        "Pulumi.dev.yaml",
        region="us-east-1",
    )
    assert settings.environment is Tier.DEV and settings.region == "us-east-1"


def test_every_problem_names_its_key_and_the_stack_file():
    with pytest.raises(StackConfigError) as raised:
        load_stack_settings(
            {
                "aws-platform:environment": "qa",
                "aws-platform:owner": 5,
                "aws-platform:dataClassification": "secret",
                "aws-platform:extraTags": "{not json",
                "aws-platform:colour": "blue",
                "aws-platform:runbookBaseUrl": "http://wiki",
            },
            "Pulumi.dev.yaml",
        )
    error = raised.value
    assert error.stack_file == "Pulumi.dev.yaml"
    assert error.problems == (
        "aws-platform:colour: unknown key (known keys: alarmEmail, alarmHttpsEndpoint,"
        " costCenter, dataClassification, environment, extraTags, owner, runbookBaseUrl)",
        "aws-platform:owner: wrong type, expected a string, got int",
        "aws-platform:costCenter: missing value",
        "aws-platform:extraTags: wrong type, expected a JSON object",
        "aws-platform:environment: 'qa' is not one of dev, staging, prod",
        "aws-platform:dataClassification: 'secret' is not one of public, internal,"
        " confidential, restricted",
        "aws-platform:runbookBaseUrl: 'http://wiki' must start with https://",
        "aws:region: missing value",
    )
    assert all(line.startswith("  - Pulumi.dev.yaml: ") for line in str(error).splitlines()[1:])


def test_extra_tags_cannot_override_required_tags():
    config = {**VALID, "aws-platform:extraTags": json.dumps({"Owner": "x", "Team": 3})}
    with pytest.raises(StackConfigError) as raised:
        load_stack_settings(config, "Pulumi.prod.yaml")
    assert raised.value.problems == (
        "aws-platform:extraTags: wrong type, expected an object of string values",
    )
    config = {**VALID, "aws-platform:extraTags": json.dumps({"Owner": "x"})}
    with pytest.raises(StackConfigError, match="'Owner' is a required tag"):
        load_stack_settings(config, "Pulumi.prod.yaml")


def test_workload_keys_are_allowed_and_passed_through():
    config = {**VALID, "aws-platform:containerImage": "repo/app:1"}
    with pytest.raises(StackConfigError, match="containerImage: unknown key"):
        load_stack_settings(config, "Pulumi.prod.yaml")
    settings = load_stack_settings(config, "Pulumi.prod.yaml", workload_keys=["containerImage"])
    assert dict(settings.workload_config) == {"containerImage": "repo/app:1"}


def test_pulumi_config_is_read_with_unknown_keys_reported(monkeypatch):
    import pulumi

    monkeypatch.setattr(pulumi.runtime.config, "get_config_env", lambda: {})
    token = pulumi.runtime.config.CONFIG.set({**VALID, "aws-platform:typo": "x"})
    try:
        with pytest.raises(StackConfigError, match="aws-platform:typo: unknown key"):
            load_stack_settings(pulumi.Config("aws-platform"), "Pulumi.prod.yaml", project="p1")
        pulumi.runtime.config.CONFIG.set(dict(VALID))
        settings = load_stack_settings(
            pulumi.Config("aws-platform"), "Pulumi.prod.yaml", project="p1"
        )
    finally:
        pulumi.runtime.config.CONFIG.reset(token)
    assert settings.project == "p1" and settings.region == "eu-west-1"
    assert dict(settings.extra_tags) == {"Team": "orders"}


def test_tier_profiles_follow_the_design():
    dev, staging, prod = PROFILES[Tier.DEV], PROFILES[Tier.STAGING], PROFILES[Tier.PROD]
    assert [p.log_retention_days for p in (dev, staging, prod)] == [14, 30, 365]
    assert [p.kms_deletion_window_days for p in (dev, staging, prod)] == [7, 14, 30]
    assert [p.deletion_protection for p in (dev, staging, prod)] == [False, True, True]
    assert [p.archive_retention_days for p in (dev, staging, prod)] == [7, 30, 90]
    assert [p.az_count for p in (dev, staging, prod)] == [2, 2, 3]
    assert prod.nat_gateways is NatGatewayStrategy.ONE_PER_AZ
    for profile in (dev, staging, prod):
        assert profile.dlq_retention_seconds > profile.queue_retention_seconds
        assert profile.service_min_capacity <= profile.service_max_capacity
        assert profile.asg_min_size <= profile.asg_max_size


def test_one_collector_raises_either_error():
    """``ProblemCollector`` gathers a component's argument problems and a stack file's config
    problems alike; only the error it raises differs."""
    arguments = ProblemCollector("Thing")
    arguments.add("size: must be positive")
    with pytest.raises(ComponentArgumentsError, match="Thing: 1 invalid argument problem"):
        arguments.raise_if_any()

    config = ProblemCollector.for_stack_file("Pulumi.dev.yaml")
    config.add("aws-platform:owner: missing value")
    config.add("aws-platform:owner: missing value")
    with pytest.raises(StackConfigError) as caught, config.checking():
        config.raise_if_any()
    assert caught.value.stack_file == "Pulumi.dev.yaml"
    assert caught.value.problems == ("aws-platform:owner: missing value",)
    ProblemCollector.for_stack_file("Pulumi.dev.yaml").raise_if_any()  # nothing to report
