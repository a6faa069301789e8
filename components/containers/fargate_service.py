"""FargateService: a container service on Fargate behind an HTTPS-only ALB, every part explicit.

Built from ``pulumi_aws`` resources rather than awsx's Fargate components so that every security
group rule, listener, role and log group is ours and visible to the policy pack offline.

The component reads top to bottom: validate the arguments (``fargate_validation``), then build
the children, each builder returning what it made (``task_definition``, ``load_balancer``,
``fargate_alarms``), then set the outputs. The argument types live in ``fargate_args`` and are
re-exported here, as are ``TLS_POLICY`` and ``container_definitions``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.containers.fargate_alarms import alarm_specs
from components.containers.fargate_args import (
    COMPONENT,
    CpuArchitecture,
    FargateServiceArgs,
    SecretSource,
    ServiceSecret,
)
from components.containers.fargate_validation import Resolved, validate
from components.containers.load_balancer import TLS_POLICY, load_balancer
from components.containers.task_definition import (
    container_definitions,
    execution_statements,
    task_definition,
    task_roles,
)
from components.core.alarms import create_alarm
from components.core.aws_values import LOG_RETENTION_DAYS
from components.core.context import PlatformContext
from components.core.iam import Statement
from components.core.kms import CustomerManagedKey, KeyUse
from components.core.logs import encrypted_log_group
from components.core.naming import Service, physical_name, record_component_path

__all__ = [
    "LOG_RETENTION_DAYS",
    "TLS_POLICY",
    "CpuArchitecture",
    "FargateService",
    "FargateServiceArgs",
    "SecretSource",
    "ServiceSecret",
    "container_definitions",
]


class FargateService(pulumi.ComponentResource):
    """A Fargate service in private subnets behind an HTTPS-only ALB.

    Parts: an ECS cluster with Container Insights; a task definition (awsvpc, validated CPU/
    memory, read-only root, non-root user, never privileged, awslogs to a KMS-encrypted log
    group, secrets only by ARN); separate execution and task roles; the service (no public IP,
    circuit breaker with rollback, 100/200 % deployments, grace period; ECS Exec stays off because
    AWS does not support it with a read-only root filesystem); the ALB (HTTPS with
    ``ELBSecurityPolicy-TLS13-1-2-2021-06``, HTTP only redirects, invalid headers dropped,
    defensive desync mitigation, tier deletion protection, optional access logs and WAF); an IP
    target group; chained security groups as separate rule resources; CPU and request-count
    target tracking; alarms (runbook ``docs/runbooks/ecs.md``).

    The task security group's egress is TCP 443 to 0.0.0.0/0: tasks reach AWS APIs (ECR, logs,
    Secrets Manager) through the NAT gateway or interface endpoints and nothing else.

    Attributes:
        cluster: the ECS cluster (Container Insights on).
        task_definition: the Fargate task definition and its one container.
        service: the ECS service.
        load_balancer: the Application Load Balancer.
        target_group: the IP target group the service registers its tasks in.
        https_listener: the HTTPS listener on 443, forwarding to the target group.
        http_listener: the HTTP listener on 80, redirecting to HTTPS.
        execution_role: the role the ECS agent uses (pull image, write logs, read secrets).
        task_role: the role the application uses (only ``task_statements``).
        log_group: the KMS-encrypted container log group.
        alb_security_group: the ALB's security group.
        service_security_group: the tasks' security group.
        execution_statements: the execution role's statements, as rendered.
        alarms: the six ``MetricAlarm`` resources.
        cluster_name: the ECS cluster's name.
        service_name: the ECS service's name.
        alb_dns_name: DNS name of the load balancer (point a Route 53 alias at it).
        alb_arn: ARN of the load balancer.
        target_group_arn: ARN of the IP target group.
        alb_security_group_id: the ALB's security group (admit it elsewhere to chain further).
        service_security_group_id: the tasks' security group.
        log_group_name: container log group.
        min_capacity: resolved minimum task count.
        max_capacity: resolved maximum task count.
    """

    cluster: aws.ecs.Cluster
    task_definition: aws.ecs.TaskDefinition
    service: aws.ecs.Service
    load_balancer: aws.lb.LoadBalancer
    target_group: aws.lb.TargetGroup
    https_listener: aws.lb.Listener
    http_listener: aws.lb.Listener
    execution_role: aws.iam.Role
    task_role: aws.iam.Role
    log_group: aws.cloudwatch.LogGroup
    alb_security_group: aws.ec2.SecurityGroup
    service_security_group: aws.ec2.SecurityGroup
    execution_statements: list[Statement]
    alarms: list[aws.cloudwatch.MetricAlarm]
    cluster_name: pulumi.Output[str]
    service_name: pulumi.Output[str]
    alb_dns_name: pulumi.Output[str]
    alb_arn: pulumi.Output[str]
    target_group_arn: pulumi.Output[str]
    alb_security_group_id: pulumi.Output[str]
    service_security_group_id: pulumi.Output[str]
    log_group_name: pulumi.Output[str]
    min_capacity: int
    max_capacity: int

    def __init__(
        self,
        name: str,
        context: PlatformContext,
        args: FargateServiceArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        resolved, tags = validate(name, args, context)
        super().__init__(f"platform:containers:{COMPONENT}", name, None, opts)
        record_component_path(self, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.min_capacity = resolved.min_capacity
        self.max_capacity = resolved.max_capacity
        account = aws.get_caller_identity_output(opts=pulumi.InvokeOptions(parent=self)).account_id

        key = args.kms_key or CustomerManagedKey(
            f"{name}-logs-key", context, uses={KeyUse.LOGS}, opts=child, tags=args.tags
        )
        self.log_group = encrypted_log_group(
            f"{name}-logs",
            context,
            name="/ecs/" + physical_name(context, name, Service.LOG_GROUP, within=self),
            kms_key_arn=key.arn,
            retention_days=resolved.retention,
            tags=tags,
            parent=self,
        )
        self.cluster = aws.ecs.Cluster(
            f"{name}-cluster",
            name=physical_name(context, name, Service.ECS_CLUSTER, within=self),
            settings=[aws.ecs.ClusterSettingArgs(name="containerInsights", value="enabled")],
            tags=tags,
            opts=child,
        )
        self.execution_statements = execution_statements(args, resolved, self.log_group.arn)
        roles = task_roles(
            name,
            context,
            account_id=account,
            execution_statements=self.execution_statements,
            task_statements=args.task_statements,
            tags=tags,
            parent=self,
        )
        self.execution_role = roles.execution
        self.task_role = roles.task
        self.task_definition = task_definition(
            name,
            context,
            args,
            region=context.settings.region,
            log_group_name=self.log_group.name,
            roles=roles,
            tags=tags,
            parent=self,
        )
        lb = load_balancer(
            name, context, args, ingress_cidrs=resolved.ingress_cidrs, tags=tags, parent=self
        )
        self.load_balancer = lb.alb
        self.target_group = lb.target_group
        self.https_listener = lb.https_listener
        self.http_listener = lb.http_listener
        self.alb_security_group = lb.alb_security_group
        self.service_security_group = lb.service_security_group

        self.service = aws.ecs.Service(
            f"{name}-service",
            name=physical_name(context, name, Service.ECS_SERVICE, within=self),
            cluster=self.cluster.arn,
            task_definition=self.task_definition.arn,
            desired_count=resolved.desired,
            launch_type="FARGATE",
            platform_version="LATEST",
            scheduling_strategy="REPLICA",
            network_configuration=aws.ecs.ServiceNetworkConfigurationArgs(
                subnets=list(args.private_subnet_ids),
                security_groups=[lb.service_security_group.id],
                assign_public_ip=False,
            ),
            load_balancers=[
                aws.ecs.ServiceLoadBalancerArgs(
                    target_group_arn=lb.target_group.arn,
                    container_name=name,
                    container_port=args.container_port,
                )
            ],
            deployment_circuit_breaker=aws.ecs.ServiceDeploymentCircuitBreakerArgs(
                enable=True, rollback=True
            ),
            deployment_minimum_healthy_percent=100,
            deployment_maximum_percent=200,
            health_check_grace_period_seconds=args.health_check_grace_period_seconds,
            enable_execute_command=False,
            enable_ecs_managed_tags=True,
            propagate_tags="SERVICE",
            tags=tags,
            # The service needs the target group attached to a listener and its roles'
            # permissions first; autoscaling owns the desired count after creation.
            opts=pulumi.ResourceOptions(
                parent=self,
                depends_on=[lb.https_listener, *roles.attachments],
                ignore_changes=["desiredCount"],
            ),
        )
        self.cluster_name = self.cluster.name
        self.service_name = self.service.name
        _autoscaling(
            name,
            args,
            resolved,
            cluster_name=self.cluster.name,
            service_name=self.service.name,
            alb_arn_suffix=lb.alb.arn_suffix,
            target_group_arn_suffix=lb.target_group.arn_suffix,
            tags=tags,
            parent=self,
        )
        specs = alarm_specs(
            name,
            args,
            alb_arn_suffix=lb.alb.arn_suffix,
            target_group_arn_suffix=lb.target_group.arn_suffix,
            cluster_name=self.cluster.name,
            service_name=self.service.name,
        )
        self.alarms = [
            create_alarm(f"{name}-{suffix}", context, spec, opts=child, tags=args.tags)
            for suffix, spec in specs.items()
        ]

        self.alb_dns_name = lb.alb.dns_name
        self.alb_arn = lb.alb.arn
        self.target_group_arn = lb.target_group.arn
        self.alb_security_group_id = lb.alb_security_group.id
        self.service_security_group_id = lb.service_security_group.id
        self.log_group_name = self.log_group.name
        self.register_outputs(
            {
                "cluster_name": self.cluster_name,
                "service_name": self.service_name,
                "alb_dns_name": self.alb_dns_name,
                "alb_arn": self.alb_arn,
                "target_group_arn": self.target_group_arn,
                "alb_security_group_id": self.alb_security_group_id,
                "service_security_group_id": self.service_security_group_id,
                "log_group_name": self.log_group_name,
            }
        )


@dataclass(frozen=True)
class Autoscaling:
    """The service's scalable target and its two target-tracking policies."""

    target: aws.appautoscaling.Target
    policies: tuple[aws.appautoscaling.Policy, ...]


