"""The HTTP service against a real uvicorn server on 127.0.0.1: every endpoint equals the
in-process function, errors are 422/413/401 and never 500, and schemathesis finds no server error
and no response outside its schema."""

from __future__ import annotations

import json
import threading
import time as clock
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from pydantic import TypeAdapter

pytest.importorskip("fastapi")
uvicorn = pytest.importorskip("uvicorn")
schemathesis = pytest.importorskip("schemathesis")

import hosplogi as h  # noqa: E402
from hosplogi import (  # noqa: E402
    Bid,
    Contract,
    Criterion,
    DeductionKind,
    DeductionRule,
    InspectionPlan,
    LabourRates,
    MaintenancePlan,
    Meter,
    MeterReading,
    Problem,
    ServiceItem,
    SkillRequirement,
    Task,
    Technician,
    default_scorecard,
)
from hosplogi.cli._tour import demo_policy  # noqa: E402
from hosplogi.cli._tour_assets import demo_register  # noqa: E402
from hosplogi.cli._tour_costs import demo_ledger  # noqa: E402
from hosplogi.cli._tour_safety import demo_drills, demo_plans, demo_waste  # noqa: E402
from hosplogi.cli.demo import DEMO_DATE, DEMO_ZONE, demo_day, demo_technicians  # noqa: E402
from hosplogi.service import ENDPOINTS, create_app  # noqa: E402

TOKEN = "s3cret-token"


class Server:
    """uvicorn serving an app on a free port of 127.0.0.1, in a thread of this process."""

    def __init__(self, app: Any) -> None:
        config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        deadline = clock.monotonic() + 20
        while not self.server.started:
            if clock.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            clock.sleep(0.01)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with Server(create_app(max_body=2_000_000, max_solve_seconds=5)) as url:
        yield url


@pytest.fixture(scope="module")
def client(base_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base_url, timeout=60) as c:
        yield c


NOW = datetime.combine(DEMO_DATE, time(23), DEMO_ZONE)
START = datetime.combine(DEMO_DATE, time(0), DEMO_ZONE)


