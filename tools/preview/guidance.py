"""How to fix a policy's violations: the pack's severity and remediation steps, and a link to the
policy's section of the pack's catalog.

A pack states severity and remediation steps in GetAnalyzerInfo (pulumi-policy's `severity`,
`remediation_steps`, `url`); a pack that states none (such as `@pulumi/awsguard`) gets None.
The catalog is `docs/policies.md` beside the pack's folder (this repository's layout, written by
`python -m policies.catalog`), one `### <policy>` heading per policy; GitHub and most Markdown
renderers give that heading the anchor `#<policy>` (policy names are lower-case kebab-case).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from tools.preview.analyzer import AnalyzerInfo

CATALOG = Path("docs") / "policies.md"


@dataclass(frozen=True, kw_only=True)
class Guidance:
    """What the pack says about fixing a policy's violations (None where it says nothing)."""

    severity: str | None = None
    fix: str | None = None
    link: str | None = None


def _catalog_headings(pack_dir: Path) -> tuple[str, set[str]] | None:
    catalog = pack_dir.resolve().parent / CATALOG
    if not catalog.is_file():
        return None
    headings = {
        line.removeprefix("### ").strip()
        for line in catalog.read_text(encoding="utf-8").splitlines()
        if line.startswith("### ")
    }
    shown = os.path.relpath(catalog) if catalog.is_relative_to(Path.cwd()) else str(catalog)
    return shown, headings


def pack_guidance(info: AnalyzerInfo, pack_dir: Path) -> dict[tuple[str, str], Guidance]:
    """Guidance per (pack, policy) for every policy of the pack."""
    catalog = _catalog_headings(pack_dir)

    def link(policy: str, url: str | None) -> str | None:
        if url:
            return url
        if catalog is not None and policy in catalog[1]:
            return f"{catalog[0]}#{policy}"
        return None

    return {
        (info.name, p.name): Guidance(severity=p.severity, fix=p.fix, link=link(p.name, p.url))
        for p in info.policies
    }
