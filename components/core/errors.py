"""Errors raised before any resource is registered, each listing every problem at once."""

from __future__ import annotations

from collections.abc import Iterable, Sequence


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


class ProblemCollector:
    """Gathers validation problems, then raises one ``ComponentArgumentsError`` with all of them.

    >>> p = ProblemCollector("QueueWithDeadLetter")
    >>> p.check(3 > 0, "max_receive_count: must be at least 1")
    True
    >>> p.raise_if_any()
    """

    def __init__(self, component: str) -> None:
        self.component = component
        self._problems: list[str] = []

    @property
    def problems(self) -> tuple[str, ...]:
        return tuple(self._problems)

    def add(self, problem: str) -> None:
        self._problems.append(problem)

    def extend(self, problems: Iterable[str]) -> None:
        self._problems.extend(problems)

    def check(self, condition: bool, problem: str) -> bool:
        """Record ``problem`` unless ``condition`` holds; return ``condition``."""
        if not condition:
            self._problems.append(problem)
        return condition

    def raise_if_any(self) -> None:
        if self._problems:
            raise ComponentArgumentsError(self.component, self._problems)
