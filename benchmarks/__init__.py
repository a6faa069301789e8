"""`make bench`: measures the preview, the policy pack and the handler; see `__main__`."""
