"""The HTTPS-only Application Load Balancer in front of the service, and the chained security
groups between the two.

``load_balancer`` returns every resource it creates in a ``LoadBalancer``; the service attaches to
its target group and security groups, the alarms and autoscaling read its ARN suffixes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.containers.fargate_args import FargateServiceArgs
from components.core.context import PlatformContext
from components.core.naming import Service, physical_name

__all__ = ["TLS_POLICY", "LoadBalancer", "load_balancer"]

TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06"
"""The HTTPS listener's security policy: TLS 1.3 and 1.2 only."""

SecurityGroupRule = aws.vpc.SecurityGroupIngressRule | aws.vpc.SecurityGroupEgressRule


@dataclass(frozen=True)
class LoadBalancer:
    """The ALB with its listeners and target group, and the chained security groups: the ALB's
    (clients in, the service's port out) and the tasks' (the ALB in, HTTPS out)."""

    alb: aws.lb.LoadBalancer
    target_group: aws.lb.TargetGroup
    https_listener: aws.lb.Listener
    http_listener: aws.lb.Listener
    alb_security_group: aws.ec2.SecurityGroup
    service_security_group: aws.ec2.SecurityGroup
    security_group_rules: tuple[SecurityGroupRule, ...]
    web_acl_association: aws.wafv2.WebAclAssociation | None


def _chained_security_groups(
    name: str,
    context: PlatformContext,
    args: FargateServiceArgs,
    *,
    ingress_cidrs: Sequence[str],
    tags: Mapping[str, str],
    parent: pulumi.Resource,
) -> tuple[aws.ec2.SecurityGroup, aws.ec2.SecurityGroup, tuple[SecurityGroupRule, ...]]:
    """The ALB's and the tasks' security groups, every rule a separate resource with a
    description: ``ingress_cidrs`` -> ALB on 443 and 80 -> tasks on the container port -> 443 out.
    """
    child = pulumi.ResourceOptions(parent=parent)
    port = args.container_port
    alb_security_group = aws.ec2.SecurityGroup(
        f"{name}-alb-sg",
        name=physical_name(context, name, Service.SECURITY_GROUP, suffix="alb", within=parent),
        description=f"ALB of {context.name_prefix}-{name}: HTTPS (and HTTP redirect) from"
        " allowed networks, to the service on its port",
        vpc_id=args.vpc_id,
        tags=dict(tags),
        opts=child,
    )
    service_security_group = aws.ec2.SecurityGroup(
        f"{name}-service-sg",
        name=physical_name(context, name, Service.SECURITY_GROUP, suffix="service", within=parent),
        description=f"Tasks of {context.name_prefix}-{name}: from the ALB on {port} only,"
        " HTTPS out to AWS APIs",
        vpc_id=args.vpc_id,
        tags=dict(tags),
        opts=child,
    )
    rules: list[SecurityGroupRule] = [
        aws.vpc.SecurityGroupIngressRule(
            f"{name}-alb-in-{listener_port}-{index}",
            security_group_id=alb_security_group.id,
            description=f"{what} from {cidr}",
            ip_protocol="tcp",
            from_port=listener_port,
            to_port=listener_port,
            cidr_ipv4=cidr,
            tags=dict(tags),
            opts=child,
        )
        for index, cidr in enumerate(ingress_cidrs)
        for listener_port, what in ((443, "HTTPS"), (80, "HTTP, redirected to HTTPS"))
    ]
    rules.append(
        aws.vpc.SecurityGroupEgressRule(
            f"{name}-alb-out-to-service",
            security_group_id=alb_security_group.id,
            description=f"To the service's tasks on {port}",
            ip_protocol="tcp",
            from_port=port,
            to_port=port,
            referenced_security_group_id=service_security_group.id,
            tags=dict(tags),
            opts=child,
        )
    )
    rules.append(
        aws.vpc.SecurityGroupIngressRule(
            f"{name}-service-in-from-alb",
            security_group_id=service_security_group.id,
            description=f"From the ALB on {port}",
            ip_protocol="tcp",
            from_port=port,
            to_port=port,
            referenced_security_group_id=alb_security_group.id,
            tags=dict(tags),
            opts=child,
        )
    )
    rules.append(
        aws.vpc.SecurityGroupEgressRule(
            f"{name}-service-out-https",
            security_group_id=service_security_group.id,
            description="HTTPS to AWS APIs (ECR, CloudWatch Logs, Secrets Manager) via NAT or"
            " VPC endpoints",
            ip_protocol="tcp",
            from_port=443,
            to_port=443,
            cidr_ipv4="0.0.0.0/0",
            tags=dict(tags),
            opts=child,
        )
    )
    return alb_security_group, service_security_group, tuple(rules)


