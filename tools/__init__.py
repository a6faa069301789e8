"""Developer and operator tooling for the platform (offline preview, ops CLI)."""
