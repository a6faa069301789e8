"""policies/config/<tier>.json: valid --policy-pack-config for the registered policies, with
staging and prod relaxing nothing and dev relaxing only to advisory."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from policies.rules import all_rules

CONFIG_DIR = Path(__file__).resolve().parents[2] / "policies" / "config"
RULES = {r.name: r for r in all_rules()}


def _levels(tier: str) -> dict[str, str]:
    data = json.loads((CONFIG_DIR / f"{tier}.json").read_text())
    assert set(data) <= set(RULES), f"{tier}: unknown policies {sorted(set(data) - set(RULES))}"
    return {k: v if isinstance(v, str) else v.get("enforcementLevel", "") for k, v in data.items()}


@pytest.mark.parametrize("tier", ["staging", "prod"])
def test_staging_and_prod_relax_nothing(tier: str) -> None:
    for name, level in _levels(tier).items():
        if RULES[name].default_enforcement.value == "mandatory":
            assert level == "mandatory", f"{tier} relaxes {name} to {level}"


def test_dev_relaxes_only_to_advisory() -> None:
    relaxed = {
        name
        for name, level in _levels("dev").items()
        if RULES[name].default_enforcement.value == "mandatory" and level != "mandatory"
    }
    assert all(_levels("dev")[n] == "advisory" for n in relaxed)
    assert "required-tags" not in relaxed


@pytest.mark.parametrize("tier", ["dev", "staging", "prod"])
def test_each_tier_pins_its_environment_tag(tier: str) -> None:
    data = json.loads((CONFIG_DIR / f"{tier}.json").read_text())
    assert data["required-tags"]["requiredTags"]["Environment"] == [tier]
