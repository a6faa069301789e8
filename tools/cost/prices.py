"""Unit prices: AWS us-east-1 on-demand list prices in USD, free tiers not deducted.

Each constant names the pricing page it was transcribed from. They were read as of
``PRICES_AS_OF`` and cannot be re-checked offline: verify them on the named page before
relying on an estimate for a budget.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

PRICES_AS_OF = "2025-06"
REGION = "us-east-1"
HOURS_PER_MONTH = 730
"""AWS's own convention for hourly prices per month (365 * 24 / 12)."""
DAYS_PER_MONTH = HOURS_PER_MONTH / 24
SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600

# https://aws.amazon.com/sqs/pricing/ (per 64 KB chunk of a request)
SQS_STANDARD_PER_MILLION_REQUESTS = 0.40
SQS_FIFO_PER_MILLION_REQUESTS = 0.50

# https://aws.amazon.com/sns/pricing/ (deliveries to SQS queues are free)
SNS_STANDARD_PER_MILLION_PUBLISHES = 0.50
SNS_FIFO_PER_MILLION_PUBLISHES = 0.30
SNS_TO_SQS_PER_MILLION_DELIVERIES = 0.0

# https://aws.amazon.com/lambda/pricing/
LAMBDA_PER_MILLION_REQUESTS = 0.20
LAMBDA_X86_PER_GB_SECOND = 0.0000166667
LAMBDA_ARM64_PER_GB_SECOND = 0.0000133334

# https://aws.amazon.com/dynamodb/pricing/on-demand/ (after the 2024-11-01 on-demand price cut)
DYNAMODB_PER_MILLION_WRITE_REQUEST_UNITS = 0.625
DYNAMODB_PER_MILLION_READ_REQUEST_UNITS = 0.125
DYNAMODB_STORAGE_PER_GB_MONTH = 0.25
DYNAMODB_PITR_PER_GB_MONTH = 0.20

# https://aws.amazon.com/eventbridge/pricing/ (per 64 KB chunk of an event)
EVENTBRIDGE_CUSTOM_PER_MILLION_EVENTS = 1.00
EVENTBRIDGE_ARCHIVE_PER_GB_PROCESSED = 0.10
EVENTBRIDGE_ARCHIVE_STORAGE_PER_GB_MONTH = 0.023
EVENTBRIDGE_REPLAY_PER_MILLION_EVENTS = 1.00
"""Replayed events are billed like custom events."""

# https://aws.amazon.com/kms/pricing/
KMS_PER_KEY_MONTH = 1.00
KMS_PER_10K_REQUESTS = 0.03

# https://aws.amazon.com/cloudwatch/pricing/ (alarms are billed per metric they evaluate)
CLOUDWATCH_STANDARD_ALARM_METRIC_MONTH = 0.10
CLOUDWATCH_HIGH_RESOLUTION_ALARM_METRIC_MONTH = 0.30
CLOUDWATCH_COMPOSITE_ALARM_MONTH = 0.50
CLOUDWATCH_DASHBOARD_MONTH = 3.00
CLOUDWATCH_LOGS_INGESTION_PER_GB = 0.50
CLOUDWATCH_LOGS_STORAGE_PER_GB_MONTH = 0.03
CLOUDWATCH_VENDED_LOGS_INGESTION_PER_GB = 0.50
"""VPC flow logs delivered to CloudWatch Logs, first 10 TB tier."""

# https://aws.amazon.com/xray/pricing/
XRAY_PER_MILLION_TRACES_RECORDED = 5.00

# https://aws.amazon.com/vpc/pricing/ (NAT gateways, public IPv4 addresses)
NAT_GATEWAY_PER_HOUR = 0.045
NAT_GATEWAY_PER_GB_PROCESSED = 0.045
PUBLIC_IPV4_PER_HOUR = 0.005

# https://aws.amazon.com/privatelink/pricing/ (interface endpoints, billed per AZ)
INTERFACE_ENDPOINT_PER_AZ_HOUR = 0.01
INTERFACE_ENDPOINT_PER_GB = 0.01

# https://aws.amazon.com/elasticloadbalancing/pricing/ (Application Load Balancer)
ALB_PER_HOUR = 0.0225
ALB_PER_LCU_HOUR = 0.008
ALB_NEW_CONNECTIONS_PER_LCU_SECOND = 25
ALB_PROCESSED_GB_PER_LCU_HOUR = 1.0

# https://aws.amazon.com/fargate/pricing/ (Linux)
FARGATE_X86_PER_VCPU_HOUR = 0.04048
FARGATE_X86_PER_GB_HOUR = 0.004445
FARGATE_ARM64_PER_VCPU_HOUR = 0.03238
FARGATE_ARM64_PER_GB_HOUR = 0.00356
FARGATE_SPOT_PRICE_FRACTION = 0.30
"""Fargate Spot runs "up to 70% off" (same page); spot prices move, this is the typical case."""

# https://aws.amazon.com/ec2/pricing/on-demand/ (Linux, per instance hour)
EC2_ON_DEMAND_PER_HOUR: Mapping[str, float] = MappingProxyType(
    {
        "t4g.micro": 0.0084,
        "t4g.small": 0.0168,
        "t4g.medium": 0.0336,
        "m7g.large": 0.0816,
        "t3.micro": 0.0104,
        "t3.small": 0.0208,
        "t3.medium": 0.0416,
        "m7i.large": 0.1008,
    }
)
# https://aws.amazon.com/ec2/spot/pricing/ and the Spot Instance Advisor ("up to 90% off"):
# spot prices move; this is the fraction of the on-demand price paid in a typical case.
EC2_SPOT_PRICE_FRACTION = 0.35

# https://aws.amazon.com/ebs/pricing/ (gp3: 3000 IOPS and 125 MB/s included)
EBS_GP3_PER_GB_MONTH = 0.08
EBS_GP2_PER_GB_MONTH = 0.10

# https://aws.amazon.com/secrets-manager/pricing/
SECRETS_MANAGER_PER_SECRET_MONTH = 0.40
