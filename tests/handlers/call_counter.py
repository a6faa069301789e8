"""Record the DynamoDB calls a handler makes, through botocore's event hooks on its client."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

WRITE_OPERATIONS = frozenset(
    {"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"}
)


@dataclass
class DynamoDBCalls:
    """Context manager: while active, every API call made by ``client`` is recorded as
    ``(operation, table)``; one entry per API call (botocore's retries are not separate calls).
    """

    client: Any
    calls: list[tuple[str, str]] = field(default_factory=list)

    def _record(self, model: Any, params: dict[str, Any], **_: Any) -> None:
        body = params.get("body") or b"{}"
        table = json.loads(body).get("TableName", "")
        self.calls.append((model.name, table))

    def __enter__(self) -> DynamoDBCalls:
        self.client.meta.events.register("before-call.dynamodb.*", self._record)
        return self

    def __exit__(self, *exc: object) -> None:
        self.client.meta.events.unregister("before-call.dynamodb.*", self._record)

    def take(self) -> list[tuple[str, str]]:
        """The calls recorded since the last ``take``."""
        taken, self.calls = self.calls, []
        return taken

    @staticmethod
    def writes(calls: list[tuple[str, str]]) -> int:
        return sum(operation in WRITE_OPERATIONS for operation, _ in calls)
