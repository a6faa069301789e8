"""A plain view of the whole stack for cross-resource (stack) rules, with reference resolution.

Resources refer to each other by ARN, URL, name or id, and the engine also says which input
property depends on which resources (``property_dependencies``). `Stack.referenced` resolves a
reference through both; an unknown reference resolves to `UNKNOWN` so a rule can skip it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from .values import UNKNOWN, Props, Unknown, is_unknown

T = TypeVar("T")

# Output/input properties that identify a resource when another one refers to it.
IDENTITY_KEYS = ("arn", "id", "url", "name", "keyId", "functionName", "tableName")


@dataclass(frozen=True, eq=False)
class StackResource:
    """One resource of the stack (props are the engine's outputs during AnalyzeStack)."""

    type: str
    name: str
    urn: str
    props: Props
    parent: str | None = None
    dependencies: tuple[str, ...] = ()
    property_dependencies: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    protect: bool = False
    """The `protect` resource option, which the engine sends with every resource."""
    account: str = ""
    """The AWS account the resource's provider deploys into when the provider's config names
    one (see `convert.provider_account`); "" when the deployer's credentials decide."""

    def identities(self) -> set[str]:
        """The known strings other resources may use to refer to this one."""
        out = set()
        for key in IDENTITY_KEYS:
            value = self.props.get(key)
            if isinstance(value, str) and value:
                out.add(value)
        return out


class Stack:
    """Every resource of the stack, indexed by URN, type and identity."""

    def __init__(self, resources: Iterable[StackResource]) -> None:
        self.resources: tuple[StackResource, ...] = tuple(resources)
        self._by_urn = {r.urn: r for r in self.resources}
        self._by_type: dict[str, list[StackResource]] = defaultdict(list)
        self._by_identity: dict[str, list[StackResource]] = defaultdict(list)
        self._memo: dict[str, Any] = {}
        for resource in self.resources:
            self._by_type[resource.type].append(resource)
            for identity in resource.identities():
                self._by_identity[identity].append(resource)

    def __iter__(self) -> Iterator[StackResource]:
        return iter(self.resources)

    def memo(self, key: str, compute: Callable[[], T]) -> T:
        """An index derived from the whole stack, computed once per view (one request) and
        shared by every rule that asks for ``key``; rules that looked the stack up per resource
        would grow with its square."""
        if key not in self._memo:
            self._memo[key] = compute()
        value: T = self._memo[key]
        return value

    def of_type(self, *types: str) -> list[StackResource]:
        """Resources of any of the given type tokens, in registration order."""
        if len(types) == 1:
            return list(self._by_type.get(types[0], ()))
        return [r for r in self.resources if r.type in types]

    def by_urn(self, urn: str) -> StackResource | None:
        return self._by_urn.get(urn)

    def find(self, reference: object, *types: str) -> StackResource | Unknown | None:
        """The resource (of one of `types`, if given) that `reference` (an ARN, URL, name, id)
        names; `UNKNOWN` for an unknown reference; None when nothing in the stack matches."""
        if is_unknown(reference):
            return UNKNOWN
        if not isinstance(reference, str) or not reference:
            return None
        for candidate in self._by_identity.get(reference, ()):
            if not types or candidate.type in types:
                return candidate
        return None

    def referenced(
        self, resource: StackResource, prop: str, *types: str
    ) -> list[StackResource] | Unknown:
        """Resources of `types` that `resource`'s input property `prop` refers to.

        Uses the engine's property dependencies first (they hold even while values are unknown),
        then the property's value (a string or a list of strings). `UNKNOWN` when the value is
        unknown and no dependency says where it points.
        """
        found: list[StackResource] = []
        for urn in resource.property_dependencies.get(prop, ()):
            target = self._by_urn.get(urn)
            if target is not None and (not types or target.type in types) and target not in found:
                found.append(target)
        if found:
            return found
        value = resource.props.get(prop)
        values = value if isinstance(value, list) else [value]
        unknown = False
        for item in values:
            match = self.find(item, *types)
            if match is UNKNOWN:
                unknown = True
            elif isinstance(match, StackResource) and match not in found:
                found.append(match)
        if unknown and not found:
            return UNKNOWN
        return found

    def dependents(self, target: StackResource, prop: str, *types: str) -> list[StackResource]:
        """Resources of `types` whose property `prop` refers to `target`."""
        out = []
        for resource in self.of_type(*types) if types else self.resources:
            refs = self.referenced(resource, prop, target.type)
            if isinstance(refs, list) and target in refs:
                out.append(resource)
        return out
