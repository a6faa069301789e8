"""`python -m tools.preview`."""

import gc

from tools.preview.cli import main

status = main()
# The run leaves millions of objects behind (pulumi_aws alone is most of them): exempt them from
# the collections of interpreter shutdown, which otherwise walk them all again (about a second).
gc.freeze()
raise SystemExit(status)
