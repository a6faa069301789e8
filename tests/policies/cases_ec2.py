"""Cases for policies/rules/ec2.py: the same security-group hole declared inline, as an aws:ec2
rule and as an aws:vpc ingress rule; launch templates and instances."""

from __future__ import annotations

import base64

from tests.policies.harness import UNKNOWN_OBJECT, UNKNOWN_STRING, Case, res

SG = "aws:ec2/securityGroup:SecurityGroup"
DEFAULT_SG = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
SG_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
LT = "aws:ec2/launchTemplate:LaunchTemplate"
INSTANCE = "aws:ec2/instance:Instance"
KEY = "arn:aws:kms:us-east-1:123456789012:key/1111"


def inline(port: int, cidr: str = "0.0.0.0/0", protocol: str = "tcp", **extra: object) -> dict:
    field = "ipv6CidrBlocks" if ":" in cidr else "cidrBlocks"
    return {
        "protocol": protocol,
        "fromPort": port,
        "toPort": port,
        field: [cidr],
        "description": "d",
        **extra,
    }


def sg(name: str, ingress: list | None = None, egress: list | None = None, **extra: object):
    return res(
        SG,
        name,
        {
            "description": "orders tasks",
            "vpcId": "vpc-1",
            "ingress": ingress or [],
            "egress": egress or [],
            **extra,
        },
    )


def sg_rule(name: str, port: int, cidr: str = "0.0.0.0/0", kind: str = "ingress", **extra):
    field = "ipv6CidrBlocks" if ":" in cidr else "cidrBlocks"
    return res(
        SG_RULE,
        name,
        {
            "type": kind,
            "securityGroupId": "sg-1",
            "protocol": "tcp",
            "fromPort": port,
            "toPort": port,
            field: [cidr],
            "description": "d",
            **extra,
        },
    )


def vpc_rule(name: str, port: int | None, cidr: str = "0.0.0.0/0", type_: str = INGRESS, **extra):
    props: dict = {
        "securityGroupId": "sg-1",
        "ipProtocol": "tcp" if port else "-1",
        "description": "d",
        **extra,
    }
    props["cidrIpv6" if ":" in cidr else "cidrIpv4"] = cidr
    if port:
        props.update(fromPort=port, toPort=port)
    return res(type_, name, props)


_admin = "ec2-sg-no-public-admin-ports"
_public = "ec2-sg-no-public-ingress"
_egress = "ec2-sg-no-unrestricted-egress"
ALL = {
    "protocol": "-1",
    "fromPort": 0,
    "toPort": 0,
    "cidrBlocks": ["0.0.0.0/0"],
    "description": "all",
}

# Stack rules: rule-management conflicts and unused groups.
_inline_sg = sg("inline-owner", [inline(443, "10.0.0.0/8")])
_bare_sg = sg("bare")
_extra_rule = vpc_rule("extra", 443, "10.0.0.0/8")
_extra_rule = res(INGRESS, "extra", _extra_rule.inputs, deps={"securityGroupId": [_inline_sg]})
_ok_rule = res(INGRESS, "ok", _extra_rule.inputs, deps={"securityGroupId": [_bare_sg]})
_legacy_rule = res(
    SG_RULE,
    "legacy",
    sg_rule("legacy", 443, "10.0.0.0/8").inputs,
    deps={"securityGroupId": [_inline_sg]},
)
_instance = res(
    INSTANCE, "web", {"vpcSecurityGroupIds": ["sg"]}, deps={"vpcSecurityGroupIds": [_bare_sg]}
)
_conflicts = "ec2-sg-no-rule-management-conflicts"

# Launch templates.
USER_DATA = base64.b64encode(b"#!/bin/bash\nyum install -y nginx\n").decode()
GOOD_LT = {
    "imageId": "ami-123",
    "instanceType": "t3.micro",
    "metadataOptions": {
        "httpEndpoint": "enabled",
        "httpTokens": "required",
        "httpPutResponseHopLimit": 1,
    },
    "monitoring": {"enabled": True},
    "networkInterfaces": [{"deviceIndex": 0, "associatePublicIpAddress": "false"}],
    "blockDeviceMappings": [
        {"deviceName": "/dev/xvda", "ebs": {"encrypted": "true", "kmsKeyId": KEY, "volumeSize": 20}}
    ],
    "userData": USER_DATA,
}


