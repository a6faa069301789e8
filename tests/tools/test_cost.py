"""tools/cost: exact monthly figures of a program with known resource counts, computed from the
price table (never hard-coded sums), assumptions from the stack file, and the CLI."""

from __future__ import annotations

import json
import math
from io import StringIO
from pathlib import Path

import pulumi_awsx as awsx
import pytest

from tools.cost import prices as p
from tools.cost.assumptions import Assumptions, AssumptionsError, parse_assumptions
from tools.cost.cli import main
from tools.cost.estimate import Estimate, SeedComparison, estimate_program, estimate_run
from tools.cost.report import write_human
from tools.preview.program import run_in_mocks

PROGRAM = Path(__file__).parent / "programs" / "costly"
MONTH_EVENTS = 10_000 * p.DAYS_PER_MONTH  # shipmentEventsPerDay in Pulumi.dev.yaml
GB = 1024 * 1024  # KB per GB


@pytest.fixture(scope="module")
def estimate() -> Estimate:
    return estimate_program(PROGRAM, "dev")


def cost(estimate: Estimate, resource: str, item_prefix: str = "") -> float:
    found = [
        i.monthly
        for i in estimate.items
        if i.resource == resource and i.item.startswith(item_prefix)
    ]
    assert found, f"no line item {item_prefix!r} for {resource}"
    return sum(found)


def test_three_kms_keys_cost_three_key_months(estimate: Estimate) -> None:
    keys = [i for i in estimate.items if i.unit == "key-month"]
    assert sorted(i.resource for i in keys) == ["shared-key-0", "shared-key-1", "shipments-key"]
    assert sum(i.monthly for i in keys) == pytest.approx(3 * p.KMS_PER_KEY_MONTH)


def test_nat_gateway_runs_every_hour_and_its_address_is_billed(estimate: Estimate) -> None:
    assert cost(estimate, "nat") == pytest.approx(
        p.HOURS_PER_MONTH * p.NAT_GATEWAY_PER_HOUR + 5 * p.NAT_GATEWAY_PER_GB_PROCESSED
    )
    assert cost(estimate, "nat-ip") == pytest.approx(p.HOURS_PER_MONTH * p.PUBLIC_IPV4_PER_HOUR)


def test_interface_endpoint_is_billed_per_az_and_gateway_endpoint_is_free(
    estimate: Estimate,
) -> None:
    assert cost(estimate, "sqs-endpoint") == pytest.approx(
        2 * p.HOURS_PER_MONTH * p.INTERFACE_ENDPOINT_PER_AZ_HOUR + 1 * p.INTERFACE_ENDPOINT_PER_GB
    )
    assert not [i for i in estimate.items if i.resource == "s3-endpoint"]


def test_alarms_are_billed_per_metric_and_resolution(estimate: Estimate) -> None:
    standard = p.CLOUDWATCH_STANDARD_ALARM_METRIC_MONTH
    assert cost(estimate, "plain-0") == pytest.approx(standard)
    assert cost(estimate, "error-rate") == pytest.approx(2 * standard)  # two metrics, one math
    assert cost(estimate, "fast") == pytest.approx(p.CLOUDWATCH_HIGH_RESOLUTION_ALARM_METRIC_MONTH)
    assert cost(estimate, "both") == pytest.approx(p.CLOUDWATCH_COMPOSITE_ALARM_MONTH)
    assert cost(estimate, "ops") == pytest.approx(p.CLOUDWATCH_DASHBOARD_MONTH)


def test_function_invocations_follow_the_batch_size_and_architecture(estimate: Estimate) -> None:
    invocations = MONTH_EVENTS / 10
    assert cost(estimate, "shipments-fn", "requests") == pytest.approx(
        invocations / 1e6 * p.LAMBDA_PER_MILLION_REQUESTS
    )
    assert cost(estimate, "shipments-fn", "duration") == pytest.approx(
        invocations * 0.1 * 0.5 * p.LAMBDA_ARM64_PER_GB_SECOND
    )
    assert cost(estimate, "shipments-fn", "X-Ray") == pytest.approx(
        invocations / 1e6 * p.XRAY_PER_MILLION_TRACES_RECORDED
    )


