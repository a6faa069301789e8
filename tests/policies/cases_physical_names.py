"""Cases for policies/rules/physical_names.py (physical-names-unique): two resources of one
AWS namespace, one explicit name.

The violation is on every claimant but the one with the smallest URN (a stable choice)."""

from __future__ import annotations

import json

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
FUNCTION = "aws:lambda/function:Function"
LAMBDA_ALIAS = "aws:lambda/alias:Alias"
PERMISSION = "aws:lambda/permission:Permission"
DASHBOARD = "aws:cloudwatch/dashboard:Dashboard"
DB = "aws:rds/instance:Instance"
SCHEDULE = "aws:scheduler/schedule:Schedule"
FN_ARN = "arn:aws:lambda:us-east-1:123456789012:function:worker"

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
    # A Lambda function is one function whether named by name, ARN or partial ARN.
    Case.fails(
        POLICY,
        by_partial := res(FUNCTION, "by-partial-arn", {"name": "123456789012:function:worker"}),
        res(FUNCTION, "by-arn", {"name": FN_ARN}),
        on=by_partial,
        label="lambda-function-by-arn-and-partial-arn",
    ),
    Case.fails(
        POLICY,
        partial := res(FUNCTION, "partial", {"name": "123456789012:function:worker"}),
        res(FUNCTION, "bare", {"name": "worker"}),
        on=partial,
        label="lambda-function-by-partial-arn",
    ),
    Case.passes(
        POLICY,
        res(FUNCTION, "east-fn", {"name": "worker"}),
        res(FUNCTION, "west-fn", {"name": "worker", "region": "eu-west-1"}),
        res(FUNCTION, "other-fn", {"name": "arn:aws:lambda:us-east-1:123456789012:function:other"}),
        label="lambda-functions-distinct",
    ),
    Case.fails(
        POLICY,
        res(LAMBDA_ALIAS, "alias-by-arn", {"name": "live", "functionName": FN_ARN}),
        alias_by_name := res(
            LAMBDA_ALIAS, "alias-by-name", {"name": "live", "functionName": "worker"}
        ),
        on=alias_by_name,
        label="lambda-alias-function-by-arn",
    ),
    Case.passes(
        POLICY,
        res(LAMBDA_ALIAS, "live-a", {"name": "live", "functionName": FN_ARN}),
        res(LAMBDA_ALIAS, "live-b", {"name": "live", "functionName": "other"}),
        label="same-alias-other-function",
    ),
    Case.fails(
        POLICY,
        res(PERMISSION, "events", {"statementId": "Allow", "function": "worker"}),
        sns := res(PERMISSION, "sns", {"statementId": "Allow", "function": FN_ARN}),
        on=sns,
        label="lambda-permission-statement-twice",
    ),
    Case.passes(
        POLICY,
        res(PERMISSION, "events-a", {"statementId": "Allow", "function": "worker"}),
        res(PERMISSION, "events-b", {"statementId": "Allow", "function": "other"}),
        label="same-statement-other-function",
    ),
    # A name generated from a prefix gets a unique suffix: never a clash, whatever the mocks
    # or the prefix.
    Case.passes(
        POLICY,
        res(
            ROLE,
            "prefixed-a",
            {"namePrefix": "app-"},
            outputs={"name": "app-1", "namePrefix": "app-"},
        ),
        res(
            ROLE,
            "prefixed-b",
            {"namePrefix": "app-"},
            outputs={"name": "app-1", "namePrefix": "app-"},
        ),
        res(QUEUE, "prefixed-q", {"namePrefix": "q-"}, outputs={"name": "q-1", "namePrefix": "q-"}),
        res(
            QUEUE, "prefixed-q2", {"namePrefix": "q-"}, outputs={"name": "q-1", "namePrefix": "q-"}
        ),
        label="name-prefix-never-clashes",
    ),
    Case.passes(
        POLICY,
        res(QUEUE, "fifo", {"name": "jobs.fifo", "fifoQueue": True}),
        res(QUEUE, "standard", {"name": "jobs"}),
        res(QUEUE, "Upper", {"name": "Jobs"}),
        label="fifo-suffix-and-case-distinguish-queues",
    ),
    Case.fails(
        POLICY,
        res(QUEUE, "fifo-1", {"name": "jobs.fifo", "fifoQueue": True}),
        fifo_2 := res(QUEUE, "fifo-2", {"name": "jobs.fifo", "fifoQueue": True}),
        on=fifo_2,
        label="fifo-queue-twice",
    ),
    # Security group names are case-insensitive within a VPC.
    Case.fails(
        POLICY,
        res(SG, "Web", {"name": "Web", "vpcId": "vpc-aaaa"}),
        sg_lower := res(SG, "web", {"name": "web", "vpcId": "vpc-aaaa"}),
        on=sg_lower,
        label="security-group-case-insensitive",
    ),
    Case.fails(
        POLICY,
        res(DASHBOARD, "ops", {"dashboardName": "ops"}),
        ops_2 := res(DASHBOARD, "ops-2", {"dashboardName": "ops"}),
        on=ops_2,
        label="dashboard-twice",
    ),
    Case.passes(
        POLICY,
        res(DASHBOARD, "ops-east", {"dashboardName": "ops"}),
        res(DASHBOARD, "ops-west", {"dashboardName": "ops", "region": "eu-west-1"}),
        label="dashboard-other-region",
    ),
    # RDS stores identifiers in lowercase.
    Case.fails(
        POLICY,
        res(DB, "Orders", {"identifier": "Orders"}),
        db_lower := res(DB, "orders", {"identifier": "orders"}),
        on=db_lower,
        label="rds-identifier-case-insensitive",
    ),
    Case.fails(
        POLICY,
        implicit_group := res(SCHEDULE, "implicit-group", {"name": "nightly"}),
        res(SCHEDULE, "explicit-group", {"name": "nightly", "groupName": "default"}),
        on=implicit_group,
        label="schedule-default-group",
    ),
    Case.passes(
        POLICY,
        res(SCHEDULE, "default-group", {"name": "nightly"}),
        res(SCHEDULE, "reports-group", {"name": "nightly", "groupName": "reports"}),
        label="schedule-other-group",
    ),
]


