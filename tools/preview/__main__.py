"""`python -m tools.preview`."""

import gc

# One short run that keeps nearly everything it allocates until it ends (pulumi_aws's classes,
# the SDK's outputs, the program's resources): cyclic garbage collection while it runs cost the
# prod preview about 0.5 s of the main process, which the program and the report wait on, and
# freed little (a 4,600-resource synthetic program peaks 6% higher without it). Reference
# counting still frees everything else.
gc.disable()

from tools.preview.cli import main  # noqa: E402 (after the collector is off: imports allocate)

status = main()
# Exempt the heap from the collections of interpreter shutdown, which otherwise walk it all
# again (about a second on the prod preview).
gc.freeze()
raise SystemExit(status)
