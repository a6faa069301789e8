"""ELBv2 rules: load balancers, listeners and target groups, under both the ``aws:lb`` and the
``aws:alb`` type tokens (pulumi_aws registers both)."""

from __future__ import annotations

import re
from collections.abc import Iterable
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
from ..lib.stack import Stack
from ..lib.values import Props, Unknown

LOAD_BALANCERS = ("aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer")
LISTENERS = ("aws:lb/listener:Listener", "aws:alb/listener:Listener")
LISTENER_RULES = ("aws:lb/listenerRule:ListenerRule", "aws:alb/listenerRule:ListenerRule")
LISTENER_CERTIFICATES = (
    "aws:lb/listenerCertificate:ListenerCertificate",
    "aws:alb/listenerCertificate:ListenerCertificate",
)
TARGET_GROUPS = ("aws:lb/targetGroup:TargetGroup", "aws:alb/targetGroup:TargetGroup")
WAF_ASSOCIATIONS = (
    "aws:wafv2/webAclAssociation:WebAclAssociation",
    "aws:wafregional/webAclAssociation:WebAclAssociation",
)

# TLS 1.2+ policies with forward secrecy only. AWS now recommends the hybrid post-quantum
# ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09 (ELB User Guide, "Security policies for your
# Application Load Balancer" and "... Network Load Balancer", policy table:
# https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html);
# the Ext* PQ variants add CBC ciphers and are left out, as their 2021-06 forms are.
DEFAULT_SSL_POLICIES = (
    "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-2-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-3-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-2-FIPS-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-3-FIPS-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-2-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
    "ELBSecurityPolicy-TLS13-1-3-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04",
    "ELBSecurityPolicy-FS-1-2-Res-2020-10",
    "ELBSecurityPolicy-FS-1-2-Res-2019-08",
)
_CLASSIC_ONLY = "Classic Load Balancer only; the platform uses ELBv2 (policy_anchors.md)."
EXCLUDED_ANCHORS = {
    "CKV2_AWS_76": "Log4j managed rule group inside the web ACL: the ACL's rules are an"
    " aws:wafv2/webAcl concern, not the load balancer's; elb-alb-waf-associated checks that an"
    " ACL is associated.",
    "AwsSolutions-ELB1": _CLASSIC_ONLY,
    "AwsSolutions-ELB3": _CLASSIC_ONLY,
    "AwsSolutions-ELB4": _CLASSIC_ONLY,
    "AwsSolutions-ELB5": _CLASSIC_ONLY,
}
_ACM_ARN = re.compile(r"^arn:aws[a-z-]*:acm:")
_ENCRYPTED_PROTOCOLS = ("HTTPS", "TLS")


def _protocol(props: Props, path: str = "protocol") -> str | Unknown | None:
    """A listener's or target group's protocol as AWS stores it. The provider accepts any case
    and upper-cases it (terraform-provider-aws internal/service/elbv2/listener.go and
    target_group.go: `StateFunc: strings.ToUpper`, `StringInSlice(..., true)`)."""
    value = props.string(path)
    return value.upper() if isinstance(value, str) else value


def _listener_protocol(props: Props) -> str | Unknown | None:
    """A listener's protocol. One with a port but no protocol is plain HTTP on an ALB (the
    provider sends HTTP when the load balancer is an ALB, listener.go resourceListenerCreate)
    and invalid on an NLB; only Gateway Load Balancer listeners have neither."""
    protocol = _protocol(props)
    port = props.get("port")
    if protocol is None and port is not None and not isinstance(port, Unknown):
        return "HTTP"
    return protocol


def _action_type(action: dict[str, Any]) -> str | None:
    """An action's type; the provider validates it case-insensitively (listener.go,
    `StringInSlice(ActionTypeEnum_Values(), true)`) and AWS stores it lower-case."""
    kind = action.get("type")
    return kind.lower() if isinstance(kind, str) else None


