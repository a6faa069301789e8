"""The children the awsx plugin registers for an ``awsx:ec2:Vpc``, and their registration.

``awsx:ec2:Vpc`` is a remote component: the engine calls the awsx plugin's ``Construct``, and the
plugin registers the component and its children through the engine, so a policy pack sees every
child in Analyze and AnalyzeStack. Under the SDK's mocks nothing constructs it; this module plays
the plugin's part, modelled on pulumi/pulumi-awsx:

- ``awsx/ec2/vpc.ts`` (``Vpc.initialize``): the VPC, one internet gateway, per AZ and subnet spec
  (public first, then private, then isolated) a subnet, its route table and association, for
  public subnets the NAT gateways the strategy asks for (with an EIP each unless allocation ids
  are given) and a 0.0.0.0/0 route to the internet gateway, for private ones a 0.0.0.0/0 route to
  a NAT gateway (none with strategy ``None``); isolated subnets get no route.
- ``awsx/ec2/subnetDistributorLegacy.ts`` (``getSubnetSpecsLegacy``, ``generateDefaultSubnets``):
  the CIDRs of the ``Legacy`` strategy, awsx 3's default (``args.subnetStrategy ?? "Legacy"``);
  ``awsx/ec2/subnetDistributorNew.ts`` (``getSubnetSpecs``, ``getSubnetSpecsExplicit``,
  ``validateAndNormalizeSubnetInputs``): those of ``Auto`` and ``Exact``, and explicit
  ``cidrBlocks``; ``vpc.ts`` ``pickSubnetAllocator`` chooses between them.
- ``awsx/schema-types.ts`` (``Vpc``) with pulumi/pulumi ``sdk/nodejs/resource.ts``
  (``ComponentResource``): the plugin's Node SDK registers the component with no properties (a
  non-remote component sends ``{}``), then ``registerOutputs()`` with none.

A VPC whose CIDR comes from an IPAM pool (known only once the VPC exists) is not modelled: it is
registered without children, with a note on stderr.
"""

from __future__ import annotations

import ipaddress
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from pulumi.runtime import MockCallArgs
from pulumi.runtime.proto import resource_pb2

from tools.preview.identifiers import UNKNOWN
from tools.preview.wire import plain_struct, to_struct

TYPE = "awsx:ec2:Vpc"
_GET_AZS = "aws:index/getAvailabilityZones:getAvailabilityZones"
_DEFAULT_CIDR = "10.0.0.0/16"  # vpc.ts decideCidrBlockVpcInput: "Historically this default..."
_DEFAULT_AZ_COUNT = 3  # vpc.ts getDefaultAzs: azCount ?? 3
_STRATEGIES = {"none": "None", "single": "Single", "oneperaz": "OnePerAz"}
_TYPE_ORDER = {"public": 0, "private": 1, "isolated": 2}  # vpc.ts compareSubnetSpecs
# Inputs of aws.ec2.Vpc the Node SDK copies from `{...args}` (pulumi-aws sdk/nodejs/ec2/vpc.ts:
# the constructor sets only its declared inputs, so awsx-only args never reach the VPC).
_VPC_INPUTS = (
    "assignGeneratedIpv6CidrBlock",
    "enableDnsHostnames",
    "enableDnsSupport",
    "enableNetworkAddressUsageMetrics",
    "instanceTenancy",
    "ipv4IpamPoolId",
    "ipv4NetmaskLength",
    "ipv6CidrBlock",
    "ipv6CidrBlockNetworkBorderGroup",
    "ipv6IpamPoolId",
    "ipv6NetmaskLength",
)
_ENDPOINT_INPUTS = (
    "autoAccept",
    "policy",
    "privateDnsEnabled",
    "routeTableIds",
    "securityGroupIds",
    "subnetIds",
    "tags",
    "vpcEndpointType",
)


class VpcArgsError(ValueError):
    """Arguments the awsx plugin refuses (its own validation messages)."""


class NotModeledError(ValueError):
    """A subnet strategy whose layout this model does not compute."""


