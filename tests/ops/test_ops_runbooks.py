"""The runbooks alarms link to: stable anchors, working links, commands that parse."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from tools.ops import cli

RUNBOOKS = Path(__file__).resolve().parents[2] / "docs" / "runbooks"
PAGES = sorted(RUNBOOKS.glob("*.md"))

# Anchors that alarm code links to (components/*): removing one breaks alarm descriptions.
ALARM_ANCHORS = {
    "dlq.md#dlq-has-messages",
    "queue.md#oldest-message-age",
    "queue.md#queue-depth",
    "lambda.md#errors",
    "lambda.md#throttles",
    "lambda.md#duration",
    "lambda.md#concurrency",
    "lambda.md#destination-failures",
    "fan-out.md#failed-notifications",
    "replay.md#failed-invocations",
    "replay.md#dlq-delivery-failures",
    "replay.md#throttled-rules",
    "ecs.md#alb-5xx",
    "ecs.md#unhealthy-targets",
    "ecs.md#latency",
    "ecs.md#cpu-high",
    "ecs.md#memory-high",
    "ecs.md#running-tasks",
    "asg.md#cpu-high",
    "asg.md#status-check-failed",
    "asg.md#in-service-below-minimum",
    "dynamodb.md#throttles",
    "consumer.md#unhealthy",
}


def github_slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lowercase, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(page: Path) -> set[str]:
    text = _without_code(page.read_text(encoding="utf-8"))
    return {github_slug(m) for m in re.findall(r"^#{1,6} (.+)$", text, flags=re.MULTILINE)}


def listed_anchors() -> set[str]:
    """`page.md#anchor` for every row of the anchor table in the README."""
    readme = (RUNBOOKS / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| \[([\w-]+\.md)\]\([\w-]+\.md\) \| `([\w-]+)` \|", readme, re.M)
    return {f"{page}#{anchor}" for page, anchor in rows}


def _without_code(text: str) -> str:
    return re.sub(r"^```.*?^```", "", text, flags=re.MULTILINE | re.DOTALL)


def test_github_slug_matches_githubs_rules() -> None:
    assert github_slug("DLQ has messages") == "dlq-has-messages"
    assert github_slug("ALB 5xx") == "alb-5xx"
    assert github_slug("Fan-out (SNS topic to SQS queues)") == "fan-out-sns-topic-to-sqs-queues"


def test_readme_lists_every_anchor_alarms_link_to() -> None:
    assert listed_anchors() >= ALARM_ANCHORS


@pytest.mark.parametrize("link", sorted(listed_anchors()))
def test_every_listed_anchor_is_a_heading(link: str) -> None:
    page, anchor = link.split("#")
    assert anchor in anchors(RUNBOOKS / page), f"{page} has no heading for #{anchor}"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_links_between_runbooks_resolve(page: Path) -> None:
    text = _without_code(page.read_text(encoding="utf-8"))
    broken = []
    for target, anchor in re.findall(r"\]\(([\w-]*\.md)?(?:#([\w-]+))?\)", text):
        linked = RUNBOOKS / target if target else page
        if not linked.exists() or (anchor and anchor not in anchors(linked)):
            broken.append(f"{target}#{anchor}")
    assert broken == []


def commands(page: Path) -> list[str]:
    """`python -m tools.ops ...` lines in fenced code blocks, continuations joined."""
    found = []
    for block in re.findall(r"^```\w*\n(.*?)^```", page.read_text("utf-8"), re.M | re.S):
        for line in block.replace("\\\n", " ").splitlines():
            if "python -m tools.ops" in line:
                found.append(line.split("python -m tools.ops", 1)[1].split("|")[0].strip())
    return found


ALL_COMMANDS = [(p.name, c) for p in PAGES for c in commands(p)]


def test_runbooks_show_the_cli() -> None:
    assert {name for name, _ in ALL_COMMANDS} >= {"dlq.md", "replay.md", "fan-out.md"}


@pytest.mark.parametrize(("page", "command"), ALL_COMMANDS)
def test_runbook_commands_parse(page: str, command: str) -> None:
    cli.build_parser().parse_args(shlex.split(command))


def test_cli_help_links_point_at_existing_anchors() -> None:
    helps = [cli._INSPECT_HELP, cli._REDRIVE_HELP, cli._REPLAY_HELP]
    links = {m for h in helps for m in re.findall(r"docs/runbooks/([\w-]+\.md#[\w-]+)", h)}
    assert links
    for link in links:
        page, anchor = link.split("#")
        assert anchor in anchors(RUNBOOKS / page), link
