"""Measure the pack's throughput over gRPC, with and without the per-request conversion cache.

``python -m benchmarks.pack_throughput [--copies N]`` runs a synthetic event-driven stack
(queues, DLQs, functions, mappings, alarms, topics) under the offline preview's mocks, starts the
pack twice (``AWS_PLATFORM_POLICY_CACHE=0`` then ``1``), and prints policy evaluations per second
for Analyze (every resource) and AnalyzeStack. Run by hand (``make bench`` does not run it); it
lives outside ``policies/`` because it drives the pack through ``tools.preview``, which the pack
never imports.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

PACK_DIR = Path(__file__).resolve().parents[1] / "policies"


def _program(copies: int) -> None:
    import pulumi_aws as aws

    tags = {"Environment": "dev", "Project": "bench", "Owner": "o", "CostCenter": "c",
            "DataClassification": "internal", "ManagedBy": "pulumi"}  # fmt: skip
    topic = aws.sns.Topic("alerts", tags=tags)
    for i in range(copies):
        dlq = aws.sqs.Queue(f"dlq{i}", message_retention_seconds=1209600, tags=tags)
        queue = aws.sqs.Queue(
            f"q{i}",
            visibility_timeout_seconds=180,
            redrive_policy=dlq.arn.apply(
                lambda arn: json.dumps({"deadLetterTargetArn": arn, "maxReceiveCount": 3})
            ),
            tags=tags,
        )
        fn = aws.lambda_.Function(
            f"fn{i}", runtime="python3.13", handler="h.handler", role="arn:aws:iam::1:role/r",
            code=None, timeout=30, memory_size=256, tags=tags,
        )  # fmt: skip
        aws.lambda_.EventSourceMapping(
            f"esm{i}", event_source_arn=queue.arn, function_name=fn.name, batch_size=10
        )
        aws.cloudwatch.MetricAlarm(
            f"alarm{i}", comparison_operator="GreaterThanThreshold", evaluation_periods=1,
            metric_name="Errors", namespace="AWS/Lambda", period=60, statistic="Sum",
            threshold=0, dimensions={"FunctionName": fn.name}, alarm_actions=[topic.arn],
            tags=tags,
        )  # fmt: skip


def _measure(resources: list, cache: bool, rounds: int) -> dict[str, float]:
    from tools.preview.analyzer import PolicyPackProcess

    os.environ["AWS_PLATFORM_POLICY_CACHE"] = "1" if cache else "0"
    with PolicyPackProcess(PACK_DIR) as pack:
        info = pack.info()
        resource_policies = sum(1 for p in info.policies if p.kind == "resource")
        stack_policies = len(info.policies) - resource_policies
        pack.analyze_all(resources)  # warm up imports and caches
        start = time.perf_counter()
        for _ in range(rounds):
            pack.analyze_all(resources)
        analyze = time.perf_counter() - start
        start = time.perf_counter()
        for _ in range(rounds):
            pack.analyze_stack(resources)
        stack = time.perf_counter() - start
    return {
        "analyze_evaluations_per_s": rounds * len(resources) * resource_policies / analyze,
        "analyze_resources_per_s": rounds * len(resources) / analyze,
        "stack_requests_per_s": rounds / stack,
        "stack_policies": stack_policies,
    }


def main(argv: list[str] | None = None) -> int:
    from tools.preview.program import run_in_mocks

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--copies", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    run = run_in_mocks(lambda: _program(args.copies))
    resources = [r for r in run.resources if r.custom]
    print(f"{len(resources)} resources, {args.rounds} rounds")
    for cache in (False, True):
        result = _measure(resources, cache, args.rounds)
        print(("cache on " if cache else "cache off"), json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
