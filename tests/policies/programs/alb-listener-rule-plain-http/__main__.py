"""The HTTP listener redirects to HTTPS, as reviews expect, but a listener rule added later for
a partner's old client forwards /api/* to the service over plain HTTP.
elb-listener-rule-https-only must name the listener rule."""

import pulumi_aws as aws

TAGS = {
    "Environment": "dev",
    "Project": "policy-tests",
    "Owner": "platform-team",
    "CostCenter": "cc-1",
    "DataClassification": "internal",
    "ManagedBy": "pulumi",
}

alb = aws.lb.LoadBalancer(
    "edge",
    load_balancer_type="application",
    subnets=["subnet-0a1b2c3d4e5f60718", "subnet-0f1e2d3c4b5a69788"],
    drop_invalid_header_fields=True,
    tags=TAGS,
)
api = aws.lb.TargetGroup(
    "api",
    port=8080,
    protocol="HTTP",
    target_type="ip",
    vpc_id="vpc-0123456789abcdef0",
    health_check={"enabled": True, "path": "/health", "matcher": "200"},
    tags=TAGS,
)
http = aws.lb.Listener(
    "http",
    load_balancer_arn=alb.arn,
    port=80,
    protocol="HTTP",
    default_actions=[
        {
            "type": "redirect",
            "redirect": {"protocol": "HTTPS", "port": "443", "status_code": "HTTP_301"},
        }
    ],
    tags=TAGS,
)
aws.lb.ListenerRule(
    "legacy-api",
    listener_arn=http.arn,
    priority=10,
    conditions=[{"path_pattern": {"values": ["/api/*"]}}],
    actions=[{"type": "forward", "target_group_arn": api.arn}],
    tags=TAGS,
)
