"""Cases for policies/rules/required_tags.py: required tags, provider default tags
(tagsAll, Auto Scaling groups)."""

from __future__ import annotations

from tests.policies.harness import GOOD_TAGS, UNKNOWN_STRING, Case, res

Q = "aws:sqs/queue:Queue"

ASG = "aws:autoscaling/group:Group"


def _tag_list(tags: dict[str, str]) -> list[dict[str, object]]:
    """Tags in the Auto Scaling group's list form."""
    return [{"key": k, "value": v, "propagateAtLaunch": True} for k, v in tags.items()]


# Fixtures of the sub-block cases.
# --- Provider default tags: counted where the provider applies them (tagsAll), not on Auto
# Scaling groups, which it never tags.
TAGS = "required-tags"
PROD_TAGS = {
    "Environment": "prod",
    "Project": "shipments",
    "Owner": "platform-team",
    "CostCenter": "cc-1042",
    "DataClassification": "internal",
    "ManagedBy": "pulumi",
}
QUEUE = "aws:sqs/queue:Queue"

_tagging_provider = res("pulumi:providers:aws", "tagging", {"defaultTags": {"tags": PROD_TAGS}})


CASES = [
    # tagging
    Case.passes("required-tags", res(Q, "tagged", {"tags": GOOD_TAGS})),
    Case.passes("required-tags", res(Q, "tags-unknown", {"tags": UNKNOWN_STRING})),
    Case.passes("required-tags", res("aws:sqs/queuePolicy:QueuePolicy", "untaggable", {})),
    Case.fails("required-tags", res(Q, "untagged", {})),
    Case.fails("required-tags", res(Q, "bad-env", {"tags": {**GOOD_TAGS, "Environment": "qa"}})),
    Case.passes("required-tags", res(ASG, "asg-tag-list", {"tags": _tag_list(GOOD_TAGS)})),
    Case.fails(
        "required-tags",
        res(ASG, "asg-missing-owner", {"tags": _tag_list({**GOOD_TAGS, "Owner": ""})}),
    ),
    # Types and sub-blocks the rules used to skip.
    # The provider's Check puts its default tags in tagsAll of the types it applies them to.
    Case.passes(
        TAGS, _tagging_provider, res(QUEUE, "default-tagged", {}, provider=_tagging_provider)
    ),
    Case.fails(
        TAGS,
        res(
            ASG,
            "asg-relies-on-default-tags",
            {"maxSize": 2, "minSize": 1, "tags": []},
            provider=_tagging_provider,
        ),
        _tagging_provider,
    ),
    Case.fails(
        TAGS,
        res(ASG, "asg-tags-all-ignored", {"maxSize": 2, "minSize": 1, "tagsAll": PROD_TAGS}),
    ),
]