def test_queue_requests_idle_polling_and_dead_letter_queue(estimate: Estimate) -> None:
    price = p.SQS_STANDARD_PER_MILLION_REQUESTS
    assert cost(estimate, "shipments-queue", "requests") == pytest.approx(
        (MONTH_EVENTS + 2 * MONTH_EVENTS / 10) / 1e6 * price
    )
    assert cost(estimate, "shipments-queue", "consumer long polls") == pytest.approx(
        5 * p.SECONDS_PER_MONTH / 20 / 1e6 * price
    )
    assert cost(estimate, "shipments-dlq", "dead-letter") == pytest.approx(
        MONTH_EVENTS * 0.001 * 3 / 1e6 * price
    )
    kms = [i for i in estimate.items if i.resource == "shipments-queue" and i.family == "security"]
    assert [i.monthly for i in kms] == [
        pytest.approx(2 * p.SECONDS_PER_MONTH / 300 / 10_000 * p.KMS_PER_10K_REQUESTS)
    ]


def test_on_demand_table_writes_storage_and_pitr(estimate: Estimate) -> None:
    stored_gb = 10_000 * 90 * 1 / GB
    assert cost(estimate, "shipments-table", "on-demand writes") == pytest.approx(
        MONTH_EVENTS * 3 / 1e6 * p.DYNAMODB_PER_MILLION_WRITE_REQUEST_UNITS
    )
    assert cost(estimate, "shipments-table", "storage") == pytest.approx(
        stored_gb * p.DYNAMODB_STORAGE_PER_GB_MONTH
    )
    assert cost(estimate, "shipments-table", "point-in-time") == pytest.approx(
        stored_gb * p.DYNAMODB_PITR_PER_GB_MONTH
    )


def test_event_bus_archive_and_log_group(estimate: Estimate) -> None:
    monthly_gb = MONTH_EVENTS / GB
    assert cost(estimate, "shipments-bus") == pytest.approx(
        MONTH_EVENTS / 1e6 * p.EVENTBRIDGE_CUSTOM_PER_MILLION_EVENTS
    )
    assert cost(estimate, "shipments-archive") == pytest.approx(
        monthly_gb * p.EVENTBRIDGE_ARCHIVE_PER_GB_PROCESSED
        + monthly_gb * 7 / p.DAYS_PER_MONTH * p.EVENTBRIDGE_ARCHIVE_STORAGE_PER_GB_MONTH
    )
    logs_gb = 2 * monthly_gb  # logKbPerEvent: 2
    assert cost(estimate, "shipments-logs") == pytest.approx(
        logs_gb * p.CLOUDWATCH_LOGS_INGESTION_PER_GB
        + logs_gb * 14 / p.DAYS_PER_MONTH * p.CLOUDWATCH_LOGS_STORAGE_PER_GB_MONTH
    )


def test_load_balancer_lcus_follow_the_request_rate(estimate: Estimate) -> None:
    lcu = 50 / p.ALB_NEW_CONNECTIONS_PER_LCU_SECOND
    alb = [i for i in estimate.items if i.resource == "api" and i.family == "network"]
    assert sum(i.monthly for i in alb) == pytest.approx(
        p.HOURS_PER_MONTH * (p.ALB_PER_HOUR + lcu * p.ALB_PER_LCU_HOUR)
    )


def test_auto_scaling_group_on_demand_base_spot_above_and_volumes(estimate: Estimate) -> None:
    hourly = p.EC2_ON_DEMAND_PER_HOUR["t4g.small"]
    assert cost(estimate, "workers", "t4g.small on-demand") == pytest.approx(
        p.HOURS_PER_MONTH * hourly
    )
    assert cost(estimate, "workers", "t4g.small spot") == pytest.approx(
        p.HOURS_PER_MONTH * hourly * p.EC2_SPOT_PRICE_FRACTION
    )
    assert cost(estimate, "workers", "EBS") == pytest.approx(2 * 20 * p.EBS_GP3_PER_GB_MONTH)


def test_fargate_service_arm64_tasks(estimate: Estimate) -> None:
    fargate = [i for i in estimate.items if i.family == "containers"]
    assert sum(i.monthly for i in fargate) == pytest.approx(
        2
        * p.HOURS_PER_MONTH
        * (0.5 * p.FARGATE_ARM64_PER_VCPU_HOUR + 1 * p.FARGATE_ARM64_PER_GB_HOUR)
    )


def test_workloads_families_and_total_add_up(estimate: Estimate) -> None:
    pipeline = [i for i in estimate.items if i.urn.split("::")[2].startswith("test:shipments")]
    assert {i.workload for i in pipeline} == {"shipments"}
    assert estimate.by_workload()["shipments"] == pytest.approx(sum(i.monthly for i in pipeline))
    assert estimate.workload_types["shipments"] == "test:shipments:Pipeline"
    assert sum(estimate.by_family().values()) == pytest.approx(estimate.total)
    assert sum(estimate.by_workload().values()) == pytest.approx(estimate.total)
    assert {i.family for i in estimate.items} == {
        "messaging",
        "compute",
        "data",
        "events",
        "security",
        "observability",
        "network",
        "containers",
    }
    assert estimate.notes == ()


