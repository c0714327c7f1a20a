"""The simulation's fast paths against their references.

The engine writes orders through :class:`~hosplogi.simulation._log.OrderLog` (checked moves, the
order built once) instead of a lifecycle call per event; the built-in policies skip orders nobody
free may staff and hand the matching only the people able to help, and `recommend` takes a
one-person order's first choice without building the recommendation; the clock looks offsets up
once an hour; the engine keeps each order's minutes in system as it goes. Each is checked here
against the plain path it replaces. A run leaves the garbage collector alone and frees its state
when it ends; both are checked too.
"""

from __future__ import annotations

import gc
import sys
import weakref
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from hosplogi.crews import Certificate, SkillRequirement, Technician
from hosplogi.errors import HosplogiError, InfeasibleError, TransitionError
from hosplogi.orders import Action, Priority, WorkOrder
from hosplogi.scheduling import _teams, recommend, team_for
from hosplogi.scheduling._matching import match
from hosplogi.scheduling.dispatch import first_choice, first_team, member_fit
from hosplogi.simulation import Demand, Hospital, Scenario, _clock, engine, simulate
from hosplogi.simulation._log import OrderLog
from hosplogi.simulation.policies import POLICY_NAMES, Assignment, named_policy

# -- orders: OrderLog against the lifecycle methods ------------------------------------------------


def _by_lifecycle(order: WorkOrder) -> WorkOrder:
    """The same history made by WorkOrder.report and one lifecycle call per event."""
    first = order.events[0]
    built = WorkOrder.report(
        id=order.id,
        title=order.title,
        trade=order.trade,
        priority=order.priority,
        reported_at=order.reported_at,
        location=order.location,
        department=order.department,
        asset_id=order.asset_id,
        requirements=order.requirements,
        estimated_minutes=order.estimated_minutes,
        source=order.source,
        by=first.by,
    )
    for e in order.events[1:]:
        if e.action is Action.DISPATCH:
            built = built.dispatch(e.assignees, at=e.at, by=e.by)
        elif e.action is Action.START:
            built = built.start(at=e.at, by=e.by)
        elif e.action is Action.HOLD:
            assert e.hold_reason is not None
            built = built.hold(e.hold_reason, at=e.at, by=e.by, note=e.note)
        elif e.action is Action.RESUME:
            built = built.resume(at=e.at, by=e.by)
        elif e.action is Action.COMPLETE:
            built = built.complete(at=e.at, by=e.by, note=e.note)
        elif e.action in (Action.VERIFY, Action.REJECT):
            accepted = e.action is Action.VERIFY
            built = built.verify(at=e.at, by=e.by, accepted=accepted, rating=e.rating, note=e.note)
        else:
            assert e.action is Action.CLOSE, e.action
            built = built.close(at=e.at, by=e.by, note=e.note)
    return built


def _busy_scenario(policy: str) -> Scenario:
    """Holds and refused acceptance often, so every kind of move is made."""
    hospital = Hospital.synthetic(beds=120, seed=4)
    return Scenario(hospital=hospital, policy=policy, hold_probability=0.3, reject_probability=0.3)


@pytest.mark.parametrize("policy", POLICY_NAMES)
def test_orders_equal_those_the_lifecycle_methods_make(policy: str) -> None:
    run = simulate(_busy_scenario(policy), days=3, seed=11)
    actions = {e.action for o in run.orders for e in o.events}
    assert {Action.HOLD, Action.RESUME, Action.REJECT, Action.CLOSE} <= actions
    for order in run.orders:
        reference = _by_lifecycle(order)
        assert order == reference
        assert order.model_dump_json() == reference.model_dump_json()
        assert order.model_fields_set == reference.model_fields_set
        assert [e.model_fields_set for e in order.events] == [
            e.model_fields_set for e in reference.events
        ]


def test_orders_read_back_from_their_json_which_replays_every_log() -> None:
    run = simulate(_busy_scenario("recommend"), days=3, seed=12)
    for order in run.orders:
        assert WorkOrder.model_validate_json(order.model_dump_json()) == order


def _reported(at: datetime) -> WorkOrder:
    return WorkOrder.report(
        id="WO-1", title="t", trade="hvac", priority="routine", reported_at=at, location="L"
    )


