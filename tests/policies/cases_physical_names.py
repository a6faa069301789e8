"""Cases for policies/rules/physical_names.py (physical-names-unique): two resources of one
AWS namespace, one explicit name.

The violation is on every claimant but the one with the smallest URN (a stable choice)."""

from __future__ import annotations

from tests.policies.harness import UNKNOWN_STRING, Case, res

POLICY = "physical-names-unique"
ALIAS = "aws:kms/alias:Alias"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
COMPOSITE = "aws:cloudwatch/compositeAlarm:CompositeAlarm"
ROLE = "aws:iam/role:Role"
RULE = "aws:cloudwatch/eventRule:EventRule"
QUEUE = "aws:sqs/queue:Queue"
TABLE = "aws:dynamodb/table:Table"
SG = "aws:ec2/securityGroup:SecurityGroup"
TG_LB = "aws:lb/targetGroup:TargetGroup"
TG_ALB = "aws:alb/targetGroup:TargetGroup"
BUS_ARN = "arn:aws:events:us-east-1:123456789012:event-bus/orders"

# The D1 shape: a table and a consumer named "order-billing" each make an "<name>-key" alias.
table_alias = res(ALIAS, "order-billing-table-key-alias", {"name": "alias/app-order-billing-key"})
consumer_alias = res(
    ALIAS, "order-billing-consumer-key-alias", {"name": "alias/app-order-billing-key"}
)
records_alias = res(ALIAS, "order-billing-records-alias", {"name": "alias/app-order-records-key"})


CASES = [
    Case.fails(POLICY, table_alias, consumer_alias, on=table_alias, label="alias-twice"),
    Case.passes(POLICY, table_alias, records_alias, label="distinct-aliases"),
    Case.passes(
        POLICY,
        res(ALIAS, "east", {"name": "alias/app-key", "region": "us-east-1"}),
        res(ALIAS, "west", {"name": "alias/app-key", "region": "eu-west-1"}),
        label="same-alias-other-region",
    ),
    Case.passes(
        POLICY,
        table_alias,
        res(ALIAS, "computed", {"name": UNKNOWN_STRING}, outputs={"name": UNKNOWN_STRING}),
        res(ALIAS, "computed-2", {"name": UNKNOWN_STRING}, outputs={"name": UNKNOWN_STRING}),
        label="unknown-names-skipped",
    ),
    Case.passes(
        POLICY,
        res(QUEUE, "autonamed-1", {}),
        res(QUEUE, "autonamed-2", {}),
        res(TABLE, "orders", {"name": "orders"}),
        res(QUEUE, "orders", {"name": "orders"}),
        label="autonamed-and-other-namespaces",
    ),
    # S1: a metric alarm and a composite alarm share the alarm namespace.
    Case.fails(
        POLICY,
        metric := res(ALARM, "table-throttles", {"name": "app-order-billing-throttles"}),
        res(COMPOSITE, "consumer-health", {"alarmName": "app-order-billing-throttles"}),
        on=metric,
        label="metric-and-composite-alarm",
    ),
    # IAM names are not distinguished by case.
    Case.fails(
        POLICY,
        res(ROLE, "worker", {"name": "App-Worker"}),
        lower := res(ROLE, "worker-2", {"name": "app-worker"}),
        on=lower,
        label="iam-role-case-insensitive",
    ),
    Case.passes(
        POLICY,
        res(ROLE, "east-role", {"name": "app-worker", "region": "us-east-1"}),
        res(ROLE, "other", {"name": "app-worker-2", "region": "us-east-1"}),
        label="iam-distinct",
    ),
    # Rules are unique per bus: no bus name means the default bus; a bus ARN names the bus.
    Case.passes(
        POLICY,
        res(RULE, "on-default", {"name": "shipments"}),
        res(RULE, "on-orders", {"name": "shipments", "eventBusName": "orders"}),
        label="same-rule-name-other-bus",
    ),
    Case.fails(
        POLICY,
        by_name := res(RULE, "by-name", {"name": "shipments", "eventBusName": "orders"}),
        res(RULE, "by-arn", {"name": "shipments", "eventBusName": BUS_ARN}),
        on=by_name,
        label="same-rule-same-bus",
    ),
    Case.fails(
        POLICY,
        implicit := res(RULE, "implicit", {"name": "shipments"}),
        res(RULE, "explicit", {"name": "shipments", "eventBusName": "default"}),
        on=implicit,
        label="same-rule-default-bus",
    ),
    Case.passes(
        POLICY,
        res(RULE, "known-bus", {"name": "shipments", "eventBusName": "orders"}),
        res(RULE, "unknown-bus", {"name": "shipments", "eventBusName": UNKNOWN_STRING}),
        label="unknown-bus-skipped",
    ),
    Case.passes(
        POLICY,
        res(SG, "vpc-a", {"name": "web", "vpcId": "vpc-aaaa"}),
        res(SG, "vpc-b", {"name": "web", "vpcId": "vpc-bbbb"}),
        label="security-group-per-vpc",
    ),
    # aws:lb and aws:alb are one ELBv2 namespace.
    Case.fails(
        POLICY,
        lb := res(TG_LB, "api-lb", {"name": "api-tg"}),
        res(TG_ALB, "api-alb", {"name": "api-tg"}),
        on=lb,
        label="lb-and-alb-target-group",
    ),
]
