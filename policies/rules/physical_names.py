"""Physical names: two resources of a stack never claim the same AWS name.

Pulumi tells resources apart by URN (type, parent type and logical name), AWS by physical name.
Two components of different types with one logical name both produce ``<name>-key`` aliases or
``<name>-throttles`` alarms: the URNs differ, so neither Pulumi nor a mock objects, but AWS
either refuses the second create or lets it silently overwrite or share the first.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from ..lib import Category, Context, Finding, Severity, Stack, StackResource, stack_rule
from ..lib.values import is_unknown
from ._common import (
    COMPOSITE_ALARM,
    EVENT_ARCHIVE,
    EVENT_BUS,
    EVENT_RULE,
    FUNCTION,
    IAM_POLICY,
    KMS_ALIAS,
    LOG_GROUP,
    METRIC_ALARM,
    QUEUE,
    ROLE,
    ROLE_POLICY,
    TABLE,
    TOPIC,
)

FAILS = "the second create fails"
OVERWRITES = "the second silently overwrites the first (deleting either deletes both)"
SHARES = "the second silently adopts the first when its settings match, else fails"


def _last_segment(value: str) -> str:
    """A bus, cluster or role given by ARN or by name, as its name."""
    return value.rsplit("/", 1)[-1] if value.startswith("arn:") else value


def _function_name(value: str) -> str:
    """A Lambda function given by name, ARN or partial ARN (``123456789012:function:name``),
    optionally qualified, as its name: CreateFunction, CreateAlias and AddPermission accept all
    three forms for one function (Lambda API, CreateFunction FunctionName)."""
    if ":function:" in value:
        return value.split(":function:", 1)[1].split(":", 1)[0]
    return value


@dataclass(frozen=True)
class NameSpace:
    """One AWS namespace of physical names.

    `types` share it; the name is input `prop`; names are unique per account and Region
    (`regional`), per account (IAM) or per partition (S3), and within the resource that
    `within` names when set (a rule's bus, a service's cluster). `source` is the AWS page that
    says so; `effect` what AWS does with a second resource of the same name. `name_form` and
    `within_form` turn the forms a service accepts for one name (an ARN, a partial ARN) into
    that name.
    """

    kind: str
    types: tuple[str, ...]
    source: str
    effect: str
    prop: str = "name"
    within: str | None = None
    within_default: str = ""
    regional: bool = True
    per_account: bool = True
    case_insensitive: bool = False
    name_form: Callable[[str], str] = str
    within_form: Callable[[str], str] = _last_segment


IAM_NAMES = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html"

NAMESPACES: tuple[NameSpace, ...] = (
    # "The alias must be unique in the account and Region" (KMS API CreateAlias).
    NameSpace(
        "KMS alias",
        (KMS_ALIAS,),
        "https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateAlias.html",
        FAILS,
    ),
    # PutMetricAlarm/PutCompositeAlarm create or update the alarm of that name; metric and
    # composite alarms share one list of names (DescribeAlarms AlarmNames).
    NameSpace(
        "CloudWatch alarm",
        (METRIC_ALARM,),
        "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html",
        OVERWRITES,
    ),
    NameSpace(
        "CloudWatch alarm",
        (COMPOSITE_ALARM,),
        "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutCompositeAlarm.html",
        OVERWRITES,
        prop="alarmName",
    ),
    # CreateQueue returns the existing queue when the attributes match, else QueueAlreadyExists.
    NameSpace(
        "SQS queue",
        (QUEUE,),
        "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html",
        SHARES,
    ),
    # CreateTopic is idempotent: the same name returns the existing topic's ARN.
    NameSpace(
        "SNS topic",
        (TOPIC,),
        "https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html",
        SHARES,
    ),
    # "Table names must be unique within each Region" (ResourceInUseException).
    NameSpace(
        "DynamoDB table",
        (TABLE,),
        "https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_CreateTable.html",
        FAILS,
    ),
    # CreateFunction: ResourceConflictException for an existing function name.
    NameSpace(
        "Lambda function",
        (FUNCTION,),
        "https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html",
        FAILS,
        name_form=_function_name,
    ),
    # Lambda aliases are unique per function (CreateAlias: ResourceConflictException).
    NameSpace(
        "Lambda alias",
        ("aws:lambda/alias:Alias",),
        "https://docs.aws.amazon.com/lambda/latest/api/API_CreateAlias.html",
        FAILS,
        within="functionName",
        within_form=_function_name,
    ),
    # A statement ID is unique in the function's resource-based policy (AddPermission:
    # ResourceConflictException "The statement id (...) provided already exists").
    NameSpace(
        "Lambda permission statement",
        ("aws:lambda/permission:Permission",),
        "https://docs.aws.amazon.com/lambda/latest/api/API_AddPermission.html",
        FAILS,
        prop="statementId",
        within="function",
        within_form=_function_name,
    ),
    # "IAM user, group, role, and policy names must be unique within the account. Names are not
    # distinguished by case" (IAM quotas and name requirements); instance profiles likewise.
    NameSpace("IAM role", (ROLE,), IAM_NAMES, FAILS, regional=False, case_insensitive=True),
    NameSpace(
        "IAM managed policy",
        (IAM_POLICY,),
        IAM_NAMES,
        FAILS,
        regional=False,
        case_insensitive=True,
    ),
    NameSpace(
        "IAM instance profile",
        ("aws:iam/instanceProfile:InstanceProfile",),
        IAM_NAMES,
        FAILS,
        regional=False,
        case_insensitive=True,
    ),
    NameSpace(
        "IAM user", ("aws:iam/user:User",), IAM_NAMES, FAILS, regional=False, case_insensitive=True
    ),
    NameSpace(
        "IAM group",
        ("aws:iam/group:Group",),
        IAM_NAMES,
        FAILS,
        regional=False,
        case_insensitive=True,
    ),
    # PutRolePolicy adds or updates the inline policy of that name on the role.
    NameSpace(
        "IAM inline role policy",
        (ROLE_POLICY,),
        "https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutRolePolicy.html",
        OVERWRITES,
        within="role",
        regional=False,
        case_insensitive=True,
    ),
    # PutUserPolicy / PutGroupPolicy likewise, on the user or group.
    NameSpace(
        "IAM inline user policy",
        ("aws:iam/userPolicy:UserPolicy",),
        "https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutUserPolicy.html",
        OVERWRITES,
        within="user",
        regional=False,
        case_insensitive=True,
    ),
    NameSpace(
        "IAM inline group policy",
        ("aws:iam/groupPolicy:GroupPolicy",),
        "https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutGroupPolicy.html",
        OVERWRITES,
        within="group",
        regional=False,
        case_insensitive=True,
    ),
    # CreateLogGroup: ResourceAlreadyExistsException.
    NameSpace(
        "CloudWatch Logs log group",
        (LOG_GROUP,),
        "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html",
        FAILS,
    ),
    # PutMetricFilter creates or updates the filter of that name on the log group.
    NameSpace(
        "CloudWatch Logs metric filter",
        ("aws:cloudwatch/logMetricFilter:LogMetricFilter",),
        "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutMetricFilter.html",
        OVERWRITES,
        within="logGroupName",
    ),
    # PutSubscriptionFilter creates or updates the filter of that name on the log group.
    NameSpace(
        "CloudWatch Logs subscription filter",
        ("aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter",),
        "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutSubscriptionFilter.html",
        OVERWRITES,
        within="logGroup",
    ),
    # CreateLogStream: ResourceAlreadyExistsException within the log group.
    NameSpace(
        "CloudWatch Logs log stream",
        ("aws:cloudwatch/logStream:LogStream",),
        "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogStream.html",
        FAILS,
        within="logGroupName",
    ),
    # PutDashboard: "If a dashboard with this name already exists, this call modifies that
    # dashboard, replacing its current contents."
    NameSpace(
        "CloudWatch dashboard",
        ("aws:cloudwatch/dashboard:Dashboard",),
        "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutDashboard.html",
        OVERWRITES,
        prop="dashboardName",
    ),
    # CreateEventBus / CreateArchive: ResourceAlreadyExistsException.
    NameSpace(
        "EventBridge event bus",
        (EVENT_BUS,),
        "https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_CreateEventBus.html",
        FAILS,
    ),
    NameSpace(
        "EventBridge archive",
        (EVENT_ARCHIVE,),
        "https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_CreateArchive.html",
        FAILS,
    ),
    # PutRule creates or updates the rule of that name on its event bus ("default" if none).
    NameSpace(
        "EventBridge rule",
        (EVENT_RULE,),
        "https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutRule.html",
        OVERWRITES,
        within="eventBusName",
        within_default="default",
    ),
    # CreateTargetGroup / CreateLoadBalancer: the same name and settings return the existing
    # one; other settings fail with DuplicateTargetGroupName / DuplicateLoadBalancerName.
    NameSpace(
        "ELB target group",
        ("aws:lb/targetGroup:TargetGroup", "aws:alb/targetGroup:TargetGroup"),
        "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateTargetGroup.html",
        SHARES,
    ),
    NameSpace(
        "ELB load balancer",
        ("aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer"),
        "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateLoadBalancer.html",
        SHARES,
    ),
    # CreateCluster returns the existing cluster of that name.
    NameSpace(
        "ECS cluster",
        ("aws:ecs/cluster:Cluster",),
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateCluster.html",
        SHARES,
    ),
    # Service names are unique within a cluster (CreateService).
    NameSpace(
        "ECS service",
        ("aws:ecs/service:Service",),
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html",
        FAILS,
        within="cluster",
        within_default="default",
    ),
    # RegisterTaskDefinition adds a revision to the family: two resources interleave revisions.
    NameSpace(
        "ECS task definition family",
        ("aws:ecs/taskDefinition:TaskDefinition",),
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RegisterTaskDefinition.html",
        "both register revisions of one family, and deleting either deregisters the other's",
        prop="family",
    ),
    # CreateAutoScalingGroup: AlreadyExists.
    NameSpace(
        "Auto Scaling group",
        ("aws:autoscaling/group:Group",),
        "https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_CreateAutoScalingGroup.html",
        FAILS,
    ),
    # PutScalingPolicy creates or updates the policy of that name on the group.
    NameSpace(
        "Auto Scaling policy",
        ("aws:autoscaling/policy:Policy",),
        "https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_PutScalingPolicy.html",
        OVERWRITES,
        within="autoscalingGroupName",
    ),
    # CreateLaunchTemplate: a name already in use fails.
    NameSpace(
        "EC2 launch template",
        ("aws:ec2/launchTemplate:LaunchTemplate",),
        "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateLaunchTemplate.html",
        FAILS,
    ),
    # "Names are case-insensitive and must be unique within the VPC" (CreateSecurityGroup
    # GroupName; InvalidGroup.Duplicate).
    NameSpace(
        "EC2 security group",
        ("aws:ec2/securityGroup:SecurityGroup",),
        "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSecurityGroup.html",
        FAILS,
        within="vpcId",
        within_default="(default VPC)",
        case_insensitive=True,
    ),
    # Bucket names are unique across all accounts of a partition.
    NameSpace(
        "S3 bucket",
        ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"),
        "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html",
        FAILS,
        prop="bucket",
        regional=False,
        per_account=False,
    ),
    NameSpace(
        "Secrets Manager secret",
        ("aws:secretsmanager/secret:Secret",),
        "https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_CreateSecret.html",
        FAILS,
    ),
    NameSpace(
        "SSM parameter",
        ("aws:ssm/parameter:Parameter",),
        "https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutParameter.html",
        FAILS,
    ),
    NameSpace(
        "Step Functions state machine",
        ("aws:sfn/stateMachine:StateMachine",),
        "https://docs.aws.amazon.com/step-functions/latest/apireference/API_CreateStateMachine.html",
        FAILS,
    ),
    NameSpace(
        "ECR repository",
        ("aws:ecr/repository:Repository",),
        "https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreateRepository.html",
        FAILS,
    ),
    # CreateStream / CreateDeliveryStream: ResourceInUseException for a name in use.
    NameSpace(
        "Kinesis data stream",
        ("aws:kinesis/stream:Stream",),
        "https://docs.aws.amazon.com/kinesis/latest/APIReference/API_CreateStream.html",
        FAILS,
    ),
    NameSpace(
        "Firehose stream",
        ("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream",),
        "https://docs.aws.amazon.com/firehose/latest/APIReference/API_CreateDeliveryStream.html",
        FAILS,
    ),
    # Schedules are unique within their schedule group ("default" if none); groups per Region.
    NameSpace(
        "EventBridge Scheduler schedule",
        ("aws:scheduler/schedule:Schedule",),
        "https://docs.aws.amazon.com/scheduler/latest/APIReference/API_CreateSchedule.html",
        FAILS,
        within="groupName",
        within_default="default",
    ),
    NameSpace(
        "EventBridge Scheduler schedule group",
        ("aws:scheduler/scheduleGroup:ScheduleGroup",),
        "https://docs.aws.amazon.com/scheduler/latest/APIReference/API_CreateScheduleGroup.html",
        FAILS,
    ),
    # RDS identifiers are "stored as a lowercase string" and unique per account and Region
    # (CreateDBInstance DBInstanceIdentifier, CreateDBCluster DBClusterIdentifier).
    NameSpace(
        "RDS DB instance",
        ("aws:rds/instance:Instance",),
        "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html",
        FAILS,
        prop="identifier",
        case_insensitive=True,
    ),
    NameSpace(
        "RDS DB cluster",
        ("aws:rds/cluster:Cluster",),
        "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBCluster.html",
        FAILS,
        prop="clusterIdentifier",
        case_insensitive=True,
    ),
)

_BY_TYPE: dict[str, NameSpace] = {t: ns for ns in NAMESPACES for t in ns.types}


def _scope_key(space: NameSpace, resource: StackResource) -> tuple[str, ...] | None:
    """(kind, region, within, name) identifying the physical name; None when it is unknown,
    not set or generated from a prefix (the provider then appends a unique suffix: a
    ``namePrefix`` resource's name is unique whatever the prefix) or its scope is unknown."""
    prefix = resource.props.get(f"{space.prop}Prefix")
    if is_unknown(prefix) or (isinstance(prefix, str) and prefix):
        return None
    name = resource.props.get(space.prop)
    if is_unknown(name) or not isinstance(name, str) or not name:
        return None
    name = space.name_form(name)
    region = ""
    if space.regional:
        value = resource.props.get("region")
        if is_unknown(value):
            return None
        region = value if isinstance(value, str) else ""
    within = ""
    if space.within is not None:
        value = resource.props.get(space.within)
        if is_unknown(value):
            return None
        within = (
            space.within_form(value) if isinstance(value, str) and value else space.within_default
        )
    if space.case_insensitive:
        name, within = name.lower(), within.lower()
    return (space.kind, region, within, name)


def _same_account(space: NameSpace, a: StackResource, b: StackResource) -> bool:
    """Whether `a` and `b` may be in one account: names of a partition-wide namespace always
    are; otherwise unless their providers name two different accounts (a provider that names
    none deploys with the deployer's credentials, which may be either)."""
    return not space.per_account or not a.account or not b.account or a.account == b.account


@stack_rule(
    name="physical-names-unique",
    description="No two resources of one AWS namespace (alias, alarm, queue, topic, table, "
    "function, role, log group, bus, rule, target group, ...) share an explicit physical name.",
    severity=Severity.HIGH,
    category=Category.RELIABILITY,
    anchors=("stack-gap",),
    rationale="Pulumi keys resources by URN, AWS by physical name: two components of different "
    "types with one logical name get different URNs but the same `<name>-key` alias or "
    "`<name>-throttles` alarm. AWS then fails the second create (KMS aliases, tables, "
    "functions, roles, log groups, buses), or silently overwrites or shares the first "
    "(alarms, rules, inline policies, queues, topics), and deleting either deletes both. "
    "Names are compared per account and Region (providers that assume roles in two accounts, "
    "or allow one account each, deploy apart), per account for IAM, per partition for S3, "
    "and within their bus, cluster, function, role, log group, schedule group or VPC where AWS "
    "scopes them so; without case where AWS ignores it (IAM, security groups, RDS), and as "
    "the name a service reads from any form it accepts (a Lambda function by name or ARN). A "
    "name generated from a prefix is unique and never compared.",
    fix="Give the resources distinct names: derive children's names from the owning "
    "component's full path or type (e.g. `order-billing-records` for the table next to the "
    "`order-billing` consumer), or leave the name out so the provider generates one.",
    unknown="Skips a resource whose name, name prefix, Region or scoping reference is unknown.",
)
def physical_names_unique(stack: Stack, ctx: Context) -> Iterator[Finding]:
    claims: dict[tuple[str, ...], list[tuple[StackResource, NameSpace]]] = defaultdict(list)
    for resource in stack:
        space = _BY_TYPE.get(resource.type)
        if space is None:
            continue
        key = _scope_key(space, resource)
        if key is not None:
            claims[key].append((resource, space))
    for (kind, region, within, _), owners in claims.items():
        if len(owners) < 2:
            continue
        owners.sort(key=lambda owner: owner[0].urn)  # the same report whatever the order
        for i, (resource, space) in enumerate(owners):
            first = next(
                (other for other, _ in owners[:i] if _same_account(space, other, resource)), None
            )
            if first is None:
                continue
            name = resource.props.get(space.prop)
            where = f" in {region}" if region else ""
            scope = f" (within {space.within} {within})" if space.within else ""
            yield Finding.on(
                resource,
                f"{kind} name {name!r}{where}{scope} is claimed by both {first.urn} and "
                f"{resource.urn}: {space.effect} ({space.source})",
            )


RULES = [physical_names_unique]
