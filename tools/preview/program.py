"""Running a Pulumi program under the mock cloud and recording what it registers."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
import runpy
import sys
import threading
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
import pulumi.runtime
import pulumi.runtime.stack
from google.protobuf import json_format, struct_pb2
from pulumi.runtime import settings
from pulumi.runtime.mocks import MockEngine, MockMonitor, MockSettings

from tools.preview import awsx_vpc
from tools.preview.mock_cloud import MockCloud
from tools.preview.project import load_project

UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
"""How the engine (and the policy pack) sees a value that is not known during a preview."""

_SIG = "4dabf18193072939515e22adb298388d"
_SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
_RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e"
STACK_TYPE = "pulumi:pulumi:Stack"


class TransformsNotSupportedError(RuntimeError):
    """The program uses Pulumi transforms, which only the engine runs (Pulumi issue 17090)."""


@dataclass(frozen=True, kw_only=True)
class RegisteredResource:
    """One resource registration as the engine (and the policy pack) would see it."""

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


@dataclass(frozen=True, kw_only=True)
class ProgramRun:
    """Everything a program registered, in registration order, and its stack outputs."""

    resources: list[RegisteredResource]
    stack_outputs: dict[str, Any]
    project: str = "aws-platform"
    stack: str = "dev"
    stack_urn: str = field(default="")

    def of_type(self, type_token: str) -> list[RegisteredResource]:
        return [r for r in self.resources if r.type == type_token]

    def named(self, name: str) -> RegisteredResource:
        """The resource with this logical name; KeyError when there is none or several."""
        found = [r for r in self.resources if r.name == name]
        if len(found) != 1:
            raise KeyError(f"{len(found)} resources named {name!r}")
        return found[0]


def plain(value: Any) -> Any:
    """A wire value as plain Python: secrets unwrapped, references as their id (urn when none),
    unknowns kept as the UNKNOWN sentinel, whole floats as ints."""
    if isinstance(value, dict):
        sig = value.get(_SIG)
        if sig == _SECRET_SIG:
            return plain(value.get("value"))
        if sig == _RESOURCE_SIG:
            return value.get("id") or value.get("urn")
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _plain_struct(struct: struct_pb2.Struct) -> dict[str, Any]:
    result = plain(json_format.MessageToDict(struct))
    return result if isinstance(result, dict) else {}


class _RecordingMonitor(MockMonitor):
    """The SDK's mock monitor, also recording parents, dependencies and providers."""

    def __init__(self, mocks: MockCloud) -> None:
        super().__init__(mocks)
        self.recorded: list[RegisteredResource] = []
        self.stack_urn = ""
        self.stack_outputs: dict[str, Any] = {}
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

    def RegisterResource(self, request: Any) -> Any:
        if request.remote and request.type == awsx_vpc.TYPE:
            return awsx_vpc.construct(self, request)  # the awsx plugin's Construct
        if request.transforms:
            raise TransformsNotSupportedError(
                f"resource '{request.name}' ({request.type}) has transforms in its options; "
                "only the Pulumi engine runs transforms, so the offline preview cannot "
                "show the resource as it would be created"
            )
        response = super().RegisterResource(request)
        if request.type == STACK_TYPE:
            self.stack_urn = response.urn
            record = self._record(request, response.urn, {})
        else:
            record = self._record(request, response.urn, _plain_struct(response.object))
        with self._lock:
            self.recorded.append(record)
        return response

    def RegisterResourceOutputs(self, request: Any) -> Any:
        if request.urn and request.urn == self.stack_urn:
            self.stack_outputs = _plain_struct(request.outputs)
        return super().RegisterResourceOutputs(request)

    @staticmethod
    def _record(request: Any, urn: str, outputs: dict[str, Any]) -> RegisteredResource:
        return RegisteredResource(
            urn=urn,
            type=request.type,
            name=request.name,
            inputs=_plain_struct(request.object),
            outputs=outputs,
            parent=request.parent or None,
            dependencies=list(dict.fromkeys(request.dependencies)),
            property_dependencies={
                key: list(deps.urns) for key, deps in request.propertyDependencies.items()
            },
            provider=request.provider or None,
            custom=bool(request.custom),
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
) -> ProgramRun:
    """Run `program` under MockCloud and return what it registered.

    The SDK's global state is reset before and after, so this can run many times in one
    process. Exceptions of the program propagate unchanged (with their traceback).
    `region` defaults to the `aws:region` config value, else us-east-1.
    """
    values = dict(config or {})
    cloud = MockCloud(region=region or values.get("aws:region") or "us-east-1")
    monitor = _RecordingMonitor(cloud)
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
        with _transforms_refused(), _few_collections():
            loop.run_until_complete(pulumi.runtime.stack.run_in_stack(_settling(program)))
    finally:
        _close_loop(loop)
        asyncio.set_event_loop(None)  # the run's loop is closed; leave none behind
        settings.reset_options()
        pulumi.runtime.set_all_config({}, [])
    stack_resources = [r for r in monitor.recorded if r.type == STACK_TYPE]
    resources = [
        _with_outputs(r, monitor.stack_outputs) if r.type == STACK_TYPE else r
        for r in monitor.recorded
    ]
    return ProgramRun(
        resources=resources,
        stack_outputs=monitor.stack_outputs,
        project=project,
        stack=stack,
        stack_urn=stack_resources[0].urn if stack_resources else "",
    )


def _with_outputs(resource: RegisteredResource, outputs: dict[str, Any]) -> RegisteredResource:
    return RegisteredResource(
        **{**resource.__dict__, "outputs": dict(outputs)},
    )


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
    program_dir: Path | str, stack: str = "dev", *, preview: bool = False
) -> ProgramRun:
    """Run the Pulumi program in `program_dir` with the config of `Pulumi.<stack>.yaml`.

    Raises `ProjectError` for a missing/invalid project or stack file; the program's own
    exceptions propagate unchanged.
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
        )