@pytest.mark.skipif(sys.implementation.name != "cpython", reason="CPython keeps the fields inline")
def test_order_log_events_keep_their_fields_inline_until_asked() -> None:
    t = datetime(2026, 3, 2, 9, tzinfo=UTC)
    made = WorkOrder.report(id="WO-0", title="t", trade="hvac", priority="routine", location="L1",
                            reported_at=t).dispatch(("T1",), at=t)  # fmt: skip
    validated = [WorkOrder.model_validate_json(made.model_dump_json()) for _ in range(300)]
    assert len(validated) == 300  # many events made by validation first: the keys stay shared
    logs = [
        OrderLog.report(
            id=f"WO-{i}",
            title="t",
            trade="hvac",
            priority=Priority.ROUTINE,
            reported_at=t,
            location="L1",
            by="desk",
        )
        for i in range(500)
    ]
    gc.collect()
    before = len(gc.get_objects())
    for log in logs:
        log.move(Action.DISPATCH, t, by="desk", assignees=("T1",))
        log.move(Action.START, t, by="T1")
    gc.collect()
    assert len(gc.get_objects()) - before <= 1_100  # one object per event, not two (+ lists)
    event = logs[0].order.events[1]
    assert event.__dict__ == {**event.model_dump(), "assignees": ("T1",)}  # built when asked
    assert event == WorkOrder.model_validate_json(logs[0].order.model_dump_json()).events[1]


def test_order_log_refuses_what_the_lifecycle_refuses() -> None:
    t = datetime(2026, 3, 2, 9, tzinfo=UTC)
    log = OrderLog(_reported(t))
    with pytest.raises(TransitionError, match="cannot go REPORTED"):
        log.move(Action.START, t, by="T1")
    with pytest.raises(HosplogiError, match="earlier than the last event"):
        log.move(Action.DISPATCH, t - timedelta(minutes=1), by="desk", assignees=("T1",))
    assert log.order == _reported(t)  # nothing was recorded


def test_order_log_returns_to_the_status_before_the_hold() -> None:
    t = datetime(2026, 3, 2, 9, tzinfo=UTC)
    log = OrderLog(_reported(t))
    log.move(Action.DISPATCH, t, by="desk", assignees=("T1",))
    log.move(Action.HOLD, t, by="T1", note=None, hold_reason="awaiting_material")
    log.move(Action.RESUME, t, by="stores")
    expected = (
        _reported(t)
        .dispatch(("T1",), at=t, by="desk")
        .hold("awaiting_material", at=t, by="T1")
        .resume(at=t, by="stores")
    )
    assert log.order == expected
    assert log.status is expected.status


def test_blank_department_is_refused_by_the_hospital_not_mid_run() -> None:
    """Regression: a department named " ICU" verified work as `by=" ICU"`, which the event model
    refuses, so the run crashed at the first acceptance; the hospital now refuses it up front."""
    fields = dict(Hospital.synthetic(beds=40, seed=1))
    assert Hospital(**fields).departments
    with pytest.raises(ValidationError, match=r"departments\.0"):
        Hospital(**{**fields, "departments": (" ICU",)})


# -- policies: the filtered matching against the plain one -----------------------------------------


def _plain_choice(
    name: str, waiting: Sequence[WorkOrder], free: Sequence[Technician], now: datetime
) -> list[Assignment]:
    """The built-in policies as they were: every waiting order offered everyone still free."""
    day = now.date()
    queue = list(waiting)
    if name != "fifo":
        queue.sort(key=lambda o: (o.priority.rank, o.reported_at))
    left = list(free)
    chosen: list[Assignment] = []
    for order in queue:
        if not left:
            break
        team: tuple[str, ...] | None
        if name == "recommend":
            try:
                top = recommend(order, left, now=now, k=1)
            except InfeasibleError:
                continue
            team = tuple(top[0].technician_ids) if top else None
        else:
            team = team_for(order.needs, left, on=day)
        if team:
            chosen.append((order.id, team))
            left = [t for t in left if t.id not in team]
    return chosen


