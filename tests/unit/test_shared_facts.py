"""Facts kept on both sides of the wall between ``components`` and the policy pack agree.

The pack imports nothing from ``components`` (it judges programs that never used them), so a
fact both sides need is written twice. Each test below pins one such pair: the components'
copy must equal, or be allowed by, the pack's. The pack's facts are read by rule name from
``policies.rules.all_rules()`` (the defaults a stack gets without configuration) and from
``policies/config/<stack>.json`` (what each stack configures); the only other pack import is
the secret-name pattern of ``policies.lib.secrets``. The KMS key integrations have their own
test (``tests/policies/test_key_integrations_agree.py``).
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from components import (
    DataClassification,
    IdempotentQueueConsumerArgs,
    QueueWithDeadLetterArgs,
    Runtime,
    Tier,
    derived_visibility_timeout,
)
from components.containers.fargate_service import TLS_POLICY
from components.core.aws_values import LOG_RETENTION_DAYS
from components.core.secret_names import _REFERENCE_NAME, looks_like_secret_name
from components.core.settings import PROFILES
from components.core.tags import REQUIRED_TAG_KEYS
from policies.lib.secrets import _NOT_A_SECRET_NAME, secrets_in_variable
from policies.rules import all_rules

ROOT = Path(__file__).resolve().parents[2]
STACK_CONFIGS = {tier: ROOT / "policies" / "config" / f"{tier.value}.json" for tier in Tier}


def _defaults(rule_name: str) -> Mapping[str, Any]:
    """The configuration a rule runs with when the stack sets none."""
    rules = {rule.name: rule for rule in all_rules()}
    assert rule_name in rules, f"the pack has no rule {rule_name!r} (renamed?)"
    return rules[rule_name].config_defaults


def _setting(tier: Tier, rule_name: str, key: str) -> Any:
    """``key`` of ``rule_name`` as the tier's stack configures it, else the rule's default."""
    config = json.loads(STACK_CONFIGS[tier].read_text())
    entry = config.get(rule_name)
    if isinstance(entry, Mapping) and key in entry:
        return entry[key]
    return _defaults(rule_name)[key]


def _suffixes(pattern: str) -> set[str]:
    """The name endings (``ARN``, ``NAME``, ...) a pattern's alternation lists."""
    return set(re.findall(r"[A-Z]{2,}", pattern))


def test_every_name_the_components_take_for_a_secret_reference_the_pack_does_too() -> None:
    """``FargateService`` and ``GoldenAmiAsg`` accept ``DB_PASSWORD_ARN`` as a pointer to a
    secret; the pack must not judge such a variable as a credential either."""
    ours = _suffixes(_REFERENCE_NAME.pattern)
    assert ours, "no reference suffixes found in components.core.secret_names"
    missing = ours - _suffixes(_NOT_A_SECRET_NAME)
    assert not missing, f"the pack judges names ending {sorted(missing)} as credentials"
    value = "hunter2"
    assert looks_like_secret_name("DB_PASSWORD")
    assert secrets_in_variable("DB_PASSWORD", value)
    for suffix in sorted(ours):
        name = f"DB_PASSWORD_{suffix}"
        assert not looks_like_secret_name(name), name
        assert not secrets_in_variable(name, value), name


@pytest.mark.parametrize("tier", list(Tier))
def test_the_alb_tls_policy_is_one_the_pack_allows(tier: Tier) -> None:
    allowed = _setting(tier, "elb-listener-tls-policy", "allowedSslPolicies")
    assert TLS_POLICY in allowed, f"{TLS_POLICY} is refused by the pack in {tier.value}"


def test_the_required_tags_are_the_packs_required_tags() -> None:
    default = _defaults("required-tags")["requiredTags"]
    assert tuple(default) == REQUIRED_TAG_KEYS
    assert default["Environment"] == [tier.value for tier in Tier]
    assert default["DataClassification"] == [c.value for c in DataClassification]


@pytest.mark.parametrize("tier", list(Tier))
def test_each_stacks_pack_config_requires_the_same_tags(tier: Tier) -> None:
    required = _setting(tier, "required-tags", "requiredTags")
    assert tuple(required) == REQUIRED_TAG_KEYS
    assert required["Environment"] == [tier.value]
    assert required["DataClassification"] == [c.value for c in DataClassification]


@pytest.mark.parametrize("tier", list(Tier))
def test_tier_log_retention_is_a_cloudwatch_value_and_prod_keeps_a_year(tier: Tier) -> None:
    days = PROFILES[tier].log_retention_days
    assert days in LOG_RETENTION_DAYS
    minimum = _setting(tier, "cloudwatch-log-group-retention-one-year", "minimumDays")
    # advisory in every tier; dev and staging deliberately keep less, prod must not
    assert (days >= minimum) == (tier is Tier.PROD), (tier.value, days, minimum)


@pytest.mark.parametrize("tier", list(Tier))
def test_tier_key_deletion_window_meets_the_pack(tier: Tier) -> None:
    minimum = _setting(tier, "kms-key-deletion-window", "minimumDays")
    assert PROFILES[tier].kms_deletion_window_days >= minimum


def test_no_lambda_runtime_the_components_offer_is_deprecated_for_the_pack() -> None:
    deprecated = set(_defaults("lambda-function-supported-runtime")["deprecatedRuntimes"])
    assert not {runtime.value for runtime in Runtime} & deprecated


def test_derived_visibility_timeout_meets_the_packs_factor() -> None:
    factor = _defaults("sqs-visibility-timeout-covers-consumer")["factor"]
    for timeout in (1, 60, 900):
        assert derived_visibility_timeout(timeout, 0) >= factor * timeout


def _default(args: type, name: str) -> Any:
    return next(f.default for f in dataclasses.fields(args) if f.name == name)


def test_queue_and_consumer_defaults_pass_the_packs_limits() -> None:
    assert (
        _default(QueueWithDeadLetterArgs, "max_receive_count")
        <= _defaults("sqs-redrive-max-receive-count")["maxReceiveCount"]
    )
    batching = _defaults("lambda-esm-batching-bounded")
    assert _default(IdempotentQueueConsumerArgs, "batch_size") <= batching["maxBatchSize"]
    assert (
        _default(IdempotentQueueConsumerArgs, "maximum_batching_window_seconds")
        <= batching["maxBatchingWindowSeconds"]
    )
