"""Generated regions inside hand-written Markdown pages."""

from __future__ import annotations

import re

BEGIN = "<!-- BEGIN GENERATED: {name} -->"
END = "<!-- END GENERATED: {name} -->"


def region(name: str, body: str) -> str:
    """The marked region `name` holding `body`."""
    return f"{BEGIN.format(name=name)}\n{body.strip()}\n{END.format(name=name)}"


def has_region(text: str, name: str) -> bool:
    return BEGIN.format(name=name) in text and END.format(name=name) in text


def replace_region(text: str, name: str, body: str) -> str:
    """`text` with the region `name` holding `body`; everything outside it unchanged."""
    pattern = re.compile(
        re.escape(BEGIN.format(name=name)) + r".*?" + re.escape(END.format(name=name)),
        re.DOTALL,
    )
    return pattern.sub(lambda _match: region(name, body), text, count=1)


def tables_in_section(text: str, heading: str) -> list[list[str]]:
    """Rows (cells) of the first Markdown table of the `## <heading>` section."""
    lines = text.splitlines()
    start = _section_start(lines, heading)
    if start is None:
        return []
    span = _first_table(lines, start)
    if span is None:
        return []
    rows = [_cells(line) for line in lines[span[0] : span[1]]]
    return [row for row in rows[2:] if row]


def adopt_region(text: str, name: str, heading: str, title: str, body: str) -> str:
    """Put region `name` into a page that has none: in place of the first table of its
    `## <heading>` section when there is one, else at the start of that section, else in a new
    `## <title>` section at the end."""
    lines = text.splitlines()
    start = _section_start(lines, heading)
    block = region(name, body).splitlines()
    if start is None:
        return text.rstrip("\n") + f"\n\n## {title}\n\n" + "\n".join(block) + "\n"
    span = _first_table(lines, start)
    if span is None:
        lines[start + 1 : start + 1] = ["", *block]
    else:
        lines[span[0] : span[1]] = block
    return "\n".join(lines) + "\n"


def _section_start(lines: list[str], heading: str) -> int | None:
    for index, line in enumerate(lines):
        if line.lower().startswith(f"## {heading.lower()}"):
            return index
    return None


def _first_table(lines: list[str], start: int) -> tuple[int, int] | None:
    index = start + 1
    while index < len(lines) and not lines[index].startswith("## "):
        if lines[index].startswith("|"):
            end = index
            while end < len(lines) and lines[end].startswith("|"):
                end += 1
            return index, end
        index += 1
    return None


def _cells(line: str) -> list[str]:
    cells = re.split(r"(?<!\\)\|", line.strip().strip("|"))
    return [cell.strip().replace("\\|", "|") for cell in cells]
