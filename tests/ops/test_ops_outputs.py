"""Stack outputs: dotted keys, stdin, and errors that name the nearest keys."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from tools.ops.outputs import (
    StackOutputs,
    StackOutputsError,
    UnknownOutputError,
    load_stack_outputs,
)
from tools.ops.resolve import ResolutionError, reference_value

OUTPUTS = {
    "shipments": {
        "queueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/shipments-prod",
        "dlqUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/shipments-dlq-prod",
        "alarms": {"dlq": "shipments-dlq-has-messages"},
    },
    "orders.dlqUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/orders-dlq-prod",
    "orders": {"dlqUrl": "shadowed-by-the-dotted-top-level-key"},
    "busName": "shipment-events-prod",
    "replicas": 3,
}


def outputs() -> StackOutputs:
    return StackOutputs(values=OUTPUTS, source="test")


def test_dotted_key_reaches_into_nested_outputs() -> None:
    assert outputs().get("shipments.dlqUrl") == OUTPUTS["shipments"]["dlqUrl"]  # type: ignore[index]
    assert outputs().get("shipments.alarms.dlq") == "shipments-dlq-has-messages"
    assert outputs().get("busName") == "shipment-events-prod"


def test_top_level_key_containing_dots_wins_over_nested_path() -> None:
    assert outputs().get("orders.dlqUrl") == OUTPUTS["orders.dlqUrl"]


def test_missing_keys_are_none() -> None:
    assert outputs().get("shipments.nope") is None
    assert outputs().get("busName.extra") is None


def test_unknown_key_error_lists_near_matches() -> None:
    with pytest.raises(UnknownOutputError) as raised:
        outputs().require_string("shipments.dlqURL")
    assert raised.value.candidates[0] == "shipments.dlqUrl"
    assert "shipments.dlqUrl" in str(raised.value)
    assert "shipments.queueUrl" in raised.value.candidates


def test_non_string_value_is_an_error_naming_the_string_keys_below_it() -> None:
    with pytest.raises(StackOutputsError, match=r"shipments\.dlqUrl"):
        outputs().require_string("shipments")
    assert outputs().require_string("shipments.queueUrl").endswith("shipments-prod")


def test_paths_list_only_string_leaves() -> None:
    assert "replicas" not in set(outputs().paths())
    assert {"shipments.alarms.dlq", "orders.dlqUrl", "busName"} <= set(outputs().paths())


def test_load_from_stdin() -> None:
    loaded = load_stack_outputs("-", stdin=io.StringIO(json.dumps(OUTPUTS)))
    assert loaded.source == "stdin"
    assert loaded.get("shipments.queueUrl") == OUTPUTS["shipments"]["queueUrl"]  # type: ignore[index]


def test_load_from_file(tmp_path: Path) -> None:
    path = tmp_path / "out.json"
    path.write_text(json.dumps(OUTPUTS), encoding="utf-8")
    assert load_stack_outputs(str(path)).get("busName") == "shipment-events-prod"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not json", "not JSON"),
        ("[1, 2]", "must be a JSON object"),
    ],
)
def test_load_rejects_what_pulumi_does_not_print(text: str, message: str) -> None:
    with pytest.raises(StackOutputsError, match=message):
        load_stack_outputs("-", stdin=io.StringIO(text))


def test_load_missing_file_names_it(tmp_path: Path) -> None:
    with pytest.raises(StackOutputsError, match=r"missing\.json"):
        load_stack_outputs(str(tmp_path / "missing.json"))


def test_reference_value_prefers_outputs_then_literal() -> None:
    assert reference_value("busName", outputs(), looks_literal=True) == "shipment-events-prod"
    assert reference_value("my-queue", outputs(), looks_literal=True) == "my-queue"
    assert reference_value("my-queue", None, looks_literal=True) == "my-queue"


def test_reference_that_cannot_be_a_name_must_be_an_output_key() -> None:
    with pytest.raises(UnknownOutputError) as raised:
        reference_value("shipments.dlqUlr", outputs(), looks_literal=False)
    assert "shipments.dlqUrl" in raised.value.candidates
    with pytest.raises(ResolutionError, match="--stack-outputs"):
        reference_value("shipments.dlqUrl", None, looks_literal=False)
