"""ECS rules: clusters, task definitions (containerDefinitions arrive as a JSON string) and
services."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from ..lib.rule import Category, Context, Enforcement, Resource, Severity, resource_rule
from ..lib.secrets import describe, secrets_in_script, secrets_in_variable
from ..lib.values import Unknown

CLUSTER = "aws:ecs/cluster:Cluster"
TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition"
SERVICE = "aws:ecs/service:Service"

_ROOT_USERS = frozenset({"root", "0"})


def containers(resource: Resource) -> Iterator[tuple[str, dict[str, Any]]]:
    """(name, definition) of every container; nothing while the definitions are unknown."""
    definitions = resource.props.json("containerDefinitions")
    if isinstance(definitions, Unknown) or not isinstance(definitions, list):
        return
    for index, container in enumerate(definitions):
        if isinstance(container, dict):
            name = container.get("name")
            yield (name if isinstance(name, str) else f"#{index}"), container


def _is_root(user: object) -> bool:
    if not isinstance(user, str) or not user.strip():
        return True
    return user.split(":", 1)[0].strip().lower() in _ROOT_USERS


def _uses_fargate(resource: Resource) -> bool | None:
    launch_type = resource.props.string("launchType")
    strategies = resource.props.array("capacityProviderStrategies")
    if isinstance(launch_type, Unknown) or isinstance(strategies, Unknown):
        return None
    providers = {s.get("capacityProvider") for s in strategies if isinstance(s, dict)} - {None}
    return launch_type == "FARGATE" or bool(providers & {"FARGATE", "FARGATE_SPOT"})


@resource_rule(
    name="ecs-cluster-container-insights",
    types=(CLUSTER,),
    description="Clusters have Container Insights enabled (or enhanced).",
    severity=Severity.MEDIUM,
    category=Category.RELIABILITY,
    rationale="Without it there are no task-level CPU/memory metrics to alarm on"
    " (AwsSolutions-ECS4, CKV_AWS_65, SH ECS.12).",
    fix='Add settings=[{"name": "containerInsights", "value": "enhanced"}] (or "enabled").',
    unknown="Skips the cluster while its settings are unknown.",
    anchors=("AwsSolutions-ECS4", "CKV_AWS_65", "SH ECS.12"),
)
def cluster_container_insights(resource: Resource, context: Context) -> Iterable[str]:
    settings = resource.props.array("settings")
    if isinstance(settings, Unknown):
        return
    for setting in settings:
        if isinstance(setting, dict) and setting.get("name") == "containerInsights":
            value = setting.get("value")
            if isinstance(value, Unknown) or value in ("enabled", "enhanced"):
                return
    yield "Container Insights is not enabled on the cluster"


@resource_rule(
    name="ecs-cluster-exec-logging-encrypted",
    types=(CLUSTER,),
    description="When ECS Exec is configured, its sessions are logged and encrypted with a CMK.",
    severity=Severity.MEDIUM,
    category=Category.SECURITY,
    rationale="Interactive sessions into containers must leave an audit trail and be encrypted"
    " (CKV_AWS_223, CKV_AWS_224).",
    fix="In configuration.executeCommandConfiguration set kms_key_id and logging DEFAULT or"
    " OVERRIDE (with a log configuration), never NONE.",
    unknown="Skips the cluster while its exec configuration is unknown.",
    anchors=("CKV_AWS_223", "CKV_AWS_224"),
)
def cluster_exec_logging(resource: Resource, context: Context) -> Iterable[str]:
    config = resource.props.mapping("configuration.executeCommandConfiguration")
    if isinstance(config, Unknown) or not len(config):
        return
    logging = config.string("logging")
    key = config.string("kmsKeyId")
    if logging == "NONE":
        yield "ECS Exec sessions are not logged (logging NONE)"
    if not isinstance(key, Unknown) and not key:
        yield "ECS Exec sessions are not encrypted with a customer-managed key (no kmsKeyId)"


@resource_rule(
    name="ecs-task-log-configuration",
    types=(TASK_DEFINITION,),
    description="Every container has a log configuration.",
    severity=Severity.MEDIUM,
    category=Category.SECURITY,
    rationale="Container output is the only record of what a task did (AwsSolutions-ECS7,"
    " SH ECS.9).",
    fix='Give each container a logConfiguration, e.g. {"logDriver": "awslogs", "options": ...}.',
    unknown="Skips the task definition while containerDefinitions is unknown.",
    anchors=("AwsSolutions-ECS7", "SH ECS.9"),
)
def task_log_configuration(resource: Resource, context: Context) -> Iterable[str]:
    for name, container in containers(resource):
        log = container.get("logConfiguration")
        if not isinstance(log, dict) or not log.get("logDriver"):
            yield f"container {name} has no logConfiguration"


@resource_rule(
    name="ecs-task-no-secrets-in-environment",
    types=(TASK_DEFINITION,),
    description="No credentials in plain container environment values, commands or entry points.",
    severity=Severity.CRITICAL,
    category=Category.SECURITY,
    rationale="Environment values and commands are readable by anyone who can describe the task"
    " definition (SH ECS.8); a password on a command line also shows in `ps`.",
    fix="Move the value to Secrets Manager or SSM Parameter Store and reference it from the"
    " container's `secrets` list (the command then reads it from the environment).",
    unknown="Skips the task definition while containerDefinitions is unknown.",
    anchors=("SH ECS.8",),
    decided_by=("detect-secrets",),
)
def task_no_secrets_in_environment(resource: Resource, context: Context) -> Iterable[str]:
    for name, container in containers(resource):
        for variable in container.get("environment") or []:
            if not isinstance(variable, dict):
                continue
            key, value = str(variable.get("name", "")), variable.get("value")
            if isinstance(value, str) and (kinds := secrets_in_variable(key, value)):
                yield f"container {name}: environment variable {key} holds {describe(kinds)}"
        for field in ("command", "entryPoint"):
            words = container.get(field)
            if isinstance(words, list) and (
                kinds := secrets_in_script(" ".join(str(w) for w in words))
            ):
                yield f"container {name}: {field} holds {describe(kinds)}"


@resource_rule(
    name="ecs-task-no-environment-variables",
    types=(TASK_DEFINITION,),
    description="Containers take configuration from `secrets`/files rather than plain"
    " environment variables.",
    severity=Severity.LOW,
    category=Category.HYGIENE,
    rationale="cdk-nag refuses every environment variable because any could carry a secret"
    " (AwsSolutions-ECS2); advisory here since ecs-task-no-secrets-in-environment enforces the"
    " security part.",
    fix="Use the container's `secrets` (Secrets Manager / SSM) or an environment file.",
    unknown="Skips the task definition while containerDefinitions is unknown.",
    anchors=("AwsSolutions-ECS2",),
)
def task_no_environment_variables(resource: Resource, context: Context) -> Iterable[str]:
    for name, container in containers(resource):
        names = [
            str(v.get("name")) for v in container.get("environment") or [] if isinstance(v, dict)
        ]
        if names:
            yield f"container {name} sets environment variables: {', '.join(names)}"


@resource_rule(
    name="ecs-task-non-privileged",
    types=(TASK_DEFINITION,),
    description="No container runs privileged.",
    severity=Severity.CRITICAL,
    category=Category.SECURITY,
    rationale="A privileged container is root on the host (CKV_AWS_334, SH ECS.4).",
    fix="Remove privileged: true; add only the Linux capabilities the process needs.",
    unknown="Skips the task definition while containerDefinitions is unknown.",
    anchors=("CKV_AWS_334", "SH ECS.4"),
)
def task_non_privileged(resource: Resource, context: Context) -> Iterable[str]:
    for name, container in containers(resource):
        if container.get("privileged") is True:
            yield f"container {name} is privileged"


# Host paths that give a container control of the host: the container runtime's sockets (the
# Docker API is root on the host, even through a read-only bind mount of the socket), the
# host's root, configuration, devices, kernel interfaces and runtime state.
_HOST_CONTROL_PATHS = (
    "/var/run/docker.sock",
    "/run/docker.sock",
    "/var/run/containerd",
    "/run/containerd",
    "/var/run/ecs",
    "/var/lib/docker",
    "/var/lib/ecs",
    "/etc",
    "/root",
    "/proc",
    "/sys",
    "/dev",
    "/boot",
)
# Kernel capabilities beyond Docker's default set that break container isolation. Names as the
# ECS API takes them (KernelCapabilities.add, ECS API Reference); ALL grants every one.
_DANGEROUS_CAPABILITIES = frozenset(
    {
        "ALL",
        "SYS_ADMIN",
        "NET_ADMIN",
        "SYS_MODULE",
        "SYS_PTRACE",
        "SYS_RAWIO",
        "SYS_BOOT",
        "SYS_TIME",
        "DAC_READ_SEARCH",
        "MAC_ADMIN",
        "MAC_OVERRIDE",
        "SYSLOG",
    }
)


def _host_path(volume: dict[str, Any]) -> str | None:
    """The host path a task volume binds (pulumi-aws `volumes[].host_path`), normalised."""
    path = volume.get("hostPath")
    if isinstance(path, dict):  # the ECS API's own shape: {"sourcePath": ...}
        path = path.get("sourcePath")
    if not isinstance(path, str) or not path.strip():
        return None
    return "/" + "/".join(part for part in path.strip().split("/") if part not in ("", "."))


def _controls_host(path: str) -> bool:
    return path == "/" or any(path == p or path.startswith(p + "/") for p in _HOST_CONTROL_PATHS)


@resource_rule(
    name="ecs-task-no-host-control-mounts",
    types=(TASK_DEFINITION,),
    description="Containers do not mount the container runtime's socket or the host's root,"
    " /etc, /proc, /sys, /dev and similar paths.",
    severity=Severity.CRITICAL,
    category=Category.SECURITY,
    rationale="The Docker socket is the Docker API (root on the host, read-only mount or not);"
    " the other paths let a container read host secrets or change the host (stack-gap; the"
    " same concern as ecs-task-non-privileged).",
    fix="Remove the host volume; use a task-scoped volume (no host_path), EFS, or the ECS"
    " agent's own integrations instead of the Docker socket.",
    unknown="Skips the task definition while its volumes or containerDefinitions are unknown.",
    anchors=("stack-gap",),
)
def task_no_host_control_mounts(resource: Resource, context: Context) -> Iterable[str]:
    volumes = resource.props.array("volumes")
    if isinstance(volumes, Unknown):
        return
    dangerous = {
        str(v.get("name")): path
        for v in volumes
        if isinstance(v, dict) and (path := _host_path(v)) and _controls_host(path)
    }
    if not dangerous:
        return
    mounted: set[str] = set()
    for name, container in containers(resource):
        for mount in container.get("mountPoints") or []:
            source = mount.get("sourceVolume") if isinstance(mount, dict) else None
            if source in dangerous:
                mounted.add(str(source))
                yield (f"container {name} mounts host path {dangerous[source]} (volume {source})")
    for volume, path in dangerous.items():
        if volume not in mounted:
            yield f"volume {volume} binds host path {path}"


def _capability(value: object) -> str:
    name = str(value).strip().upper()
    return name[4:] if name.startswith("CAP_") else name


@resource_rule(
    name="ecs-task-no-dangerous-capabilities",
    types=(TASK_DEFINITION,),
    description="Containers add no Linux capability that breaks isolation (ALL, SYS_ADMIN,"
    " NET_ADMIN, SYS_MODULE, SYS_PTRACE...).",
    severity=Severity.HIGH,
    category=Category.SECURITY,
    rationale="SYS_ADMIN is nearly root on the host, NET_ADMIN reconfigures the task's network,"
    " SYS_PTRACE reads other processes' memory, ALL grants every one: each is most of what"
    " `privileged` gives (stack-gap, next to CKV_AWS_334 / SH ECS.4).",
    fix="Drop the capability from linux_parameters.capabilities.add; add only narrow ones"
    " (e.g. NET_BIND_SERVICE) and drop ALL first.",
    unknown="Skips the task definition while containerDefinitions is unknown.",
    anchors=("stack-gap",),
)
def task_no_dangerous_capabilities(resource: Resource, context: Context) -> Iterable[str]:
    for name, container in containers(resource):
        linux = container.get("linuxParameters")
        capabilities = linux.get("capabilities") if isinstance(linux, dict) else None
        added = capabilities.get("add") if isinstance(capabilities, dict) else None
        if not isinstance(added, list):
            continue
        dangerous = sorted({_capability(c) for c in added} & _DANGEROUS_CAPABILITIES)
        if dangerous:
            yield f"container {name} adds capabilities {', '.join(dangerous)}"


@resource_rule(
    name="ecs-task-read-only-root-filesystem",
    types=(TASK_DEFINITION,),
    description="Containers mount their root filesystem read-only.",
    severity=Severity.MEDIUM,
    category=Category.SECURITY,
    rationale="A writable root filesystem lets an attacker persist tools in the container"
    " (CKV_AWS_336, SH ECS.5).",
    fix="Set readonlyRootFilesystem: true and mount a volume for the paths the app writes.",
    unknown="Skips the task definition while containerDefinitions is unknown.",
    anchors=("CKV_AWS_336", "SH ECS.5"),
)
def task_read_only_root_filesystem(resource: Resource, context: Context) -> Iterable[str]:
    for name, container in containers(resource):
        if container.get("readonlyRootFilesystem") is not True:
            yield f"container {name} has a writable root filesystem"


@resource_rule(
    name="ecs-task-no-host-pid",
    types=(TASK_DEFINITION,),
    description="Tasks do not share the host's process namespace.",
    severity=Severity.HIGH,
    category=Category.SECURITY,
    rationale="pidMode host exposes every host process to the container (CKV_AWS_335, SH ECS.3).",
    fix="Remove pid_mode='host' (use 'task' to share between the task's own containers).",
    unknown="Skips the task definition while pidMode is unknown.",
    anchors=("CKV_AWS_335", "SH ECS.3"),
)
def task_no_host_pid(resource: Resource, context: Context) -> Iterable[str]:
    if resource.props.string("pidMode") == "host":
        yield "the task shares the host PID namespace (pidMode host)"


@resource_rule(
    name="ecs-task-host-network-non-root",
    types=(TASK_DEFINITION,),
    description="With host networking, every container runs as a non-root user.",
    severity=Severity.HIGH,
    category=Category.SECURITY,
    rationale="A root process on the host network can bind and sniff host ports"
    " (pk:ECSTaskDefinitionUserForHostMode, SH ECS.1).",
    fix="Use networkMode awsvpc, or set each container's user to a non-root UID.",
    unknown="Skips the task definition while networkMode or containerDefinitions is unknown.",
    anchors=("pk:ECSTaskDefinitionUserForHostMode", "SH ECS.1"),
)
def task_host_network_non_root(resource: Resource, context: Context) -> Iterable[str]:
    if resource.props.string("networkMode") != "host":
        return
    for name, container in containers(resource):
        if _is_root(container.get("user")):
            yield f"container {name} uses host networking as root"


@resource_rule(
    name="ecs-task-non-root-user",
    types=(TASK_DEFINITION,),
    description="Every container runs as a named non-root user.",
    severity=Severity.MEDIUM,
    category=Category.SECURITY,
    rationale="Images default to root; a non-root user limits what a compromise can do"
    " (stack-gap; generalises SH ECS.1 beyond host networking).",
    fix='Set each container\'s user, e.g. "1000:1000" (a UID that exists in the image).',
    unknown="Skips the task definition while containerDefinitions is unknown.",
    anchors=("stack-gap", "SH ECS.1"),
)
def task_non_root_user(resource: Resource, context: Context) -> Iterable[str]:
    for name, container in containers(resource):
        if _is_root(container.get("user")):
            yield f"container {name} runs as root (user unset or root/0)"


@resource_rule(
    name="ecs-task-separate-execution-role",
    types=(TASK_DEFINITION,),
    description="The task role (the app's permissions) differs from the execution role (ECS"
    " agent's permissions).",
    severity=Severity.MEDIUM,
    category=Category.SECURITY,
    rationale="Sharing them gives the application image-pull and secret-read rights it should"
    " not have (CKV_AWS_249).",
    fix="Create a separate role for task_role_arn.",
    unknown="Skips the task definition while either role ARN is unknown.",
    anchors=("CKV_AWS_249",),
)
def task_separate_execution_role(resource: Resource, context: Context) -> Iterable[str]:
    execution = resource.props.string("executionRoleArn")
    task = resource.props.string("taskRoleArn")
    if isinstance(execution, Unknown) or isinstance(task, Unknown):
        return
    if execution and execution == task:
        yield f"the task role and the execution role are the same ({task})"


@resource_rule(
    name="ecs-task-efs-transit-encryption",
    types=(TASK_DEFINITION,),
    description="EFS volumes are mounted with transit encryption.",
    severity=Severity.HIGH,
    category=Category.SECURITY,
    rationale="NFS traffic is otherwise plain text on the network (CKV_AWS_97).",
    fix='Set efs_volume_configuration.transit_encryption="ENABLED".',
    unknown="Skips a volume while its EFS configuration is unknown.",
    anchors=("CKV_AWS_97",),
)
def task_efs_transit_encryption(resource: Resource, context: Context) -> Iterable[str]:
    volumes = resource.props.array("volumes")
    if isinstance(volumes, Unknown):
        return
    for index, volume in enumerate(volumes):
        efs = volume.get("efsVolumeConfiguration") if isinstance(volume, dict) else None
        if not isinstance(efs, dict):
            continue
        setting = efs.get("transitEncryption")
        if not isinstance(setting, Unknown) and setting != "ENABLED":
            yield f"EFS volume {volume.get('name', index)} has no transit encryption"


@resource_rule(
    name="ecs-service-no-public-ip",
    types=(SERVICE,),
    description="Services do not give their tasks public IP addresses.",
    severity=Severity.HIGH,
    category=Category.SECURITY,
    rationale="Tasks with public IPs are reachable from the internet, bypassing the load"
    " balancer (CKV_AWS_333, SH ECS.2).",
    fix="Set network_configuration.assign_public_ip=False and run tasks in private subnets.",
    unknown="Skips the service while assignPublicIp is unknown.",
    anchors=("CKV_AWS_333", "SH ECS.2"),
)
def service_no_public_ip(resource: Resource, context: Context) -> Iterable[str]:
    if resource.props.flag("networkConfiguration.assignPublicIp") is True:
        yield "tasks get public IP addresses (assignPublicIp true)"


@resource_rule(
    name="ecs-service-fargate-latest-platform",
    types=(SERVICE,),
    description="Fargate services run on the LATEST platform version.",
    severity=Severity.MEDIUM,
    category=Category.SECURITY,
    rationale="Pinned platform versions miss kernel and runtime security fixes (CKV_AWS_332,"
    " SH ECS.10).",
    fix='Remove platform_version (defaults to LATEST) or set it to "LATEST".',
    unknown="Skips the service while launchType, capacity providers or platformVersion is unknown.",
    anchors=("CKV_AWS_332", "SH ECS.10"),
)
def service_fargate_latest_platform(resource: Resource, context: Context) -> Iterable[str]:
    version = resource.props.string("platformVersion")
    if isinstance(version, Unknown) or not version or version == "LATEST":
        return
    if _uses_fargate(resource):
        yield f"the Fargate platform version is pinned to {version}"


@resource_rule(
    name="ecs-service-deployment-circuit-breaker",
    types=(SERVICE,),
    description="Rolling deployments stop and roll back when new tasks fail.",
    severity=Severity.MEDIUM,
    category=Category.RELIABILITY,
    rationale="Without the circuit breaker a bad image keeps replacing healthy tasks (stack-gap:"
    " no anchor checks it).",
    fix="Set deployment_circuit_breaker={'enable': True, 'rollback': True}.",
    unknown="Skips the service while its circuit breaker or deployment controller is unknown.",
    anchors=("stack-gap",),
)
def service_circuit_breaker(resource: Resource, context: Context) -> Iterable[str]:
    controller = resource.props.string("deploymentController.type")
    enable = resource.props.flag("deploymentCircuitBreaker.enable")
    rollback = resource.props.flag("deploymentCircuitBreaker.rollback")
    if any(isinstance(v, Unknown) for v in (controller, enable, rollback)):
        return
    if controller not in (None, "ECS"):
        return  # CODE_DEPLOY / EXTERNAL deployments have their own rollback
    if enable is not True or rollback is not True:
        yield "the deployment circuit breaker with rollback is not enabled"


@resource_rule(
    name="ecs-service-desired-count",
    types=(SERVICE,),
    description="Replica services run at least `minimum` tasks (default 2).",
    severity=Severity.LOW,
    category=Category.RELIABILITY,
    enforcement=Enforcement.ADVISORY,
    rationale="One task is a single point of failure during deployments and AZ outages"
    " (stack-gap); advisory because dev stacks run one task to save cost.",
    fix="Set desired_count to at least the configured minimum (and spread across AZs).",
    unknown="Skips the service while desiredCount or schedulingStrategy is unknown.",
    anchors=("stack-gap",),
    config_schema={"minimum": {"type": "integer", "minimum": 1}},
    config_defaults={"minimum": 2},
)
def service_desired_count(resource: Resource, context: Context) -> Iterable[str]:
    strategy = resource.props.string("schedulingStrategy")
    count = resource.props.number("desiredCount")
    if isinstance(strategy, Unknown) or isinstance(count, Unknown) or strategy == "DAEMON":
        return
    minimum = int(context.config.get("minimum", 2))
    if (count or 0) < minimum:
        yield f"desiredCount is {int(count or 0)}; at least {minimum} are expected"


@resource_rule(
    name="ecs-service-healthy-percent",
    types=(SERVICE,),
    description="Deployments keep enough healthy tasks and can start new ones:"
    " minimumHealthyPercent >= `minimumHealthyPercent` (50) and maximumPercent above it.",
    severity=Severity.MEDIUM,
    category=Category.RELIABILITY,
    rationale="A low minimum drops capacity during deploys; maximum <= minimum deadlocks rolling"
    " deployments (stack-gap).",
    fix="Keep deployment_minimum_healthy_percent >= 50 (100 for one task) and"
    " deployment_maximum_percent > the minimum (e.g. 200).",
    unknown="Skips the service while either percentage is unknown; unset means AWS's 100/200.",
    anchors=("stack-gap",),
    config_schema={"minimumHealthyPercent": {"type": "integer", "minimum": 0, "maximum": 100}},
    config_defaults={"minimumHealthyPercent": 50},
)
def service_healthy_percent(resource: Resource, context: Context) -> Iterable[str]:
    low = resource.props.number("deploymentMinimumHealthyPercent")
    high = resource.props.number("deploymentMaximumPercent")
    if isinstance(low, Unknown) or isinstance(high, Unknown):
        return
    low = 100.0 if low is None else low
    high = 200.0 if high is None else high
    required = int(context.config.get("minimumHealthyPercent", 50))
    if low < required:
        yield f"deploymentMinimumHealthyPercent is {int(low)}; at least {required} is expected"
    if high <= low:
        yield (
            f"deploymentMaximumPercent ({int(high)}) must exceed deploymentMinimumHealthyPercent"
            f" ({int(low)}) or deployments cannot start new tasks"
        )


RULES = [
    cluster_container_insights,
    cluster_exec_logging,
    task_log_configuration,
    task_no_secrets_in_environment,
    task_no_environment_variables,
    task_non_privileged,
    task_no_host_control_mounts,
    task_no_dangerous_capabilities,
    task_read_only_root_filesystem,
    task_no_host_pid,
    task_host_network_non_root,
    task_non_root_user,
    task_separate_execution_role,
    task_efs_transit_encryption,
    service_no_public_ip,
    service_fargate_latest_platform,
    service_circuit_breaker,
    service_desired_count,
    service_healthy_percent,
]
