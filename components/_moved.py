"""Module paths that moved in 0.2.0 keep importing for one release, with a DeprecationWarning.

``import components.fargate_service`` (0.1.0) now gives ``components.containers.fargate_service``:
the same module object, so classes, ``isinstance`` and monkeypatching behave as before. The table is
the whole list of moves; CHANGELOG.md says the same.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import types
import warnings

MOVED_MODULES: dict[str, str] = {
    "components.alarm_topics": "components.observability.alarm_topics",
    "components.alarmed_function": "components.compute.alarmed_function",
    "components.golden_ami_asg": "components.compute.golden_ami_asg",
    "components.instance_types": "components.compute.instance_types",
    "components.archived_event_bus": "components.events.archived_event_bus",
    "components.event_pattern": "components.events.event_pattern",
    "components.data_table": "components.data.data_table",
    "components.fan_out_topic": "components.messaging.fan_out_topic",
    "components.idempotent_queue_consumer": "components.messaging.idempotent_queue_consumer",
    "components.queue_with_dead_letter": "components.messaging.queue_with_dead_letter",
    "components.delivery_dlq": "components.messaging.delivery_dlq",
    "components.delivery_status_logging": "components.messaging.delivery_status_logging",
    "components.sns_filter_policy": "components.messaging.sns_filter_policy",
    "components.fargate_service": "components.containers.fargate_service",
    "components.fargate_sizes": "components.containers.fargate_sizes",
    "components.numeric_match": "components.core.numeric_match",
    "components.secret_names": "components.core.secret_names",
}
"""Old module path -> new module path. ``components.network`` needs no entry: it is now the
package that exports ``Network``, ``NetworkArgs`` and ``ExistingVpc``."""


class _MovedModuleLoader(importlib.abc.Loader):
    """Loads an old path as the module at its new path (after warning the importer)."""

    def __init__(self, new_name: str) -> None:
        self.new_name = new_name
        self._new_spec: importlib.machinery.ModuleSpec | None = None

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        warnings.warn(
            f"{spec.name} moved to {self.new_name}; import from `components` (or the new path)."
            " The old path goes away in the next release.",
            DeprecationWarning,
            stacklevel=2,
        )
        module = importlib.import_module(self.new_name)
        self._new_spec = module.__spec__
        return module

    def exec_module(self, module: types.ModuleType) -> None:
        """The module ran under its new name already; give it back the spec importlib replaced."""
        module.__spec__ = self._new_spec


class _MovedModuleFinder(importlib.abc.MetaPathFinder):
    def find_spec(
        self, fullname: str, path: object = None, target: object = None
    ) -> importlib.machinery.ModuleSpec | None:
        new_name = MOVED_MODULES.get(fullname)
        if new_name is None:
            return None
        return importlib.machinery.ModuleSpec(fullname, _MovedModuleLoader(new_name))


def install() -> None:
    """Let the old module paths import (idempotent)."""
    if not any(isinstance(finder, _MovedModuleFinder) for finder in sys.meta_path):
        sys.meta_path.append(_MovedModuleFinder())
