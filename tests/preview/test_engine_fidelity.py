"""What the preview sends a pack is what the engine sends it (research/analyzer_protocol.md): a
recording pack reports every Analyze and AnalyzeStack request it receives, in a first preview
and in an update."""

from __future__ import annotations

import json
import textwrap
from functools import cache
from pathlib import Path
from typing import Any

import pulumi
import pulumi_aws as aws
import pytest

from tools.preview.analyzer import PackStartError, PolicyPackProcess
from tools.preview.program import ProgramRun, installed_version, run_in_mocks
from tools.preview.project import load_project

RECORDING = Path(__file__).parent / "packs" / "recording"
STACK, PROJECT = "dev", "probe"
CONFIG = {"aws:region": "us-east-1", "aws:defaultTags": json.dumps({"tags": {"Owner": "ops"}})}
SEEN_UNKNOWN = "<unknown>"  # what the recording pack reports for an unknown value


class Inbox(pulumi.ComponentResource):
    def __init__(self, name: str, queue: aws.sqs.Queue) -> None:
        super().__init__("probe:messaging:Inbox", name)
        self.register_outputs({"queueUrl": queue.url, "label": name})


def _program() -> None:
    east = aws.Provider("west", region="eu-west-1", default_tags={"tags": {"Team": "core"}})
    key = aws.kms.Key("key")
    queue = aws.sqs.Queue(
        "orders",
        kms_master_key_id=key.arn,
        tags={"Env": "dev"},
        opts=pulumi.ResourceOptions(
            protect=True,
            ignore_changes=["tags"],
            delete_before_replace=True,
            custom_timeouts=pulumi.CustomTimeouts(create="5m", delete="1h"),
            aliases=[pulumi.Alias(name="old-orders")],
            additional_secret_outputs=["url"],
        ),
    )
    aws.sqs.Queue("jobs", fifo_queue=True, opts=pulumi.ResourceOptions(provider=east))
    Inbox("inbox", queue)
    pulumi.export("queueArn", queue.arn)


@cache
def _run(preview: bool) -> ProgramRun:
    return run_in_mocks(_program, project=PROJECT, stack=STACK, config=CONFIG, preview=preview)


@cache
def _recorded(preview: bool, remediate: bool = False) -> tuple[dict[str, Any], list[Any]]:
    """What the pack saw: Analyze records by resource name, and the AnalyzeStack resources."""
    config = {"tag-queues": "remediate"} if remediate else {}
    tags = load_project(Path(__file__).parent / "programs" / "clean").stack_tags
    with PolicyPackProcess(
        RECORDING, config, project=PROJECT, stack=STACK, stack_config=CONFIG, stack_tags=tags
    ) as pack:
        resources, _ = pack.remediate_all(_run(preview).analyzed)
        analyzed = pack.analyze_all(resources)
        stack = pack.analyze_stack(resources)
    by_name = {
        record["name"]: record
        for record in (_json(v.message) for v in analyzed if v.policy == "record")
    }
    [stack_record] = [_json(v.message) for v in stack if v.policy == "record-stack"]
    return by_name, stack_record


def _json(message: str) -> Any:
    """pulumi_policy puts the policy's description on the first line of a message."""
    return json.loads(message.split("\n", 1)[1])


def test_a_first_preview_sends_values_other_resources_compute_as_unknown() -> None:
    orders = _recorded(True)[0]["orders"]["props"]
    assert orders["kmsMasterKeyId"] == SEEN_UNKNOWN
    assert _recorded(False)[0]["orders"]["props"]["kmsMasterKeyId"].startswith("arn:aws:kms:")


def test_analyze_sees_the_inputs_after_the_providers_check() -> None:
    analyzed, _ = _recorded(True)
    orders, jobs = analyzed["orders"]["props"], analyzed["jobs"]["props"]
    # Autoname <logical>-<7 hex>, .fifo for a FIFO queue; region from the provider.
    assert orders["name"].startswith("orders-") and len(orders["name"]) == len("orders-") + 7
    assert jobs["name"].endswith(".fifo") and jobs["name"].startswith("jobs-")
    assert (orders["region"], jobs["region"]) == ("us-east-1", "eu-west-1")
    # tagsAll: the provider's default tags with the resource's own.
    assert orders["tagsAll"] == {"Owner": "ops", "Env": "dev"}
    assert jobs["tagsAll"] == {"Team": "core"}
    # The provider's schema defaults.
    assert orders["visibilityTimeoutSeconds"] == 30
    assert analyzed["key"]["props"]["keyUsage"] == "ENCRYPT_DECRYPT"


def test_the_autoname_is_the_same_in_every_run() -> None:
    names = {_recorded(True)[0]["orders"]["props"]["name"]}
    names.add(_recorded(False)[0]["orders"]["props"]["name"])
    assert len(names) == 1


