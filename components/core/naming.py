"""Physical names ``<project>-<env>-<name>[-suffix]`` that respect each AWS service's rules.

A name that is too long, or holds characters the service refuses, is shortened/cleaned and gets
an 8-hex-digit sha256 prefix of the full intended name, so two different intended names never
share a physical name (barring a 32-bit hash collision) and the same input always gives the same
output.

A resource created inside a component is named from the component's full path (the type and
name of every component from the stack down, see ``component_path``): its physical name is
``<project>-<env>-<name>-<hash of the path>[-suffix]``, so ``DataTable("orders")`` and
``IdempotentQueueConsumer("orders")`` never register the same KMS alias or alarm name even
though Pulumi (and its mocks) accept both: their URNs differ, AWS's names would not.
"""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass
from enum import Enum
from typing import Protocol

import pulumi

_HASH_LENGTH = 8
_MAX_SUFFIX = 16
FIFO_SUFFIX = ".fifo"
CHILD_LABEL = re.compile(r"^[a-z][a-z0-9-]{0,39}$")
"""A name a caller gives a part of a component (a rule, a target, a subscriber): it becomes part
of child resources' logical and physical names, so it is short, lower-case and DNS-safe."""


@dataclass(frozen=True)
class NameRule:
    """Length and character rules of one kind of AWS name."""

    label: str
    max_length: int
    allowed: str  # regex character class body
    prefix: str = ""  # fixed prefix that counts toward max_length (KMS aliases)
    fifo: bool = False  # whether ".fifo" may end the name (it counts toward max_length)
    edge_hyphen: bool = True  # whether the name may start or end with a hyphen


@functools.cache
def _invalid_characters(allowed: str) -> re.Pattern[str]:
    return re.compile(f"[^{allowed}]")


_ALNUM_DASH_UNDERSCORE = "A-Za-z0-9_-"
_ALNUM_DASH = "A-Za-z0-9-"


class Service(Enum):
    """Kinds of AWS names with their limits (AWS API reference of each service)."""

    SQS_QUEUE = NameRule("SQS queue", 80, _ALNUM_DASH_UNDERSCORE, fifo=True)
    SNS_TOPIC = NameRule("SNS topic", 256, _ALNUM_DASH_UNDERSCORE, fifo=True)
    LAMBDA_FUNCTION = NameRule("Lambda function", 64, _ALNUM_DASH_UNDERSCORE)
    IAM_ROLE = NameRule("IAM role", 64, r"\w+=,.@-")
    IAM_POLICY = NameRule("IAM policy", 128, r"\w+=,.@-")
    IAM_INSTANCE_PROFILE = NameRule("IAM instance profile", 128, r"\w+=,.@-")
    ALB = NameRule("load balancer", 32, _ALNUM_DASH, edge_hyphen=False)
    TARGET_GROUP = NameRule("target group", 32, _ALNUM_DASH, edge_hyphen=False)
    LOG_GROUP = NameRule("log group", 512, r"A-Za-z0-9_./#-")
    DYNAMODB_TABLE = NameRule("DynamoDB table", 255, r"A-Za-z0-9_.-")
    EVENT_BUS = NameRule("event bus", 256, r"A-Za-z0-9/_.-")
    EVENT_RULE = NameRule("event rule", 64, r"A-Za-z0-9_.-")
    EVENT_ARCHIVE = NameRule("event archive", 48, r"A-Za-z0-9_.-")
    ECS_CLUSTER = NameRule("ECS cluster", 255, _ALNUM_DASH_UNDERSCORE)
    ECS_SERVICE = NameRule("ECS service", 255, _ALNUM_DASH_UNDERSCORE)
    ECS_TASK_FAMILY = NameRule("ECS task definition family", 255, _ALNUM_DASH_UNDERSCORE)
    SECURITY_GROUP = NameRule("security group", 255, r"A-Za-z0-9 ._:/()#,@\[\]+=&;{}!$*-")
    LAUNCH_TEMPLATE = NameRule("launch template", 128, r"A-Za-z0-9()./_-")
    AUTOSCALING_GROUP = NameRule("Auto Scaling group", 255, r"A-Za-z0-9_.-")
    KMS_ALIAS = NameRule("KMS alias", 256, r"A-Za-z0-9/_-", prefix="alias/")
    CLOUDWATCH_ALARM = NameRule("CloudWatch alarm", 255, r"A-Za-z0-9 _.:/#()-")

    @property
    def rule(self) -> NameRule:
        rule: NameRule = self.value
        return rule


