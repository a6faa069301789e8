"""aws-platform-bootstrap: what GitHub Actions needs to deploy the platform into this account.

The account's GitHub OIDC provider; per environment a deploy role that only this repository's
jobs running in that GitHub environment can assume; one read-only preview role for pull-request
previews and drift detection (pull requests and the main branch). See README.md.
"""

import pulumi
import pulumi_aws as aws
from github_deploy.oidc import (
    branch_subject,
    environment_subject,
    oidc_provider,
    pull_request_subject,
)
from github_deploy.permissions import Scope, policy_statements
from github_deploy.roles import github_role
from github_deploy.settings import load_bootstrap_settings

from components.core.context import PlatformContext

stack_file = f"Pulumi.{pulumi.get_stack()}.yaml"
context = PlatformContext.from_stack_config(stack_file)
settings = load_bootstrap_settings(stack_file)
identity = aws.get_caller_identity()
partition = aws.get_partition().partition
region = aws.get_region().region

if settings.oidc_provider_arn:
    provider_arn: pulumi.Input[str] = settings.oidc_provider_arn
else:
    provider_arn = oidc_provider("github", tags=context.tags).arn


def scope(*tiers: str) -> Scope:
    return Scope(
        partition=partition,
        region=region,
        account=identity.account_id,
        project=settings.platform_project,
        prefixes=tuple(f"{settings.platform_project}-{tier}" for tier in tiers),
    )


deploy_roles = {
    tier.value: github_role(
        f"{settings.platform_project}-{tier.value}-deploy",
        provider_arn=provider_arn,
        subjects=[environment_subject(settings.repository, tier.value)],
        statements=policy_statements(scope(tier.value), write=True),
        description=f"pulumi up of {settings.platform_project} {tier.value} from "
        f"{settings.repository} (GitHub environment {tier.value})",
        tags=context.tags,
    )
    for tier in settings.environments
}
preview_role = github_role(
    f"{settings.platform_project}-preview",
    provider_arn=provider_arn,
    subjects=[
        pull_request_subject(settings.repository),
        branch_subject(settings.repository, settings.main_branch),
    ],
    statements=policy_statements(scope(*(t.value for t in settings.environments)), write=False),
    description=f"read-only pulumi preview and drift detection of {settings.platform_project} "
    f"from {settings.repository}",
    tags=context.tags,
)

pulumi.export("oidcProviderArn", provider_arn)
pulumi.export("deployRoleArns", {tier: role.arn for tier, role in deploy_roles.items()})
pulumi.export("previewRoleArn", preview_role.arn)
