"""A correct program written in forms the pack used to misjudge; none of the rules it exercises
may report it:
- listener protocols and action types in lower case (the provider upper-cases them), the HTTPS
  listener on AWS's recommended post-quantum TLS policy;
- the web tier's security group admitting the ICMP that Path MTU Discovery needs;
- an operations role trusting the stack's own account, pinned by aws:allowedAccountIds;
- environment variables whose names contain PASS/TOKEN/SECRET but whose values are harmless
  or references;
- a container adding only NET_BIND_SERVICE, a task-scoped volume, and a global-table replica
  with its own key and PITR."""

import json

import pulumi
import pulumi_aws as aws

TAGS = {
    "Environment": "dev",
    "Project": "policy-tests",
    "Owner": "platform-team",
    "CostCenter": "cc-1",
    "DataClassification": "internal",
    "ManagedBy": "pulumi",
}
SUBNETS = ["subnet-0a1b2c3d4e5f60718", "subnet-0f1e2d3c4b5a69788"]
VPC = "vpc-0123456789abcdef0"

account = aws.get_caller_identity().account_id

web = aws.ec2.SecurityGroup(
    "web",
    description="Public HTTPS entry point",
    vpc_id=VPC,
    ingress=[
        {"protocol": "tcp", "from_port": 443, "to_port": 443, "cidr_blocks": ["0.0.0.0/0"],
         "description": "HTTPS"},
        {"protocol": "icmp", "from_port": 3, "to_port": 4, "cidr_blocks": ["0.0.0.0/0"],
         "description": "Path MTU Discovery (fragmentation needed)"},
        {"protocol": "58", "from_port": 2, "to_port": 0, "ipv6_cidr_blocks": ["::/0"],
         "description": "Path MTU Discovery (ICMPv6 packet too big)"},
    ],
    tags=TAGS,
)  # fmt: skip
alb = aws.lb.LoadBalancer(
    "edge",
    load_balancer_type="application",
    subnets=SUBNETS,
    security_groups=[web.id],
    drop_invalid_header_fields=True,
    tags=TAGS,
)
api = aws.lb.TargetGroup(
    "api",
    port=8080,
    protocol="http",
    target_type="ip",
    vpc_id=VPC,
    health_check={"enabled": True, "path": "/health", "matcher": "200", "protocol": "http"},
    tags=TAGS,
)
aws.lb.Listener(
    "https",
    load_balancer_arn=alb.arn,
    port=443,
    protocol="https",
    ssl_policy="ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09",
    certificate_arn="arn:aws:acm:us-east-1:123456789012:certificate/5b0e1f7a-2c3d-4e5f-8a9b-0c1d2e3f4a5b",
    default_actions=[{"type": "forward", "target_group_arn": api.arn}],
    tags=TAGS,
)
http = aws.lb.Listener(
    "http",
    load_balancer_arn=alb.arn,
    port=80,
    protocol="http",
    default_actions=[
        {
            "type": "Redirect",
            "redirect": {"protocol": "HTTPS", "port": "443", "status_code": "HTTP_301"},
        }
    ],
    tags=TAGS,
)
aws.lb.ListenerRule(
    "http-maintenance",
    listener_arn=http.arn,
    priority=5,
    conditions=[{"path_pattern": {"values": ["/maintenance"]}}],
    actions=[
        {
            "type": "fixed-response",
            "fixed_response": {"content_type": "text/plain", "status_code": "503"},
        }
    ],
    tags=TAGS,
)

aws.iam.Role(
    "operations",
    assume_role_policy=json.dumps(
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
    ),
    tags=TAGS,
)

db_secret = aws.secretsmanager.Secret("manifest-db", tags=TAGS)
role = aws.iam.Role(
    "manifests",
    assume_role_policy=json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "lambda.amazonaws.com"},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
    ),
    tags=TAGS,
)
aws.lambda_.Function(
    "manifests",
    runtime="python3.12",
    handler="manifests.handler",
    role=role.arn,
    code=pulumi.AssetArchive({"manifests.py": pulumi.StringAsset("def handler(e, c): pass\n")}),
    environment={
        "variables": {
            "PASSENGER_COUNT_LIMIT": "180",
            "PASSENGER_MANIFEST_BUCKET": "manifests-dev",
            "TOKEN_ENDPOINT": "https://auth.example.com/oauth2/token",
            "PASSWORD_MIN_LENGTH": "14",
            "DB_SECRET_ARN": db_secret.arn,
            "BUILD_SHA": "9c1e4b7f2a6d8e3c5b0a9f8e7d6c5b4a3f2e1d0c",
        }
    },
    tags=TAGS,
)

aws.ecs.TaskDefinition(
    "proxy",
    family="proxy",
    network_mode="awsvpc",
    requires_compatibilities=["EC2"],
    cpu="256",
    memory="512",
    volumes=[{"name": "cache"}],
    container_definitions=json.dumps(
        [
            {
                "name": "proxy",
                "image": "public.ecr.aws/nginx/nginx:1.27",
                "essential": True,
                "user": "101",
                "readonlyRootFilesystem": True,
                "linuxParameters": {"capabilities": {"add": ["NET_BIND_SERVICE"], "drop": ["ALL"]}},
                "mountPoints": [{"sourceVolume": "cache", "containerPath": "/var/cache/nginx"}],
                "command": ["nginx", "-g", "daemon off;"],
            }
        ]
    ),
    tags=TAGS,
)

west_key = aws.kms.Key(
    "orders-west",
    description="orders replica (us-west-2)",
    enable_key_rotation=True,
    tags=TAGS,
)
aws.dynamodb.Table(
    "orders",
    billing_mode="PAY_PER_REQUEST",
    hash_key="order_id",
    attributes=[{"name": "order_id", "type": "S"}],
    stream_enabled=True,
    stream_view_type="NEW_AND_OLD_IMAGES",
    point_in_time_recovery={"enabled": True},
    server_side_encryption={"enabled": True, "kms_key_arn": west_key.arn},
    deletion_protection_enabled=True,
    replicas=[
        {"region_name": "us-west-2", "kms_key_arn": west_key.arn, "point_in_time_recovery": True}
    ],
    tags=TAGS,
)
