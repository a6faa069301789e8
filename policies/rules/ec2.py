"""EC2 rules: security groups in every form (inline ingress/egress, ``aws:ec2`` rules,
``aws:vpc`` ingress/egress rules, the default security group) and launch templates."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from ..lib.rule import (
    Category,
    Context,
    Enforcement,
    Finding,
    Resource,
    Severity,
    resource_rule,
    stack_rule,
)
from ..lib.secrets import describe, secrets_in_script
from ..lib.stack import Stack
from ..lib.values import UNKNOWN, Props, Unknown

SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"
DEFAULT_SECURITY_GROUP = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
SECURITY_GROUP_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
VPC_INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
VPC_EGRESS_RULE = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
INSTANCE = "aws:ec2/instance:Instance"

RULE_RESOURCES = (SECURITY_GROUP_RULE, VPC_INGRESS_RULE, VPC_EGRESS_RULE)
SG_FORMS = (SECURITY_GROUP, DEFAULT_SECURITY_GROUP, *RULE_RESOURCES)

ADMIN_PORTS = (22, 3389)
_ANYWHERE = ("0.0.0.0/0", "::/0")
_ALL_PROTOCOLS = ("-1", "all")
# Protocol numbers the EC2 API accepts in place of names (IANA protocol numbers).
_PROTOCOL_NAMES = {"1": "icmp", "6": "tcp", "17": "udp", "58": "icmpv6"}
_ICMP = ("icmp", "icmpv6")
# ICMP messages Path MTU Discovery needs from any address: "Destination Unreachable:
# fragmentation needed" (type 3, code 4) and ICMPv6 "Packet Too Big" (type 2). AWS recommends
# admitting them in security groups: EC2 User Guide, "Network maximum transmission unit (MTU)
# for your EC2 instance" > "Path MTU Discovery"
# (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/network_mtu.html#path_mtu_discovery).
_PATH_MTU_MESSAGES = {("icmp", 3, 4), ("icmp", 3, -1), ("icmpv6", 2, -1), ("icmpv6", 2, 0)}
_DEFAULT_SG_DESCRIPTION = "Managed by Pulumi"


@dataclass(frozen=True)
class Permission:
    """One ingress or egress permission, whatever resource form declared it."""

    where: str
    direction: str  # "ingress" | "egress"
    protocol: str
    from_port: int
    to_port: int
    cidrs: tuple[str, ...]
    description: str | None

    @property
    def icmp(self) -> bool:
        """ICMP(v6): fromPort and toPort are the message type and code, not ports."""
        return self.protocol in _ICMP

    @property
    def all_ports(self) -> bool:
        if self.icmp:
            return False
        return self.protocol in _ALL_PROTOCOLS or (self.from_port <= 0 and self.to_port >= 65535)

    @property
    def path_mtu_discovery(self) -> bool:
        """Only the ICMP message Path MTU Discovery needs (see _PATH_MTU_MESSAGES)."""
        return (self.protocol, self.from_port, self.to_port) in _PATH_MTU_MESSAGES

    @property
    def open_to_anywhere(self) -> tuple[str, ...]:
        return tuple(c for c in self.cidrs if c in _ANYWHERE)

    def covers(self, port: int) -> bool:
        return not self.icmp and (self.all_ports or self.from_port <= port <= self.to_port)

    @property
    def ports(self) -> str:
        if self.icmp:
            kind = "all types" if self.from_port == -1 else f"type {self.from_port}"
            code = "" if self.to_port == -1 else f" code {self.to_port}"
            return f"{self.protocol} {kind}{code}"
        if self.all_ports:
            return "all ports" if self.protocol in _ALL_PROTOCOLS else f"{self.protocol} all ports"
        span = str(self.from_port)
        if self.to_port != self.from_port:
            span += f"-{self.to_port}"
        return f"{self.protocol} {span}"


def _port(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        return int(float(value))
    except ValueError:
        return None


def _permission(where: str, direction: str, entry: Props, vpc_form: bool) -> Permission | None:
    """A Permission, or None when a value it needs is unknown or missing."""
    protocol = entry.string("ipProtocol" if vpc_form else "protocol")
    start, end = entry.get("fromPort"), entry.get("toPort")
    if vpc_form:
        cidrs: Any = [entry.get("cidrIpv4"), entry.get("cidrIpv6")]
    else:
        v4, v6 = entry.array("cidrBlocks"), entry.array("ipv6CidrBlocks")
        cidrs = UNKNOWN if isinstance(v4, Unknown) or isinstance(v6, Unknown) else [*v4, *v6]
    if any(isinstance(v, Unknown) for v in (protocol, start, end, cidrs)) or protocol is None:
        return None
    protocol = str(protocol).lower()
    protocol = _PROTOCOL_NAMES.get(protocol, protocol)
    low, high = _port(start), _port(end)
    if protocol not in _ALL_PROTOCOLS and (low is None or high is None):
        low, high = 0, 65535
    description = entry.string("description")
    return Permission(
        where=where,
        direction=direction,
        protocol=protocol,
        from_port=low if low is not None else 0,
        to_port=high if high is not None else 65535,
        cidrs=tuple(c for c in cidrs if isinstance(c, str)),
        description=None if isinstance(description, Unknown) else description,
    )


def permissions(resource: Resource) -> Iterator[Permission]:
    """Every known permission the resource declares (unknown entries are skipped)."""
    props = resource.props
    if resource.type in (SECURITY_GROUP, DEFAULT_SECURITY_GROUP):
        for direction in ("ingress", "egress"):
            entries = props.array(direction)
            if isinstance(entries, Unknown):
                continue
            for index, entry in enumerate(entries):
                if isinstance(entry, dict):
                    where = f"{direction} rule {index}"
                    found = _permission(where, direction, Props(entry), vpc_form=False)
                    if found:
                        yield found
    elif resource.type == SECURITY_GROUP_RULE:
        kind = props.string("type")
        if kind == "ingress" or kind == "egress":
            found = _permission(f"{kind} rule", kind, props, vpc_form=False)
            if found:
                yield found
    else:
        direction = "ingress" if resource.type == VPC_INGRESS_RULE else "egress"
        found = _permission(f"{direction} rule", direction, props, vpc_form=True)
        if found:
            yield found


@resource_rule(
    name="ec2-sg-no-public-admin-ports",
    types=SG_FORMS,
    description="SSH (22) and RDP (3389) are never open to 0.0.0.0/0 or ::/0, over TCP, UDP or"
    " all protocols.",
    severity=Severity.CRITICAL,
    category=Category.SECURITY,
    rationale="Internet-facing admin ports are brute-forced within minutes (pk:EC2RestrictedSSH,"
    " CKV_AWS_24, CKV_AWS_25, SH EC2.13/EC2.14 (CIS/PCI), SH EC2.19).",
    fix="Remove the rule; use SSM Session Manager, or admit only a VPN/bastion security group.",
    unknown="Skips a rule while its protocol, ports or CIDRs are unknown.",
    anchors=(
        "pk:EC2RestrictedSSH",
        "CKV_AWS_24",
        "CKV_AWS_25",
        "SH EC2.13",
        "SH EC2.14",
        "SH EC2.19",
    ),
)
def no_public_admin_ports(resource: Resource, context: Context) -> Iterable[str]:
    for permission in permissions(resource):
        anywhere = permission.open_to_anywhere
        if permission.direction != "ingress" or not anywhere:
            continue
        ports = [p for p in ADMIN_PORTS if permission.covers(p)]
        # RDP's UDP transport listens on UDP 3389 too, and a UDP rule is no narrower a
        # door to an admin service than a TCP one.
        if ports and permission.protocol in ("tcp", "udp", *_ALL_PROTOCOLS):
            yield (
                f"{permission.where} opens admin port(s) {', '.join(map(str, ports))}"
                f" ({permission.ports}) to {', '.join(anywhere)}"
            )


@resource_rule(
    name="ec2-sg-no-public-ingress",
    types=SG_FORMS,
    description="Ingress from 0.0.0.0/0 or ::/0 only on `allowedPublicIngressPorts` (default 80"
    " and 443, for internet-facing load balancers).",
    severity=Severity.HIGH,
    category=Category.SECURITY,
    rationale="Everything but the public web entry point stays private (AwsSolutions-EC23,"
    " crp:aws-ec2-securitygroup-disallow-public-internet-ingress,"
    " pk:EC2RestrictedCommonPorts, CKV_AWS_277, CKV_AWS_260, SH EC2.18, SH EC2.19). Port 80 is"
    " allowed by default for the HTTP->HTTPS redirect that elb-listener-https-only enforces."
    " The ICMP messages Path MTU Discovery needs (type 3 code 4, ICMPv6 type 2) are always"
    " admitted, as AWS recommends.",
    fix="Admit a security group (the load balancer's) or specific CIDRs instead of the"
    " internet; set `allowedPublicIngressPorts` to [443] where no redirect listener exists.",
    unknown="Skips a rule while its protocol, ports or CIDRs are unknown.",
    anchors=(
        "AwsSolutions-EC23",
        "crp:aws-ec2-securitygroup-disallow-public-internet-ingress",
        "crp:aws-ec2-securitygroup-disallow-inbound-http-traffic",
        "pk:EC2RestrictedCommonPorts",
        "CKV_AWS_277",
        "CKV_AWS_260",
        "SH EC2.18",
        "SH EC2.19",
    ),
    config_schema={
        "allowedPublicIngressPorts": {
            "type": "array",
            "items": {"type": "integer", "minimum": 0, "maximum": 65535},
        }
    },
    config_defaults={"allowedPublicIngressPorts": [80, 443]},
)
def no_public_ingress(resource: Resource, context: Context) -> Iterable[str]:
    allowed = {int(p) for p in context.config.get("allowedPublicIngressPorts") or []}
    for permission in permissions(resource):
        anywhere = permission.open_to_anywhere
        if permission.direction != "ingress" or not anywhere:
            continue
        if permission.path_mtu_discovery:
            continue
        if any(permission.covers(p) for p in ADMIN_PORTS):
            continue  # reported by ec2-sg-no-public-admin-ports
        only_allowed = (
            not permission.all_ports
            and permission.protocol == "tcp"
            and all(p in allowed for p in range(permission.from_port, permission.to_port + 1))
        )
        if not only_allowed:
            yield f"{permission.where} admits {', '.join(anywhere)} on {permission.ports}"


@resource_rule(
    name="ec2-sg-no-unrestricted-egress",
    types=SG_FORMS,
    description="Egress is not open to every address on every port.",
    severity=Severity.LOW,
    category=Category.SECURITY,
    enforcement=Enforcement.ADVISORY,
    rationale="Unrestricted egress eases data exfiltration (CKV_AWS_382); advisory because"
    " workloads calling AWS APIs without VPC endpoints need HTTPS egress.",
    fix="Limit egress to tcp/443 (or to VPC endpoint / database security groups).",
    unknown="Skips a rule while its protocol, ports or CIDRs are unknown.",
    anchors=("CKV_AWS_382",),
)
def no_unrestricted_egress(resource: Resource, context: Context) -> Iterable[str]:
    for permission in permissions(resource):
        anywhere = permission.open_to_anywhere
        if permission.direction == "egress" and anywhere and permission.all_ports:
            yield f"{permission.where} allows all traffic to {', '.join(anywhere)}"


@resource_rule(
    name="ec2-sg-description",
    types=(SECURITY_GROUP,),
    description="Security groups describe what they admit (not Pulumi's default text).",
    severity=Severity.LOW,
    category=Category.HYGIENE,
    rationale="Reviewers and incident responders read the description (AwsSolutions-EC27,"
    " crp:aws-ec2-securitygroup-missing-description, CKV_AWS_23).",
    fix='Set description="<who may connect, to what>".',
    unknown="Skips the group while its description is unknown.",
    anchors=("AwsSolutions-EC27", "crp:aws-ec2-securitygroup-missing-description", "CKV_AWS_23"),
)
def sg_description(resource: Resource, context: Context) -> Iterable[str]:
    description = resource.props.string("description")
    if isinstance(description, Unknown):
        return
    if not (description or "").strip() or description == _DEFAULT_SG_DESCRIPTION:
        yield "the security group has no description of its own"


@resource_rule(
    name="ec2-sg-rule-description",
    types=(SECURITY_GROUP, *RULE_RESOURCES),
    description="Every ingress/egress rule has a description.",
    severity=Severity.LOW,
    category=Category.HYGIENE,
    rationale="A rule's description says why the hole exists"
    " (crp:aws-ec2-securitygroup-missing-ingress-rule-description, CKV_AWS_23).",
    fix="Set description= on every rule.",
    unknown="Skips a rule while its values are unknown.",
    anchors=(
        "crp:aws-ec2-securitygroup-missing-ingress-rule-description",
        "crp:aws-ec2-securitygroup-missing-egress-rule-description",
        "CKV_AWS_23",
    ),
)
def sg_rule_description(resource: Resource, context: Context) -> Iterable[str]:
    for permission in permissions(resource):
        if not (permission.description or "").strip():
            yield f"{permission.where} has no description"


@resource_rule(
    name="ec2-default-sg-restricts-all",
    types=(DEFAULT_SECURITY_GROUP,),
    description="A managed default security group has no ingress or egress rules.",
    severity=Severity.MEDIUM,
    category=Category.SECURITY,
    rationale="Resources launched without a group land in the default one; it must admit"
    " nothing (pk:VPCDefaultSecurityGroupClosed, CKV2_AWS_12, SH EC2.2).",
    fix="Declare aws.ec2.DefaultSecurityGroup(vpc_id=...) with no ingress and no egress.",
    unknown="Skips the group while its rule lists are unknown.",
    anchors=("pk:VPCDefaultSecurityGroupClosed", "CKV2_AWS_12", "SH EC2.2"),
)
def default_sg_restricts_all(resource: Resource, context: Context) -> Iterable[str]:
    for direction in ("ingress", "egress"):
        entries = resource.props.array(direction)
        if not isinstance(entries, Unknown) and entries:
            yield f"the default security group has {len(entries)} {direction} rule(s)"


def _rule_targets(stack: Stack, rule: Any) -> list[Any] | None:
    targets = stack.referenced(rule, "securityGroupId", SECURITY_GROUP)
    return targets if isinstance(targets, list) else None


@stack_rule(
    name="ec2-sg-no-rule-management-conflicts",
    description="A security group with inline ingress/egress has no separate rule resources.",
    severity=Severity.MEDIUM,
    category=Category.RELIABILITY,
    rationale="Inline rules own the group's rule set, so separate rules are deleted and"
    " re-created on every update (awsguard security-group-no-rule-management-conflicts).",
    fix="Manage the group's rules one way: inline lists, or aws.vpc.SecurityGroupIngressRule/"
    "EgressRule resources (preferred).",
    unknown="Skips a rule resource while the group it refers to is unknown.",
    anchors=("awsguard:security-group-no-rule-management-conflicts",),
)
def sg_rule_management_conflicts(stack: Stack, context: Context) -> Iterable[Finding]:
    for rule in stack.of_type(*RULE_RESOURCES):
        for group in _rule_targets(stack, rule) or []:
            inline = [d for d in ("ingress", "egress") if _non_empty(group.props.array(d))]
            if inline:
                yield Finding.on(
                    rule,
                    f"{rule.name} adds a rule to security group {group.name}, which also"
                    f" declares inline {' and '.join(inline)} rules",
                )


def _non_empty(value: Any) -> bool:
    return not isinstance(value, Unknown) and bool(value)


@stack_rule(
    name="ec2-sg-attached",
    description="Every security group is used by some resource (instance, ENI, load balancer,"
    " service, launch template, function...).",
    severity=Severity.LOW,
    category=Category.HYGIENE,
    rationale="Unused groups accumulate holes nobody remembers (CKV2_AWS_5; SH EC2.22, retired).",
    fix="Delete the unused group or attach it where it was meant to be.",
    unknown="Counts a resource whose references are unknown as using nothing; reports only"
    " groups with no dependent at all.",
    anchors=("CKV2_AWS_5", "SH EC2.22"),
)
def sg_attached(stack: Stack, context: Context) -> Iterable[Finding]:
    used: set[str] = set()
    for resource in stack:
        if resource.type in RULE_RESOURCES:
            continue
        for urns in resource.property_dependencies.values():
            used.update(urns)
        used.update(resource.dependencies)
    for group in stack.of_type(SECURITY_GROUP):
        if group.urn not in used:
            yield Finding.on(group, f"security group {group.name} is not used by any resource")


ECS_SERVICE = "aws:ecs/service:Service"
AUTOSCALING_GROUP = "aws:autoscaling/group:Group"


def _balanced_groups(stack: Stack) -> Iterator[tuple[Any, list[Any]]]:
    """(workload, its security groups) for ECS services and Auto Scaling groups that sit
    behind a load balancer's target group; unknown references are left out."""
    for service in stack.of_type(ECS_SERVICE):
        if _non_empty(service.props.array("loadBalancers")):
            groups = stack.referenced(service, "networkConfiguration", SECURITY_GROUP)
            if isinstance(groups, list):
                yield service, groups
    for group in stack.of_type(AUTOSCALING_GROUP):
        if not _non_empty(group.props.array("targetGroupArns")):
            continue
        templates: list[Any] = []
        for prop in ("launchTemplate", "mixedInstancesPolicy"):
            refs = stack.referenced(group, prop, LAUNCH_TEMPLATE)
            templates += refs if isinstance(refs, list) else []
        for template in templates:
            found: list[Any] = []
            for prop in ("vpcSecurityGroupIds", "networkInterfaces"):
                refs = stack.referenced(template, prop, SECURITY_GROUP)
                found += refs if isinstance(refs, list) else []
            yield group, found


