"""Pricing rules: what each resource of the graph costs a month under the assumptions."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from tools.cost import prices as p
from tools.cost.assumptions import Assumptions
from tools.cost.graph import Graph, Workload, dead_letter_arns, family_of
from tools.preview.program import RegisteredResource

_MAPPING_TYPE = "aws:lambda/eventSourceMapping:EventSourceMapping"
_GB_PER_KB = 1 / (1024 * 1024)
_MILLION = 1_000_000
_LONG_POLL_SECONDS = 20
_DEFAULT_BATCH_SIZE = 10
_UNEXPIRED_MONTHS = 12
"""Storage that never expires is counted at its size after a year."""


@dataclass(frozen=True, kw_only=True)
class LineItem:
    """One billed dimension of one resource: `quantity` `unit`s at `unit_price` each."""

    urn: str
    resource: str
    type: str
    family: str
    workload: str
    item: str
    quantity: float
    unit: str
    unit_price: float

    @property
    def monthly(self) -> float:
        return self.quantity * self.unit_price


class _Pricer:
    """Line items of every resource of a graph; one method per resource type."""

    def __init__(self, graph: Graph, assumptions: Assumptions) -> None:
        self.graph = graph
        self.a = assumptions
        self.items: list[LineItem] = []
        self.notes: list[str] = []
        self._rules: Mapping[str, Callable[[RegisteredResource], None]] = {
            "aws:sqs/queue:Queue": self.queue,
            "aws:sns/topic:Topic": self.topic,
            "aws:lambda/function:Function": self.function,
            "aws:dynamodb/table:Table": self.table,
            "aws:cloudwatch/eventBus:EventBus": self.event_bus,
            "aws:cloudwatch/eventArchive:EventArchive": self.archive,
            "aws:kms/key:Key": self.key,
            "aws:cloudwatch/metricAlarm:MetricAlarm": self.alarm,
            "aws:cloudwatch/compositeAlarm:CompositeAlarm": self.composite_alarm,
            "aws:cloudwatch/dashboard:Dashboard": self.dashboard,
            "aws:cloudwatch/logGroup:LogGroup": self.log_group,
            "aws:ec2/flowLog:FlowLog": self.flow_log,
            "aws:ec2/natGateway:NatGateway": self.nat_gateway,
            "aws:ec2/eip:Eip": self.eip,
            "aws:ec2/vpcEndpoint:VpcEndpoint": self.vpc_endpoint,
            "aws:lb/loadBalancer:LoadBalancer": self.load_balancer,
            "aws:alb/loadBalancer:LoadBalancer": self.load_balancer,
            "aws:ecs/service:Service": self.ecs_service,
            "aws:autoscaling/group:Group": self.autoscaling_group,
            "aws:ec2/instance:Instance": self.instance,
            "aws:ebs/volume:Volume": self.volume,
            "aws:secretsmanager/secret:Secret": self.secret,
        }
        self._dlq_arns = dead_letter_arns(graph.resources)
        self._log_groups = graph.run.of_type("aws:cloudwatch/logGroup:LogGroup")

    def price_all(self) -> None:
        unpriced: dict[str, int] = {}
        for resource in self.graph.priced_resources():
            rule = self._rules.get(resource.type)
            if rule is not None:
                rule(resource)
            elif not is_free(resource.type):
                unpriced[resource.type] = unpriced.get(resource.type, 0) + 1
        for type_token, count in sorted(unpriced.items()):
            self.notes.append(f"not priced: {count} x {type_token}")

    # -- helpers -----------------------------------------------------------------------------

    def add(
        self,
        resource: RegisteredResource,
        item: str,
        quantity: float,
        unit: str,
        unit_price: float,
        *,
        family: str | None = None,
    ) -> None:
        self.items.append(
            LineItem(
                urn=resource.urn,
                resource=resource.name,
                type=resource.type,
                family=family or family_of(resource.type),
                workload=self.graph.workload(resource).name,
                item=item,
                quantity=quantity,
                unit=unit,
                unit_price=unit_price,
            )
        )

    def workload(self, resource: RegisteredResource) -> Workload:
        return self.graph.workload(resource)

    def events_per_month(self, resource: RegisteredResource) -> float:
        return self.a.volume(self.workload(resource).name) * p.DAYS_PER_MONTH

    def chunks(self, chunk_kb: float) -> int:
        return max(1, math.ceil(self.a.event_size_kb / chunk_kb))

    def consumers(self, resource: RegisteredResource) -> list[RegisteredResource]:
        """Event source mappings reading from `resource` (a queue)."""
        return [
            mapping
            for mapping in self.graph.run.of_type(
                "aws:lambda/eventSourceMapping:EventSourceMapping"
            )
            if resource in self.graph.referenced(mapping, "eventSourceArn")
        ]

    # -- messaging ---------------------------------------------------------------------------

    def queue(self, r: RegisteredResource) -> None:
        fifo = bool(r.inputs.get("fifoQueue"))
        price = p.SQS_FIFO_PER_MILLION_REQUESTS if fifo else p.SQS_STANDARD_PER_MILLION_REQUESTS
        events = self.events_per_month(r) * self.chunks(64)
        consumers = self.consumers(r)
        if r.outputs.get("arn") in self._dlq_arns:
            requests = events * self.a.failure_rate * 3
            self.add(
                r,
                "dead-letter requests (send, receive, delete)",
                requests / _MILLION,
                "M requests",
                price,
            )
        else:
            batch = _batch_size(consumers[0]) if consumers else 1
            requests = events + 2 * events / batch
            self.add(
                r,
                f"requests (send, receive+delete in batches of {batch})",
                requests / _MILLION,
                "M requests",
                price,
            )
        if consumers:
            idle = self.a.sqs_pollers_per_queue * p.SECONDS_PER_MONTH / _LONG_POLL_SECONDS
            self.add(r, "consumer long polls while idle", idle / _MILLION, "M requests", price)
        key = r.inputs.get("kmsMasterKeyId")
        if key and events > 0 and "alias/aws/" not in str(key):
            reuse = float(r.inputs.get("kmsDataKeyReusePeriodSeconds") or 300)
            requests = 2 * p.SECONDS_PER_MONTH / reuse
            self.add(
                r,
                f"KMS data keys (reused {reuse:.0f} s, producer + consumer)",
                requests / 10_000,
                "10k requests",
                p.KMS_PER_10K_REQUESTS,
                family="security",
            )

    def topic(self, r: RegisteredResource) -> None:
        fifo = bool(r.inputs.get("fifoTopic"))
        price = p.SNS_FIFO_PER_MILLION_PUBLISHES if fifo else p.SNS_STANDARD_PER_MILLION_PUBLISHES
        publishes = self.events_per_month(r) * self.chunks(64)
        self.add(
            r, "publishes (deliveries to SQS are free)", publishes / _MILLION, "M publishes", price
        )

    # -- compute -----------------------------------------------------------------------------

    def function(self, r: RegisteredResource) -> None:
        mappings = [
            m
            for m in self.graph.run.of_type(_MAPPING_TYPE)
            if r in self.graph.referenced(m, "functionName")
        ]
        events = self.events_per_month(r)
        invocations = sum(events / _batch_size(m) for m in mappings) if mappings else events
        memory_gb = float(r.inputs.get("memorySize") or 128) / 1024
        arm = "arm64" in (r.inputs.get("architectures") or [])
        price = p.LAMBDA_ARM64_PER_GB_SECOND if arm else p.LAMBDA_X86_PER_GB_SECOND
        seconds = invocations * self.a.lambda_duration_ms / 1000
        self.add(r, "requests", invocations / _MILLION, "M requests", p.LAMBDA_PER_MILLION_REQUESTS)
        self.add(
            r,
            f"duration ({'arm64' if arm else 'x86_64'}, {memory_gb * 1024:.0f} MB)",
            seconds * memory_gb,
            "GB-seconds",
            price,
        )
        tracing = r.inputs.get("tracingConfig") or {}
        if isinstance(tracing, dict) and tracing.get("mode") == "Active":
            traces = invocations * self.a.xray_sampled_fraction
            self.add(
                r,
                "X-Ray traces recorded",
                traces / _MILLION,
                "M traces",
                p.XRAY_PER_MILLION_TRACES_RECORDED,
                family="observability",
            )

    def autoscaling_group(self, r: RegisteredResource) -> None:
        count = float(_number(r.inputs.get("desiredCapacity"), r.inputs.get("minSize")) or 0)
        template, instance_type = self._launch_template(r)
        mixed = r.inputs.get("mixedInstancesPolicy") or {}
        distribution = mixed.get("instancesDistribution") or {} if isinstance(mixed, dict) else {}
        base = float(distribution.get("onDemandBaseCapacity") or 0)
        percent = float(_number(distribution.get("onDemandPercentageAboveBaseCapacity"), 100))
        on_demand = min(count, base) + max(0.0, count - base) * percent / 100
        self._instances(r, instance_type, on_demand, count - on_demand)
        volumes = _template_volumes(template) if template else []
        for size, kind in volumes or [(self.a.default_root_volume_gb, "gp3")]:
            self._ebs(r, count * size, kind)

    def _launch_template(
        self, r: RegisteredResource
    ) -> tuple[RegisteredResource | None, str | None]:
        mixed = r.inputs.get("mixedInstancesPolicy")
        override_type = None
        if isinstance(mixed, dict):
            spec = mixed.get("launchTemplate") or {}
            overrides = spec.get("overrides") or []
            if overrides and isinstance(overrides[0], dict):
                override_type = overrides[0].get("instanceType")
        template = next(iter(self.graph.referenced(r, "launchTemplate")), None)
        if template is None and isinstance(mixed, dict):
            template = next(iter(self.graph.referenced(r, "mixedInstancesPolicy")), None)
        if template is not None and template.type != "aws:ec2/launchTemplate:LaunchTemplate":
            template = None
        instance_type = override_type or (template.inputs.get("instanceType") if template else None)
        return template, instance_type

    def _instances(
        self, r: RegisteredResource, instance_type: Any, on_demand: float, spot: float
    ) -> None:
        hourly = p.EC2_ON_DEMAND_PER_HOUR.get(str(instance_type))
        if hourly is None:
            self.notes.append(
                f"not priced: {r.name} runs instance type {instance_type!r}, not in the price table"
            )
            return
        if on_demand:
            self.add(
                r,
                f"{instance_type} on-demand",
                on_demand * p.HOURS_PER_MONTH,
                "instance-hours",
                hourly,
            )
        if spot:
            self.add(
                r,
                f"{instance_type} spot (x{self.a.spot_price_fraction:g} of on-demand)",
                spot * p.HOURS_PER_MONTH,
                "instance-hours",
                hourly * self.a.spot_price_fraction,
            )

    def instance(self, r: RegisteredResource) -> None:
        spot = bool(r.inputs.get("instanceMarketOptions"))
        self._instances(r, r.inputs.get("instanceType"), 0 if spot else 1, 1 if spot else 0)
        root = r.inputs.get("rootBlockDevice") or {}
        self._ebs(
            r,
            float(_number(root.get("volumeSize"), self.a.default_root_volume_gb)),
            str(root.get("volumeType") or "gp3"),
        )
        for device in r.inputs.get("ebsBlockDevices") or []:
            self._ebs(
                r,
                float(_number(device.get("volumeSize"), 0)),
                str(device.get("volumeType") or "gp3"),
            )

    def volume(self, r: RegisteredResource) -> None:
        self._ebs(r, float(_number(r.inputs.get("size"), 0)), str(r.inputs.get("type") or "gp3"))

    def _ebs(self, r: RegisteredResource, gb: float, kind: str) -> None:
        price = p.EBS_GP2_PER_GB_MONTH if kind == "gp2" else p.EBS_GP3_PER_GB_MONTH
        if kind not in ("gp2", "gp3"):
            self.notes.append(f"{r.name}: EBS volume type {kind} priced as gp3")
        self.add(
            r, f"EBS {kind if kind == 'gp2' else 'gp3'}", gb, "GB-month", price, family="compute"
        )

    # -- data --------------------------------------------------------------------------------

    def table(self, r: RegisteredResource) -> None:
        events = self.events_per_month(r)
        workload = self.workload(r)
        tables = [
            t
            for t in self.graph.workload_resources(workload)
            if t.type == "aws:dynamodb/table:Table"
        ]
        share = 1 / len(tables)
        if r.inputs.get("billingMode") == "PROVISIONED":
            self.notes.append(f"{r.name}: provisioned capacity not priced (on-demand only)")
        else:
            write_units = math.ceil(self.a.item_size_kb)
            read_units = math.ceil(self.a.item_size_kb / 4)
            writes = events * self.a.dynamodb_writes_per_event * share * write_units
            reads = events * self.a.dynamodb_reads_per_event * share * read_units
            self.add(
                r,
                "on-demand writes",
                writes / _MILLION,
                "M WRU",
                p.DYNAMODB_PER_MILLION_WRITE_REQUEST_UNITS,
            )
            if reads:
                self.add(
                    r,
                    "on-demand reads",
                    reads / _MILLION,
                    "M RRU",
                    p.DYNAMODB_PER_MILLION_READ_REQUEST_UNITS,
                )
        stored = (
            self.a.volume(workload.name)
            * self.a.item_retention_days
            * self.a.item_size_kb
            * _GB_PER_KB
        )
        self.add(
            r,
            f"storage ({self.a.item_retention_days:g} days of items)",
            stored,
            "GB-month",
            p.DYNAMODB_STORAGE_PER_GB_MONTH,
        )
        pitr = r.inputs.get("pointInTimeRecovery") or {}
        if isinstance(pitr, dict) and pitr.get("enabled"):
            self.add(r, "point-in-time recovery", stored, "GB-month", p.DYNAMODB_PITR_PER_GB_MONTH)
        sse = r.inputs.get("serverSideEncryption") or {}
        if isinstance(sse, dict) and sse.get("kmsKeyArn") and events > 0:
            requests = p.SECONDS_PER_MONTH / 300
            self.add(
                r,
                "KMS requests (table key cached 5 min)",
                requests / 10_000,
                "10k requests",
                p.KMS_PER_10K_REQUESTS,
                family="security",
            )

    # -- events ------------------------------------------------------------------------------

    def event_bus(self, r: RegisteredResource) -> None:
        if r.outputs.get("name") == "default":
            return
        events = self.events_per_month(r) * self.chunks(64)
        self.add(
            r,
            "custom events",
            events / _MILLION,
            "M events",
            p.EVENTBRIDGE_CUSTOM_PER_MILLION_EVENTS,
        )

    def archive(self, r: RegisteredResource) -> None:
        monthly_gb = self.events_per_month(r) * self.a.event_size_kb * _GB_PER_KB
        retention = float(r.inputs.get("retentionDays") or 0)
        months = retention / p.DAYS_PER_MONTH if retention else _UNEXPIRED_MONTHS
        self.add(
            r, "archived events processed", monthly_gb, "GB", p.EVENTBRIDGE_ARCHIVE_PER_GB_PROCESSED
        )
        self.add(
            r,
            f"archive storage ({retention:g} days retention)"
            if retention
            else "archive storage (kept indefinitely: 12 months counted)",
            monthly_gb * months,
            "GB-month",
            p.EVENTBRIDGE_ARCHIVE_STORAGE_PER_GB_MONTH,
        )
        if self.a.replayed_events_per_month:
            self.add(
                r,
                "replayed events",
                self.a.replayed_events_per_month / _MILLION,
                "M events",
                p.EVENTBRIDGE_REPLAY_PER_MILLION_EVENTS,
            )

    # -- security ----------------------------------------------------------------------------

    def key(self, r: RegisteredResource) -> None:
        self.add(r, "customer-managed key", 1, "key-month", p.KMS_PER_KEY_MONTH)

    def secret(self, r: RegisteredResource) -> None:
        self.add(r, "secret", 1, "secret-month", p.SECRETS_MANAGER_PER_SECRET_MONTH)

    # -- observability -----------------------------------------------------------------------

    def alarm(self, r: RegisteredResource) -> None:
        queries = r.inputs.get("metricQueries") or []
        metrics = [q["metric"] for q in queries if isinstance(q, dict) and q.get("metric")]
        periods = [float(m.get("period") or 60) for m in metrics] or [
            float(r.inputs.get("period") or 60)
        ]
        high_resolution = min(periods) < 60
        price = (
            p.CLOUDWATCH_HIGH_RESOLUTION_ALARM_METRIC_MONTH
            if high_resolution
            else p.CLOUDWATCH_STANDARD_ALARM_METRIC_MONTH
        )
        kind = "high-resolution" if high_resolution else "standard"
        self.add(r, f"{kind} alarm", max(1, len(metrics)), "alarm-metric-month", price)

    def composite_alarm(self, r: RegisteredResource) -> None:
        self.add(r, "composite alarm", 1, "alarm-month", p.CLOUDWATCH_COMPOSITE_ALARM_MONTH)

    def dashboard(self, r: RegisteredResource) -> None:
        self.add(r, "dashboard", 1, "dashboard-month", p.CLOUDWATCH_DASHBOARD_MONTH)

    def log_group(self, r: RegisteredResource) -> None:
        if self.a.log_gb_per_month is not None:
            ingested = self.a.log_gb_per_month / len(self._log_groups)
        else:
            ingested = self.events_per_month(r) * self.a.log_kb_per_event * _GB_PER_KB
        retention = float(r.inputs.get("retentionInDays") or 0)
        months = retention / p.DAYS_PER_MONTH if retention else _UNEXPIRED_MONTHS
        self.add(r, "log ingestion", ingested, "GB", p.CLOUDWATCH_LOGS_INGESTION_PER_GB)
        self.add(
            r,
            f"log storage ({retention:g} days retention)"
            if retention
            else "log storage (never expires: 12 months counted)",
            ingested * months,
            "GB-month",
            p.CLOUDWATCH_LOGS_STORAGE_PER_GB_MONTH,
        )

    # -- network -----------------------------------------------------------------------------

    def flow_log(self, r: RegisteredResource) -> None:
        self.add(
            r,
            "flow log ingestion (vended logs)",
            self.a.flow_log_gb_per_month,
            "GB",
            p.CLOUDWATCH_VENDED_LOGS_INGESTION_PER_GB,
        )

    def nat_gateway(self, r: RegisteredResource) -> None:
        self._nat(r, 1)

    def _nat(self, r: RegisteredResource, count: int) -> None:
        self.add(
            r, f"NAT gateway x{count}", count * p.HOURS_PER_MONTH, "hours", p.NAT_GATEWAY_PER_HOUR
        )
        self.add(
            r,
            f"NAT data processed ({self.a.nat_gb_per_month:g} GB each)",
            count * self.a.nat_gb_per_month,
            "GB",
            p.NAT_GATEWAY_PER_GB_PROCESSED,
        )

    def eip(self, r: RegisteredResource) -> None:
        self.add(r, "public IPv4 address", p.HOURS_PER_MONTH, "hours", p.PUBLIC_IPV4_PER_HOUR)

    def vpc_endpoint(self, r: RegisteredResource) -> None:
        if r.inputs.get("vpcEndpointType") not in ("Interface", "GatewayLoadBalancer"):
            return
        az_count = max(1, len(r.inputs.get("subnetIds") or []))
        self.add(
            r,
            f"interface endpoint in {az_count} AZ(s)",
            az_count * p.HOURS_PER_MONTH,
            "AZ-hours",
            p.INTERFACE_ENDPOINT_PER_AZ_HOUR,
        )
        self.add(
            r,
            "endpoint data processed",
            self.a.endpoint_gb_per_month,
            "GB",
            p.INTERFACE_ENDPOINT_PER_GB,
        )

    def load_balancer(self, r: RegisteredResource) -> None:
        kind = r.inputs.get("loadBalancerType") or "application"
        if kind != "application":
            self.notes.append(f"not priced: {r.name} is a {kind} load balancer")
            return
        rps = self.a.api_requests_per_second
        processed_gb_hour = rps * self.a.api_response_kb * 3600 * _GB_PER_KB
        lcu = max(
            rps / p.ALB_NEW_CONNECTIONS_PER_LCU_SECOND,
            processed_gb_hour / p.ALB_PROCESSED_GB_PER_LCU_HOUR,
        )
        self.add(r, "load balancer", p.HOURS_PER_MONTH, "hours", p.ALB_PER_HOUR)
        self.add(
            r, f"LCUs ({rps:g} req/s)", lcu * p.HOURS_PER_MONTH, "LCU-hours", p.ALB_PER_LCU_HOUR
        )

    # -- containers --------------------------------------------------------------------------

    def ecs_service(self, r: RegisteredResource) -> None:
        strategies = r.inputs.get("capacityProviderStrategies") or []
        weights = {
            str(s.get("capacityProvider")): float(_number(s.get("weight"), 1))
            for s in strategies
            if isinstance(s, dict)
        }
        fargate = r.inputs.get("launchType") == "FARGATE" or any(
            name.startswith("FARGATE") for name in weights
        )
        if not fargate:
            self.notes.append(f"not priced: {r.name} does not run on Fargate")
            return
        task = next(
            (
                t
                for t in self.graph.referenced(r, "taskDefinition")
                if t.type == "aws:ecs/taskDefinition:TaskDefinition"
            ),
            None,
        )
        if task is None:
            self.notes.append(f"not priced: {r.name}: its task definition is not in the graph")
            return
        tasks = self._task_count(r)
        vcpu = float(_number(task.inputs.get("cpu"), 256)) / 1024
        memory_gb = float(_number(task.inputs.get("memory"), 512)) / 1024
        platform = task.inputs.get("runtimePlatform") or {}
        arm = isinstance(platform, dict) and platform.get("cpuArchitecture") == "ARM64"
        total = sum(weights.values())
        spot_share = weights.get("FARGATE_SPOT", 0) / total if total else 0
        factor = 1 - spot_share + spot_share * p.FARGATE_SPOT_PRICE_FRACTION
        arch = "arm64" if arm else "x86_64"
        cpu_price = p.FARGATE_ARM64_PER_VCPU_HOUR if arm else p.FARGATE_X86_PER_VCPU_HOUR
        gb_price = p.FARGATE_ARM64_PER_GB_HOUR if arm else p.FARGATE_X86_PER_GB_HOUR
        hours = tasks * p.HOURS_PER_MONTH
        spot_label = f", {spot_share:.0%} spot" if spot_share else ""
        self.add(
            r,
            f"Fargate vCPU ({tasks:g} tasks x {vcpu:g} vCPU, {arch}{spot_label})",
            hours * vcpu,
            "vCPU-hours",
            cpu_price * factor,
        )
        self.add(
            r,
            f"Fargate memory ({tasks:g} tasks x {memory_gb:g} GB)",
            hours * memory_gb,
            "GB-hours",
            gb_price * factor,
        )

    def _task_count(self, r: RegisteredResource) -> float:
        """The scaling target's minimum when the service autoscales, else its desired count."""
        service_name = str(r.outputs.get("name") or "")
        for target in self.graph.run.of_type("aws:appautoscaling/target:Target"):
            resource_id = str(target.inputs.get("resourceId") or "")
            if service_name and resource_id.endswith(f"/{service_name}"):
                return float(_number(target.inputs.get("minCapacity"), 1))
        return float(_number(r.inputs.get("desiredCount"), 1))


