"""Cases for policies/rules/elb.py, under both the aws:lb and the aws:alb type tokens."""

from __future__ import annotations

from tests.policies.harness import UNKNOWN_STRING, Case, out, res

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

# Fixtures of the value-form cases.
LISTENER_RULE = "aws:lb/listenerRule:ListenerRule"
ALB_LISTENER_RULE = "aws:alb/listenerRule:ListenerRule"

API_TG_ARN = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/api/1"
LB_ARN = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/1"
FORWARD_TO_API = {"type": "forward", "targetGroupArn": API_TG_ARN}

HTTPS_ONLY = "elb-listener-https-only"
TLS_POLICY = "elb-listener-tls-policy"
RULE_HTTPS = "elb-listener-rule-https-only"


def listener(name: str, **props: object) -> object:
    return res(LISTENER, name, {"loadBalancerArn": LB_ARN, **props})


def redirect(protocol: str = "HTTPS", kind: str = "redirect") -> dict:
    return {
        "type": kind,
        "redirect": {"protocol": protocol, "port": "443", "statusCode": "HTTP_301"},
    }


_http = listener("http", port=80, protocol="HTTP", defaultActions=[redirect()])
_https = listener(
    "https",
    port=443,
    protocol="HTTPS",
    certificateArn=CERT,
    sslPolicy="ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09",
    defaultActions=[FORWARD_TO_API],
)


def listener_rule(name: str, on: object, actions: list, type_: str = LISTENER_RULE) -> object:
    return res(
        type_,
        name,
        {"listenerArn": out(on, "arn"), "priority": 10, "actions": actions},
        deps={"listenerArn": [on]},
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
    # Values in the forms the provider and AWS accept.
    # Listener protocol and action type in any case (the provider upper-cases the protocol).
    Case.fails(
        HTTPS_ONLY,
        listener("lower-http", port=80, protocol="http", defaultActions=[FORWARD_TO_API]),
    ),
    Case.fails(HTTPS_ONLY, listener("no-protocol", port=80, defaultActions=[FORWARD_TO_API])),
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
            defaultActions=[FORWARD_TO_API],
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
            defaultActions=[FORWARD_TO_API],
        ),
    ),
    Case.fails(
        "elb-listener-acm-certificate",
        listener(
            "lower-https-no-cert", port=443, protocol="Https", defaultActions=[FORWARD_TO_API]
        ),
    ),
    # Listener rules on a plain-HTTP listener.
    Case.fails(
        RULE_HTTPS,
        _http,
        listener_rule("api-over-http", _http, [{"type": "Forward", "targetGroupArn": API_TG_ARN}]),
        on=listener_rule("api-over-http", _http, [FORWARD_TO_API]),
    ),
    Case.fails(
        RULE_HTTPS,
        _http,
        listener_rule("alb-token", _http, [FORWARD_TO_API], type_=ALB_LISTENER_RULE),
        on=listener_rule("alb-token", _http, [FORWARD_TO_API], type_=ALB_LISTENER_RULE),
    ),
    Case.passes(RULE_HTTPS, _https, listener_rule("api-over-https", _https, [FORWARD_TO_API])),
    Case.passes(RULE_HTTPS, _http, listener_rule("legacy-redirect", _http, [redirect()])),
]
