"""Each stack previews with no mandatory violation under its own policy config."""

from __future__ import annotations

from stacklib import REPO, describe, stack_preview, stack_run


def test_stack_previews_without_mandatory_violations(stack: str) -> None:
    preview = stack_preview(stack)
    assert preview.document is not None, f"the preview of {stack} failed:\n{preview.stderr}"
    # The CLI picked the stack's own enforcement config, not the pack defaults.
    assert f"using policy config {REPO / 'policies' / 'config' / f'{stack}.json'}" in (
        preview.stderr
    )
    assert preview.mandatory == [], (
        f"{stack}: {len(preview.mandatory)} mandatory violation(s):\n{describe(preview.mandatory)}"
    )
    assert preview.status == 0, preview.stderr


def test_preview_judges_every_resource_the_program_registers(stack: str) -> None:
    """The CLI's resource list is the in-process run's: nothing escaped the pack."""
    preview = stack_preview(stack)
    assert preview.document is not None, preview.stderr
    assert (preview.document["project"], preview.document["stack"]) == ("aws-platform", stack)
    previewed = sorted((r["type"], r["urn"]) for r in preview.document["resources"])
    ran = sorted((r.type, r.urn) for r in stack_run(stack).resources)
    assert previewed == ran