_FREE_MODULES = frozenset({"iam"})
_FREE_KINDS = frozenset(
    {
        # messaging
        "queuePolicy",
        "redrivePolicy",
        "redriveAllowPolicy",
        "topicPolicy",
        "topicSubscription",
        "dataProtectionPolicy",
        # compute
        "permission",
        "eventSourceMapping",
        "alias",
        "functionEventInvokeConfig",
        "launchTemplate",
        "policy",
        "notification",
        "lifecycleHook",
        "attachment",
        "layerVersion",
        "tag",
        # events
        "eventRule",
        "eventTarget",
        "eventBusPolicy",
        "eventPermission",
        # kms and logs
        "grant",
        "keyPolicy",
        "logResourcePolicy",
        "logMetricFilter",
        "logStream",
        "logSubscriptionFilter",
        "logDataProtectionPolicy",
        # network
        "vpc",
        "subnet",
        "routeTable",
        "route",
        "routeTableAssociation",
        "internetGateway",
        "egressOnlyInternetGateway",
        "securityGroup",
        "securityGroupRule",
        "securityGroupIngressRule",
        "securityGroupEgressRule",
        "networkAcl",
        "networkAclRule",
        "defaultSecurityGroup",
        "defaultNetworkAcl",
        "defaultRouteTable",
        "vpcEndpointPolicy",
        "mainRouteTableAssociation",
        "targetGroup",
        "listener",
        "listenerRule",
        "targetGroupAttachment",
        "listenerCertificate",
        # containers and parameters
        "cluster",
        "taskDefinition",
        "clusterCapacityProviders",
        "target",
        "parameter",
        "secretVersion",
        "secretPolicy",
    }
)


