"""Running a Pulumi program under the mock cloud and recording what it registers."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import gc
import os
import re
import runpy
import sys
import threading
from collections.abc import Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import pulumi
import pulumi.runtime
import pulumi.runtime.resource
import pulumi.runtime.stack
from google.protobuf import struct_pb2
from pulumi.runtime import rpc, settings
from pulumi.runtime.mocks import MockEngine, MockMonitor, MockResourceArgs, MockSettings
from pulumi.runtime.proto import resource_pb2, source_pb2
from pulumi.runtime.sync_await import _ensure_event_loop, _sync_await

from tools.preview import awsx_vpc
from tools.preview.identifiers import fake_uuid
from tools.preview.mock_cloud import MockCloud
from tools.preview.project import load_project
from tools.preview.provider_check import ProviderConfig, check
from tools.preview.wire import plain_struct as _plain_struct

STACK_TYPE = "pulumi:pulumi:Stack"


PROVIDER_PREFIX = "pulumi:providers:"
_REMOTE_COMPONENTS = frozenset({"awsx:ec2:Vpc"})
"""Components built by a provider plugin: their outputs come from the plugin (the mock cloud)."""


class TransformsNotSupportedError(RuntimeError):
    """The program uses Pulumi transforms, which only the engine runs (Pulumi issue 17090)."""


@dataclass(frozen=True, kw_only=True)
class ResourceOptions:
    """The resource options the engine forwards to a pack (`AnalyzerResourceOptions`)."""

    protect: bool = False
    ignore_changes: tuple[str, ...] = ()
    delete_before_replace: bool = False
    delete_before_replace_defined: bool = False
    additional_secret_outputs: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    custom_timeouts: tuple[float, float, float] = (0.0, 0.0, 0.0)
    """create, update, delete, in seconds."""


@dataclass(frozen=True, kw_only=True)
class RegisteredResource:
    """One resource registration as the engine (and the policy pack) would see it.

    `inputs` are what the program registered; `checked` what the provider's Check returned
    (None for components, the stack and non-aws types, whose inputs pass unchanged): the
    engine analyzes `analyzed_inputs`.
    """

    urn: str
    type: str
    name: str
    inputs: dict[str, Any]
    outputs: dict[str, Any]
    parent: str | None
    dependencies: list[str]
    property_dependencies: dict[str, list[str]]
    provider: str | None
    custom: bool
    checked: dict[str, Any] | None = None
    options: ResourceOptions = field(default_factory=ResourceOptions)

    @property
    def analyzed_inputs(self) -> dict[str, Any]:
        return self.inputs if self.checked is None else self.checked


@dataclass(frozen=True, kw_only=True)
class ProgramRun:
    """Everything a program registered, in registration order, and its stack outputs.

    `analyzed` is what the engine analyzes: the same resources with the default providers it
    registers for them (`pulumi:providers:<package>::default_<version>`, before the first
    resource that uses one); `resources` leaves those out.
    """

    resources: list[RegisteredResource]
    stack_outputs: dict[str, Any]
    project: str = "aws-platform"
    stack: str = "dev"
    stack_urn: str = field(default="")
    analyzed: list[RegisteredResource] = field(default_factory=list)

    def of_type(self, type_token: str) -> list[RegisteredResource]:
        return [r for r in self.resources if r.type == type_token]

    def named(self, name: str) -> RegisteredResource:
        """The resource with this logical name; KeyError when there is none or several."""
        found = [r for r in self.resources if r.name == name]
        if len(found) != 1:
            raise KeyError(f"{len(found)} resources named {name!r}")
        return found[0]


class _RecordingMonitor(MockMonitor):
    """The SDK's mock monitor, with the provider's Check before the mock cloud creates a
    resource, and a record of parents, dependencies, options and providers."""

    def __init__(
        self,
        mocks: MockCloud,
        config: Mapping[str, str],
        on_record: Callable[[RegisteredResource], None] | None = None,
    ) -> None:
        super().__init__(mocks)
        self.recorded: list[RegisteredResource] = []
        self._on_record = on_record
        self.stack_urn = ""
        self.stack_outputs: dict[str, Any] = {}
        self.component_outputs: dict[str, dict[str, Any]] = {}
        self._config = config
        self._providers: dict[str, ProviderConfig] = {}
        self._default_providers: dict[str, str] = {}
        self.default_provider_urns: set[str] = set()
        self._lock = threading.Lock()

    def make_urn(self, parent: str, type_: str, name: str) -> str:
        """URNs as the engine makes them: the full chain of parent types, without the stack's
        (the SDK's mock keeps only the last parent type and adds the stack's)."""
        qualified = type_
        if parent:
            parent_type = parent.split("::")[2]
            if parent_type != STACK_TYPE:
                qualified = f"{parent_type}${type_}"
        return f"urn:pulumi:{settings.get_stack()}::{settings.get_project()}::{qualified}::{name}"

    def _provider_config(self, reference: str) -> ProviderConfig:
        """The config of the provider a resource names (`urn::id`)."""
        return self._providers.get(reference.rsplit("::", 1)[0]) or ProviderConfig()

    def _default_provider(self, package: str) -> str:
        """The reference (`urn::id`) of the package's default provider, registered (as the
        engine does) before the first resource that uses it: `default_<version>`, with the
        package's stack config and `version` as inputs
        (pulumi/pulumi `pkg/resource/deploy/default_providers.go`)."""
        with self._lock:
            known = self._default_providers.get(package)
            if known is not None:
                return known
            version = installed_version(f"pulumi_{package}")
            name = "default_" + version.replace(".", "_")
            urn = (
                f"urn:pulumi:{settings.get_stack()}::{settings.get_project()}"
                f"::{PROVIDER_PREFIX}{package}::{name}"
            )
            inputs = {
                key.partition(":")[2]: value
                for key, value in self._config.items()
                if key.partition(":")[0] == package
            }
            inputs["version"] = version
            self._providers[urn] = ProviderConfig.from_inputs(inputs)
            id_ = fake_uuid(urn)
            self._recorded(
                RegisteredResource(
                    urn=urn,
                    type=PROVIDER_PREFIX + package,
                    name=name,
                    inputs=inputs,
                    outputs=dict(inputs),
                    parent=None,
                    dependencies=[],
                    property_dependencies={},
                    provider=None,
                    custom=True,
                )
            )
            reference = f"{urn}::{id_}"
            self._default_providers[package] = reference
            self.default_provider_urns.add(urn)
            return reference

    def RegisterResource(self, request: Any) -> Any:
        if request.remote and request.type == awsx_vpc.TYPE:
            return awsx_vpc.construct(self, request)  # the awsx plugin's Construct
        if request.transforms:
            raise TransformsNotSupportedError(
                f"resource '{request.name}' ({request.type}) has transforms in its options; "
                "only the Pulumi engine runs transforms, so the offline preview cannot "
                "show the resource as it would be created"
            )
        urn = self.make_urn(request.parent, request.type, request.name)
        raw = _plain_struct(request.object)
        if request.type == STACK_TYPE:
            self.stack_urn = urn
            self._append(self._record(request, urn, raw, None, {}))
            return resource_pb2.RegisterResourceResponse(urn=urn)
        checked: dict[str, Any] | None = None
        provider = request.provider
        if request.type.startswith(PROVIDER_PREFIX):
            with self._lock:
                self._providers[urn] = ProviderConfig.from_inputs(raw)
        elif request.custom:
            provider = provider or self._default_provider(request.type.split(":", 1)[0])
            checked = check(request.type, urn, raw, self._provider_config(provider))
        id_, state = self.mocks.new_resource(
            MockResourceArgs(
                typ=request.type,
                name=request.name,
                inputs=raw if checked is None else checked,
                provider=request.provider,
                resource_id=request.importId,
                custom=request.custom or False,
            )
        )
        response_object = _serialize(state)
        id_ = id_ or ""
        self.resources[urn] = MockMonitor.ResourceRegistration(urn, id_, state)
        record = self._record(request, urn, raw, checked, _plain_struct(response_object))
        self._append(_replace(record, provider=provider or None))
        return resource_pb2.RegisterResourceResponse(urn=urn, id=id_, object=response_object)

    def _append(self, record: RegisteredResource) -> None:
        with self._lock:
            self._recorded(record)

    def _recorded(self, record: RegisteredResource) -> None:
        """Record a registration (under the lock: `on_record` sees them in the recorded order)."""
        self.recorded.append(record)
        if self._on_record is not None:
            self._on_record(record)

    def RegisterResourceOutputs(self, request: Any) -> Any:
        outputs = _plain_struct(request.outputs)
        if request.urn and request.urn == self.stack_urn:
            self.stack_outputs = outputs
        elif request.urn:
            with self._lock:
                self.component_outputs[request.urn] = outputs
        return super().RegisterResourceOutputs(request)

    @staticmethod
    def _record(
        request: Any,
        urn: str,
        inputs: dict[str, Any],
        checked: dict[str, Any] | None,
        outputs: dict[str, Any],
    ) -> RegisteredResource:
        return RegisteredResource(
            urn=urn,
            type=request.type,
            name=request.name,
            inputs=inputs,
            outputs=outputs,
            parent=request.parent or None,
            dependencies=list(dict.fromkeys(request.dependencies)),
            property_dependencies={
                key: list(deps.urns) for key, deps in request.propertyDependencies.items()
            },
            provider=request.provider or None,
            custom=bool(request.custom),
            checked=checked,
            options=_options(request, urn),
        )


def _serialize(state: dict[str, Any]) -> struct_pb2.Struct:
    """The mock's state as the wire Struct the SDK resolves outputs from (as the SDK's
    MockMonitor does it)."""
    _ensure_event_loop()
    result: struct_pb2.Struct = _sync_await(rpc.serialize_properties(state, {}))
    return result


_DURATION = re.compile(r"(\d+(?:\.\d+)?)(h|ms|m|s)")
_SECONDS = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001}


def _seconds(duration: str) -> float:
    """A Go duration ("5m", "1h30m") in seconds, as the engine sends custom timeouts."""
    return sum(float(number) * _SECONDS[unit] for number, unit in _DURATION.findall(duration))


def _alias_urn(alias: Any, request: Any, urn: str) -> str:
    """The URN an alias spec stands for (the engine resolves specs the same way)."""
    if alias.urn:
        return str(alias.urn)
    spec = alias.spec
    stack, project = urn.split("::")[0].removeprefix("urn:pulumi:"), urn.split("::")[1]
    type_ = spec.type or request.type
    parent = "" if spec.noParent else (spec.parentUrn or request.parent)
    qualified = type_
    if parent:
        parent_type = parent.split("::")[2]
        if parent_type != STACK_TYPE:
            qualified = f"{parent_type}${type_}"
    name = spec.name or request.name
    return f"urn:pulumi:{spec.stack or stack}::{spec.project or project}::{qualified}::{name}"


def _options(request: Any, urn: str) -> ResourceOptions:
    timeouts = request.customTimeouts
    return ResourceOptions(
        protect=bool(request.protect),
        ignore_changes=tuple(request.ignoreChanges),
        delete_before_replace=bool(request.deleteBeforeReplace),
        delete_before_replace_defined=bool(request.deleteBeforeReplaceDefined),
        additional_secret_outputs=tuple(request.additionalSecretOutputs),
        aliases=tuple(
            [*request.aliasURNs, *(_alias_urn(alias, request, urn) for alias in request.aliases)]
        ),
        custom_timeouts=(
            _seconds(timeouts.create),
            _seconds(timeouts.update),
            _seconds(timeouts.delete),
        ),
    )


def _refuse_transforms(_transform: Any) -> None:
    raise TransformsNotSupportedError(
        "the program registers a stack transform; only the Pulumi engine runs transforms "
        "(under the SDK's mocks the program would hang, Pulumi issue 17090), so the offline "
        "preview cannot show resources as they would be created"
    )


_TRANSFORM_FUNCTIONS = (
    "register_resource_transform",
    "register_stack_transform",
    "register_invoke_transform",
)


@contextlib.contextmanager
def _transforms_refused() -> Iterator[None]:
    saved = [
        (module, name, getattr(module, name))
        for module in (pulumi.runtime, pulumi.runtime.stack)
        for name in _TRANSFORM_FUNCTIONS
        if hasattr(module, name)
    ]
    for module, name, _original in saved:
        setattr(module, name, _refuse_transforms)
    try:
        yield
    finally:
        for module, name, original in saved:
            setattr(module, name, original)


def _no_stack_trace() -> source_pb2.StackTrace:
    return source_pb2.StackTrace()


@contextlib.contextmanager
def _stack_traces_skipped() -> Iterator[None]:
    """Register resources without the Python stack trace the SDK captures for each one.

    The engine keeps it (with the source position) for its diagnostics and the state; neither the
    mock monitor nor a policy pack sees it (an AnalyzeRequest has no such field), and walking the
    stack is a tenth of the program run (`traceback.extract_stack` per resource).
    """
    module = pulumi.runtime.resource
    original = getattr(module, "_get_stack_trace", None)
    if original is None:
        yield
        return
    setattr(module, "_get_stack_trace", _no_stack_trace)  # noqa: B010 (a private function)
    try:
        yield
    finally:
        setattr(module, "_get_stack_trace", original)  # noqa: B010


# Young-generation threshold while a program runs (CPython's default is 700).
_RUN_GC_THRESHOLD = (50_000, 20, 20)


@contextlib.contextmanager
def _few_collections() -> Iterator[None]:
    """Collect garbage rarely while the program runs, and never rescan what existed before it.

    The SDK allocates a few thousand objects per resource; with CPython's defaults the collector
    runs every 700 allocations and its full passes walk everything imported (pulumi_aws alone
    is millions of objects), so collection cost grew faster than the program: this halves the
    run of a 4,000-resource program and keeps 200 -> 800 components near linear.
    """
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(*_RUN_GC_THRESHOLD)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


def _settling(program: Callable[[], None]) -> Callable[[], Awaitable[None]]:
    """``program``, then a wait for its outstanding outputs in whole rounds.

    The SDK's own ``wait_for_rpcs`` waits for the first of all outstanding outputs to finish,
    over and over: every round registers a callback on every pending output, which grows with
    the square of the program (about 1M callbacks for 2,000 resources). Waiting for all of them
    at once needs only as many rounds as the outputs' dependency chains are deep. Outputs that
    succeed leave ``SETTINGS.outputs`` by themselves; a failed one stays there, so the SDK's wait
    that follows still re-raises it exactly as before.
    """

    async def run() -> None:
        program()
        while True:
            with settings.SETTINGS.lock:
                pending = [task for task in settings.SETTINGS.outputs if not task.done()]
            if not pending:
                return
            done, _ = await asyncio.wait(pending, return_when=asyncio.FIRST_EXCEPTION)
            if any(not task.cancelled() and task.exception() is not None for task in done):
                return  # the SDK's wait raises it

    return run


def run_in_mocks(
    program: Callable[[], None],
    *,
    project: str = "aws-platform",
    stack: str = "dev",
    config: dict[str, str] | None = None,
    region: str | None = None,
    secret_keys: list[str] | None = None,
    preview: bool = False,
    on_record: Callable[[RegisteredResource], None] | None = None,
) -> ProgramRun:
    """Run `program` under MockCloud and return what it registered.

    The SDK's global state is reset before and after, so this can run many times in one
    process. Exceptions of the program propagate unchanged (with their traceback).
    `region` defaults to the `aws:region` config value, else us-east-1. `on_record` is called
    with each registration as it is recorded, in the order of `ProgramRun.analyzed` (with the
    inputs, options and provider it has there; its outputs there are only final for custom
    resources: components and the stack get theirs when the program ends).
    """
    values = dict(config or {})
    cloud = MockCloud(region=region or values.get("aws:region") or "us-east-1", preview=preview)
    monitor = _RecordingMonitor(cloud, values, on_record)
    loop = asyncio.new_event_loop()
    loop.set_exception_handler(_quiet_unretrieved)
    settings.reset_options(project=project, stack=stack, preview=preview)
    try:
        asyncio.set_event_loop(loop)
        pulumi.runtime.set_all_config(values, secret_keys or [])
        settings.configure(
            MockSettings(
                monitor=monitor,
                monitor_features=set(monitor.GetDeploymentInfo(None).supportedFeatures),
                engine=MockEngine(None),
                project=project,
                stack=stack,
                dry_run=preview,
                organization="organization",
                callbacks=None,
            )
        )
        with _transforms_refused(), _stack_traces_skipped(), _few_collections():
            loop.run_until_complete(pulumi.runtime.stack.run_in_stack(_settling(program)))
    finally:
        _close_loop(loop)
        asyncio.set_event_loop(None)  # the run's loop is closed; leave none behind
        settings.reset_options()
        pulumi.runtime.set_all_config({}, [])
    stack_resources = [r for r in monitor.recorded if r.type == STACK_TYPE]
    # The engine's AnalyzeStack sends a component its registered outputs, the stack its outputs.
    resources = [
        _replace(r, outputs=dict(monitor.stack_outputs))
        if r.type == STACK_TYPE
        else _replace(r, outputs=monitor.component_outputs.get(r.urn, {}))
        if not r.custom and r.type not in _REMOTE_COMPONENTS
        else r
        for r in monitor.recorded
    ]
    return ProgramRun(
        resources=[r for r in resources if r.urn not in monitor.default_provider_urns],
        stack_outputs=monitor.stack_outputs,
        project=project,
        stack=stack,
        stack_urn=stack_resources[0].urn if stack_resources else "",
        analyzed=resources,
    )


def _replace(resource: RegisteredResource, **changes: Any) -> RegisteredResource:
    return RegisteredResource(**{**resource.__dict__, **changes})


@functools.cache
def installed_version(distribution: str) -> str:
    """The installed version of a provider SDK (a metadata scan: looked up once)."""
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "0.0.0"


def _quiet_unretrieved(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    """A failed registration also fails the futures of the resource's outputs; the failure
    itself propagates from run_in_mocks, so their 'never retrieved' reports are noise."""
    if "never retrieved" not in str(context.get("message", "")):
        loop.default_exception_handler(context)


def _close_loop(loop: asyncio.AbstractEventLoop) -> None:
    pending = [task for task in asyncio.all_tasks(loop) if not task.done()]
    for task in pending:
        task.cancel()
    if pending:
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
    loop.run_until_complete(loop.shutdown_asyncgens())
    loop.close()


@contextlib.contextmanager
def _inside(directory: Path) -> Iterator[None]:
    """cwd = directory and directory first on sys.path; modules it brought in are forgotten."""
    previous_cwd = Path.cwd()
    before = set(sys.modules)
    sys.path.insert(0, str(directory))
    os.chdir(directory)
    try:
        yield
    finally:
        os.chdir(previous_cwd)
        with contextlib.suppress(ValueError):
            sys.path.remove(str(directory))
        for name in set(sys.modules) - before:
            module_file = getattr(sys.modules[name], "__file__", None) or ""
            if module_file.startswith(str(directory) + os.sep) and not _installed(module_file):
                del sys.modules[name]


def _installed(module_file: str) -> bool:
    """An installed package (e.g. of a `.venv` inside the program folder): forgetting it would
    re-import pulumi_aws, which refuses to register its package twice in one process."""
    parts = Path(module_file).parts
    return "site-packages" in parts or "dist-packages" in parts


def run_program_dir(
    program_dir: Path | str,
    stack: str = "dev",
    *,
    preview: bool = False,
    on_record: Callable[[RegisteredResource], None] | None = None,
) -> ProgramRun:
    """Run the Pulumi program in `program_dir` with the config of `Pulumi.<stack>.yaml`.

    Raises `ProjectError` for a missing/invalid project or stack file; the program's own
    exceptions propagate unchanged. `on_record`: see `run_in_mocks`.
    """
    project = load_project(program_dir)
    config = project.stack_config(stack)
    main = project.main

    def program() -> None:
        runpy.run_path(str(main), run_name="__main__")

    with _inside(project.directory):
        return run_in_mocks(
            program,
            project=project.name,
            stack=stack,
            config=config.values,
            secret_keys=config.secret_keys,
            preview=preview,
            on_record=on_record,
        )
