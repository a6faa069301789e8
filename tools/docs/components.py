"""Reference pages of the public components: inputs and outputs tables from the code."""

from __future__ import annotations

import dataclasses
import enum
import inspect
import json
import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pulumi

from tools.docs import regions
from tools.docs.attributes import InitSource, type_text

INPUTS, OUTPUTS = "inputs", "outputs"
_SECTION = re.compile(r"^(Args|Arguments|Attributes|Outputs|Example|Examples):\s*$")
# ``name: text``, ``name (type): text`` or ``a, b, c: text`` (one text for several fields).
_ENTRY = re.compile(r"^(\w+(?:,\s*\w+)*)(?:\s*\(([^)]*)\))?:\s*(.*)$")


def public_components(package: Any) -> list[type]:
    """Component classes the package exports (`__all__`), by name."""
    found = []
    for name in getattr(package, "__all__", ()):
        value = getattr(package, name, None)
        if inspect.isclass(value) and issubclass(value, pulumi.ComponentResource):
            found.append(value)
    return sorted(found, key=lambda cls: cls.__name__)


def kebab(name: str) -> str:
    """`golden-ami-asg` for `GoldenAmiAsg`."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", name).lower()


def docstring_sections(obj: Any) -> tuple[str, dict[str, str]]:
    """The docstring's prose and its Google-style sections (`Args:`, `Attributes:`,
    `Example:`), each dedented."""
    doc = inspect.cleandoc(obj.__doc__ or "")
    prose: list[str] = []
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in doc.splitlines():
        match = _SECTION.match(line)
        if match:
            current = sections.setdefault(match.group(1).rstrip("s").replace("Argument", "Arg"), [])
        elif current is not None and (line.startswith((" ", "\t")) or not line.strip()):
            current.append(line)
        else:
            current = None
            prose.append(line)
    return "\n".join(prose).strip(), {
        key: inspect.cleandoc("\n".join(lines)) for key, lines in sections.items()
    }


def entries(section: str) -> dict[str, str]:
    """`name: description` entries of an Args/Attributes section, continuation lines joined.
    An entry naming several fields (``a, b: text``) gives each of them the text."""
    return {name: text for name, (_, text) in typed_entries(section).items()}


def typed_entries(section: str) -> dict[str, tuple[str | None, str]]:
    """Each entry's ``(type, description)``; the type is what ``name (type): ...`` gives."""
    found: dict[str, tuple[str | None, str]] = {}
    names: list[str] = []
    for line in _joined_name_lists(section.splitlines()):
        match = _ENTRY.match(line) if not line.startswith((" ", "\t")) else None
        if match:
            names = [name.strip() for name in match.group(1).split(",")]
            for name in names:
                found[name] = (match.group(2), match.group(3).strip())
        elif names and line.strip():
            for name in names:
                type_name, text = found[name]
                found[name] = (type_name, f"{text} {line.strip()}".strip())
    return found


_NAME_LIST = re.compile(r"^\w+(?:,\s*\w+)*,\s*$")


def _joined_name_lists(lines: list[str]) -> Iterator[str]:
    """Lines with an entry's list of names that wraps (``a, b,`` then ``    c: text``) put
    back on one line."""
    pending = ""
    for line in lines:
        if pending:
            pending = f"{pending} {line.strip()}"
            if _ENTRY.match(pending) or not _NAME_LIST.match(pending):
                yield pending
                pending = ""
        elif not line.startswith((" ", "\t")) and _NAME_LIST.match(line):
            pending = line.rstrip()
        else:
            yield line
    if pending:
        yield pending


def args_class(component: type) -> type | None:
    """`<Component>Args` from the component's module, when it is a dataclass."""
    module = sys.modules.get(component.__module__)
    candidate = getattr(module, f"{component.__name__}Args", None)
    return candidate if inspect.isclass(candidate) and dataclasses.is_dataclass(candidate) else None


def _code(text: str) -> str:
    return "`" + text.replace("|", "\\|") + "`"


def markdown(text: str) -> str:
    """Docstring text as Markdown: reST's ``literal`` becomes `literal`."""
    return text.replace("``", "`")


def _cell(text: str) -> str:
    return markdown(text).replace("|", "\\|").replace("\n", " ") or "—"


def _default(item: dataclasses.Field[Any]) -> str:
    if item.default is not dataclasses.MISSING:
        return _code(_value(item.default))
    if item.default_factory is not dataclasses.MISSING:
        factory = item.default_factory
        if getattr(factory, "__module__", None) == "builtins":
            return _code(repr(factory()))
        return _code(f"{getattr(factory, '__name__', 'factory')}()")
    return "required"


def _value(value: Any) -> str:
    if isinstance(value, enum.Enum):
        return f"{type(value).__name__}.{value.name}"
    if isinstance(value, str):
        return json.dumps(value)
    return repr(value)


