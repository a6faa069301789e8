"""Reference pages of the public components: inputs and outputs tables from the code."""

from __future__ import annotations

import dataclasses
import enum
import inspect
import json
import re
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pulumi

from tools.docs import regions

INPUTS, OUTPUTS = "inputs", "outputs"
_SECTION = re.compile(r"^(Args|Arguments|Attributes|Outputs|Example|Examples):\s*$")
_ENTRY = re.compile(r"^(\w+)(?:\s*\([^)]*\))?:\s*(.*)$")


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
    """`name: description` entries of an Args/Attributes section, continuation lines joined."""
    found: dict[str, str] = {}
    name = None
    for line in section.splitlines():
        match = _ENTRY.match(line) if not line.startswith((" ", "\t")) else None
        if match:
            name = match.group(1)
            found[name] = match.group(2).strip()
        elif name and line.strip():
            found[name] = f"{found[name]} {line.strip()}".strip()
    return found


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
    """Public attributes: the class's annotations and its `Attributes:` section."""
    annotations = {
        name: value
        for name, value in vars(component).get("__annotations__", {}).items()
        if not name.startswith("_")
    }
    described = entries(docstring_sections(component)[1].get("Attribute", ""))
    names = list(dict.fromkeys([*annotations, *_assigned(component), *described]))
    if not names:
        return f"`{component.__name__}` documents no public attributes."
    rows = ["| name | type | description |", "| --- | --- | --- |"]
    for name in names:
        type_name = annotations.get(name)
        type_cell = _code(str(type_name)) if type_name else "—"
        description = described.get(name) or (previous or {}).get(name, "")
        rows.append(f"| `{name}` | {type_cell} | {_cell(description)} |")
    return "\n".join(rows)


_ASSIGNED = re.compile(r"^\s*self\.([a-z]\w*)\s*(?::[^=\n]+)?=(?!=)", re.MULTILINE)


def _assigned(component: type) -> list[str]:
    """Public attributes `__init__` assigns (``self.name = ...``), in order."""
    try:
        source = inspect.getsource(vars(component)["__init__"])
    except (KeyError, OSError, TypeError):
        return []
    return list(dict.fromkeys(_ASSIGNED.findall(source)))


def _previous_descriptions(text: str, heading: str) -> dict[str, str]:
    """Descriptions of a hand-written table being adopted, by each name its first cell lists."""
    found: dict[str, str] = {}
    for row in regions.tables_in_section(text, heading):
        if len(row) < 2:
            continue
        for name in re.findall(r"`(\w+)`", row[0]):
            if row[-1] not in ("", "—"):
                found.setdefault(name, row[-1])
    return found


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
