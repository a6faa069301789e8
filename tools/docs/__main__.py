"""`python -m tools.docs`."""

from tools.docs.cli import main

raise SystemExit(main())
