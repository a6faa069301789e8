"""Running a policy pack as its own process, the way the Pulumi engine does, and asking it
about resources over the Analyzer gRPC protocol."""

from __future__ import annotations

import json
import os
import queue
import re
import subprocess
import sys
import tempfile
import threading
from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO, Any

import grpc
import yaml
from google.protobuf import empty_pb2, json_format
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc

from tools.preview.policy_config import PolicyInfo, ResolvedPolicyConfig, reconcile
from tools.preview.program import RegisteredResource, installed_version
from tools.preview.wire import plain
from tools.preview.wire import to_struct as _struct

__all__ = [
    "AnalyzeStream",
    "AnalyzerInfo",
    "PackStartError",
    "PolicyEvaluationError",
    "PolicyInfo",
    "PolicyPackProcess",
    "Remediation",
    "Violation",
]

_ENGINE_ADDRESS = "127.0.0.1:0"
"""The engine address argument a pack expects; the preview has no engine to call back."""

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
# The pack's gRPC server runs 4 worker threads; more in flight only queue there.
ANALYZE_IN_FLIGHT = 4
_PORT_NOTICE_AFTER = 10.0
"""Seconds between the notices on stderr while a pack has not printed its port."""
_GRPC_OPTIONS = [("grpc.max_receive_message_length", 400 * 1024 * 1024)]


class PackStartError(Exception):
    """The policy pack could not be started; the message carries its stderr."""


class PolicyEvaluationError(Exception):
    """A policy failed while the pack evaluated resources (it raised, or the pack died);
    the message names the request and carries the pack's error."""


@dataclass(frozen=True, kw_only=True)
class Violation:
    """A policy violation reported by a pack."""

    policy: str
    pack: str
    enforcement: str
    urn: str | None
    message: str
    phase: str | None = None
    """preview, update or both (set by the preview when it has run the phases)."""


@dataclass(frozen=True, kw_only=True)
class Remediation:
    """A remediating policy's rewrite of one resource's properties."""

    policy: str
    pack: str
    urn: str
    properties: dict[str, Any]


@dataclass(frozen=True, kw_only=True)
class AnalyzerInfo:
    """A pack's name, version, policies and initial config (GetAnalyzerInfo)."""

    name: str
    version: str
    policies: list[PolicyInfo]
    initial_config: dict[str, Any]

    def policy(self, name: str) -> PolicyInfo:
        return next(p for p in self.policies if p.name == name)


def _severity_name(severity: int) -> str | None:
    """`high` for POLICY_SEVERITY_HIGH; None when the pack gives none (awsguard)."""
    if severity == analyzer_pb2.POLICY_SEVERITY_UNSPECIFIED:
        return None
    return analyzer_pb2.PolicySeverity.Name(severity).removeprefix("POLICY_SEVERITY_").lower()


def _level_name(level: int) -> str:
    return str(analyzer_pb2.EnforcementLevel.Name(level)).lower()


def _level_value(name: str) -> analyzer_pb2.EnforcementLevel.ValueType:
    return analyzer_pb2.EnforcementLevel.Value(name.upper())


