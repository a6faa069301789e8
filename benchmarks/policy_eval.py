"""Policy evaluation throughput: the pack over the Analyzer gRPC protocol (its own process, as the
engine runs it) against the same policy objects called in this process.

In-process, each rule's pulumi_policy object (``Rule.to_policy()``, what the pack serves) gets
``ResourceValidationArgs``/``StackValidationArgs`` built from pulumi_policy's public types, with
the pack's conversion cache on, so both paths convert a resource's properties once (in-process
no provider is passed; over gRPC the default provider goes with every resource). The
difference is the price of the protocol: protobuf Structs both ways, the servicer's
deserialisation and proxies, and one round trip per resource.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
from collections.abc import Callable, Sequence
from typing import Any

from benchmarks import isolated, synthetic_program
from benchmarks.timing import Samples, timed
from benchmarks.timing import repeat as repeat_timed

PACK_DIR = synthetic_program.REPO_ROOT / "policies"
TOP = 10


def _policies() -> tuple[list[Any], list[Any]]:
    """The pack's resource and stack policy objects, built in this process."""
    from pulumi_policy import ResourceValidationPolicy, StackValidationPolicy

    from policies.lib.convert import install_conversion_cache
    from policies.rules import all_rules

    install_conversion_cache()
    policies = [rule.to_policy() for rule in all_rules()]
    return (
        [p for p in policies if isinstance(p, ResourceValidationPolicy)],
        [p for p in policies if isinstance(p, StackValidationPolicy)],
    )


def _options(parent: str | None) -> Any:
    from pulumi_policy import PolicyCustomTimeouts, PolicyResourceOptions

    return PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0), [], parent)


def in_process_resources(policies: Sequence[Any], resources: Sequence[Any]) -> int:
    """Validate every resource (its inputs) with every resource policy; return violations."""
    from pulumi_policy import ResourceValidationArgs

    found: list[str] = []

    def report(message: str, urn: str | None = None) -> None:
        found.append(message)

    for resource in resources:
        props = dict(resource.inputs)  # a fresh bag per resource, converted once (the cache)
        options = _options(resource.parent)
        for policy in policies:
            args = ResourceValidationArgs(
                resource.type, props, resource.urn, resource.name, options, None
            )
            policy.validate(args, report)
    return len(found)


def in_process_stack(policies: Sequence[Any], resources: Sequence[Any]) -> int:
    """Validate the whole stack (outputs, parents, dependencies) with every stack policy."""
    from pulumi_policy import PolicyResource, StackValidationArgs

    found: list[str] = []

    def report(message: str, urn: str | None = None) -> None:
        found.append(message)

    bags = {r.urn: dict(r.outputs) for r in resources}  # converted once per call, as the pack
    for policy in policies:  # the servicer links the resources anew for each stack policy
        views = {
            r.urn: PolicyResource(
                r.type, bags[r.urn], r.urn, r.name, _options(r.parent), None, None, [], {}
            )
            for r in resources
        }
        for r in resources:
            view = views[r.urn]
            view.parent = views.get(r.parent) if r.parent else None
            view.dependencies = [views[d] for d in r.dependencies if d in views]
            view.property_dependencies = {
                key: [views[d] for d in urns if d in views]
                for key, urns in r.property_dependencies.items()
            }
        policy.validate(StackValidationArgs(list(views.values())), report)
    return len(found)


def top_cumulative(profile: cProfile.Profile, limit: int = TOP) -> list[dict[str, Any]]:
    """The `limit` functions with the most cumulative time, the benchmark's own frames left out."""
    stats = pstats.Stats(profile)
    rows = []
    for func, (_cc, calls, own, cumulative, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        filename, line, name = func
        if "/benchmarks/" in filename or name in {"<lambda>", "timed"}:
            continue
        rows.append(
            {
                "function": f"{_short(filename)}:{line}({name})",
                "calls": calls,
                "own_s": round(own, 4),
                "cumulative_s": round(cumulative, 4),
            }
        )
    rows.sort(key=lambda row: row["cumulative_s"], reverse=True)
    return rows[:limit]


def _short(filename: str) -> str:
    for marker in ("site-packages/", str(synthetic_program.REPO_ROOT) + "/", "lib/python3."):
        if marker in filename:
            return filename.split(marker, 1)[1]
    return filename


def _profiled(action: Callable[[], Any]) -> list[dict[str, Any]]:
    profile = cProfile.Profile()
    profile.runcall(action)
    return top_cumulative(profile)


def measure(n: int, kinds: Sequence[str], repeat: int) -> dict[str, Any]:
    """Resources per second both ways over one synthetic program of ``n`` components."""
    from tools.preview.analyzer import PolicyPackProcess
    from tools.preview.program import run_in_mocks

    run = run_in_mocks(synthetic_program.program(n, kinds))
    resources = run.resources
    resource_policies, stack_policies = _policies()

    grpc_resources: list[float] = []
    grpc_stack: list[float] = []
    with PolicyPackProcess(PACK_DIR) as pack:
        for _ in range(repeat):
            grpc_resources.append(timed(lambda: pack.analyze_all(resources))[0])
            grpc_stack.append(timed(lambda: pack.analyze_stack(resources))[0])
        grpc_profile = _profiled(
            lambda: (pack.analyze_all(resources), pack.analyze_stack(resources))
        )
    local_resources = repeat_timed(
        lambda: in_process_resources(resource_policies, resources), repeat
    )
    local_stack = repeat_timed(lambda: in_process_stack(stack_policies, resources), repeat)
    local_profile = _profiled(
        lambda: (
            in_process_resources(resource_policies, resources),
            in_process_stack(stack_policies, resources),
        )
    )
    remote_resources, remote_stack = Samples.of(grpc_resources), Samples.of(grpc_stack)
    count = len(resources)
    return {
        "n": n,
        "resources": count,
        "resource_policies": len(resource_policies),
        "stack_policies": len(stack_policies),
        "repeat": repeat,
        "grpc_analyze": remote_resources.to_json(),
        "grpc_analyze_stack": remote_stack.to_json(),
        "in_process_analyze": local_resources.to_json(),
        "in_process_analyze_stack": local_stack.to_json(),
        "grpc_resources_per_s": round(count / remote_resources.min, 1),
        "in_process_resources_per_s": round(count / local_resources.min, 1),
        "protocol_price_ratio": round(remote_resources.min / local_resources.min, 3),
        "protocol_ms_per_resource": round(
            1000 * (remote_resources.min - local_resources.min) / count, 4
        ),
        "stack_protocol_price_ratio": round(remote_stack.min / local_stack.min, 3),
        "profile_grpc_client_top10": grpc_profile,
        "profile_in_process_top10": local_profile,
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=50, help="component instances")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--kinds", required=True, help="comma-separated component kinds")
    parser.add_argument("--output", required=True, help="file to write the JSON result to")
    args = parser.parse_args(argv)
    isolated.write_json(args.output, measure(args.n, args.kinds.split(","), args.repeat))


if __name__ == "__main__":
    main()
