"""Cases for types and sub-blocks the rules used to skip: DynamoDB global-table replicas, ECS
host volumes and mount points, Linux capabilities, provider default tags (tagsAll, Auto Scaling
groups), event patterns that still match everything, EventBridge dead-letter queues, and
AWS-managed keys on topics CloudWatch publishes to."""

from __future__ import annotations

import json

from tests.policies.harness import UNKNOWN_STRING, Case, out, res

TABLE = "aws:dynamodb/table:Table"
TABLE_REPLICA = "aws:dynamodb/tableReplica:TableReplica"
TASK = "aws:ecs/taskDefinition:TaskDefinition"
KEY = "arn:aws:kms:us-east-1:123456789012:key/1111"
KEY_WEST = "arn:aws:kms:us-west-2:123456789012:key/2222"

PITR = "dynamodb-table-point-in-time-recovery"
CMK = "dynamodb-table-customer-managed-key"
MOUNTS = "ecs-task-no-host-control-mounts"
CAPS = "ecs-task-no-dangerous-capabilities"


def table(name: str, replicas: list | None = None) -> object:
    props = {
        "hashKey": "pk",
        "attributes": [{"name": "pk", "type": "S"}],
        "billingMode": "PAY_PER_REQUEST",
        "pointInTimeRecovery": {"enabled": True},
        "serverSideEncryption": {"enabled": True, "kmsKeyArn": KEY},
        "streamEnabled": True,
        "streamViewType": "NEW_AND_OLD_IMAGES",
    }
    if replicas is not None:
        props["replicas"] = replicas
    return res(TABLE, name, props)


def task(name: str, container: dict, volumes: list | None = None) -> object:
    definition = {"name": "agent", "image": "public.ecr.aws/datadog/agent:7", **container}
    props: dict = {"family": name, "containerDefinitions": json.dumps([definition])}
    if volumes is not None:
        props["volumes"] = volumes
    return res(TASK, name, props)


def caps(*added: str) -> dict:
    return {"linuxParameters": {"capabilities": {"add": list(added), "drop": ["ALL"]}}}


CASES = [
    # DynamoDB global-table replicas
    Case.passes(
        PITR,
        table(
            "global",
            [{"regionName": "us-west-2", "kmsKeyArn": KEY_WEST, "pointInTimeRecovery": True}],
        ),
    ),
    Case.fails(
        PITR, table("replica-no-pitr", [{"regionName": "us-west-2", "kmsKeyArn": KEY_WEST}])
    ),
    Case.passes(CMK, table("replica-cmk", [{"regionName": "eu-west-1", "kmsKeyArn": KEY_WEST}])),
    Case.passes(
        CMK,
        table("replica-key-unknown", [{"regionName": "eu-west-1", "kmsKeyArn": UNKNOWN_STRING}]),
    ),
    Case.fails(
        CMK, table("replica-aws-key", [{"regionName": "eu-west-1", "pointInTimeRecovery": True}])
    ),
    Case.fails(
        PITR,
        res(
            TABLE_REPLICA,
            "west",
            {
                "globalTableArn": "arn:aws:dynamodb:us-east-1:1:table/t",
                "pointInTimeRecovery": False,
            },
        ),
    ),
    Case.passes(
        CMK,
        res(
            TABLE_REPLICA,
            "west-cmk",
            {"globalTableArn": "arn:aws:dynamodb:us-east-1:1:table/t", "kmsKeyArn": KEY_WEST},
        ),
    ),
    Case.fails(
        CMK,
        res(
            TABLE_REPLICA,
            "west-default",
            {"globalTableArn": "arn:aws:dynamodb:us-east-1:1:table/t"},
        ),
    ),
    # ECS host volumes and mount points
    Case.passes(
        MOUNTS,
        task(
            "scratch",
            {"mountPoints": [{"sourceVolume": "tmp", "containerPath": "/tmp"}]},
            [{"name": "tmp"}, {"name": "cache", "hostPath": "/mnt/cache"}],
        ),
    ),
    Case.fails(
        MOUNTS,
        task(
            "docker-socket-ro",
            {
                "mountPoints": [
                    {
                        "sourceVolume": "docker",
                        "containerPath": "/var/run/docker.sock",
                        "readOnly": True,
                    }
                ]
            },
            [{"name": "docker", "hostPath": "/var/run/docker.sock"}],
        ),
    ),
    Case.fails(
        MOUNTS,
        task(
            "host-root",
            {"mountPoints": [{"sourceVolume": "host", "containerPath": "/host"}]},
            [{"name": "host", "hostPath": "//"}],
        ),
    ),
    Case.fails(
        MOUNTS,
        task("proc", {}, [{"name": "proc", "hostPath": "/proc/"}]),
    ),
    Case.passes(
        MOUNTS,
        res(
            TASK,
            "volumes-unknown",
            {"family": "x", "volumes": UNKNOWN_STRING, "containerDefinitions": "[]"},
        ),
    ),
    # Linux capabilities
    Case.passes(CAPS, task("bind-low-port", caps("NET_BIND_SERVICE"))),
    Case.fails(CAPS, task("sys-admin", caps("SYS_ADMIN"))),
    Case.fails(CAPS, task("cap-prefixed", caps("cap_net_admin"))),
    Case.fails(CAPS, task("all-caps", caps("ALL"))),
]


