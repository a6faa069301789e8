"""examples/consumer-team: a product team's own program previews clean on the platform's pack."""

from __future__ import annotations

from collections import Counter

import pytest
from stacklib import REPO, Preview, describe, run_preview_cli

from tools.preview.program import run_program_dir

EXAMPLE = REPO / "examples" / "consumer-team"


@pytest.fixture(scope="module")
def preview() -> Preview:
    return run_preview_cli("--program", str(EXAMPLE), "--stack", "dev")


def test_example_previews_with_no_mandatory_violation(preview: Preview) -> None:
    assert preview.document is not None, preview.stderr
    assert preview.mandatory == [], describe(preview.mandatory)
    assert preview.status == 0, preview.stderr
    assert (preview.document["project"], preview.document["stack"]) == ("consumer-team", "dev")


def test_example_is_built_from_the_platform_components(preview: Preview) -> None:
    assert preview.document is not None, preview.stderr
    resources = preview.document["resources"]
    top_level = Counter(
        r["type"] for r in resources if r["parent"] and r["parent"].endswith("::consumer-team-dev")
    )
    assert top_level == {
        "platform:observability:AlarmTopics": 1,
        "platform:data:DataTable": 1,
        "platform:events:ArchivedEventBus": 1,
        "platform:messaging:IdempotentQueueConsumer": 1,
    }


def test_example_function_ships_the_teams_own_handler() -> None:
    """`code_path` "handlers" is the example's folder (the program runs with it as cwd)."""
    run = run_program_dir(EXAMPLE, "dev")
    [function] = run.of_type("aws:lambda/function:Function")
    assert function.inputs["handler"] == "returns.handler"
    assert function.inputs["code"]["path"] == "handlers"
    assert (EXAMPLE / "handlers" / "returns.py").is_file()
    assert set(function.inputs["environment"]["variables"]) >= {
        "RETURNS_TABLE_NAME",
        "IDEMPOTENCY_TABLE_NAME",
    }
    assert function.inputs["tags"]["Project"] == "consumer-team"