@stack_rule(
    name="ec2-sg-chained-to-load-balancer",
    description="Security groups of ECS services and Auto Scaling groups behind a load balancer"
    " admit traffic from other security groups (the load balancer's), never from CIDR ranges.",
    severity=Severity.HIGH,
    category=Category.SECURITY,
    rationale="A CIDR rule lets anything in that range bypass the load balancer's TLS, WAF and"
    " access logs; chaining groups admits exactly the balancer (none of the anchors checks it).",
    fix="Replace the CIDR ingress with a rule whose source is the load balancer's security group"
    " (referenced_security_group_id / source_security_group_id).",
    unknown="Skips a workload whose security groups are unknown and a rule whose CIDRs are"
    " unknown; counts inline rules and separate rule resources alike.",
    anchors=("stack-gap",),
)
def sg_chained_to_load_balancer(stack: Stack, context: Context) -> Iterable[Finding]:
    rules_of: dict[str, list[Any]] = {}
    for rule in stack.of_type(*RULE_RESOURCES):
        for group in _rule_targets(stack, rule) or []:
            rules_of.setdefault(group.urn, []).append(rule)
    reported: set[str] = set()
    for workload, groups in _balanced_groups(stack):
        for group in groups:
            if group.urn in reported:
                continue
            for resource in [group, *rules_of.get(group.urn, [])]:
                opened = [p for p in permissions(resource) if p.direction == "ingress" and p.cidrs]
                if opened:
                    reported.add(group.urn)
                    yield Finding.on(
                        resource,
                        f"security group {group.name} of {workload.name} (behind a load balancer)"
                        f" admits {', '.join(opened[0].cidrs)} on {opened[0].ports} by CIDR",
                    )
                    break


