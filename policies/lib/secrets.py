"""Find credentials written in plain text, by their value, with detect-secrets.

detect-secrets' own plugins decide: the format detectors (AWS keys, private keys, Slack, Stripe,
GitHub, GitLab, JWT, npm, PyPI, OpenAI, Twilio... tokens, basic-auth URLs), the keyword detector
(``DB_PASS: "..."``, ``password=...``) and the Base64/hex entropy detectors, with its heuristic
filters (templates, ``$VARIABLES``, sequential strings, UUIDs, ids). Two detectors are added in
its plugin format for what it has none for: webhook URLs whose path is the credential (Discord,
Microsoft Teams, Google Chat, Slack workflows) and passwords given on a command line
(``mysql -p...``, ``--password=...``, ``sshpass -p``, ``chpasswd``).

The plugins are called directly (not through ``scan_line``) so that no global detect-secrets
settings are touched from the pack's request threads, and the entropy detectors only judge whole
quoted values (``scan_line`` searches every word eagerly, which flags ordinary URLs). Results are
cached per value: a stack repeats the same environment on many resources.
"""

from __future__ import annotations

import re
from collections.abc import Generator, Iterable, Mapping
from functools import lru_cache

from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class
from detect_secrets.core.potential_secret import PotentialSecret
from detect_secrets.filters import heuristic
from detect_secrets.plugins.base import BasePlugin, RegexBasedDetector
from detect_secrets.plugins.high_entropy_strings import (
    Base64HighEntropyString,
    HexHighEntropyString,
)
from detect_secrets.plugins.keyword import KeywordDetector


class CredentialUrlDetector(RegexBasedDetector):
    """URLs that carry their own credential: incoming webhooks (anyone holding the URL can post
    to the channel) and a password with an empty user name (``redis://:password@host``)."""

    secret_type = "URL with a credential"
    denylist = (
        # Discord: https://discord.com/developers/docs/resources/webhook (execute webhook)
        re.compile(r"https://(?:\w+\.)?discord(?:app)?\.com/api/webhooks/\d+/[\w-]+", re.I),
        # Microsoft Teams incoming webhooks (Office 365 connectors, and the Power Automate
        # workflow URLs that replace them, signed with `sig=`).
        re.compile(r"https://[\w.-]+\.webhook\.office\.com/webhookb2/\S+", re.I),
        re.compile(r"https://[\w.-]+\.logic\.azure\.com[:\d]*/workflows/\S*[?&]sig=[\w%-]+", re.I),
        # Google Chat: the `key` and `token` query parameters authorise the post.
        re.compile(r"https://chat\.googleapis\.com/v1/spaces/[^/\s]+/messages\?\S*token=", re.I),
        # Slack workflow and trigger webhooks (detect-secrets' Slack plugin knows /services/).
        re.compile(r"https://hooks\.slack\.com/(?:workflows|triggers)/[\w/]+", re.I),
        # detect-secrets' basic-auth detector needs a user name; Redis AUTH URLs have none.
        re.compile(r"\w://:([^\s/@:{}$]+)@"),
    )


# A value given to a command-line option, quoted or not, that is not a shell expansion.
_ARG = r"""(?:'([^'$\s]+)'|"([^"$\s]+)"|([^\s'"$;|&]+))"""


class CommandLinePasswordDetector(RegexBasedDetector):
    """Passwords passed as command arguments (visible in `ps` and in shell history)."""

    secret_type = "Password on a command line"
    denylist = (
        # mysql/mariadb clients take the password glued to -p:
        # https://dev.mysql.com/doc/refman/8.4/en/connection-options.html#option_general_password
        re.compile(r"\b(?:mysql\w*|mariadb\w*)\b[^\n|;&]*?\s-p" + _ARG),
        # --password=..., --db-password ..., --api-token ..., --client-secret ...
        re.compile(r"\s--?[\w-]*(?:pass(?:word|wd)?|secret|token|api-?key)(?:=|\s+)" + _ARG, re.I),
        # sshpass -p PASSWORD
        re.compile(r"\bsshpass\s+-p\s*" + _ARG),
        # echo 'user:password' | chpasswd
        re.compile(r"""\becho\s+['"]?[\w.-]+:([^\s'"$|]+)['"]?\s*\|\s*(?:sudo\s+)?chpasswd\b"""),
        # aws configure set aws_secret_access_key ... (stored in ~/.aws/credentials)
        re.compile(r"\baws\s+configure\s+set\s+\S*(?:secret_access_key|session_token)\s+" + _ARG),
    )

    def analyze_string(self, string: str) -> Generator[str, None, None]:
        for regex in self.denylist:
            for match in regex.finditer(string):
                yield next(group for group in match.groups() if group)


