"""Entry point: `python -m tools.ops`."""

from tools.ops.cli import main

raise SystemExit(main())