def _is_true(value: Any) -> bool | None:
    """`true`/`"true"` -> True, `false`/`"false"`/missing -> False, unknown -> None."""
    if isinstance(value, Unknown):
        return None
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return value is True


@resource_rule(
    name="ec2-lt-imdsv2-required",
    types=(LAUNCH_TEMPLATE,),
    description="Launch templates require IMDSv2 session tokens.",
    severity=Severity.HIGH,
    category=Category.SECURITY,
    rationale="IMDSv1 lets an SSRF bug steal the instance role's credentials"
    " (pk:EC2IMDSv2Enabled, CKV_AWS_79, SH EC2.170, SH AutoScaling.3).",
    fix="Set metadata_options={'http_endpoint': 'enabled', 'http_tokens': 'required'}.",
    unknown="Skips the template while its metadata options are unknown.",
    anchors=("pk:EC2IMDSv2Enabled", "CKV_AWS_79", "SH EC2.170", "SH AutoScaling.3"),
)
def lt_imdsv2_required(resource: Resource, context: Context) -> Iterable[str]:
    yield from _imdsv1_allowed(resource)


def _imdsv1_allowed(resource: Resource) -> Iterator[str]:
    """The metadata options of a launch template or an instance (same shape) allow IMDSv1."""
    endpoint = resource.props.string("metadataOptions.httpEndpoint")
    tokens = resource.props.string("metadataOptions.httpTokens")
    if isinstance(endpoint, Unknown) or isinstance(tokens, Unknown) or endpoint == "disabled":
        return
    if tokens != "required":
        yield f"IMDSv2 is not required (httpTokens {tokens or 'unset'})"


