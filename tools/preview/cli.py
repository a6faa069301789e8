"""`python -m tools.preview`: preview a Pulumi program offline and check it with a policy pack."""

from __future__ import annotations

import argparse
import contextlib
import importlib.metadata
import sys
import traceback
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pulumi

from tools.preview.analyzer import (
    AnalyzeStream,
    PackStartError,
    PolicyEvaluationError,
    PolicyPackProcess,
    Remediation,
    Violation,
)
from tools.preview.guidance import Guidance, pack_guidance
from tools.preview.invokes import UnknownInvokeError
from tools.preview.policy_config import PolicyConfigError, load_policy_config
from tools.preview.program import (
    ProgramRun,
    RegisteredResource,
    TransformsNotSupportedError,
    run_program_dir,
)
from tools.preview.progress import Progress
from tools.preview.project import Project, ProjectError, load_project
from tools.preview.provider_check import CheckFailure
from tools.preview.report import PreviewResult, write_human, write_json

EXIT_OK, EXIT_MANDATORY, EXIT_FAILED = 0, 1, 2
PHASES = {"preview": ("preview",), "update": ("update",), "both": ("preview", "update")}
_OWN_DIR = Path(__file__).resolve().parent


class PreviewFailed(Exception):
    """The program, its config or the pack failed; the message names the cause and the file."""


@dataclass(frozen=True, kw_only=True)
class Options:
    """Parsed command line."""

    program: Path
    stack: str
    policy_pack: Path | None
    policy_pack_given: bool
    policy_config: Path | None
    json: bool
    no_policy_pack: bool = False
    phase: str = "preview"


DEFAULT_PACK = Path("policies")
# The distribution that ships the platform pack (pyproject.toml `name`).
DISTRIBUTION = "aws-platform-components"
_EPILOG = f"""\
exit status:
  {EXIT_OK}  no mandatory policy violation
  {EXIT_MANDATORY}  mandatory policy violations
  {EXIT_FAILED}  the program, its config or the policy pack failed, or no policy pack was found
     (the message names the cause and the file)

Progress goes to stderr (a status line on a terminal, a few plain lines otherwise); stdout
carries only the report, or with --json exactly one JSON document.
"""


def _parse(argv: Sequence[str]) -> Options:
    parser = argparse.ArgumentParser(
        prog="python -m tools.preview",
        description="Run a Pulumi Python program under mocks and evaluate a policy pack on it, "
        "without a Pulumi CLI or AWS account.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--program",
        type=Path,
        default=Path.cwd(),
        help="program folder, with Pulumi.yaml and __main__.py (default: the current folder)",
    )
    parser.add_argument(
        "--stack", default="dev", help="stack name, read from Pulumi.<stack>.yaml (default: dev)"
    )
    packs = parser.add_mutually_exclusive_group()
    packs.add_argument(
        "--policy-pack",
        type=Path,
        help=f"policy pack folder (default: {DEFAULT_PACK}/ in the current folder, else the "
        "platform pack installed with aws-platform-components[policy-pack])",
    )
    packs.add_argument(
        "--no-policy-pack",
        action="store_true",
        help="run no policy pack: only list the resources (without it, a missing pack exits 2)",
    )
    parser.add_argument(
        "--policy-config",
        type=Path,
        help="policy config JSON file (default: <pack>/config/<stack>.json when it exists)",
    )
    parser.add_argument(
        "--json", action="store_true", help="print one JSON document instead of the report"
    )
    parser.add_argument(
        "--phase",
        choices=sorted(PHASES),
        default="preview",
        help="preview: like a first `pulumi preview` of a new stack (values the provider "
        "computes are unknown; the default); update: like `pulumi up` (known values); "
        "both: run both and say in which phase each violation fires",
    )
    args = parser.parse_args(list(argv))
    default_pack = Path.cwd() / DEFAULT_PACK
    return Options(
        program=args.program,
        stack=args.stack,
        policy_pack=args.policy_pack
        or (default_pack if default_pack.is_dir() else _installed_pack()),
        policy_pack_given=args.policy_pack is not None,
        policy_config=args.policy_config,
        json=args.json,
        no_policy_pack=args.no_policy_pack,
        phase=args.phase,
    )


