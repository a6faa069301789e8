"""`python -m tools.preview`."""

from tools.preview.cli import main

raise SystemExit(main())
