"""A one-off migration host: the user data loads the schema with the admin password on the
mysql command line. ec2-lt-no-secrets-in-user-data must name the instance (user data of an
aws.ec2.Instance is plain text)."""

import pulumi_aws as aws

TAGS = {
    "Environment": "dev",
    "Project": "policy-tests",
    "Owner": "platform-team",
    "CostCenter": "cc-1",
    "DataClassification": "internal",
    "ManagedBy": "pulumi",
}

ami = aws.ec2.get_ami(
    most_recent=True,
    owners=["amazon"],
    filters=[{"name": "name", "values": ["al2023-ami-*-x86_64"]}],
)

USER_DATA = """#!/bin/bash
set -euo pipefail
dnf install -y mariadb105
aws s3 cp s3://orders-migrations/schema.sql /tmp/schema.sql
mysql -h orders-db.internal -u admin -pN7rQ2xWv5kLm orders < /tmp/schema.sql
"""

aws.ec2.Instance(
    "schema-loader",
    ami=ami.id,
    instance_type="t3.micro",
    subnet_id="subnet-0a1b2c3d4e5f60718",
    metadata_options={"http_endpoint": "enabled", "http_tokens": "required"},
    root_block_device={"encrypted": True, "volume_size": 16},
    user_data=USER_DATA,
    tags=TAGS,
)
