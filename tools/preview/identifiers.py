"""Deterministic fake identifiers shared by the mock cloud and its invokes."""

from __future__ import annotations

import hashlib
import uuid

ACCOUNT_ID = "123456789012"
PARTITION = "aws"
DNS_SUFFIX = "amazonaws.com"
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
"""The engine's sentinel for a value not known during a preview (pulumi/pulumi
`sdk/go/common/resource/plugin/rpc.go`); pulumi_policy reads it as unknown too."""


def digest(*parts: str) -> str:
    """Hex digest of the parts: the seed of every fake identifier."""
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def short_hex(*parts: str, length: int = 7) -> str:
    """A stable hex suffix, like the random suffix Pulumi auto-naming adds."""
    return digest(*parts)[:length]


def fake_uuid(*parts: str) -> str:
    """A stable UUID (KMS key ids, event source mapping ids...)."""
    return str(uuid.UUID(hex=digest(*parts)[:32]))


def ec2_id(prefix: str, *parts: str) -> str:
    """An EC2-style id such as `sg-0123456789abcdef0`."""
    return f"{prefix}-0{digest(*parts)[:16]}"


def availability_zones(region: str, count: int) -> list[str]:
    """The first `count` availability zone names of a region."""
    return [f"{region}{letter}" for letter in "abcdef"[:count]]
