"""The on-call topic is encrypted with the AWS-managed alias/aws/sns key (it looks encrypted
and costs nothing), and the queue-depth alarm publishes to it. CloudWatch can never be granted
that key, so the alarm never notifies anyone: kms-key-grants-producer-service must name the
topic."""

import pulumi_aws as aws

TAGS = {
    "Environment": "dev",
    "Project": "policy-tests",
    "Owner": "platform-team",
    "CostCenter": "cc-1",
    "DataClassification": "internal",
    "ManagedBy": "pulumi",
}

oncall = aws.sns.Topic("oncall", kms_master_key_id="alias/aws/sns", tags=TAGS)
jobs = aws.sqs.Queue("jobs", sqs_managed_sse_enabled=True, tags=TAGS)
aws.cloudwatch.MetricAlarm(
    "jobs-backlog",
    namespace="AWS/SQS",
    metric_name="ApproximateAgeOfOldestMessage",
    dimensions={"QueueName": jobs.name},
    statistic="Maximum",
    period=60,
    evaluation_periods=5,
    threshold=900,
    comparison_operator="GreaterThanThreshold",
    alarm_actions=[oncall.arn],
    ok_actions=[oncall.arn],
    tags=TAGS,
)