@resource_rule(
    name="ec2-lt-metadata-hop-limit",
    types=(LAUNCH_TEMPLATE,),
    description="The metadata response hop limit is at most `maximum` (default 1; set 2 for"
    " container hosts whose tasks need the instance's metadata).",
    severity=Severity.MEDIUM,
    category=Category.SECURITY,
    rationale="A hop limit above 1 lets containers and forwarded traffic reach the instance"
    " credentials (CKV_AWS_341, SH AutoScaling.4).",
    fix="Set metadata_options.http_put_response_hop_limit=1.",
    unknown="Skips the template while the hop limit is unknown; unset means 1.",
    anchors=("CKV_AWS_341", "SH AutoScaling.4"),
    config_schema={"maximum": {"type": "integer", "minimum": 1, "maximum": 64}},
    config_defaults={"maximum": 1},
)
def lt_metadata_hop_limit(resource: Resource, context: Context) -> Iterable[str]:
    limit = resource.props.number("metadataOptions.httpPutResponseHopLimit")
    maximum = int(context.config.get("maximum", 1))
    if not isinstance(limit, Unknown) and limit is not None and limit > maximum:
        yield f"metadata hop limit is {int(limit)}; at most {maximum} is allowed"


@resource_rule(
    name="ec2-lt-no-public-ip",
    types=(LAUNCH_TEMPLATE,),
    description="Launch template network interfaces do not get public IP addresses.",
    severity=Severity.HIGH,
    category=Category.SECURITY,
    rationale="Instances with public IPs are reachable from the internet"
    " (crp:aws-ec2-launchtemplate-disallow-public-ip, CKV_AWS_88, SH EC2.25).",
    fix="Remove associate_public_ip_address (or set it to 'false') and use private subnets.",
    unknown="Skips an interface while the flag is unknown.",
    anchors=("crp:aws-ec2-launchtemplate-disallow-public-ip", "CKV_AWS_88", "SH EC2.25"),
)
def lt_no_public_ip(resource: Resource, context: Context) -> Iterable[str]:
    interfaces = resource.props.array("networkInterfaces")
    if isinstance(interfaces, Unknown):
        return
    for index, interface in enumerate(interfaces):
        if isinstance(interface, dict) and _is_true(interface.get("associatePublicIpAddress")):
            yield f"network interface {index} associates a public IP address"


