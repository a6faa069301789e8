"""The mock cloud: realistic resource outputs and invoke answers for programs under mocks."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pulumi

from tools.preview.identifiers import (
    ACCOUNT_ID,
    DNS_SUFFIX,
    PARTITION,
    UNKNOWN,
    ec2_id,
    fake_uuid,
    short_hex,
)
from tools.preview.invokes import InvokeContext, UnknownInvokeError, answer_invoke

__all__ = ["UNKNOWN", "MockCloud", "NewResource", "UnknownInvokeError", "physical_name"]


@dataclass(frozen=True, kw_only=True)
class NewResource:
    """A resource the mock cloud is asked to create."""

    type: str
    name: str
    inputs: Mapping[str, Any]
    region: str

    @property
    def physical(self) -> str:
        """The name the resource gets in AWS."""
        return physical_name(self.type, self.name, self.inputs)

    @property
    def module(self) -> str:
        """`sqs` for `aws:sqs/queue:Queue`."""
        return self.type.split(":")[1].split("/")[0]

    def arn(self, service: str, resource: str, *, region: bool = True) -> str:
        where = self.region if region else ""
        return f"arn:{PARTITION}:{service}:{where}:{ACCOUNT_ID}:{resource}"


Outputs = tuple[str, dict[str, Any]]
Builder = Callable[[NewResource], Outputs]


def physical_name(type_token: str, logical: str, inputs: Mapping[str, Any]) -> str:
    """`inputs["name"]` when given, else `<namePrefix|logical>-<7 hex>` like Pulumi auto-naming."""
    given = inputs.get("name")
    if isinstance(given, str) and given:
        return given
    prefix = inputs.get("namePrefix")
    base = prefix if isinstance(prefix, str) and prefix else f"{logical}-"
    name = f"{base}{short_hex(type_token, logical)}"
    if inputs.get("fifoQueue") or inputs.get("fifoTopic"):
        name += ".fifo"
    return name


def _kebab(camel: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "-", camel).lower()


_SERVICE_OF_MODULE = {
    "alb": "elasticloadbalancing",
    "lb": "elasticloadbalancing",
    "sfn": "states",
    "cognito": "cognito-idp",
    "cloudwatch": "cloudwatch",
    "appautoscaling": "application-autoscaling",
    "route53": "route53",
}


def _generic(r: NewResource) -> Outputs:
    name = r.physical
    service = _SERVICE_OF_MODULE.get(r.module, r.module)
    kind = _kebab(r.type.rsplit(":", 1)[1])
    return name, {"arn": r.arn(service, f"{kind}/{name}")}


def _queue(r: NewResource) -> Outputs:
    name = r.physical
    url = f"https://sqs.{r.region}.{DNS_SUFFIX}/{ACCOUNT_ID}/{name}"
    return url, {"name": name, "arn": r.arn("sqs", name), "url": url}


def _topic(r: NewResource) -> Outputs:
    arn = r.arn("sns", r.physical)
    return arn, {"name": r.physical, "arn": arn, "owner": ACCOUNT_ID}


def _topic_subscription(r: NewResource) -> Outputs:
    arn = f"{r.inputs.get('topic', r.arn('sns', 'topic'))}:{fake_uuid(r.type, r.name)}"
    return arn, {"arn": arn, "ownerId": ACCOUNT_ID}


def _function(r: NewResource) -> Outputs:
    name = r.physical
    arn = r.arn("lambda", f"function:{name}")
    version = "1" if r.inputs.get("publish") else "$LATEST"
    invoke = (
        f"arn:{PARTITION}:apigateway:{r.region}:lambda:path/2015-03-31/functions/{arn}/invocations"
    )
    return name, {
        "name": name,
        "arn": arn,
        "invokeArn": invoke,
        "qualifiedArn": f"{arn}:{version}",
        "qualifiedInvokeArn": invoke.replace(arn, f"{arn}:{version}"),
        "version": version,
        "lastModified": "2026-11-01T00:00:00.000+0000",
        "sourceCodeHash": short_hex(r.type, r.name, length=44),
    }


def _function_alias(r: NewResource) -> Outputs:
    function = str(r.inputs.get("functionName", "function"))
    base = function if function.startswith("arn:") else r.arn("lambda", f"function:{function}")
    arn = f"{base}:{r.physical}"
    return arn, {"name": r.physical, "arn": arn, "invokeArn": arn}


def _event_source_mapping(r: NewResource) -> Outputs:
    uuid = fake_uuid(r.type, r.name)
    function = str(r.inputs.get("functionName", ""))
    return uuid, {
        "uuid": uuid,
        "arn": r.arn("lambda", f"event-source-mapping:{uuid}"),
        "functionArn": function
        if function.startswith("arn:")
        else r.arn("lambda", f"function:{function}"),
        "state": "Enabled",
    }


def _iam_unique_id(prefix: str, r: NewResource) -> str:
    return prefix + short_hex(r.type, r.name, length=17).upper()


def _role(r: NewResource) -> Outputs:
    path = r.inputs.get("path") or "/"
    return r.physical, {
        "name": r.physical,
        "arn": f"arn:{PARTITION}:iam::{ACCOUNT_ID}:role{path}{r.physical}",
        "uniqueId": _iam_unique_id("AROA", r),
        "createDate": "2026-11-01T00:00:00Z",
    }


def _policy(r: NewResource) -> Outputs:
    path = r.inputs.get("path") or "/"
    arn = f"arn:{PARTITION}:iam::{ACCOUNT_ID}:policy{path}{r.physical}"
    return arn, {"name": r.physical, "arn": arn, "policyId": _iam_unique_id("ANPA", r)}


def _instance_profile(r: NewResource) -> Outputs:
    path = r.inputs.get("path") or "/"
    return r.physical, {
        "name": r.physical,
        "arn": f"arn:{PARTITION}:iam::{ACCOUNT_ID}:instance-profile{path}{r.physical}",
        "uniqueId": _iam_unique_id("AIPA", r),
    }


def _role_policy(r: NewResource) -> Outputs:
    return f"{r.inputs.get('role', 'role')}:{r.physical}", {"name": r.physical}


def _attachment(r: NewResource) -> Outputs:
    return f"{r.inputs.get('role', 'role')}-{short_hex(r.type, r.name, length=20)}", {}


def _table(r: NewResource) -> Outputs:
    arn = r.arn("dynamodb", f"table/{r.physical}")
    outputs: dict[str, Any] = {"name": r.physical, "arn": arn}
    if r.inputs.get("streamEnabled"):
        label = "2026-11-01T00:00:00.000"
        outputs |= {"streamArn": f"{arn}/stream/{label}", "streamLabel": label}
    return r.physical, outputs


def _key(r: NewResource) -> Outputs:
    key_id = fake_uuid(r.type, r.name)
    return key_id, {"keyId": key_id, "arn": r.arn("kms", f"key/{key_id}")}


def _alias(r: NewResource) -> Outputs:
    name = r.physical if r.physical.startswith("alias/") else f"alias/{r.physical}"
    target = str(r.inputs.get("targetKeyId", ""))
    target_arn = target if target.startswith("arn:") else r.arn("kms", f"key/{target}")
    return name, {"name": name, "arn": r.arn("kms", name), "targetKeyArn": target_arn}


def _event_bus(r: NewResource) -> Outputs:
    return r.physical, {"name": r.physical, "arn": r.arn("events", f"event-bus/{r.physical}")}


def _event_rule(r: NewResource) -> Outputs:
    bus = str(r.inputs.get("eventBusName") or "default")
    bus_name = bus.rsplit("/", 1)[-1]
    qualified = r.physical if bus_name == "default" else f"{bus_name}/{r.physical}"
    id_ = r.physical if bus_name == "default" else f"{bus_name}/{r.physical}"
    return id_, {"name": r.physical, "arn": r.arn("events", f"rule/{qualified}")}


def _event_target(r: NewResource) -> Outputs:
    target_id = str(r.inputs.get("targetId") or f"{r.name}-{short_hex(r.type, r.name)}")
    return f"{r.inputs.get('rule', 'rule')}-{target_id}", {"targetId": target_id}


def _archive(r: NewResource) -> Outputs:
    return r.physical, {"name": r.physical, "arn": r.arn("events", f"archive/{r.physical}")}


def _log_group(r: NewResource) -> Outputs:
    return r.physical, {"name": r.physical, "arn": r.arn("logs", f"log-group:{r.physical}")}


def _alarm(r: NewResource) -> Outputs:
    name = str(r.inputs.get("alarmName") or r.physical)
    return name, {"alarmName": name, "arn": r.arn("cloudwatch", f"alarm:{name}")}


def _dashboard(r: NewResource) -> Outputs:
    name = str(r.inputs.get("dashboardName") or r.physical)
    return name, {
        "dashboardName": name,
        "dashboardArn": f"arn:{PARTITION}:cloudwatch::{ACCOUNT_ID}:dashboard/{name}",
    }


def _ecs_cluster(r: NewResource) -> Outputs:
    arn = r.arn("ecs", f"cluster/{r.physical}")
    return arn, {"name": r.physical, "arn": arn}


def _ecs_service(r: NewResource) -> Outputs:
    cluster = str(r.inputs.get("cluster") or "default").rsplit("/", 1)[-1]
    arn = r.arn("ecs", f"service/{cluster}/{r.physical}")
    return arn, {"name": r.physical, "arn": arn}


def _task_definition(r: NewResource) -> Outputs:
    family = str(r.inputs.get("family") or r.physical)
    without = r.arn("ecs", f"task-definition/{family}")
    return family, {
        "family": family,
        "arn": f"{without}:1",
        "arnWithoutRevision": without,
        "revision": 1,
    }


def _load_balancer(r: NewResource) -> Outputs:
    kind = {"network": "net", "gateway": "gwy"}.get(str(r.inputs.get("loadBalancerType")), "app")
    suffix = f"{kind}/{r.physical}/{short_hex(r.type, r.name, length=16)}"
    arn = r.arn("elasticloadbalancing", f"loadbalancer/{suffix}")
    scheme = "internal-" if r.inputs.get("internal") else ""
    number = int(short_hex(r.type, r.name, length=8), 16) % 10**10
    return arn, {
        "name": r.physical,
        "arn": arn,
        "arnSuffix": suffix,
        "dnsName": f"{scheme}{r.physical}-{number}.{r.region}.elb.{DNS_SUFFIX}",
        "zoneId": "Z35SXDOTRQ7X7K",
    }


def _target_group(r: NewResource) -> Outputs:
    suffix = f"targetgroup/{r.physical}/{short_hex(r.type, r.name, length=16)}"
    arn = r.arn("elasticloadbalancing", suffix)
    return arn, {"name": r.physical, "arn": arn, "arnSuffix": suffix}


def _listener(r: NewResource) -> Outputs:
    balancer = str(r.inputs.get("loadBalancerArn", ""))
    base = (
        balancer.replace(":loadbalancer/", ":listener/")
        if balancer
        else r.arn("elasticloadbalancing", "listener/app/lb/0")
    )
    arn = f"{base}/{short_hex(r.type, r.name, length=16)}"
    return arn, {"arn": arn}


_EC2_PREFIXES = {
    "SecurityGroup": ("sg", "security-group"),
    "Vpc": ("vpc", "vpc"),
    "Subnet": ("subnet", "subnet"),
    "RouteTable": ("rtb", "route-table"),
    "InternetGateway": ("igw", "internet-gateway"),
    "NatGateway": ("nat", "natgateway"),
    "Eip": ("eipalloc", "elastic-ip"),
    "VpcEndpoint": ("vpce", "vpc-endpoint"),
    "FlowLog": ("fl", "vpc-flow-log"),
    "NetworkAcl": ("acl", "network-acl"),
    "Instance": ("i", "instance"),
}


def _ec2(r: NewResource) -> Outputs:
    kind = r.type.rsplit(":", 1)[1]
    prefix, arn_kind = _EC2_PREFIXES.get(kind, (_kebab(kind), _kebab(kind)))
    id_ = ec2_id(prefix, r.type, r.name)
    outputs: dict[str, Any] = {"arn": r.arn("ec2", f"{arn_kind}/{id_}"), "ownerId": ACCOUNT_ID}
    if kind == "SecurityGroup":
        outputs["name"] = r.physical
    return id_, outputs


def _launch_template(r: NewResource) -> Outputs:
    id_ = ec2_id("lt", r.type, r.name)
    return id_, {
        "name": r.physical,
        "arn": r.arn("ec2", f"launch-template/{id_}"),
        "latestVersion": 1,
        "defaultVersion": 1,
    }


def _autoscaling_group(r: NewResource) -> Outputs:
    group = fake_uuid(r.type, r.name)
    return r.physical, {
        "name": r.physical,
        "arn": r.arn("autoscaling", f"autoScalingGroup:{group}:autoScalingGroupName/{r.physical}"),
    }


def _bucket(r: NewResource) -> Outputs:
    name = str(r.inputs.get("bucket") or r.physical).lower()
    return name, {
        "bucket": name,
        "arn": f"arn:{PARTITION}:s3:::{name}",
        "bucketDomainName": f"{name}.s3.{DNS_SUFFIX}",
        "bucketRegionalDomainName": f"{name}.s3.{r.region}.{DNS_SUFFIX}",
        "region": r.region,
    }


def _secret(r: NewResource) -> Outputs:
    arn = r.arn("secretsmanager", f"secret:{r.physical}-{short_hex(r.type, r.name, length=6)}")
    return arn, {"name": r.physical, "arn": arn}


def _ssm_parameter(r: NewResource) -> Outputs:
    return r.physical, {
        "name": r.physical,
        "arn": r.arn("ssm", f"parameter/{r.physical.lstrip('/')}"),
        "version": 1,
    }


def _state_machine(r: NewResource) -> Outputs:
    arn = r.arn("states", f"stateMachine:{r.physical}")
    return arn, {"name": r.physical, "arn": arn}


def _queue_attachment(r: NewResource) -> Outputs:
    return str(r.inputs.get("queueUrl", r.name)), {}


def _topic_attachment(r: NewResource) -> Outputs:
    return str(r.inputs.get("arn", r.name)), {}


_BUILDERS: Mapping[str, Builder] = {
    "aws:sqs/queue:Queue": _queue,
    "aws:sqs/queuePolicy:QueuePolicy": _queue_attachment,
    "aws:sqs/redrivePolicy:RedrivePolicy": _queue_attachment,
    "aws:sqs/redriveAllowPolicy:RedriveAllowPolicy": _queue_attachment,
    "aws:sns/topic:Topic": _topic,
    "aws:sns/topicPolicy:TopicPolicy": _topic_attachment,
    "aws:sns/topicSubscription:TopicSubscription": _topic_subscription,
    "aws:lambda/function:Function": _function,
    "aws:lambda/alias:Alias": _function_alias,
    "aws:lambda/eventSourceMapping:EventSourceMapping": _event_source_mapping,
    "aws:iam/role:Role": _role,
    "aws:iam/policy:Policy": _policy,
    "aws:iam/instanceProfile:InstanceProfile": _instance_profile,
    "aws:iam/rolePolicy:RolePolicy": _role_policy,
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": _attachment,
    "aws:dynamodb/table:Table": _table,
    "aws:kms/key:Key": _key,
    "aws:kms/alias:Alias": _alias,
    "aws:cloudwatch/eventBus:EventBus": _event_bus,
    "aws:cloudwatch/eventRule:EventRule": _event_rule,
    "aws:cloudwatch/eventTarget:EventTarget": _event_target,
    "aws:cloudwatch/eventArchive:EventArchive": _archive,
    "aws:cloudwatch/logGroup:LogGroup": _log_group,
    "aws:cloudwatch/metricAlarm:MetricAlarm": _alarm,
    "aws:cloudwatch/compositeAlarm:CompositeAlarm": _alarm,
    "aws:cloudwatch/dashboard:Dashboard": _dashboard,
    "aws:ecs/cluster:Cluster": _ecs_cluster,
    "aws:ecs/service:Service": _ecs_service,
    "aws:ecs/taskDefinition:TaskDefinition": _task_definition,
    "aws:lb/loadBalancer:LoadBalancer": _load_balancer,
    "aws:lb/targetGroup:TargetGroup": _target_group,
    "aws:lb/listener:Listener": _listener,
    "aws:alb/loadBalancer:LoadBalancer": _load_balancer,
    "aws:alb/targetGroup:TargetGroup": _target_group,
    "aws:alb/listener:Listener": _listener,
    "aws:ec2/launchTemplate:LaunchTemplate": _launch_template,
    "aws:autoscaling/group:Group": _autoscaling_group,
    "aws:s3/bucket:Bucket": _bucket,
    "aws:s3/bucketV2:BucketV2": _bucket,
    "aws:secretsmanager/secret:Secret": _secret,
    "aws:ssm/parameter:Parameter": _ssm_parameter,
    "aws:sfn/stateMachine:StateMachine": _state_machine,
}


class MockCloud(pulumi.runtime.Mocks):
    """Pulumi mocks that answer like AWS in account 123456789012 and the stack's region.

    With `preview=True` they answer like the provider's `Create(preview=true)` for a new
    stack: the planned state keeps the (checked) inputs and makes everything the provider
    computes unknown, the id included (pulumi/pulumi `pkg/resource/deploy/step.go`,
    `CreateStep.Apply`); a remote component's outputs are unknown too.
    """

    def __init__(
        self,
        *,
        region: str = "us-east-1",
        ssm_parameters: Mapping[str, str] | None = None,
        preview: bool = False,
    ) -> None:
        self.region = region
        self.preview = preview
        self._invoke_context = InvokeContext(region=region, ssm_parameters=ssm_parameters or {})

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict]:
        resource = NewResource(
            type=args.typ, name=args.name, inputs=args.inputs, region=self.region
        )
        if not args.custom:
            return None, {}
        if args.typ.startswith("pulumi:providers:"):
            return fake_uuid(args.typ, args.name), dict(args.inputs)
        builder = _BUILDERS.get(args.typ)
        if builder is None:
            builder = _ec2 if resource.module == "ec2" else _generic
        id_, outputs = builder(resource)
        state = {**args.inputs, **self._computed(args.inputs, outputs)}
        if self.preview and not args.resource_id:
            id_ = ""  # the engine's unknown id of a resource to be created
        return args.resource_id or id_, state

    def _computed(self, inputs: Mapping[str, Any], outputs: dict[str, Any]) -> dict[str, Any]:
        """Provider-computed outputs: unknown in a preview, unless the input is known."""
        if not self.preview:
            return outputs
        return {
            key: value if key in inputs and inputs[key] == value else UNKNOWN
            for key, value in outputs.items()
        }

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict, list[tuple[str, str]] | None]:
        return answer_invoke(args.token, args.args, self._invoke_context), []
