"""Run one Pulumi program for one stack under the SDK's mocks, with nothing but the program's
own run-time requirements installed (executed by a virtualenv built from its requirements file).

    python run_program.py PLATFORM_ROOT PROGRAM_DIR STACK [STACK ...]

It imports only the Pulumi SDK, the provider SDKs and the platform checkout's `tools.preview`
program runner (mock cloud, project reader, provider Check and awsx expansion, which need nothing
beyond what requirements.txt installs), runs `PROGRAM_DIR/__main__.py` with its stack config the
way `pulumi up` would, and prints one JSON line per stack on stdout: ``{"stack": STACK,
"resources": N, "types": {type: count}}``. A missing module fails the run with its traceback.
"""

from __future__ import annotations

import json
import sys
from collections import Counter

STACK_TYPE = "pulumi:pulumi:Stack"


def main(platform_root: str, program_dir: str, *stacks: str) -> int:
    sys.path.insert(0, platform_root)
    from tools.preview.program import run_program_dir

    for stack in stacks:
        run = run_program_dir(program_dir, stack)
        types = Counter(r.type for r in run.resources if r.type != STACK_TYPE)
        line = {"stack": stack, "resources": sum(types.values()), "types": dict(types)}
        print(json.dumps(line), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