def _installed_pack() -> Path | None:
    """The pack installed with the package (`aws-platform-components[policy-pack]`), if any.

    Only a pack that the installed distribution ships counts (a `policies` folder that merely
    happens to be importable, such as a checkout on PYTHONPATH, does not). It is only located,
    never imported: the pack runs in its own process like any other.
    """
    try:
        dist = importlib.metadata.distribution(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        return None
    manifest = Path(str(dist.locate_file("policies/PulumiPolicy.yaml")))
    return manifest.parent if manifest.is_file() else None


def _program_location(error: BaseException, program_dir: Path) -> str:
    """`file:line` of the innermost frame in the program's own code (not the SDK, not us)."""
    frames = list(traceback.extract_tb(error.__traceback__))
    if error.__cause__ is not None:
        frames = list(traceback.extract_tb(error.__cause__.__traceback__)) + frames

    def own(filename: str) -> bool:
        path = Path(filename).resolve()
        return (
            path.is_relative_to(program_dir)
            and not path.is_relative_to(_OWN_DIR)
            and "site-packages" not in path.parts
        )

    mine = [f for f in frames if own(f.filename)]
    if not mine:
        return "outside the program's own files"
    frame = mine[-1]
    return f"{frame.filename}:{frame.lineno}"


def _run_program(
    project: Project,
    stack: str,
    config_source: Path,
    progress: Progress,
    *,
    preview: bool = True,
    on_record: Callable[[RegisteredResource], None] | None = None,
) -> ProgramRun:
    phase = "preview" if preview else "update"
    try:
        # The program's prints must not mix with the report (or the JSON document) on stdout.
        with (
            progress.step(f"running {project.main} for stack {stack} ({phase} phase)"),
            contextlib.redirect_stdout(sys.stderr),
        ):
            run = run_program_dir(project.directory, stack, preview=preview, on_record=on_record)
    except (pulumi.ConfigTypeError, pulumi.ConfigMissingError) as error:
        where = _program_location(error, project.directory)
        raise PreviewFailed(
            f"config error: {error} (config file {config_source}; read at {where})"
        ) from error
    except (TransformsNotSupportedError, UnknownInvokeError, CheckFailure) as error:
        where = _program_location(error, project.directory)
        raise PreviewFailed(f"{error} (at {where})") from error
    except Exception as error:
        where = _program_location(error, project.directory)
        raise PreviewFailed(
            f"the program {project.main} failed at {where}: {type(error).__name__}: {error}"
        ) from error
    return run


def _policy_config(options: Options) -> tuple[dict[str, Any], Path | None]:
    if options.policy_config is not None:
        return load_policy_config(options.policy_config), options.policy_config
    if options.policy_pack is not None:
        per_stack = options.policy_pack / "config" / f"{options.stack}.json"
        if per_stack.is_file():
            print(f"using policy config {per_stack}", file=sys.stderr)
            return load_policy_config(per_stack), per_stack
    return {}, None


def preview(options: Options, progress: Progress | None = None) -> PreviewResult:
    """Run the program and the pack; PreviewFailed/ProjectError/... on failure.

    The pack starts in the background while the program runs: its process uses the other core,
    and the engine's own setup calls (ConfigureStack, Configure) wait on I/O. Once it has
    started, each resource is analyzed as the program registers it, as the engine does
    (`AnalyzeStream`); AnalyzeStack waits for the end of the program, as in the engine.
    """
    progress = progress or Progress()
    if options.policy_pack_given and (
        options.policy_pack is None or not options.policy_pack.is_dir()
    ):
        raise PreviewFailed(f"policy pack folder {options.policy_pack} does not exist")
    if options.policy_pack is None and not options.no_policy_pack:
        raise PreviewFailed(
            f"no policy pack: there is no {Path.cwd() / DEFAULT_PACK} folder (the default) and no "
            "installed platform pack; "
            "pass --policy-pack DIR, or --no-policy-pack to only list the resources"
        )
    project = load_project(options.program)
    config = project.stack_config(options.stack)
    phases = PHASES[options.phase]
    if options.no_policy_pack or options.policy_pack is None:
        run = _run_program(
            project, options.stack, config.source, progress, preview=phases[0] == "preview"
        )
        return _result(run, [], [], phases)
    policy_config, config_file = _policy_config(options)
    pack = PolicyPackProcess(
        options.policy_pack,
        policy_config,
        project=project.name,
        stack=options.stack,
        stack_config=config.values,
        secret_keys=config.secret_keys,
        stack_tags=project.stack_tags,
        dry_run=phases[0] == "preview",
        installed=options.policy_pack == _installed_pack(),
    )
    # Exits run in reverse: wait for the start to finish, then stop the pack (always).
    with contextlib.ExitStack() as cleanup, ThreadPoolExecutor(max_workers=1) as background:
        cleanup.callback(pack.stop)
        started = background.submit(pack.start)
        runs: list[ProgramRun] = []
        streams: list[AnalyzeStream] = []
        for phase in phases:
            stream = AnalyzeStream(pack, started)
            streams.append(stream)
            cleanup.callback(stream.abandon)  # before pack.stop; a no-op once it has its result
            runs.append(
                _run_program(
                    project,
                    options.stack,
                    config.source,
                    progress,
                    preview=phase == "preview",
                    on_record=stream.add,
                )
            )
            stream.close()
        try:
            with progress.step(f"starting the policy pack {options.policy_pack}"):
                started.result()
        except PolicyConfigError as error:
            source = config_file or options.policy_pack / "PulumiPolicy.yaml"
            raise PreviewFailed(f"policy config {source}: {error}") from error
        found: list[list[Violation]] = []
        remediations: list[Remediation] = []
        for phase, run, stream in zip(phases, runs, streams, strict=True):
            resources, remediated = pack.remediate_all(run.analyzed)
            remediations = remediations or remediated
            found.append(_analyze(pack, resources, phase, progress, stream))
        guidance = pack_guidance(pack.info(), options.policy_pack)
    return _result(runs[0], _merge_phases(phases, found), remediations, phases, guidance)


def _analyze(
    pack: PolicyPackProcess,
    resources: list[RegisteredResource],
    phase: str,
    progress: Progress,
    stream: AnalyzeStream | None = None,
) -> list[Violation]:
    """Analyze (what `stream` analyzed while the program ran, else every resource now), then
    AnalyzeStack. In an update the engine stops at a mandatory Analyze finding, so AnalyzeStack
    never runs (pulumi/pulumi `step_generator.go`)."""
    with progress.step(f"Analyze ({phase} phase): {len(resources)} resources"):
        streamed = stream.result() if stream is not None else None
        violations = streamed if streamed is not None else pack.analyze_all(resources)
    if phase == "update" and any(v.enforcement == "mandatory" for v in violations):
        print(
            "update: a mandatory violation stops the update before the stack policies run",
            file=sys.stderr,
        )
        return violations
    with progress.step(f"AnalyzeStack ({phase} phase): the whole stack"):
        return violations + pack.analyze_stack(resources)


def _merge_phases(phases: Sequence[str], found: Sequence[list[Violation]]) -> list[Violation]:
    """Each violation once, with the phase it fires in (`both` when in each of two)."""
    where: dict[tuple[str, str, str, str | None, str], list[str]] = {}
    first: list[Violation] = []
    for phase, violations in zip(phases, found, strict=True):
        for violation in violations:
            key = (v := violation).policy, v.pack, v.enforcement, v.urn, v.message
            if key not in where:
                where[key] = []
                first.append(violation)
            if phase not in where[key]:
                where[key].append(phase)
    merged = []
    for v in first:
        fired = where[(v.policy, v.pack, v.enforcement, v.urn, v.message)]
        merged.append(replace(v, phase="both" if len(fired) == len(phases) > 1 else fired[0]))
    return merged


def _result(
    run: ProgramRun,
    violations: list[Violation],
    remediations: list[Remediation],
    phases: Sequence[str],
    guidance: dict[tuple[str, str], Guidance] | None = None,
) -> PreviewResult:
    return PreviewResult(
        project=run.project,
        stack=run.stack,
        resources=run.resources,
        violations=violations,
        outputs=run.stack_outputs,
        guidance=guidance or {},
        remediations=remediations,
        phases=phases,
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit status (0 clean, 1 mandatory violations, 2 failure)."""
    options = _parse(sys.argv[1:] if argv is None else argv)
    try:
        result = preview(options)
    except (
        PreviewFailed,
        ProjectError,
        PackStartError,
        PolicyEvaluationError,
        PolicyConfigError,
    ) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_FAILED
    if options.json:
        write_json(result, sys.stdout)
    else:
        write_human(result, sys.stdout)
    return EXIT_MANDATORY if result.mandatory_count else EXIT_OK
