"""A component's public attributes as its ``__init__`` (or a builder method it calls) assigns
them, with a type and a description worked out from the code where the class documents neither.

``self.queue_arn = self.queue.arn`` with ``queue: aws.sqs.Queue`` annotated on the class gives
``pulumi.Output[str]`` (the provider's property type) and "`arn` of `queue`";
``self.kms_key = key`` after ``key = args.kms_key or CustomerManagedKey(...)`` gives
``CustomerManagedKey`` and "the `kms_key` argument, or the `CustomerManagedKey` it creates".
"""

from __future__ import annotations

import ast
import builtins
import dataclasses
import inspect
import sys
import textwrap
import typing
from collections.abc import Iterable, Iterator
from typing import Any

_Namespace = dict[str, Any]


@dataclasses.dataclass(frozen=True)
class _Type:
    """A type as written (``pulumi.Output[str] | None``) and the namespace it is written in."""

    text: str
    namespace: _Namespace


@dataclasses.dataclass(frozen=True)
class _Binding:
    """``target = value``, or the ``index``-th element of a tuple-unpacking assignment."""

    value: ast.expr
    index: int | None = None
    annotation: str | None = None


def type_text(annotation: Any) -> str:
    """An annotation as source text (``pulumi.Output[str]``), whether a string or an object."""
    if isinstance(annotation, str):
        return annotation
    if isinstance(annotation, type) and not typing.get_args(annotation):
        module = annotation.__module__
        return (
            annotation.__name__ if module == "builtins" else f"{module}.{annotation.__qualname__}"
        )
    text = repr(annotation).replace("typing.", "")
    return text.replace("pulumi.output.Output", "pulumi.Output")


def _split_top(text: str, separator: str) -> list[str]:
    """``text`` split at ``separator`` outside brackets."""
    parts, depth, current = [], 0, ""
    for char in text:
        depth += char == "["
        depth -= char == "]"
        if char == separator and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    return [*parts, current.strip()]


def _without_none(text: str) -> str:
    parts = [part for part in _split_top(text, "|") if part != "None"]
    return " | ".join(parts) if parts else text


def _element(text: str, index: int | None) -> str | None:
    """The element type of ``list[X]`` / ``Sequence[X]`` (any index) or ``tuple[A, B]``."""
    head, _, rest = text.partition("[")
    if not rest.endswith("]"):
        return None
    arguments = _split_top(rest[:-1], ",")
    if head.strip() in ("tuple", "typing.Tuple", "Tuple"):
        return arguments[index] if index is not None and index < len(arguments) else None
    return arguments[0] if len(arguments) == 1 else None


def _object(text: str, namespace: _Namespace) -> Any:
    """What a dotted name (``aws.sqs.Queue``) of the component's module refers to, if anything."""
    head, *rest = text.split(".")
    if not all(part.isidentifier() for part in (head, *rest)):
        return None
    value = namespace[head] if head in namespace else getattr(builtins, head, None)
    for part in rest:
        value = getattr(value, part, None)
    return value


def _class(found: _Type | None) -> type | None:
    """The class a type names, ignoring ``| None`` and generic arguments."""
    if found is None:
        return None
    head = _without_none(found.text).split("[", 1)[0].strip()
    value = _object(head, found.namespace)
    return value if inspect.isclass(value) else None


def _namespace(obj: Any) -> _Namespace:
    module = sys.modules.get(getattr(obj, "__module__", ""), None)
    return vars(module) if module is not None else {}


def _member(cls: type, name: str, seen: frozenset[type]) -> _Type | None:
    """The type of ``instance.name`` for an instance of ``cls``."""
    for klass in cls.__mro__:
        annotation = vars(klass).get("__annotations__", {}).get(name)
        if annotation is not None:
            return _Type(type_text(annotation), _namespace(klass))
        member = vars(klass).get(name)
        if isinstance(member, property) and member.fget is not None:
            returned = member.fget.__annotations__.get("return")
            if returned is not None:
                return _Type(type_text(returned), _namespace(member.fget))
    if cls not in seen and "__init__" in vars(cls):
        init = InitSource.of(cls, seen | {cls})
        if init is not None:
            return init.attribute_type(name)
    return None


def _returned(function: Any) -> _Type | None:
    try:
        annotation = inspect.signature(function).return_annotation
    except (TypeError, ValueError):
        return None
    if annotation is inspect.Signature.empty:
        return None
    return _Type(type_text(annotation), _namespace(function))


