import pytest

from components.core.context import PlatformContext
from components.core.errors import StackConfigError
from components.core.settings import PROFILES, Tier
from tools.preview.program import run_in_mocks

CONFIG = {
    "aws:region": "eu-central-1",
    "aws-platform:environment": "staging",
    "aws-platform:owner": "orders-team",
    "aws-platform:costCenter": "cc-7",
    "aws-platform:dataClassification": "restricted",
    "aws-platform:extraTags": '{"Team": "orders"}',
}


def _context(config):
    found = {}

    def program() -> None:
        found["context"] = PlatformContext.from_stack_config()

    run_in_mocks(program, stack="staging", config=config, region="eu-central-1")
    return found["context"]


def test_context_from_the_running_stack_config():
    context = _context(CONFIG)
    assert context.environment is Tier.STAGING
    assert context.profile is PROFILES[Tier.STAGING]
    assert context.name_prefix == "aws-platform-staging"
    assert context.settings.region == "eu-central-1"
    assert context.tags == {
        "Environment": "staging",
        "Project": "aws-platform",
        "Owner": "orders-team",
        "CostCenter": "cc-7",
        "DataClassification": "restricted",
        "ManagedBy": "pulumi",
        "Team": "orders",
    }
    assert dict(context.alarm_topic_arns) == {}


def test_bad_stack_config_names_the_stack_file():
    config = {k: v for k, v in CONFIG.items() if k != "aws-platform:owner"}
    with pytest.raises(StackConfigError) as raised:
        _context(config)
    assert raised.value.stack_file == "Pulumi.staging.yaml"
    assert raised.value.problems == ("aws-platform:owner: missing value",)