@dataclass(frozen=True)
class Ref:
    """A child's input that is another child's output (`id` or `allocationId`)."""

    key: str
    attribute: str = "id"


@dataclass(frozen=True, kw_only=True)
class Subnet:
    """One subnet of the layout: `<vpc>-<spec name or type>-<AZ number>`."""

    name: str
    type: str
    zone: str
    cidr: str
    tags: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class Child:
    """A resource the plugin registers; `parent` is another child's key, None for the VPC's."""

    key: str
    type: str
    name: str
    parent: str | None
    inputs: Mapping[str, Any]
    depends_on: tuple[str, ...] = ()


def _cidr_subnet(base: str, new_bits: int, number: int) -> str:
    """subnetDistributorLegacy.ts cidrSubnetV4: the `number`-th block `new_bits` smaller,
    counted, as there, from `base`'s address as written rather than its network address (so a
    result such as `10.0.1.128/24` is possible, and kept as awsx sends it)."""
    network = ipaddress.IPv4Interface(base)
    prefix = network.network.prefixlen + new_bits
    if prefix > 32:
        raise VpcArgsError(
            f"Requested {new_bits} new bits, but only {32 - network.network.prefixlen} "
            "are available."
        )
    address = int(network.ip) + (2 ** (32 - prefix)) * number
    return f"{ipaddress.IPv4Address(address)}/{prefix}"


def _next_block(previous: ipaddress.IPv4Network, prefix: int) -> ipaddress.IPv4Network:
    """subnetDistributorLegacy.ts nextBlock: the first `/prefix` after `previous` ends."""
    last = ipaddress.IPv4Network(f"{previous.broadcast_address}/{prefix}", strict=False)
    return ipaddress.IPv4Network(f"{last.broadcast_address + 1}/{prefix}")


def _net(cidr: str) -> ipaddress.IPv4Network:
    return ipaddress.IPv4Network(cidr, strict=False)


def _next_pow2(n: int) -> int:
    return 1 if n == 0 else 1 << (n - 1).bit_length()


def legacy_layout(
    vpc_name: str,
    vpc_cidr: str,
    zones: Sequence[str],
    specs: Sequence[Mapping[str, Any]] | None = None,
    az_cidr_mask: int | None = None,
) -> list[Subnet]:
    """The subnets of subnetDistributorLegacy.ts getSubnetSpecsLegacy, in its order (per AZ:
    private, public, isolated; without specs: every AZ's private, then every AZ's public)."""
    vpc_mask = _net(vpc_cidr).prefixlen
    new_bits_per_az = (
        az_cidr_mask - vpc_mask
        if az_cidr_mask is not None
        else _next_pow2(len(zones)).bit_length() - 1
    )
    az_bases = [_cidr_subnet(vpc_cidr, new_bits_per_az, i) for i in range(len(zones))]
    if specs is None:
        private = [
            Subnet(
                name=f"{vpc_name}-private-{i + 1}",
                type="Private",
                zone=zone,
                cidr=_cidr_subnet(az_bases[i], 1, 0),
            )
            for i, zone in enumerate(zones)
        ]
        public = [
            Subnet(
                name=f"{vpc_name}-public-{i + 1}",
                type="Public",
                zone=zone,
                cidr=_cidr_subnet(_cidr_subnet(private[i].cidr, 0, 1), 1, 0),
            )
            for i, zone in enumerate(zones)
        ]
        return private + public

    base_mask = _net(az_bases[0]).prefixlen
    new_bits_per_subnet = 0 if len(specs) == 1 else 1
    defaults = {"Private": 19, "Public": 20, "Isolated": 24}
    by_type = {
        kind: [s for s in specs if str(s.get("type", "")).lower() == kind.lower()]
        for kind in ("Private", "Public", "Isolated")
    }
    out: list[Subnet] = []
    for i, zone in enumerate(zones):
        current = ipaddress.IPv4Network(
            f"{_net(az_bases[i]).network_address - 1}/32"
        )  # "one address before the base address for the AZ"
        made: dict[str, list[Subnet]] = {"Private": [], "Public": [], "Isolated": []}
        for kind in ("Private", "Public", "Isolated"):
            # Public subnets start after the last private one, isolated ones after the last
            # public (else private) one; without those, at the AZ's base.
            before = {"Private": [], "Public": made["Private"]}.get(
                kind, made["Public"] or made["Private"]
            )
            previous = before[-1].cidr if before else None
            for j, spec in enumerate(by_type[kind]):
                given = spec.get("cidrMask")
                mask = (
                    int(given)
                    if given is not None
                    else max(base_mask + new_bits_per_subnet, defaults[kind])
                )
                if previous is not None:
                    split_base = _cidr_subnet(previous, 0, 1)
                    new_bits = mask - _net(previous).prefixlen
                else:
                    split_base = az_bases[i]
                    new_bits = mask - base_mask
                cidr = _cidr_subnet(split_base, new_bits, j)
                if current.overlaps(_net(cidr)):
                    cidr = str(_next_block(current, mask))
                made[kind].append(
                    Subnet(
                        name=f"{vpc_name}-{spec.get('name') or kind.lower()}-{i + 1}",
                        type=kind,
                        zone=zone,
                        cidr=cidr,
                        tags=spec.get("tags") or {},
                    )
                )
                current = _net(cidr)
        out += made["Private"] + made["Public"] + made["Isolated"]
    return out


