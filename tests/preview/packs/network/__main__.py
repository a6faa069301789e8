"""Throwaway pack: reports what arrives of an awsx VPC's children, in Analyze and AnalyzeStack."""

from pulumi_policy import (
    EnforcementLevel,
    PolicyPack,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)


def public_subnet(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type == "aws:ec2/subnet:Subnet" and args.props.get("mapPublicIpOnLaunch"):
        report(f"{args.name} {args.props['cidrBlock']} tags={sorted(args.props['tags'].items())}")


def nat_parents(args: StackValidationArgs, report: ReportViolation) -> None:
    by_urn = {r.urn: r for r in args.resources}
    for resource in args.resources:
        if resource.resource_type == "aws:ec2/natGateway:NatGateway":
            chain = []
            parent = resource.parent
            while parent is not None:
                chain.append(parent.resource_type)
                parent = by_urn[parent.urn].parent if parent.urn in by_urn else None
            report(" < ".join(chain), resource.urn)


PolicyPack(
    name="network-test-pack",
    enforcement_level=EnforcementLevel.ADVISORY,
    policies=[
        ResourceValidationPolicy(
            name="public-subnet", description="Lists public subnets.", validate=public_subnet
        ),
        StackValidationPolicy(
            name="nat-parents", description="Lists NAT gateways' parents.", validate=nat_parents
        ),
    ],
)