class InitSource:
    """What a class's ``__init__`` assigns, read from its source; attributes only another
    method assigns (a builder called by ``__init__``) are read from that method."""

    def __init__(
        self,
        cls: type,
        function: ast.FunctionDef,
        seen: frozenset[type],
        parent: InitSource | None = None,
    ) -> None:
        self.cls = cls
        self.parent = parent
        self.elsewhere: dict[str, InitSource] = {}  # attribute -> the method assigning it
        self.namespace = _namespace(cls)
        self.seen = seen
        arguments = function.args
        self.parameters = {
            a.arg: ast.unparse(a.annotation)
            for a in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
            if a.annotation is not None
        }
        self.attributes: dict[str, _Binding] = {}
        # Every assignment of each attribute, and what ``self.name[key] = value`` stores.
        self.assignments: dict[str, list[ast.expr]] = {}
        self.items: dict[str, list[ast.expr]] = {}
        self.filled_by: dict[str, str] = {}  # attribute -> the method storing items in it
        self.locals: dict[str, _Binding] = {}
        statements = sorted(
            (n for n in ast.walk(function) if isinstance(n, ast.Assign | ast.AnnAssign)),
            key=lambda n: (n.lineno, n.col_offset),
        )
        for statement in statements:
            if statement.value is None:
                continue
            if isinstance(statement, ast.AnnAssign):
                self._bind(statement.target, _Binding(statement.value, None, _text(statement)))
                continue
            for target in statement.targets:
                if isinstance(target, ast.Tuple):
                    for index, item in enumerate(target.elts):
                        self._bind(item, _Binding(statement.value, index))
                else:
                    self._bind(target, _Binding(statement.value))

    @classmethod
    def of(cls, component: type, seen: frozenset[type] = frozenset()) -> InitSource | None:
        methods = _methods(component)
        if "__init__" not in methods:
            return None
        init = cls(component, methods.pop("__init__"), seen | {component})
        init.filled_by = _filled_by(methods.values())
        for method in methods.values():
            other = cls(component, method, init.seen, parent=init)
            for name in other.attributes:
                if name not in init.attributes:
                    init.elsewhere.setdefault(name, other)
        return init

    def _bind(self, target: ast.expr, binding: _Binding) -> None:
        if _is_self_attribute(target):
            assert isinstance(target, ast.Attribute)
            self.attributes.setdefault(target.attr, binding)
            if binding.index is None:
                self.assignments.setdefault(target.attr, []).append(binding.value)
        elif isinstance(target, ast.Subscript) and _is_self_attribute(target.value):
            assert isinstance(target.value, ast.Attribute)
            self.items.setdefault(target.value.attr, []).append(binding.value)
        elif isinstance(target, ast.Name):
            self.locals.setdefault(target.id, binding)

    def public_attributes(self) -> Iterator[str]:
        """Public attributes in the order ``__init__`` first assigns them, then those only
        other methods assign."""
        names = [*self.attributes, *self.elsewhere]
        return (name for name in names if not name.startswith("_"))

    def _assigner(self, name: str) -> InitSource | None:
        """The method source assigning ``self.name``: ``__init__`` when it does."""
        root = self.parent or self
        if name in root.attributes:
            return root
        return root.elsewhere.get(name)

    # Types.

    def attribute_type(self, name: str) -> _Type | None:
        annotation = vars(self.cls).get("__annotations__", {}).get(name)
        if annotation is not None:
            return _Type(type_text(annotation), self.namespace)
        source = self._assigner(name)
        if source is None:
            return None
        return source._binding_type(source.attributes[name])

    def _binding_type(self, binding: _Binding) -> _Type | None:
        if binding.annotation is not None:
            return _Type(binding.annotation, self.namespace)
        found = self.expression_type(binding.value)
        if found is None or binding.index is None:
            return found
        element = _element(found.text, binding.index)
        return _Type(element, found.namespace) if element else None

    def expression_type(self, node: ast.expr) -> _Type | None:
        if isinstance(node, ast.Name):
            if node.id in self.locals:
                return self._binding_type(self.locals[node.id])
            if node.id in self.parameters:
                return _Type(self.parameters[node.id], self.namespace)
            return None
        if isinstance(node, ast.Attribute):
            if isinstance(node.value, ast.Name) and node.value.id == "self":
                return self.attribute_type(node.attr)
            owner = _class(self.expression_type(node.value))
            return _member(owner, node.attr, self.seen) if owner is not None else None
        if isinstance(node, ast.Call):
            return self._call_type(node.func)
        if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or):
            for value in node.values:
                found = self.expression_type(value)
                if found is not None:
                    return _Type(_without_none(found.text), found.namespace)
            return None
        if isinstance(node, ast.IfExp):
            found = self.expression_type(node.body)
            none = isinstance(node.orelse, ast.Constant) and node.orelse.value is None
            if found is not None and none and "None" not in _split_top(found.text, "|"):
                return _Type(f"{found.text} | None", found.namespace)
            return found
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
            found = self.expression_type(node.value)
            index = node.slice.value if isinstance(node.slice.value, int) else None
            element = _element(found.text, index) if found is not None else None
            return _Type(element, found.namespace) if found is not None and element else None
        if isinstance(node, ast.Constant) and node.value is not None:
            return _Type(type(node.value).__name__, {})
        return None

    def _call_type(self, function: ast.expr) -> _Type | None:
        if (
            isinstance(function, ast.Attribute)
            and isinstance(function.value, ast.Name)
            and function.value.id == "self"
        ):
            method = getattr(self.cls, function.attr, None)
            return _returned(method) if method is not None else None
        if not isinstance(function, ast.Name | ast.Attribute):
            return None
        target = _object(ast.unparse(function), self.namespace)
        if inspect.isclass(target):
            return _Type(ast.unparse(function), self.namespace)
        return _returned(target) if callable(target) else None

    # Descriptions.

    def describe(self, name: str) -> str | None:
        """What the attribute holds, from the assignments of ``__init__``: the first that is
        more than an empty start (``None``, ``{}``), or what a loop stores under each key."""
        source = self._assigner(name)
        if source is not self:
            return source.describe(name) if source is not None else None
        binding = self.attributes[name]
        values = self.assignments.get(name, [binding.value])
        real = [value for value in values if not _empty(value)]
        if real:
            text = self._describe(real[0])
            return f"{text}, or None" if len(real) < len(values) and _none(values) else text
        stored = self.items.get(name)
        if stored:
            return f"{self._describe(stored[0])}, one per key"
        if name in self.filled_by:
            return f"one item per key, stored by `{self.filled_by[name]}()`"
        return self._describe(binding.value)

    def _describe(self, node: ast.expr) -> str:
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            owner = node.value.id
            if owner == "self":
                return f"`{node.attr}`"
            if owner in self.parameters and dataclasses.is_dataclass(
                _class(self.expression_type(node.value))
            ):
                return f"the `{node.attr}` argument"
            binding = self.locals.get(owner)
            if binding is not None and binding.index is not None:
                return f"`{node.attr}` as `{ast.unparse(binding.value)}` works it out"
        if isinstance(node, ast.Attribute):
            owner = self._describe(node.value)
            if owner.startswith("made by "):
                owner = f"what {owner.removeprefix('made by ')} returns"
            return f"`{node.attr}` of {owner}"
        if isinstance(node, ast.Name):
            if node.id in self.locals and self.locals[node.id].index is None:
                return self._describe(self.locals[node.id].value)
            if node.id in self.parameters:
                return f"the `{node.id}` the component was given"
        if isinstance(node, ast.Call):
            target = _object(ast.unparse(node.func), self.namespace)
            if inspect.isclass(target) and target.__module__ != "builtins":
                return f"the `{ast.unparse(node.func)}` it creates"
            if not inspect.isclass(target):
                return f"made by `{_call_name(node)}`"
        if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or):
            return ", or ".join(self._describe(value) for value in node.values)
        if isinstance(node, ast.IfExp):
            condition = ast.unparse(node.test).replace("self.", "")
            return f"{self._describe(node.body)} (None without `{condition}`)"
        return f"`{ast.unparse(node).replace('self.', '')}`"