def _last_usable(network: ipaddress.IPv4Network) -> ipaddress.IPv4Address:
    """The `netmask` package's `last`: the broadcast address less one (up to /30)."""
    return network.broadcast_address - (1 if network.prefixlen <= 30 else 0)


def _new_bits(count: int) -> int:
    return 0 if count == 0 else (count - 1).bit_length()  # ceil(log2(count))


def _spec_mask(spec: Mapping[str, Any]) -> int | None:
    """validateAndNormalizeSubnetInputs: cidrMask, else the mask of `size` addresses."""
    if spec.get("cidrMask") is not None:
        return int(spec["cidrMask"])
    size = spec.get("size")
    if size is None:
        return None
    size = int(size)
    if size < 4 or size & (size - 1):
        raise VpcArgsError(f"The following subnet sizes are invalid: {size}.")
    return 32 - (size.bit_length() - 1)


def auto_layout(
    vpc_name: str,
    vpc_cidr: str,
    zones: Sequence[str],
    specs: Sequence[Mapping[str, Any]] | None = None,
    az_cidr_mask: int | None = None,
) -> list[Subnet]:
    """The subnets of subnetDistributorNew.ts getSubnetSpecs (strategies Auto and Exact): per
    AZ, each spec in the given order, packed one after the other (``Unused`` ones included)."""
    vpc = _net(vpc_cidr)
    az_mask = az_cidr_mask if az_cidr_mask is not None else vpc.prefixlen + _new_bits(len(zones))
    if specs is None:
        if az_mask > 26:
            raise VpcArgsError(
                "Automatic subnet creation requires a VPC with at least /26 available per AZ, "
                f"but only /{az_mask} is available."
            )
        widest = max(az_mask, 16)  # defaultSubnetInputs: only the first /16 by default
        specs = [
            {"type": "Private", "cidrMask": widest + 1},
            {"type": "Public", "cidrMask": widest + 2},
        ]
    if not specs:
        raise VpcArgsError("No subnets specified")
    default_mask = az_mask + _new_bits(len(specs))
    masks = [m if (m := _spec_mask(spec)) is not None else default_mask for spec in specs]
    az_size = 2 ** (32 - az_mask)
    needed = sum(2 ** (32 - mask) for mask in masks)
    if needed > az_size:
        raise VpcArgsError(
            f"Subnets are too large for VPC. VPC has {az_size} addresses, but subnets require "
            f"{needed} addresses."
        )
    out: list[Subnet] = []
    for i, zone in enumerate(zones):
        az_base = int(vpc.network_address) + i * az_size
        current: ipaddress.IPv4Network | None = None
        for spec, mask in zip(specs, masks, strict=True):
            if current is None:
                current = _net(f"{ipaddress.IPv4Address(az_base)}/{mask}")
            else:
                holding = _net(f"{_last_usable(current)}/{mask}")
                current = _net(f"{holding.broadcast_address + 1}/{mask}")
            out.append(_spec_subnet(vpc_name, spec, zone, i, str(current)))
    return out


