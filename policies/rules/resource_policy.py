"""Resource policies of queues, topics and event buses: what AWS services they admit.

Public access (a `*` principal) is judged by each service's not-public rule; this module judges
the service principals those policies name.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..lib import Category, Context, PolicyDocument, Resource, Severity, parse_policy, resource_rule
from ..lib.semantics import unscoped_service_principals
from ._common import EVENT_BUS_POLICY, QUEUE, QUEUE_POLICY, TOPIC, TOPIC_POLICY


@resource_rule(
    name="resource-policy-service-principal-scoped",
    types=(QUEUE, QUEUE_POLICY, TOPIC, TOPIC_POLICY, EVENT_BUS_POLICY),
    description="A queue, topic or bus policy that admits an AWS service principal"
    " (sns.amazonaws.com, events.amazonaws.com, s3.amazonaws.com, ...) narrows it with"
    " aws:SourceArn, aws:SourceAccount, aws:SourceOrgID or aws:SourceOrgPaths.",
    severity=Severity.HIGH,
    category=Category.SECURITY,
    rationale="A service principal acts for every customer of that service: without a source"
    " condition any account's topic, rule or bucket can write to the resource (IAM User Guide,"
    ' "The confused deputy problem"; Amazon SQS Developer Guide, "Basic examples of Amazon SQS'
    ' policies"). SNS, EventBridge, S3 and CloudWatch send aws:SourceArn and aws:SourceAccount'
    " with these requests. `...IfExists`, `ForAllValues:`, negated operators and wildcard values"
    " (`arn:aws:sns:*:*:*`) do not narrow. Key policies are left out: AWS's own examples grant"
    " services such as cloudtrail.amazonaws.com on keys without conditions, and not every service"
    " sends the source keys with its KMS requests.",
    fix="Add Condition ArnEquals/ArnLike aws:SourceArn = the topic, rule or bucket ARN (or"
    " StringEquals aws:SourceAccount = the account id) to the statement.",
    unknown="Skips a policy document that is unknown, in whole or in part.",
    anchors=("stack-gap", "crp:aws-lambda-permission-configure-source-arn"),
    decided_by=("policyuniverse (condition values)", "hand: operators and source keys"),
)
def service_principal_scoped(r: Resource, ctx: Context) -> Iterator[str]:
    document = parse_policy(r.props.get("policy"))
    if not isinstance(document, PolicyDocument):
        return
    for index, statement in enumerate(document.statements):
        services = unscoped_service_principals(statement)
        if services:
            yield (
                f"statement {statement.sid or index} admits {', '.join(services)} with no"
                " aws:SourceArn / aws:SourceAccount condition that names our resources"
            )


RULES = [service_principal_scoped]
