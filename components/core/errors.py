"""Errors raised before any resource is registered, each listing every problem at once."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager


class ComponentArgumentsError(ValueError):
    """A component's arguments are invalid; ``problems`` holds one line per problem."""

    def __init__(self, component: str, problems: Sequence[str]) -> None:
        self.component = component
        self.problems: tuple[str, ...] = tuple(problems)
        lines = "\n".join(f"  - {problem}" for problem in self.problems)
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        super().__init__(f"{component}: {count} invalid argument {noun}:\n{lines}")


class StackConfigError(ValueError):
    """The stack configuration is invalid; every problem names its key and the stack file."""

    def __init__(self, stack_file: str, problems: Sequence[str]) -> None:
        self.stack_file = stack_file
        self.problems: tuple[str, ...] = tuple(problems)
        lines = "\n".join(f"  - {stack_file}: {problem}" for problem in self.problems)
        super().__init__(f"invalid stack configuration in {stack_file}:\n{lines}")


def problem_field(problem: str) -> str:
    """The Args field a problem is about: ``tables[0].env_var: ...`` -> ``tables``."""
    head = problem.split(": ", 1)[0]
    return head.split(".", 1)[0].split("[", 1)[0]


class ProblemCollector:
    """Gathers validation problems, then raises one error with all of them: a
    ``ComponentArgumentsError`` naming the component or, made by ``for_stack_file``, a
    ``StackConfigError`` naming the stack file.

    >>> p = ProblemCollector("QueueWithDeadLetter")
    >>> p.check(3 > 0, "max_receive_count: must be at least 1")
    True
    >>> p.raise_if_any()
    >>> config = ProblemCollector.for_stack_file("Pulumi.dev.yaml")
    >>> config.add("aws-platform:owner: missing value")
    >>> try:
    ...     config.raise_if_any()
    ... except StackConfigError as error:
    ...     print(error)
    invalid stack configuration in Pulumi.dev.yaml:
      - Pulumi.dev.yaml: aws-platform:owner: missing value
    """

    def __init__(self, component: str) -> None:
        self.component = component
        self.stack_file: str | None = None
        self._problems: list[str] = []
        self._settled: set[str] = set()

    @classmethod
    def for_stack_file(cls, stack_file: str) -> ProblemCollector:
        """A collector of stack configuration problems (``<namespace>:<key>: <message>``):
        ``raise_if_any`` raises one ``StackConfigError`` naming ``stack_file``."""
        collector = cls(stack_file)
        collector.stack_file = stack_file
        return collector

    @property
    def problems(self) -> tuple[str, ...]:
        return tuple(self._problems)

    def add(self, problem: str) -> None:
        """Record ``problem`` once (a composed component's checks may find it twice), unless
        its field is settled."""
        if problem not in self._problems and problem_field(problem) not in self._settled:
            self._problems.append(problem)

    def settle(self, fields: Iterable[str]) -> None:
        """Report nothing more on ``fields``: their type problems are recorded already."""
        self._settled.update(fields)

    @contextmanager
    def checking(self) -> Iterator[None]:
        """Run value checks that may trip over a settled (ill-typed) field: they stop there,
        and the problems found so far, type problems included, are what gets reported."""
        try:
            yield
        except (ComponentArgumentsError, StackConfigError):
            raise
        except (TypeError, AttributeError, KeyError, ValueError):
            if not self._settled:
                raise

    def extend(self, problems: Iterable[str]) -> None:
        for problem in problems:
            self.add(problem)

    def adopt(self, child: str, problems: Iterable[str], fields: Mapping[str, str | None]) -> None:
        """Record a composed component's problems under the fields the caller set.

        ``fields`` maps each of the child's fields to the caller's field it comes from, or to
        ``None`` when the caller's own checks already cover it (a value it derives). A problem
        on an unmapped field is kept with the child's name, as it is no fault of the caller's
        arguments alone.
        """
        for problem in problems:
            head, _, message = problem.partition(": ")
            child_field = problem_field(problem)
            if child_field not in fields:
                self.add(f"{child}.{problem}")
                continue
            caller_field = fields[child_field]
            if caller_field is None:
                continue
            if caller_field == child_field:
                self.add(problem)
            else:
                self.add(f"{caller_field}: {message} (as {child}.{head})")

    def check(self, condition: bool, problem: str) -> bool:
        """Record ``problem`` unless ``condition`` holds; return ``condition``."""
        if not condition:
            self.add(problem)
        return condition

    def raise_if_any(self) -> None:
        if not self._problems:
            return
        if self.stack_file is not None:
            raise StackConfigError(self.stack_file, self._problems)
        raise ComponentArgumentsError(self.component, self._problems)