def explicit_layout(
    vpc_name: str, zones: Sequence[str], specs: Sequence[Mapping[str, Any]]
) -> list[Subnet]:
    """subnetDistributorNew.ts getSubnetSpecsExplicit: each spec's `cidrBlocks[AZ index]`."""
    problems: list[str] = []
    for index, spec in enumerate(specs):
        if spec.get("cidrBlocks") is None:
            problems.append(
                "If any subnet spec has explicit cidrBlocks, all subnets must have explicit "
                "cidrBlocks."
            )
        elif len(spec["cidrBlocks"]) != len(zones):
            problems.append(
                f"The number of CIDR blocks in subnetSpecs[{index}] must match the number of "
                f"availability zones ({len(zones)})."
            )
    if problems:
        raise VpcArgsError("Invalid subnet specifications: " + "; ".join(problems))
    return [
        _spec_subnet(vpc_name, spec, zone, i, str(spec["cidrBlocks"][i]))
        for i, zone in enumerate(zones)
        for spec in specs
    ]


def _spec_subnet(
    vpc_name: str, spec: Mapping[str, Any], zone: str, index: int, cidr: str
) -> Subnet:
    kind = str(spec.get("type", ""))
    return Subnet(
        name=f"{vpc_name}-{spec.get('name') or kind.lower()}-{index + 1}",
        type=kind,
        zone=zone,
        cidr=cidr,
        tags=spec.get("tags") or {},
    )


def layout(name: str, cidr: str, zones: Sequence[str], args: Mapping[str, Any]) -> list[Subnet]:
    """The subnets of the allocator vpc.ts pickSubnetAllocator chooses."""
    strategy = str(args.get("subnetStrategy") or "Legacy")
    specs = args.get("subnetSpecs")
    az_mask = args.get("availabilityZoneCidrMask")
    if strategy == "Legacy":
        return legacy_layout(name, cidr, zones, specs, az_mask)
    if specs is not None and any(spec.get("cidrBlocks") is not None for spec in specs):
        return explicit_layout(name, zones, specs)
    subnets = auto_layout(name, cidr, zones, specs, az_mask)
    if strategy == "Exact":
        _check_no_gaps(cidr, subnets)
    return subnets


def _check_no_gaps(vpc_cidr: str, subnets: Sequence[Subnet]) -> None:
    """vpc.ts validateNoGaps: Exact subnets fill the VPC from its first to its last address."""
    vpc = _net(vpc_cidr)
    gaps: list[str] = []
    previous: Subnet | None = None
    for subnet in subnets:
        network = _net(subnet.cidr)
        if previous is None:
            if network.network_address != vpc.network_address:
                gaps.append(
                    f"{subnet.name} ({subnet.cidr}) does not start at the beginning of the VPC "
                    f"({vpc_cidr})"
                )
        elif network.network_address != _net(previous.cidr).broadcast_address + 1:
            gaps.append(f"{previous.name} ({previous.cidr}) <=> {subnet.name} ({subnet.cidr})")
        previous = subnet
    if previous is not None and _net(previous.cidr).broadcast_address != vpc.broadcast_address:
        gaps.append(f"{previous.name} ({previous.cidr}) ends before the VPC ends")
    if gaps:
        raise VpcArgsError(
            "There are gaps in the subnet ranges. Please fix the following gaps: " + ", ".join(gaps)
        )


def _strategy(args: Mapping[str, Any]) -> str:
    given = str((args.get("natGateways") or {}).get("strategy") or "OnePerAz")
    if given.lower() not in _STRATEGIES:
        raise VpcArgsError(f"Unknown NatGatewayStrategy '{given}'")
    return _STRATEGIES[given.lower()]