def _methods(cls: type) -> dict[str, ast.FunctionDef]:
    """The methods the class body defines, by name, in source order."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(cls)))
    except (OSError, TypeError, SyntaxError):
        return {}
    body = tree.body[0].body if tree.body and isinstance(tree.body[0], ast.ClassDef) else []
    return {node.name: node for node in body if isinstance(node, ast.FunctionDef)}


def _filled_by(methods: Iterable[ast.FunctionDef]) -> dict[str, str]:
    """Attributes another method stores items in (``self.rules[name] = rule``), by method."""
    found: dict[str, str] = {}
    for method in methods:
        for node in ast.walk(method):
            targets = node.targets if isinstance(node, ast.Assign) else []
            for target in targets:
                if isinstance(target, ast.Subscript) and _is_self_attribute(target.value):
                    assert isinstance(target.value, ast.Attribute)
                    found.setdefault(target.value.attr, method.name)
    return found


def _is_self_attribute(node: ast.expr) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "self"
    )


def _empty(value: ast.expr) -> bool:
    """``None``, ``{}``, ``[]``, ``()``: a start the rest of ``__init__`` fills in."""
    if isinstance(value, ast.Constant):
        return value.value is None
    if isinstance(value, ast.Dict):
        return not value.keys
    if isinstance(value, ast.List | ast.Tuple | ast.Set):
        return not value.elts
    return False


def _none(values: list[ast.expr]) -> bool:
    return any(isinstance(v, ast.Constant) and v.value is None for v in values)


def _text(statement: ast.AnnAssign) -> str:
    return ast.unparse(statement.annotation)


def _call_name(call: ast.Call) -> str:
    name = ast.unparse(call.func).replace("self.", "")
    return f"{name}(...)" if call.args or call.keywords else f"{name}()"
