"""A pack that fails while starting, as a pack with a missing dependency does."""

raise ImportError("no module named 'policy_helpers_that_do_not_exist'")
