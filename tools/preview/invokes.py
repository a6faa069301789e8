"""Answers to provider functions (invokes) a program calls while it runs under the mock cloud."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tools.preview.identifiers import (
    ACCOUNT_ID,
    DNS_SUFFIX,
    PARTITION,
    availability_zones,
    ec2_id,
    short_hex,
)


class UnknownInvokeError(Exception):
    """A program called a provider function the mock cloud cannot answer."""

    def __init__(self, token: str) -> None:
        super().__init__(
            f"the offline preview cannot answer the provider function '{token}'; "
            "add an answer for it in tools/preview/invokes.py"
        )
        self.token = token


@dataclass(frozen=True, kw_only=True)
class InvokeContext:
    """What every invoke answer may depend on: the stack's region and SSM parameter values."""

    region: str
    ssm_parameters: Mapping[str, str]


Answer = Callable[[Mapping[str, Any], InvokeContext], dict[str, Any]]


def _caller_identity(_args: Mapping[str, Any], _ctx: InvokeContext) -> dict[str, Any]:
    return {
        "id": ACCOUNT_ID,
        "accountId": ACCOUNT_ID,
        "arn": f"arn:{PARTITION}:iam::{ACCOUNT_ID}:user/offline-preview",
        "userId": "AIDAOFFLINEPREVIEW0001",
    }


def _region(args: Mapping[str, Any], ctx: InvokeContext) -> dict[str, Any]:
    region = args.get("region") or args.get("name") or ctx.region
    return {
        "id": region,
        "name": region,
        "region": region,
        "endpoint": f"ec2.{region}.{DNS_SUFFIX}",
        "description": f"offline preview region {region}",
    }


def _partition(_args: Mapping[str, Any], _ctx: InvokeContext) -> dict[str, Any]:
    return {
        "id": PARTITION,
        "partition": PARTITION,
        "dnsSuffix": DNS_SUFFIX,
        "reverseDnsPrefix": "com.amazonaws",
    }


def _availability_zones(args: Mapping[str, Any], ctx: InvokeContext) -> dict[str, Any]:
    region = args.get("region") or ctx.region
    names = availability_zones(region, 3)
    short = region.replace("-", "")[:2] + "".join(p[0] for p in region.split("-")[1:2])
    return {
        "id": region,
        "names": names,
        "zoneIds": [f"{short}{region[-1]}-az{i + 1}" for i in range(len(names))],
        "groupNames": [region] * len(names),
        "state": args.get("state"),
    }


def _one_or_many(values: Sequence[Any]) -> Any:
    """The AWS provider renders a one-element list as a plain string."""
    ordered = list(values)
    return ordered[0] if len(ordered) == 1 else ordered


def _principals(entries: Sequence[Mapping[str, Any]]) -> Any:
    rendered: dict[str, Any] = {}
    for entry in entries:
        kind = entry["type"]
        identifiers = list(entry.get("identifiers") or [])
        if kind == "*" and identifiers == ["*"]:
            return "*"
        existing = rendered.get(kind)
        merged = ([existing] if isinstance(existing, str) else list(existing or [])) + identifiers
        rendered[kind] = _one_or_many(merged)
    return rendered


