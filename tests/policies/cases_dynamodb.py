"""Cases for policies/rules/dynamodb.py: tables, global-table replicas and auto scaling."""

from __future__ import annotations

from tests.policies.harness import UNKNOWN_STRING, Case, out, res

TABLE = "aws:dynamodb/table:Table"

KEY = "arn:aws:kms:us-east-1:123456789012:key/1111"

TABLE_OK = {
    "hashKey": "id",
    "attributes": [{"name": "id", "type": "S"}],
    "billingMode": "PAY_PER_REQUEST",
    "pointInTimeRecovery": {"enabled": True},
    "serverSideEncryption": {"enabled": True, "kmsKeyArn": KEY},
    "deletionProtectionEnabled": True,
    "ttl": {"enabled": True, "attributeName": "expiration"},
}


def table(name: str, **changes: object) -> object:
    props = {**TABLE_OK, **changes}
    return res(TABLE, name, {k: v for k, v in props.items() if v is not None})


# Fixtures of the sub-block cases.
TABLE_REPLICA = "aws:dynamodb/tableReplica:TableReplica"

KEY_WEST = "arn:aws:kms:us-west-2:123456789012:key/2222"

PITR = "dynamodb-table-point-in-time-recovery"
CMK = "dynamodb-table-customer-managed-key"


def global_table(name: str, replicas: list | None = None) -> object:
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


# Fixtures of the linked-stack cases.
SCALING = "aws:appautoscaling/target:Target"

# --- DynamoDB capacity
PROVISIONED = res(
    TABLE,
    "provisioned",
    {"billingMode": "PROVISIONED", "readCapacity": 5, "writeCapacity": 5, "hashKey": "pk"},
)


def scaling(dimension: str) -> object:
    return res(
        SCALING,
        f"scale-{dimension.rsplit(':', 1)[1]}",
        {
            "resourceId": f"table/{out(PROVISIONED, 'name')}",
            "scalableDimension": dimension,
            "serviceNamespace": "dynamodb",
            "minCapacity": 1,
            "maxCapacity": 10,
        },
    )


CASES = [
    # DynamoDB
    Case.passes("dynamodb-table-point-in-time-recovery", table("pitr")),
    Case.fails("dynamodb-table-point-in-time-recovery", table("no-pitr", pointInTimeRecovery=None)),
    Case.passes("dynamodb-table-encryption-not-disabled", table("sse")),
    Case.fails(
        "dynamodb-table-encryption-not-disabled",
        table("sse-off", serverSideEncryption={"enabled": False}),
    ),
    Case.passes("dynamodb-table-customer-managed-key", table("cmk")),
    Case.fails(
        "dynamodb-table-customer-managed-key",
        table("aws-owned", serverSideEncryption={"enabled": True}),
    ),
    Case.passes("dynamodb-table-deletion-protection", table("protected")),
    Case.fails(
        "dynamodb-table-deletion-protection", table("unprotected", deletionProtectionEnabled=False)
    ),
    Case.passes("dynamodb-idempotency-table-ttl", table("idempotency")),
    Case.passes("dynamodb-idempotency-table-ttl", table("events", hashKey="shipment_id", ttl=None)),
    Case.fails("dynamodb-idempotency-table-ttl", table("idempotency-records", ttl=None)),
    # Types and sub-blocks the rules used to skip.
    # DynamoDB global-table replicas
    Case.passes(
        PITR,
        global_table(
            "global",
            [{"regionName": "us-west-2", "kmsKeyArn": KEY_WEST, "pointInTimeRecovery": True}],
        ),
    ),
    Case.fails(
        PITR, global_table("replica-no-pitr", [{"regionName": "us-west-2", "kmsKeyArn": KEY_WEST}])
    ),
    Case.passes(
        CMK, global_table("replica-cmk", [{"regionName": "eu-west-1", "kmsKeyArn": KEY_WEST}])
    ),
    Case.passes(
        CMK,
        global_table(
            "replica-key-unknown", [{"regionName": "eu-west-1", "kmsKeyArn": UNKNOWN_STRING}]
        ),
    ),
    Case.fails(
        CMK,
        global_table("replica-aws-key", [{"regionName": "eu-west-1", "pointInTimeRecovery": True}]),
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
    # Small linked stacks (stack rules).
    Case.passes(
        "dynamodb-table-autoscaling",
        PROVISIONED,
        scaling("dynamodb:table:ReadCapacityUnits"),
        scaling("dynamodb:table:WriteCapacityUnits"),
    ),
    Case.passes(
        "dynamodb-table-autoscaling",
        res(TABLE, "on-demand", {"billingMode": "PAY_PER_REQUEST", "hashKey": "pk"}),
    ),
    Case.fails(
        "dynamodb-table-autoscaling",
        PROVISIONED,
        scaling("dynamodb:table:ReadCapacityUnits"),
        on=PROVISIONED,
    ),
]
