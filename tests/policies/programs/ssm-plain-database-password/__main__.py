"""The reporting job's database password stored in Parameter Store as a plain String (the type
was copied from the host name parameter next to it).
ssm-parameter-secrets-are-secure-strings must name the password parameter only."""

import pulumi_aws as aws

TAGS = {
    "Environment": "dev",
    "Project": "policy-tests",
    "Owner": "platform-team",
    "CostCenter": "cc-1",
    "DataClassification": "internal",
    "ManagedBy": "pulumi",
}

aws.ssm.Parameter(
    "reporting-db-host",
    name="/reporting/db/host",
    type="String",
    value="reporting-db.internal",
    tags=TAGS,
)
aws.ssm.Parameter(
    "reporting-db-password",
    name="/reporting/db/password",
    type="String",
    value="Xk4vR8qTm2Lp",
    tags=TAGS,
)
