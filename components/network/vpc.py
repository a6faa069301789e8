"""Network: the environment's VPC (awsx) with flow logs, VPC endpoints and a closed default SG."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

import pulumi
import pulumi_aws as aws
import pulumi_awsx as awsx

from components.core.arg_types import typed_args
from components.core.aws_values import LOG_RETENTION_DAYS, ipv4_network
from components.core.context import PlatformContext
from components.core.errors import ProblemCollector
from components.core.iam import Statement, policy_document, service_role
from components.core.kms import CustomerManagedKey, KeyUse
from components.core.logs import encrypted_log_group
from components.core.naming import Service, physical_name, record_component_path
from components.core.settings import NatGatewayStrategy, Tier
from components.core.tags import checked_tags

__all__ = [
    "DEFAULT_INTERFACE_ENDPOINTS",
    "GATEWAY_ENDPOINTS",
    "INTERFACE_ENDPOINTS",
    "ExistingVpc",
    "Network",
    "NetworkArgs",
]

COMPONENT = "Network"
GATEWAY_ENDPOINTS = ("dynamodb", "s3")
# Interface endpoints this component knows how to create (service names after
# ``<partition's reverse DNS prefix>.<region>.``).
INTERFACE_ENDPOINTS = frozenset(
    {
        "ec2messages",
        "ecr.api",
        "ecr.dkr",
        "events",
        "kms",
        "logs",
        "monitoring",
        "secretsmanager",
        "sns",
        "sqs",
        "ssm",
        "ssmmessages",
        "sts",
    }
)
# Interface endpoints cost per hour and AZ, so dev gets none (traffic uses the NAT gateway),
# staging what a Fargate service needs to start without the NAT, prod the full private set.
DEFAULT_INTERFACE_ENDPOINTS: Mapping[Tier, tuple[str, ...]] = MappingProxyType(
    {
        Tier.DEV: (),
        Tier.STAGING: ("ecr.api", "ecr.dkr", "logs", "sqs"),
        Tier.PROD: (
            "ec2messages",
            "ecr.api",
            "ecr.dkr",
            "kms",
            "logs",
            "sqs",
            "ssm",
            "ssmmessages",
        ),
    }
)
FLOW_LOG_TRAFFIC_TYPES = frozenset({"ACCEPT", "REJECT", "ALL"})


@dataclass(frozen=True, kw_only=True)
class ExistingVpc:
    """A VPC managed elsewhere; the component then creates no VPC (and no awsx resource).

    ``private_subnet_ids`` and ``public_subnet_ids`` are plain lists (one subnet per AZ), so
    their number is known when components validate their placement.
    """

    vpc_id: pulumi.Input[str]
    vpc_cidr: str
    private_subnet_ids: Sequence[pulumi.Input[str]]
    public_subnet_ids: Sequence[pulumi.Input[str]] = ()


@dataclass(frozen=True, kw_only=True)
class NetworkArgs:
    """Arguments of ``Network``; ``None`` means "the tier default".

    Args:
        cidr_block: IPv4 CIDR of a new VPC (/16../24, default ``10.0.0.0/16``).
        az_count: Availability Zones of a new VPC (2..6); default the tier's (dev 2, prod 3).
        nat_gateways: ``Single`` or ``OnePerAz``; default the tier's (prod one per AZ).
        existing: use this VPC instead of creating one.
        interface_endpoints: interface endpoints to create (``"ecr.api"``, ``"logs"`` ...);
            default ``DEFAULT_INTERFACE_ENDPOINTS[tier]`` for a new VPC, none for an existing one.
        gateway_endpoints: ``"s3"``/``"dynamodb"`` gateway endpoints (free); default both for a
            new VPC, none for an existing one (it probably has them already).
        flow_logs: VPC flow logs to an encrypted log group (default on).
        flow_log_traffic_type: ``ALL`` (default), ``ACCEPT`` or ``REJECT``.
        flow_log_retention_days: retention of the flow-log group; default the tier's.
        kms_key: key of the flow-log group; needs ``KeyUse.LOGS``. Created when omitted.
        tags: extra tags, merged over the context's required tags.
    """

    cidr_block: str = "10.0.0.0/16"
    az_count: int | None = None
    nat_gateways: NatGatewayStrategy | None = None
    existing: ExistingVpc | None = None
    interface_endpoints: Sequence[str] | None = None
    gateway_endpoints: Sequence[str] | None = None
    flow_logs: bool = True
    flow_log_traffic_type: str = "ALL"
    flow_log_retention_days: int | None = None
    kms_key: CustomerManagedKey | None = None
    tags: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class _Resolved:
    cidr: str
    az_count: int
    nat: NatGatewayStrategy
    interface_endpoints: tuple[str, ...]
    gateway_endpoints: tuple[str, ...]
    retention: int


def _resolve(args: NetworkArgs, context: PlatformContext) -> _Resolved:
    profile = context.profile
    existing = args.existing
    if existing is not None:
        interface: Sequence[str] = args.interface_endpoints or ()
        gateway: Sequence[str] = args.gateway_endpoints or ()
        az_count = len(existing.private_subnet_ids)
        cidr = existing.vpc_cidr
    else:
        interface = (
            DEFAULT_INTERFACE_ENDPOINTS[context.environment]
            if args.interface_endpoints is None
            else args.interface_endpoints
        )
        gateway = GATEWAY_ENDPOINTS if args.gateway_endpoints is None else args.gateway_endpoints
        az_count = profile.az_count if args.az_count is None else args.az_count
        cidr = args.cidr_block
    return _Resolved(
        cidr=cidr,
        az_count=az_count,
        nat=args.nat_gateways or profile.nat_gateways,
        interface_endpoints=tuple(sorted(set(interface))),
        gateway_endpoints=tuple(sorted(set(gateway))),
        retention=args.flow_log_retention_days or profile.log_retention_days,
    )


def _cidr_problem(field_name: str, cidr: str) -> str | None:
    network = ipv4_network(cidr)
    if network is None:
        return f"{field_name}: {cidr!r} is not an IPv4 network such as 10.0.0.0/16"
    if not 16 <= network.prefixlen <= 24:
        return f"{field_name}: {cidr!r} must be an IPv4 network between /16 and /24"
    if not network.is_private:
        return f"{field_name}: {cidr!r} is not a private (RFC 1918) range"
    return None


def _validate(args: NetworkArgs, context: PlatformContext) -> tuple[_Resolved, dict[str, str]]:
    """Raise one error naming every bad field; return the resolved layout and merged tags."""
    p = ProblemCollector(COMPONENT)
    args = typed_args(p, args, NetworkArgs)
    with p.checking():
        resolved = _resolve(args, context)
        existing = args.existing
        cidr_field = "existing.vpc_cidr" if existing else "cidr_block"
        problem = _cidr_problem(cidr_field, resolved.cidr)
        if problem:
            p.add(problem)
        if existing is None:
            p.check(
                2 <= resolved.az_count <= 6,
                f"az_count: must be 2..6 (one AZ is a single point of failure),"
                f" got {resolved.az_count}",
            )
            p.check(
                resolved.az_count >= context.profile.az_count,
                f"az_count: the {context.environment.value} tier needs at least"
                f" {context.profile.az_count} AZs, got {resolved.az_count}",
            )
        else:
            p.check(
                len(existing.private_subnet_ids) >= 2,
                "existing.private_subnet_ids: give at least two subnets in different AZs, got"
                f" {len(existing.private_subnet_ids)}",
            )
            known = [s for s in existing.private_subnet_ids if isinstance(s, str)]
            p.check(
                len(set(known)) == len(known),
                "existing.private_subnet_ids: the same subnet is listed twice",
            )
            p.check(
                args.az_count is None and args.nat_gateways is None,
                "az_count/nat_gateways: only apply to a VPC this component creates",
            )
        for endpoint in resolved.interface_endpoints:
            p.check(
                endpoint in INTERFACE_ENDPOINTS,
                f"interface_endpoints: unknown service {endpoint!r} (known:"
                f" {', '.join(sorted(INTERFACE_ENDPOINTS))})",
            )
        for endpoint in resolved.gateway_endpoints:
            p.check(
                endpoint in GATEWAY_ENDPOINTS,
                f"gateway_endpoints: {endpoint!r} is not a gateway endpoint service (s3, dynamodb)",
            )
        p.check(
            args.flow_log_traffic_type in FLOW_LOG_TRAFFIC_TYPES,
            f"flow_log_traffic_type: {args.flow_log_traffic_type!r} is not one of ACCEPT, REJECT, "
            "ALL",
        )
        p.check(
            resolved.retention in LOG_RETENTION_DAYS,
            f"flow_log_retention_days: {resolved.retention} is not a CloudWatch Logs retention "
            "value",
        )
        p.check(
            args.kms_key is None or KeyUse.LOGS in args.kms_key.uses,
            "kms_key: the key must admit CloudWatch Logs (KeyUse.LOGS)",
        )
        tags = checked_tags(p, context.tags, args.tags)
    p.raise_if_any()
    return resolved, tags


class Network(pulumi.ComponentResource):
    """One environment's network: an ``awsx.ec2.Vpc`` (AZs and NAT gateways by tier) or an
    existing VPC, with flow logs to a KMS-encrypted log group, S3/DynamoDB gateway endpoints,
    interface endpoints that admit HTTPS from the VPC only, and a default security group with
    no rules.

    Attributes:
        vpc_id: the VPC's id.
        vpc_cidr: its IPv4 CIDR (a plain string).
        private_subnet_ids: one Output per AZ in a plain list, so its length is known when
            other components validate their placement.
        public_subnet_ids: likewise for the public subnets.
        az_count: number of AZs.
        endpoint_security_group_id: security group of the interface endpoints (None without).
        flow_log_group_name: the flow-log group (None with ``flow_logs=False``).
        vpc: the ``awsx.ec2.Vpc`` (None for an existing VPC).
    """

    vpc: awsx.ec2.Vpc | None
    vpc_id: pulumi.Output[str]
    vpc_cidr: str
    az_count: int
    private_subnet_ids: list[pulumi.Output[str]]
    public_subnet_ids: list[pulumi.Output[str]]
    endpoint_security_group_id: pulumi.Output[str] | None
    flow_log_group_name: pulumi.Output[str] | None

    def __init__(
        self,
        name: str,
        context: PlatformContext,
        args: NetworkArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        args = args or NetworkArgs()
        resolved, tags = _validate(args, context)
        super().__init__(f"platform:network:{COMPONENT}", name, None, opts)
        record_component_path(self, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.vpc_cidr = resolved.cidr
        self.az_count = resolved.az_count

        if args.existing is None:
            self.vpc = awsx.ec2.Vpc(
                f"{name}-vpc",
                cidr_block=resolved.cidr,
                number_of_availability_zones=resolved.az_count,
                nat_gateways=awsx.ec2.NatGatewayConfigurationArgs(
                    strategy=awsx.ec2.NatGatewayStrategy(resolved.nat.value)
                ),
                enable_dns_hostnames=True,
                enable_dns_support=True,
                tags={**tags, "Name": f"{context.name_prefix}-{name}"},
                opts=child,
            )
            self.vpc_id = self.vpc.vpc_id
            self.private_subnet_ids = _split(self.vpc.private_subnet_ids, resolved.az_count)
            self.public_subnet_ids = _split(self.vpc.public_subnet_ids, resolved.az_count)
            # Adopting the default SG with no rules removes AWS's allow-all-within-the-group.
            aws.ec2.DefaultSecurityGroup(
                f"{name}-default-sg",
                vpc_id=self.vpc_id,
                tags={**tags, "Name": f"{context.name_prefix}-{name}-default-closed"},
                opts=child,
            )
        else:
            self.vpc = None
            self.vpc_id = pulumi.Output.from_input(args.existing.vpc_id)
            self.private_subnet_ids = [
                pulumi.Output.from_input(s) for s in args.existing.private_subnet_ids
            ]
            self.public_subnet_ids = [
                pulumi.Output.from_input(s) for s in args.existing.public_subnet_ids
            ]

        self.flow_log_group_name = (
            self._flow_logs(name, context, args, resolved, tags) if args.flow_logs else None
        )
        self._gateway_endpoints(name, context, resolved, tags)
        self.endpoint_security_group_id = self._interface_endpoints(name, context, resolved, tags)

        self.register_outputs(
            {
                "vpc_id": self.vpc_id,
                "vpc_cidr": self.vpc_cidr,
                "private_subnet_ids": pulumi.Output.all(*self.private_subnet_ids),
                "public_subnet_ids": pulumi.Output.all(*self.public_subnet_ids),
            }
        )

    def _flow_logs(
        self,
        name: str,
        context: PlatformContext,
        args: NetworkArgs,
        resolved: _Resolved,
        tags: dict[str, str],
    ) -> pulumi.Output[str]:
        child = pulumi.ResourceOptions(parent=self)
        key = args.kms_key or CustomerManagedKey(
            f"{name}-flow-logs-key", context, uses={KeyUse.LOGS}, opts=child, tags=args.tags
        )
        log_group = encrypted_log_group(
            f"{name}-flow-logs",
            context,
            name="/aws/vpc/flow-logs/"
            + physical_name(context, name, Service.LOG_GROUP, within=self),
            kms_key_arn=key.arn,
            retention_days=resolved.retention,
            tags=tags,
            parent=self,
        )
        invoke = pulumi.InvokeOptions(parent=self)
        account = aws.get_caller_identity_output(opts=invoke).account_id
        partition = aws.get_partition_output(opts=invoke).partition
        writer = service_role(
            f"{name}-flow-logs-role",
            service="vpc-flow-logs.amazonaws.com",
            account_id=account,
            source_arn_like=pulumi.Output.all(account, partition).apply(
                lambda v: f"arn:{v[1]}:ec2:{context.settings.region}:{v[0]}:vpc-flow-log/*"
            ),
            role_name=physical_name(
                context, name, Service.IAM_ROLE, suffix="flow-logs", within=self
            ),
            role_description=f"VPC flow logs of {context.name_prefix}-{name} to their log group",
            policy_resource_name=f"{name}-flow-logs-policy",
            policy_name=physical_name(
                context, name, Service.IAM_POLICY, suffix="flow-logs", within=self
            ),
            document=policy_document(
                [
                    Statement(
                        sid="WriteFlowLogsToOwnLogGroup",
                        actions=[
                            "logs:CreateLogStream",
                            "logs:DescribeLogStreams",
                            "logs:PutLogEvents",
                        ],
                        resources=[log_group.arn, log_group.arn.apply(lambda a: f"{a}:*")],
                    )
                ],
                component=COMPONENT,
            ),
            description=f"VPC flow logs of {context.name_prefix}-{name}: write their log group",
            tags=tags,
            opts=child,
        )
        aws.ec2.FlowLog(
            f"{name}-flow-log",
            vpc_id=self.vpc_id,
            traffic_type=args.flow_log_traffic_type,
            log_destination_type="cloud-watch-logs",
            log_destination=log_group.arn,
            iam_role_arn=writer.role.arn,
            max_aggregation_interval=60,
            tags=tags,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[writer.attachment]),
        )
        return log_group.name

    def _gateway_endpoints(
        self, name: str, context: PlatformContext, resolved: _Resolved, tags: dict[str, str]
    ) -> None:
        if not resolved.gateway_endpoints:
            return
        reverse_dns = aws.get_partition_output(
            opts=pulumi.InvokeOutputOptions(parent=self)
        ).reverse_dns_prefix
        # Every route table of the VPC, looked up once the VPC (and so all its route tables)
        # exists; a preview of a new VPC shows the ids as unknown.
        route_tables = aws.ec2.get_route_tables_output(
            vpc_id=self.vpc_id, opts=pulumi.InvokeOutputOptions(parent=self)
        ).ids
        for service in resolved.gateway_endpoints:
            aws.ec2.VpcEndpoint(
                f"{name}-{service}-endpoint",
                vpc_id=self.vpc_id,
                service_name=pulumi.Output.concat(
                    reverse_dns, f".{context.settings.region}.{service}"
                ),
                vpc_endpoint_type="Gateway",
                route_table_ids=route_tables,
                tags={**tags, "Name": f"{context.name_prefix}-{name}-{service}"},
                opts=pulumi.ResourceOptions(parent=self),
            )

    def _interface_endpoints(
        self, name: str, context: PlatformContext, resolved: _Resolved, tags: dict[str, str]
    ) -> pulumi.Output[str] | None:
        if not resolved.interface_endpoints:
            return None
        child = pulumi.ResourceOptions(parent=self)
        # com.amazonaws in most partitions, cn.com.amazonaws in China.
        reverse_dns = aws.get_partition_output(
            opts=pulumi.InvokeOutputOptions(parent=self)
        ).reverse_dns_prefix
        group = aws.ec2.SecurityGroup(
            f"{name}-endpoints-sg",
            name=physical_name(
                context, name, Service.SECURITY_GROUP, suffix="endpoints", within=self
            ),
            description=f"Interface VPC endpoints of {context.name_prefix}-{name}: HTTPS from"
            " the VPC only",
            vpc_id=self.vpc_id,
            tags=tags,
            opts=child,
        )
        aws.vpc.SecurityGroupIngressRule(
            f"{name}-endpoints-https-from-vpc",
            security_group_id=group.id,
            description="HTTPS to AWS APIs from inside the VPC",
            ip_protocol="tcp",
            from_port=443,
            to_port=443,
            cidr_ipv4=resolved.cidr,
            tags=tags,
            opts=child,
        )
        for service in resolved.interface_endpoints:
            slug = service.replace(".", "-")
            aws.ec2.VpcEndpoint(
                f"{name}-{slug}-endpoint",
                vpc_id=self.vpc_id,
                service_name=pulumi.Output.concat(
                    reverse_dns, f".{context.settings.region}.{service}"
                ),
                vpc_endpoint_type="Interface",
                private_dns_enabled=True,
                subnet_ids=self.private_subnet_ids,
                security_group_ids=[group.id],
                tags={**tags, "Name": f"{context.name_prefix}-{name}-{slug}"},
                opts=child,
            )
        return group.id


def _split(ids: pulumi.Output[Sequence[str]], count: int) -> list[pulumi.Output[str]]:
    """``count`` Outputs, one per AZ, from awsx's list output (awsx makes one subnet per AZ)."""

    def pick(index: int) -> pulumi.Output[str]:
        return ids.apply(lambda values: values[index])

    return [pick(index) for index in range(count)]