# --- Accounts: providers that assume roles in two accounts deploy apart; a provider that names
# no account deploys with the deployer's credentials, which may be either.
def _provider(name: str, **config: object) -> object:
    return res("pulumi:providers:aws", name, {"region": "us-east-1", **config})


def _assuming(account: str) -> str:
    return json.dumps([{"roleArn": f"arn:aws:iam::{account}:role/deploy"}])


_ACCOUNT_A = _provider("account-a", assumeRoles=_assuming("111111111111"))
_ACCOUNT_B = _provider("account-b", assumeRoles=_assuming("222222222222"))
_ACCOUNT_A_PINNED = _provider("account-a-pinned", allowedAccountIds=["111111111111"])
_ROLE_A = res(ROLE, "deployer-a", {"name": "deployer"}, provider=_ACCOUNT_A)
_ROLE_B = res(ROLE, "deployer-b", {"name": "deployer"}, provider=_ACCOUNT_B)
_ROLE_A_PINNED = res(ROLE, "deployer-pinned", {"name": "deployer"}, provider=_ACCOUNT_A_PINNED)
_ROLE_OWN = res(ROLE, "deployer-own", {"name": "deployer"})
BUCKET = "aws:s3/bucketV2:BucketV2"
_BUCKET_A = res(BUCKET, "exports-a", {"bucket": "acme-exports"}, provider=_ACCOUNT_A)
_BUCKET_B = res(BUCKET, "exports-b", {"bucket": "acme-exports"}, provider=_ACCOUNT_B)

CASES += [
    Case.passes(POLICY, _ACCOUNT_A, _ACCOUNT_B, _ROLE_A, _ROLE_B, label="role-in-two-accounts"),
    Case.fails(
        POLICY,
        _ACCOUNT_A,
        _ACCOUNT_A_PINNED,
        _ROLE_A,
        _ROLE_A_PINNED,
        on=_ROLE_A_PINNED,
        label="role-twice-in-one-account",
    ),
    Case.fails(
        POLICY, _ACCOUNT_A, _ROLE_A, _ROLE_OWN, on=_ROLE_OWN, label="role-maybe-one-account"
    ),
    # Bucket names are unique across every account of the partition.
    Case.fails(
        POLICY,
        _ACCOUNT_A,
        _ACCOUNT_B,
        _BUCKET_A,
        _BUCKET_B,
        on=_BUCKET_B,
        label="bucket-two-accounts",
    ),
]