def _is_application(resource: Resource) -> bool | None:
    """True for an ALB (the default type), None while the type is unknown."""
    kind = resource.props.string("loadBalancerType")
    if isinstance(kind, Unknown):
        return None
    return kind in (None, "application")


@resource_rule(
    name="elb-access-logs-enabled",
    types=LOAD_BALANCERS,
    description="Load balancers write access logs to S3.",
    severity=Severity.MEDIUM,
    category=Category.SECURITY,
    rationale="Access logs are the record of who called what (AwsSolutions-ELB2, awsguard"
    " elb-logging-enabled, crp:aws-lb-loadbalancer-enable-access-logging, CKV_AWS_91, SH ELB.5).",
    fix="Set access_logs={'bucket': <log bucket>, 'enabled': True}.",
    unknown="Skips the load balancer while accessLogs is unknown.",
    anchors=(
        "AwsSolutions-ELB2",
        "awsguard:elb-logging-enabled",
        "crp:aws-lb-loadbalancer-enable-access-logging",
        "crp:aws-alb-loadbalancer-enable-access-logging",
        "crp:aws-lb-loadbalancer-configure-access-logging",
        "crp:aws-alb-loadbalancer-configure-access-logging",
        "CKV_AWS_91",
        "SH ELB.5",
    ),
)
def access_logs_enabled(resource: Resource, context: Context) -> Iterable[str]:
    enabled = resource.props.flag("accessLogs.enabled")
    bucket = resource.props.string("accessLogs.bucket")
    if isinstance(enabled, Unknown) or isinstance(bucket, Unknown):
        return
    if enabled is not True or not bucket:
        yield "access logs are not enabled"


@resource_rule(
    name="elb-deletion-protection",
    types=LOAD_BALANCERS,
    description="Load balancers have deletion protection (the dev config makes it advisory).",
    severity=Severity.MEDIUM,
    category=Category.RELIABILITY,
    rationale="Deleting the entry point takes the service down and changes its DNS name"
    " (pk:ELBDeletionProtectionEnabled, awsguard elb-deletion-protection-enabled, CKV_AWS_150,"
    " SH ELB.6).",
    fix="Set enable_deletion_protection=True.",
    unknown="Skips the load balancer while the flag is unknown.",
    anchors=(
        "pk:ELBDeletionProtectionEnabled",
        "awsguard:elb-deletion-protection-enabled",
        "CKV_AWS_150",
        "SH ELB.6",
    ),
)
def deletion_protection(resource: Resource, context: Context) -> Iterable[str]:
    flag = resource.props.flag("enableDeletionProtection")
    if not isinstance(flag, Unknown) and flag is not True:
        yield "deletion protection is off"


@resource_rule(
    name="elb-alb-drop-invalid-headers",
    types=LOAD_BALANCERS,
    description="Application load balancers drop invalid HTTP header fields.",
    severity=Severity.MEDIUM,
    category=Category.SECURITY,
    rationale="Invalid headers are a request-smuggling vector (pk:ALBHttpDropInvalidHeaderEnabled,"
    " CKV_AWS_131, SH ELB.4).",
    fix="Set drop_invalid_header_fields=True.",
    unknown="Skips the load balancer while its type or the flag is unknown.",
    anchors=("pk:ALBHttpDropInvalidHeaderEnabled", "CKV_AWS_131", "SH ELB.4"),
)
def drop_invalid_headers(resource: Resource, context: Context) -> Iterable[str]:
    flag = resource.props.flag("dropInvalidHeaderFields")
    if _is_application(resource) and not isinstance(flag, Unknown) and flag is not True:
        yield "invalid HTTP header fields are forwarded (dropInvalidHeaderFields is not true)"


