"""An encrypted log group whose key policy (a separate aws.kms.KeyPolicy built with
get_policy_document) admits `logs.amazonaws.com`: CloudWatch Logs calls KMS as the regional
principal `logs.<region>.amazonaws.com`, so CreateLogGroup fails. kms-key-policy-fits-integrations
must name the key."""

import pulumi_aws as aws

TAGS = {
    "Environment": "dev",
    "Project": "policy-tests",
    "Owner": "platform-team",
    "CostCenter": "cc-1",
    "DataClassification": "internal",
    "ManagedBy": "pulumi",
}

account = aws.get_caller_identity().account_id
region = aws.get_region().name
document = aws.iam.get_policy_document(
    statements=[
        aws.iam.GetPolicyDocumentStatementArgs(
            sid="AccountAdmin",
            principals=[
                aws.iam.GetPolicyDocumentStatementPrincipalArgs(
                    type="AWS", identifiers=[f"arn:aws:iam::{account}:root"]
                )
            ],
            actions=["kms:*"],
            resources=["*"],
        ),
        aws.iam.GetPolicyDocumentStatementArgs(
            sid="CloudWatchLogs",
            principals=[
                aws.iam.GetPolicyDocumentStatementPrincipalArgs(
                    type="Service", identifiers=["logs.amazonaws.com"]
                )
            ],
            actions=[
                "kms:Encrypt*",
                "kms:Decrypt*",
                "kms:ReEncrypt*",
                "kms:GenerateDataKey*",
                "kms:Describe*",
            ],
            resources=["*"],
            conditions=[
                aws.iam.GetPolicyDocumentStatementConditionArgs(
                    test="ArnLike",
                    variable="kms:EncryptionContext:aws:logs:arn",
                    values=[f"arn:aws:logs:{region}:{account}:log-group:*"],
                )
            ],
        ),
    ]
)
key = aws.kms.Key(
    "audit-logs",
    description="audit log group encryption",
    enable_key_rotation=True,
    policy=document.json,
    tags=TAGS,
)
aws.kms.KeyPolicy("audit-logs", key_id=key.id, policy=document.json)
aws.cloudwatch.LogGroup("audit", retention_in_days=365, kms_key_id=key.arn, tags=TAGS)
