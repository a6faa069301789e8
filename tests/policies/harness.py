"""Drive the policy pack through the Analyzer gRPC protocol, with cases as data.

Case format (``tests/policies/cases_<service>.py`` exports ``CASES: list[Case]``):

    from tests.policies.harness import Case, res, arn_of

    queue = res("aws:sqs/queue:Queue", "orders", {"kmsMasterKeyId": "alias/orders"})
    CASES = [
        Case.passes("sqs-queue-encrypted", queue),
        Case.fails("sqs-queue-encrypted", res("aws:sqs/queue:Queue", "plain", {})),
    ]

`res(type, name, inputs, outputs=None, deps=None)` builds a `RegisteredResource` as the engine
sends it: `inputs` are camelCase props as the program registers them, which pass through the
provider's Check (autoname, `tagsAll`, `region`, schema defaults) before Analyze; outputs are
the checked inputs plus MockCloud's computed outputs (``arn``, ``url``, ...) unless given
(AnalyzeStack). `deps` maps an input property to the resources it depends on (property
dependencies). Every resource of a case is sent to Analyze and the whole list to AnalyzeStack;
only violations of the case's policy count. A failing case must report on `on` (a resource of
the case; default: the first one).

Every case runs in both phases (`PHASES`). In ``update`` (like `pulumi up`) values are known. In
``preview`` (a first `pulumi preview`, the preview's default) `in_phase` encodes the case the
way the engine does: every value another resource of the case computes (its ARN, URL, id...),
and every string built from one (a JSON document made with `apply`), is unknown, and so are the
computed outputs in AnalyzeStack. A rule keeps its meaning when it gives the same verdict, or
says it cannot decide (pulumi_policy's "can't run policy ... during preview" advisory); in an
update a failing case must fail.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi

from tools.preview.analyzer import PolicyPackProcess, Violation
from tools.preview.mock_cloud import MockCloud
from tools.preview.program import RegisteredResource, ResourceOptions, installed_version
from tools.preview.provider_check import (
    ProviderConfig,
    check,
    preload_schemas,
    schema_snapshot,
)

PROJECT, STACK = "aws-platform", "dev"
UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
UNKNOWN_NUMBER = "3eeb2bf0-c639-47a8-9e75-3b44932eb421"
UNKNOWN_BOOL = "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7"
UNKNOWN_ARRAY = "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2"
UNKNOWN_OBJECT = "dd056dcd-154b-4c76-9bd3-c8f88648b5ff"
UNKNOWNS = (UNKNOWN_STRING, UNKNOWN_NUMBER, UNKNOWN_BOOL, UNKNOWN_ARRAY, UNKNOWN_OBJECT)
# The message pulumi_policy substitutes when a rule touched an unknown value itself.
CANT_RUN = "can't run policy"
# What the pack's rules say when they cannot decide on an unknown value (policies/lib/values.py).
UNDECIDED = "is not known before the resource is created"

# The provider Check reads each type's inputs from pulumi_aws's generated classes, which means
# importing their modules (about 5 s for the types the cases use, in every test worker, at
# collection). Those facts only change with the installed pulumi-aws, so they are kept in a file
# named after its version, like tests/runtime's virtualenvs (a cold run reads the SDK itself).
SCHEMA_CACHE = (
    Path(__file__).resolve().parents[2]
    / ".cache"
    / "provider-schemas"
    / f"pulumi-aws-{installed_version('pulumi-aws')}.json"
)


def _load_schema_cache() -> None:
    # No cache yet, or an unreadable one: the SDK is read instead.
    with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
        preload_schemas(json.loads(SCHEMA_CACHE.read_text()))


def save_schema_cache() -> None:
    """Write the schemas read so far (at the end of the session), atomically."""
    snapshot = schema_snapshot()
    try:
        if json.loads(SCHEMA_CACHE.read_text()) == snapshot:
            return
    except (OSError, ValueError):
        pass
    SCHEMA_CACHE.parent.mkdir(parents=True, exist_ok=True)
    partial = SCHEMA_CACHE.with_suffix(f".{os.getpid()}.tmp")
    partial.write_text(json.dumps(snapshot, indent=1, sort_keys=True))
    os.replace(partial, SCHEMA_CACHE)


_load_schema_cache()
_MOCK = MockCloud()
_PROVIDER = ProviderConfig(region="us-east-1")
PHASES = ("preview", "update")

GOOD_TAGS = {
    "Environment": "dev",
    "Project": "aws-platform",
    "Owner": "platform-team",
    "CostCenter": "cc-1234",
    "DataClassification": "internal",
    "ManagedBy": "pulumi",
}


def urn_of(type_: str, name: str) -> str:
    return f"urn:pulumi:{STACK}::{PROJECT}::{type_}::{name}"


def res(
    type_: str,
    name: str,
    inputs: Mapping[str, Any] | None = None,
    *,
    outputs: Mapping[str, Any] | None = None,
    deps: Mapping[str, Iterable[RegisteredResource]] | None = None,
    protect: bool = False,
    provider: RegisteredResource | None = None,
) -> RegisteredResource:
    """A custom resource as the engine registers it (see the module docstring); `protect` is
    its resource option; `provider` an explicit provider (built with `res`), whose config
    (default tags, region...) the provider's Check applies."""
    props = dict(inputs or {})
    urn = urn_of(type_, name)
    config = _PROVIDER if provider is None else ProviderConfig.from_inputs(provider.inputs)
    checked = check(type_, urn, props, config)
    if outputs is None:
        _, computed = _MOCK.new_resource(
            pulumi.runtime.MockResourceArgs(typ=type_, name=name, inputs=checked, custom=True)
        )
        outputs = {**checked, **computed}
    dependencies = {k: [r.urn for r in v] for k, v in (deps or {}).items()}
    return RegisteredResource(
        urn=urn,
        type=type_,
        name=name,
        inputs=props,
        outputs=dict(outputs),
        parent=None,
        dependencies=sorted({u for urns in dependencies.values() for u in urns}),
        property_dependencies=dependencies,
        provider=None if provider is None else f"{provider.urn}::{provider.name}-id",
        custom=True,
        checked=checked,
        options=ResourceOptions(protect=protect),
    )


