"""Reading a Pulumi project folder: `Pulumi.yaml`, `Pulumi.<stack>.yaml` and their config."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

SECRET_PLACEHOLDER = "offline-preview-secret"
"""The value a `secure:` config value gets: the preview has no key to decrypt it."""


class ProjectError(Exception):
    """The project folder, its `Pulumi.yaml` or a stack file cannot be used; names the file."""


@dataclass(frozen=True, kw_only=True)
class StackConfig:
    """A stack's config as `pulumi.runtime.set_all_config` takes it."""

    values: dict[str, str]
    secret_keys: list[str]
    source: Path


@dataclass(frozen=True, kw_only=True)
class Project:
    """A Pulumi project folder."""

    directory: Path
    name: str
    runtime: str
    main: Path
    project_config: Mapping[str, Any]
    description: str = ""

    @property
    def stack_tags(self) -> dict[str, str]:
        """The tags the engine gives every stack of the project (and sends a pack in
        ConfigureStack): pulumi/pulumi `pkg/backend/stack.go`, `GetEnvironmentTagsForCurrentStack`
        (`vcs:*` tags from the git remote are not derived offline)."""
        tags = {"pulumi:project": self.name, "pulumi:runtime": self.runtime}
        if self.description:
            tags["pulumi:description"] = self.description
        return tags

    @property
    def stacks(self) -> list[str]:
        """Stacks that have a `Pulumi.<stack>.yaml` next to `Pulumi.yaml`."""
        return sorted(
            path.name[len("Pulumi.") : -len(".yaml")]
            for path in self.directory.glob("Pulumi.*.yaml")
        )

    def stack_file(self, stack: str) -> Path:
        return self.directory / f"Pulumi.{stack}.yaml"

    def stack_config(self, stack: str) -> StackConfig:
        """The stack's config: project defaults < `Pulumi.<stack>.yaml`, all namespaces."""
        path = self.stack_file(stack)
        if not path.is_file():
            existing = ", ".join(self.stacks) or "none"
            raise ProjectError(
                f"unknown stack '{stack}': {path} does not exist (existing stacks: {existing})"
            )
        document = _read_yaml(path) or {}
        if not isinstance(document, dict):
            raise ProjectError(f"{path}: expected a mapping at the top level")
        stack_values = document.get("config") or {}
        if not isinstance(stack_values, dict):
            raise ProjectError(f"{path}: 'config' must be a mapping")
        values: dict[str, str] = {}
        secret_keys: list[str] = []
        for key, spec in self.project_config.items():
            default = spec.get("value", spec.get("default")) if isinstance(spec, dict) else spec
            if default is not None:
                values[self._full_key(key)] = _config_string(default)
        for key, value in stack_values.items():
            full = self._full_key(str(key))
            if isinstance(value, dict) and set(value) == {"secure"}:
                values[full] = SECRET_PLACEHOLDER
                secret_keys.append(full)
            else:
                values[full] = _config_string(value)
        return StackConfig(values=values, secret_keys=secret_keys, source=path)

    def _full_key(self, key: str) -> str:
        return key if ":" in key else f"{self.name}:{key}"


def _config_string(value: Any) -> str:
    """Config values reach the program as strings; objects and lists as JSON."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return str(value)


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise ProjectError(f"{path}: invalid YAML: {error}") from error


def load_project(directory: Path | str) -> Project:
    """Read `directory/Pulumi.yaml`; ProjectError names the file and what is wrong."""
    folder = Path(directory).resolve()
    path = folder / "Pulumi.yaml"
    if not path.is_file():
        raise ProjectError(f"{path} not found: {folder} is not a Pulumi project folder")
    document = _read_yaml(path)
    if not isinstance(document, dict):
        raise ProjectError(f"{path}: expected a mapping at the top level")
    problems: list[str] = []
    name = document.get("name")
    if not isinstance(name, str) or not name:
        problems.append("'name' is required")
    runtime = document.get("runtime")
    runtime_name = runtime.get("name") if isinstance(runtime, dict) else runtime
    if runtime_name != "python":
        problems.append(f"'runtime' must be python, not {runtime_name!r}")
    main = folder / str(document.get("main") or ".")
    if main.is_dir():
        main = main / "__main__.py"
    if not main.is_file():
        problems.append(f"program {main} does not exist")
    project_config = document.get("config") or {}
    if not isinstance(project_config, dict):
        problems.append("'config' must be a mapping")
    if problems:
        raise ProjectError(f"{path}: " + "; ".join(problems))
    return Project(
        directory=folder,
        name=str(name),
        runtime=str(runtime_name),
        main=main,
        project_config=project_config,
        description=str(document.get("description") or ""),
    )
