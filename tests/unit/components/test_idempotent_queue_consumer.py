"""IdempotentQueueConsumer under the SDK mocks: graph, exact IAM, visibility arithmetic, ESM,
idempotency table, composite alarm, and validation against loss and double processing."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest

from components.core.context import PlatformContext
from components.core.errors import ComponentArgumentsError
from components.core.kms import CustomerManagedKey, KeyUse
from components.messaging.idempotent_queue_consumer import (
    Access,
    IdempotentQueueConsumer,
    IdempotentQueueConsumerArgs,
    TableAccess,
    derived_visibility_timeout,
)
from components.messaging.queue_with_dead_letter import (
    QueueProducer,
    QueueWithDeadLetter,
    QueueWithDeadLetterArgs,
)
from tools.preview.program import ProgramRun, run_in_mocks

ACCOUNT = "123456789012"
PREFIX = f"arn:aws:{{}}:us-east-1:{ACCOUNT}"
QUEUE_ARN = f"arn:aws:sqs:us-east-1:{ACCOUNT}:aws-platform-dev-shipments-85bc7886"
TABLE_ARN = (
    f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/aws-platform-dev-shipments-idempotency-d49bb145"
)
EVENTS_ARN = f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/shipment-events"
CONFIG_ARN = f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/config"
TOPIC_ARN = f"arn:aws:sns:us-east-1:{ACCOUNT}:orders"
HANDLER = "shipment_events.handler"
COMPONENT = "platform:messaging:IdempotentQueueConsumer"
ESM = "aws:lambda/eventSourceMapping:EventSourceMapping"
TABLES = [
    TableAccess(
        table_arn=EVENTS_ARN,
        table_name="shipment-events",
        access=Access.WRITE,
        env_var="EVENTS_TABLE_NAME",
    ),
    TableAccess(
        table_arn=CONFIG_ARN, table_name="config", access=Access.READ, env_var="CONFIG_TABLE"
    ),
]


def _run(tier: str = "dev", **values: Any) -> ProgramRun:
    values.setdefault("handler", HANDLER)

    def program() -> None:
        IdempotentQueueConsumer(
            "shipments", PlatformContext.for_tests(tier), IdempotentQueueConsumerArgs(**values)
        )

    return run_in_mocks(program)


def _statements(run: ProgramRun) -> list[dict[str, Any]]:
    policy = json.loads(run.of_type("aws:iam/policy:Policy")[0].inputs["policy"])
    statements: list[dict[str, Any]] = policy["Statement"]
    return statements


def _key_arns(run: ProgramRun) -> list[str]:
    return [k.outputs["arn"] for k in run.of_type("aws:kms/key:Key")]


def test_graph_types_counts_and_parents() -> None:
    run = _run()
    counts = Counter(r.type for r in run.resources if r.type != "pulumi:pulumi:Stack")
    assert counts == {
        COMPONENT: 1,
        "platform:messaging:QueueWithDeadLetter": 1,
        "platform:compute:AlarmedFunction": 1,
        "platform:data:DataTable": 1,
        "platform:security:CustomerManagedKey": 1,
        "aws:kms/key:Key": 1,
        "aws:kms/alias:Alias": 1,
        "aws:sqs/queue:Queue": 2,
        "aws:sqs/queuePolicy:QueuePolicy": 2,
        "aws:sqs/redriveAllowPolicy:RedriveAllowPolicy": 1,
        "aws:dynamodb/table:Table": 1,
        "aws:iam/role:Role": 1,
        "aws:iam/policy:Policy": 1,
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment": 1,
        "aws:cloudwatch/logGroup:LogGroup": 1,
        "aws:lambda/function:Function": 1,
        ESM: 1,
        "aws:cloudwatch/metricAlarm:MetricAlarm": 7,
        "aws:cloudwatch/compositeAlarm:CompositeAlarm": 1,
    }
    component = run.of_type(COMPONENT)[0].urn
    for type_token in (
        "platform:messaging:QueueWithDeadLetter",
        "platform:compute:AlarmedFunction",
        "platform:security:CustomerManagedKey",
        "platform:data:DataTable",
        ESM,
        "aws:cloudwatch/compositeAlarm:CompositeAlarm",
    ):
        (resource,) = run.of_type(type_token)
        assert resource.parent == component, type_token
        assert resource.name.startswith("shipments")


def test_one_key_for_queue_table_logs_and_environment() -> None:
    run = _run(producers=[QueueProducer.sns_topic(TOPIC_ARN)])
    (key_arn,) = _key_arns(run)
    assert {q.inputs["kmsMasterKeyId"] for q in run.of_type("aws:sqs/queue:Queue")} == {key_arn}
    table = run.of_type("aws:dynamodb/table:Table")[0].inputs
    assert table["serverSideEncryption"] == {"enabled": True, "kmsKeyArn": key_arn}
    assert run.of_type("aws:cloudwatch/logGroup:LogGroup")[0].inputs["kmsKeyId"] == key_arn
    assert run.of_type("aws:lambda/function:Function")[0].inputs["kmsKeyArn"] == key_arn
    policy = json.loads(run.of_type("aws:kms/key:Key")[0].inputs["policy"])
    sids = [s["Sid"] for s in policy["Statement"]]
    assert sids == [
        "EnableAccountRootAndIamPolicies",
        "AllowAccountUseThroughSqs",
        "AllowSnsToSendToEncryptedQueues",
        "AllowCloudWatchLogsToEncryptLogGroups",
        "AllowAccountUseThroughDynamoDb",
        "AllowAccountUseThroughLambda",
    ]
    sns = policy["Statement"][2]
    assert sns["Principal"] == {"Service": "sns.amazonaws.com"}
    assert "kms:Decrypt" in sns["Action"] and "kms:GenerateDataKey" in sns["Action"]


def test_visibility_timeout_is_derived_from_timeout_and_window() -> None:
    assert derived_visibility_timeout(60, 0) == 360
    assert derived_visibility_timeout(30, 5) == 185
    run = _run(timeout_seconds=30, maximum_batching_window_seconds=5)
    assert run.named("shipments-queue").inputs["visibilityTimeoutSeconds"] == 185
    assert _run().named("shipments-queue").inputs["visibilityTimeoutSeconds"] == 360


def test_event_source_mapping_reports_batch_item_failures() -> None:
    run = _run(
        batch_size=50,
        maximum_batching_window_seconds=10,
        maximum_concurrency=5,
        reserved_concurrency=5,
    )
    (esm,) = run.of_type(ESM)
    assert esm.inputs["functionResponseTypes"] == ["ReportBatchItemFailures"]
    assert esm.inputs["eventSourceArn"] == QUEUE_ARN
    assert esm.inputs["functionName"].endswith(":function:aws-platform-dev-shipments-1db6e21b")
    assert (esm.inputs["batchSize"], esm.inputs["maximumBatchingWindowInSeconds"]) == (50, 10)
    assert esm.inputs["scalingConfig"] == {"maximumConcurrency": 5}
    policy = run.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")[0].urn
    assert policy in esm.dependencies


def test_idempotency_table_in_powertools_schema_with_tier_protection() -> None:
    dev = _run().of_type("aws:dynamodb/table:Table")[0].inputs
    assert dev["name"] == "aws-platform-dev-shipments-idempotency-d49bb145"
    assert dev["hashKey"] == "id"
    assert dev["attributes"] == [{"name": "id", "type": "S"}]
    assert dev["ttl"] == {"attributeName": "expiration", "enabled": True}
    assert dev["billingMode"] == "PAY_PER_REQUEST"
    assert dev["deletionProtectionEnabled"] is False
    assert dev["pointInTimeRecovery"] == {"enabled": True}
    prod = _run("prod").of_type("aws:dynamodb/table:Table")[0].inputs
    assert prod["deletionProtectionEnabled"] is True


def test_function_environment_names_the_tables() -> None:
    run = _run(tables=TABLES, idempotency_expiry_seconds=7200)
    variables = run.of_type("aws:lambda/function:Function")[0].inputs["environment"]["variables"]
    assert variables["IDEMPOTENCY_TABLE_NAME"] == "aws-platform-dev-shipments-idempotency-d49bb145"
    assert variables["IDEMPOTENCY_EXPIRY_SECONDS"] == "7200"
    assert variables["EVENTS_TABLE_NAME"] == "shipment-events"
    assert variables["CONFIG_TABLE"] == "config"


def test_iam_statement_by_statement() -> None:
    run = _run(tables=TABLES)
    (key_arn,) = _key_arns(run)
    statements = _statements(run)
    assert [s["Sid"] for s in statements[:3]] == [
        "WriteOwnLogs",
        "DecryptEnvironment",
        "WriteTraces",
    ]
    assert statements[2]["Resource"] == ["*"]
    assert statements[2]["Action"] == ["xray:PutTelemetryRecords", "xray:PutTraceSegments"]
    assert statements[3:] == [
        {
            "Sid": "ConsumeQueue",
            "Effect": "Allow",
            "Action": [
                "sqs:ChangeMessageVisibility",
                "sqs:DeleteMessage",
                "sqs:GetQueueAttributes",
                "sqs:ReceiveMessage",
            ],
            "Resource": [QUEUE_ARN],
        },
        {
            "Sid": "IdempotencyRecords",
            "Effect": "Allow",
            "Action": [
                "dynamodb:DeleteItem",
                "dynamodb:GetItem",
                "dynamodb:PutItem",
                "dynamodb:UpdateItem",
            ],
            "Resource": [TABLE_ARN],
        },
        {
            "Sid": "Table0Write",
            "Effect": "Allow",
            "Action": ["dynamodb:PutItem", "dynamodb:UpdateItem"],
            "Resource": [EVENTS_ARN],
        },
        {
            "Sid": "Table1Read",
            "Effect": "Allow",
            "Action": ["dynamodb:GetItem", "dynamodb:Query"],
            "Resource": [CONFIG_ARN],
        },
        {
            "Sid": "UseDataKeys",
            "Effect": "Allow",
            "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
            "Resource": [key_arn],
        },
    ]
    wildcard = [s for s in statements if "*" in s["Resource"]]
    assert [s["Sid"] for s in wildcard] == ["WriteTraces"]


def test_consumes_a_queue_made_elsewhere() -> None:
    def program() -> None:
        context = PlatformContext.for_tests()
        queue = QueueWithDeadLetter(
            "orders-billing",
            context,
            QueueWithDeadLetterArgs(
                visibility_timeout_seconds=360, producers=[QueueProducer.sns_topic(TOPIC_ARN)]
            ),
        )
        IdempotentQueueConsumer(
            "billing", context, IdempotentQueueConsumerArgs(handler=HANDLER, queue=queue)
        )

    run = run_in_mocks(program)
    assert len(run.of_type("platform:messaging:QueueWithDeadLetter")) == 1
    queue_key, consumer_key = _key_arns(run)
    (esm,) = run.of_type(ESM)
    billing_arn = f"arn:aws:sqs:us-east-1:{ACCOUNT}:aws-platform-dev-orders-billing-24d4d70e"
    assert esm.inputs["eventSourceArn"] == billing_arn
    statements = {s["Sid"]: s for s in _statements(run)}
    assert statements["ConsumeQueue"]["Resource"] == [billing_arn]
    assert statements["UseDataKeys"]["Resource"] == sorted([consumer_key, queue_key])
    alarm_rule = run.of_type("aws:cloudwatch/compositeAlarm:CompositeAlarm")[0].inputs
    assert "aws-platform-dev-orders-billing-dlq-has-messages-c062873f" in alarm_rule["alarmRule"]


def test_composite_unhealthy_alarm() -> None:
    run = _run()
    composite = run.of_type("aws:cloudwatch/compositeAlarm:CompositeAlarm")[0].inputs
    assert composite["alarmRule"] == (
        'ALARM("aws-platform-dev-shipments-dlq-has-messages-6b80f977") OR '
        'ALARM("aws-platform-dev-shipments-oldest-message-age-4a4a9290") OR '
        'ALARM("aws-platform-dev-shipments-errors-fced70eb")'
    )
    assert composite["alarmDescription"].endswith("/docs/runbooks/consumer.md#unhealthy")
    names = {a.name for a in run.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")}
    assert names == {
        "shipments-dlq-has-messages",
        "shipments-oldest-message-age",
        "shipments-queue-depth",
        "shipments-errors",
        "shipments-throttles",
        "shipments-duration",
        "shipments-idempotency-throttles",
    }


def _problems(**values: Any) -> list[str]:
    with pytest.raises(ComponentArgumentsError) as caught:
        _run(**values)
    return list(caught.value.problems)


def test_idempotency_expiry_must_cover_redelivery() -> None:
    (problem,) = _problems(timeout_seconds=60, max_receive_count=5, idempotency_expiry_seconds=1799)
    assert problem.startswith("idempotency_expiry_seconds: 1799 s is shorter")
    assert "5 x visibility timeout 360 s = 1800 s" in problem
    _run(timeout_seconds=60, max_receive_count=5, idempotency_expiry_seconds=1800)


def test_hand_set_visibility_must_be_six_times_the_timeout() -> None:
    (problem,) = _problems(timeout_seconds=60, visibility_timeout_seconds=359)
    assert problem.startswith("visibility_timeout_seconds: 359 s is below six times")
    _run(timeout_seconds=60, visibility_timeout_seconds=360)


def test_batching_window_must_fit_in_the_visibility_timeout() -> None:
    (problem,) = _problems(visibility_timeout_seconds=360, maximum_batching_window_seconds=1)
    assert problem.startswith("maximum_batching_window_seconds: 1 s does not fit")


def test_passed_queue_too_short_for_the_timeout() -> None:
    def program() -> None:
        context = PlatformContext.for_tests()
        queue = QueueWithDeadLetter("orders", context, QueueWithDeadLetterArgs())
        IdempotentQueueConsumer(
            "billing", context, IdempotentQueueConsumerArgs(handler=HANDLER, queue=queue, fifo=True)
        )

    with pytest.raises(ComponentArgumentsError) as caught:
        run_in_mocks(program)
    fields = [p.split(":")[0] for p in caught.value.problems]
    assert fields == ["fifo", "queue.visibility_timeout_seconds"]


def test_every_bad_field_is_reported_at_once() -> None:
    def program() -> None:
        context = PlatformContext.for_tests()
        key = CustomerManagedKey("logs-only", context, uses={KeyUse.LOGS})
        IdempotentQueueConsumer(
            "shipments",
            context,
            IdempotentQueueConsumerArgs(
                handler=HANDLER,
                content_based_deduplication=True,
                batch_size=20,
                maximum_concurrency=1,
                idempotency_expiry_seconds=60,
                tables=[TABLES[0], TABLES[0]],
                kms_key=key,
                tags={"Project": "other"},
            ),
        )

    with pytest.raises(ComponentArgumentsError) as caught:
        run_in_mocks(program)
    fields = [p.split(":")[0] for p in caught.value.problems]
    assert fields == [
        "idempotency_expiry_seconds",
        "content_based_deduplication",
        "maximum_batching_window_seconds",
        "maximum_concurrency",
        "tables",
        "kms_key",
        "tags.Project",
    ]


def test_fifo_queue_limits_batch_and_allows_dedup() -> None:
    (problem,) = _problems(
        fifo=True, batch_size=11, maximum_batching_window_seconds=1, visibility_timeout_seconds=361
    )
    assert problem.startswith("batch_size: must be 1..10 for a FIFO queue")
    run = _run(fifo=True, content_based_deduplication=True)
    queue = run.named("shipments-queue").inputs
    assert queue["name"] == "aws-platform-dev-shipments-13291c06.fifo"
    assert queue["contentBasedDeduplication"] is True


def test_maximum_concurrency_bounds_and_reservation() -> None:
    (problem,) = _problems(maximum_concurrency=1001)
    assert problem == "maximum_concurrency: must be 2..1000, got 1001"
    (problem,) = _problems(maximum_concurrency=10, reserved_concurrency=5)
    assert problem.startswith("maximum_concurrency: 10 is above reserved_concurrency 5")
    _run(maximum_concurrency=2)
    _run(maximum_concurrency=1000)