def test_seed_comparison_of_the_shipment_pipeline(estimate: Estimate) -> None:
    shipment = estimate.shipment()
    assert shipment.workloads == ("shipments",)
    assert shipment.monthly == pytest.approx(estimate.by_workload()["shipments"])
    assert shipment.verdict == "below"  # 10k events a day, no dashboard or alarms of its own
    assert SeedComparison(workloads=("s",), monthly=15.0).verdict == "inside"
    assert SeedComparison(workloads=("s",), monthly=50.01).verdict == "above"
    assert SeedComparison(workloads=(), monthly=0).verdict.startswith("no shipment")


def test_defaults_are_seed_003_volumes_when_the_stack_sets_none() -> None:
    estimate = estimate_program(PROGRAM, "defaults")
    assert estimate.assumptions.volume("shipments") == 30_000
    assert "no costAssumptions" in estimate.assumptions.source
    assert cost(estimate, "shipments-bus") == pytest.approx(
        30_000 * p.DAYS_PER_MONTH / 1e6 * p.EVENTBRIDGE_CUSTOM_PER_MILLION_EVENTS
    )


def test_assumptions_report_every_problem_at_once() -> None:
    with pytest.raises(AssumptionsError) as raised:
        parse_assumptions(
            {"shipmentEventsPerDay": -1, "lambdaDurationMs": "fast", "coffee": 3, "failureRate": 2},
            "Pulumi.x.yaml",
        )
    problems = raised.value.problems
    assert [problem.split(":")[0] for problem in problems] == [
        "shipmentEventsPerDay",
        "lambdaDurationMs",
        "coffee",
        "failureRate",
    ]
    assert "Pulumi.x.yaml" in str(raised.value)


def test_volume_matches_the_workload_name_by_word() -> None:
    assumptions = parse_assumptions(
        {"orderEventsPerDay": 5, "paymentsEventsPerDay": 7, "defaultEventsPerDay": 1}, "x"
    )
    assert assumptions.volume("orders-fanout") == 5
    assert assumptions.volume("PaymentsBus") == 7
    assert assumptions.volume("alarm-topics") == 1
    assert assumptions.volume("shipment-pipeline") == 30_000  # seed default kept


@pytest.mark.parametrize(
    ("nat_gateways", "zones", "expected"),
    [
        ({"strategy": "Single"}, 3, 1),
        ({"strategy": "OnePerAz"}, 3, 3),
        (None, 2, 2),
        ({"strategy": "None"}, 3, 0),
    ],
)
def test_awsx_vpc_nat_gateways_from_its_strategy(
    nat_gateways: dict[str, str] | None, zones: int, expected: int
) -> None:
    def program() -> None:
        awsx.ec2.Vpc("network", number_of_availability_zones=zones, nat_gateways=nat_gateways)

    estimate = estimate_run(run_in_mocks(program), Assumptions())
    nat = [i for i in estimate.items if i.item.startswith("NAT gateway")]
    assert sum(i.quantity for i in nat) == expected * p.HOURS_PER_MONTH
    assert math.isclose(
        estimate.total,
        expected * p.HOURS_PER_MONTH * (p.NAT_GATEWAY_PER_HOUR + p.PUBLIC_IPV4_PER_HOUR)
        + expected * 5 * p.NAT_GATEWAY_PER_GB_PROCESSED,
    )


def test_cli_json_is_one_document(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--program", str(PROGRAM), "--stack", "dev", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["stack"] == "dev"
    assert document["total"] == pytest.approx(sum(i["monthly"] for i in document["items"]), 1e-4)
    assert document["shipmentPipeline"]["verdict"] == "below"
    assert document["assumptions"]["shipmentEventsPerDay"] == 10_000


def test_cli_human_report_and_invalid_assumptions(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--program", str(PROGRAM), "--stack", "dev"]) == 0
    out = capsys.readouterr().out
    assert "Per family" in out and "Per workload" in out and "shipmentEventsPerDay" in out
    assert "below seed 003's estimate" in out
    assert main(["--program", str(PROGRAM), "--stack", "bad"]) == 2
    err = capsys.readouterr().err
    assert "coffeePerDay: unknown assumption" in err and "lambdaDurationMs" in err


def test_report_lines_are_never_wrapped_without_a_terminal(estimate: Estimate) -> None:
    """CI logs and pipes get the header on one line (a fixed console width wrapped it)."""
    out = StringIO()
    write_human(estimate, out)
    header = out.getvalue().splitlines()[0]
    assert header.startswith("Monthly cost estimate of ")
    assert header.endswith("free tiers not deducted)")
