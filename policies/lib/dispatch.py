"""Offer each resource only to the policies that judge its type.

pulumi_policy's Analyze handler loops over every policy of the pack for every resource: it
builds the report callback, the policy's config and a ResourceValidationArgs, and calls the
policy, which then returns at once when the type is not its own. With a hundred-odd rules and
one or two that judge a given type, nearly all of that work is wasted. Here the handler runs
on a view of the servicer whose policy list holds only the policies for the request's type
(built once per type, rebuilt when the engine configures the pack again); what it reports is
unchanged, since the other policies report nothing for that type.
"""

from __future__ import annotations

import copy
import os
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any

_POLICIES = "_PolicyAnalyzerServicer__policies"
_installed = False


def install_type_dispatch(types_of: Mapping[str, Iterable[str]]) -> bool:
    """Route Analyze requests by resource type. `types_of` maps a policy name to the type
    tokens it judges (``"*"``: every type); policies not named get every request. Returns
    whether the dispatch is active (it stays off when pulumi_policy's servicer changed, or with
    AWS_PLATFORM_POLICY_DISPATCH=0, for measuring)."""
    global _installed
    if _installed:
        return True
    if os.environ.get("AWS_PLATFORM_POLICY_DISPATCH", "1") == "0":
        return False
    from pulumi_policy import policy as servicer_module

    servicer = getattr(servicer_module, "_PolicyAnalyzerServicer", None)
    if servicer is None or not all(
        callable(getattr(servicer, name, None))
        for name in ("Analyze", "Configure", "ConfigureStack")
    ):
        return False
    wanted = {name: frozenset(types) for name, types in types_of.items()}

    def applies(policy: Any, resource_type: str) -> bool:
        name = getattr(policy, "name", None)
        types = wanted.get(name) if isinstance(name, str) else None
        return types is None or "*" in types or resource_type in types

    views: dict[tuple[int, str], Any] = {}
    lock = threading.Lock()

    def view(self: Any, resource_type: str) -> Any:
        key = (id(self), resource_type)
        found = views.get(key)
        if found is None:
            with lock:
                found = views.get(key)
                if found is None:
                    found = copy.copy(self)
                    policies = getattr(self, _POLICIES)
                    setattr(found, _POLICIES, [p for p in policies if applies(p, resource_type)])
                    views[key] = found
        return found

    real_analyze: Callable[..., Any] = servicer.Analyze

    def analyze(self: Any, request: Any, context: Any) -> Any:
        if not hasattr(self, _POLICIES):
            return real_analyze(self, request, context)
        return real_analyze(view(self, request.type), request, context)

    def forgetting_views(real: Callable[..., Any]) -> Callable[..., Any]:
        def configure(self: Any, request: Any, context: Any) -> Any:
            with lock:
                views.clear()  # the views copied the configuration they were made with
            return real(self, request, context)

        return configure

    servicer.Analyze = analyze
    servicer.Configure = forgetting_views(servicer.Configure)
    servicer.ConfigureStack = forgetting_views(servicer.ConfigureStack)
    _installed = True
    return True
