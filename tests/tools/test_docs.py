"""tools/docs: generated regions in component pages, the architecture diagram, and the check
that fails the tests when a committed doc is stale."""

from __future__ import annotations

import re
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
        "| `spare_name` | `str` | _the `name` the component was given_ |",
    ]


@dataclass(frozen=True, kw_only=True)
class GadgetArgs:
    """Arguments of ``Gadget``.

    Args:
        colour: paint colour.
        depth, width,
            height: outer size in mm,
            measured without the handle.
        weight, price: both rounded.
        label: printed on the front.
    """

    colour: str
    depth: int
    width: int
    height: int
    weight: float
    price: float
    label: str = ""


class Gadget(pulumi.ComponentResource):
    """A gadget whose attributes the class neither annotates nor documents.

    Attributes:
        serial (str): the serial number.
    """

    box: Box

    def __init__(self, name: str, args: GadgetArgs) -> None:
        super().__init__("test:Gadget", name)
        self.args = args
        self.depth = args.depth
        self.box = Box(name)
        self.box_arn = self.box.arn
        self.first_part = self._parts()[0]
        self.lid_arn = make_box("lid").arn
        self.parts: dict[str, Box] = {}
        for part in ("lid", "base"):
            self.parts[part] = Box(part)
        self.spare = Box(name) if args.label else None
        self.serial = f"{name}-1"
        self._build()

    def _parts(self) -> list[Box]:
        return [Box("part")]

    def _build(self) -> None:
        self.handle = Box("handle")


def make_box(name: str) -> Box:
    return Box(name)


class Box:
    arn: pulumi.Output[str]

    def __init__(self, name: str) -> None:
        self.name = name


def test_an_entry_naming_several_fields_describes_each_and_no_other_field() -> None:
    rows = {row.split(" | ")[0]: row for row in inputs_table(Gadget).splitlines()[2:]}
    assert rows["| `colour`"].endswith("| paint colour. |")
    for name in ("depth", "width", "height"):
        assert rows[f"| `{name}`"].endswith("| outer size in mm, measured without the handle. |")
    for name in ("weight", "price"):
        assert rows[f"| `{name}`"].endswith("| both rounded. |")
    assert rows["| `label`"].endswith("| printed on the front. |")


def test_no_argument_row_of_a_real_component_carries_another_fields_text() -> None:
    for component in public_components(components):
        table = inputs_table(component)
        names = re.findall(r"^\| `(\w+)` \|", table, re.MULTILINE)
        for row in table.splitlines()[2:]:
            description = row.rsplit(" | ", 1)[-1]
            for other in names:
                # another field's docstring entry (``other: ...`` or ``other, ...:``)
                assert not re.search(rf"\b{other}(,\s*\w+)*:\s", description), (
                    component.__name__,
                    row,
                )


def test_every_output_has_a_type_and_a_description() -> None:
    rows = outputs_table(Gadget).splitlines()[2:]
    assert rows == [
        "| `box` | `Box` | _the `Box` it creates_ |",
        "| `args` | `GadgetArgs` | _the `args` the component was given_ |",
        "| `depth` | `int` | _the `depth` argument_ |",
        "| `box_arn` | `pulumi.Output[str]` | _`arn` of `box`_ |",
        "| `first_part` | `Box` | _`_parts()[0]`_ |",
        "| `lid_arn` | `pulumi.Output[str]` | _`arn` of what `make_box(...)` returns_ |",
        "| `parts` | `dict[str, Box]` | _the `Box` it creates, one per key_ |",
        "| `spare` | `Box \\| None` | _the `Box` it creates (None without `args.label`)_ |",
        "| `serial` | `str` | the serial number. |",
        "| `handle` | `Box` | _the `Box` it creates_ |",
    ]


def test_a_worked_out_description_is_worked_out_again_not_kept(tmp_path: Path) -> None:
    page = tmp_path / "gadget.md"
    page.write_text(new_page(Gadget))
    stale = page.read_text().replace("_`arn` of `box`_", "_`arn` of `old_box`_")
    page.write_text(stale.replace("_the `Box` it creates_", "kept by hand", 1))
    refreshed = page_contents([Gadget], tmp_path)[page]
    assert "| `box_arn` | `pulumi.Output[str]` | _`arn` of `box`_ |" in refreshed
    assert "| `box` | `Box` | kept by hand |" in refreshed


def test_every_output_of_a_real_component_has_a_type_and_a_description() -> None:
    for component in public_components(components):
        for row in outputs_table(component).splitlines()[2:]:
            name, type_cell, description = row.strip("|").split(" | ")
            assert type_cell.strip() != "—", (component.__name__, name)
            assert description.strip() not in ("", "—"), (component.__name__, name)


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
    assert "| `spare_name` | `str` | the name, kept |" in refreshed
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
