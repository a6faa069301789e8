"""Regenerate ``policies/lib/taggable_types.json``: every pulumi_aws resource type whose
arguments accept ``tags``, and those of them without a ``tags_all`` output: the provider never
applies its ``default_tags`` to these (e.g. Auto Scaling groups), so they need their own tags.

Run ``python -m policies.tools.taggable_types`` after upgrading pulumi-aws (``--check`` exits 1
when the committed file is stale). It imports every pulumi_aws module, so it takes a while.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import json
import pkgutil
import sys
from pathlib import Path

OUTPUT = Path(__file__).resolve().parent.parent / "lib" / "taggable_types.json"


def taggable_types() -> dict[str, object]:
    """{"pulumi_aws": version, "types": sorted type tokens whose args take `tags`,
    "without_default_tags": those of them the provider's default_tags never reach}."""
    import pulumi
    import pulumi_aws

    found: set[str] = set()
    without_default_tags: set[str] = set()
    for service in pkgutil.iter_modules(pulumi_aws.__path__):
        if not service.ispkg or service.name.startswith("_") or service.name == "config":
            continue
        package = importlib.import_module(f"pulumi_aws.{service.name}")
        for info in pkgutil.iter_modules(package.__path__):  # one module per resource
            if info.name.startswith("_"):
                continue
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            for cls in vars(module).values():
                if (
                    inspect.isclass(cls)
                    and issubclass(cls, pulumi.CustomResource)
                    and cls.__module__ == module.__name__
                ):
                    token = getattr(cls, "pulumi_type", None)
                    args_cls = vars(module).get(f"{cls.__name__}Args")
                    if (
                        isinstance(token, str)
                        and args_cls is not None
                        and "tags" in inspect.signature(args_cls.__init__).parameters
                    ):
                        found.add(token)
                        if not hasattr(cls, "tags_all"):
                            without_default_tags.add(token)
    version = importlib.import_module("importlib.metadata").version("pulumi_aws")
    return {
        "pulumi_aws": version,
        "types": sorted(found),
        "without_default_tags": sorted(without_default_tags),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="exit 1 when the file is stale")
    args = parser.parse_args(argv)
    text = json.dumps(taggable_types(), indent=1) + "\n"
    if args.check:
        current = OUTPUT.read_text() if OUTPUT.exists() else ""
        if current != text:
            print(f"{OUTPUT} is stale: regenerate it", file=sys.stderr)
            return 1
        return 0
    OUTPUT.write_text(text)
    print(f"wrote {OUTPUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