def _ebs_volumes(resource: Resource) -> Iterator[tuple[str, Props]]:
    mappings = resource.props.array("blockDeviceMappings")
    if isinstance(mappings, Unknown):
        return
    for index, mapping in enumerate(mappings):
        if isinstance(mapping, dict) and isinstance(mapping.get("ebs"), dict):
            yield str(mapping.get("deviceName") or index), Props(mapping["ebs"])


@resource_rule(
    name="ec2-lt-ebs-encrypted",
    types=(LAUNCH_TEMPLATE,),
    description="Every EBS volume of a launch template is encrypted.",
    severity=Severity.HIGH,
    category=Category.SECURITY,
    rationale="Unencrypted volumes and their snapshots expose data at rest (AwsSolutions-EC26,"
    " crp:aws-ec2-launchtemplate-disallow-unencrypted-block-device, CKV_AWS_8, SH EC2.181).",
    fix="Set ebs.encrypted='true' (with kms_key_id) on every block device mapping.",
    unknown="Skips a volume while its encrypted flag is unknown.",
    anchors=(
        "AwsSolutions-EC26",
        "crp:aws-ec2-launchtemplate-disallow-unencrypted-block-device",
        "CKV_AWS_8",
        "SH EC2.181",
    ),
)
def lt_ebs_encrypted(resource: Resource, context: Context) -> Iterable[str]:
    for device, ebs in _ebs_volumes(resource):
        if _is_true(ebs.get("encrypted")) is False:
            yield f"EBS volume {device} is not encrypted"


