"""RDP over TCP was closed after an audit, but the UDP rule added for "smoother sessions" stayed
open to the internet. ec2-sg-no-public-admin-ports must name the ingress rule."""

import pulumi_aws as aws

TAGS = {
    "Environment": "dev",
    "Project": "policy-tests",
    "Owner": "platform-team",
    "CostCenter": "cc-1",
    "DataClassification": "internal",
    "ManagedBy": "pulumi",
}

desktops = aws.ec2.SecurityGroup(
    "desktops", description="Windows build desktops", vpc_id="vpc-0123456789abcdef0", tags=TAGS
)
aws.vpc.SecurityGroupIngressRule(
    "desktops-rdp-udp",
    security_group_id=desktops.id,
    ip_protocol="udp",
    from_port=3389,
    to_port=3389,
    cidr_ipv4="0.0.0.0/0",
    description="RDP UDP transport",
    tags=TAGS,
)
