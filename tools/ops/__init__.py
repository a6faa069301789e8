"""Operator CLI: runbook steps as commands (DLQ inspect and redrive, EventBridge archive
replay, smoke check of a deployed stack)."""