@resource_rule(
    name="ec2-lt-ebs-customer-managed-key",
    types=(LAUNCH_TEMPLATE,),
    description="EBS volumes of a launch template use a customer-managed KMS key.",
    severity=Severity.MEDIUM,
    category=Category.SECURITY,
    rationale="A CMK puts access to the data under the key policy and CloudTrail"
    " (crp:aws-ec2-launchtemplate-configure-customer-managed-key).",
    fix="Set ebs.kms_key_id to the key's ARN (the ASG's service-linked role needs key access).",
    unknown="Skips a volume while its key is unknown.",
    anchors=("crp:aws-ec2-launchtemplate-configure-customer-managed-key",),
)
def lt_ebs_cmk(resource: Resource, context: Context) -> Iterable[str]:
    for device, ebs in _ebs_volumes(resource):
        key = ebs.string("kmsKeyId")
        if not isinstance(key, Unknown) and not key:
            yield f"EBS volume {device} does not name a customer-managed KMS key"


def _decoded(value: str) -> str:
    try:
        return base64.b64decode(value, validate=True).decode("utf-8", errors="replace")
    except (binascii.Error, ValueError):
        return value


def _user_data(resource: Resource) -> str | Unknown | None:
    """The user data script in plain text. A launch template's `user_data` is base64 (the
    provider passes it to the API as is); an instance's `user_data` is plain text and its
    `user_data_base64` base64 (pulumi-aws docs, ec2.Instance and ec2.LaunchTemplate)."""
    plain = resource.props.string("userData")
    encoded = resource.props.string("userDataBase64")
    for value in (plain, encoded):
        if isinstance(value, Unknown):
            return value
    if resource.type == LAUNCH_TEMPLATE and isinstance(plain, str):
        return _decoded(plain)
    if isinstance(encoded, str) and encoded:
        return _decoded(encoded)
    return plain or None


