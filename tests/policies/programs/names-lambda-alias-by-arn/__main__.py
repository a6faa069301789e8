"""A function gets a `live` alias from its own deploy step (the function named by name) and a
second `live` alias from a canary component that names the function by ARN: one function, one
alias name, so the second CreateAlias fails. physical-names-unique must name the canary's alias
(the later URN of the two); the `canary` alias on the same function is distinct."""

import pulumi
import pulumi_aws as aws

TAGS = {
    "Environment": "dev",
    "Project": "policy-tests",
    "Owner": "platform-team",
    "CostCenter": "cc-1",
    "DataClassification": "internal",
    "ManagedBy": "pulumi",
}

role = aws.iam.Role(
    "worker-role",
    assume_role_policy=pulumi.Output.json_dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "lambda.amazonaws.com"},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
    ),
    tags=TAGS,
)
logs = aws.cloudwatch.LogGroup(
    "worker-logs",
    name="/aws/lambda/orders-worker",
    retention_in_days=400,
    kms_key_id="arn:aws:kms:us-east-1:123456789012:key/1111",
    tags=TAGS,
)
worker = aws.lambda_.Function(
    "worker",
    name="orders-worker",
    memory_size=256,
    timeout=30,
    role=role.arn,
    runtime="python3.13",
    handler="app.handler",
    code=pulumi.AssetArchive({"app.py": pulumi.StringAsset("def handler(e, c):\n    return e\n")}),
    tags=TAGS,
    opts=pulumi.ResourceOptions(depends_on=[logs]),
)
aws.lambda_.Alias("deploy-live", name="live", function_name=worker.name, function_version="1")


class Canary(pulumi.ComponentResource):
    def __init__(self, name: str, function_arn: pulumi.Input[str]) -> None:
        super().__init__("example:release:Canary", name)
        child = pulumi.ResourceOptions(parent=self)
        aws.lambda_.Alias(
            f"{name}-live",
            name="live",
            function_name=function_arn,
            function_version="2",
            opts=child,
        )
        aws.lambda_.Alias(
            f"{name}-canary",
            name="canary",
            function_name=function_arn,
            function_version="2",
            opts=child,
        )


Canary("worker-release", worker.arn)
