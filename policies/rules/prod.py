"""Production state survives refactors: stateful resources are protected in a prod stack."""

from __future__ import annotations

from collections.abc import Iterator

from ..lib import Category, Context, Finding, Severity, Stack, is_unknown, stack_rule, undecided
from ._common import EVENT_ARCHIVE, KMS_KEY, LOG_GROUP, QUEUE, TABLE

STATEFUL = (KMS_KEY, TABLE, QUEUE, EVENT_ARCHIVE, LOG_GROUP)
"""Resources whose deletion loses data: keys (everything they encrypted), tables, queues and
dead-letter queues (their messages), archives (their events) and log groups."""


def _environment(stack: Stack) -> set[str]:
    """The Environment tag values the stack's resources carry (`tagsAll`, else `tags`)."""
    values = set()
    for resource in stack:
        for bag in ("tagsAll", "tags"):
            value = resource.props.get(f"{bag}.Environment")
            if isinstance(value, str):
                values.add(value)
                break
    return values


@stack_rule(
    name="prod-stateful-resources-protected",
    description="In a stack whose Environment tag is prod, KMS keys, DynamoDB tables, SQS queues "
    "(dead-letter queues too), EventBridge archives and log groups are protected.",
    severity=Severity.HIGH,
    category=Category.DATA_LOSS,
    anchors=("stack-gap", "seed:002_a26f7fa1be8d0e5c.txt"),
    rationale="A renamed component or a moved resource makes `pulumi up` delete and recreate "
    "it: for stateful resources that loses the data (a deleted key makes everything it "
    "encrypted unreadable). `protect` makes the engine refuse the delete; the seeds ask for "
    "RETAIN in production, DESTROY in dev.",
    fix="Pass `opts=pulumi.ResourceOptions(protect=True)` to these resources in prod (keys and "
    "archives also `retain_on_delete=True`).",
    unknown="Says it cannot decide while the Environment tags are unknown.",
)
def prod_stateful_resources_protected(stack: Stack, ctx: Context) -> Iterator[Finding]:
    environments = _environment(stack)
    if "prod" not in environments:
        if any(is_unknown(r.props.get("tagsAll")) for r in stack.of_type(*STATEFUL)):
            undecided("the Environment tag of the stack")
        return
    for resource in stack.of_type(*STATEFUL):
        if not resource.protect:
            yield Finding.on(
                resource, f"{resource.name} holds production data and is not protected"
            )


RULES = [prod_stateful_resources_protected]