def _pack_command(pack_dir: Path, *, installed: bool = False) -> tuple[list[str], str]:
    """The command line the engine's policy analyzer plugin runs for this pack, and its runtime.

    An `installed` Python pack (shipped inside this environment's packages, with its
    dependencies installed beside it) runs with this interpreter: it has no virtualenv of its own.
    """
    spec_path = pack_dir / "PulumiPolicy.yaml"
    if not spec_path.is_file():
        raise PackStartError(f"{spec_path} not found: {pack_dir} is not a policy pack")
    try:
        spec = yaml.safe_load(spec_path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        raise PackStartError(f"{spec_path}: invalid YAML: {error}") from error
    runtime = spec.get("runtime") if isinstance(spec, dict) else None
    name = runtime.get("name") if isinstance(runtime, dict) else runtime
    options = (runtime.get("options") or {}) if isinstance(runtime, dict) else {}
    if name == "python":
        interpreter = sys.executable
        virtualenv = options.get("virtualenv") if isinstance(options, dict) else None
        if virtualenv and not installed:
            # The language host runs the pack with the virtualenv's interpreter and fails when
            # it does not exist (pulumi/pulumi sdk/python/toolchain, `ValidateVenv`).
            venv = (pack_dir / str(virtualenv)).absolute()
            candidate = venv / "bin" / "python"
            if not candidate.exists():
                raise PackStartError(
                    f"{spec_path}: the 'virtualenv' option is set to {virtualenv!r}, but {venv} "
                    "does not exist or has no bin/python; create it (`pulumi install` in "
                    f"{pack_dir}, or `python -m tools.preview.pack_venv {pack_dir}` to layer "
                    "it on the current environment)"
                )
            interpreter = str(candidate)
        # pulumi-analyzer-policy-python: `python -u -m pulumi.policy <engine> <pack dir>`
        return [interpreter, "-u", "-m", "pulumi.policy", _ENGINE_ADDRESS, "."], "python"
    if name == "nodejs":
        # pulumi-analyzer-policy: node runs @pulumi/pulumi/cmd/run-policy-pack from the pack.
        script = pack_dir / "node_modules" / "@pulumi" / "pulumi" / "cmd" / "run-policy-pack"
        if not script.is_dir():
            raise PackStartError(
                f"{script} not found: the pack's dependencies are not installed; "
                f"run npm install in {pack_dir}"
            )
        return ["node", str(script), _ENGINE_ADDRESS, "."], "nodejs"
    raise PackStartError(f"{spec_path}: runtime {name!r} is not supported (python or nodejs)")


def _default_provider(
    package: str, stack_config: Mapping[str, str], project: str, stack: str
) -> analyzer_pb2.AnalyzerProviderResource:
    """The default provider the engine would create for `package` (for resources given
    without their provider, as tests build them)."""
    version = installed_version(f"pulumi_{package}")
    name = "default_" + version.replace(".", "_")
    properties: dict[str, Any] = {"version": version}
    for key, value in stack_config.items():
        namespace, _, short = key.partition(":")
        if namespace == package:
            properties[short] = value
    return analyzer_pb2.AnalyzerProviderResource(
        type=f"pulumi:providers:{package}",
        name=name,
        urn=f"urn:pulumi:{stack}::{project}::pulumi:providers:{package}::{name}",
        properties=_struct(properties),
    )


class PolicyPackProcess:
    """A policy pack running as its own process, started and configured the way the engine
    does (PulumiPolicy.yaml runtime, ConfigureStack, GetAnalyzerInfo, Configure).

    Use as a context manager: the process is always stopped on exit.
    """

    def __init__(
        self,
        pack_dir: Path | str,
        config: Mapping[str, Any] | None = None,
        *,
        project: str = "aws-platform",
        stack: str = "dev",
        stack_config: Mapping[str, str] | None = None,
        secret_keys: Sequence[str] = (),
        stack_tags: Mapping[str, str] | None = None,
        organization: str = "organization",
        dry_run: bool = True,
        start_timeout: float = 120.0,
        port_timeout: float = 90.0,
        installed: bool = False,
    ) -> None:
        self.pack_dir = Path(pack_dir).resolve()
        self.installed = installed
        self.policy_config = dict(config or {})
        self.project = project
        self.stack = stack
        self.stack_config = dict(stack_config or {})
        self.secret_keys = list(secret_keys)
        self.stack_tags = dict(stack_tags or {})
        self.organization = organization
        self.dry_run = dry_run
        self.start_timeout = start_timeout
        self.port_timeout = port_timeout
        self._process: subprocess.Popen[bytes] | None = None
        self._stderr: IO[bytes] | None = None
        self._channel: grpc.Channel | None = None
        self._stub: analyzer_pb2_grpc.AnalyzerStub | None = None
        self._info: AnalyzerInfo | None = None
        self._resolved: dict[str, ResolvedPolicyConfig] = {}
        self._providers: dict[str, RegisteredResource] = {}
        self._default_providers: dict[str, analyzer_pb2.AnalyzerProviderResource] = {}

    # -- lifecycle -------------------------------------------------------------------------

    def __enter__(self) -> PolicyPackProcess:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self) -> None:
        """Start the pack, connect and configure it; PackStartError carries its stderr."""
        command, runtime = _pack_command(self.pack_dir, installed=self.installed)
        try:
            self._launch(command, runtime)
            self._configure()
        except BaseException:
            self.stop()
            raise

    def _environment(self, runtime: str) -> dict[str, str]:
        env = dict(os.environ)
        run = {
            "PULUMI_PROJECT": self.project,
            "PULUMI_STACK": self.stack,
            "PULUMI_DRY_RUN": "true" if self.dry_run else "false",
            "PULUMI_ORGANIZATION": self.organization,
        }
        if self.stack_config:
            env["PULUMI_CONFIG"] = json.dumps(self.stack_config)
        env.update(run)
        if runtime == "nodejs":
            env.update({k.replace("PULUMI_", "PULUMI_NODEJS_"): v for k, v in run.items()})
        return env

    def _launch(self, command: list[str], runtime: str) -> None:
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 (lives as long as the pack)
        try:
            self._process = subprocess.Popen(
                command,
                cwd=self.pack_dir,
                env=self._environment(runtime),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=self._stderr,
            )
        except OSError as error:
            raise PackStartError(f"cannot run {command[0]} for {self.pack_dir}: {error}") from error
        port = self._read_port(self._process)
        self._channel = grpc.insecure_channel(f"127.0.0.1:{port}", options=_GRPC_OPTIONS)
        try:
            grpc.channel_ready_future(self._channel).result(timeout=self.start_timeout)
        except grpc.FutureTimeoutError as error:
            raise PackStartError(self._failure("did not accept connections")) from error
        self._stub = analyzer_pb2_grpc.AnalyzerStub(self._channel)

    def _read_port(self, process: subprocess.Popen[bytes]) -> int:
        """The port from the first line of stdout, as the engine reads it (pulumi/pulumi
        `pkg/resource/plugin/plugin.go`, `parsePort`): anything else there is a failed start.
        A pack that prints nothing within `port_timeout` is reported with its output so far."""
        lines: queue.Queue[bytes] = queue.Queue()
        stdout = process.stdout
        assert stdout is not None

        def pump() -> None:
            # Keep draining stdout for the life of the pack so it never blocks on a full pipe.
            for line in iter(stdout.readline, b""):
                lines.put(line)
            lines.put(b"")

        threading.Thread(target=pump, name="policy-pack-stdout", daemon=True).start()
        line = None
        waited = 0.0
        while line is None and waited < self.port_timeout:
            step = min(_PORT_NOTICE_AFTER, self.port_timeout - waited)
            try:
                line = lines.get(timeout=step)
            except queue.Empty:
                waited += step
                if waited < self.port_timeout:
                    print(
                        f"still waiting for policy pack {self.pack_dir} to print its port "
                        f"({waited:g} s)",
                        file=sys.stderr,
                    )
        if line is None:
            raise PackStartError(self._failure(f"printed no port within {self.port_timeout:g} s"))
        if not line:
            process.wait(timeout=10)
            raise PackStartError(self._failure(f"exited with status {process.returncode}"))
        text = line.decode(errors="replace").strip()
        if not text.isdigit():
            raise PackStartError(
                self._failure(f"printed {text!r} where the engine expects its port")
            )
        return int(text)

    def _failure(self, what: str) -> str:
        stderr = ""
        if self._stderr is not None:
            self._stderr.seek(0)
            stderr = _ANSI.sub("", self._stderr.read().decode(errors="replace")).strip()
        return f"policy pack {self.pack_dir} {what}" + (f":\n{stderr}" if stderr else "")

    def _configure(self) -> None:
        stub = self._require_stub()
        # The language host's policy proxy answers Handshake itself and forwards
        # ConfigureStack (pulumi/pulumi `sdk/policy_proxy.go`): the pack never sees Handshake.
        try:
            stub.ConfigureStack(
                analyzer_pb2.AnalyzerStackConfigureRequest(
                    stack=self.stack,
                    project=self.project,
                    organization=self.organization,
                    dry_run=self.dry_run,
                    config=self.stack_config,
                    config_secret_keys=self.secret_keys,
                    tags=self.stack_tags,
                )
            )
        except grpc.RpcError as error:
            self._unless_unimplemented(error)
        info = self._fetch_info()
        self._resolved = reconcile(info.policies, info.initial_config, self.policy_config)
        stub.Configure(
            analyzer_pb2.ConfigureAnalyzerRequest(
                policyConfig={
                    name: analyzer_pb2.PolicyConfig(
                        enforcementLevel=_level_value(resolved.enforcement),
                        properties=_struct(resolved.properties),
                    )
                    for name, resolved in self._resolved.items()
                }
            )
        )

    @staticmethod
    def _unless_unimplemented(error: grpc.RpcError) -> None:
        if error.code() != grpc.StatusCode.UNIMPLEMENTED:
            raise error

    def _evaluation_error(self, what: str, error: grpc.RpcError) -> PolicyEvaluationError:
        details = error.details() if isinstance(error, grpc.Call) else str(error)
        return PolicyEvaluationError(self._failure(f"failed on {what}: {details}"))

    def _fetch_info(self) -> AnalyzerInfo:
        response = self._require_stub().GetAnalyzerInfo(empty_pb2.Empty())
        policies = [
            PolicyInfo(
                name=p.name,
                description=p.description,
                enforcement=_level_name(p.enforcementLevel),
                kind="stack" if p.policy_type == analyzer_pb2.POLICY_TYPE_STACK else "resource",
                config_properties=json_format.MessageToDict(p.configSchema.properties),
                config_required=list(p.configSchema.required),
                severity=_severity_name(p.severity),
                fix=p.remediation_steps or None,
                url=p.url or None,
            )
            for p in response.policies
        ]
        initial: dict[str, Any] = {}
        for key, value in response.initialConfig.items():
            entry = json_format.MessageToDict(value.properties)
            entry["enforcementLevel"] = _level_name(value.enforcementLevel)
            initial[key] = entry
        self._info = AnalyzerInfo(
            name=response.name,
            version=response.version,
            policies=policies,
            initial_config=initial,
        )
        return self._info

    def stop(self) -> None:
        """Close the connection and stop the pack process (idempotent)."""
        if self._channel is not None:
            self._channel.close()
            self._channel = None
        self._stub = None
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if process is not None and process.stdout is not None:
            process.stdout.close()
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None

    # -- analysis --------------------------------------------------------------------------

    def _require_stub(self) -> analyzer_pb2_grpc.AnalyzerStub:
        if self._stub is None:
            raise RuntimeError("the policy pack is not running; use PolicyPackProcess as a context")
        return self._stub

    def info(self) -> AnalyzerInfo:
        """The pack's name, version and policies (with their configured enforcement levels)."""
        if self._info is None:
            raise RuntimeError("the policy pack is not running; use PolicyPackProcess as a context")
        policies = [
            PolicyInfo(
                **{
                    **p.__dict__,
                    "enforcement": self._resolved[p.name].enforcement
                    if p.name in self._resolved
                    else p.enforcement,
                }
            )
            for p in self._info.policies
        ]
        return AnalyzerInfo(**{**self._info.__dict__, "policies": policies})

    def _provider(
        self, resource: RegisteredResource
    ) -> analyzer_pb2.AnalyzerProviderResource | None:
        """The resource's provider with its inputs; None for components and the stack, whose
        state has no provider (pulumi/pulumi `analyzer_plugin.go`, `marshalProvider`)."""
        if not resource.custom or resource.type.startswith("pulumi:"):
            return None
        if resource.provider:
            urn = resource.provider.rsplit("::", 1)[0]
            explicit = self._providers.get(urn)
            if explicit is not None:
                return analyzer_pb2.AnalyzerProviderResource(
                    type=explicit.type,
                    name=explicit.name,
                    urn=explicit.urn,
                    properties=_struct(explicit.analyzed_inputs),
                )
        package = resource.type.split(":", 1)[0]
        if package not in self._default_providers:
            self._default_providers[package] = _default_provider(
                package, self.stack_config, self.project, self.stack
            )
        return self._default_providers[package]

    @staticmethod
    def _options(resource: RegisteredResource) -> analyzer_pb2.AnalyzerResourceOptions:
        """The options the engine forwards (`analyzer_plugin.go`, `marshalResourceOptions`)."""
        options = resource.options
        create, update, delete = options.custom_timeouts
        return analyzer_pb2.AnalyzerResourceOptions(
            protect=options.protect,
            ignoreChanges=list(options.ignore_changes),
            deleteBeforeReplace=options.delete_before_replace,
            deleteBeforeReplaceDefined=options.delete_before_replace_defined,
            additionalSecretOutputs=list(options.additional_secret_outputs),
            aliases=list(options.aliases),
            customTimeouts=analyzer_pb2.AnalyzerResourceOptions.CustomTimeouts(
                create=create, update=update, delete=delete
            ),
            parent=resource.parent or "",
        )

    def _violations(
        self, diagnostics: Iterable[analyzer_pb2.AnalyzeDiagnostic], default_urn: str | None
    ) -> list[Violation]:
        return [
            Violation(
                policy=d.policyName,
                pack=d.policyPackName,
                enforcement=_level_name(d.enforcementLevel),
                urn=d.urn or default_urn,
                message=d.message,
            )
            for d in diagnostics
        ]

    def _remember_providers(self, resources: Iterable[RegisteredResource]) -> None:
        for resource in resources:
            if resource.type.startswith("pulumi:providers:"):
                self._providers[resource.urn] = resource

    def analyze(self, resource: RegisteredResource) -> list[Violation]:
        """Violations of resource policies by one resource (its inputs, like a preview);
        PolicyEvaluationError when a policy fails."""
        return self.analyze_all([resource])

    def _analyze_request(self, resource: RegisteredResource) -> analyzer_pb2.AnalyzeRequest:
        return analyzer_pb2.AnalyzeRequest(
            urn=resource.urn,
            type=resource.type,
            name=resource.name,
            properties=_struct(resource.analyzed_inputs),
            options=self._options(resource),
            provider=self._provider(resource),
        )

    def remediate(self, resource: RegisteredResource) -> list[Remediation]:
        """What the pack's remediating policies (enforcement ``remediate``) would change in one
        resource: each policy's rewritten properties, in the order the engine applies them."""
        self._remember_providers([resource])
        try:
            response = self._require_stub().Remediate(self._analyze_request(resource))
        except grpc.RpcError as error:
            raise self._evaluation_error(f"Remediate of {resource.urn}", error) from error
        return [
            Remediation(
                policy=item.policyName,
                pack=item.policyPackName,
                urn=resource.urn,
                properties=plain(json_format.MessageToDict(item.properties)),
            )
            for item in response.remediations
            if item.HasField("properties")
        ]

    @property
    def remediating(self) -> bool:
        """Whether a policy is configured ``remediate`` (else Remediate changes nothing, and
        the engine's call of it on every resource is skipped)."""
        return any(r.enforcement == "remediate" for r in self._resolved.values())

    def remediate_all(
        self, resources: Sequence[RegisteredResource]
    ) -> tuple[list[RegisteredResource], list[Remediation]]:
        """Remediate before Analyze, as the engine does (pulumi/pulumi
        `step_generator.go`, `continueStepsFromImport`): each remediation replaces the
        resource's inputs, which Analyze then sees and the provider creates, so AnalyzeStack
        sees them in the outputs too. Returns the resources and what was remediated."""
        if not self.remediating:
            return list(resources), []
        remediated: list[RegisteredResource] = []
        done: list[Remediation] = []
        for resource in resources:
            changes = self.remediate(resource)
            if changes:
                inputs = changes[-1].properties
                outputs = {**resource.outputs, **inputs}
                resource = RegisteredResource(
                    **{**resource.__dict__, "checked": inputs, "outputs": outputs}
                )
                done.extend(changes)
            remediated.append(resource)
        return remediated, done

    def analyze_all(self, resources: Iterable[RegisteredResource]) -> list[Violation]:
        """Analyze every resource; violations come back in resource order.

        Up to ``ANALYZE_IN_FLIGHT`` requests are outstanding at once, as the engine also sends
        them while it registers resources: the pack evaluates one while the next is encoded.
        `resources` may be a stream (an `AnalyzeStream`), in registration order: a provider then
        arrives before the resources that name it, as the engine registers it first.
        """
        if isinstance(resources, Sequence):
            self._remember_providers(resources)
        stub = self._require_stub()
        in_flight: deque[tuple[RegisteredResource, grpc.Future]] = deque()
        violations: list[Violation] = []

        def collect() -> None:
            resource, future = in_flight.popleft()
            try:
                response = future.result()
            except grpc.RpcError as error:
                raise self._evaluation_error(f"Analyze of {resource.urn}", error) from error
            violations.extend(self._violations(response.diagnostics, resource.urn))

        try:
            for resource in resources:
                self._remember_providers((resource,))
                if len(in_flight) >= ANALYZE_IN_FLIGHT:
                    collect()
                in_flight.append((resource, stub.Analyze.future(self._analyze_request(resource))))
            while in_flight:
                collect()
        finally:
            for _, future in in_flight:
                future.cancel()
        return violations

    def analyze_stack(self, resources: Sequence[RegisteredResource]) -> list[Violation]:
        """Violations of stack policies, given every resource with parents and dependencies.
        A violation that names no resource has `urn=None`."""
        self._remember_providers(resources)
        request = analyzer_pb2.AnalyzeStackRequest(
            resources=[
                analyzer_pb2.AnalyzerResource(
                    urn=r.urn,
                    type=r.type,
                    name=r.name,
                    properties=_struct(r.outputs),
                    options=self._options(r),
                    provider=self._provider(r),
                    parent=r.parent or "",
                    dependencies=r.dependencies,
                    propertyDependencies={
                        key: analyzer_pb2.AnalyzerPropertyDependencies(urns=urns)
                        for key, urns in r.property_dependencies.items()
                        if urns
                    },
                )
                for r in resources
            ]
        )
        try:
            response = self._require_stub().AnalyzeStack(request)
        except grpc.RpcError as error:
            if error.code() == grpc.StatusCode.UNIMPLEMENTED:
                return []
            raise self._evaluation_error("AnalyzeStack", error) from error
        return self._violations(response.diagnostics, None)