def inputs_table(component: type, previous: dict[str, str] | None = None) -> str:
    """The Args dataclass's fields: name, type, default, description (its `Args:` section;
    else the page's previous description of the field)."""
    args = args_class(component)
    if args is None:
        return f"`{component.__name__}` takes no `{component.__name__}Args` dataclass."
    described = entries(docstring_sections(args)[1].get("Arg", ""))
    rows = [
        "| name | type | default | description |",
        "| --- | --- | --- | --- |",
    ]
    for item in dataclasses.fields(args):
        description = described.get(item.name) or (previous or {}).get(item.name, "")
        type_name = item.type if isinstance(item.type, str) else getattr(item.type, "__name__", "")
        rows.append(
            f"| `{item.name}` | {_code(str(type_name))} | {_default(item)} | {_cell(description)} |"
        )
    return "\n".join(rows)


def outputs_table(component: type, previous: dict[str, str] | None = None) -> str:
    """Public attributes: the class's annotations, what ``__init__`` assigns and its
    `Attributes:` section. A type the class does not annotate is ``name (type)`` in that
    section, else worked out from ``__init__``; a description the section does not give is the
    page's previous one, else worked out from the assignment (``attributes.InitSource``)."""
    annotations = {
        name: value
        for name, value in vars(component).get("__annotations__", {}).items()
        if not name.startswith("_")
    }
    described = typed_entries(docstring_sections(component)[1].get("Attribute", ""))
    init = InitSource.of(component)
    assigned = list(init.public_attributes()) if init is not None else []
    names = list(dict.fromkeys([*annotations, *assigned, *described]))
    if not names:
        return f"`{component.__name__}` documents no public attributes."
    rows = ["| name | type | description |", "| --- | --- | --- |"]
    for name in names:
        documented_type, description = described.get(name, (None, ""))
        type_name = (type_text(annotations[name]) if name in annotations else documented_type) or (
            _inferred_type(init, name)
        )
        description = description or (previous or {}).get(name, "")
        inferred = init.describe(name) if init is not None and not description else None
        # Worked-out descriptions are in italics, so that a later run works them out again
        # rather than keeping them as the page's own text.
        description_cell = f"_{_cell(inferred)}_" if inferred else _cell(description)
        type_cell = _code(type_name) if type_name else "—"
        rows.append(f"| `{name}` | {type_cell} | {description_cell} |")
    return "\n".join(rows)


def _inferred_type(init: InitSource | None, name: str) -> str | None:
    found = init.attribute_type(name) if init is not None else None
    return found.text if found is not None else None


def _previous_descriptions(text: str, heading: str) -> dict[str, str]:
    """Descriptions of a hand-written table being adopted, by each name its first cell lists;
    not those the generator worked out from the code (in italics)."""
    found: dict[str, str] = {}
    for row in regions.tables_in_section(text, heading):
        if len(row) < 2:
            continue
        for name in re.findall(r"`(\w+)`", row[0]):
            if row[-1] not in ("", "—") and not _WORKED_OUT.match(row[-1]):
                found.setdefault(name, row[-1])
    return found


_WORKED_OUT = re.compile(r"^_.*_$")


def new_page(component: type) -> str:
    """A page for a component that has none: its docstring, the example its docstring gives
    (or a heading for the author to fill), and the generated regions."""
    prose, sections = docstring_sections(component)
    example = sections.get("Example")
    example_block = (
        f"```python\n{example}\n```"
        if example
        else "_No example yet: the component's author writes it here._"
    )
    args = args_class(component)
    inputs_title = f"Inputs (`{args.__name__}`)" if args else "Inputs"
    return (
        f"# {component.__name__}\n\n{markdown(prose)}\n\n## Example\n\n{example_block}\n\n"
        f"## {inputs_title}\n\n{regions.region(INPUTS, inputs_table(component))}\n\n"
        f"## Outputs\n\n{regions.region(OUTPUTS, outputs_table(component))}\n"
    )


def refreshed_page(component: type, text: str) -> str:
    """`text` with its generated regions refreshed (adopted into a page that has none).
    A field the docstring does not describe keeps the description the page already gives."""
    for name, heading, render in (
        (INPUTS, "Inputs", inputs_table),
        (OUTPUTS, "Outputs", outputs_table),
    ):
        body = render(component, _previous_descriptions(text, heading))
        if regions.has_region(text, name):
            text = regions.replace_region(text, name, body)
        else:
            text = regions.adopt_region(text, name, heading, heading, body)
    return text


def page_contents(components: Iterable[type], docs_dir: Path) -> dict[Path, str]:
    """What each component's page should contain."""
    pages: dict[Path, str] = {}
    for component in components:
        path = docs_dir / f"{kebab(component.__name__)}.md"
        current = path.read_text(encoding="utf-8") if path.is_file() else None
        pages[path] = new_page(component) if current is None else refreshed_page(component, current)
    return pages
