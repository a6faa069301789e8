"""Synthetic Pulumi programs of N component instances, a round-robin mix of every component kind
that exists in ``components/`` when the benchmark runs.

Each kind is a small builder with realistic arguments. A kind whose module or class is missing,
or whose builder no longer matches the component's arguments, is reported by `probe` with the
reason and left out of the mix, so the benchmark runs on whatever part of the library is built.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
HANDLERS_DIR = REPO_ROOT / "handlers"
ACCOUNT = "123456789012"
REGION = "us-east-1"

Builder = Callable[[str, Any, Any], None]
"""``build(name, context, module)`` registers one component instance."""


@dataclass(frozen=True)
class ComponentKind:
    """One component type the synthetic program can instantiate."""

    name: str
    module: str
    build: Builder

    def load(self) -> Any:
        """The component's module; ImportError/AttributeError when it is not (fully) there."""
        module = importlib.import_module(self.module)
        getattr(module, self.name)
        return module


def _queue_with_dead_letter(name: str, context: Any, m: Any) -> None:
    m.QueueWithDeadLetter(name, context, m.QueueWithDeadLetterArgs(visibility_timeout_seconds=60))


def _alarmed_function(name: str, context: Any, m: Any) -> None:
    from components.core.iam import Statement

    table_arn = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{name}-events"
    m.AlarmedFunction(
        name,
        context,
        m.AlarmedFunctionArgs(
            handler="shipment_events.handler",
            code_path=str(HANDLERS_DIR),
            environment={"EVENTS_TABLE_NAME": f"{name}-events"},
            statements=[Statement(actions=["dynamodb:PutItem"], resources=[table_arn])],
        ),
    )


def _idempotent_queue_consumer(name: str, context: Any, m: Any) -> None:
    m.IdempotentQueueConsumer(
        name,
        context,
        m.IdempotentQueueConsumerArgs(
            handler="shipment_events.handler", code_path=str(HANDLERS_DIR)
        ),
    )


def _fan_out_topic(name: str, context: Any, m: Any) -> None:
    m.FanOutTopic(
        name,
        context,
        m.FanOutTopicArgs(
            subscribers=[
                m.SubscriberSpec(name="billing", filter_policy={"eventType": ["order_placed"]}),
                m.SubscriberSpec(name="audit"),
            ],
            publishers=[m.Publisher(principal=ACCOUNT)],
        ),
    )


def _archived_event_bus(name: str, context: Any, m: Any) -> None:
    m.ArchivedEventBus(
        name,
        context,
        m.ArchivedEventBusArgs(
            rules=[
                m.RuleSpec(
                    name="delivered",
                    event_pattern={"source": ["shipments"], "detail-type": ["delivered"]},
                    managed_queues=[m.ManagedQueueTarget(name="tracking")],
                )
            ]
        ),
    )


def _data_table(name: str, context: Any, m: Any) -> None:
    m.DataTable(
        name,
        context,
        m.DataTableArgs(
            partition_key=m.KeyAttribute(name="shipment_id"),
            sort_key=m.KeyAttribute(name="event_timestamp"),
            ttl_attribute="expires_at",
        ),
    )


VPC_ID = "vpc-0a1b2c3d4e5f60718"
VPC_CIDR = "10.0.0.0/16"
PRIVATE_SUBNETS = ("subnet-0a1b2c3d4e5f60711", "subnet-0a1b2c3d4e5f60712")


def _network(name: str, context: Any, m: Any) -> None:
    m.Network(name, context, m.NetworkArgs(cidr_block=VPC_CIDR))


def _fargate_service(name: str, context: Any, m: Any) -> None:
    m.FargateService(
        name,
        context,
        m.FargateServiceArgs(
            image=f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/tracking-api:1.4.2",
            vpc_id=VPC_ID,
            vpc_cidr=VPC_CIDR,
            private_subnet_ids=list(PRIVATE_SUBNETS),
            certificate_arn=f"arn:aws:acm:{REGION}:{ACCOUNT}:certificate/{name}",
        ),
    )


def _golden_ami_asg(name: str, context: Any, m: Any) -> None:
    m.GoldenAmiAsg(
        name,
        context,
        m.GoldenAmiAsgArgs(
            vpc_id=VPC_ID,
            subnet_ids=list(PRIVATE_SUBNETS),
            ami_parameter_name="/platform/golden-ami/al2023/arm64/latest",
        ),
    )


KINDS: tuple[ComponentKind, ...] = (
    ComponentKind(
        "QueueWithDeadLetter",
        "components.messaging.queue_with_dead_letter",
        _queue_with_dead_letter,
    ),
    ComponentKind("AlarmedFunction", "components.compute.alarmed_function", _alarmed_function),
    ComponentKind(
        "IdempotentQueueConsumer",
        "components.messaging.idempotent_queue_consumer",
        _idempotent_queue_consumer,
    ),
    ComponentKind("FanOutTopic", "components.messaging.fan_out_topic", _fan_out_topic),
    ComponentKind("ArchivedEventBus", "components.events.archived_event_bus", _archived_event_bus),
    ComponentKind("DataTable", "components.data.data_table", _data_table),
    ComponentKind("FargateService", "components.containers.fargate_service", _fargate_service),
    ComponentKind("GoldenAmiAsg", "components.compute.golden_ami_asg", _golden_ami_asg),
    ComponentKind("Network", "components.network.vpc", _network),
)
"""Every kind the benchmark can build."""


def kind(name: str) -> ComponentKind:
    return next(k for k in KINDS if k.name == name)


def program(n: int, kinds: Sequence[str]) -> Callable[[], None]:
    """A Pulumi program registering `n` instances, cycling through `kinds` (by name)."""
    if n < 1 or not kinds:
        raise ValueError("a synthetic program needs n >= 1 and at least one component kind")
    chosen = [kind(name) for name in kinds]

    def run() -> None:
        from components.core.context import PlatformContext

        context = PlatformContext.for_tests("dev")
        modules = [k.load() for k in chosen]
        for index in range(n):
            slot = index % len(chosen)
            chosen[slot].build(f"c{index:04d}", context, modules[slot])

    return run


def probe() -> tuple[list[str], dict[str, str]]:
    """Which kinds build under the mocks (one instance each), and why the others were skipped."""
    from tools.preview.program import run_in_mocks

    used: list[str] = []
    skipped: dict[str, str] = {}
    for candidate in KINDS:
        try:
            candidate.load()
        except (ImportError, AttributeError) as error:
            skipped[candidate.name] = f"not importable: {error}"
            continue
        try:
            run_in_mocks(program(1, [candidate.name]))
        except Exception as error:  # the builder or the component failed: report, don't stop
            skipped[candidate.name] = f"failed to build: {type(error).__name__}: {error}"[:300]
            continue
        used.append(candidate.name)
    return used, skipped
