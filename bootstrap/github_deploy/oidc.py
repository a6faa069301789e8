"""GitHub Actions' OIDC identity provider and the trust policies of the roles it may assume.

GitHub's token: issuer https://token.actions.githubusercontent.com, audience sts.amazonaws.com
for aws-actions/configure-aws-credentials, `sub` = `repo:<owner>/<repo>:environment:<name>` for a
job that names an environment, `repo:<owner>/<repo>:pull_request` for a pull-request job, and
`repo:<owner>/<repo>:ref:refs/heads/<branch>` otherwise (GitHub docs, "About security hardening
with OpenID Connect" and "Configuring OpenID Connect in Amazon Web Services"). The role's trust
must test both `aud` and `sub` with StringEquals (IAM User Guide, "Create a role for OpenID
Connect federation"); without `sub` any repository on GitHub could assume it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import pulumi
import pulumi_aws as aws

ISSUER_HOST = "token.actions.githubusercontent.com"
AUDIENCE = "sts.amazonaws.com"


def oidc_provider(
    name: str, *, tags: Mapping[str, str], opts: pulumi.ResourceOptions | None = None
) -> aws.iam.OpenIdConnectProvider:
    """The account's GitHub OIDC provider (one per account and issuer URL).

    No thumbprint: IAM trusts GitHub's certificate through its library of root CAs (IAM User
    Guide, "Create an OpenID Connect (OIDC) identity provider in IAM"; the thumbprint is
    optional since 2024).
    """
    return aws.iam.OpenIdConnectProvider(
        name,
        url=f"https://{ISSUER_HOST}",
        client_id_lists=[AUDIENCE],
        tags=dict(tags),
        opts=opts,
    )


def environment_subject(repository: str, environment: str) -> str:
    return f"repo:{repository}:environment:{environment}"


def pull_request_subject(repository: str) -> str:
    return f"repo:{repository}:pull_request"


def branch_subject(repository: str, branch: str) -> str:
    return f"repo:{repository}:ref:refs/heads/{branch}"


def trust_policy(provider_arn: str, subjects: Sequence[str]) -> dict[str, Any]:
    """Admit GitHub tokens for exactly ``subjects`` (and our audience) through the provider."""
    subject: str | list[str] = subjects[0] if len(subjects) == 1 else sorted(subjects)
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Federated": provider_arn},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {
                    "StringEquals": {
                        f"{ISSUER_HOST}:aud": AUDIENCE,
                        f"{ISSUER_HOST}:sub": subject,
                    }
                },
            }
        ],
    }


def trust_policy_json(
    provider_arn: pulumi.Input[str], subjects: Sequence[str]
) -> pulumi.Output[str]:
    return pulumi.Output.from_input(provider_arn).apply(
        lambda arn: json.dumps(trust_policy(arn, subjects))
    )
