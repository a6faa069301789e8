"""Offline preview: run a Pulumi program under mocks and evaluate a policy pack on it."""
