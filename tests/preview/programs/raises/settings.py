"""A helper module of the program that rejects its settings."""


def load() -> None:
    raise ValueError("retention must be positive")
