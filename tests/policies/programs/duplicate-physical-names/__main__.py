"""Two small components of different types, both called "order-billing", each give their key
the alias "alias/<name>-key": the URNs differ (different parent types), the physical names do
not, and the second CreateAlias would fail. physical-names-unique must name the consumer's alias
(the later URN of the two)."""

import pulumi
import pulumi_aws as aws

TAGS = {
    "Environment": "dev",
    "Project": "policy-tests",
    "Owner": "platform-team",
    "CostCenter": "cc-1",
    "DataClassification": "internal",
    "ManagedBy": "pulumi",
}


class Table(pulumi.ComponentResource):
    def __init__(self, name: str) -> None:
        super().__init__("example:data:Table", name)
        child = pulumi.ResourceOptions(parent=self)
        key = aws.kms.Key(f"{name}-table-key", enable_key_rotation=True, tags=TAGS, opts=child)
        aws.kms.Alias(
            f"{name}-table-alias", name=f"alias/{name}-key", target_key_id=key.id, opts=child
        )
        aws.dynamodb.Table(
            f"{name}-table",
            name=f"{name}-records",
            hash_key="id",
            attributes=[{"name": "id", "type": "S"}],
            billing_mode="PAY_PER_REQUEST",
            server_side_encryption={"enabled": True, "kms_key_arn": key.arn},
            tags=TAGS,
            opts=child,
        )


class Consumer(pulumi.ComponentResource):
    def __init__(self, name: str) -> None:
        super().__init__("example:messaging:Consumer", name)
        child = pulumi.ResourceOptions(parent=self)
        key = aws.kms.Key(f"{name}-queue-key", enable_key_rotation=True, tags=TAGS, opts=child)
        aws.kms.Alias(
            f"{name}-queue-alias", name=f"alias/{name}-key", target_key_id=key.id, opts=child
        )
        aws.sqs.Queue(f"{name}-queue", kms_master_key_id=key.id, tags=TAGS, opts=child)


Table("order-billing")
Consumer("order-billing")