def _conditions(entries: Sequence[Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    rendered: dict[str, dict[str, Any]] = {}
    for entry in entries:
        rendered.setdefault(entry["test"], {})[entry["variable"]] = _one_or_many(
            entry.get("values") or []
        )
    return rendered


def render_statement(statement: Mapping[str, Any]) -> dict[str, Any]:
    """One `getPolicyDocument` statement argument as an IAM JSON statement."""
    rendered: dict[str, Any] = {}
    if statement.get("sid"):
        rendered["Sid"] = statement["sid"]
    rendered["Effect"] = statement.get("effect") or "Allow"
    for arg, key in (
        ("actions", "Action"),
        ("notActions", "NotAction"),
        ("resources", "Resource"),
        ("notResources", "NotResource"),
    ):
        if statement.get(arg):
            rendered[key] = _one_or_many(statement[arg])
    if statement.get("principals"):
        rendered["Principal"] = _principals(statement["principals"])
    if statement.get("notPrincipals"):
        rendered["NotPrincipal"] = _principals(statement["notPrincipals"])
    if statement.get("conditions"):
        rendered["Condition"] = _conditions(statement["conditions"])
    return rendered


def _policy_document(args: Mapping[str, Any], _ctx: InvokeContext) -> dict[str, Any]:
    statements: list[dict[str, Any]] = []
    for source in args.get("sourcePolicyDocuments") or []:
        statements.extend(json.loads(source).get("Statement", []))
    for statement in args.get("statements") or []:
        rendered = render_statement(statement)
        sid = rendered.get("Sid")
        statements = [s for s in statements if sid is None or s.get("Sid") != sid]
        statements.append(rendered)
    for override in args.get("overridePolicyDocuments") or []:
        for rendered in json.loads(override).get("Statement", []):
            sid = rendered.get("Sid")
            statements = [s for s in statements if sid is None or s.get("Sid") != sid]
            statements.append(rendered)
    document: dict[str, Any] = {"Version": args.get("version") or "2012-10-17"}
    if args.get("policyId"):
        document["Id"] = args["policyId"]
    document["Statement"] = statements
    text = json.dumps(document, indent=2)
    return {
        "id": short_hex(text, length=10),
        "json": text,
        "minifiedJson": json.dumps(document, separators=(",", ":")),
        "statements": args.get("statements"),
        "version": document["Version"],
    }


def _ssm_parameter(args: Mapping[str, Any], ctx: InvokeContext) -> dict[str, Any]:
    name = args["name"]
    if name in ctx.ssm_parameters:
        value = ctx.ssm_parameters[name]
    elif "ami" in name.lower():
        value = ec2_id("ami", name)
    else:
        value = f"offline-preview-value-of-{name.strip('/').replace('/', '-')}"
    return {
        "id": name,
        "name": name,
        "arn": f"arn:{PARTITION}:ssm:{ctx.region}:{ACCOUNT_ID}:parameter/{name.lstrip('/')}",
        "type": "String",
        "value": value,
        "insecureValue": value,
        "version": 1,
        "withDecryption": args.get("withDecryption", True),
    }


def _ami(args: Mapping[str, Any], ctx: InvokeContext) -> dict[str, Any]:
    seed = json.dumps(args, sort_keys=True, default=str)
    image_id = ec2_id("ami", seed)
    owners = list(args.get("owners") or ["amazon"])
    return {
        "id": image_id,
        "imageId": image_id,
        "arn": f"arn:{PARTITION}:ec2:{ctx.region}::image/{image_id}",
        "name": f"offline-preview-ami-{short_hex(seed)}",
        "architecture": "x86_64",
        "ownerId": ACCOUNT_ID if owners == ["self"] else "137112412989",
        "owners": owners,
        "rootDeviceName": "/dev/xvda",
        "rootDeviceType": "ebs",
        "virtualizationType": "hvm",
        "state": "available",
        "mostRecent": args.get("mostRecent", False),
    }


def _vpc(args: Mapping[str, Any], ctx: InvokeContext) -> dict[str, Any]:
    vpc_id = args.get("id") or ec2_id("vpc", "lookup", json.dumps(args, sort_keys=True))
    return {
        "id": vpc_id,
        "arn": f"arn:{PARTITION}:ec2:{ctx.region}:{ACCOUNT_ID}:vpc/{vpc_id}",
        "cidrBlock": args.get("cidrBlock") or "10.0.0.0/16",
        "default": bool(args.get("default", False)),
        "ownerId": ACCOUNT_ID,
        "state": "available",
        "tags": args.get("tags") or {},
    }


def _subnet(args: Mapping[str, Any], ctx: InvokeContext) -> dict[str, Any]:
    subnet_id = args.get("id") or ec2_id("subnet", "lookup", json.dumps(args, sort_keys=True))
    return {
        "id": subnet_id,
        "arn": f"arn:{PARTITION}:ec2:{ctx.region}:{ACCOUNT_ID}:subnet/{subnet_id}",
        "vpcId": args.get("vpcId") or ec2_id("vpc", "lookup", "{}"),
        "availabilityZone": f"{ctx.region}a",
        "cidrBlock": "10.0.0.0/20",
        "ownerId": ACCOUNT_ID,
    }


def _subnets(args: Mapping[str, Any], ctx: InvokeContext) -> dict[str, Any]:
    seed = json.dumps(args, sort_keys=True, default=str)
    return {
        "id": ctx.region,
        "ids": [ec2_id("subnet", seed, str(i)) for i in range(3)],
        "filters": args.get("filters"),
        "tags": args.get("tags"),
    }


def _route_tables(args: Mapping[str, Any], ctx: InvokeContext) -> dict[str, Any]:
    seed = json.dumps(args, sort_keys=True, default=str)
    return {
        "id": ctx.region,
        "ids": [ec2_id("rtb", seed, str(i)) for i in range(3)],
        "filters": args.get("filters"),
        "tags": args.get("tags"),
        "vpcId": args.get("vpcId"),
    }


ANSWERS: Mapping[str, Answer] = {
    "aws:index/getCallerIdentity:getCallerIdentity": _caller_identity,
    "aws:index/getRegion:getRegion": _region,
    "aws:index/getPartition:getPartition": _partition,
    "aws:index/getAvailabilityZones:getAvailabilityZones": _availability_zones,
    "aws:iam/getPolicyDocument:getPolicyDocument": _policy_document,
    "aws:ssm/getParameter:getParameter": _ssm_parameter,
    "aws:ec2/getAmi:getAmi": _ami,
    "aws:ec2/getVpc:getVpc": _vpc,
    "aws:ec2/getSubnet:getSubnet": _subnet,
    "aws:ec2/getSubnets:getSubnets": _subnets,
    "aws:ec2/getRouteTables:getRouteTables": _route_tables,
}


def answer_invoke(token: str, args: Mapping[str, Any], context: InvokeContext) -> dict[str, Any]:
    """The outputs of the provider function `token`, or UnknownInvokeError."""
    answer = ANSWERS.get(token)
    if answer is None:
        raise UnknownInvokeError(token)
    return answer(args, context)
