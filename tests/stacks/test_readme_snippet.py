"""README's component snippet is a program that previews clean: it runs as written for dev and
for prod (where every alarm must page someone), with no mandatory violation of the pack."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from stacklib import REPO, describe, run_preview_cli

SETTINGS = {
    "aws:region": "us-east-1",
    "aws-platform:owner": "returns-team",
    "aws-platform:costCenter": "CC-2077",
    "aws-platform:dataClassification": "confidential",
    "aws-platform:alarmEmail": "returns-oncall@returns.acme-logistics.net",
    "aws-platform:runbookBaseUrl": "https://git.acme-logistics.net/returns/runbooks",
}


def readme_snippet() -> str:
    """The Python block of README's "Components" section."""
    readme = (REPO / "README.md").read_text()
    section = readme.split("\n## Components\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, flags=re.DOTALL)
    assert len(blocks) == 1, f"expected one python block in README's Components, got {len(blocks)}"
    return str(blocks[0])


def snippet_program(folder: Path) -> Path:
    """A Pulumi project whose `__main__.py` is the snippet, with a stack file per tier and the
    handler the snippet names (`returns.handler`, from the consumer example)."""
    (folder / "__main__.py").write_text(readme_snippet())
    (folder / "Pulumi.yaml").write_text(
        yaml.safe_dump({"name": "returns-service", "runtime": "python"})
    )
    for tier in ("dev", "prod"):
        config = {**SETTINGS, "aws-platform:environment": tier}
        (folder / f"Pulumi.{tier}.yaml").write_text(yaml.safe_dump({"config": config}))
    shutil.copytree(REPO / "examples" / "consumer-team" / "handlers", folder / "handlers")
    return folder


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_readme_snippet_previews_without_mandatory_violations(tmp_path: Path, stack: str) -> None:
    preview = run_preview_cli("--program", str(snippet_program(tmp_path)), "--stack", stack)
    assert preview.document is not None, f"the snippet failed to preview:\n{preview.stderr}"
    assert preview.mandatory == [], (
        f"README snippet, {stack}: {len(preview.mandatory)} mandatory violation(s):\n"
        f"{describe(preview.mandatory)}"
    )
    assert preview.status == 0, preview.stderr
    types = {r["type"] for r in preview.document["resources"]}
    assert {"platform:observability:AlarmTopics", "aws:lambda/function:Function"} <= types
