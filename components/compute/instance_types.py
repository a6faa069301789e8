"""The EC2 instance types that exist, from the EC2 API model botocore ships offline."""

from __future__ import annotations

import difflib
from functools import cache

import botocore.session

__all__ = ["instance_type_problem", "known_instance_types"]


@cache
def known_instance_types() -> frozenset[str]:
    """Every value of the EC2 API's ``InstanceType`` enum (``RunInstances``'s
    ``InstanceType``), as listed by botocore's bundled ``ec2`` service model; a newer botocore
    knows newer types. https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_RunInstances.html
    """
    model = botocore.session.get_session().get_service_model("ec2")
    return frozenset(model.shape_for("InstanceType").enum)


def instance_type_problem(instance_type: str) -> str | None:
    """Why ``instance_type`` cannot be launched, with the closest real names; None if it can."""
    known = known_instance_types()
    if instance_type in known:
        return None
    close = difflib.get_close_matches(instance_type, sorted(known), n=3)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    return f"{instance_type!r} is not an EC2 instance type{hint}"
