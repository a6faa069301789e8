"""GoldenAmiAsg under the SDK mocks: launch template, IAM, group, scaling, alarms, errors."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace
from typing import Any

import pulumi_aws as aws
import pytest

from components.compute.golden_ami_asg import GoldenAmiAsg, GoldenAmiAsgArgs, IngressFrom
from components.core.account import autoscaling_service_linked_role
from components.core.context import PlatformContext
from components.core.errors import ComponentArgumentsError
from components.core.iam import Statement
from tests.unit.components.managed_policies import managed_policy
from tools.preview import invokes
from tools.preview.identifiers import ec2_id
from tools.preview.program import ProgramRun, run_in_mocks

ACCOUNT = "123456789012"
PARAMETER = "/golden-ami/al2023-arm64/latest"
TARGET_GROUP = f"arn:aws:elasticloadbalancing:us-east-1:{ACCOUNT}:targetgroup/api/0123456789abcdef"
BASE = GoldenAmiAsgArgs(
    vpc_id="vpc-0abc",
    subnet_ids=["subnet-a", "subnet-b", "subnet-c"],
    ami_parameter_name=PARAMETER,
)
GROUP = "aws:autoscaling/group:Group"
SESSION_MANAGER = [
    {
        "Sid": "RegisterWithSessionManager",
        "Effect": "Allow",
        "Action": ["ssm:UpdateInstanceInformation"],
        "Resource": [f"arn:aws:ec2:us-east-1:{ACCOUNT}:instance/*"],
    },
    {
        "Sid": "SessionManagerChannels",
        "Effect": "Allow",
        "Action": [
            "ec2messages:AcknowledgeMessage",
            "ec2messages:DeleteMessage",
            "ec2messages:FailMessage",
            "ec2messages:GetEndpoint",
            "ec2messages:GetMessages",
            "ec2messages:SendReply",
            "ssmmessages:CreateControlChannel",
            "ssmmessages:CreateDataChannel",
            "ssmmessages:OpenControlChannel",
            "ssmmessages:OpenDataChannel",
        ],
        "Resource": ["*"],
    },
]


def _run(tier: str = "dev", **changes: Any) -> ProgramRun:
    args = replace(BASE, **changes)

    def program() -> None:
        GoldenAmiAsg("workers", PlatformContext.for_tests(tier), args)

    return run_in_mocks(program, stack=tier)


def test_graph_types_counts_and_parents() -> None:
    run = _run()
    counts = Counter(r.type for r in run.resources if r.type != "pulumi:pulumi:Stack")
    assert counts == {
        "platform:compute:GoldenAmiAsg": 1,
        "platform:security:CustomerManagedKey": 1,
        "aws:kms/key:Key": 1,
        "aws:kms/alias:Alias": 1,
        "aws:iam/role:Role": 1,
        "aws:iam/policy:Policy": 1,
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment": 1,
        "aws:iam/instanceProfile:InstanceProfile": 1,
        "aws:ec2/securityGroup:SecurityGroup": 1,
        "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": 1,
        "aws:ec2/launchTemplate:LaunchTemplate": 1,
        GROUP: 1,
        "aws:autoscaling/policy:Policy": 1,
        "aws:cloudwatch/metricAlarm:MetricAlarm": 3,
    }
    component = run.of_type("platform:compute:GoldenAmiAsg")[0].urn
    for resource in run.resources:
        if resource.type.startswith("aws:") and not resource.type.startswith("aws:kms/"):
            assert resource.parent == component, resource.name


def test_launch_template_metadata_options_and_block_devices() -> None:
    run = _run()
    template = run.named("workers-lt").inputs
    key = run.of_type("aws:kms/key:Key")[0]
    assert template["metadataOptions"] == {
        "httpEndpoint": "enabled",
        "httpTokens": "required",
        "httpPutResponseHopLimit": 1,
        "instanceMetadataTags": "disabled",
    }
    assert template["blockDeviceMappings"] == [
        {
            "deviceName": "/dev/xvda",
            "ebs": {
                "volumeType": "gp3",
                "volumeSize": 30,
                "encrypted": "true",
                "kmsKeyId": key.outputs["arn"],
                "deleteOnTermination": "true",
            },
        }
    ]
    group = run.named("workers-sg")
    assert template["networkInterfaces"] == [
        {
            "deviceIndex": 0,
            "associatePublicIpAddress": "false",
            "deleteOnTermination": "true",
            "securityGroups": [ec2_id("sg", group.type, group.name)],
        }
    ]
    assert template["monitoring"] == {"enabled": True}
    assert "keyName" not in template
    assert template["iamInstanceProfile"] == {
        "arn": run.named("workers-instance-profile").outputs["arn"]
    }
    assert {spec["resourceType"] for spec in template["tagSpecifications"]} == {
        "instance",
        "volume",
        "network-interface",
    }
    # The key policy admits Auto Scaling's service-linked role for EBS.
    assert "AllowAutoScalingToUseKeyForEbs" in key.inputs["policy"]


def test_ami_from_the_pipeline_parameter_or_pinned() -> None:
    from_parameter = _run().named("workers-lt").inputs["imageId"]
    assert from_parameter == ec2_id("ami", PARAMETER)
    pinned = _run(pinned_ami_id="ami-0123456789abcdef0").named("workers-lt").inputs["imageId"]
    assert pinned == "ami-0123456789abcdef0"


def test_containers_on_host_raise_the_hop_limit_to_two() -> None:
    template = _run(containers_on_host=True).named("workers-lt").inputs
    assert template["metadataOptions"]["httpPutResponseHopLimit"] == 2


def test_instance_role_statements_exactly() -> None:
    table = f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/orders"
    run = _run(statements=[Statement(actions=["dynamodb:GetItem"], resources=[table])])
    policy, attachment = managed_policy(
        run,
        "workers-instance-policy",
        role="workers-instance-role",
        policy_name="aws-platform-dev-workers-0e883c3b-instance",
        description="Instances of aws-platform-dev-workers: Session Manager and what the"
        " workload declares",
        tags=PlatformContext.for_tests("dev").tags,
    )
    # Instances register with Session Manager at boot: the group waits for the permissions.
    assert attachment.urn in run.named("workers-asg").dependencies
    assert policy["Statement"] == [
        *SESSION_MANAGER,
        {"Effect": "Allow", "Action": ["dynamodb:GetItem"], "Resource": [table]},
    ]
    trust = json.loads(run.named("workers-instance-role").inputs["assumeRolePolicy"])
    assert trust["Statement"] == [
        {
            "Effect": "Allow",
            "Principal": {"Service": "ec2.amazonaws.com"},
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}},
        }
    ]
    assert "managedPolicyArns" not in run.named("workers-instance-role").inputs


def test_security_group_has_no_ssh_and_only_listed_sources() -> None:
    run = _run(ingress=[IngressFrom(security_group_id="sg-alb", port=8080, description="ALB")])
    group = run.named("workers-sg")
    group_id = ec2_id("sg", group.type, group.name)
    ingress = [
        {k: v for k, v in r.inputs.items() if k != "tags"}
        for r in run.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
    ]
    assert ingress == [
        {
            "securityGroupId": group_id,
            "description": "ALB",
            "ipProtocol": "tcp",
            "fromPort": 8080,
            "toPort": 8080,
            "referencedSecurityGroupId": "sg-alb",
        }
    ]
    egress = run.named("workers-out-https").inputs
    assert (egress["fromPort"], egress["toPort"], egress["cidrIpv4"]) == (443, 443, "0.0.0.0/0")


def test_group_in_prod_on_demand_refresh_metrics_and_tags() -> None:
    run = _run("prod", target_group_arns=[TARGET_GROUP])
    group = run.named("workers-asg").inputs
    template = run.named("workers-lt")
    assert (group["minSize"], group["maxSize"], group["desiredCapacity"]) == (3, 9, 3)
    assert group["vpcZoneIdentifiers"] == ["subnet-a", "subnet-b", "subnet-c"]
    assert group["launchTemplate"] == {
        "id": ec2_id("lt", template.type, template.name),
        "version": "1",
    }
    assert "mixedInstancesPolicy" not in group
    assert group["healthCheckType"] == "ELB"
    assert group["healthCheckGracePeriod"] == 300
    assert group["targetGroupArns"] == [TARGET_GROUP]
    assert group["defaultCooldown"] == 300
    assert group["capacityRebalance"] is True
    assert "GroupInServiceInstances" in group["enabledMetrics"]
    assert group["instanceRefresh"] == {
        "strategy": "Rolling",
        "preferences": {"minHealthyPercentage": 90, "instanceWarmup": "300"},
    }
    tags = {t["key"]: t for t in group["tags"]}
    assert set(tags) >= {
        "Environment",
        "Project",
        "Owner",
        "CostCenter",
        "DataClassification",
        "ManagedBy",
    }
    assert all(t["propagateAtLaunch"] is True for t in tags.values())
    assert tags["Environment"]["value"] == "prod"


def test_dev_runs_spot_through_a_mixed_instances_policy() -> None:
    group = _run("dev", instance_types=["m7g.large", "m6g.large"]).named("workers-asg").inputs
    assert "launchTemplate" not in group
    policy = group["mixedInstancesPolicy"]
    assert policy["instancesDistribution"] == {
        "onDemandBaseCapacity": 0,
        "onDemandPercentageAboveBaseCapacity": 0,
        "spotAllocationStrategy": "price-capacity-optimized",
    }
    assert policy["launchTemplate"]["overrides"] == [
        {"instanceType": "m7g.large"},
        {"instanceType": "m6g.large"},
    ]
    assert group["healthCheckType"] == "EC2"


def test_cpu_target_tracking_and_alarms() -> None:
    run = _run()
    policy = run.named("workers-scale-on-cpu").inputs
    assert policy["policyType"] == "TargetTrackingScaling"
    assert policy["targetTrackingConfiguration"] == {
        "targetValue": 60,
        "predefinedMetricSpecification": {"predefinedMetricType": "ASGAverageCPUUtilization"},
    }
    alarms = {r.name: r.inputs for r in run.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")}
    for suffix in ("cpu-high", "status-check-failed", "in-service-below-minimum"):
        assert alarms[f"workers-{suffix}"]["alarmDescription"].endswith(
            f"docs/runbooks/asg.md#{suffix}"
        )
    in_service = alarms["workers-in-service-below-minimum"]
    assert in_service["metricName"] == "GroupInServiceInstances"
    assert in_service["namespace"] == "AWS/AutoScaling"
    assert (in_service["threshold"], in_service["comparisonOperator"]) == (2, "LessThanThreshold")


def test_every_problem_is_reported_at_once_naming_its_field() -> None:
    args = replace(
        BASE,
        subnet_ids=["subnet-a", "subnet-b"],
        ami_parameter_name=None,
        instance_types=["huge"],
        root_volume_size_gb=4,
        user_data="#!/bin/sh\nexport DB_PASSWORD=hunter22\n",
        ingress=[IngressFrom(security_group_id="sg-1", port=22, description="ssh")],
        min_size=3,
        max_size=2,
        statements=[Statement(actions=["s3:*"], resources=["*"])],
        notification_topic_arn="arn:aws:sqs:us-east-1:123456789012:alarms",
    )
    with pytest.raises(ComponentArgumentsError) as raised:
        run_in_mocks(lambda: GoldenAmiAsg("workers", PlatformContext.for_tests("prod"), args))
    fields = [problem.split(":")[0] for problem in raised.value.problems]
    assert fields == [
        "ami_parameter_name",
        "instance_types[0]",
        "root_volume_size_gb",
        "user_data",
        "subnet_ids",
        "ingress[0].port",
        "notification_topic_arn",
        "max_size",
        "desired_capacity",
        "statements",
    ]


def test_a_single_subnet_is_refused_in_dev_too() -> None:
    args = replace(BASE, subnet_ids=["subnet-a"])
    with pytest.raises(ComponentArgumentsError, match="subnet_ids: the dev tier needs at least 2"):
        run_in_mocks(lambda: GoldenAmiAsg("workers", PlatformContext.for_tests(), args))


TOPIC_ARN = f"arn:aws:sns:us-east-1:{ACCOUNT}:aws-platform-dev-alarms-p3"


def test_group_notifies_the_topic_of_launches_terminations_and_their_errors() -> None:
    run = _run(notification_topic_arn=TOPIC_ARN)
    (notification,) = run.of_type("aws:autoscaling/notification:Notification")
    assert notification.name == "workers-notifications"
    assert notification.parent == run.of_type("platform:compute:GoldenAmiAsg")[0].urn
    assert notification.inputs == {
        "groupNames": ["aws-platform-dev-workers-ee8feeab"],
        "notifications": [
            "autoscaling:EC2_INSTANCE_LAUNCH",
            "autoscaling:EC2_INSTANCE_LAUNCH_ERROR",
            "autoscaling:EC2_INSTANCE_TERMINATE",
            "autoscaling:EC2_INSTANCE_TERMINATE_ERROR",
        ],
        "topicArn": TOPIC_ARN,
    }
    assert run.named("workers-asg").urn in notification.dependencies


def test_no_notification_without_a_topic() -> None:
    assert _run().of_type("aws:autoscaling/notification:Notification") == []


def test_a_topic_arn_known_only_at_deploy_time_is_accepted() -> None:
    def program() -> None:
        topic = aws.sns.Topic("alarms")
        GoldenAmiAsg(
            "workers",
            PlatformContext.for_tests("dev"),
            replace(BASE, notification_topic_arn=topic.arn),
        )

    run = run_in_mocks(program)
    (notification,) = run.of_type("aws:autoscaling/notification:Notification")
    assert notification.inputs["topicArn"] == run.named("alarms").outputs["arn"]


@pytest.mark.parametrize(
    "arn",
    [
        "arn:aws:sns:us-east-1:12345:alarms",
        "alarms",
        f"arn:aws:sns:us-east-1:{ACCOUNT}:alarms.fifo",
    ],
)
def test_a_malformed_topic_arn_is_refused(arn: str) -> None:
    args = replace(BASE, notification_topic_arn=arn)
    with pytest.raises(ComponentArgumentsError, match=r"notification_topic_arn: .* standard SNS"):
        run_in_mocks(lambda: GoldenAmiAsg("workers", PlatformContext.for_tests(), args))


def test_the_root_volume_mapping_names_the_amis_own_root_device(monkeypatch) -> None:
    """An Ubuntu/RHEL AMI boots from /dev/sda1: mapping /dev/xvda would add a second volume
    and leave the real root off gp3 and off the key."""
    amazon_linux = invokes.ANSWERS["aws:ec2/getAmi:getAmi"]
    asked: list[Any] = []

    def ubuntu(args, context):
        asked.append(args.get("filters"))
        return {**amazon_linux(args, context), "rootDeviceName": "/dev/sda1"}

    monkeypatch.setitem(invokes.ANSWERS, "aws:ec2/getAmi:getAmi", ubuntu)
    run = _run(pinned_ami_id="ami-0123456789abcdef0")
    mappings = run.named("workers-lt").inputs["blockDeviceMappings"]
    assert [m["deviceName"] for m in mappings] == ["/dev/sda1"]
    assert asked == [[{"name": "image-id", "values": ["ami-0123456789abcdef0"]}]]


def test_the_ebs_key_waits_for_the_autoscaling_service_linked_role() -> None:
    """KMS refuses a key policy naming a role that does not exist yet."""

    def program() -> None:
        context = PlatformContext.for_tests("dev")
        role = autoscaling_service_linked_role(context)
        GoldenAmiAsg("workers", context.with_autoscaling_role(role), BASE)

    run = run_in_mocks(program)
    (role,) = run.of_type("aws:iam/serviceLinkedRole:ServiceLinkedRole")
    assert role.inputs["awsServiceName"] == "autoscaling.amazonaws.com"
    (key,) = run.of_type("aws:kms/key:Key")
    assert role.urn in key.dependencies
    assert "AWSServiceRoleForAutoScaling" in key.inputs["policy"]
