import pytest

from components.core.context import PlatformContext
from components.core.errors import ComponentArgumentsError
from components.core.tags import REQUIRED_TAG_KEYS, merge_tags, required_tags

CONTEXT = PlatformContext.for_tests("prod", owner="payments", cost_center="cc-42")


def test_required_tags_come_from_the_stack_settings():
    assert required_tags(CONTEXT.settings) == {
        "Environment": "prod",
        "Project": "aws-platform",
        "Owner": "payments",
        "CostCenter": "cc-42",
        "DataClassification": "internal",
        "ManagedBy": "pulumi",
    }
    assert tuple(required_tags(CONTEXT.settings)) == REQUIRED_TAG_KEYS


def test_callers_may_add_tags_and_repeat_a_required_value():
    merged = merge_tags(CONTEXT.tags, {"Team": "orders", "Owner": "payments"})
    assert merged == {**required_tags(CONTEXT.settings), "Team": "orders"}


def test_callers_cannot_change_or_drop_required_tags_and_all_problems_are_listed():
    with pytest.raises(ComponentArgumentsError) as raised:
        merge_tags(
            CONTEXT.tags,
            {"Owner": "someone-else", "ManagedBy": None, "aws:foo": "x"},
            component="QueueWithDeadLetter",
        )
    assert raised.value.component == "QueueWithDeadLetter"
    assert raised.value.problems == (
        "tags.Owner: required tag is 'payments'; a caller cannot change it to 'someone-else'",
        "tags.ManagedBy: required tag is 'pulumi'; a caller cannot drop it",
        "tags: tag key 'aws:foo': the aws: prefix is reserved",
    )


def test_stack_extra_tags_join_the_context_tags():
    context = PlatformContext.for_tests(extra_tags={"Team": "orders"})
    assert context.tags["Team"] == "orders"
    assert context.tags["ManagedBy"] == "pulumi"
    context.tags["Team"] = "changed"
    assert context.tags["Team"] == "orders"
