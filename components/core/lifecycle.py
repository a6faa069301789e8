"""Resource options of stateful resources: ``protect``/``retain_on_delete`` from the tier.

The tier profile says which kinds of state survive (``TierProfile.protected_state`` and
``retained_state``); components ask here instead of testing the environment themselves.
"""

from __future__ import annotations

import pulumi

from components.core.context import PlatformContext
from components.core.settings import StateKind


def state_options(
    context: PlatformContext,
    kind: StateKind,
    parent: pulumi.Resource,
    *,
    depends_on: list[pulumi.Resource] | None = None,
) -> pulumi.ResourceOptions:
    """Options of a child of ``parent`` holding state of ``kind`` in ``context``'s tier.

    A protected resource cannot be deleted or replaced by ``pulumi up`` (a rename or refactor
    fails instead of destroying data); ``pulumi state unprotect`` lifts it on purpose. A
    retained one stays in the account when it leaves the program or the stack is destroyed.
    """
    profile = context.profile
    return pulumi.ResourceOptions(
        parent=parent,
        depends_on=depends_on,
        protect=kind in profile.protected_state,
        retain_on_delete=kind in profile.retained_state,
    )
