"""aws-platform CrossGuard policy pack (run by the engine through ``__main__.py``)."""
