"""Recognise secrets written in plain text: variable names that hold credentials and values that
look like keys. Shared by the ECS environment and EC2 user-data rules."""

from __future__ import annotations

import re

# Names of variables that hold a credential (PASSWORD, DB_SECRET, API_KEY, GITHUB_TOKEN...).
_SECRET_NAME = re.compile(
    r"(PASS(WORD|WD)?|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIALS?)", re.IGNORECASE
)
# Names that only point at a secret kept elsewhere (an ARN, a parameter name, a path).
_REFERENCE_NAME = re.compile(r"_(ARN|NAME|ID|PATH|PARAMETER|PARAM|URL|URI|FILE|TTL)$", re.I)

# Values that are credentials whatever the variable is called.
_SECRET_VALUES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("an AWS access key id", re.compile(r"\b(AKIA|ASIA)[0-9A-Z]{16}\b")),
    ("a private key", re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")),
    ("a GitHub token", re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b")),
    ("a Slack token", re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}")),
    (
        "an AWS secret access key",
        re.compile(r"aws_secret_access_key\s*[=:]\s*['\"]?[A-Za-z0-9/+]{40}", re.IGNORECASE),
    ),
)
# `password=...`-style assignments in scripts (user data).
_ASSIGNMENT = re.compile(
    r"\b([A-Z0-9_]*(?:PASS(?:WORD|WD)?|SECRET|TOKEN|API_?KEY)[A-Z0-9_]*)\s*[=:]\s*['\"]?([^\s'\"$]{4,})",
    re.IGNORECASE,
)


def is_secret_name(name: str) -> bool:
    """True when a variable named `name` would hold a credential itself."""
    return bool(_SECRET_NAME.search(name)) and not _REFERENCE_NAME.search(name)


def secret_value_kind(value: str) -> str | None:
    """What kind of credential `value` contains (None when it looks like none)."""
    for kind, pattern in _SECRET_VALUES:
        if pattern.search(value):
            return kind
    return None


def secrets_in_script(text: str) -> list[str]:
    """Descriptions of the credentials a script (user data) contains in plain text."""
    found = [kind for kind, pattern in _SECRET_VALUES if pattern.search(text)]
    for match in _ASSIGNMENT.finditer(text):
        if is_secret_name(match.group(1)):
            found.append(f"a value assigned to {match.group(1)}")
    return found
