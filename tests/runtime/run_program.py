"""Run one Pulumi program for one stack under the SDK's mocks, with nothing but the program's
own run-time requirements installed (executed by a virtualenv built from its requirements file).

    python run_program.py PLATFORM_ROOT PROGRAM_DIR STACK

It imports only the Pulumi SDK and the platform checkout's mock cloud (`tools.preview`'s
`MockCloud` and project reader, which need nothing beyond the SDK), runs `PROGRAM_DIR/__main__.py`
with its stack config the way `pulumi up` would, and prints one JSON line on stdout:
``{"resources": N, "types": {type: count}}``. A missing module fails the run with its traceback.
"""

from __future__ import annotations

import asyncio
import json
import os
import runpy
import sys
from collections import Counter
from typing import Any


def main(platform_root: str, program_dir: str, stack: str) -> int:
    sys.path.insert(0, platform_root)
    import pulumi
    import pulumi.runtime.stack

    from tools.preview.mock_cloud import MockCloud
    from tools.preview.project import load_project

    project = load_project(program_dir)
    config = project.stack_config(stack)
    registered: Counter[str] = Counter()

    class CountingCloud(MockCloud):
        def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict]:
            registered[args.typ] += 1
            return super().new_resource(args)

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    cloud = CountingCloud(region=config.values.get("aws:region") or "us-east-1")
    pulumi.runtime.set_mocks(cloud, project=project.name, stack=stack, preview=False)
    pulumi.runtime.set_all_config(dict(config.values), list(config.secret_keys))
    os.chdir(project.directory)
    sys.path.insert(0, str(project.directory))

    async def program() -> Any:
        runpy.run_path(str(project.main), run_name="__main__")
        await pulumi.runtime.stack.wait_for_rpcs()

    loop.run_until_complete(program())
    print(json.dumps({"resources": sum(registered.values()), "types": dict(registered)}))
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
