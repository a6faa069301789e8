"""The tracking API (FargateService) and the reconciliation workers (GoldenAmiAsg), on the
stack's network, both reading the shipment events table and nothing else."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

from components import (
    DataTable,
    FargateService,
    FargateServiceArgs,
    GoldenAmiAsg,
    GoldenAmiAsgArgs,
    Network,
    PlatformContext,
    Severity,
    Statement,
    Tier,
)
from environments.workload_settings import WorkloadSettings

__all__ = ["Services", "build_services"]

TRACKING_API_PORT = 8080
TRACKING_API_HEALTH_PATH = "/health"  # the target group's health check, and `tools.ops smoke`'s
# Graviton workers, two instance families each so a capacity shortage of one type does not
# stop a scale-out (Security Hub AutoScaling.6); dev runs smaller sizes, on Spot above its
# on-demand base (the tier default).
WORKER_INSTANCE_TYPES: dict[Tier, tuple[str, ...]] = {
    Tier.DEV: ("t4g.small", "t4g.medium"),
    Tier.STAGING: ("m7g.large", "m6g.large"),
    Tier.PROD: ("m7g.large", "m6g.large"),
}


@dataclass(frozen=True)
class Services:
    """The network and the two long-running services, for outputs."""

    network: Network
    tracking_api: FargateService
    reconciliation: GoldenAmiAsg


def _read_events(events_table: DataTable) -> list[Statement]:
    """Read-only access to the shipment events table and the key that encrypts it."""
    return [
        Statement(
            ["dynamodb:GetItem", "dynamodb:Query"],
            [events_table.table_arn],
            sid="ReadShipmentEvents",
        ),
        Statement(["kms:Decrypt"], [events_table.kms_key_arn], sid="DecryptShipmentEvents"),
    ]


def build_services(
    context: PlatformContext, workloads: WorkloadSettings, events_table: DataTable
) -> Services:
    """Compose the network, the tracking API and the reconciliation workers."""
    network = Network("platform", context)
    tracking_api = FargateService(
        "tracking-api",
        context,
        FargateServiceArgs(
            image=workloads.tracking_api_image,
            container_port=TRACKING_API_PORT,
            health_check_path=TRACKING_API_HEALTH_PATH,
            vpc_id=network.vpc_id,
            vpc_cidr=network.vpc_cidr,
            private_subnet_ids=network.private_subnet_ids,
            public_subnet_ids=network.public_subnet_ids,
            certificate_arn=workloads.certificate_arn,
            allowed_ingress_cidrs=list(workloads.allowed_ingress_cidrs),
            access_logs_bucket=workloads.alb_access_logs_bucket,
            access_logs_prefix=f"{context.name_prefix}/tracking-api",
            environment={"EVENTS_TABLE_NAME": events_table.table_name},
            task_statements=_read_events(events_table),
        ),
    )
    reconciliation = GoldenAmiAsg(
        "reconciliation",
        context,
        GoldenAmiAsgArgs(
            vpc_id=network.vpc_id,
            subnet_ids=network.private_subnet_ids,
            ami_parameter_name=workloads.golden_ami_parameter,
            pinned_ami_id=workloads.pinned_ami_id,
            instance_types=WORKER_INSTANCE_TYPES[context.environment],
            statements=_read_events(events_table),
            # Launches and terminations are routine (P4); a failed launch that matters also
            # trips the group's in-service alarm.
            notification_topic_arn=context.alarm_topic_arns[Severity.P4],
        ),
        opts=pulumi.ResourceOptions(depends_on=[network]),
    )
    return Services(network=network, tracking_api=tracking_api, reconciliation=reconciliation)
