"""The bootstrap stack's own settings (config namespace `aws-platform-bootstrap`)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import pulumi

from components.core.errors import ProblemCollector
from components.core.settings import DEFAULT_PROJECT, Tier

NAMESPACE = "aws-platform-bootstrap"
_REPOSITORY = re.compile(r"^[A-Za-z0-9-]+/[A-Za-z0-9._-]+$")  # GitHub owner/name characters
_BRANCH = re.compile(r"^[A-Za-z0-9._/-]+$")
_OIDC_ARN = re.compile(
    r"^arn:aws[a-z-]*:iam::\d{12}:oidc-provider/token\.actions\.githubusercontent\.com$"
)
_KEYS = ("githubRepository", "environments", "platformProject", "mainBranch", "oidcProviderArn")


@dataclass(frozen=True, kw_only=True)
class BootstrapSettings:
    """Which repository deploys, into which environments of which platform project."""

    repository: str
    environments: tuple[Tier, ...]
    platform_project: str = DEFAULT_PROJECT
    main_branch: str = "main"
    oidc_provider_arn: str | None = None


def _environments(raw: Any, problems: ProblemCollector) -> tuple[Tier, ...]:
    if raw is None:
        return tuple(Tier)
    try:
        values = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        values = None
    if not isinstance(values, list) or not values:
        problems.add(f'{NAMESPACE}:environments: expected a JSON list such as ["dev", "prod"]')
        return ()
    tiers = {t.value for t in Tier}
    unknown = [v for v in values if v not in tiers]
    if unknown:
        problems.add(
            f"{NAMESPACE}:environments: {unknown} not among {', '.join(t.value for t in Tier)}"
        )
        return ()
    return tuple(Tier(v) for v in dict.fromkeys(values))


def load_bootstrap_settings(stack_file: str) -> BootstrapSettings:
    """Read and validate the namespace; every problem is reported in one StackConfigError."""
    config = pulumi.Config(NAMESPACE)
    problems = ProblemCollector.for_stack_file(stack_file)
    present = {
        key.split(":", 1)[1]
        for key in pulumi.runtime.config.CONFIG.get()
        if key.startswith(f"{NAMESPACE}:")
    }
    for key in sorted(present - set(_KEYS)):
        problems.add(f"{NAMESPACE}:{key}: unknown key (known keys: {', '.join(_KEYS)})")
    repository = config.get("githubRepository") or ""
    if not _REPOSITORY.match(repository):
        problems.add(
            f"{NAMESPACE}:githubRepository: {repository!r} is not a GitHub <owner>/<repository>"
        )
    environments = _environments(config.get("environments"), problems)
    branch = config.get("mainBranch") or "main"
    if not _BRANCH.match(branch):
        problems.add(f"{NAMESPACE}:mainBranch: {branch!r} is not a branch name")
    provider = config.get("oidcProviderArn")
    if provider is not None and not _OIDC_ARN.match(provider):
        problems.add(
            f"{NAMESPACE}:oidcProviderArn: {provider!r} is not the ARN of a"
            " token.actions.githubusercontent.com OIDC provider"
        )
    problems.raise_if_any()
    return BootstrapSettings(
        repository=repository,
        environments=environments,
        platform_project=config.get("platformProject") or DEFAULT_PROJECT,
        main_branch=branch,
        oidc_provider_arn=provider,
    )