def _format_detectors() -> list[BasePlugin]:
    judged_apart = (KeywordDetector, Base64HighEntropyString, HexHighEntropyString)
    skipped = {"IPPublicDetector"}  # a public IP address is configuration, not a credential
    plugins: Mapping[str, type[BasePlugin]] = get_mapping_from_secret_type_to_class()
    detectors: list[BasePlugin] = [
        cls()
        for cls in plugins.values()
        if not issubclass(cls, judged_apart) and cls.__name__ not in skipped
    ]
    return [*detectors, CredentialUrlDetector(), CommandLinePasswordDetector()]


# Names that point at a secret kept elsewhere, or hold a digest or a setting about secrets:
# detect-secrets' `keyword_exclude` skips the keyword detector on them, and the entropy
# detectors are skipped too (a commit SHA or a checksum is random but not a credential).
_NOT_A_SECRET_NAME = (
    r"\b\w*?(?:_ARN|_NAME|_ID|_PATH|_PARAM|_PARAMETER|_FILE|_URL|_URI|_REF|_LENGTH|_TTL|_SECONDS"
    r"|_SHA|_COMMIT|_DIGEST|_HASH|_CHECKSUM|_VERSION|_ETAG|_ENABLED|_DISABLED)\s*[:=]"
)
_FORMATS = _format_detectors()
_KEYWORD = KeywordDetector(keyword_exclude=_NOT_A_SECRET_NAME)
_REFERENCE_NAME = re.compile(_NOT_A_SECRET_NAME, re.IGNORECASE)
# detect-secrets' default entropy limits (its README, "Plugin Configuration").
_ENTROPY: tuple[BasePlugin, ...] = (
    Base64HighEntropyString(limit=4.5),
    HexHighEntropyString(limit=3.0),
)
# Values that name where a secret is kept rather than holding it: ARNs, CloudFormation-style
# dynamic references, SSM parameter paths and file paths.
_REFERENCE = re.compile(r"^(arn:aws[\w-]*:|\{\{resolve:|ssm:|secretsmanager:|/|file:)")


def _filtered(secret: PotentialSecret, line: str, plugin: BasePlugin) -> bool:
    """detect-secrets' heuristic filters; those about ids and references only apply to the
    keyword and entropy detectors (a webhook URL holds UUIDs and is still a credential)."""
    value = secret.secret_value or ""
    if (
        heuristic.is_sequential_string(value)
        or heuristic.is_templated_secret(value)
        or heuristic.is_prefixed_with_dollar_sign(value)
    ):
        return True
    if isinstance(plugin, RegexBasedDetector):
        return False
    return (
        heuristic.is_potential_uuid(value)
        or heuristic.is_likely_id_string(value, line, plugin)
        or heuristic.is_indirect_reference(line)
        or bool(_REFERENCE.match(value))
    )


def _scan(line: str, filename: str, plugins: Iterable[BasePlugin]) -> list[str]:
    kinds: list[str] = []
    for plugin in plugins:
        for secret in plugin.analyze_line(filename=filename, line=line, line_number=1):
            if not _filtered(secret, line, plugin) and secret.type not in kinds:
                kinds.append(secret.type)
    return kinds


@lru_cache(maxsize=8192)
def secrets_in_variable(name: str, value: str) -> tuple[str, ...]:
    """Kinds of credentials (detect-secrets' names) the variable `name`=`value` holds."""
    if not value.strip() or _REFERENCE.match(value):
        return ()
    # A YAML-style line lets the keyword detector read the name and the entropy detectors the
    # whole quoted value; the format detectors read the value as it is.
    quoted = value.replace('"', "'")
    line = f'{name}: "{quoted}"'
    judges = (_KEYWORD,) if _REFERENCE_NAME.search(line) else (_KEYWORD, *_ENTROPY)
    return tuple(
        dict.fromkeys(_scan(value, "value", _FORMATS) + _scan(line, "environment.yaml", judges))
    )


@lru_cache(maxsize=1024)
def secrets_in_script(text: str) -> tuple[str, ...]:
    """Kinds of credentials a script or command line (user data, a container command) holds."""
    kinds: dict[str, None] = {}
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#!"):
            continue
        # `.conf` makes the keyword detector accept unquoted `password=...` assignments.
        for kind in _scan(stripped, "value", _FORMATS) + _scan(
            stripped, "user-data.conf", (_KEYWORD, *_ENTROPY)
        ):
            kinds[kind] = None
    return tuple(kinds)


def describe(kinds: tuple[str, ...]) -> str:
    """How a violation names what was found: ``a credential (Slack Token, ...)``."""
    return f"a credential in plain text (detect-secrets: {', '.join(kinds)})"
