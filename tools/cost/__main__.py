"""`python -m tools.cost`."""

from tools.cost.cli import main

raise SystemExit(main())