def _check(
    args: Mapping[str, Any], strategy: str, zones: Sequence[str], subnets: Sequence[Subnet]
) -> None:
    """vpc.ts validateEips, validateNatGatewayStrategy and validateSubnets, all at once."""
    problems: list[str] = []
    eips = (args.get("natGateways") or {}).get("elasticIpAllocationIds") or []
    if strategy == "None" and eips:
        problems.append(
            "Elastic IP allocation IDs cannot be specified when NAT Gateway strategy is 'None'."
        )
    if strategy == "Single" and len(eips) > 1:
        problems.append(
            "Exactly one Elastic IP may be specified when NAT Gateway strategy is 'Single'."
        )
    if strategy == "OnePerAz" and eips and len(eips) != len(zones):
        problems.append(
            "The number of Elastic IPs, if specified, must match the number of availability "
            f"zones for the VPC ({len(zones)}) when NAT Gateway strategy is 'OnePerAz'"
        )
    kinds = {s.type for s in subnets}
    if strategy != "None" and not {"Public", "Private"} <= kinds:
        problems.append(
            f"If NAT Gateway strategy is '{strategy}', both private and public subnets must be "
            "declared."
        )
    overlapping = [
        s
        for s in subnets
        if any(o is not s and _net(o.cidr).overlaps(_net(s.cidr)) for o in subnets)
    ]
    if overlapping:
        problems.append(
            "The following subnets overlap with at least one other subnet: "
            + ", ".join(f"{s.name}: {s.cidr}" for s in overlapping)
        )
    if problems:
        raise VpcArgsError("; ".join(problems))


def zone_names(args: Mapping[str, Any], available: Sequence[str]) -> list[str]:
    """vpc.ts: availabilityZoneNames, else the first numberOfAvailabilityZones (default 3)."""
    names = args.get("availabilityZoneNames")
    count = args.get("numberOfAvailabilityZones")
    if names and count:
        raise VpcArgsError(
            "Only one of [availabilityZoneNames] and [numberOfAvailabilityZones] can be specified"
        )
    if names:
        return [str(n) for n in names]
    wanted = int(count or _DEFAULT_AZ_COUNT)
    if len(available) < wanted:
        raise VpcArgsError(
            "The configured region for this provider does not have at least "
            f"{wanted} Availability Zones."
        )
    return list(available[:wanted])


def plan(name: str, args: Mapping[str, Any], zones: Sequence[str]) -> list[Child]:
    """Every child of `awsx.ec2.Vpc(name, **args)`, in the plugin's registration order."""
    if args.get("cidrBlock") is None and args.get("ipv4IpamPoolId") is not None:
        raise NotModeledError("a CIDR block from an IPAM pool is not modelled")
    strategy = _strategy(args)
    cidr = str(args.get("cidrBlock") or _DEFAULT_CIDR)
    subnets = [s for s in layout(name, cidr, zones, args) if s.type.lower() != "unused"]
    _check(args, strategy, zones, subnets)
    allocation_ids = list((args.get("natGateways") or {}).get("elasticIpAllocationIds") or [])
    user_tags = dict(args.get("tags") or {})
    shared = {"Name": name, **user_tags}  # vpc.ts: sharedTags = { Name: name, ...args.tags }

    vpc_inputs = {k: args[k] for k in _VPC_INPUTS if args.get(k) is not None}
    children = [
        Child(
            key="vpc",
            type="aws:ec2/vpc:Vpc",
            name=name,
            parent=None,
            inputs={**vpc_inputs, "cidrBlock": cidr, "tags": shared},
        ),
        Child(
            key="igw",
            type="aws:ec2/internetGateway:InternetGateway",
            name=name,
            parent="vpc",
            inputs={"vpcId": Ref("vpc"), "tags": shared},
            depends_on=("vpc",),
        ),
    ]
    for spec in args.get("vpcEndpointSpecs") or []:
        service = str(spec["serviceName"])
        children.append(
            Child(
                key=f"endpoint:{service}",
                type="aws:ec2/vpcEndpoint:VpcEndpoint",
                name=service,
                parent="vpc",
                inputs={
                    **{k: spec[k] for k in _ENDPOINT_INPUTS if spec.get(k) is not None},
                    "vpcId": Ref("vpc"),
                    "serviceName": service,
                },
                depends_on=("vpc",),
            )
        )
    nat_keys: list[str] = []
    for index, zone in enumerate(zones):
        in_zone = [s for s in subnets if s.zone == zone]
        for subnet in sorted(in_zone, key=lambda s: _TYPE_ORDER[s.type.lower()]):
            children += _subnet_children(
                name, subnet, index, strategy, shared, user_tags, allocation_ids, nat_keys
            )
    return children


