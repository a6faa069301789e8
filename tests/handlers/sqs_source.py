"""What Lambda's SQS event source mapping does, against a real (moto) queue: receive a batch,
invoke the function with it, delete the records it did not report as failed.

Failed records are made visible again at once (``ChangeMessageVisibility 0``) instead of after
the visibility timeout, which is what time would do; nothing else is simulated.
Event shape: https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html (example events).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]


@dataclass
class SqsEventSource:
    """Poll ``queue_url`` and feed ``handler``; ``invocations`` keeps every event and response."""

    sqs: Any
    queue_url: str
    batch_size: int = 10
    invocations: list[tuple[dict[str, Any], dict[str, Any]]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.arn = self.sqs.get_queue_attributes(
            QueueUrl=self.queue_url, AttributeNames=["QueueArn"]
        )["Attributes"]["QueueArn"]

    def poll_once(self, handler: Handler, context: Any) -> bool:
        """One receive-invoke-delete round; False when the queue had nothing to give."""
        messages = self.sqs.receive_message(
            QueueUrl=self.queue_url,
            MaxNumberOfMessages=self.batch_size,
            MessageSystemAttributeNames=["All"],
            MessageAttributeNames=["All"],
            WaitTimeSeconds=0,
        ).get("Messages", [])
        if not messages:
            return False
        event = {"Records": [self._record(m) for m in messages]}
        response = handler(event, context)
        self.invocations.append((event, response))
        failed = {f["itemIdentifier"] for f in response.get("batchItemFailures", [])}
        for message in messages:
            if message["MessageId"] in failed:
                self.sqs.change_message_visibility(
                    QueueUrl=self.queue_url,
                    ReceiptHandle=message["ReceiptHandle"],
                    VisibilityTimeout=0,
                )
            else:
                self.sqs.delete_message(
                    QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"]
                )
        return True

    def drain(self, handler: Handler, context: Any, *, max_rounds: int = 20) -> None:
        """Poll until the queue is empty; fails the test if it never empties."""
        for _ in range(max_rounds):
            if not self.poll_once(handler, context):
                return
        raise AssertionError(f"{self.queue_url} still had messages after {max_rounds} rounds")

    def _record(self, message: dict[str, Any]) -> dict[str, Any]:
        return {
            "messageId": message["MessageId"],
            "receiptHandle": message["ReceiptHandle"],
            "body": message["Body"],
            "attributes": dict(message.get("Attributes", {})),
            "messageAttributes": {
                name: {
                    "stringValue": value.get("StringValue"),
                    "dataType": value["DataType"],
                }
                for name, value in message.get("MessageAttributes", {}).items()
            },
            "md5OfBody": message["MD5OfBody"],
            "eventSource": "aws:sqs",
            "eventSourceARN": self.arn,
            "awsRegion": self.arn.split(":")[3],
        }
