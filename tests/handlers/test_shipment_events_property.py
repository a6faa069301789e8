"""Property: for any batch mixing new events, duplicates/replays and poison records, the handler
stores exactly one item per business key (the first content seen) and fails exactly the poison."""

from __future__ import annotations

import json
from typing import Any

import pytest
import shipment_events
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from moto_server import ShipmentTables
from sqs_events import FakeLambdaContext, failed_ids, shipment_event, sqs_record

SHIPMENTS = st.sampled_from(["SHP-1", "SHP-2", "SHP-3"])
TIMESTAMPS = st.sampled_from(["2025-10-13T10:30:00Z", "2025-10-13T11:00:00Z"])
JSON_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(10**12), 10**12)
    | st.floats(allow_nan=False, allow_infinity=False, width=32)
    | st.text(max_size=8)
)
EVENT_DATA = st.recursive(
    JSON_SCALARS,
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.text(min_size=1, max_size=5), children, max_size=3)
    ),
    max_leaves=8,
)
VALID = st.builds(
    lambda shipment, timestamp, data: ("valid", shipment_event(shipment, timestamp, "moved", data)),
    SHIPMENTS,
    TIMESTAMPS,
    st.dictionaries(st.text(min_size=1, max_size=5), EVENT_DATA, max_size=3),
)
POISON = st.sampled_from(
    [
        "",
        "not json",
        "[]",
        json.dumps({"detail": "SHP-1"}),
        json.dumps({"detail": {"shipment_id": "SHP-1", "event_timestamp": "t"}}),
        json.dumps({"detail": {"shipment_id": "", "event_timestamp": "t", "event_type": "x"}}),
        json.dumps({"detail": {"shipment_id": "SHP-1", "event_timestamp": 5, "event_type": "x"}}),
    ]
).map(lambda body: ("poison", body))


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(entries=st.lists(VALID | POISON, min_size=1, max_size=12))
def test_one_item_per_business_key_and_failures_are_exactly_the_poison(
    aws: Any, monkeypatch: pytest.MonkeyPatch, entries: list[tuple[str, Any]]
):
    tables = ShipmentTables.create(aws)
    for name, value in tables.environment.items():
        monkeypatch.setenv(name, value)
    records = [sqs_record(body) for _, body in entries]
    poison_ids = [
        record["messageId"]
        for (kind, _), record in zip(entries, records, strict=True)
        if kind == "poison"
    ]
    first_seen: dict[tuple[str, str], Any] = {}
    for kind, body in entries:
        if kind == "valid":
            detail = body["detail"]
            key = (detail["shipment_id"], detail["event_timestamp"])
            first_seen.setdefault(key, json.loads(json.dumps(detail["event_data"])))

    if len(poison_ids) == len(records):
        with pytest.raises(BatchProcessingError):
            shipment_events.handler({"Records": records}, FakeLambdaContext())
    else:
        response = shipment_events.handler({"Records": records}, FakeLambdaContext())
        assert failed_ids(response) == poison_ids

    stored = {
        (item["shipment_id"], item["event_timestamp"]): json.loads(
            json.dumps(item["event_data"], default=float)
        )
        for item in tables.events_items()
    }
    assert len(tables.events_items()) == len(stored)
    assert stored == first_seen
    assert len(tables.idempotency_items()) == len(first_seen)
