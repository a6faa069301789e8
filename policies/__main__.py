"""Entry point the Pulumi engine runs (``python -m pulumi.policy <engine> <pack dir>``).

The engine runs this file by path, so the pack directory is loaded as a package under a fixed
name whatever the directory is called; rules then import each other relatively.
"""

import gc
import importlib.util
import sys
from pathlib import Path

from pulumi_policy import EnforcementLevel, PolicyPack

_PACK_DIR = Path(__file__).resolve().parent
_PACKAGE = "aws_platform_policy_pack"

if __package__:
    _pack = sys.modules[__package__]
else:
    _spec = importlib.util.spec_from_file_location(
        _PACKAGE, _PACK_DIR / "__init__.py", submodule_search_locations=[str(_PACK_DIR)]
    )
    assert _spec is not None and _spec.loader is not None
    _pack = importlib.util.module_from_spec(_spec)
    sys.modules[_PACKAGE] = _pack
    _spec.loader.exec_module(_pack)

_lib = importlib.import_module(f"{_pack.__name__}.lib.convert")
_dispatch = importlib.import_module(f"{_pack.__name__}.lib.dispatch")
_rules = importlib.import_module(f"{_pack.__name__}.rules")

_lib.install_conversion_cache()
_ALL_RULES = _rules.all_rules()
_dispatch.install_type_dispatch({r.name: r.resource_types for r in _ALL_RULES if r.resource_types})
ALL_POLICIES = [rule.to_policy() for rule in _ALL_RULES]

# The pack lives for one preview or update and allocates a few objects per property per
# request: collect rarely, and never rescan the modules and policies loaded above.
gc.freeze()
gc.set_threshold(50_000, 20, 20)

PolicyPack(
    name="aws-platform",
    enforcement_level=EnforcementLevel.MANDATORY,
    policies=ALL_POLICIES,
    description="Security, data-loss and reliability rules for AWS event-driven workloads.",
)