def samples() -> dict[str, dict[str, Any]]:
    """One valid call of every endpoint, as keyword arguments of the library function."""
    orders = demo_day()
    staff = demo_technicians()
    policy = demo_policy()
    scorecard = default_scorecard()
    contract = Contract(
        id="C-LIFT",
        vendor="V-LIFTCO",
        services=(ServiceItem.LIFTS,),
        start=date(2026, 1, 1),
        end=date(2026, 12, 31),
        monthly_fee=Decimal("48000.00"),
        staffing={"lift technician": 2},
        sla_policy=policy,
        deductions=(DeductionRule(kind=DeductionKind.SLA_BREACH, amount=Decimal("500.00")),),
        deduction_cap=Decimal("0.10"),
    )
    plan_start = datetime.combine(date(2026, 1, 5), time(9), DEMO_ZONE)
    plan = MaintenancePlan(
        id="GEN-TEST",
        title="Generator load test",
        trade="electrical",
        start=plan_start,
        rrule="FREQ=MONTHLY;BYMONTHDAY=5",
    )
    inspection_plan = InspectionPlan(
        id="FIRE",
        checklist_id="FIRE-DAILY",
        rrule="FREQ=DAILY;BYHOUR=9",
        start=plan_start,
        location="Ward 3",
    )
    problem = Problem(
        tasks=(
            Task(id="A", duration=30, requirements=(SkillRequirement(skill="plumbing"),), due=40),
            Task(id="B", duration=20, requirements=(SkillRequirement(skill="plumbing"),), due=30),
        ),
        technicians=(Technician(id="P1", skills={"plumbing": 3}),),
    )
    bids = (
        Bid(vendor="V1", price=Decimal("100000"), scores={Criterion.SERVICE_QUALITY: 80}),
        Bid(vendor="V2", price=Decimal("90000"), scores={Criterion.SERVICE_QUALITY: 70}),
        Bid(vendor="V3", price=Decimal("95000"), scores={Criterion.SERVICE_QUALITY: 90}),
    )
    meter = Meter(id="CH-1-kwh", asset_id="CH-1", kind="electricity_kwh")
    readings = tuple(
        MeterReading(meter_id=meter.id, at=START + timedelta(hours=h), value=100.0 + 7.5 * h)
        for h in range(0, 48, 6)
    )
    register = demo_register()
    rates = LabourRates.seed_defaults()
    ledger = demo_ledger()
    waste = demo_waste()
    return {
        "assets/reliability": {
            "register": register,
            "orders": [o for o in orders if o.asset_id in {a.id for a in register.assets}],
            "start": START - timedelta(days=30),
            "end": NOW,
        },
        "assets/usage": {
            "meter": meter,
            "readings": readings,
            "start": START + timedelta(hours=3),
            "end": START + timedelta(hours=40),
        },
        "assets/energy-use": {
            "register": register,
            "meters": (meter,),
            "readings": readings,
            "start": START,
            "end": START + timedelta(hours=40),
        },
        "stores/stock": {"ledger": ledger, "at": NOW},
        "stores/reorder": {"ledger": ledger, "at": NOW},
        "costs/order-cost": {
            "order": orders[2],
            "technicians": staff,
            "rates": rates,
            "ledger": ledger,
        },
        "costs/department-statement": {
            "orders": orders,
            "technicians": staff,
            "rates": rates,
            "ledger": ledger,
            "year": 2026,
            "month": 3,
        },
        "safety/drill-compliance": {"plans": demo_plans(), "drills": demo_drills(), "year": 2025},
        "safety/audit-waste": {"handovers": waste, "now": NOW},
        "safety/waste-totals": {
            "handovers": waste,
            "start": START - timedelta(days=7),
            "end": NOW,
        },
        "sla/evaluate": {"order": orders[0], "policy": policy, "now": NOW},
        "sla/evaluate-many": {"orders": orders, "policy": policy, "now": NOW},
        "sla/compliance": {"orders": orders, "policy": policy, "now": NOW, "by": "trade"},
        "scheduling/recommend": {"order": orders[-1], "technicians": staff, "now": NOW},
        "scheduling/assign": {"orders": orders, "technicians": staff, "now": NOW},
        "scheduling/solve": {"problem": problem, "iterations": 50, "time_limit": 5, "seed": 1},
        "scheduling/replan": {
            "schedule": h.solve(problem, iterations=50, seed=1),
            "problem": problem,
            "now": 10,
            "iterations": 50,
            "time_limit": 5,
        },
        "kpi/score": {
            "scorecard": scorecard,
            "values": {i.code: i.target for i in scorecard.indicators},
        },
        "kpi/measures": {
            "orders": orders,
            "start": START,
            "end": NOW,
            "policy": policy,
            "technicians": staff,
        },
        "kpi/ahp": {"matrix": [[1, 3, 5], ["1/3", 1, 2], ["1/5", "1/2", 1]]},
        "kpi/entropy-weights": {
            "matrix": [[1.0, 20.0], [2.0, 30.0], [3.0, 25.0]],
            "higher_is_better": [True, False],
        },
        "kpi/allocate": {"pool": Decimal("1000.00"), "shares": {"a": 1.0, "b": 2.0, "c": 4.0}},
        "kpi/default-scorecard": {},
        "contracts/settle": {"contract": contract, "year": 2026, "month": 3, "orders": orders},
        "contracts/rank-bids": {
            "bids": bids,
            "weights": {"price": 60.0, "service_quality": 40.0},
        },
        "inspections/occurrences": {
            "plan": inspection_plan,
            "start": START,
            "end": START + timedelta(days=3),
        },
        "maintenance/due": {"plans": (plan,), "start": START, "end": START + timedelta(days=90)},
        "maintenance/generate-orders": {
            "plans": (plan,),
            "start": START,
            "end": START + timedelta(days=90),
        },
    }


SAMPLES = samples()
BY_PATH = {e.path: e for e in ENDPOINTS}


def as_json(value: Any, kind: Any) -> Any:
    return json.loads(TypeAdapter(kind).dump_json(value))


def test_every_endpoint_has_a_sample() -> None:
    assert sorted(SAMPLES) == sorted(e.path for e in ENDPOINTS)


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.path)
def test_an_endpoint_answers_what_the_function_returns(client: httpx.Client, endpoint: Any) -> None:
    arguments = SAMPLES[endpoint.path]
    body = json.loads(endpoint.request(**arguments).model_dump_json(by_alias=True))
    response = client.post(f"/v1/{endpoint.path}", json=body)
    assert response.status_code == 200, response.text
    expected = as_json(endpoint.function(**arguments), endpoint.response_type())
    assert response.json() == expected


def test_health_says_ok_and_the_version(client: httpx.Client) -> None:
    import hosplogi

    assert client.get("/v1/health").json() == {"status": "ok", "version": hosplogi.__version__}


def test_a_schema_is_served_by_model_name(client: httpx.Client) -> None:
    from hosplogi import WorkOrder

    assert client.get("/v1/schemas/WorkOrder").json() == WorkOrder.model_json_schema()
    missing = client.get("/v1/schemas/NoSuchModel")
    assert missing.status_code == 404
    assert "NoSuchModel" in missing.json()["detail"][0]["msg"]


