"""DynamoDB tables, and the stack rule on provisioned tables' auto scaling."""

from __future__ import annotations

from collections.abc import Iterator

from ..lib import (
    Category,
    Context,
    Finding,
    Resource,
    Severity,
    Stack,
    is_unknown,
    resource_rule,
    stack_rule,
    undecided,
)
from ._common import (
    SCALING_TARGET,
    TABLE,
)

TABLE_REPLICA = "aws:dynamodb/tableReplica:TableReplica"


def _replicas(r: Resource) -> Iterator[tuple[str, dict[str, object]]]:
    """(region, settings) of each global-table replica a table declares inline.

    Each replica has its own point-in-time recovery (default off) and its own key: without
    `kms_key_arn` a replica uses the AWS-managed alias/aws/dynamodb key of its region even when
    the table has a CMK (pulumi-aws `dynamodb.Table` docs, `replicas`; a KMS key is regional,
    so the table's key cannot encrypt a replica in another region)."""
    replicas = r.props.array("replicas")
    if not isinstance(replicas, list):
        return
    for index, replica in enumerate(replicas):
        if isinstance(replica, dict):
            yield str(replica.get("regionName") or index), replica


@resource_rule(
    name="dynamodb-table-point-in-time-recovery",
    types=(TABLE, TABLE_REPLICA),
    description="DynamoDB tables and each of their global-table replicas have point-in-time"
    " recovery on.",
    severity=Severity.HIGH,
    category=Category.DATA_LOSS,
    anchors=("AwsSolutions-DDB3", "CKV_AWS_28", "SH DynamoDB.2"),
    rationale="PITR is the only way back from a bad write or delete in the last 35 days.",
    fix="Set point_in_time_recovery={'enabled': True}, and point_in_time_recovery=True on each"
    " replica (replicas entries and aws.dynamodb.TableReplica).",
    unknown="Skips the table (or a replica) while its PITR setting is unknown.",
)
def dynamodb_table_pitr(r: Resource, ctx: Context) -> Iterator[str]:
    if r.type == TABLE_REPLICA:
        if r.props.flag("pointInTimeRecovery") is False:
            yield f"replica {r.name} has no point-in-time recovery"
        return
    enabled = r.props.flag("pointInTimeRecovery.enabled")
    if not is_unknown(enabled) and enabled is not True:
        yield f"table {r.name} has no point-in-time recovery"
    for region, replica in _replicas(r):
        pitr = replica.get("pointInTimeRecovery")
        if not is_unknown(pitr) and pitr is not True and str(pitr).lower() != "true":
            yield f"table {r.name}: replica in {region} has no point-in-time recovery"


@resource_rule(
    name="dynamodb-table-encryption-not-disabled",
    types=(TABLE,),
    description="DynamoDB tables do not turn server-side encryption off explicitly.",
    severity=Severity.LOW,
    category=Category.SECURITY,
    anchors=("awsguard:dynamodb-table-encryption-enabled",),
    rationale="awsguard flags serverSideEncryption.enabled=false (AWS-owned key, no audit).",
    fix="Set server_side_encryption={'enabled': True, 'kms_key_arn': <CMK ARN>}.",
    unknown="Skips the table while serverSideEncryption.enabled is unknown.",
)
def dynamodb_table_encryption_not_disabled(r: Resource, ctx: Context) -> Iterator[str]:
    if r.props.flag("serverSideEncryption.enabled") is False:
        yield f"table {r.name} sets server_side_encryption.enabled to false"


@resource_rule(
    name="dynamodb-table-customer-managed-key",
    types=(TABLE, TABLE_REPLICA),
    description="DynamoDB tables and each of their global-table replicas are encrypted with a"
    " customer-managed KMS key.",
    severity=Severity.MEDIUM,
    category=Category.SECURITY,
    anchors=("CKV_AWS_119",),
    rationale="A CMK puts reads of the data under a key policy we control and audit.",
    fix="Set server_side_encryption={'enabled': True, 'kms_key_arn': <CMK ARN>}.",
    unknown="Says it cannot decide (advisory) for the table while serverSideEncryption is unknown;"
    " skips a replica while its key is unknown.",
)
def dynamodb_table_customer_managed_key(r: Resource, ctx: Context) -> Iterator[str]:
    if r.type == TABLE_REPLICA:
        if _aws_managed(r.props.get("kmsKeyArn")):
            yield f"replica {r.name} is not encrypted with a customer-managed KMS key"
        return
    enabled = r.props.flag("serverSideEncryption.enabled")
    key = r.props.get("serverSideEncryption.kmsKeyArn")
    if is_unknown(enabled):
        undecided(f"serverSideEncryption of table {r.name}")
    if is_unknown(enabled) or is_unknown(key):
        return
    if enabled is not True or _aws_managed(key):
        yield f"table {r.name} is not encrypted with a customer-managed KMS key"
        return
    for region, replica in _replicas(r):
        if _aws_managed(replica.get("kmsKeyArn")):
            yield f"table {r.name}: replica in {region} has no customer-managed KMS key"