def _computed_values(resource: RegisteredResource) -> set[str]:
    """The identifiers a resource's provider computes (outputs that are not its inputs: an id
    that repeats an input, as an alarm's id is its name, is known before the resource exists)."""
    given = {value for value in resource.analyzed_inputs.values() if isinstance(value, str)}
    return {
        value
        for value in resource.outputs.values()
        if isinstance(value, str) and len(value) >= 12 and value not in given
    }


def _hide(value: Any, computed: Mapping[str, str], sources: set[str]) -> Any:
    """`value` with every string built from a computed value unknown; `sources` collects the
    URNs of the resources that computed them."""
    if isinstance(value, str):
        found = {urn for known, urn in computed.items() if known in value}
        sources.update(found)
        return UNKNOWN_STRING if found else value
    if isinstance(value, list):
        return [_hide(item, computed, sources) for item in value]
    if isinstance(value, dict):
        return {key: _hide(item, computed, sources) for key, item in value.items()}
    return value


def in_phase(resources: Sequence[RegisteredResource], phase: str) -> list[RegisteredResource]:
    """The resources as the engine sends them in `phase` (see the module docstring): in a
    preview, a property built from another resource's computed value is unknown and depends
    on that resource (the SDK records it in propertyDependencies)."""
    if phase == "update":
        return list(resources)
    computed = {
        value: r.urn for r in resources for value in _computed_values(r) if value not in UNKNOWNS
    }
    encoded = []
    for resource in resources:
        inputs: dict[str, Any] = {}
        depends = {key: list(urns) for key, urns in resource.property_dependencies.items()}
        for key, value in resource.analyzed_inputs.items():
            sources: set[str] = set()
            inputs[key] = _hide(value, computed, sources)
            sources.discard(resource.urn)
            if sources:
                depends[key] = sorted({*depends.get(key, []), *sources})
        own = _computed_values(resource)
        outputs = {
            key: UNKNOWN_STRING
            if isinstance(value, str) and value in own
            else _hide(value, computed, set())
            for key, value in resource.outputs.items()
        }
        encoded.append(
            RegisteredResource(
                **{
                    **resource.__dict__,
                    "checked": inputs,
                    "outputs": outputs,
                    "property_dependencies": depends,
                    "dependencies": sorted({u for urns in depends.values() for u in urns}),
                }
            )
        )
    return encoded


def out(resource: RegisteredResource, key: str) -> Any:
    """An output of a resource built with `res` (e.g. its ``arn`` or ``url``)."""
    return resource.outputs[key]


@dataclass(frozen=True)
class Case:
    """One expectation: `policy` passes or fails on `resources`."""

    policy: str
    expect: str  # "pass" | "fail"
    resources: tuple[RegisteredResource, ...]
    on: str | None = None  # URN the failure must name
    label: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def passes(cls, policy: str, *resources: RegisteredResource, label: str = "") -> Case:
        return cls(policy, "pass", resources, None, label)

    @classmethod
    def fails(
        cls,
        policy: str,
        *resources: RegisteredResource,
        on: RegisteredResource | None = None,
        label: str = "",
    ) -> Case:
        target = on if on is not None else resources[0]
        return cls(policy, "fail", resources, target.urn, label)

    @property
    def id(self) -> str:
        names = "+".join(r.name for r in self.resources)
        return f"{self.policy}:{self.expect}:{self.label or names}"


class PackError(AssertionError):
    """The pack failed on an input: the gRPC call failed or a rule hit an unknown value."""


def evaluate(pack: PolicyPackProcess, resources: Sequence[RegisteredResource]) -> list[Violation]:
    """Every violation the pack reports for `resources` (Analyze each, then AnalyzeStack).

    Raises `PackError` when the call fails or pulumi_policy reports that a rule could not run
    for any other reason than a value it says is unknown (`undecided`).
    """
    violations = _evaluate(pack, resources)
    broken = [v for v in violations if CANT_RUN in v.message and UNDECIDED not in v.message]
    if broken:
        raise PackError("; ".join(f"{v.policy}: {v.message}" for v in broken))
    return violations


def _evaluate(pack: PolicyPackProcess, resources: Sequence[RegisteredResource]) -> list[Violation]:
    try:
        return pack.analyze_all(resources) + pack.analyze_stack(resources)
    except Exception as error:  # grpc.RpcError and friends: the pack raised
        raise PackError(f"the pack failed: {error}") from error


def check_case(pack: PolicyPackProcess, case: Case, phase: str = "update") -> None:
    """Assert the case's expectation against the running pack, in `phase`."""
    found = [v for v in evaluate(pack, in_phase(case.resources, phase)) if v.policy == case.policy]
    undecided = [v for v in found if CANT_RUN in v.message]
    decided = [v for v in found if CANT_RUN not in v.message]
    if case.expect == "pass":
        assert not decided, f"{case.id}: unexpected violations {[v.message for v in decided]}"
        return
    if phase == "preview" and undecided and not decided:
        return  # the engine shows the advisory: the rule cannot decide before creation
    assert decided, f"{case.id}: expected a violation in {phase}, got none"
    assert any(v.urn == case.on for v in decided), (
        f"{case.id}: violation not on {case.on}: {[(v.urn, v.message) for v in decided]}"
    )
