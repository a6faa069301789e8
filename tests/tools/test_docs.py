"""tools/docs: generated regions in component pages, the architecture diagram, and the check
that fails the tests when a committed doc is stale."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pulumi
import pytest

import components
from components import FanOutTopic
from tools.docs import regions
from tools.docs.architecture import (
    ProgramCannotRun,
    architecture_document,
    stack_diagram,
)
from tools.docs.cli import ROOT, main
from tools.docs.components import (
    inputs_table,
    kebab,
    new_page,
    outputs_table,
    page_contents,
    public_components,
)
from tools.preview.program import run_program_dir

PROGRAMS = Path(__file__).parent / "programs"


@dataclass(frozen=True, kw_only=True)
class WidgetArgs:
    """Arguments of ``Widget``.

    Args:
        size: how big, in ``units`` | bits.
        colour: paint colour;
            continued on a second line.
    """

    size: int
    colour: str = "red"
    labels: dict[str, str] = field(default_factory=dict)


class Widget(pulumi.ComponentResource):
    """A widget for tests.

    Attributes:
        widget_arn: the widget's ARN.

    Example:
        widget = Widget("w", context, WidgetArgs(size=3))
    """

    widget_arn: pulumi.Output[str]

    def __init__(self, name: str) -> None:
        super().__init__("test:Widget", name)
        self.spare_name = name


def test_every_public_component_is_found() -> None:
    names = {cls.__name__ for cls in public_components(components)}
    assert {"FanOutTopic", "ArchivedEventBus", "AlarmedFunction"} <= names
    assert "FanOutTopicArgs" not in names
    assert kebab("GoldenAmiAsg") == "golden-ami-asg"


def test_inputs_table_from_args_fields_and_docstring() -> None:
    rows = inputs_table(Widget).splitlines()
    assert rows[2] == "| `size` | `int` | required | how big, in `units` \\| bits. |"
    assert rows[3] == ('| `colour` | `str` | `"red"` | paint colour; continued on a second line. |')
    assert rows[4] == "| `labels` | `dict[str, str]` | `{}` | — |"


def test_outputs_table_from_annotations_assignments_and_attributes() -> None:
    rows = outputs_table(Widget).splitlines()
    assert rows[2:] == [
        "| `widget_arn` | `pulumi.Output[str]` | the widget's ARN. |",
        "| `spare_name` | — | — |",
    ]


def test_real_component_table_uses_its_docstring() -> None:
    table = inputs_table(FanOutTopic)
    assert "| `delivery_status_sample_rate` | `int` | `100` | percentage of successful" in table


def test_new_page_has_title_docstring_example_and_regions() -> None:
    page = new_page(Widget)
    assert page.startswith("# Widget\n\nA widget for tests.\n\n## Example\n\n```python\n")
    assert 'widget = Widget("w", context, WidgetArgs(size=3))' in page
    assert regions.has_region(page, "inputs") and regions.has_region(page, "outputs")
    assert "Attributes:" not in page


def test_refresh_touches_only_the_regions(tmp_path: Path) -> None:
    page = tmp_path / "widget.md"
    page.write_text(new_page(Widget).replace("A widget for tests.", "Hand-written intro."))
    stale = page.read_text().replace("| `size` | `int` | required |", "| `size` | `str` | 1 |")
    page.write_text(stale)
    refreshed = page_contents([Widget], tmp_path)[page]
    assert "Hand-written intro." in refreshed
    assert "| `size` | `int` | required |" in refreshed
    assert page_contents([Widget], tmp_path)[page] != stale


def test_a_hand_written_table_is_adopted_and_its_descriptions_kept(tmp_path: Path) -> None:
    page = tmp_path / "widget.md"
    page.write_text(
        "# Widget\n\nIntro.\n\n## Inputs\n\n| name | description |\n| --- | --- |\n"
        "| `size` | old |\n\nProse after the table.\n\n## Outputs\n\n"
        "| name | description |\n| --- | --- |\n| `spare_name` | the name, kept |\n"
    )
    refreshed = page_contents([Widget], tmp_path)[page]
    assert refreshed.count("<!-- BEGIN GENERATED: inputs -->") == 1
    assert "| `size` | old |" not in refreshed  # the docstring describes size
    assert "Prose after the table." in refreshed and "Intro." in refreshed
    assert "| `spare_name` | — | the name, kept |" in refreshed
    page.write_text(refreshed)
    assert page_contents([Widget], tmp_path)[page] == refreshed  # stable


def test_diagram_collapses_components_and_draws_references() -> None:
    diagram = stack_diagram(run_program_dir(PROGRAMS / "diagram", "dev"))
    lines = diagram.splitlines()
    assert lines[0] == "flowchart LR"
    assert '  subgraph c0_box["ingest: messaging:Ingest"]' in lines
    assert '    c0["kms:Key x1<br/>sqs:Queue x2"]' in lines
    assert '  subgraph c1_box["worker: compute:Worker"]' in lines
    assert '    c1["lambda:EventSourceMapping x1<br/>lambda:Function x1"]' in lines
    assert '  subgraph c2_box["stack resources"]' in lines
    assert [line for line in lines if "-->" in line] == ['  c1 -->|"sqs:Queue"| c0']


def test_architecture_document_per_stack_and_refusal_without_program(tmp_path: Path) -> None:
    document = architecture_document(PROGRAMS / "diagram")
    assert "## dev\n\n2 top-level components, 6 resources." in document
    assert document.count("```mermaid") == 1
    with pytest.raises(ProgramCannotRun):
        architecture_document(tmp_path)


def test_committed_docs_are_fresh() -> None:
    """`make docs` was run after the last change to a component or the root program."""
    assert main(["--check", "--root", str(ROOT)]) == 0
