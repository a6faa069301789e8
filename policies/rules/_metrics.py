"""The metrics AWS publishes in the namespaces the platform alarms on, with the dimension sets
each is published with (not a rule module: data for ``cloudwatch-alarm-metric-exists``, in
``cloudwatch``).

A CloudWatch metric is identified by namespace, name and its exact set of dimensions: an alarm
whose dimension set differs from every set the service publishes watches a metric that never
gets a data point. Each table is transcribed from the AWS page cited next to it; a metric or
dimension set AWS adds later is a table gap, fixed here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

DimensionSet = frozenset[str]


@dataclass(frozen=True)
class Namespace:
    """The metrics of one AWS namespace: name -> the dimension sets it is published with, and
    `value_prefixes`: dimension -> the prefix every value AWS publishes for it starts with."""

    name: str
    source: str
    metrics: Mapping[str, frozenset[DimensionSet]]
    value_prefixes: Mapping[str, str] = field(default_factory=dict)


def _sets(*sets: Iterable[str]) -> frozenset[DimensionSet]:
    return frozenset(frozenset(s) for s in sets)


def _table(published: Iterable[tuple[Iterable[str], frozenset[DimensionSet]]]) -> dict:
    out: dict[str, frozenset[DimensionSet]] = {}
    for metrics, sets in published:
        for metric in metrics:
            out[metric] = out.get(metric, frozenset()) | sets
    return out


NONE: tuple[str, ...] = ()

# Every dimension of these tables carries a name or an ID (each page: "QueueName: the name of
# the queue", "FunctionName", "TableName", "ClusterName", "RuleName", "EventBusName", ...), or
# for ELB the final portion of an ARN (value_prefixes below), never a whole ARN or a URL: a
# value that is one (a queue's `url`, a function's `arn`, an ECS cluster's `id`, which is its
# ARN) names a metric that is never published.
NEVER_VALUE_PREFIXES = ("arn:", "https://", "http://")

# https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html
# "The only dimension that Amazon SQS sends to CloudWatch is QueueName."
SQS = Namespace(
    "AWS/SQS",
    "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/"
    "sqs-available-cloudwatch-metrics.html",
    _table(
        [
            (
                (
                    "ApproximateAgeOfOldestMessage",
                    "ApproximateNumberOfGroupsWithInflightMessages",
                    "ApproximateNumberOfMessagesDelayed",
                    "ApproximateNumberOfMessagesNotVisible",
                    "ApproximateNumberOfMessagesVisible",
                    "NumberOfEmptyReceives",
                    "NumberOfDeduplicatedSentMessages",
                    "NumberOfMessagesDeleted",
                    "NumberOfMessagesReceived",
                    "NumberOfMessagesSent",
                    "SentMessageSize",
                ),
                _sets(("QueueName",)),
            )
        ]
    ),
)

# https://docs.aws.amazon.com/sns/latest/dg/sns-monitoring-using-cloudwatch.html
# Topic metrics by TopicName; mobile push by Application/Platform; SMS by Country/SMSType.
_SNS_TOPIC = (
    "NumberOfMessagesPublished",
    "NumberOfNotificationsDelivered",
    "NumberOfNotificationsFailed",
    "NumberOfNotificationsFilteredOut",
    "NumberOfNotificationsFilteredOut-InvalidAttributes",
    "NumberOfNotificationsFilteredOut-NoMessageAttributes",
    "NumberOfNotificationsFilteredOut-InvalidMessageBody",
    "NumberOfNotificationsFilteredOut-MessageBody",
    "NumberOfNotificationsRedrivenToDlq",
    "NumberOfNotificationsFailedToRedriveToDlq",
    "PublishSize",
)
SNS = Namespace(
    "AWS/SNS",
    "https://docs.aws.amazon.com/sns/latest/dg/sns-monitoring-using-cloudwatch.html",
    _table(
        [
            (_SNS_TOPIC, _sets(("TopicName",))),
            (
                ("NumberOfNotificationsDelivered", "NumberOfNotificationsFailed"),
                _sets(("Application",), ("Platform",), ("Application", "Platform")),
            ),
            (("SMSMonthToDateSpentUSD",), _sets(NONE)),
            (("SMSSuccessRate",), _sets(NONE, ("Country",), ("SMSType",), ("Country", "SMSType"))),
        ]
    ),
)

# https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html
# Per function (FunctionName), per alias or version (FunctionName+Resource), per executed version
# of an alias invocation (+ExecutedVersion), or aggregated over the account (no dimension).
_PER_FUNCTION = _sets(
    NONE,
    ("FunctionName",),
    ("FunctionName", "Resource"),
    ("FunctionName", "Resource", "ExecutedVersion"),
    ("FunctionName", "ExecutedVersion"),
)
LAMBDA = Namespace(
    "AWS/Lambda",
    "https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html",
    _table(
        [
            (
                (
                    "Invocations",
                    "Errors",
                    "DeadLetterErrors",
                    "DestinationDeliveryFailures",
                    "Throttles",
                    "OversizedRecordCount",
                    "ProvisionedConcurrencyInvocations",
                    "ProvisionedConcurrencySpilloverInvocations",
                    "RecursiveInvocationsDropped",
                    "Duration",
                    "PostRuntimeExtensionsDuration",
                    "IteratorAge",
                    "OffsetLag",
                    "ConcurrentExecutions",
                    "AsyncEventsReceived",
                    "AsyncEventAge",
                    "AsyncEventsDropped",
                ),
                _PER_FUNCTION,
            ),
            (
                ("ProvisionedConcurrentExecutions", "ProvisionedConcurrencyUtilization"),
                _sets(("FunctionName", "Resource")),
            ),
            (("UnreservedConcurrentExecutions", "ClaimedAccountConcurrency"), _sets(NONE)),
        ]
    ),
)

# https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/metrics-dimensions.html
# ThrottledRequests, SystemErrors, SuccessfulRequestLatency, ReturnedItemCount are published per
# TableName *and* Operation only; the read/write throttle events per table (and per index).
_PER_TABLE_AND_INDEX = _sets(("TableName",), ("TableName", "GlobalSecondaryIndexName"))
_PER_OPERATION = _sets(("TableName", "Operation"))
DYNAMODB = Namespace(
    "AWS/DynamoDB",
    "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/metrics-dimensions.html",
    _table(
        [
            (
                (
                    "ConsumedReadCapacityUnits",
                    "ConsumedWriteCapacityUnits",
                    "ProvisionedReadCapacityUnits",
                    "ProvisionedWriteCapacityUnits",
                    "ReadThrottleEvents",
                    "WriteThrottleEvents",
                    "ReadProvisionedThroughputThrottleEvents",
                    "WriteProvisionedThroughputThrottleEvents",
                    "ReadKeyRangeThroughputThrottleEvents",
                    "WriteKeyRangeThroughputThrottleEvents",
                    "ReadMaxOnDemandThroughputThrottleEvents",
                    "WriteMaxOnDemandThroughputThrottleEvents",
                    "ReadAccountLimitThrottleEvents",
                    "WriteAccountLimitThrottleEvents",
                ),
                _PER_TABLE_AND_INDEX,
            ),
            (
                ("ThrottledRequests", "SystemErrors", "ReturnedItemCount"),
                _PER_OPERATION,
            ),
            (
                ("SuccessfulRequestLatency", "ReturnedBytes", "ReturnedRecordsCount"),
                _PER_OPERATION | _sets(("TableName", "Operation", "StreamLabel")),
            ),
            (
                ("ConditionalCheckFailedRequests", "TimeToLiveDeletedItemCount"),
                _sets(("TableName",)),
            ),
            (("TransactionConflict",), _sets(("TableName",))),
            (
                ("OnlineIndexConsumedWriteCapacity", "OnlineIndexPercentageProgress"),
                _sets(("TableName", "GlobalSecondaryIndexName")),
            ),
            (("OnlineIndexThrottleEvents",), _sets(("TableName", "GlobalSecondaryIndexName"))),
            (
                ("ReplicationLatency", "PendingReplicationCount"),
                _sets(("TableName", "ReceivingRegion")),
            ),
            (
                (
                    "ConsumedChangeDataCaptureUnits",
                    "AgeOfOldestUnreplicatedRecord",
                    "FailedToReplicateRecordCount",
                    "ThrottledPutRecordCount",
                ),
                _sets(("TableName", "DelegatedOperation")),
            ),
            (
                (
                    "UserErrors",
                    "AccountMaxReads",
                    "AccountMaxWrites",
                    "AccountMaxTableLevelReads",
                    "AccountMaxTableLevelWrites",
                    "AccountProvisionedReadCapacityUtilization",
                    "AccountProvisionedWriteCapacityUtilization",
                    "MaxProvisionedTableReadCapacityUtilization",
                    "MaxProvisionedTableWriteCapacityUtilization",
                ),
                _sets(NONE),
            ),
        ]
    ),
)

# https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-monitoring.html
# "Metrics that specify only the RuleName dimension refer to the default event bus. Metrics that
# specify both the EventBusName and RuleName dimensions refer to a custom event bus." Rule
# metrics therefore have two sets here; `cloudwatch-alarm-metric-exists` checks which one the
# rule's bus needs.
RULE_SETS = _sets(("RuleName",), ("EventBusName", "RuleName"))
EVENTS = Namespace(
    "AWS/Events",
    "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-monitoring.html",
    _table(
        [
            (
                (
                    "DeadLetterInvocations",
                    "FailedInvocations",
                    "InvocationsFailedToBeSentToDlq",
                    "InvocationsSentToDlq",
                ),
                RULE_SETS,
            ),
            (("ThrottledRules", "TriggeredRules"), RULE_SETS | _sets(NONE)),
            (("MatchedEvents",), _sets(("EventSourceName",))),
            (
                (
                    "Invocations",
                    "InvocationAttempts",
                    "InvocationsCreated",
                    "MatchedEvents",
                    "RetryInvocationAttempts",
                    "SuccessfulInvocationAttempts",
                    "IngestionToInvocationCompleteLatency",
                    "IngestionToInvocationStartLatency",
                    "IngestionToInvocationSuccessLatency",
                ),
                RULE_SETS | _sets(NONE, ("EventBusName",)),
            ),
            (("Events",), _sets(("EventSourceName",))),
            (
                (
                    "PutEventsApproximateCallCount",
                    "PutEventsEntriesCount",
                    "PutEventsFailedEntriesCount",
                    "PutEventsLatency",
                    "PutEventsRequestSize",
                    "PutPartnerEventsApproximateCallCount",
                    "PutPartnerEventsEntriesCount",
                    "PutPartnerEventsFailedEntriesCount",
                    "PutPartnerEventsLatency",
                ),
                _sets(NONE, ("EventBusName",)),
            ),
        ]
    ),
)

# https://docs.aws.amazon.com/AmazonECS/latest/developerguide/available-metrics.html
# Cluster and service utilization (ClusterName, ClusterName+ServiceName); reservations per
# cluster (and capacity provider); Service Connect traffic per discovery name.
_SERVICE_CONNECT = _sets(
    ("DiscoveryName",),
    ("DiscoveryName", "ServiceName", "ClusterName"),
    ("TargetDiscoveryName",),
    ("TargetDiscoveryName", "ServiceName", "ClusterName"),
)
ECS = Namespace(
    "AWS/ECS",
    "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/available-metrics.html",
    _table(
        [
            (
                ("CPUUtilization", "MemoryUtilization", "EBSFilesystemUtilization"),
                _sets(("ClusterName",), ("ClusterName", "ServiceName")),
            ),
            (
                ("CPUReservation", "MemoryReservation", "GPUReservation"),
                _sets(("ClusterName",), ("ClusterName", "CapacityProviderName")),
            ),
            (
                (
                    "ActiveConnectionCount",
                    "NewConnectionCount",
                    "ProcessedBytes",
                    "RequestCount",
                    "GrpcRequestCount",
                    "HTTPCode_Target_2XX_Count",
                    "HTTPCode_Target_3XX_Count",
                    "HTTPCode_Target_4XX_Count",
                    "HTTPCode_Target_5XX_Count",
                    "RequestCountPerTarget",
                    "TargetProcessedBytes",
                    "TargetResponseTime",
                    "ClientTLSNegotiationErrorCount",
                    "TargetTLSNegotiationErrorCount",
                ),
                _SERVICE_CONNECT,
            ),
        ]
    ),
)

# https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html
# Load balancer metrics per LoadBalancer (and AvailabilityZone); target metrics also per
# TargetGroup of the LoadBalancer; a few per TargetGroup alone.
_PER_LB = _sets(("LoadBalancer",), ("LoadBalancer", "AvailabilityZone"))
_PER_TARGET_GROUP = _PER_LB | _sets(
    ("LoadBalancer", "TargetGroup"), ("LoadBalancer", "TargetGroup", "AvailabilityZone")
)
APPLICATION_ELB = Namespace(
    "AWS/ApplicationELB",
    "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/"
    "load-balancer-cloudwatch-metrics.html",
    value_prefixes={
        # "LoadBalancer: ... the final portion of the load balancer ARN
        # (app/load-balancer-name/1234567890123456)" (the provider's `arn_suffix`).
        "LoadBalancer": "app/",
        # "TargetGroup: ... the final portion of the target group ARN
        # (targetgroup/target-group-name/1234567890123456)".
        "TargetGroup": "targetgroup/",
    },
    metrics=_table(
        [
            (
                (
                    "ActiveConnectionCount",
                    "AnomalousHostCount",
                    "ClientTLSNegotiationErrorCount",
                    "ConsumedLCUs",
                    "DesyncMitigationMode_NonCompliant_Request_Count",
                    "DroppedInvalidHeaderRequestCount",
                    "ForwardedInvalidHeaderRequestCount",
                    "HTTP_Fixed_Response_Count",
                    "HTTP_Redirect_Count",
                    "HTTP_Redirect_Url_Limit_Exceeded_Count",
                    "HTTPCode_ELB_3XX_Count",
                    "HTTPCode_ELB_4XX_Count",
                    "HTTPCode_ELB_5XX_Count",
                    "HTTPCode_ELB_500_Count",
                    "HTTPCode_ELB_502_Count",
                    "HTTPCode_ELB_503_Count",
                    "HTTPCode_ELB_504_Count",
                    "IPv6ProcessedBytes",
                    "IPv6RequestCount",
                    "NewConnectionCount",
                    "NonStickyRequestCount",
                    "ProcessedBytes",
                    "RejectedConnectionCount",
                    "RuleEvaluations",
                    "ELBAuthError",
                    "ELBAuthFailure",
                    "ELBAuthLatency",
                    "ELBAuthRefreshTokenSuccess",
                    "ELBAuthSuccess",
                    "ELBAuthUserClaimsSizeExceeded",
                ),
                _PER_LB,
            ),
            (
                (
                    "GrpcRequestCount",
                    "RequestCount",
                    "HTTPCode_Target_2XX_Count",
                    "HTTPCode_Target_3XX_Count",
                    "HTTPCode_Target_4XX_Count",
                    "HTTPCode_Target_5XX_Count",
                    "TargetConnectionErrorCount",
                    "TargetResponseTime",
                    "TargetTLSNegotiationErrorCount",
                    "LambdaTargetProcessedBytes",
                    "LambdaInternalError",
                    "LambdaUserError",
                ),
                _PER_TARGET_GROUP,
            ),
            (
                (
                    "HealthyHostCount",
                    "UnHealthyHostCount",
                    "HealthyStateDNS",
                    "HealthyStateRouting",
                    "UnhealthyRoutingRequestCount",
                    "UnhealthyStateDNS",
                    "UnhealthyStateRouting",
                    "MitigatedHostCount",
                ),
                _sets(
                    ("LoadBalancer", "TargetGroup"),
                    ("LoadBalancer", "TargetGroup", "AvailabilityZone"),
                ),
            ),
            (
                ("RequestCountPerTarget",),
                _sets(("TargetGroup",), ("LoadBalancer", "TargetGroup")),
            ),
        ]
    ),
)

# https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-metrics.html
# Group metrics have one dimension, AutoScalingGroupName; predictive scaling metrics add the
# policy and the metric pair.
AUTOSCALING = Namespace(
    "AWS/AutoScaling",
    "https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-metrics.html",
    _table(
        [
            (
                (
                    "GroupMinSize",
                    "GroupMaxSize",
                    "GroupDesiredCapacity",
                    "GroupInServiceInstances",
                    "GroupPendingInstances",
                    "GroupStandbyInstances",
                    "GroupTerminatingInstances",
                    "GroupTotalInstances",
                    "GroupInServiceCapacity",
                    "GroupPendingCapacity",
                    "GroupStandbyCapacity",
                    "GroupTerminatingCapacity",
                    "GroupTotalCapacity",
                    "WarmPoolMinSize",
                    "WarmPoolDesiredCapacity",
                    "WarmPoolPendingCapacity",
                    "WarmPoolTerminatingCapacity",
                    "WarmPoolWarmedCapacity",
                    "WarmPoolTotalCapacity",
                    "GroupAndWarmPoolDesiredCapacity",
                    "GroupAndWarmPoolTotalCapacity",
                ),
                _sets(("AutoScalingGroupName",)),
            ),
            (
                (
                    "PredictiveScalingLoadForecast",
                    "PredictiveScalingCapacityForecast",
                    "PredictiveScalingMetricPairCorrelation",
                ),
                _sets(("AutoScalingGroupName", "PolicyName", "PairIndex")),
            ),
        ]
    ),
)

# https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/viewing_metrics_with_cloudwatch.html
# Instance metrics per InstanceId, per AutoScalingGroupName, per ImageId or InstanceType
# (detailed monitoring), or aggregated over the Region (no dimension).
_PER_INSTANCE = _sets(
    NONE, ("InstanceId",), ("AutoScalingGroupName",), ("ImageId",), ("InstanceType",)
)
EC2 = Namespace(
    "AWS/EC2",
    "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/viewing_metrics_with_cloudwatch.html",
    _table(
        [
            (
                (
                    "CPUUtilization",
                    "CPUCreditUsage",
                    "CPUCreditBalance",
                    "CPUSurplusCreditBalance",
                    "CPUSurplusCreditsCharged",
                    "DiskReadOps",
                    "DiskWriteOps",
                    "DiskReadBytes",
                    "DiskWriteBytes",
                    "NetworkIn",
                    "NetworkOut",
                    "NetworkPacketsIn",
                    "NetworkPacketsOut",
                    "MetadataNoToken",
                    "MetadataNoTokenRejected",
                    "StatusCheckFailed",
                    "StatusCheckFailed_Instance",
                    "StatusCheckFailed_System",
                    "StatusCheckFailed_AttachedEBS",
                    "EBSReadOps",
                    "EBSWriteOps",
                    "EBSReadBytes",
                    "EBSWriteBytes",
                    "EBSIOBalance%",
                    "EBSByteBalance%",
                ),
                _PER_INSTANCE,
            ),
        ]
    ),
)

# https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CloudWatch-Logs-Monitoring-CloudWatch-Metrics.html
# Ingestion per log group (or the account); subscription delivery per log group, destination
# type and filter.
_SUBSCRIPTION = _sets(NONE, ("LogGroupName", "DestinationType", "FilterName"))
LOGS = Namespace(
    "AWS/Logs",
    "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/"
    "CloudWatch-Logs-Monitoring-CloudWatch-Metrics.html",
    _table(
        [
            (("IncomingBytes", "IncomingLogEvents"), _sets(NONE, ("LogGroupName",))),
            (
                ("ForwardedBytes", "ForwardedLogEvents", "DeliveryErrors", "DeliveryThrottling"),
                _SUBSCRIPTION,
            ),
            (
                (
                    "LogEventsWithFindings",
                    "EMFParsingErrors",
                    "EMFValidationErrors",
                    "TransformationErrors",
                    "TransformedBytes",
                    "TransformedLogEvents",
                ),
                _sets(("LogGroupName",)),
            ),
        ]
    ),
)

NAMESPACES: Mapping[str, Namespace] = {
    ns.name: ns
    for ns in (SQS, SNS, LAMBDA, DYNAMODB, EVENTS, ECS, APPLICATION_ELB, AUTOSCALING, EC2, LOGS)
}
