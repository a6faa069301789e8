"""The pack's copy of the key-integration facts agrees with the components' table.

``policies/lib/key_integrations.py`` (the pack judges any program) and
``components/core/kms.py`` (what the platform renders) state the same AWS facts twice; a key
policy the components render for an integration must satisfy the pack's needs for it, and the
pack's needs must reject the forms the deploy review found broken.
"""

from __future__ import annotations

import pytest

from components.core.kms import INTEGRATIONS, KeyUse, key_policy
from policies.lib.key_integrations import KEY_INTEGRATIONS, integration_problems
from policies.lib.policy_document import PolicyDocument, parse_policy

ACCOUNT = "123456789012"


def _document(*uses: KeyUse) -> PolicyDocument:
    rendered = key_policy(ACCOUNT, "us-east-1", "aws", set(uses), dns_suffix="amazonaws.com")
    document = parse_policy(rendered)
    assert isinstance(document, PolicyDocument)
    return document


def test_every_pack_integration_is_a_component_key_use() -> None:
    assert set(KEY_INTEGRATIONS) <= {use.value for use in KeyUse}


@pytest.mark.parametrize("name", sorted(KEY_INTEGRATIONS))
def test_the_components_key_policy_meets_the_packs_needs(name: str) -> None:
    problems = integration_problems(
        [_document(KeyUse(name))], KEY_INTEGRATIONS[name], region="us-east-1"
    )
    assert problems == []


@pytest.mark.parametrize("name", sorted(KEY_INTEGRATIONS))
def test_both_sides_name_the_same_principal_and_aws_page(name: str) -> None:
    ours = INTEGRATIONS[KeyUse(name)]
    services = {grant.service for grant in ours.grants}
    assert services == {KEY_INTEGRATIONS[name].service}
    assert ours.source == KEY_INTEGRATIONS[name].source


@pytest.mark.parametrize("name", sorted(KEY_INTEGRATIONS))
def test_the_pack_needs_every_action_the_components_grant_the_service(name: str) -> None:
    granted = {action for grant in INTEGRATIONS[KeyUse(name)].grants for action in grant.actions}
    needed = set(KEY_INTEGRATIONS[name].actions)
    # The components spell out the GenerateDataKey* family; the pack needs its base action.
    assert needed <= granted
    assert {a for a in granted if not a.startswith("kms:GenerateDataKey")} <= needed