class HasNamePrefix(Protocol):
    """Anything with a ``name_prefix`` (``PlatformContext``)."""

    @property
    def name_prefix(self) -> str: ...


ComponentPath = tuple[tuple[str, str], ...]
"""``(type, name)`` of each component from the stack down to one component."""

_PATH_ATTRIBUTE = "_platform_component_path"


def component_path(resource: pulumi.Resource | None) -> ComponentPath:
    """The path recorded by ``record_component_path`` (``()`` for the stack itself).

    A component that did not record one (a caller's own ``ComponentResource``) counts as a
    root with its own type and name.
    """
    if resource is None:
        return ()
    recorded: ComponentPath | None = getattr(resource, _PATH_ATTRIBUTE, None)
    if recorded is not None:
        return recorded
    return ((resource.pulumi_resource_type, resource.pulumi_resource_name),)


def record_component_path(
    component: pulumi.ComponentResource, opts: pulumi.ResourceOptions | None
) -> ComponentPath:
    """Record ``component``'s path (its parent's path plus itself) and return it."""
    parent = opts.parent if opts is not None else None
    own = (component.pulumi_resource_type, component.pulumi_resource_name)
    path = (*component_path(parent), own)
    setattr(component, _PATH_ATTRIBUTE, path)
    return path


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:_HASH_LENGTH]


def physical_name(
    context_or_prefix: HasNamePrefix | str,
    name: str,
    service: Service,
    *,
    suffix: str | None = None,
    fifo: bool = False,
    within: pulumi.Resource | None = None,
) -> str:
    """The physical name of ``name`` for ``service``, e.g. ``aws-platform-dev-orders-dlq``.

    ``context_or_prefix`` is a ``PlatformContext`` or a ``<project>-<env>`` prefix. ``suffix`` is
    kept whole even when the name is shortened. ``fifo`` appends ``.fifo`` (SQS queues and SNS
    topics only). KMS aliases come back with their ``alias/`` prefix. ``within`` is the component
    that owns the resource: its path goes into the hash, which every such name carries.
    """
    prefix = (
        context_or_prefix if isinstance(context_or_prefix, str) else context_or_prefix.name_prefix
    )
    rule = service.rule
    if not prefix or not name:
        raise ValueError("physical_name: prefix and name must not be empty")
    if suffix is not None and not 0 < len(suffix) <= _MAX_SUFFIX:
        raise ValueError(f"physical_name: suffix must be 1-{_MAX_SUFFIX} characters")
    if fifo and not rule.fifo:
        raise ValueError(f"physical_name: a {rule.label} name cannot be FIFO")
    head = f"{prefix}-{name}"
    body_tail = f"-{suffix}" if suffix else ""
    fifo_tail = FIFO_SUFFIX if fifo else ""
    intended = head + body_tail + fifo_tail
    path = component_path(within)
    hashed = intended + "".join(f"|{kind}:{owner}" for kind, owner in path)

    invalid = _invalid_characters(rule.allowed)
    clean_head = invalid.sub("-", head)
    clean_tail = invalid.sub("-", body_tail)
    if not rule.edge_hyphen:
        clean_head = clean_head.lstrip("-")
        clean_tail = clean_tail.rstrip("-")
        if not clean_tail:  # the head ends the name ("-" as a name gave "<prefix>--")
            clean_head = clean_head.rstrip("-")
    budget = rule.max_length - len(rule.prefix)
    clean = clean_head + clean_tail + fifo_tail
    if not path and clean == intended and len(intended) <= budget:
        return rule.prefix + intended

    keep = budget - len(clean_tail) - len(fifo_tail) - _HASH_LENGTH - 1
    if keep < 1:
        raise ValueError(f"physical_name: suffix {suffix!r} leaves no room in a {rule.label} name")
    shortened = clean_head[:keep].rstrip("-_.") or clean_head[:1]
    return f"{rule.prefix}{shortened}-{_digest(hashed)}{clean_tail}{fifo_tail}"