def lt(name: str, **changes: object) -> object:
    props = {**GOOD_LT, **changes}
    return res(LT, name, {k: v for k, v in props.items() if v is not None})


def ebs(**values: object) -> list:
    return [{"deviceName": "/dev/xvda", "ebs": values}]


def user_data(script: str) -> str:
    return base64.b64encode(script.encode()).decode()


# Security groups of load-balanced workloads admit the balancer's group, never a CIDR range.
_chained = "ec2-sg-chained-to-load-balancer"
_SERVICE = "aws:ecs/service:Service"
_ASG = "aws:autoscaling/group:Group"
_LT = "aws:ec2/launchTemplate:LaunchTemplate"
_TARGET_GROUP = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/api/1"


def _service(name: str, group, balanced: bool = True):
    props = {
        "networkConfiguration": {"securityGroups": ["sg"], "subnets": ["subnet-1"]},
        "loadBalancers": [{"targetGroupArn": _TARGET_GROUP, "containerPort": 8080}]
        if balanced
        else [],
    }
    return res(_SERVICE, name, props, deps={"networkConfiguration": [group]})


def _from_group(name: str, group):
    props = {
        "securityGroupId": "sg",
        "ipProtocol": "tcp",
        "fromPort": 8080,
        "toPort": 8080,
        "referencedSecurityGroupId": "sg-alb",
        "description": "from the load balancer",
    }
    return res(INGRESS, name, props, deps={"securityGroupId": [group]})


_chained_sg = sg("api-tasks")
_cidr_sg = sg("api-tasks-cidr", [inline(8080, "10.0.0.0/8")])
_rule_sg = sg("api-tasks-rule")
_cidr_rule = res(
    INGRESS,
    "api-from-vpc",
    vpc_rule("api-from-vpc", 8080, "10.0.0.0/8").inputs,
    deps={"securityGroupId": [_rule_sg]},
)
_worker_sg = sg("workers", [inline(8080, "10.0.0.0/8")])
_template = res(
    _LT, "workers", {"vpcSecurityGroupIds": ["sg"]}, deps={"vpcSecurityGroupIds": [_worker_sg]}
)
_workers = res(
    _ASG,
    "workers",
    {"targetGroupArns": [_TARGET_GROUP], "launchTemplate": {"id": "lt-1", "version": "$Latest"}},
    deps={"launchTemplate": [_template]},
)

# Fixtures of the instance cases.
GOOD = {
    "ami": "ami-0abcdef1234567890",
    "instanceType": "t3.micro",
    "subnetId": "subnet-0a1b2c3d",
    "metadataOptions": {"httpEndpoint": "enabled", "httpTokens": "required"},
    "rootBlockDevice": {"encrypted": True, "kmsKeyId": KEY, "volumeSize": 20},
}


def instance(name: str, **changes: object) -> object:
    props = {**GOOD, **changes}
    return res(INSTANCE, name, {k: v for k, v in props.items() if v is not None})


# Fixtures of the value-form cases.
ADMIN = "ec2-sg-no-public-admin-ports"
PUBLIC = "ec2-sg-no-public-ingress"


def icmp_sg(name: str, protocol: str, type_: int, code: int, cidr: str) -> object:
    field = "ipv6CidrBlocks" if ":" in cidr else "cidrBlocks"
    rule = {"protocol": protocol, "fromPort": type_, "toPort": code, field: [cidr]}
    return res(SG, name, {"description": "web tier", "ingress": [{**rule, "description": "m"}]})


# Fixtures of the secret cases.
NO_SECRETS_IN_USER_DATA = "ec2-lt-no-secrets-in-user-data"


