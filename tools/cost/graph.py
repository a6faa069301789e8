"""The preview's resource graph as the estimate needs it: families, workloads, references."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from tools.preview.program import STACK_TYPE, ProgramRun, RegisteredResource

FAMILIES = (
    "messaging",
    "compute",
    "data",
    "events",
    "security",
    "observability",
    "network",
    "containers",
    "other",
)
_FAMILY_OF_MODULE = {
    "sqs": "messaging",
    "sns": "messaging",
    "lambda": "compute",
    "autoscaling": "compute",
    "ebs": "compute",
    "dynamodb": "data",
    "s3": "data",
    "pipes": "events",
    "scheduler": "events",
    "kms": "security",
    "iam": "security",
    "secretsmanager": "security",
    "acm": "security",
    "xray": "observability",
    "ec2": "network",
    "lb": "network",
    "alb": "network",
    "route53": "network",
    "ecs": "containers",
    "ecr": "containers",
    "appautoscaling": "containers",
}
_EVENT_KINDS = ("eventBus", "eventRule", "eventTarget", "eventArchive", "eventConnection")
_COMPUTE_EC2 = ("instance", "launchTemplate", "volume")


def module_of(type_token: str) -> str:
    """`sqs` for `aws:sqs/queue:Queue`, `ec2` for `awsx:ec2:Vpc`."""
    return type_token.split(":")[1].split("/")[0] if type_token.count(":") >= 2 else ""


def family_of(type_token: str) -> str:
    """The cost family of a resource type."""
    module = module_of(type_token)
    kind = type_token.split(":")[1].split("/")[-1] if ":" in type_token else ""
    if module == "cloudwatch":
        return "events" if kind in _EVENT_KINDS else "observability"
    if module == "ec2" and kind in _COMPUTE_EC2:
        return "compute"
    return _FAMILY_OF_MODULE.get(module, "other")


@dataclass(frozen=True, kw_only=True)
class Workload:
    """A top-level component (or a resource directly under the stack) and what it holds."""

    urn: str
    name: str
    type: str


class Graph:
    """Resources of a run indexed by URN, with their workload and reference lookups."""

    def __init__(self, run: ProgramRun) -> None:
        self.run = run
        self.by_urn = {r.urn: r for r in run.resources}
        self.resources = [
            r
            for r in run.resources
            if r.custom and r.type != STACK_TYPE and not r.type.startswith("pulumi:providers:")
        ]
        self._workloads: dict[str, Workload] = {}
        owners: dict[str, set[str]] = {}
        for resource in self.resources:
            for value in identifiers(resource):
                owners.setdefault(value, set()).add(resource.urn)
        # A name several resources share (a role and a function, say) identifies none of them.
        self._by_identifier = {
            value: self.by_urn[next(iter(urns))] for value, urns in owners.items() if len(urns) == 1
        }

    def priced_resources(self) -> list[RegisteredResource]:
        """Custom resources; the preview registers the awsx VPC's children (NAT gateways, EIPs),
        so they are priced like any others."""
        return list(self.resources)

    def workload(self, resource: RegisteredResource) -> Workload:
        """The child of the stack that `resource` sits under (itself when it is one)."""
        cached = self._workloads.get(resource.urn)
        if cached is not None:
            return cached
        current = resource
        seen = {current.urn}
        while current.parent and current.parent in self.by_urn:
            parent = self.by_urn[current.parent]
            if parent.type == STACK_TYPE or parent.urn in seen:
                break
            seen.add(parent.urn)
            current = parent
        found = Workload(urn=current.urn, name=current.name, type=current.type)
        self._workloads[resource.urn] = found
        return found

    def workload_resources(self, workload: Workload) -> list[RegisteredResource]:
        return [r for r in self.resources if self.workload(r).urn == workload.urn]

    def referenced(self, resource: RegisteredResource, key: str) -> list[RegisteredResource]:
        """Resources the input `key` of `resource` refers to: by its property dependencies,
        else by value (an ARN, URL or name one of them has)."""
        found = [
            self.by_urn[urn]
            for urn in resource.property_dependencies.get(key, [])
            if urn in self.by_urn and self.by_urn[urn].custom
        ]
        if found:
            return found
        return [r for value in strings(resource.inputs.get(key)) if (r := self.lookup(value))]

    def lookup(self, value: str) -> RegisteredResource | None:
        """The only resource one of whose identifiers is `value`."""
        return self._by_identifier.get(value)


_IDENTIFIER_KEYS = ("arn", "url", "name", "id", "keyId", "family", "arnWithoutRevision")


def identifiers(resource: RegisteredResource) -> Iterator[str]:
    """The ARN, URL and names other resources use to refer to `resource`."""
    for key in _IDENTIFIER_KEYS:
        value = resource.outputs.get(key)
        if isinstance(value, str) and value:
            yield value


def strings(value: Any) -> Iterator[str]:
    """Every string inside an input value (lists and mappings walked)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


_DLQ_IN_JSON = re.compile(r'"deadLetterTargetArn"\s*:\s*"([^"]+)"')


def dead_letter_arns(resources: Iterable[RegisteredResource]) -> set[str]:
    """ARNs used as a dead-letter target anywhere: SQS redrive policies (inline or
    `aws:sqs/redrivePolicy`), SNS subscription redrive policies, EventBridge target and Lambda
    dead-letter configs."""
    found: set[str] = set()
    for resource in resources:
        for key in ("redrivePolicy", "deadLetterConfig"):
            value = resource.inputs.get(key)
            if isinstance(value, str):
                found.update(_DLQ_IN_JSON.findall(value))
            elif isinstance(value, dict):
                for field in ("arn", "targetArn"):
                    if isinstance(value.get(field), str):
                        found.add(value[field])
    return found
