"""Remediation of missing required tags, asked for over the Analyzer protocol as the engine does
when the policy's enforcement level is ``remediate``."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.policies.harness import GOOD_TAGS, PROJECT, STACK, UNKNOWN_STRING, res
from tools.preview.analyzer import PolicyPackProcess

PACK = Path(__file__).resolve().parents[2] / "policies"
DEFAULTS = {"ManagedBy": "pulumi", "CostCenter": "cc-1234"}


@pytest.fixture(scope="module")
def pack():
    config = {"required-tags": {"enforcementLevel": "remediate", "defaults": DEFAULTS}}
    with PolicyPackProcess(PACK, config, project=PROJECT, stack=STACK) as process:
        yield process


def test_missing_tags_with_defaults_are_added_and_the_rest_kept(pack: PolicyPackProcess) -> None:
    tags = {k: v for k, v in GOOD_TAGS.items() if k not in DEFAULTS}
    queue = res("aws:sqs/queue:Queue", "orders", {"tags": tags, "delaySeconds": 5})
    (remediation,) = pack.remediate(queue)
    assert remediation.policy == "required-tags"
    assert remediation.urn == queue.urn
    assert remediation.properties["tags"] == {**tags, **DEFAULTS}
    assert remediation.properties["delaySeconds"] == 5


def test_nothing_is_rewritten_when_tags_are_complete_or_unknown(pack: PolicyPackProcess) -> None:
    assert pack.remediate(res("aws:sqs/queue:Queue", "ok", {"tags": GOOD_TAGS})) == []
    unknown = res("aws:sqs/queue:Queue", "later", {"tags": UNKNOWN_STRING})
    assert pack.remediate(unknown) == []


def test_the_remediated_resource_passes_analysis(pack: PolicyPackProcess) -> None:
    """The engine analyzes the rewritten properties: the finding is gone."""
    tags = {k: v for k, v in GOOD_TAGS.items() if k not in DEFAULTS}
    queue = res("aws:sqs/queue:Queue", "orders", {"tags": tags})
    assert [v.policy for v in pack.analyze(queue)].count("required-tags") == 1
    (remediation,) = pack.remediate(queue)
    fixed = res("aws:sqs/queue:Queue", "orders", remediation.properties)
    assert "required-tags" not in [v.policy for v in pack.analyze(fixed)]