def test_every_resource_option_reaches_the_pack() -> None:
    options = _recorded(True)[0]["orders"]["options"]
    assert options == {
        "protect": True,
        "ignoreChanges": ["tags"],
        "deleteBeforeReplace": True,
        "aliases": [f"urn:pulumi:{STACK}::{PROJECT}::aws:sqs/queue:Queue::old-orders"],
        "customTimeouts": [300.0, 0.0, 3600.0],
        "additionalSecretOutputs": ["url"],
        "parent": f"urn:pulumi:{STACK}::{PROJECT}::pulumi:pulumi:Stack::{PROJECT}-{STACK}",
    }


def test_default_and_explicit_providers_are_analyzed_and_named() -> None:
    analyzed, _ = _recorded(True)
    [default] = [r for r in analyzed.values() if r["name"].startswith("default_")]
    assert default["type"] == "pulumi:providers:aws"
    assert default["props"]["region"] == "us-east-1"
    assert json.loads(default["props"]["defaultTags"]) == {"tags": {"Owner": "ops"}}
    assert default["name"] == "default_" + default["props"]["version"].replace(".", "_")
    assert default["props"]["version"] == installed_version("pulumi_aws")
    assert analyzed["orders"]["provider"]["urn"].endswith(f"::{default['name']}")
    assert analyzed["jobs"]["provider"]["name"] == "west"
    assert analyzed["west"]["type"] == "pulumi:providers:aws"


def test_components_and_the_stack_have_no_provider_and_send_their_outputs() -> None:
    analyzed, stack = _recorded(True)
    assert analyzed["inbox"]["provider"] is None
    by_type = {r["type"]: r for r in stack}
    inbox, root = by_type["probe:messaging:Inbox"], by_type["pulumi:pulumi:Stack"]
    assert (inbox["provider"], root["provider"]) == (None, None)
    assert inbox["props"] == {"queueUrl": SEEN_UNKNOWN, "label": "inbox"}
    assert root["props"] == {"queueArn": SEEN_UNKNOWN}
    updated = {r["type"]: r for r in _recorded(False)[1]}
    assert updated["probe:messaging:Inbox"]["props"]["queueUrl"].startswith("https://sqs.")


def test_analyze_stack_sends_planned_state_and_protect() -> None:
    _, stack = _recorded(True)
    orders = next(r for r in stack if r["urn"].endswith("::orders"))
    assert orders["protect"] is True
    assert orders["props"]["arn"] == SEEN_UNKNOWN
    assert orders["props"]["name"].startswith("orders-")
    assert orders["propertyDependencies"]["kmsMasterKeyId"] == [
        next(r["urn"] for r in stack if r["urn"].endswith("::key"))
    ]


def test_configure_stack_sends_the_stack_tags() -> None:
    tags = _recorded(True)[0]["orders"]["stackTags"]
    assert tags == {
        "pulumi:project": "clean-app",
        "pulumi:runtime": "python",
        "pulumi:description": "Throwaway program for tools/preview tests, compliant with the "
        "test pack.",
    }


def test_remediation_replaces_the_inputs_analyze_and_analyze_stack_see() -> None:
    analyzed, stack = _recorded(True, remediate=True)
    assert analyzed["orders"]["props"]["tags"] == {"Env": "dev", "Remediated": "yes"}
    assert analyzed["key"]["props"].get("tags") is None  # not a queue: left as it was
    orders = next(r for r in stack if r["urn"].endswith("::orders"))
    assert orders["props"]["tags"]["Remediated"] == "yes"


# -- launching the pack as the language host does ---------------------------------------------


def _pack(tmp_path: Path, main_py: str, virtualenv: str | None = None) -> Path:
    options = f"\n  options:\n    virtualenv: {virtualenv}" if virtualenv else ""
    (tmp_path / "PulumiPolicy.yaml").write_text(f"runtime:\n  name: python{options}\n")
    (tmp_path / "__main__.py").write_text(textwrap.dedent(main_py))
    return tmp_path


def test_a_missing_pack_virtualenv_is_an_error(tmp_path: Path) -> None:
    pack = _pack(tmp_path, "print(1)\n", virtualenv="venv")
    with pytest.raises(PackStartError, match="'virtualenv' option is set to 'venv'"):
        PolicyPackProcess(pack).start()


def test_the_port_must_be_the_first_line(tmp_path: Path) -> None:
    pack = _pack(tmp_path, "print('starting up', flush=True)\nprint(4242, flush=True)\n")
    with pytest.raises(PackStartError, match="printed 'starting up' where the engine expects"):
        PolicyPackProcess(pack).start()


def test_a_pack_that_prints_no_port_is_reported_with_its_output(tmp_path: Path) -> None:
    pack = _pack(
        tmp_path,
        """
        import sys, time
        print("loading rules", file=sys.stderr, flush=True)
        time.sleep(60)
        """,
    )
    process = PolicyPackProcess(pack, port_timeout=3.0)
    with pytest.raises(PackStartError, match=r"printed no port within 3 s:\nloading rules"):
        process.start()