@resource_rule(
    name="elb-alb-desync-mitigation",
    types=LOAD_BALANCERS,
    description="Application load balancers use desync mitigation mode defensive or strictest.",
    severity=Severity.MEDIUM,
    category=Category.SECURITY,
    rationale="Monitor mode lets HTTP desync (request smuggling) through (CKV_AWS_328, SH ELB.12).",
    fix='Remove desync_mitigation_mode (default "defensive") or set "strictest".',
    unknown="Skips the load balancer while its type or the mode is unknown.",
    anchors=("CKV_AWS_328", "SH ELB.12"),
)
def desync_mitigation(resource: Resource, context: Context) -> Iterable[str]:
    mode = resource.props.string("desyncMitigationMode")
    if (
        _is_application(resource)
        and not isinstance(mode, Unknown)
        and mode
        not in (
            None,
            "defensive",
            "strictest",
        )
    ):
        yield f"desync mitigation mode is {mode}"


@resource_rule(
    name="elb-multi-az",
    types=LOAD_BALANCERS,
    description="Load balancers span at least two subnets (Availability Zones).",
    severity=Severity.MEDIUM,
    category=Category.RELIABILITY,
    rationale="One subnet means one AZ: an AZ outage takes the service down (SH ELB.13).",
    fix="Pass subnets (or subnet_mappings) in at least two Availability Zones.",
    unknown="Skips the load balancer while its subnet lists are unknown.",
    anchors=("SH ELB.13",),
)
def multi_az(resource: Resource, context: Context) -> Iterable[str]:
    subnets = resource.props.array("subnets")
    mappings = resource.props.array("subnetMappings")
    if isinstance(subnets, Unknown) or isinstance(mappings, Unknown):
        return
    count = max(len(subnets), len(mappings))
    if count < 2:
        yield f"the load balancer spans {count} subnet(s); at least 2 are required"


def _redirects_to_https(action: object) -> bool:
    if not isinstance(action, dict) or _action_type(action) != "redirect":
        return False
    # The redirect's protocol is validated case-sensitively ("HTTP", "HTTPS", "#{protocol}").
    redirect = action.get("redirect")
    return isinstance(redirect, dict) and redirect.get("protocol") == "HTTPS"


@resource_rule(
    name="elb-listener-https-only",
    types=LISTENERS,
    description="Listeners use HTTPS/TLS; a plain HTTP listener only redirects to HTTPS.",
    severity=Severity.HIGH,
    category=Category.SECURITY,
    rationale="Plain HTTP exposes requests and session tokens on the network"
    " (pk:ALBHttpToHttpsRedirection, awsguard alb-http-to-https-redirection, CKV2_AWS_20,"
    " SH ELB.1; crp:aws-lb-listener-disallow-unencrypted-traffic, CKV_AWS_2, CKV_AWS_378,"
    " SH ELB.18).",
    fix='Use protocol="HTTPS" with a certificate, or make every default action of the HTTP'
    ' listener {"type": "redirect", "redirect": {"protocol": "HTTPS", "port": "443",'
    ' "status_code": "HTTP_301"}}.',
    unknown="Skips the listener while its protocol or default actions are unknown.",
    anchors=(
        "pk:ALBHttpToHttpsRedirection",
        "awsguard:alb-http-to-https-redirection",
        "CKV2_AWS_20",
        "SH ELB.1",
        "crp:aws-lb-listener-disallow-unencrypted-traffic",
        "crp:aws-alb-listener-disallow-unencrypted-traffic",
        "CKV_AWS_2",
        "CKV_AWS_378",
        "SH ELB.18",
    ),
)
def listener_https_only(resource: Resource, context: Context) -> Iterable[str]:
    protocol = _listener_protocol(resource.props)
    actions = resource.props.array("defaultActions")
    if isinstance(protocol, Unknown) or isinstance(actions, Unknown) or protocol != "HTTP":
        return
    if not actions or not all(_redirects_to_https(a) for a in actions):
        yield "the HTTP listener serves traffic instead of redirecting to HTTPS"


