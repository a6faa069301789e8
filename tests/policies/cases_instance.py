"""Cases for aws.ec2.Instance: IMDSv2, public IP and EBS encryption (user data is in
cases_secrets)."""

from __future__ import annotations

from tests.policies.harness import UNKNOWN_OBJECT, Case, res

INSTANCE = "aws:ec2/instance:Instance"
KEY = "arn:aws:kms:us-east-1:123456789012:key/1111"

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


CASES = [
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
]
