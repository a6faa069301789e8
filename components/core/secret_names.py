"""Names of variables that would carry a credential in plain text (PASSWORD, API_KEY, ...)."""

from __future__ import annotations

import re

__all__ = ["looks_like_secret_name"]

_SECRET_NAME = re.compile(
    r"(PASS(WORD|WD)?|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIALS?)", re.IGNORECASE
)
# Names that only point at a secret kept elsewhere (an ARN, a parameter name, a path).
_REFERENCE_NAME = re.compile(r"_(ARN|NAME|ID|PATH|PARAMETER|PARAM|URL|URI|FILE|TTL)$", re.I)


def looks_like_secret_name(name: str) -> bool:
    """True when a variable called ``name`` would hold a credential itself.

    ``DB_PASSWORD`` and ``GITHUB_TOKEN`` do; ``DB_PASSWORD_ARN`` and ``TOKEN_TTL`` only name or
    describe one and do not.
    """
    return bool(_SECRET_NAME.search(name)) and not _REFERENCE_NAME.search(name)