# --- Provider default tags: counted where the provider applies them (tagsAll), not on Auto
# Scaling groups, which it never tags.
TAGS = "required-tags"
GOOD_TAGS = {
    "Environment": "prod",
    "Project": "shipments",
    "Owner": "platform-team",
    "CostCenter": "cc-1042",
    "DataClassification": "internal",
    "ManagedBy": "pulumi",
}
QUEUE = "aws:sqs/queue:Queue"
ASG = "aws:autoscaling/group:Group"
_tagging_provider = res("pulumi:providers:aws", "tagging", {"defaultTags": {"tags": GOOD_TAGS}})


CASES += [
    # The provider's Check puts its default tags in tagsAll of the types it applies them to.
    Case.passes(
        TAGS, _tagging_provider, res(QUEUE, "default-tagged", {}, provider=_tagging_provider)
    ),
    Case.fails(
        TAGS,
        res(
            ASG,
            "asg-relies-on-default-tags",
            {"maxSize": 2, "minSize": 1, "tags": []},
            provider=_tagging_provider,
        ),
        _tagging_provider,
    ),
    Case.fails(
        TAGS,
        res(ASG, "asg-tags-all-ignored", {"maxSize": 2, "minSize": 1, "tagsAll": GOOD_TAGS}),
    ),
]

# --- EventBridge: patterns that still match everything, DLQs the rule cannot write to, and
# AWS-managed keys on topics EventBridge or CloudWatch publish to.
PATTERN = "eventbridge-rule-pattern-not-catch-all"
RULE = "aws:cloudwatch/eventRule:EventRule"
TARGET = "aws:cloudwatch/eventTarget:EventTarget"
QUEUE_POLICY = "aws:sqs/queuePolicy:QueuePolicy"
TOPIC = "aws:sns/topic:Topic"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
DLQ_RULE = "eventbridge-dead-letter-queue-admits-events"
KEY_GRANT = "kms-key-grants-producer-service"


def rule(name: str, pattern: dict) -> object:
    return res(RULE, name, {"eventBusName": "orders", "eventPattern": json.dumps(pattern)})


