"""The reference platform of one stack: alarm topics, workloads, dashboards and outputs."""

from __future__ import annotations

from typing import Any

import pulumi

from components import (
    AlarmTopics,
    AlarmTopicsArgs,
    CompositeAlarmSpec,
    PlatformContext,
    Severity,
    autoscaling_service_linked_role,
    create_composite_alarm,
)
from environments.dashboards import workload_dashboard
from environments.orders import OrderFanOut, build_order_fan_out
from environments.services import TRACKING_API_HEALTH_PATH, Services, build_services
from environments.shipments import ShipmentEvents, build_shipment_events
from environments.workload_settings import WORKLOAD_KEYS, WorkloadSettings, parse_workload_settings

__all__ = ["build_platform"]


def _dashboard_url(region: str, name: pulumi.Output[str]) -> pulumi.Output[str]:
    return name.apply(
        lambda n: (
            f"https://{region}.console.aws.amazon.com/cloudwatch/home"
            f"?region={region}#dashboards:name={n}"
        )
    )


def _workload_alarm(
    name: str, context: PlatformContext, alarm_names: list[pulumi.Output[str]]
) -> None:
    """A composite alarm that fires when any of the workload's consumers is unhealthy."""
    rule = pulumi.Output.all(*alarm_names).apply(
        lambda names: " OR ".join(f'ALARM("{n}")' for n in names)
    )
    create_composite_alarm(
        f"{name}-unhealthy",
        context,
        CompositeAlarmSpec(
            alarm_rule=rule,
            severity=Severity.P2,
            runbook_page="consumer",
            runbook_anchor="unhealthy",
            description=f"{name}: at least one consumer of the workload is unhealthy.",
        ),
    )


def _shipment_outputs(region: str, shipments: ShipmentEvents, dashboard: Any) -> dict[str, Any]:
    consumer = shipments.consumer
    return {
        "busName": shipments.bus.bus_name,
        "busArn": shipments.bus.bus_arn,
        "archiveName": shipments.bus.archive_name,
        "archiveArn": shipments.bus.archive_arn,
        "ruleArns": shipments.bus.rule_arns,
        "targetDlqUrls": shipments.bus.target_dlq_urls,
        "queueName": consumer.queue_name,
        "queueUrl": consumer.queue_url,
        "dlqName": consumer.dlq_name,
        "dlqUrl": consumer.dlq_url,
        "functionName": consumer.function_name,
        "eventsTableName": shipments.events_table.table_name,
        "idempotencyTableName": consumer.table_name,
        "dashboardUrl": _dashboard_url(region, dashboard.dashboard_name),
    }


def _order_outputs(region: str, orders: OrderFanOut, dashboard: Any) -> dict[str, Any]:
    subscribers = {
        name: {
            "queueName": consumer.queue_name,
            "queueUrl": consumer.queue_url,
            "dlqName": consumer.dlq_name,
            "dlqUrl": consumer.dlq_url,
            "deliveryDlqUrl": orders.topic.subscription_dlq_urls[name],
            "functionName": consumer.function_name,
            "tableName": orders.tables[name].table_name,
        }
        for name, consumer in orders.consumers.items()
    }
    return {
        "topicArn": orders.topic.topic_arn,
        "topicName": orders.topic.topic_name,
        "subscribers": subscribers,
        "dashboardUrl": _dashboard_url(region, dashboard.dashboard_name),
    }


def _tracking_api_outputs(services: Services) -> dict[str, Any]:
    api = services.tracking_api
    return {
        "albDnsName": api.alb_dns_name,
        "clusterName": api.cluster_name,
        "serviceName": api.service_name,
        "logGroupName": api.log_group_name,
        "healthCheckPath": TRACKING_API_HEALTH_PATH,
    }


def _reconciliation_outputs(services: Services) -> dict[str, Any]:
    workers = services.reconciliation
    return {"asgName": workers.asg_name, "launchTemplateId": workers.launch_template_id}


def build_platform() -> None:
    """Compose the stack selected by ``pulumi stack select`` from its stack file."""
    stack_file = f"Pulumi.{pulumi.get_stack()}.yaml"
    base = PlatformContext.from_stack_config(stack_file, workload_keys=WORKLOAD_KEYS)
    workloads: WorkloadSettings = parse_workload_settings(
        base.settings.workload_config,
        base.environment,
        stack_file,
        platform_config={
            "alarmEmail": base.settings.alarm_email,
            "alarmHttpsEndpoint": base.settings.alarm_https_endpoint,
            "runbookBaseUrl": base.settings.runbook_base_url,
        },
    )
    # Keys naming the Auto Scaling service-linked role (alarm topics, the workers' volumes)
    # wait for it.
    base = base.with_autoscaling_role(autoscaling_service_linked_role(base))
    # Auto Scaling (the reconciliation workers' launch/terminate notices) publishes too.
    alarm_topics = AlarmTopics(
        "alarms", base, AlarmTopicsArgs.from_settings(base.settings, allow_autoscaling=True)
    )
    context = base.with_alarm_topics(alarm_topics.arns)
    region = context.settings.region

    shipments = build_shipment_events(context, workloads.shipment_consumer)
    shipment_dashboard = workload_dashboard(
        "shipments", context, {"shipment-consumer": shipments.consumer}
    )
    _workload_alarm("shipments", context, [shipments.consumer.unhealthy_alarm.alarm_name])

    orders = build_order_fan_out(context, workloads.order_consumer)
    order_dashboard = workload_dashboard("orders", context, orders.consumers)
    _workload_alarm(
        "orders", context, [c.unhealthy_alarm.alarm_name for c in orders.consumers.values()]
    )

    services = build_services(context, workloads, shipments.events_table)

    pulumi.export("environment", context.environment.value)
    # Every alarm name starts with it (core/alarms.py); `tools.ops smoke` lists them by it.
    pulumi.export("alarmNamePrefix", f"{context.name_prefix}-")
    pulumi.export("alarmTopicArns", {str(s): arn for s, arn in alarm_topics.arns.items()})
    pulumi.export("shipments", _shipment_outputs(region, shipments, shipment_dashboard))
    pulumi.export("orders", _order_outputs(region, orders, order_dashboard))
    pulumi.export("network", {"vpcId": services.network.vpc_id})
    pulumi.export("trackingApi", _tracking_api_outputs(services))
    pulumi.export("reconciliation", _reconciliation_outputs(services))
