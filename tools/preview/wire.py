"""Property values as they travel over gRPC (protobuf Structs, with Pulumi's signature key marking
secrets and resource references) and as plain Python."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from google.protobuf import json_format, struct_pb2

SIG = "4dabf18193072939515e22adb298388d"
"""The key whose value says what a special object is (pulumi/pulumi `sdk/go/common/resource/sig`:
secrets and resource references)."""
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e"


def plain(value: Any) -> Any:
    """A wire value as plain Python: secrets unwrapped, references as their id (urn when none),
    unknowns kept as the UNKNOWN sentinel, whole floats as ints."""
    if isinstance(value, dict):
        sig = value.get(SIG)
        if sig == SECRET_SIG:
            return plain(value.get("value"))
        if sig == RESOURCE_SIG:
            return value.get("id") or value.get("urn")
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def plain_struct(struct: struct_pb2.Struct) -> dict[str, Any]:
    """A Struct's properties as plain Python (see `plain`)."""
    result = plain(json_format.MessageToDict(struct))
    return result if isinstance(result, dict) else {}


def to_struct(values: Mapping[str, Any]) -> struct_pb2.Struct:
    """Plain properties as a Struct."""
    struct = struct_pb2.Struct()
    struct.update(dict(values))
    return struct