def _subnet_children(
    vpc_name: str,
    subnet: Subnet,
    index: int,
    strategy: str,
    shared: Mapping[str, Any],
    user_tags: Mapping[str, Any],
    allocation_ids: Sequence[str],
    nat_keys: list[str],
) -> list[Child]:
    kind = subnet.type.lower()
    s, rt = f"subnet:{subnet.name}", f"rt:{subnet.name}"
    out = [
        Child(
            key=s,
            type="aws:ec2/subnet:Subnet",
            name=subnet.name,
            parent="vpc",
            inputs={
                "vpcId": Ref("vpc"),
                "availabilityZone": subnet.zone,
                "mapPublicIpOnLaunch": kind == "public",
                "cidrBlock": subnet.cidr,
                "tags": {**shared, **subnet.tags, "Name": subnet.name, "SubnetType": subnet.type},
            },
            depends_on=("vpc",),
        ),
        Child(
            key=rt,
            type="aws:ec2/routeTable:RouteTable",
            name=subnet.name,
            parent=s,
            inputs={
                "vpcId": Ref("vpc"),
                "tags": {**shared, "Name": subnet.name, "SubnetType": subnet.type},
            },
            depends_on=(s,),
        ),
        Child(
            key=f"rta:{subnet.name}",
            type="aws:ec2/routeTableAssociation:RouteTableAssociation",
            name=subnet.name,
            parent=rt,
            inputs={"routeTableId": Ref(rt), "subnetId": Ref(s)},
            depends_on=(rt,),
        ),
    ]
    wants_nat = {"None": False, "Single": not nat_keys, "OnePerAz": len(nat_keys) < index + 1}
    if kind == "public" and wants_nat[strategy]:
        # vpc.ts shouldCreateNatGateway; EIP and NAT gateway are named `<vpc>-<AZ number>`.
        nat_name = f"{vpc_name}-{index + 1}"
        nat_tags = {**user_tags, "Name": nat_name}
        allocation: Any
        if allocation_ids:
            allocation = allocation_ids[index if strategy == "OnePerAz" else 0]
        else:
            out.append(
                Child(
                    key=f"eip:{nat_name}",
                    type="aws:ec2/eip:Eip",
                    name=nat_name,
                    parent=s,
                    inputs={"tags": nat_tags},
                    depends_on=(s,),
                )
            )
            allocation = Ref(f"eip:{nat_name}", "allocationId")
        nat_keys.append(f"nat:{nat_name}")
        out.append(
            Child(
                key=f"nat:{nat_name}",
                type="aws:ec2/natGateway:NatGateway",
                name=nat_name,
                parent=s,
                inputs={"subnetId": Ref(s), "allocationId": allocation, "tags": nat_tags},
                depends_on=(s,),
            )
        )
    target: dict[str, Any] | None = None
    if kind == "public":
        target = {"gatewayId": Ref("igw")}
    elif kind == "private" and strategy != "None":
        target = {"natGatewayId": Ref(nat_keys[0] if strategy == "Single" else nat_keys[index])}
    if target is not None:
        out.append(
            Child(
                key=f"route:{subnet.name}",
                type="aws:ec2/route:Route",
                name=subnet.name,
                parent=rt,
                inputs={"routeTableId": Ref(rt), **target, "destinationCidrBlock": "0.0.0.0/0"},
                depends_on=(rt,),
            )
        )
    return out


