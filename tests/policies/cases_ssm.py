"""Cases for policies/rules/ssm.py: plain SSM parameters that hold secrets (detect-secrets)."""

from __future__ import annotations

from tests.policies.harness import Case, res

PARAMETER = "aws:ssm/parameter:Parameter"

SSM = "ssm-parameter-secrets-are-secure-strings"

# Fake credentials in the documented formats (none is live).
SLACK_HOOK = "https://hooks.slack.com/services/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"


CASES = [
    # SSM parameters
    Case.passes(
        SSM,
        res(
            PARAMETER,
            "secure",
            {"name": "/prod/db/password", "type": "SecureString", "value": "Wq8tZ4mK"},
        ),
    ),
    Case.passes(
        SSM,
        res(PARAMETER, "plain-setting", {"name": "/prod/db/host", "type": "String", "value": "db"}),
    ),
    Case.passes(
        SSM,
        res(
            PARAMETER,
            "token-endpoint",
            {"name": "/prod/auth/token_endpoint", "type": "String", "value": "https://a.b/token"},
        ),
    ),
    Case.fails(
        SSM,
        res(
            PARAMETER,
            "plain-password",
            {"name": "/prod/db/password", "type": "String", "value": "Wq8tZ4mK"},
        ),
    ),
    Case.fails(
        SSM,
        res(
            PARAMETER,
            "plain-hook",
            {"name": "/prod/alerts/target", "type": "String", "insecureValue": SLACK_HOOK},
        ),
    ),
]