def b64(script: str) -> str:
    return base64.b64encode(script.encode()).decode()


CASES = [
    # admin ports: one hole, every form
    Case.passes(_admin, sg("private-ssh", [inline(22, "10.0.0.0/8")])),
    Case.passes(_admin, sg("cidr-unknown", [inline(22, UNKNOWN_STRING)])),
    Case.fails(_admin, sg("inline-ssh", [inline(22)]), label="inline"),
    Case.fails(_admin, sg_rule("ec2-rule-ssh", 22), label="aws:ec2 rule"),
    Case.fails(_admin, vpc_rule("vpc-rule-ssh", 22), label="aws:vpc rule"),
    Case.fails(_admin, vpc_rule("vpc-rule-rdp-v6", 3389, "::/0"), label="aws:vpc rule ipv6"),
    Case.fails(_admin, sg("inline-all", [ALL]), label="all traffic"),
    Case.fails(_admin, vpc_rule("vpc-all-traffic", None), label="aws:vpc -1"),
    # other public ingress
    Case.passes(_public, sg("https", [inline(443), inline(80, "::/0")])),
    Case.passes(_public, sg_rule("https-rule", 443)),
    Case.fails(_public, sg("inline-postgres", [inline(5432)])),
    Case.fails(_public, sg_rule("ec2-rule-postgres", 5432)),
    Case.fails(_public, vpc_rule("vpc-rule-postgres-v6", 5432, "::/0")),
    Case.fails(_public, sg("udp-443", [inline(443, protocol="udp")])),
    Case.fails(_public, sg("wide-range", [{**inline(443), "fromPort": 443, "toPort": 444}])),
    # egress (advisory)
    Case.passes(_egress, sg("https-out", egress=[inline(443)])),
    Case.fails(_egress, sg("all-out", egress=[ALL])),
    Case.fails(_egress, vpc_rule("vpc-all-out", None, type_=EGRESS)),
    # descriptions
    Case.passes("ec2-sg-description", sg("described")),
    Case.fails("ec2-sg-description", sg("pulumi-default", description="Managed by Pulumi")),
    Case.fails("ec2-sg-description", res(SG, "no-description", {"vpcId": "vpc-1"})),
    Case.passes("ec2-sg-rule-description", sg("rules-described", [inline(443, "10.0.0.0/8")])),
    Case.fails(
        "ec2-sg-rule-description",
        sg("inline-undescribed", [inline(443, "10.0.0.0/8", description=None)]),
    ),
    Case.fails(
        "ec2-sg-rule-description", vpc_rule("vpc-undescribed", 443, "10.0.0.0/8", description="")
    ),
    # default security group
    Case.passes("ec2-default-sg-restricts-all", res(DEFAULT_SG, "closed", {"vpcId": "vpc-1"})),
    Case.fails(
        "ec2-default-sg-restricts-all", res(DEFAULT_SG, "open", {"vpcId": "vpc-1", "egress": [ALL]})
    ),
    Case.passes(_conflicts, _bare_sg, _ok_rule),
    Case.fails(_conflicts, _inline_sg, _extra_rule, on=_extra_rule),
    Case.fails(_conflicts, _inline_sg, _legacy_rule, on=_legacy_rule),
    Case.passes("ec2-sg-attached", _bare_sg, _instance),
    Case.fails("ec2-sg-attached", _bare_sg, _ok_rule, on=_bare_sg),
    Case.passes("ec2-lt-imdsv2-required", lt("imdsv2")),
    Case.passes(
        "ec2-lt-imdsv2-required", lt("imds-off", metadataOptions={"httpEndpoint": "disabled"})
    ),
    Case.fails("ec2-lt-imdsv2-required", lt("imdsv1", metadataOptions={"httpTokens": "optional"})),
    Case.fails("ec2-lt-imdsv2-required", lt("no-options", metadataOptions=None)),
    Case.passes("ec2-lt-metadata-hop-limit", lt("hop-1")),
    Case.passes(
        "ec2-lt-metadata-hop-limit", lt("hop-unset", metadataOptions={"httpTokens": "required"})
    ),
    Case.fails(
        "ec2-lt-metadata-hop-limit",
        lt("hop-2", metadataOptions={"httpTokens": "required", "httpPutResponseHopLimit": 2}),
    ),
    Case.passes("ec2-lt-no-public-ip", lt("private")),
    Case.fails(
        "ec2-lt-no-public-ip",
        lt(
            "public-string",
            networkInterfaces=[{"deviceIndex": 0, "associatePublicIpAddress": "true"}],
        ),
    ),
    Case.fails(
        "ec2-lt-no-public-ip",
        lt("public-bool", networkInterfaces=[{"deviceIndex": 0, "associatePublicIpAddress": True}]),
    ),
    Case.passes("ec2-lt-ebs-encrypted", lt("encrypted")),
    Case.fails("ec2-lt-ebs-encrypted", lt("plain", blockDeviceMappings=ebs(encrypted="false"))),
    Case.fails("ec2-lt-ebs-encrypted", lt("unset", blockDeviceMappings=ebs(volumeSize=20))),
    Case.passes("ec2-lt-ebs-customer-managed-key", lt("cmk")),
    Case.fails(
        "ec2-lt-ebs-customer-managed-key", lt("aws-key", blockDeviceMappings=ebs(encrypted="true"))
    ),
    Case.passes("ec2-lt-no-secrets-in-user-data", lt("clean")),
    Case.passes(
        "ec2-lt-no-secrets-in-user-data",
        lt(
            "ssm-fetch",
            userData=user_data(
                "DB_PASSWORD=$(aws ssm get-parameter --name /db --with-decryption)\n"
            ),
        ),
    ),
    Case.fails(
        "ec2-lt-no-secrets-in-user-data",
        lt("password", userData=user_data("#!/bin/bash\nexport DB_PASSWORD=hunter22\n")),
    ),
    Case.fails(
        "ec2-lt-no-secrets-in-user-data",
        lt(
            "access-key",
            userData=user_data("aws configure set aws_access_key_id AKIAABCDEFGHIJKLMNOP\n"),
        ),
    ),
    Case.passes("ec2-lt-detailed-monitoring", lt("monitored")),
    Case.fails("ec2-lt-detailed-monitoring", lt("basic", monitoring=None)),
    Case.passes(
        _chained,
        _chained_sg,
        _from_group("api-from-alb", _chained_sg),
        _service("api", _chained_sg),
    ),
    Case.passes(_chained, _cidr_sg, _service("internal-only", _cidr_sg, balanced=False)),
    Case.fails(_chained, _cidr_sg, _service("api-inline", _cidr_sg), on=_cidr_sg, label="inline"),
    Case.fails(
        _chained, _rule_sg, _cidr_rule, _service("api-rule", _rule_sg), on=_cidr_rule, label="rule"
    ),
    Case.fails(_chained, _worker_sg, _template, _workers, on=_worker_sg, label="asg"),
    # aws.ec2.Instance: IMDSv2, public IP and EBS encryption.
    Case.passes("ec2-instance-imdsv2-required", instance("imdsv2")),
    Case.passes(
        "ec2-instance-imdsv2-required",
        instance("imds-off", metadataOptions={"httpEndpoint": "disabled"}),
    ),
    Case.fails("ec2-instance-imdsv2-required", instance("no-options", metadataOptions=None)),
    Case.fails(
        "ec2-instance-imdsv2-required",
        instance("optional", metadataOptions={"httpTokens": "optional"}),
    ),
    Case.passes("ec2-instance-no-public-ip", instance("private")),
    Case.passes(
        "ec2-instance-no-public-ip", instance("explicit-false", associatePublicIpAddress=False)
    ),
    Case.fails("ec2-instance-no-public-ip", instance("public", associatePublicIpAddress=True)),
    Case.passes("ec2-instance-ebs-encrypted", instance("encrypted-root")),
    Case.passes(
        "ec2-instance-ebs-encrypted", instance("root-unknown", rootBlockDevice=UNKNOWN_OBJECT)
    ),
    Case.passes(
        "ec2-instance-ebs-encrypted",
        instance(
            "data-volume",
            ebsBlockDevices=[{"deviceName": "/dev/sdf", "encrypted": True, "volumeSize": 100}],
        ),
    ),
    Case.fails("ec2-instance-ebs-encrypted", instance("default-root", rootBlockDevice=None)),
    Case.fails(
        "ec2-instance-ebs-encrypted",
        instance("plain-data", ebsBlockDevices=[{"deviceName": "/dev/sdf", "volumeSize": 100}]),
    ),
    # Values in the forms the provider and AWS accept.
    # ICMP that Path MTU Discovery needs is not public ingress; other ICMP is.
    Case.passes(PUBLIC, icmp_sg("pmtud-v4", "icmp", 3, 4, "0.0.0.0/0")),
    Case.passes(PUBLIC, icmp_sg("pmtud-v6", "58", 2, 0, "::/0")),
    Case.passes(PUBLIC, icmp_sg("unreachable-any-code", "icmp", 3, -1, "0.0.0.0/0")),
    Case.fails(PUBLIC, icmp_sg("echo-request", "icmp", 8, -1, "0.0.0.0/0")),
    Case.passes(
        PUBLIC,
        res(
            INGRESS,
            "pmtud-rule",
            {
                "securityGroupId": "sg-1",
                "ipProtocol": "icmp",
                "fromPort": 3,
                "toPort": 4,
                "cidrIpv4": "0.0.0.0/0",
                "description": "path MTU discovery",
            },
        ),
    ),
    Case.fails(PUBLIC, icmp_sg("all-icmp", "icmp", -1, -1, "0.0.0.0/0")),
    Case.passes(ADMIN, icmp_sg("echo", "icmp", 8, 0, "0.0.0.0/0")),
    # Admin ports over UDP or protocol numbers.
    Case.fails(
        ADMIN,
        res(
            SG_RULE,
            "rdp-udp",
            {
                "type": "ingress",
                "securityGroupId": "sg-1",
                "protocol": "udp",
                "fromPort": 3389,
                "toPort": 3389,
                "cidrBlocks": ["0.0.0.0/0"],
            },
        ),
    ),
    Case.fails(
        ADMIN,
        res(
            INGRESS,
            "ssh-17",
            {
                "securityGroupId": "sg-1",
                "ipProtocol": "17",
                "fromPort": 0,
                "toPort": 1024,
                "cidrIpv6": "::/0",
            },
        ),
    ),
    # Secrets judged by value (detect-secrets): names that merely contain PASS or TOKEN, and
    # references to secrets kept elsewhere, pass.
    # User data: launch templates (base64) and instances (plain or base64)
    Case.passes(
        NO_SECRETS_IN_USER_DATA,
        res(
            INSTANCE,
            "fetch-at-boot",
            {
                "userData": "#!/bin/bash\nPW=$(aws secretsmanager get-secret-value --secret-id"
                ' db --query SecretString --output text)\nmysql -u app -p"$PW" -h db\n'
            },
        ),
    ),
    Case.fails(
        NO_SECRETS_IN_USER_DATA,
        res(INSTANCE, "mysql-p", {"userData": "#!/bin/bash\nmysql -u root -pWq8tZ4mK < a.sql\n"}),
    ),
    Case.fails(
        NO_SECRETS_IN_USER_DATA,
        res(
            INSTANCE,
            "base64-password-flag",
            {"userDataBase64": b64("#!/bin/bash\n/opt/agent/setup --password=Wq8tZ4mK\n")},
        ),
    ),
    Case.fails(
        NO_SECRETS_IN_USER_DATA,
        res(LT, "chpasswd", {"userData": b64("echo 'ec2-user:Wq8tZ4mK' | chpasswd\n")}),
    ),
]
