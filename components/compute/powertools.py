"""The public Powertools for AWS Lambda (Python) v3 layer and the environment it reads."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from components.compute.function_args import Architecture, Runtime

__all__ = [
    "POWERTOOLS_ENV",
    "POWERTOOLS_LAYER_ACCOUNT",
    "POWERTOOLS_LAYER_VERSION",
    "powertools_layer_arn",
]

# The public Powertools for AWS Lambda (Python) v3 layer, published by AWS in this account in
# every commercial region. Version 23 is the version the Powertools docs list for
# ``AWSLambdaPowertoolsPythonV3-<python3xx>-<arch>`` as of Powertools 3.2x; the same number
# exists for every runtime/architecture pair. Pin a newer one with ``powertools_layer_version``.
POWERTOOLS_LAYER_ACCOUNT = "017000801446"
POWERTOOLS_LAYER_VERSION = 23
POWERTOOLS_ENV = (
    "POWERTOOLS_SERVICE_NAME",
    "POWERTOOLS_LOG_LEVEL",
    "POWERTOOLS_METRICS_NAMESPACE",
)
"""The environment variables ``AlarmedFunction`` sets (a caller's ``environment`` may not)."""


def powertools_layer_arn(
    partition: str, region: str, runtime: Runtime, architecture: Architecture, version: int
) -> str:
    """The public Powertools for AWS Lambda (Python) v3 layer for this runtime and architecture.

    Powertools publishes it from ``POWERTOOLS_LAYER_ACCOUNT`` in the commercial partition:
    https://docs.powertools.aws.dev/lambda/python/latest/#lambda-layer
    """
    return (
        f"arn:{partition}:lambda:{region}:{POWERTOOLS_LAYER_ACCOUNT}:layer:"
        f"AWSLambdaPowertoolsPythonV3-{runtime.layer_tag}-{architecture.value}:{version}"
    )