@stack_rule(
    name="elb-listener-rule-https-only",
    description="Listener rules of a plain-HTTP listener never forward traffic (they redirect"
    " to HTTPS or answer with a fixed response).",
    severity=Severity.HIGH,
    category=Category.SECURITY,
    rationale="A listener whose default action redirects to HTTPS still serves plain HTTP for"
    " every path a forwarding listener rule matches; elb-listener-https-only only sees the"
    " default actions (stack-gap; same intent as CKV2_AWS_20 and SH ELB.1).",
    fix="Attach the forwarding rule to the HTTPS listener, or make its action a redirect to HTTPS.",
    unknown="Skips a rule while its listener reference, the listener's protocol or the rule's"
    " actions are unknown.",
    anchors=("stack-gap",),
)
def listener_rule_https_only(stack: Stack, context: Context) -> Iterable[Finding]:
    for rule in stack.of_type(*LISTENER_RULES):
        actions = rule.props.array("actions")
        listeners = stack.referenced(rule, "listenerArn", *LISTENERS)
        if isinstance(actions, Unknown) or not isinstance(listeners, list):
            continue
        forwards = any(isinstance(a, dict) and _action_type(a) == "forward" for a in actions)
        for listener in listeners:
            if forwards and _listener_protocol(listener.props) == "HTTP":
                yield Finding.on(
                    rule,
                    f"listener rule {rule.name} forwards plain-HTTP traffic of listener"
                    f" {listener.name} instead of redirecting it to HTTPS",
                )


@resource_rule(
    name="elb-listener-tls-policy",
    types=LISTENERS,
    description="HTTPS/TLS listeners name a TLS 1.2+ forward-secrecy security policy from"
    " `allowedSslPolicies`.",
    severity=Severity.HIGH,
    category=Category.SECURITY,
    rationale="Older policies allow TLS 1.0/1.1 and weak ciphers; unset falls back to"
    " ELBSecurityPolicy-2016-08 (crp:aws-lb-listener-configure-secure-tls, CKV_AWS_103,"
    " CKV2_AWS_74, SH ELB.17).",
    fix='Set ssl_policy="ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09" (AWS\'s recommended policy).',
    unknown="Skips the listener while its protocol or sslPolicy is unknown.",
    anchors=(
        "crp:aws-lb-listener-configure-secure-tls",
        "crp:aws-alb-listener-configure-secure-tls",
        "CKV_AWS_103",
        "CKV2_AWS_74",
        "SH ELB.17",
    ),
    config_schema={"allowedSslPolicies": {"type": "array", "items": {"type": "string"}}},
    config_defaults={"allowedSslPolicies": list(DEFAULT_SSL_POLICIES)},
)
def listener_tls_policy(resource: Resource, context: Context) -> Iterable[str]:
    protocol = _protocol(resource.props)
    policy = resource.props.string("sslPolicy")
    if (
        isinstance(protocol, Unknown)
        or isinstance(policy, Unknown)
        or protocol not in _ENCRYPTED_PROTOCOLS
    ):
        return
    allowed = list(context.config.get("allowedSslPolicies") or DEFAULT_SSL_POLICIES)
    if policy not in allowed:
        shown = policy or "unset (ELBSecurityPolicy-2016-08)"
        yield f"TLS policy {shown} is not in allowedSslPolicies (e.g. {allowed[0]})"


@resource_rule(
    name="elb-listener-acm-certificate",
    types=(*LISTENERS, *LISTENER_CERTIFICATES),
    description="Listener certificates come from ACM (renewed automatically).",
    severity=Severity.MEDIUM,
    category=Category.RELIABILITY,
    rationale="IAM-uploaded certificates expire silently (pk:ELBv2ACMCertificateRequired).",
    fix="Issue the certificate with aws.acm.Certificate and pass its ARN.",
    unknown="Skips the listener while its protocol or certificate ARN is unknown.",
    anchors=("pk:ELBv2ACMCertificateRequired",),
)
def listener_acm_certificate(resource: Resource, context: Context) -> Iterable[str]:
    if resource.type in LISTENERS:
        protocol = _protocol(resource.props)
        if isinstance(protocol, Unknown) or protocol not in _ENCRYPTED_PROTOCOLS:
            return
    arn = resource.props.string("certificateArn")
    if isinstance(arn, Unknown):
        return
    if not arn:
        yield "the HTTPS/TLS listener has no certificate"
    elif not _ACM_ARN.match(arn):
        yield f"certificate {arn} is not an ACM certificate"


