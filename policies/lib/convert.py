"""Conversion of pulumi_policy's argument objects into the pack's plain views, with a cache.

pulumi_policy rebuilds a resource's property bag for every policy it runs (protobuf Struct ->
dict -> deserialised dict -> unknown-checking proxy), so a pack of N policies converts each
resource N times per request. `install_conversion_cache` memoises those steps on the identity of
the objects the servicer passes between them, for the lifetime of one request, so the work is
done once per resource per request. It is opt-out (``AWS_PLATFORM_POLICY_CACHE=0``) and a no-op
when pulumi_policy's internals do not have the expected shape.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from .stack import Stack, StackResource
from .values import Props, is_unknown, parse_json, plain

# Each stack policy walks every resource of the request in order, so an LRU smaller than a
# request's working set (one or two entries per resource) misses on every pass: at 8,192 entries
# a 4,000-resource stack was converted afresh for each of its 25 stack policies. This size holds
# stacks of 60,000 resources; the pack process lives for one preview or update.
_CACHE_SIZE = 131_072


class _IdentityCache:
    """Values computed from objects, keyed on the object's identity; an entry holds its key so
    the id stays unique. Dropped all at once when full (a request's working set fits). Plain
    dict operations are atomic under the GIL; two threads may both compute a value (it is a
    pure conversion), never see a wrong one."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._entries: dict[int, tuple[object, Any]] = {}

    def get_or_compute(self, key: object, compute: Callable[[], Any]) -> Any:
        entry = self._entries.get(id(key))
        if entry is not None and entry[0] is key:
            return entry[1]
        value = compute()
        if len(self._entries) >= self._size:
            self._entries.clear()
        self._entries[id(key)] = (key, value)
        return value


_PROPS_CACHE = _IdentityCache(_CACHE_SIZE)
_installed = False


def resource_props(props: Mapping[str, Any]) -> Props:
    """Plain `Props` of a pulumi_policy property bag (memoised on the bag's identity)."""
    if not _installed:
        return Props(plain(props))
    result: Props = _PROPS_CACHE.get_or_compute(props, lambda: Props(plain(props)))
    return result


_STACKS: OrderedDict[tuple[int, ...], tuple[list[Any], Stack]] = OrderedDict()
_STACKS_LOCK = threading.Lock()


def stack_resources(resources: Iterable[Any]) -> Stack:
    """A `Stack` view of StackValidationArgs.resources (pulumi_policy PolicyResource objects).

    With the cache installed, every stack policy of one request receives the same property
    objects, so the view is built once per request (keyed on their identities)."""
    resources = list(resources)
    if not _installed:
        return _build_stack(resources)
    bags = [r.props for r in resources]
    key = tuple(id(b) for b in bags)
    with _STACKS_LOCK:
        entry = _STACKS.get(key)
        if entry is not None and all(a is b for a, b in zip(entry[0], bags, strict=True)):
            return entry[1]
    stack = _build_stack(resources)
    with _STACKS_LOCK:
        _STACKS[key] = (bags, stack)
        if len(_STACKS) > 4:
            _STACKS.popitem(last=False)
    return stack


def _build_stack(resources: list[Any]) -> Stack:
    views = []
    for r in resources:
        views.append(
            StackResource(
                type=r.resource_type,
                name=r.name,
                urn=r.urn,
                props=resource_props(r.props),
                parent=r.parent.urn if r.parent is not None else None,
                dependencies=tuple(d.urn for d in r.dependencies),
                property_dependencies={
                    k: tuple(d.urn for d in v) for k, v in r.property_dependencies.items()
                },
                protect=bool(getattr(r.opts, "protect", False)),
                account=provider_account(getattr(r, "provider", None)),
            )
        )
    return Stack(views)


def provider_account(provider: Any) -> str:
    """The account an AWS provider deploys into when its config names one: the account of the
    role it assumes (`assumeRoles[0].roleArn`, or the older `assumeRole.roleArn`), else its
    only allowed account (`allowedAccountIds`); "" otherwise, or while unknown. Object-valued
    provider config arrives as a JSON string (pulumi-aws provider configuration:
    https://www.pulumi.com/registry/packages/aws/api-docs/provider/)."""
    props = getattr(provider, "props", None)
    if not isinstance(props, Mapping):
        return ""
    for key in ("assumeRoles", "assumeRole"):
        roles = parse_json(props.get(key))
        role = roles[0] if isinstance(roles, list) and roles else roles
        arn = role.get("roleArn") if isinstance(role, Mapping) else None
        if isinstance(arn, str) and not is_unknown(arn) and arn.count(":") >= 5:
            return arn.split(":")[4]
    allowed = parse_json(props.get("allowedAccountIds"))
    if isinstance(allowed, list) and len(allowed) == 1 and isinstance(allowed[0], str):
        return "" if is_unknown(allowed[0]) else allowed[0]
    return ""


class _CachingJsonFormat:
    """Stands in for google.protobuf.json_format inside pulumi_policy.policy."""

    def __init__(self, real: Any) -> None:
        self._real = real
        self._cache = _IdentityCache(_CACHE_SIZE)

    def MessageToDict(self, message: Any, *args: Any, **kwargs: Any) -> Any:
        if args or kwargs:
            return self._real.MessageToDict(message, *args, **kwargs)
        return self._cache.get_or_compute(message, lambda: self._real.MessageToDict(message))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


def install_conversion_cache() -> bool:
    """Make pulumi_policy convert each resource's properties once per request.

    Returns whether the cache is active. Only the read-only path is cached (validation);
    remediation, which deserialises secrets differently, is left alone.
    """
    global _installed
    if _installed:
        return True
    if os.environ.get("AWS_PLATFORM_POLICY_CACHE", "1") == "0":
        return False
    from pulumi_policy import policy as servicer_module

    needed = ("json_format", "deserialize_properties", "unknown_checking_proxy")
    if not all(hasattr(servicer_module, name) for name in needed):
        return False
    real_deserialize = servicer_module.deserialize_properties
    real_proxy = servicer_module.unknown_checking_proxy
    deserialized_cache = _IdentityCache(_CACHE_SIZE)
    proxy_cache = _IdentityCache(_CACHE_SIZE)

    def deserialize(props: Any, proxy_secrets: bool = False) -> Any:
        if proxy_secrets:
            return real_deserialize(props, proxy_secrets)
        return deserialized_cache.get_or_compute(props, lambda: real_deserialize(props))

    def proxy(props: Any) -> Any:
        if type(props) is not dict:  # a secrets-preserving proxy: remediation, not cached
            return real_proxy(props)
        return proxy_cache.get_or_compute(props, lambda: real_proxy(props))

    servicer_module.json_format = _CachingJsonFormat(servicer_module.json_format)
    servicer_module.deserialize_properties = deserialize
    servicer_module.unknown_checking_proxy = proxy
    _cache_per_request(getattr(servicer_module, "_PolicyAnalyzerServicer", None))
    _installed = True
    return True


def _cache_per_request(servicer: type | None) -> None:
    """The servicer also rebuilds a request's options and provider for every policy; build
    them once per request (the request object is the key). Skipped if the methods moved."""
    for name in ("_get_resource_options", "_get_provider_resource"):
        real = getattr(servicer, name, None)
        if real is None:
            continue
        cache = _IdentityCache(_CACHE_SIZE)

        def cached(
            self: Any, request: Any, _real: Callable[..., Any] = real, _cache: Any = cache
        ) -> Any:
            return _cache.get_or_compute(request, lambda: _real(self, request))

        setattr(servicer, name, cached)
