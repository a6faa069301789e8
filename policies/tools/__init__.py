"""Maintenance scripts of the policy pack (not loaded by the engine)."""