@resource_rule(
    name="elb-target-group-health-check",
    types=TARGET_GROUPS,
    description="Target groups define an enabled health check; HTTP(S) ones with a path and a"
    " matcher.",
    severity=Severity.MEDIUM,
    category=Category.RELIABILITY,
    rationale="The defaults probe `/` and accept only 200, which rarely tests the app's health"
    " (CKV_AWS_261; path/matcher is a stack-gap).",
    fix="Set health_check={'enabled': True, 'path': '/health', 'matcher': '200-299', ...}.",
    unknown="Skips the target group while its health check or protocol is unknown.",
    anchors=("CKV_AWS_261", "stack-gap"),
)
def target_group_health_check(resource: Resource, context: Context) -> Iterable[str]:
    target_type = resource.props.string("targetType")
    check = resource.props.mapping("healthCheck")
    if isinstance(target_type, Unknown) or isinstance(check, Unknown) or target_type == "lambda":
        return
    if not len(check) or check.flag("enabled") is False:
        yield "no health check is defined"
        return
    protocol = _protocol(check) or _protocol(resource.props)
    if isinstance(protocol, Unknown) or protocol not in (None, "HTTP", "HTTPS"):
        return
    missing = [key for key in ("path", "matcher") if check.has(key) is False]
    if missing:
        yield f"the HTTP health check has no {' or '.join(missing)}"


@stack_rule(
    name="elb-alb-waf-associated",
    description="Internet-facing application load balancers have a WAF web ACL associated.",
    severity=Severity.MEDIUM,
    category=Category.SECURITY,
    enforcement=Enforcement.ADVISORY,
    rationale="A web ACL blocks common exploits before they reach the app (pk:ALBWAFEnabled,"
    " CKV2_AWS_28, SH ELB.16); advisory because WAF is priced per ACL and request.",
    fix="Add aws.wafv2.WebAclAssociation(resource_arn=alb.arn, web_acl_arn=acl.arn).",
    unknown="A load balancer is reported only when no association refers to it and none has an"
    " unknown target.",
    anchors=("pk:ALBWAFEnabled", "CKV2_AWS_28", "SH ELB.16"),
)
def alb_waf_associated(stack: Stack, context: Context) -> Iterable[Finding]:
    protected: set[str] = set()
    for association in stack.of_type(*WAF_ASSOCIATIONS):
        targets = stack.referenced(association, "resourceArn", *LOAD_BALANCERS)
        if not isinstance(targets, list):
            return  # an unknown target may be any of the load balancers
        protected.update(t.urn for t in targets)
    for lb in stack.of_type(*LOAD_BALANCERS):
        kind = lb.props.string("loadBalancerType")
        internal = lb.props.flag("internal")
        if (
            isinstance(kind, Unknown)
            or isinstance(internal, Unknown)
            or kind not in (None, "application")
        ):
            continue
        if internal is not True and lb.urn not in protected:
            yield Finding.on(lb, f"internet-facing ALB {lb.name} has no WAF web ACL associated")


RULES = [
    access_logs_enabled,
    deletion_protection,
    drop_invalid_headers,
    desync_mitigation,
    multi_az,
    listener_https_only,
    listener_rule_https_only,
    listener_tls_policy,
    listener_acm_certificate,
    target_group_health_check,
    alb_waf_associated,
]