class Monitor(Protocol):
    """The part of the mock resource monitor the construction uses."""

    mocks: Any

    def RegisterResource(self, request: Any) -> Any: ...


def _resolved(
    inputs: Mapping[str, Any], values: Mapping[str, Mapping[str, Any]], urns: Mapping[str, str]
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Inputs with each Ref replaced by that child's output, and the property dependencies."""
    plain: dict[str, Any] = {}
    dependencies: dict[str, list[str]] = {}
    for key, value in inputs.items():
        if isinstance(value, Ref):
            plain[key] = values[value.key].get(value.attribute, UNKNOWN)
            dependencies[key] = [urns[value.key]]
        else:
            plain[key] = value
            dependencies[key] = []
    return plain, dependencies


def construct(monitor: Monitor, request: Any) -> Any:
    """Register `request` (a remote `awsx:ec2:Vpc`) as the awsx plugin would, and answer the
    program with the component's outputs (its VPC and subnet ids)."""
    args = plain_struct(request.object)
    component = resource_pb2.RegisterResourceRequest()
    component.CopyFrom(request)
    component.ClearField("object")
    component.remote = False
    registered = monitor.RegisterResource(component)
    available, _ = monitor.mocks.call(MockCallArgs(_GET_AZS, {}, ""))
    zones = zone_names(args, available["names"])
    try:
        children = plan(request.name, args, zones)
    except NotModeledError as error:
        print(
            f"note: {TYPE} '{request.name}': {error}; its children are not previewed",
            file=sys.stderr,
        )
        return registered
    urns: dict[str, str] = {}
    values: dict[str, dict[str, Any]] = {}
    for child in children:
        inputs, property_dependencies = _resolved(child.inputs, values, urns)
        depends = [urns[key] for key in child.depends_on]
        depends += [urn for urns_ in property_dependencies.values() for urn in urns_]
        response = monitor.RegisterResource(
            resource_pb2.RegisterResourceRequest(
                type=child.type,
                name=child.name,
                parent=registered.urn if child.parent is None else urns[child.parent],
                custom=True,
                object=to_struct(inputs),
                dependencies=list(dict.fromkeys(depends)),
                propertyDependencies={
                    key: resource_pb2.RegisterResourceRequest.PropertyDependencies(urns=deps)
                    for key, deps in property_dependencies.items()
                },
            )
        )
        urns[child.key] = response.urn
        outputs = plain_struct(response.object)
        resource_id = response.id or UNKNOWN
        # An EIP's id is its allocation id (terraform-provider-aws
        # internal/service/ec2/vpc_eip.go: d.SetId(aws.ToString(output.AllocationId))).
        values[child.key] = {"id": resource_id, "allocationId": resource_id, **outputs}
    return resource_pb2.RegisterResourceResponse(
        urn=registered.urn, object=to_struct(_component_outputs(children, values, zones))
    )


def _component_outputs(
    children: Sequence[Child], values: Mapping[str, Mapping[str, Any]], zones: Sequence[str]
) -> dict[str, Any]:
    """What the plugin's Construct answers the program (vpc.ts: vpcId and the subnet ids by
    type, in AZ order; subnetLayout as the first AZ's subnets)."""
    subnets = [c for c in children if c.type == "aws:ec2/subnet:Subnet"]

    def ids(kind: str) -> list[Any]:
        return [values[c.key]["id"] for c in subnets if c.inputs["tags"]["SubnetType"] == kind]

    first_zone = [c for c in subnets if c.inputs["availabilityZone"] == zones[0]]
    return {
        "vpcId": values["vpc"]["id"],
        "publicSubnetIds": ids("Public"),
        "privateSubnetIds": ids("Private"),
        "isolatedSubnetIds": ids("Isolated"),
        "subnetLayout": [
            {
                "type": c.inputs["tags"]["SubnetType"],
                "cidrMask": _net(c.inputs["cidrBlock"]).prefixlen,
            }
            for c in first_zone
        ],
    }
