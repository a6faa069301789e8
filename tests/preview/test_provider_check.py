"""The provider's Check as pulumi-aws applies it (tools/preview/provider_check.py), each case
against the provider source it follows."""

from __future__ import annotations

import json

import pytest

from tools.preview import provider_check
from tools.preview.identifiers import UNKNOWN
from tools.preview.provider_check import CheckFailure, ProviderConfig, check

PROVIDER = ProviderConfig.from_inputs(
    {
        "region": "eu-west-1",
        "defaultTags": json.dumps({"tags": {"Owner": "ops", "Scratch": "x", "tmp:a": "1"}}),
        "ignoreTags": json.dumps({"keys": ["Scratch"], "keyPrefixes": ["tmp:"]}),
    }
)


def _urn(type_: str, name: str) -> str:
    return f"urn:pulumi:dev::p::{type_}::{name}"


def _check(type_: str, name: str, inputs: dict, provider: ProviderConfig = PROVIDER) -> dict:
    return check(type_, _urn(type_, name), inputs, provider)


def test_tags_all_merges_default_tags_minus_ignored_ones() -> None:
    # pulumi-aws provider/tags.go applyTags: defaultTags.tags merged with tags, IgnoreConfig.
    checked = _check("aws:sqs/queue:Queue", "q", {"tags": {"Env": "dev", "Owner": "team"}})
    assert checked["tagsAll"] == {"Owner": "team", "Env": "dev"}
    assert _check("aws:sqs/queue:Queue", "bare", {})["tagsAll"] == {"Owner": "ops"}
    empty = ProviderConfig(region="us-east-1")
    assert _check("aws:sqs/queue:Queue", "none", {}, empty)["tagsAll"] == {}


def test_tags_all_is_unknown_when_a_tag_is() -> None:
    checked = _check("aws:sqs/queue:Queue", "q", {"tags": {"Env": UNKNOWN}})
    assert checked["tagsAll"] == UNKNOWN


def test_types_without_tags_all_or_region_get_none() -> None:
    # Auto Scaling groups tag with a list and have no tags_all; IAM is global (no region).
    group = _check("aws:autoscaling/group:Group", "g", {"tags": []})
    assert "tagsAll" not in group and group["region"] == "eu-west-1"
    role = _check("aws:iam/role:Role", "r", {})
    assert "region" not in role and role["tagsAll"] == {"Owner": "ops"}


def test_autonames_follow_each_types_rule() -> None:
    queue = _check("aws:sqs/queue:Queue", "orders", {"fifoQueue": True})["name"]
    assert queue.startswith("orders-") and queue.endswith(".fifo") and len(queue) == 19
    alias = _check("aws:kms/alias:Alias", "orders", {})["name"]
    assert alias.startswith("alias/orders-")
    bucket = _check("aws:s3/bucket:Bucket", "Reports", {})
    assert bucket["bucket"].startswith("reports-")
    target = _check("aws:cloudwatch/eventTarget:EventTarget", "to-queue", {"rule": "r"})
    assert target["targetId"].startswith("to-queue-") and "name" not in target
    # Given names and prefixes are left alone; Route 53 records are never auto-named.
    assert _check("aws:sqs/queue:Queue", "q", {"name": "fixed"})["name"] == "fixed"
    assert "name" not in _check("aws:sqs/queue:Queue", "q", {"namePrefix": "orders-"})
    assert "name" not in _check("aws:route53/record:Record", "www", {"zoneId": "z"})


def test_an_autoname_longer_than_the_limit_fails_check() -> None:
    # An IAM role name is at most 64 characters (resource_overrides.go AutoName("name", 64)).
    with pytest.raises(CheckFailure, match="longer than maximum length 64"):
        _check("aws:iam/role:Role", "r" * 57, {})
    assert len(_check("aws:iam/role:Role", "r" * 56, {})["name"]) == 64


def test_schema_defaults_fill_only_what_is_missing() -> None:
    function = _check("aws:lambda/function:Function", "f", {"timeout": 30})
    assert (function["memorySize"], function["timeout"]) == (128, 30)
    alarm = _check("aws:cloudwatch/metricAlarm:MetricAlarm", "a", {})
    assert alarm["treatMissingData"] == "missing"


def test_non_aws_types_pass_unchanged() -> None:
    inputs = {"length": 8}
    assert _check("random:index/randomString:RandomString", "s", inputs) == inputs


def test_a_schema_snapshot_preloads_the_same_checks_without_the_sdk(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(provider_check, "_SCHEMAS", dict(provider_check._SCHEMAS))
    queue = "aws:sqs/queue:Queue"
    _check(queue, "q", {})  # read from pulumi_aws
    snapshot = provider_check.schema_snapshot()
    assert snapshot[queue]["tagsAll"] is True and "name" in snapshot[queue]["inputs"]
    assert json.loads(json.dumps(snapshot)) == snapshot
    # A type the SDK does not have is checked as the snapshot says once preloaded.
    made_up = "aws:madeup/widget:Widget"
    assert _check(made_up, "w", {"tags": {"a": "b"}}) == {"tags": {"a": "b"}}
    del provider_check._SCHEMAS[made_up]  # read as absent; this test's copy forgets it
    provider_check.preload_schemas({made_up: {"inputs": ["name", "tags"], "tagsAll": True}})
    checked = _check(made_up, "w", {"tags": {"a": "b"}})
    assert checked["tagsAll"] == {"Owner": "ops", "a": "b"}
    assert checked["name"].startswith("w-")
    assert provider_check.schema_snapshot()[made_up] == {
        "inputs": ["name", "tags"],
        "tagsAll": True,
    }
