"""Throwaway pack for tools/preview tests: one resource policy, one stack policy."""

from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    PolicyPack,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)


def sqs_encrypted(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != "aws:sqs/queue:Queue":
        return
    if not args.props.get("kmsMasterKeyId") and not args.props.get("sqsManagedSseEnabled"):
        report(f"queue '{args.name}' is not encrypted")


def queue_budget(args: StackValidationArgs, report: ReportViolation) -> None:
    limit = args.get_config()["maxQueues"]
    queues = [r for r in args.resources if r.resource_type == "aws:sqs/queue:Queue"]
    if len(queues) > limit:
        report(f"{len(queues)} queues, more than the budget of {limit}")
    for resource in args.resources:
        is_policy = resource.resource_type == "aws:sqs/queuePolicy:QueuePolicy"
        if is_policy and not resource.dependencies:
            report("queue policy depends on no queue", resource.urn)


PolicyPack(
    name="preview-test-pack",
    enforcement_level=EnforcementLevel.MANDATORY,
    policies=[
        ResourceValidationPolicy(
            name="sqs-encrypted",
            description="SQS queues are encrypted at rest.",
            validate=sqs_encrypted,
        ),
        StackValidationPolicy(
            name="queue-budget",
            description="A stack has at most maxQueues queues.",
            enforcement_level=EnforcementLevel.ADVISORY,
            config_schema=PolicyConfigSchema(
                properties={"maxQueues": {"type": "integer", "minimum": 0, "default": 3}}
            ),
            validate=queue_budget,
        ),
    ],
)