class AnalyzeStream:
    """Analyze calls made while the program still registers resources, as the engine makes them:
    each registration is analyzed as soon as it is checked (pulumi/pulumi `step_generator.go`,
    `continueStepsFromImport`), not after the whole program has run.

    `add` takes each resource as it is recorded (in registration order); a thread sends them to
    the pack once its start (`started`) has finished. After `close`, `result` returns the
    violations in that order, exactly as `analyze_all` over the run's resources would. When the
    pack has a remediating policy, Remediate must run before Analyze on each resource: the stream
    then sends nothing and `result` is None (the caller remediates and analyzes after the run, as
    without a stream); so it is when the start failed (the caller's wait on `started` raises).
    """

    _END = object()

    def __init__(self, pack: PolicyPackProcess, started: Future[None]) -> None:
        self._pack = pack
        self._started = started
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._closed = False
        self._abandoned = False
        self._violations: list[Violation] | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="policy-pack-analyze", daemon=True)
        self._thread.start()

    def add(self, resource: RegisteredResource) -> None:
        self._queue.put(resource)

    def close(self) -> None:
        """No more resources (the program has ended)."""
        if not self._closed:
            self._closed = True
            self._queue.put(self._END)

    def _resources(self) -> Iterator[RegisteredResource]:
        while (item := self._queue.get()) is not self._END and not self._abandoned:
            yield item

    def _run(self) -> None:
        try:
            self._started.result()
        except BaseException:  # the caller raises it from `started`
            return
        if self._pack.remediating:
            return
        try:
            self._violations = self._pack.analyze_all(self._resources())
        except BaseException as error:  # raised by `result`, in the caller
            self._error = error

    def result(self) -> list[Violation] | None:
        """Every resource's violations (None when the stream could not analyze, see the class);
        PolicyEvaluationError when a policy failed."""
        self.close()
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._violations

    def abandon(self) -> None:
        """Stop, without sending what is left (the preview failed); the results are dropped."""
        self._abandoned = True
        self.close()
        self._thread.join()
