"""aws-platform: one stack per environment tier (dev, staging, prod), composed in environments/."""

from environments import build_platform

build_platform()
