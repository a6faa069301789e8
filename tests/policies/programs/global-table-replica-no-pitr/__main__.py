"""A global table: the primary has PITR and a CMK, the us-west-2 replica was added with just its
region. dynamodb-table-point-in-time-recovery must name the table."""

import pulumi_aws as aws

TAGS = {
    "Environment": "dev",
    "Project": "policy-tests",
    "Owner": "platform-team",
    "CostCenter": "cc-1",
    "DataClassification": "internal",
    "ManagedBy": "pulumi",
}

key = aws.kms.Key("orders-table", description="orders table", enable_key_rotation=True, tags=TAGS)
aws.dynamodb.Table(
    "orders",
    billing_mode="PAY_PER_REQUEST",
    hash_key="order_id",
    attributes=[{"name": "order_id", "type": "S"}],
    stream_enabled=True,
    stream_view_type="NEW_AND_OLD_IMAGES",
    point_in_time_recovery={"enabled": True},
    server_side_encryption={"enabled": True, "kms_key_arn": key.arn},
    deletion_protection_enabled=True,
    replicas=[{"region_name": "us-west-2"}],
    tags=TAGS,
)
