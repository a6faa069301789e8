"""Cases for the ELBv2 rules, under both the aws:lb and the aws:alb type tokens."""

from __future__ import annotations

from tests.policies.harness import UNKNOWN_STRING, Case, res

LB = "aws:lb/loadBalancer:LoadBalancer"
ALB = "aws:alb/loadBalancer:LoadBalancer"
LISTENER = "aws:lb/listener:Listener"
ALB_LISTENER = "aws:alb/listener:Listener"
LISTENER_CERT = "aws:lb/listenerCertificate:ListenerCertificate"
TG = "aws:lb/targetGroup:TargetGroup"
ALB_TG = "aws:alb/targetGroup:TargetGroup"
WAF = "aws:wafv2/webAclAssociation:WebAclAssociation"
CERT = "arn:aws:acm:us-east-1:123456789012:certificate/abcd"
IAM_CERT = "arn:aws:iam::123456789012:server-certificate/legacy"
TG_ARN = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/app/1"
ACL_ARN = "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/main/1"

GOOD_LB = {
    "loadBalancerType": "application",
    "internal": False,
    "subnets": ["subnet-a", "subnet-b"],
    "accessLogs": {"bucket": "alb-logs", "enabled": True},
    "enableDeletionProtection": True,
    "dropInvalidHeaderFields": True,
}


def lb(name: str, type_: str = LB, **changes: object) -> object:
    props = {**GOOD_LB, **changes}
    return res(type_, name, {k: v for k, v in props.items() if v is not None})


def https(name: str, type_: str = LISTENER, **changes: object) -> object:
    props = {
        "loadBalancerArn": "arn:lb",
        "port": 443,
        "protocol": "HTTPS",
        "sslPolicy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
        "certificateArn": CERT,
        "defaultActions": [{"type": "forward", "targetGroupArn": TG_ARN}],
        **changes,
    }
    return res(type_, name, {k: v for k, v in props.items() if v is not None})


REDIRECT = {
    "type": "redirect",
    "redirect": {"protocol": "HTTPS", "port": "443", "statusCode": "HTTP_301"},
}
FORWARD = {"type": "forward", "targetGroupArn": TG_ARN}
HEALTH = {"enabled": True, "path": "/health", "matcher": "200-299", "protocol": "HTTP"}


def http(name: str, *actions: dict, type_: str = LISTENER) -> object:
    return res(
        type_,
        name,
        {
            "loadBalancerArn": "arn:lb",
            "port": 80,
            "protocol": "HTTP",
            "defaultActions": list(actions),
        },
    )


def tg(name: str, type_: str = TG, **changes: object) -> object:
    props = {"port": 8080, "protocol": "HTTP", "vpcId": "vpc-1", "healthCheck": HEALTH, **changes}
    return res(type_, name, {k: v for k, v in props.items() if v is not None})


_waf = "elb-alb-waf-associated"
_public_alb = lb("public")
_protected = lb("protected", ALB)
_association = res(
    WAF,
    "protected-acl",
    {"resourceArn": "arn:protected", "webAclArn": ACL_ARN},
    deps={"resourceArn": [_protected]},
)

CASES = [
    Case.passes("elb-access-logs-enabled", lb("logged")),
    Case.passes("elb-access-logs-enabled", lb("logs-unknown", accessLogs=UNKNOWN_STRING)),
    Case.fails("elb-access-logs-enabled", lb("no-logs", accessLogs=None)),
    Case.fails(
        "elb-access-logs-enabled",
        lb("alb-logs-off", ALB, accessLogs={"bucket": "b", "enabled": False}),
    ),
    Case.passes("elb-deletion-protection", lb("protected")),
    Case.fails("elb-deletion-protection", lb("unprotected", ALB, enableDeletionProtection=None)),
    Case.passes("elb-alb-drop-invalid-headers", lb("drops")),
    Case.passes(
        "elb-alb-drop-invalid-headers",
        lb("nlb", loadBalancerType="network", dropInvalidHeaderFields=None),
    ),
    Case.fails("elb-alb-drop-invalid-headers", lb("forwards", ALB, dropInvalidHeaderFields=None)),
    Case.passes("elb-alb-desync-mitigation", lb("default-mode")),
    Case.passes("elb-alb-desync-mitigation", lb("strictest", desyncMitigationMode="strictest")),
    Case.fails("elb-alb-desync-mitigation", lb("monitor", ALB, desyncMitigationMode="monitor")),
    Case.passes("elb-multi-az", lb("two-subnets")),
    Case.passes(
        "elb-multi-az",
        lb(
            "mappings",
            subnets=None,
            subnetMappings=[{"subnetId": "subnet-a"}, {"subnetId": "subnet-b"}],
        ),
    ),
    Case.fails("elb-multi-az", lb("one-subnet", ALB, subnets=["subnet-a"])),
    Case.passes("elb-listener-https-only", https("https")),
    Case.passes("elb-listener-https-only", http("redirect", REDIRECT)),
    Case.fails("elb-listener-https-only", http("forward", FORWARD)),
    Case.fails("elb-listener-https-only", http("alb-forward", FORWARD, type_=ALB_LISTENER)),
    Case.fails("elb-listener-https-only", http("mixed", REDIRECT, FORWARD)),
    Case.fails(
        "elb-listener-https-only",
        http(
            "redirect-to-http",
            {
                "type": "redirect",
                "redirect": {"protocol": "HTTP", "port": "8080", "statusCode": "HTTP_302"},
            },
        ),
    ),
    Case.passes("elb-listener-tls-policy", https("tls13")),
    Case.passes("elb-listener-tls-policy", https("policy-unknown", sslPolicy=UNKNOWN_STRING)),
    Case.fails(
        "elb-listener-tls-policy", https("old-policy", sslPolicy="ELBSecurityPolicy-2016-08")
    ),
    Case.fails("elb-listener-tls-policy", https("alb-unset", ALB_LISTENER, sslPolicy=None)),
    Case.passes("elb-listener-acm-certificate", https("acm")),
    Case.passes("elb-listener-acm-certificate", http("plain-redirect", REDIRECT)),
    Case.fails("elb-listener-acm-certificate", https("iam-cert", certificateArn=IAM_CERT)),
    Case.fails(
        "elb-listener-acm-certificate",
        res(LISTENER_CERT, "extra-iam-cert", {"listenerArn": "l", "certificateArn": IAM_CERT}),
    ),
    Case.passes("elb-target-group-health-check", tg("checked")),
    Case.passes(
        "elb-target-group-health-check",
        tg("lambda", targetType="lambda", healthCheck=None, port=None, protocol=None),
    ),
    Case.passes(
        "elb-target-group-health-check",
        tg("tcp", protocol="TCP", healthCheck={"enabled": True, "protocol": "TCP"}),
    ),
    Case.fails("elb-target-group-health-check", tg("none", ALB_TG, healthCheck=None)),
    Case.fails("elb-target-group-health-check", tg("disabled", healthCheck={"enabled": False})),
    Case.fails(
        "elb-target-group-health-check",
        tg("no-path", healthCheck={"enabled": True, "protocol": "HTTP"}),
    ),
    Case.passes(_waf, _protected, _association),
    Case.passes(_waf, lb("internal", internal=True)),
    Case.fails(_waf, _public_alb, _protected, _association, on=_public_alb),
]
