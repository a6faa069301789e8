"""The awsx VPC's children, as the awsx plugin registers them (pulumi/pulumi-awsx awsx/ec2/vpc.ts).

Expected layouts come from awsx's own tests (awsx/ec2/subnetDistributorLegacy.test.ts).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pulumi
import pulumi_awsx as awsx
import pytest

from tools.preview import awsx_vpc
from tools.preview.analyzer import PolicyPackProcess
from tools.preview.program import ProgramRun, RegisteredResource, run_in_mocks

ZONES = ["us-east-1a", "us-east-1b", "us-east-1c"]
NETWORK_PACK = Path(__file__).parent / "packs" / "network"
SUBNET = "aws:ec2/subnet:Subnet"
ROUTE = "aws:ec2/route:Route"
NAT = "aws:ec2/natGateway:NatGateway"
EIP = "aws:ec2/eip:Eip"
TABLE = "aws:ec2/routeTable:RouteTable"
ASSOCIATION = "aws:ec2/routeTableAssociation:RouteTableAssociation"


def _layout(**kwargs: Any) -> list[tuple[str, str, str]]:
    return [(s.name, s.type, s.cidr) for s in awsx_vpc.legacy_layout(**kwargs)]


def test_default_layout_is_awsx_legacy_private_19_public_20_per_az() -> None:
    assert _layout(vpc_name="vpcname", vpc_cidr="10.0.0.0/16", zones=ZONES) == [
        ("vpcname-private-1", "Private", "10.0.0.0/19"),
        ("vpcname-private-2", "Private", "10.0.64.0/19"),
        ("vpcname-private-3", "Private", "10.0.128.0/19"),
        ("vpcname-public-1", "Public", "10.0.32.0/20"),
        ("vpcname-public-2", "Public", "10.0.96.0/20"),
        ("vpcname-public-3", "Public", "10.0.160.0/20"),
    ]


def test_specs_of_three_types_get_19_20_and_24_after_each_other() -> None:
    specs = [{"type": "Public"}, {"type": "Private"}, {"type": "Isolated"}]
    assert _layout(
        vpc_name="vpcName", vpc_cidr="10.0.0.0/16", zones=["us-east-1a"], specs=specs
    ) == [
        ("vpcName-private-1", "Private", "10.0.0.0/19"),
        ("vpcName-public-1", "Public", "10.0.32.0/20"),
        ("vpcName-isolated-1", "Isolated", "10.0.48.0/24"),
    ]


def test_named_specs_with_masks_per_az() -> None:
    specs = [
        {"type": "Private", "cidrMask": 19, "name": "foo"},
        {"type": "Public", "cidrMask": 20, "name": "bar"},
    ]
    assert _layout(vpc_name="vpcname", vpc_cidr="10.0.0.0/16", zones=ZONES, specs=specs) == [
        ("vpcname-foo-1", "Private", "10.0.0.0/19"),
        ("vpcname-bar-1", "Public", "10.0.32.0/20"),
        ("vpcname-foo-2", "Private", "10.0.64.0/19"),
        ("vpcname-bar-2", "Public", "10.0.96.0/20"),
        ("vpcname-foo-3", "Private", "10.0.128.0/19"),
        ("vpcname-bar-3", "Public", "10.0.160.0/20"),
    ]


# Cases of awsx/ec2/knownWorkingSubnets.ts (one AZ), including the odd, unaligned blocks the
# Legacy distributor really produces (10.0.128.32/17, 10.0.1.128/24): awsx sends them as they are.
KNOWN_WORKING = [
    ("10.0.0.0/18", [(22, "Isolated"), (21, "Public")], ["10.0.0.0/21", "10.0.8.0/22"]),
    (
        "10.0.0.0/16",
        [(27, "Isolated"), (27, "Public"), (17, "Isolated")],
        ["10.0.0.0/27", "10.0.0.32/27", "10.0.128.32/17"],
    ),
    (
        "10.0.0.0/16",
        [(22, "Isolated"), (21, "Private"), (18, "Private")],
        ["10.0.0.0/21", "10.0.64.0/18", "10.0.128.0/22"],
    ),
    (
        "10.0.0.0/19",
        [(25, "Private"), (21, "Private"), (25, "Isolated"), (24, "Public"), (21, "Public")],
        ["10.0.0.0/25", "10.0.8.0/21", "10.0.16.0/24", "10.0.24.0/21", "10.0.32.0/25"],
    ),
    (
        "10.0.0.0/17",
        [(27, "Public"), (18, "Private"), (19, "Public"), (25, "Isolated")],
        ["10.0.0.0/18", "10.0.64.0/27", "10.0.96.0/19", "10.0.128.0/25"],
    ),
    (
        "10.0.0.0/17",
        [(25, "Private"), (27, "Public"), (24, "Public")],
        ["10.0.0.0/25", "10.0.0.128/27", "10.0.1.128/24"],
    ),
    ("10.0.0.0/16", [(26, "Public"), (23, "Public")], ["10.0.0.0/26", "10.0.2.0/23"]),
]


@pytest.mark.parametrize(("vpc_cidr", "specs", "expected"), KNOWN_WORKING)
def test_awsx_known_working_layouts(
    vpc_cidr: str, specs: list[tuple[int, str]], expected: list[str]
) -> None:
    subnets = awsx_vpc.legacy_layout(
        vpc_name="v",
        vpc_cidr=vpc_cidr,
        zones=["us-east-1a"],
        specs=[{"cidrMask": mask, "type": kind} for mask, kind in specs],
    )
    assert [s.cidr for s in subnets] == expected


def test_az_cidr_mask_overrides_the_default_subnet_size() -> None:
    assert _layout(
        vpc_name="v",
        vpc_cidr="10.0.0.0/16",
        zones=["us-east-1a"],
        specs=[{"type": "Public"}],
        az_cidr_mask=21,
    ) == [("v-public-1", "Public", "10.0.0.0/21")]


def test_auto_default_layout_matches_legacy() -> None:
    """subnetDistributorNew.test.ts: "Has same default layout as legacy"."""
    auto = awsx_vpc.auto_layout(vpc_name="vpcname", vpc_cidr="10.0.0.0/16", zones=ZONES)
    legacy = awsx_vpc.legacy_layout(vpc_name="vpcname", vpc_cidr="10.0.0.0/16", zones=ZONES)
    assert sorted(auto, key=lambda s: s.cidr) == sorted(legacy, key=lambda s: s.cidr)


@pytest.mark.parametrize("az_mask", [16, 20, 24])
def test_auto_splits_an_az_evenly_between_unsized_specs(az_mask: int) -> None:
    subnets = awsx_vpc.auto_layout(
        vpc_name="v",
        vpc_cidr=f"10.0.0.0/{az_mask}",
        zones=["us-east-1a"],
        specs=[{"type": "Private"}, {"type": "Public"}, {"type": "Isolated"}],
    )
    assert [(s.type, int(s.cidr.split("/")[1])) for s in subnets] == [
        ("Private", az_mask + 2),
        ("Public", az_mask + 2),
        ("Isolated", az_mask + 2),
    ]


def test_auto_packs_specs_in_order_with_unused_space_and_sizes() -> None:
    subnets = awsx_vpc.auto_layout(
        vpc_name="v",
        vpc_cidr="10.0.0.0/16",
        zones=["us-east-1a", "us-east-1b"],
        specs=[
            {"type": "Public", "cidrMask": 24},
            {"type": "Unused", "cidrMask": 24},
            {"type": "Private", "size": 4096},
        ],
    )
    assert [(s.name, s.cidr) for s in subnets] == [
        ("v-public-1", "10.0.0.0/24"),
        ("v-unused-1", "10.0.1.0/24"),
        ("v-private-1", "10.0.16.0/20"),  # the next /20 after 10.0.1.0/24
        ("v-public-2", "10.0.128.0/24"),
        ("v-unused-2", "10.0.129.0/24"),
        ("v-private-2", "10.0.144.0/20"),
    ]


def test_auto_refuses_subnets_larger_than_the_az() -> None:
    with pytest.raises(awsx_vpc.VpcArgsError, match="Subnets are too large for VPC"):
        awsx_vpc.auto_layout(
            vpc_name="v",
            vpc_cidr="10.0.0.0/16",
            zones=ZONES,
            specs=[{"type": "Private", "cidrMask": 17}, {"type": "Public", "cidrMask": 17}],
        )


def test_exact_strategy_refuses_gaps() -> None:
    """vpc.test.ts / subnetDistributorNew.test.ts "highlights gaps at end of VPC"."""
    specs = [{"type": "Public"}, {"type": "Private"}, {"type": "Isolated"}]
    args = {"subnetStrategy": "Exact", "subnetSpecs": specs}
    with pytest.raises(awsx_vpc.VpcArgsError, match=r"vpcName-isolated-1 .* ends before the VPC"):
        awsx_vpc.layout("vpcName", "10.0.0.0/16", ["us-east-1a"], args)


def test_explicit_cidr_blocks_per_az() -> None:
    specs = [
        {"type": "Public", "cidrBlocks": ["10.0.0.0/18", "10.0.64.0/19"]},
        {"type": "Private", "cidrBlocks": ["10.0.96.0/19", "10.0.128.0/20"]},
    ]
    args = {"subnetStrategy": "Auto", "subnetSpecs": specs}
    subnets = awsx_vpc.layout("vpcName", "10.0.0.0/16", ["us-east-1a", "us-east-1b"], args)
    assert [(s.name, s.zone, s.cidr) for s in subnets] == [
        ("vpcName-public-1", "us-east-1a", "10.0.0.0/18"),
        ("vpcName-private-1", "us-east-1a", "10.0.96.0/19"),
        ("vpcName-public-2", "us-east-1b", "10.0.64.0/19"),
        ("vpcName-private-2", "us-east-1b", "10.0.128.0/20"),
    ]
    with pytest.raises(awsx_vpc.VpcArgsError, match="must match the number of availability"):
        awsx_vpc.layout("vpcName", "10.0.0.0/16", ZONES, args)


def _vpc(**args: Any) -> ProgramRun:
    def program() -> None:
        vpc = awsx.ec2.Vpc("net", **args)
        pulumi.export("vpcId", vpc.vpc_id)
        pulumi.export("public", vpc.public_subnet_ids)
        pulumi.export("private", vpc.private_subnet_ids)

    return run_in_mocks(program)


def _by_urn(run: ProgramRun) -> dict[str, RegisteredResource]:
    return {r.urn: r for r in run.resources}


def _parent(run: ProgramRun, resource: RegisteredResource) -> RegisteredResource:
    assert resource.parent is not None
    return _by_urn(run)[resource.parent]


@pytest.mark.parametrize(
    ("strategy", "nats", "private_targets"),
    [
        ("None", [], [None, None, None]),
        ("Single", ["net-1"], ["net-1", "net-1", "net-1"]),
        ("OnePerAz", ["net-1", "net-2", "net-3"], ["net-1", "net-2", "net-3"]),
    ],
)
def test_nat_gateway_strategies(
    strategy: str, nats: list[str], private_targets: list[str | None]
) -> None:
    run = _vpc(
        number_of_availability_zones=3,
        nat_gateways=awsx.ec2.NatGatewayConfigurationArgs(strategy=strategy),
        tags={"Team": "net"},
    )
    assert [r.name for r in run.of_type(NAT)] == nats
    assert [r.name for r in run.of_type(EIP)] == nats
    for nat in run.of_type(NAT):
        subnet = _parent(run, nat)
        assert subnet.type == SUBNET and subnet.inputs["mapPublicIpOnLaunch"] is True
        assert nat.inputs["tags"] == {"Team": "net", "Name": nat.name}
        eip = next(e for e in run.of_type(EIP) if e.name == nat.name)
        assert _parent(run, eip) is subnet
        assert nat.property_dependencies["allocationId"] == [eip.urn]
    routes = {r.name: r for r in run.of_type(ROUTE)}
    for index in range(3):
        public = routes[f"net-public-{index + 1}"]
        assert public.inputs["destinationCidrBlock"] == "0.0.0.0/0"
        assert public.property_dependencies["gatewayId"] == [
            r.urn for r in run.resources if r.type.endswith("InternetGateway")
        ]
        target = private_targets[index]
        if target is None:
            assert f"net-private-{index + 1}" not in routes
        else:
            nat_urn = next(r.urn for r in run.of_type(NAT) if r.name == target)
            assert routes[f"net-private-{index + 1}"].property_dependencies["natGatewayId"] == [
                nat_urn
            ]


def test_children_names_cidrs_tags_and_parents() -> None:
    run = _vpc(
        cidr_block="10.1.0.0/16",
        number_of_availability_zones=2,
        tags={"Environment": "dev", "Name": "platform-dev-core"},
    )
    component = run.of_type(awsx_vpc.TYPE)[0]
    assert component.inputs == {} and component.outputs == {}
    vpc = run.of_type("aws:ec2/vpc:Vpc")[0]
    assert vpc.parent == component.urn and vpc.name == "net"
    assert vpc.inputs == {
        "cidrBlock": "10.1.0.0/16",
        "tags": {"Name": "platform-dev-core", "Environment": "dev"},  # args.tags' Name wins
    }
    igw = run.of_type("aws:ec2/internetGateway:InternetGateway")[0]
    assert igw.parent == vpc.urn and igw.dependencies == [vpc.urn]
    subnets = {s.name: s for s in run.of_type(SUBNET)}
    assert {
        n: (s.inputs["cidrBlock"], s.inputs["availabilityZone"]) for n, s in subnets.items()
    } == {
        "net-public-1": ("10.1.64.0/19", "us-east-1a"),
        "net-private-1": ("10.1.0.0/18", "us-east-1a"),
        "net-public-2": ("10.1.192.0/19", "us-east-1b"),
        "net-private-2": ("10.1.128.0/18", "us-east-1b"),
    }
    assert subnets["net-public-1"].inputs["tags"] == {
        "Name": "net-public-1",
        "Environment": "dev",
        "SubnetType": "Public",
    }
    assert [s.inputs["mapPublicIpOnLaunch"] for s in subnets.values()] == [True, False] * 2
    assert all(s.parent == vpc.urn for s in subnets.values())
    for table in run.of_type(TABLE):
        assert _parent(run, table) is subnets[table.name]
    for child in run.of_type(ASSOCIATION) + run.of_type(ROUTE):
        assert _parent(run, child).type == TABLE and _parent(run, child).name == child.name
    # Default strategy OnePerAz: 2 EIPs and NAT gateways; 4 tables, associations and routes.
    assert Counter(r.type for r in run.resources if r.parent and r.type.startswith("aws:")) == {
        "aws:ec2/vpc:Vpc": 1,
        "aws:ec2/internetGateway:InternetGateway": 1,
        SUBNET: 4,
        TABLE: 4,
        ASSOCIATION: 4,
        ROUTE: 4,
        EIP: 2,
        NAT: 2,
    }
    # The program sees the children's ids.
    public_ids = run.stack_outputs["public"]
    assert len(public_ids) == 2 and all(i.startswith("subnet-") for i in public_ids)
    association = next(a for a in run.of_type(ASSOCIATION) if a.name == "net-public-1")
    assert association.inputs["subnetId"] == public_ids[0]


def test_isolated_subnets_get_no_route() -> None:
    run = _vpc(
        number_of_availability_zones=2,
        nat_gateways=awsx.ec2.NatGatewayConfigurationArgs(strategy="None"),
        subnet_specs=[
            awsx.ec2.SubnetSpecArgs(type=awsx.ec2.SubnetType.PUBLIC),
            awsx.ec2.SubnetSpecArgs(type=awsx.ec2.SubnetType.ISOLATED, name="db"),
        ],
    )
    assert sorted(s.name for s in run.of_type(SUBNET)) == [
        "net-db-1",
        "net-db-2",
        "net-public-1",
        "net-public-2",
    ]
    assert sorted(r.name for r in run.of_type(ROUTE)) == ["net-public-1", "net-public-2"]


def test_auto_strategy_registers_no_unused_subnet() -> None:
    run = _vpc(
        number_of_availability_zones=2,
        subnet_strategy=awsx.ec2.SubnetAllocationStrategy.AUTO,
        subnet_specs=[
            awsx.ec2.SubnetSpecArgs(type=awsx.ec2.SubnetType.PUBLIC, cidr_mask=24),
            awsx.ec2.SubnetSpecArgs(type=awsx.ec2.SubnetType.UNUSED, cidr_mask=24),
            awsx.ec2.SubnetSpecArgs(type=awsx.ec2.SubnetType.PRIVATE, cidr_mask=20),
        ],
    )
    assert sorted((s.name, s.inputs["cidrBlock"]) for s in run.of_type(SUBNET)) == [
        ("net-private-1", "10.0.16.0/20"),
        ("net-private-2", "10.0.144.0/20"),
        ("net-public-1", "10.0.0.0/24"),
        ("net-public-2", "10.0.128.0/24"),
    ]
    assert len(run.of_type(NAT)) == 2


def test_strategy_needing_private_subnets_fails_like_awsx() -> None:
    with pytest.raises(Exception, match="both private and public subnets must be declared"):
        _vpc(
            number_of_availability_zones=2,
            nat_gateways=awsx.ec2.NatGatewayConfigurationArgs(strategy="Single"),
            subnet_specs=[awsx.ec2.SubnetSpecArgs(type=awsx.ec2.SubnetType.PUBLIC)],
        )


def test_children_reach_the_pack_in_analyze_and_analyze_stack() -> None:
    run = _vpc(number_of_availability_zones=2, tags={"Team": "net"})
    with PolicyPackProcess(NETWORK_PACK) as pack:
        analyzed = pack.analyze_all(run.resources)
        stack = pack.analyze_stack(run.resources)
    assert sorted(v.message.strip().splitlines()[-1] for v in analyzed) == [
        "net-public-1 10.0.64.0/19 tags=[('Name', 'net-public-1'), ('SubnetType', 'Public'), "
        "('Team', 'net')]",
        "net-public-2 10.0.192.0/19 tags=[('Name', 'net-public-2'), ('SubnetType', 'Public'), "
        "('Team', 'net')]",
    ]
    chain = "aws:ec2/subnet:Subnet < aws:ec2/vpc:Vpc < awsx:ec2:Vpc < pulumi:pulumi:Stack"
    assert [v.message.strip().splitlines()[-1] for v in stack] == [chain, chain]
    assert [v.urn for v in stack] == [r.urn for r in run.of_type(NAT)]
