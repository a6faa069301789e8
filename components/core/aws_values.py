"""Values AWS accepts, written once: identifier patterns, log retention periods, CIDR blocks.

Components and the environments' config parsers check arguments against these before anything
is registered, so a value AWS would refuse fails the preview instead of the deploy.
"""

from __future__ import annotations

import ipaddress
import re

ACCOUNT_ID = re.compile(r"^\d{12}$")
"""A 12-digit AWS account id."""

IAM_PRINCIPAL_ARN = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:(root|role/.+|user/.+)$")
"""An account root, role or user ARN, in any partition (aws, aws-cn, aws-us-gov)."""

ACM_CERTIFICATE_ARN = re.compile(
    r"^arn:aws[a-z-]*:acm:[a-z]{2}(-[a-z]+)+-\d:\d{12}:certificate/[A-Za-z0-9-]+$"
)
"""An ACM certificate ARN: ``arn:<partition>:acm:<region>:<account>:certificate/<id>``
(https://docs.aws.amazon.com/service-authorization/latest/reference/list_awscertificatemanager.html#awscertificatemanager-resources-for-iam-policies)."""

LOG_RETENTION_DAYS = frozenset(
    {1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557}
    | {2922, 3288, 3653}
)
"""The retention periods CloudWatch Logs accepts, in days (PutRetentionPolicy, ``retentionInDays``:
https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html)."""


def ipv4_network(cidr: object) -> ipaddress.IPv4Network | None:
    """``cidr`` as an IPv4 network when it is one written exactly (``10.0.0.0/16``, not
    ``10.0.0.1/16``), else ``None``; the form EC2 security group rules and VPCs accept."""
    if not isinstance(cidr, str):
        return None
    try:
        network = ipaddress.ip_network(cidr, strict=True)
    except ValueError:
        return None
    return network if isinstance(network, ipaddress.IPv4Network) else None