@resource_rule(
    name="ec2-lt-no-secrets-in-user-data",
    types=(LAUNCH_TEMPLATE, INSTANCE),
    description="User data of launch templates and instances contains no credentials.",
    severity=Severity.CRITICAL,
    category=Category.SECURITY,
    rationale="User data is readable by anyone who can describe the template or instance and"
    " from the instance's metadata service (CKV_AWS_46); a password on a command line also"
    " shows in `ps`.",
    fix="Fetch secrets at boot from Secrets Manager or SSM Parameter Store with the instance role.",
    unknown="Skips the resource while its user data is unknown.",
    anchors=("CKV_AWS_46",),
    decided_by=("detect-secrets",),
)
def lt_no_secrets_in_user_data(resource: Resource, context: Context) -> Iterable[str]:
    script = _user_data(resource)
    if isinstance(script, str) and (kinds := secrets_in_script(script)):
        yield f"user data holds {describe(kinds)}"


@resource_rule(
    name="ec2-instance-imdsv2-required",
    types=(INSTANCE,),
    description="Instances require IMDSv2 session tokens.",
    severity=Severity.HIGH,
    category=Category.SECURITY,
    rationale="IMDSv1 lets an SSRF bug steal the instance role's credentials; an instance"
    " without metadata_options gets the AMI's or account's default, which is IMDSv1 unless"
    " changed (CKV_AWS_79, SH EC2.8).",
    fix="Set metadata_options={'http_endpoint': 'enabled', 'http_tokens': 'required'}.",
    unknown="Skips the instance while its metadata options are unknown.",
    anchors=("CKV_AWS_79", "SH EC2.8"),
)
def instance_imdsv2_required(resource: Resource, context: Context) -> Iterable[str]:
    yield from _imdsv1_allowed(resource)