def test_a_library_error_is_a_422_naming_what_was_wrong(client: httpx.Client) -> None:
    response = client.post("/v1/kpi/allocate", json={"pool": "10", "shares": {}})
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert set(error) == {"type", "loc", "msg"}
    assert error["type"] == "HosplogiError"


def test_a_malformed_body_is_a_422_with_type_loc_msg(client: httpx.Client) -> None:
    for body in (b"{", b"[]", b'{"pool": "abc", "shares": {"a": 1}}', b'{"unexpected": 1}'):
        response = client.post(
            "/v1/kpi/allocate", content=body, headers={"content-type": "application/json"}
        )
        assert response.status_code == 422, body
        for error in response.json()["detail"]:
            assert set(error) == {"type", "loc", "msg"}


def test_a_body_over_the_limit_is_a_413(client: httpx.Client) -> None:
    big = b'{"pool": "1", "shares": {"a": 1}, "pad": "' + b"x" * 2_100_000 + b'"}'
    response = client.post("/v1/kpi/allocate", content=big)
    assert response.status_code == 413, response.text

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it streams in
        yield b'{"pool": "1", "shares": {"a": 1}, "pad": "'
        for _ in range(30):
            yield b"x" * 100_000
        yield b'"}'

    response = client.post("/v1/kpi/allocate", content=chunks())
    assert response.status_code == 413


def test_solve_gets_at_most_the_configured_seconds(client: httpx.Client) -> None:
    body = json.loads(
        BY_PATH["scheduling/solve"]
        .request(**{**SAMPLES["scheduling/solve"], "time_limit": 60})
        .model_dump_json()
    )
    response = client.post("/v1/scheduling/solve", json=body)
    assert response.status_code == 422
    assert "5.0 s" in response.json()["detail"][0]["msg"]


def test_a_token_is_required_when_configured() -> None:
    with Server(create_app(token=TOKEN)) as url, httpx.Client(base_url=url) as c:
        body = {"pool": "10", "shares": {"a": 1}}
        assert c.post("/v1/kpi/allocate", json=body).status_code == 401
        wrong = {"Authorization": "Bearer wrong"}
        assert c.post("/v1/kpi/allocate", json=body, headers=wrong).status_code == 401
        right = {"Authorization": f"Bearer {TOKEN}"}
        assert c.post("/v1/kpi/allocate", json=body, headers=right).status_code == 200
        assert c.get("/v1/health").status_code == 200  # load balancers probe without a token
        assert TOKEN not in c.post("/v1/kpi/allocate", json=body, headers=wrong).text


def test_bad_settings_are_refused() -> None:
    from hosplogi import HosplogiError

    with pytest.raises(HosplogiError, match="max_body"):
        create_app(max_body=0)
    with pytest.raises(HosplogiError, match="max_solve_seconds"):
        create_app(max_solve_seconds=float("nan"))


# -- schemathesis: generated requests from the OpenAPI document ------------------------------


@pytest.mark.parametrize("path", [e.path for e in ENDPOINTS])
def test_generated_requests_get_no_server_error_and_match_their_schema(
    base_url: str, path: str
) -> None:
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import response_schema_conformance

    schema = schemathesis.openapi.from_url(f"{base_url}/openapi.json")
    operation = schema["/v1/" + path]["POST"]

    @given(case=operation.as_strategy())
    @settings(
        max_examples=8,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        case.call_and_validate(checks=[not_a_server_error, response_schema_conformance])

    run()


def test_the_serve_command_runs_workers_with_a_token_from_the_environment() -> None:
    import os
    import socket
    import subprocess
    import sys

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "MY_TOKEN": TOKEN}
    argv = [sys.executable, "-m", "hosplogi", "serve", "--port", str(port), "--workers", "2"]
    server = subprocess.Popen(
        [*argv, "--token-env", "MY_TOKEN"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = clock.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/v1/health").status_code == 200:
                    break
            except httpx.TransportError:
                assert server.poll() is None, "the server stopped"
                assert clock.monotonic() < deadline, "the server did not start"
                clock.sleep(0.2)
        body = {"pool": "10", "shares": {"a": 1, "b": 1}}
        assert httpx.post(f"{url}/v1/kpi/allocate", json=body).status_code == 401
        auth = {"Authorization": f"Bearer {TOKEN}"}
        answer = httpx.post(f"{url}/v1/kpi/allocate", json=body, headers=auth)
        assert answer.json() == {"a": "5.00", "b": "5.00"}
    finally:
        server.terminate()
        _, err = server.communicate(timeout=30)
    assert TOKEN.encode() not in err  # never logged


def test_serve_without_the_token_variable_is_refused() -> None:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "hosplogi", "serve", "--token-env", "HOSPLOGI_NO_SUCH_VARIABLE"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "holds no token" in done.stderr
