"""Cases for policies/rules/asg.py: the Auto Scaling group rules."""

from __future__ import annotations

from tests.policies.harness import UNKNOWN_STRING, Case, res

GROUP = "aws:autoscaling/group:Group"
NOTIFICATION = "aws:autoscaling/notification:Notification"
ATTACHMENT = "aws:autoscaling/attachment:Attachment"
TG_ARN = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/app/1"
TOPIC_ARN = "arn:aws:sns:us-east-1:123456789012:asg-events"
EVENTS = [
    "autoscaling:EC2_INSTANCE_LAUNCH",
    "autoscaling:EC2_INSTANCE_LAUNCH_ERROR",
    "autoscaling:EC2_INSTANCE_TERMINATE",
    "autoscaling:EC2_INSTANCE_TERMINATE_ERROR",
]
MIXED = {
    "launchTemplate": {
        "launchTemplateSpecification": {"launchTemplateId": "lt-1", "version": "$Latest"},
        "overrides": [{"instanceType": "m6i.large"}, {"instanceType": "m7i.large"}],
    }
}
GOOD = {
    "minSize": 2,
    "maxSize": 6,
    "vpcZoneIdentifiers": ["subnet-a", "subnet-b"],
    "mixedInstancesPolicy": MIXED,
    "defaultCooldown": 120,
    "healthCheckType": "ELB",
    "healthCheckGracePeriod": 180,
    "targetGroupArns": [TG_ARN],
    "tags": [{"key": "Owner", "value": "platform", "propagateAtLaunch": True}],
}


def group(name: str, **changes: object) -> object:
    props = {**GOOD, **changes}
    return res(GROUP, name, {k: v for k, v in props.items() if v is not None})


_health = "asg-elb-health-check"
_notify = "asg-notifications"
_ec2_checked = group("ec2-checked", healthCheckType="EC2", targetGroupArns=None)
_attach = res(
    ATTACHMENT,
    "tg-attach",
    {"autoscalingGroupName": "ec2-checked", "lbTargetGroupArn": TG_ARN},
    deps={"autoscalingGroupName": [_ec2_checked]},
)
_notified = group("notified")
_notification = res(
    NOTIFICATION,
    "events",
    {"groupNames": ["notified"], "topicArn": TOPIC_ARN, "notifications": EVENTS},
    deps={"groupNames": [_notified]},
)
_partial = res(
    NOTIFICATION,
    "errors-only",
    {"groupNames": ["notified"], "topicArn": TOPIC_ARN, "notifications": EVENTS[1::2]},
    deps={"groupNames": [_notified]},
)


CASES = [
    Case.passes("asg-launch-template", group("mixed")),
    Case.passes(
        "asg-launch-template",
        group(
            "template",
            mixedInstancesPolicy=None,
            launchTemplate={"id": "lt-1", "version": "$Latest"},
        ),
    ),
    Case.fails(
        "asg-launch-template",
        group("launch-config", mixedInstancesPolicy=None, launchConfiguration="lc-legacy"),
    ),
    Case.passes(_health, group("elb-checked")),
    Case.passes(_health, group("no-lb", healthCheckType="EC2", targetGroupArns=None)),
    Case.fails(_health, group("inline-tg-ec2", healthCheckType="EC2")),
    Case.fails(_health, group("no-grace", healthCheckGracePeriod=0)),
    Case.fails(_health, _ec2_checked, _attach, on=_ec2_checked, label="attachment-resource"),
    Case.passes("asg-cooldown", group("cooldown")),
    Case.fails("asg-cooldown", group("no-cooldown", defaultCooldown=None)),
    Case.passes(_notify, _notified, _notification),
    Case.fails(_notify, group("silent")),
    Case.fails(_notify, _notified, _partial, on=_notified, label="errors-only"),
    Case.passes("asg-multi-az", group("two-subnets")),
    Case.passes("asg-multi-az", group("subnets-unknown", vpcZoneIdentifiers=UNKNOWN_STRING)),
    Case.fails("asg-multi-az", group("one-subnet", vpcZoneIdentifiers=["subnet-a"])),
    Case.passes("asg-multiple-instance-types", group("two-types")),
    Case.fails(
        "asg-multiple-instance-types",
        group("one-type", mixedInstancesPolicy=None, launchTemplate={"id": "lt-1"}),
    ),
    Case.passes("asg-propagate-tags", group("propagated")),
    Case.fails("asg-propagate-tags", group("untagged", tags=None)),
    Case.fails(
        "asg-propagate-tags",
        group(
            "not-propagated",
            tags=[{"key": "Owner", "value": "platform", "propagateAtLaunch": False}],
        ),
    ),
]