@resource_rule(
    name="ec2-instance-no-public-ip",
    types=(INSTANCE,),
    description="Instances do not get public IP addresses.",
    severity=Severity.HIGH,
    category=Category.SECURITY,
    rationale="Instances with public IPs are reachable from the internet (CKV_AWS_88, SH EC2.9).",
    fix="Remove associate_public_ip_address and launch into a private subnet.",
    unknown="Skips the instance while the flag is unknown.",
    anchors=("CKV_AWS_88", "SH EC2.9"),
)
def instance_no_public_ip(resource: Resource, context: Context) -> Iterable[str]:
    if _is_true(resource.props.get("associatePublicIpAddress")):
        yield "the instance associates a public IP address"
    interfaces = resource.props.array("networkInterfaces")
    if not isinstance(interfaces, Unknown):
        for index, interface in enumerate(interfaces):
            if isinstance(interface, dict) and _is_true(interface.get("associatePublicIpAddress")):
                yield f"network interface {index} associates a public IP address"


@resource_rule(
    name="ec2-instance-ebs-encrypted",
    types=(INSTANCE,),
    description="The root volume and every EBS volume of an instance are encrypted.",
    severity=Severity.HIGH,
    category=Category.SECURITY,
    rationale="Unencrypted volumes and their snapshots expose data at rest; a root volume"
    " without root_block_device.encrypted is only encrypted when the AMI's snapshot or the"
    " account's EBS default encryption says so, which the program does not show (CKV_AWS_8,"
    " AwsSolutions-EC26).",
    fix="Set root_block_device={'encrypted': True, 'kms_key_id': ...} and encrypted=True on"
    " every ebs_block_devices entry.",
    unknown="Skips a volume while its encrypted flag is unknown.",
    anchors=("CKV_AWS_8", "AwsSolutions-EC26"),
)
def instance_ebs_encrypted(resource: Resource, context: Context) -> Iterable[str]:
    root = resource.props.get("rootBlockDevice")
    if not isinstance(root, Unknown):
        root_encrypted = _is_true(root.get("encrypted")) if isinstance(root, dict) else False
        if root_encrypted is False:
            yield "the root volume is not encrypted"
    volumes = resource.props.array("ebsBlockDevices")
    if not isinstance(volumes, Unknown):
        for index, volume in enumerate(volumes):
            if isinstance(volume, dict) and _is_true(volume.get("encrypted")) is False:
                yield f"EBS volume {volume.get('deviceName') or index} is not encrypted"


@resource_rule(
    name="ec2-lt-detailed-monitoring",
    types=(LAUNCH_TEMPLATE,),
    description="Instances from a launch template have detailed (1-minute) monitoring.",
    severity=Severity.LOW,
    category=Category.RELIABILITY,
    enforcement=Enforcement.ADVISORY,
    rationale="5-minute metrics react slowly to scaling and failures (AwsSolutions-EC28, awsguard"
    " ec2-instance-detailed-monitoring-enabled); advisory because it is billed per instance.",
    fix="Set monitoring={'enabled': True}.",
    unknown="Skips the template while the flag is unknown.",
    anchors=("AwsSolutions-EC28", "awsguard:ec2-instance-detailed-monitoring-enabled"),
)
def lt_detailed_monitoring(resource: Resource, context: Context) -> Iterable[str]:
    enabled = resource.props.flag("monitoring.enabled")
    if not isinstance(enabled, Unknown) and enabled is not True:
        yield "detailed monitoring is off"


RULES = [
    no_public_admin_ports,
    no_public_ingress,
    no_unrestricted_egress,
    sg_description,
    sg_rule_description,
    default_sg_restricts_all,
    sg_rule_management_conflicts,
    sg_attached,
    sg_chained_to_load_balancer,
    lt_imdsv2_required,
    lt_metadata_hop_limit,
    lt_no_public_ip,
    lt_ebs_encrypted,
    lt_ebs_cmk,
    lt_no_secrets_in_user_data,
    lt_detailed_monitoring,
    instance_imdsv2_required,
    instance_no_public_ip,
    instance_ebs_encrypted,
]