def load_balancer(
    name: str,
    context: PlatformContext,
    args: FargateServiceArgs,
    *,
    ingress_cidrs: Sequence[str],
    tags: Mapping[str, str],
    parent: pulumi.Resource,
) -> LoadBalancer:
    """An ALB (internal unless ``args.internet_facing``) that serves HTTPS with ``TLS_POLICY``
    and only redirects HTTP, forwarding to an IP target group on the container port; reachable
    from ``ingress_cidrs`` only."""
    alb_security_group, service_security_group, rules = _chained_security_groups(
        name, context, args, ingress_cidrs=ingress_cidrs, tags=tags, parent=parent
    )
    child = pulumi.ResourceOptions(parent=parent)
    access_logs = (
        aws.lb.LoadBalancerAccessLogsArgs(
            bucket=args.access_logs_bucket, prefix=args.access_logs_prefix, enabled=True
        )
        if args.access_logs_bucket
        else None
    )
    alb = aws.lb.LoadBalancer(
        f"{name}-alb",
        name=physical_name(context, name, Service.ALB, within=parent),
        load_balancer_type="application",
        internal=not args.internet_facing,
        subnets=list(args.public_subnet_ids if args.internet_facing else args.private_subnet_ids),
        security_groups=[alb_security_group.id],
        drop_invalid_header_fields=True,
        desync_mitigation_mode="defensive",
        enable_deletion_protection=context.profile.deletion_protection,
        access_logs=access_logs,
        idle_timeout=60,
        tags=dict(tags),
        opts=child,
    )
    target_group = aws.lb.TargetGroup(
        f"{name}-tg",
        name=physical_name(context, name, Service.TARGET_GROUP, within=parent),
        target_type="ip",
        protocol="HTTP",
        port=args.container_port,
        vpc_id=args.vpc_id,
        deregistration_delay=args.deregistration_delay_seconds,
        health_check=aws.lb.TargetGroupHealthCheckArgs(
            enabled=True,
            protocol="HTTP",
            port="traffic-port",
            path=args.health_check_path,
            matcher=args.health_check_matcher,
            interval=15,
            timeout=5,
            healthy_threshold=2,
            unhealthy_threshold=3,
        ),
        tags=dict(tags),
        opts=child,
    )
    https_listener = aws.lb.Listener(
        f"{name}-https",
        load_balancer_arn=alb.arn,
        port=443,
        protocol="HTTPS",
        ssl_policy=TLS_POLICY,
        certificate_arn=args.certificate_arn,
        default_actions=[
            aws.lb.ListenerDefaultActionArgs(type="forward", target_group_arn=target_group.arn)
        ],
        tags=dict(tags),
        opts=child,
    )
    http_listener = aws.lb.Listener(
        f"{name}-http-redirect",
        load_balancer_arn=alb.arn,
        port=80,
        protocol="HTTP",
        default_actions=[
            aws.lb.ListenerDefaultActionArgs(
                type="redirect",
                redirect=aws.lb.ListenerDefaultActionRedirectArgs(
                    port="443", protocol="HTTPS", status_code="HTTP_301"
                ),
            )
        ],
        tags=dict(tags),
        opts=child,
    )
    web_acl_association = (
        aws.wafv2.WebAclAssociation(
            f"{name}-waf", resource_arn=alb.arn, web_acl_arn=args.web_acl_arn, opts=child
        )
        if args.web_acl_arn is not None
        else None
    )
    return LoadBalancer(
        alb=alb,
        target_group=target_group,
        https_listener=https_listener,
        http_listener=http_listener,
        alb_security_group=alb_security_group,
        service_security_group=service_security_group,
        security_group_rules=rules,
        web_acl_association=web_acl_association,
    )