class _Checked:
    """A built-in policy that checks each of its answers against the plain one."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.policy = named_policy(name)
        self.calls = 0
        self.teams = 0

    def choose(
        self, waiting: Sequence[WorkOrder], free: Sequence[Technician], now: datetime
    ) -> Any:
        got = self.policy.choose(waiting, free, now)
        assert got == _plain_choice(self.name, waiting, free, now)
        self.calls += 1
        self.teams += len(got)
        return got


@pytest.mark.parametrize("name", ["fifo", "priority", "recommend"])
def test_built_in_policies_choose_as_the_plain_matching_does(name: str) -> None:
    base = Scenario(hospital=Hospital.synthetic(beds=200, seed=3)).cross_trained("hvac", 0.3)
    scenario = base.with_policy(name)
    checked = _Checked(name)
    run = simulate(scenario, days=3, seed=5, policy=checked)
    assert checked.teams > 100
    assert checked.calls > checked.teams / 2
    two_trades = [o for o in run.orders if len(o.requirements) > 1 and o.assignees]
    assert two_trades  # teams of two trades were chosen too
    assert run == simulate(scenario, days=3, seed=5)


@pytest.mark.parametrize("name", ["fifo", "priority", "recommend"])
def test_a_certificate_expiring_mid_run_stops_its_holder_the_next_day(name: str) -> None:
    start = date(2026, 3, 2)
    last_day = start + timedelta(days=1)
    hospital = Hospital(
        technicians=(
            Technician(
                id="L1",
                skills={"lifts": 3},
                certificates=(Certificate(kind="lift", expires_on=last_day),),
            ),
            Technician(id="L2", skills={"lifts": 3}, certificates=(Certificate(kind="lift"),)),
        ),
        demand=(Demand(trade="lifts", priority="urgent", per_day=60, work_minutes=20),),
    )
    checked = _Checked(name)
    run = simulate(Scenario(hospital=hospital, start=start), days=4, seed=1, policy=checked)
    days = [
        e.at.date()
        for o in run.orders
        for e in o.events
        if e.action is Action.DISPATCH and "L1" in e.assignees
    ]
    assert days  # L1 worked while licensed ...
    assert max(days) <= last_day  # ... and not from the day the certificate lapsed
    assert checked.calls > 100


@pytest.mark.parametrize("name", ["fifo", "priority"])
def test_a_policy_shown_two_people_with_one_id_drops_both_once_either_is_sent(name: str) -> None:
    now = datetime(2026, 3, 2, 9, tzinfo=UTC)
    free = [
        Technician(id="A", skills={"hvac": 2}),
        Technician(id="B", skills={"hvac": 2}),
        Technician(id="A", skills={"plumbing": 2}),
    ]
    waiting = [
        WorkOrder.report(
            id=f"WO-{i}",
            title="t",
            trade=trade,
            priority="routine",
            location="L",
            reported_at=now + timedelta(minutes=i),
        )
        for i, trade in enumerate(("hvac", "plumbing", "hvac"))
    ]
    policy = named_policy(name)
    for _ in range(2):  # numbered afresh, then from what it already knows
        got = policy.choose(waiting, free, now)
        assert got == _plain_choice(name, waiting, free, now)
        assert got == [("WO-0", ("A",)), ("WO-2", ("B",))]


def test_one_person_orders_only_one_person_may_take_go_to_that_person() -> None:
    hospital = Hospital(
        technicians=(
            Technician(id="A", skills={"plumbing": 2}),
            Technician(id="B", skills={"hvac": 3}),
        ),
        demand=(Demand(trade="plumbing", priority="routine", per_day=30, work_minutes=30),),
    )
    run = simulate(Scenario(hospital=hospital, policy="recommend"), days=1, seed=1)
    assert {o.assignees for o in run.orders if o.assignees} == {("A",)}


# -- the clock: hourly offsets against the zone ----------------------------------------------------


@pytest.mark.parametrize(
    "zone",
    ["Asia/Shanghai", "Europe/Berlin", "America/St_Johns", "Australia/Lord_Howe", "Asia/Kathmandu"],
)
def test_clock_gives_the_zone_offset_of_every_instant(zone: str) -> None:
    clock = _clock.Clock.at(date(2026, 1, 1), zone)
    tz = ZoneInfo(zone)
    for step in range(0, 366 * 1440, 17):
        for minutes in (step + 0.37, step + 59.9999999):
            utc = clock.origin_utc + timedelta(minutes=minutes)
            offset = utc.astimezone(tz).utcoffset()
            assert offset is not None
            got = clock.instant(minutes)
            assert got == utc
            assert got.utcoffset() == offset
            steady = clock.steady_hour(minutes)
            if steady is not None:
                assert (got.date(), got.hour) == (steady.date(), steady.hour)


# -- the event loop: SimPy's order without SimPy's event objects ----------------------------------


def _trace(plan: list[list[int]], loop: Any, wait: Any) -> list[tuple[float, int, int]]:
    """Run processes that wait the minutes of `plan` (ties on purpose), each starting a child
    process at its second step; return (time, process, step) in the order the loop ran them."""
    seen: list[tuple[float, int, int]] = []

    def process(number: int, waits: list[int]) -> Any:
        for step, minutes in enumerate(waits):
            seen.append((float(loop.now), number, step))
            if step == 1 and number < 100:  # children start no children
                loop.process(process(number + 100, waits[:2]))
            yield wait(minutes)
        seen.append((float(loop.now), number, len(waits)))

    for number, waits in enumerate(plan):
        loop.process(process(number, waits))
    loop.run(until=20)
    return seen


@given(st.lists(st.lists(st.integers(0, 6), max_size=6), max_size=6))
def test_event_loop_runs_processes_in_simpys_order(plan: list[list[int]]) -> None:
    simpy = pytest.importorskip("simpy")
    env = simpy.Environment()
    reference = _trace(plan, env, env.timeout)
    loop = _clock.EventLoop()
    assert _trace(plan, loop, lambda minutes: minutes) == reference
    assert loop.now == 20


# -- time in system: kept by the engine against the log read afterwards --------------------------


def _minutes_in_system(order: WorkOrder, end: datetime) -> float:
    """The reference: minutes between report (or refused acceptance) and completion, read from
    the event log."""
    total, entered = 0.0, None
    for e in order.events:
        if e.action in (Action.REPORT, Action.REJECT):
            entered = e.at
        elif e.action is Action.COMPLETE and entered is not None:
            total += (e.at - entered).total_seconds()
            entered = None
    if entered is not None:
        total += (end - entered).total_seconds()
    return total / 60


@pytest.mark.parametrize("policy", POLICY_NAMES)
def test_minutes_in_system_equal_those_read_from_the_logs(policy: str) -> None:
    state = engine.run(_busy_scenario(policy), days=3, seed=13)
    assert any(e.action is Action.REJECT for o in state.orders for e in o.events)
    assert any(not o.status.is_done for o in state.orders)  # some still in the system at the end
    expected = tuple(_minutes_in_system(o, state.end) for o in state.orders)
    assert state.minutes_in_system == expected  # exactly: the same additions in the same order


# -- first_choice: recommend's one-person answer without the recommendation ------------------------

_SKILLS = ("electrical", "lifts", "hvac")


@st.composite
def _crew(draw: st.DrawFn) -> list[Technician]:
    """Up to 12 people with overlapping skills, levels, zones and (lift) certificates, many tied."""
    people = []
    for i in range(draw(st.integers(0, 12))):
        skills = draw(st.dictionaries(st.sampled_from(_SKILLS), st.integers(1, 5), min_size=1))
        certificates = (
            (Certificate(kind="lift", expires_on=draw(st.sampled_from(_EXPIRIES))),)
            if draw(st.booleans())
            else ()
        )
        people.append(
            Technician(
                id=f"T{draw(st.integers(0, 99)):02d}-{i}",
                skills=skills,
                zone=draw(st.sampled_from((None, "A", "B"))),
                certificates=certificates,
            )
        )
    return people


_EXPIRIES = (date(2026, 3, 1), date(2027, 1, 1))


@given(
    _crew(),
    st.sampled_from(_SKILLS),
    st.integers(1, 4),
    st.sampled_from(("A", "B", "C")),
    st.sampled_from(list(Priority)),
)
def test_first_choice_is_the_person_recommend_proposes(
    crew: list[Technician], skill: str, level: int, location: str, priority: Priority
) -> None:
    now = datetime(2026, 3, 2, 9, tzinfo=UTC)
    need = SkillRequirement(skill=skill, level=level)
    order = WorkOrder.report(
        id="WO-1",
        title="t",
        trade=skill,
        priority=priority,
        reported_at=now,
        location=location,
        requirements=(need,),
    )
    able = [t for t in crew if t.may_work(need, now.date())]
    first = first_choice(need, able, zone=location)
    fits = [member_fit(t, need, location) for t in able]
    assert first_choice(need, able, zone=location, fits=fits) is first
    if not able:
        assert first is None
        return
    top = recommend(order, able, now=now, k=1)[0]
    assert first is not None
    assert (first.id,) == top.technician_ids
    assert member_fit(first, need, location) == top.score


@given(_crew(), st.sampled_from(_SKILLS), st.integers(1, 4))
def test_team_for_one_slot_is_the_matchings_choice(
    crew: list[Technician], skill: str, level: int
) -> None:
    day = date(2026, 3, 2)
    need = SkillRequirement(skill=skill, level=level)
    slots = [[i for i, t in enumerate(crew) if t.may_work(need, day)]]
    matched = match(slots, free=range(len(crew)))
    expected = None if matched is None else (crew[matched[0]].id,)
    assert team_for([need], crew, on=day) == expected


@given(
    _crew(),
    st.lists(
        st.tuples(st.sampled_from(_SKILLS), st.integers(1, 3), st.integers(1, 3)),
        min_size=1,
        max_size=3,
        unique_by=lambda r: r[0],
    ),
    st.sampled_from(("A", "B", "C")),
    st.sampled_from(list(Priority)),
)
def test_first_team_is_the_team_recommend_proposes(
    crew: list[Technician],
    wanted: list[tuple[str, int, int]],
    location: str,
    priority: Priority,
) -> None:
    now = datetime(2026, 3, 2, 9, tzinfo=UTC)
    reqs = tuple(SkillRequirement(skill=s, level=lv, count=n) for s, lv, n in wanted)
    order = WorkOrder.report(
        id="WO-1",
        title="t",
        trade=reqs[0].skill,
        priority=priority,
        reported_at=now,
        location=location,
        requirements=reqs,
    )
    able = [[i for i, t in enumerate(crew) if t.may_work(r, now.date())] for r in reqs]
    got = first_team(reqs, crew, able, zone=location)
    try:
        top = recommend(order, crew, now=now, k=1)[0]
    except InfeasibleError:
        assert got is None
        return
    assert got == top.technician_ids


def test_first_team_builds_teams_by_matching_when_shortlists_overlap(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # seven people alike, able for both trades: each trade's shortlist (its five best, ties by
    # position) is the same five, too few for six distinct people, so the team comes from the
    # min-cost matching
    crew = [Technician(id=f"T{i}", skills={"hvac": 2, "plumbing": 2}) for i in range(7)]
    reqs = (SkillRequirement(skill="hvac", count=3), SkillRequirement(skill="plumbing", count=3))
    order = WorkOrder.report(
        id="WO-1", title="t", trade="hvac", priority="urgent", location="A",
        reported_at=datetime(2026, 3, 2, 9, tzinfo=UTC), requirements=reqs,
    )  # fmt: skip
    matched = []
    real = _teams.matched_teams
    monkeypatch.setattr(_teams, "matched_teams", lambda *a: matched.append(1) or real(*a))
    got = first_team(reqs, crew, [range(7), range(7)], zone="A")
    assert matched
    assert got == recommend(order, crew, now=order.reported_at, k=1)[0].technician_ids
    assert got is not None
    assert len(set(got)) == 6


# -- the collector left alone, and the engine's state freed when it ends --------------------


def test_a_run_leaves_the_garbage_collector_alone() -> None:
    """Process-wide state is the caller's: a run never pauses the cyclic collector."""
    seen: list[bool] = []

    class Watching:
        def choose(self, waiting: Any, free: Any, now: Any) -> Any:
            seen.append(gc.isenabled())
            return []

    assert gc.isenabled()
    simulate(Scenario.mmc(2, 3, 2), days=1, seed=1, policy=Watching())
    assert seen
    assert all(seen)
    assert gc.isenabled()


def test_the_engine_state_is_freed_when_the_run_ends(monkeypatch: pytest.MonkeyPatch) -> None:
    """Processes still waiting at the horizon refer to the engine's state, which refers to them:
    dropped at the end, the state (every order's log) goes at once, not at the next collection."""
    runs: list[weakref.ref[Any]] = []
    init = engine._Run.__init__

    def recorded(self: Any, *args: Any) -> None:
        init(self, *args)
        runs.append(weakref.ref(self))

    monkeypatch.setattr(engine._Run, "__init__", recorded)
    was = gc.isenabled()
    gc.disable()
    try:
        state = engine.run(Scenario(hospital=Hospital.synthetic(beds=200, seed=1)), days=2, seed=1)
        assert any(not o.status.is_done for o in state.orders)  # work under way at the horizon
        assert len(runs) == 1
        assert runs[0]() is None
    finally:
        if was:
            gc.enable()
