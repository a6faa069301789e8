"""Cases for values in the forms the provider and AWS accept: listener protocols and action types
in any case, AWS's post-quantum TLS policies, the ICMP that Path MTU Discovery needs, admin ports
over UDP, listener rules that forward plain HTTP, and the stack's own account known to trust
rules from the provider and the role's own policies."""

from __future__ import annotations

import dataclasses
import json

from tests.policies.harness import Case, out, res

LISTENER = "aws:lb/listener:Listener"
LISTENER_RULE = "aws:lb/listenerRule:ListenerRule"
ALB_LISTENER_RULE = "aws:alb/listenerRule:ListenerRule"
SG = "aws:ec2/securityGroup:SecurityGroup"
SG_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
CERT = "arn:aws:acm:us-east-1:123456789012:certificate/abcd"
TG_ARN = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/api/1"
LB_ARN = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/1"
FORWARD = {"type": "forward", "targetGroupArn": TG_ARN}

HTTPS_ONLY = "elb-listener-https-only"
TLS_POLICY = "elb-listener-tls-policy"
RULE_HTTPS = "elb-listener-rule-https-only"
ADMIN = "ec2-sg-no-public-admin-ports"
PUBLIC = "ec2-sg-no-public-ingress"


def listener(name: str, **props: object) -> object:
    return res(LISTENER, name, {"loadBalancerArn": LB_ARN, **props})


def redirect(protocol: str = "HTTPS", kind: str = "redirect") -> dict:
    return {
        "type": kind,
        "redirect": {"protocol": protocol, "port": "443", "statusCode": "HTTP_301"},
    }


def icmp_sg(name: str, protocol: str, type_: int, code: int, cidr: str) -> object:
    field = "ipv6CidrBlocks" if ":" in cidr else "cidrBlocks"
    rule = {"protocol": protocol, "fromPort": type_, "toPort": code, field: [cidr]}
    return res(SG, name, {"description": "web tier", "ingress": [{**rule, "description": "m"}]})


_http = listener("http", port=80, protocol="HTTP", defaultActions=[redirect()])
_https = listener(
    "https",
    port=443,
    protocol="HTTPS",
    certificateArn=CERT,
    sslPolicy="ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09",
    defaultActions=[FORWARD],
)


def listener_rule(name: str, on: object, actions: list, type_: str = LISTENER_RULE) -> object:
    return res(
        type_,
        name,
        {"listenerArn": out(on, "arn"), "priority": 10, "actions": actions},
        deps={"listenerArn": [on]},
    )


CASES = [
    # Listener protocol and action type in any case (the provider upper-cases the protocol).
    Case.fails(
        HTTPS_ONLY, listener("lower-http", port=80, protocol="http", defaultActions=[FORWARD])
    ),
    Case.fails(HTTPS_ONLY, listener("no-protocol", port=80, defaultActions=[FORWARD])),
    Case.passes(
        HTTPS_ONLY,
        listener(
            "lower-redirect", port=80, protocol="http", defaultActions=[redirect(kind="REDIRECT")]
        ),
    ),
    Case.fails(
        HTTPS_ONLY,
        listener(
            "redirect-same-protocol",
            port=80,
            protocol="HTTP",
            defaultActions=[redirect("#{protocol}")],
        ),
    ),
    # TLS policies: AWS's post-quantum policies pass, whatever the protocol's case.
    Case.passes(TLS_POLICY, _https),
    Case.passes(
        TLS_POLICY,
        listener(
            "nlb-tls-pq",
            port=443,
            protocol="tls",
            certificateArn=CERT,
            sslPolicy="ELBSecurityPolicy-TLS13-1-3-PQ-2025-09",
            defaultActions=[FORWARD],
        ),
    ),
    Case.fails(
        TLS_POLICY,
        listener(
            "lower-https-old-policy",
            port=443,
            protocol="https",
            certificateArn=CERT,
            sslPolicy="ELBSecurityPolicy-2016-08",
            defaultActions=[FORWARD],
        ),
    ),
    Case.fails(
        "elb-listener-acm-certificate",
        listener("lower-https-no-cert", port=443, protocol="Https", defaultActions=[FORWARD]),
    ),
    # Listener rules on a plain-HTTP listener.
    Case.fails(
        RULE_HTTPS,
        _http,
        listener_rule("api-over-http", _http, [{"type": "Forward", "targetGroupArn": TG_ARN}]),
        on=listener_rule("api-over-http", _http, [FORWARD]),
    ),
    Case.fails(
        RULE_HTTPS,
        _http,
        listener_rule("alb-token", _http, [FORWARD], type_=ALB_LISTENER_RULE),
        on=listener_rule("alb-token", _http, [FORWARD], type_=ALB_LISTENER_RULE),
    ),
    Case.passes(RULE_HTTPS, _https, listener_rule("api-over-https", _https, [FORWARD])),
    Case.passes(RULE_HTTPS, _http, listener_rule("legacy-redirect", _http, [redirect()])),
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
]


# The stack's own account, known without configuration.
TRUST = "iam-role-trust-policy-restricted"
OWN, OTHER = "210987654321", "999988887777"
ROLE = "aws:iam/role:Role"


def root_trust(account: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
    )


def with_provider(resource: object, provider: object) -> object:
    return dataclasses.replace(resource, provider=f"{provider.urn}::{provider.name}-id")


_pinned = res("pulumi:providers:aws", "pinned", {"region": "eu-west-1", "allowedAccountIds": [OWN]})
_assumed = res(
    "pulumi:providers:aws",
    "deployer",
    {"assumeRoles": [{"roleArn": f"arn:aws:iam::{OWN}:role/deployer"}]},
)

CASES += [
    Case.passes(
        TRUST,
        _pinned,
        with_provider(res(ROLE, "ops-own", {"assumeRolePolicy": root_trust(OWN)}), _pinned),
    ),
    Case.passes(
        TRUST,
        _assumed,
        with_provider(res(ROLE, "ops-assumed", {"assumeRolePolicy": root_trust(OWN)}), _assumed),
    ),
    Case.passes(
        TRUST,
        res(
            ROLE,
            "ops-bounded",
            {
                "assumeRolePolicy": root_trust(OWN),
                "permissionsBoundary": f"arn:aws:iam::{OWN}:policy/boundary",
            },
        ),
    ),
    Case.fails(
        TRUST,
        with_provider(res(ROLE, "ops-other", {"assumeRolePolicy": root_trust(OTHER)}), _pinned),
        _pinned,
    ),
    Case.fails(TRUST, res(ROLE, "ops-unknown-account", {"assumeRolePolicy": root_trust(OWN)})),
]