def is_free(type_token: str) -> bool:
    """Resource types AWS does not bill for by themselves (their use is priced elsewhere)."""
    parts = type_token.split(":")
    if len(parts) < 3 or not parts[0].startswith("aws"):
        return not parts[0].startswith("aws")
    module = parts[1].split("/")[0]
    kind = parts[1].split("/")[-1]
    return module in _FREE_MODULES or kind in _FREE_KINDS


def _number(value: Any, default: Any) -> Any:
    """`value` as a number when it is one (or a numeric string), else `default`."""
    if isinstance(value, bool):
        return default
    if isinstance(value, int | float):
        return value
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return default
    return default


def _batch_size(mapping: RegisteredResource) -> int:
    return int(_number(mapping.inputs.get("batchSize"), _DEFAULT_BATCH_SIZE)) or 1


def _template_volumes(template: RegisteredResource) -> list[tuple[float, str]]:
    volumes = []
    for mapping in template.inputs.get("blockDeviceMappings") or []:
        ebs = mapping.get("ebs") if isinstance(mapping, dict) else None
        if isinstance(ebs, dict) and _number(ebs.get("volumeSize"), None) is not None:
            volumes.append((float(ebs["volumeSize"]), str(ebs.get("volumeType") or "gp3")))
    return volumes


def price_graph(graph: Graph, assumptions: Assumptions) -> tuple[list[LineItem], list[str]]:
    """Line items of every resource and notes on what was not priced or was approximated."""
    pricer = _Pricer(graph, assumptions)
    pricer.price_all()
    return pricer.items, pricer.notes
