"""Typed Pulumi components for AWS event-driven workloads, and their shared core."""