def _autoscaling(
    name: str,
    args: FargateServiceArgs,
    resolved: Resolved,
    *,
    cluster_name: pulumi.Output[str],
    service_name: pulumi.Output[str],
    alb_arn_suffix: pulumi.Output[str],
    target_group_arn_suffix: pulumi.Output[str],
    tags: dict[str, str],
    parent: pulumi.Resource,
) -> Autoscaling:
    """Desired count between the resolved min and max, tracking average CPU and ALB requests
    per target."""
    child = pulumi.ResourceOptions(parent=parent)
    target = aws.appautoscaling.Target(
        f"{name}-scaling-target",
        service_namespace="ecs",
        scalable_dimension="ecs:service:DesiredCount",
        resource_id=pulumi.Output.concat("service/", cluster_name, "/", service_name),
        min_capacity=resolved.min_capacity,
        max_capacity=resolved.max_capacity,
        tags=tags,
        opts=child,
    )
    tracked = {
        "cpu": ("ECSServiceAverageCPUUtilization", None, args.cpu_target_percent),
        "requests": (
            "ALBRequestCountPerTarget",
            pulumi.Output.concat(alb_arn_suffix, "/", target_group_arn_suffix),
            float(args.requests_per_target),
        ),
    }
    policies = tuple(
        aws.appautoscaling.Policy(
            f"{name}-scale-on-{suffix}",
            policy_type="TargetTrackingScaling",
            service_namespace=target.service_namespace,
            scalable_dimension=target.scalable_dimension,
            resource_id=target.resource_id,
            target_tracking_scaling_policy_configuration=(
                aws.appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationArgs(
                    target_value=value,
                    predefined_metric_specification=aws.appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationPredefinedMetricSpecificationArgs(
                        predefined_metric_type=metric, resource_label=label
                    ),
                    scale_in_cooldown=300,
                    scale_out_cooldown=60,
                )
            ),
            opts=child,
        )
        for suffix, (metric, label, value) in tracked.items()
    )
    return Autoscaling(target=target, policies=policies)