CASES += [
    Case.passes(PATTERN, rule("shipments", {"source": ["shipments"], "detail-type": ["Shipped"]})),
    Case.passes(
        PATTERN,
        rule("or-specific", {"$or": [{"source": ["orders"]}, {"detail-type": ["Refund"]}]}),
    ),
    Case.fails(PATTERN, rule("empty-prefix", {"source": [{"prefix": ""}]})),
    Case.fails(PATTERN, rule("own-account", {"account": ["123456789012"]})),
    Case.fails(PATTERN, rule("anything-but", {"source": [{"anything-but": "aws.health"}]})),
    Case.fails(PATTERN, rule("star-wildcard", {"detail-type": [{"wildcard": "**"}]})),
    Case.fails(PATTERN, rule("mixed-list", {"source": ["orders", {"prefix": ""}]})),
    Case.fails(
        PATTERN,
        rule("or-open-branch", {"$or": [{"source": ["orders"]}, {"region": ["us-east-1"]}]}),
    ),
]

_rule = rule("deliveries", {"source": ["deliveries"]})
_dlq = res(QUEUE, "deliveries-dlq", {"kmsMasterKeyId": "alias/aws/sqs"})
_dlq_plain = res(QUEUE, "deliveries-dlq-sse", {"sqsManagedSseEnabled": True})


def _dlq_policy(queue: object, source: str | None) -> object:
    statement: dict = {
        "Effect": "Allow",
        "Principal": {"Service": "events.amazonaws.com"},
        "Action": "sqs:SendMessage",
        "Resource": out(queue, "arn"),
    }
    if source:
        statement["Condition"] = {"ArnEquals": {"aws:SourceArn": source}}
    return res(
        QUEUE_POLICY,
        f"{queue.name}-policy",
        {"queueUrl": out(queue, "url"), "policy": json.dumps({"Statement": [statement]})},
        deps={"queueUrl": [queue]},
    )


def _target(name: str, dlq: object) -> object:
    return res(
        TARGET,
        name,
        {
            "rule": out(_rule, "name"),
            "arn": "arn:aws:lambda:us-east-1:123456789012:function:deliver",
            "deadLetterConfig": {"arn": out(dlq, "arn")},
        },
        deps={"rule": [_rule], "deadLetterConfig": [dlq]},
    )


CASES += [
    Case.passes(
        DLQ_RULE,
        _rule,
        _dlq_plain,
        _dlq_policy(_dlq_plain, out(_rule, "arn")),
        _target("to-fn", _dlq_plain),
    ),
    Case.fails(DLQ_RULE, _target("to-fn-no-policy", _dlq_plain), _rule, _dlq_plain),
    Case.fails(
        DLQ_RULE,
        _target("to-fn-unscoped", _dlq_plain),
        _rule,
        _dlq_plain,
        _dlq_policy(_dlq_plain, None),
    ),
    Case.fails(
        KEY_GRANT,
        _dlq,
        _rule,
        _dlq_policy(_dlq, out(_rule, "arn")),
        _target("to-fn-aws-key-dlq", _dlq),
        label="dlq-aws-managed-key",
    ),
]

_managed_topic = res(TOPIC, "alarms-managed-key", {"kmsMasterKeyId": "alias/aws/sns"})
_managed_topic_arn_alias = res(
    TOPIC,
    "alarms-managed-key-arn",
    {"kmsMasterKeyId": "arn:aws:kms:us-east-1:123456789012:alias/aws/sns"},
)


def _alarm(name: str, topic: object, prop: str = "alarmActions") -> object:
    return res(
        ALARM,
        name,
        {
            "namespace": "AWS/SQS",
            "metricName": "ApproximateNumberOfMessagesVisible",
            "comparisonOperator": "GreaterThanThreshold",
            "threshold": 0,
            "evaluationPeriods": 1,
            "period": 60,
            "statistic": "Sum",
            prop: [out(topic, "arn")],
        },
        deps={prop: [topic]},
    )


CASES += [
    Case.fails(
        KEY_GRANT, _managed_topic, _alarm("dlq-depth", _managed_topic), label="alarm-aws-sns-key"
    ),
    Case.fails(
        KEY_GRANT,
        _managed_topic_arn_alias,
        _alarm("dlq-depth-ok", _managed_topic_arn_alias, "okActions"),
        label="ok-action-aws-sns-key-arn",
    ),
]
