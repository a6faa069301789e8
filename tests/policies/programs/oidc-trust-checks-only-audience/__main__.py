"""A deploy role for GitHub Actions whose trust checks only the token's audience: every
repository on GitHub can assume it. iam-role-trust-policy-restricted must name the role."""

import pulumi_aws as aws

TAGS = {
    "Environment": "dev",
    "Project": "policy-tests",
    "Owner": "platform-team",
    "CostCenter": "cc-1",
    "DataClassification": "internal",
    "ManagedBy": "pulumi",
}

github = aws.iam.OpenIdConnectProvider(
    "github",
    url="https://token.actions.githubusercontent.com",
    client_id_lists=["sts.amazonaws.com"],
    tags=TAGS,
)
trust = aws.iam.get_policy_document_output(
    statements=[
        {
            "effect": "Allow",
            "actions": ["sts:AssumeRoleWithWebIdentity"],
            "principals": [{"type": "Federated", "identifiers": [github.arn]}],
            "conditions": [
                {
                    "test": "StringEquals",
                    "variable": "token.actions.githubusercontent.com:aud",
                    "values": ["sts.amazonaws.com"],
                }
            ],
        }
    ]
)
aws.iam.Role("deploy", assume_role_policy=trust.json, max_session_duration=3600, tags=TAGS)
