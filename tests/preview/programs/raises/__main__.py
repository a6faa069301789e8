"""A program whose helper raises while it runs."""

import pulumi_aws as aws
import settings

aws.sqs.Queue("before-the-error", sqs_managed_sse_enabled=True)
settings.load()
