"""What ``GoldenAmiAsg``'s instances launch from: their security group (no SSH, HTTPS out),
the AMI's root device and the hardened launch template."""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence

import pulumi
import pulumi_aws as aws

from components.compute.golden_ami_args import GoldenAmiAsgArgs, IngressFrom

__all__ = ["hardened_launch_template", "instance_security_group", "root_device_name"]


def instance_security_group(
    name: str,
    *,
    group_name: str,
    description: str,
    vpc_id: pulumi.Input[str],
    ingress: Sequence[IngressFrom],
    tags: Mapping[str, str],
    parent: pulumi.Resource,
) -> aws.ec2.SecurityGroup:
    """Security group ``<name>-sg``: TCP in from each ``ingress`` group on its port only, and
    TCP 443 out to 0.0.0.0/0 (Session Manager and AWS APIs via NAT or VPC endpoints)."""
    child = pulumi.ResourceOptions(parent=parent)
    security_group = aws.ec2.SecurityGroup(
        f"{name}-sg",
        name=group_name,
        description=description,
        vpc_id=vpc_id,
        tags=dict(tags),
        opts=child,
    )
    for index, rule in enumerate(ingress):
        aws.vpc.SecurityGroupIngressRule(
            f"{name}-in-{index}",
            security_group_id=security_group.id,
            description=rule.description,
            ip_protocol="tcp",
            from_port=rule.port,
            to_port=rule.port,
            referenced_security_group_id=rule.security_group_id,
            tags=dict(tags),
            opts=child,
        )
    aws.vpc.SecurityGroupEgressRule(
        f"{name}-out-https",
        security_group_id=security_group.id,
        description="HTTPS to Session Manager and AWS APIs via NAT or VPC endpoints",
        ip_protocol="tcp",
        from_port=443,
        to_port=443,
        cidr_ipv4="0.0.0.0/0",
        tags=dict(tags),
        opts=child,
    )
    return security_group


def root_device_name(image_id: pulumi.Input[str], parent: pulumi.Resource) -> pulumi.Output[str]:
    """The AMI's own root device name (``/dev/xvda`` on Amazon Linux, ``/dev/sda1`` on
    Ubuntu/RHEL). The root volume mapping must name it: any other name adds a second volume and
    leaves the real root off gp3 and off the key:
    https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/block-device-mapping-concepts.html
    """
    return pulumi.Output.from_input(image_id).apply(
        lambda ami: (
            aws.ec2.get_ami_output(
                filters=[aws.ec2.GetAmiFilterArgs(name="image-id", values=[ami])],
                opts=pulumi.InvokeOutputOptions(parent=parent),
            ).root_device_name
        )
    )


def hardened_launch_template(
    name: str,
    args: GoldenAmiAsgArgs,
    *,
    template_name: str,
    description: str,
    image_id: pulumi.Input[str],
    root_device: pulumi.Input[str],
    instance_profile_arn: pulumi.Input[str],
    security_group_id: pulumi.Input[str],
    key_arn: pulumi.Input[str],
    tags: Mapping[str, str],
    parent: pulumi.Resource,
) -> aws.ec2.LaunchTemplate:
    """Launch template ``<name>-lt``: IMDSv2 only (hop limit 1, or 2 with
    ``containers_on_host``), detailed monitoring, no public IP, no key pair, a gp3 root volume
    encrypted with ``key_arn``, and every tag on the instances, volumes and interfaces."""
    user_data = (
        base64.b64encode(args.user_data.encode("utf-8")).decode("ascii")
        if args.user_data is not None
        else None
    )
    return aws.ec2.LaunchTemplate(
        f"{name}-lt",
        name=template_name,
        description=description,
        image_id=image_id,
        instance_type=args.instance_types[0],
        update_default_version=True,
        ebs_optimized="true",
        user_data=user_data,
        iam_instance_profile=aws.ec2.LaunchTemplateIamInstanceProfileArgs(arn=instance_profile_arn),
        metadata_options=aws.ec2.LaunchTemplateMetadataOptionsArgs(
            http_endpoint="enabled",
            http_tokens="required",
            http_put_response_hop_limit=2 if args.containers_on_host else 1,
            instance_metadata_tags="disabled",
        ),
        monitoring=aws.ec2.LaunchTemplateMonitoringArgs(enabled=True),
        network_interfaces=[
            aws.ec2.LaunchTemplateNetworkInterfaceArgs(
                device_index=0,
                associate_public_ip_address="false",
                delete_on_termination="true",
                security_groups=[security_group_id],
            )
        ],
        block_device_mappings=[
            aws.ec2.LaunchTemplateBlockDeviceMappingArgs(
                device_name=root_device,
                ebs=aws.ec2.LaunchTemplateBlockDeviceMappingEbsArgs(
                    volume_type="gp3",
                    volume_size=args.root_volume_size_gb,
                    encrypted="true",
                    kms_key_id=key_arn,
                    delete_on_termination="true",
                ),
            )
        ],
        tag_specifications=[
            aws.ec2.LaunchTemplateTagSpecificationArgs(resource_type=kind, tags=dict(tags))
            for kind in ("instance", "volume", "network-interface")
        ],
        tags=dict(tags),
        opts=pulumi.ResourceOptions(parent=parent),
    )