def _aws_managed(key: object) -> bool:
    """No key (the AWS-owned or AWS-managed one) or alias/aws/dynamodb; False while unknown."""
    if is_unknown(key):
        return False
    return not key or str(key).endswith("alias/aws/dynamodb")


@resource_rule(
    name="dynamodb-table-deletion-protection",
    types=(TABLE,),
    description="DynamoDB tables have deletion protection on.",
    severity=Severity.HIGH,
    category=Category.DATA_LOSS,
    anchors=("SH DynamoDB.6",),
    rationale="A replaced or deleted table loses its data with it (FSBP DynamoDB.6).",
    fix="Set deletion_protection_enabled=True.",
    unknown="Skips the table while deletionProtectionEnabled is unknown.",
)
def dynamodb_table_deletion_protection(r: Resource, ctx: Context) -> Iterator[str]:
    enabled = r.props.flag("deletionProtectionEnabled")
    if not is_unknown(enabled) and enabled is not True:
        yield f"table {r.name} has no deletion protection"


def _looks_like_idempotency_table(r: Resource) -> bool:
    if r.props.get("hashKey") != "id":
        return False
    names = r.props.array("attributes")
    attributes = (
        {a.get("name") for a in names if isinstance(a, dict)} if isinstance(names, list) else set()
    )
    table_name = r.props.get("name")
    hints = [r.name, table_name if isinstance(table_name, str) else ""]
    return "expiration" in attributes or any("idempot" in h.lower() for h in hints)


@resource_rule(
    name="dynamodb-idempotency-table-ttl",
    types=(TABLE,),
    description="An idempotency table (hash key `id`) expires records through TTL `expiration`.",
    severity=Severity.MEDIUM,
    category=Category.COST,
    anchors=("stack-gap", "seed:003_8c92289b843c3960.txt"),
    rationale="Powertools idempotency writes one record per event with an `expiration` "
    "attribute; without TTL the table grows forever (DESIGN contract 4).",
    fix="Set ttl={'enabled': True, 'attribute_name': 'expiration'}.",
    unknown="Says it cannot decide (advisory) for the table while its ttl block is unknown.",
)
def dynamodb_idempotency_table_ttl(r: Resource, ctx: Context) -> Iterator[str]:
    if not _looks_like_idempotency_table(r):
        return
    enabled, attribute = r.props.flag("ttl.enabled"), r.props.get("ttl.attributeName")
    if is_unknown(enabled) or is_unknown(attribute):
        undecided(f"the TTL of table {r.name}")
        return
    if enabled is not True or attribute != "expiration":
        yield f"idempotency table {r.name} has no TTL on `expiration`"


@stack_rule(
    name="dynamodb-table-autoscaling",
    description="Tables with provisioned capacity have read and write auto scaling targets.",
    severity=Severity.LOW,
    category=Category.COST,
    anchors=("pk:DynamoDBAutoScalingEnabled", "CKV2_AWS_16", "SH DynamoDB.1"),
    rationale="Fixed provisioned capacity throttles at peaks and overpays at night; on-demand "
    "(the reference workload's choice, seed 003) needs nothing.",
    fix="Use billing_mode PAY_PER_REQUEST, or add aws.appautoscaling.Target for "
    "dynamodb:table:ReadCapacityUnits and WriteCapacityUnits.",
    unknown="Skips a table while its billing mode or a scaling target's resourceId is unknown.",
)
def dynamodb_table_autoscaling(stack: Stack, ctx: Context) -> Iterator[Finding]:
    targets = stack.of_type(SCALING_TARGET)
    for table in stack.of_type(TABLE):
        mode = table.props.get("billingMode")
        name = table.props.get("name")
        if is_unknown(mode) or mode == "PAY_PER_REQUEST":
            continue
        dims: set[str] = set()
        unknown = is_unknown(name)
        for target in targets:
            resource_id = target.props.get("resourceId")
            if is_unknown(resource_id):
                if table.urn in target.property_dependencies.get("resourceId", ()):
                    dims.add(str(target.props.get("scalableDimension")))
                else:
                    unknown = True
            elif resource_id == f"table/{name}":
                dims.add(str(target.props.get("scalableDimension")))
        wanted = {"dynamodb:table:ReadCapacityUnits", "dynamodb:table:WriteCapacityUnits"}
        if not wanted <= dims and not unknown:
            yield Finding.on(
                table, f"provisioned table {table.name} has no read/write auto scaling"
            )


RULES = [
    dynamodb_table_pitr,
    dynamodb_table_encryption_not_disabled,
    dynamodb_table_customer_managed_key,
    dynamodb_table_deletion_protection,
    dynamodb_idempotency_table_ttl,
    dynamodb_table_autoscaling,
]

EXCLUDED_ANCHORS = {
    "pk:DynamoDBInBackupPlan": "Backup plans select resources by tag from outside the program "
    "(AWS Backup is run by the account's platform team); the program cannot show it.",
    "SH DynamoDB.4": "Same as pk:DynamoDBInBackupPlan: assigned outside the program.",
}
