"""Work-order lifecycle: legal paths, illegal moves, the audit trail and bad input."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from hosplogi import (
    TRANSITIONS,
    Action,
    Event,
    HoldReason,
    HosplogiError,
    Priority,
    SkillRequirement,
    Source,
    Status,
    TransitionError,
    WorkOrder,
)
from strategies import SKILLS, gaps, instants, people, work_orders

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone(timedelta(hours=8)))


def minutes(n: int) -> datetime:
    return T0 + timedelta(minutes=n)


def new_order(**fields: Any) -> WorkOrder:
    base: dict[str, Any] = {
        "id": "WO-1",
        "title": "Tap leaking in sluice room",
        "trade": "plumbing",
        "priority": Priority.URGENT,
        "reported_at": T0,
        "location": "Ward 3",
    }
    return WorkOrder.report(**{**base, **fields})


def step(order: WorkOrder, action: Action, at: datetime) -> WorkOrder:
    """Apply `action` with typical arguments."""
    calls: dict[Action, Callable[[], WorkOrder]] = {
        Action.DISPATCH: lambda: order.dispatch(("T01",), at=at, by="dispatcher"),
        Action.START: lambda: order.start(at=at, by="T01"),
        Action.HOLD: lambda: order.hold(HoldReason.AWAITING_MATERIAL, at=at, note="no valve"),
        Action.RESUME: lambda: order.resume(at=at),
        Action.COMPLETE: lambda: order.complete(at=at, by="T01"),
        Action.VERIFY: lambda: order.verify(at=at, by="head nurse", rating=5),
        Action.REJECT: lambda: order.verify(at=at, accepted=False, rating=2),
        Action.CLOSE: lambda: order.close(at=at, by="service desk"),
        Action.CANCEL: lambda: order.cancel(at=at, reason="duplicate report"),
        Action.REPRIORITIZE: lambda: order.reprioritize(
            Priority.EMERGENCY if order.priority is not Priority.EMERGENCY else Priority.URGENT,
            at=at,
        ),
    }
    return calls[action]()


def walk(*actions: Action) -> WorkOrder:
    order = new_order()
    for i, action in enumerate(actions, start=1):
        order = step(order, action, minutes(10 * i))
    return order


A = Action
LEGAL_PATHS = {
    "straight through": (A.DISPATCH, A.START, A.COMPLETE, A.VERIFY, A.CLOSE),
    "hold for material while working": (
        A.DISPATCH, A.START, A.HOLD, A.RESUME, A.COMPLETE, A.VERIFY, A.CLOSE,
    ),
    "hold awaiting access before dispatch": (A.HOLD, A.RESUME, A.DISPATCH, A.START, A.COMPLETE),
    "hold after dispatch, before arrival": (A.DISPATCH, A.HOLD, A.RESUME, A.START),
    "refused acceptance and rework": (
        A.DISPATCH, A.START, A.COMPLETE, A.REJECT, A.COMPLETE, A.VERIFY, A.CLOSE,
    ),
    "handover before start": (A.DISPATCH, A.DISPATCH, A.START, A.COMPLETE),
    "handover while working": (A.DISPATCH, A.START, A.DISPATCH, A.START, A.COMPLETE),
    "escalated mid-life": (A.REPRIORITIZE, A.DISPATCH, A.START, A.REPRIORITIZE, A.COMPLETE),
    "cancel when reported": (A.CANCEL,),
    "cancel when dispatched": (A.DISPATCH, A.CANCEL),
    "cancel while working": (A.DISPATCH, A.START, A.CANCEL),
    "cancel while on hold": (A.DISPATCH, A.START, A.HOLD, A.CANCEL),
    "reprioritize after completion": (A.DISPATCH, A.START, A.COMPLETE, A.REPRIORITIZE),
}  # fmt: skip


@pytest.mark.parametrize("path", LEGAL_PATHS.values(), ids=LEGAL_PATHS.keys())
def test_every_legal_path_ends_where_the_table_says(path: tuple[Action, ...]) -> None:
    order = walk(*path)
    assert [e.action for e in order.events] == [Action.REPORT, *path]
    assert order.status is order.events[-1].status
    assert WorkOrder.model_validate_json(order.model_dump_json()) == order


def test_resume_returns_to_the_status_before_the_hold() -> None:
    assert walk(A.HOLD, A.RESUME).status is Status.REPORTED
    assert walk(A.DISPATCH, A.HOLD, A.RESUME).status is Status.DISPATCHED
    assert walk(A.DISPATCH, A.START, A.HOLD, A.RESUME).status is Status.IN_PROGRESS


def test_refused_acceptance_sends_the_order_back_to_rework() -> None:
    order = walk(A.DISPATCH, A.START, A.COMPLETE, A.REJECT)
    assert order.status is Status.IN_PROGRESS
    assert order.events[-1].rating == 2


def reachable_states() -> dict[Status, WorkOrder]:
    return {
        Status.REPORTED: walk(),
        Status.DISPATCHED: walk(A.DISPATCH),
        Status.IN_PROGRESS: walk(A.DISPATCH, A.START),
        Status.ON_HOLD: walk(A.DISPATCH, A.START, A.HOLD),
        Status.COMPLETED: walk(A.DISPATCH, A.START, A.COMPLETE),
        Status.VERIFIED: walk(A.DISPATCH, A.START, A.COMPLETE, A.VERIFY),
        Status.CLOSED: walk(A.DISPATCH, A.START, A.COMPLETE, A.VERIFY, A.CLOSE),
        Status.CANCELLED: walk(A.CANCEL),
    }


ILLEGAL = [
    (status, action)
    for status in Status
    for action in TRANSITIONS
    if status.is_final or status not in TRANSITIONS[action][0]
]


@pytest.mark.parametrize(("status", "action"), ILLEGAL, ids=lambda x: str(x))
def test_every_illegal_move_raises_naming_the_allowed_moves(status: Status, action: Action) -> None:
    order = reachable_states()[status]
    with pytest.raises(TransitionError, match=status.name) as raised:
        step(order, action, order.events[-1].at + timedelta(minutes=5))
    message = str(raised.value)
    assert order.id in message
    if status.is_final:
        assert "final" in message
    else:
        for allowed in order.allowed_actions():
            assert f"({allowed.value})" in message


def test_transition_error_message_names_current_requested_and_allowed() -> None:
    with pytest.raises(TransitionError) as raised:
        new_order().start(at=minutes(1))
    assert str(raised.value) == (
        "order WO-1 cannot go REPORTED → IN_PROGRESS (start); allowed from REPORTED: "
        "DISPATCHED (dispatch), ON_HOLD (hold), CANCELLED (cancel), unchanged (reprioritize)"
    )


def test_a_failed_move_leaves_the_original_order_unchanged() -> None:
    order = walk(A.DISPATCH)
    before = order.model_dump()
    with pytest.raises(TransitionError):
        order.complete(at=minutes(30))
    with pytest.raises(HosplogiError):
        order.start(at=T0 - timedelta(minutes=1))
    assert order.model_dump() == before
    assert len(order.events) == 2


def test_models_are_frozen() -> None:
    order = new_order()
    with pytest.raises(ValidationError):
        order.status = Status.CLOSED  # type: ignore[misc]


def test_audit_trail_keeps_assignee_history_and_who_did_the_work() -> None:
    order = (
        new_order(by="call taker")
        .dispatch(("T01", "T02"), at=minutes(5), by="dispatcher")
        .dispatch(("T03",), at=minutes(8), by="dispatcher")
        .start(at=minutes(20), by="C-17")  # a contract worker, not the assignee (000:37)
        .complete(at=minutes(50), by="C-17")
    )
    assert order.assignees == ("T03",)
    assert order.assignee_history == (("T01", "T02"), ("T03",))
    assert order.started_by == "C-17"
    assert order.completed_by == "C-17"
    assert order.events[0].by == "call taker"
    assert order.first_at(Action.START) == minutes(20)
    assert order.last_at(Action.DISPATCH) == minutes(8)
    assert order.last_at(Action.CLOSE) is None


def test_reprioritize_records_the_change_and_keeps_the_status() -> None:
    order = walk(A.DISPATCH).reprioritize(Priority.EMERGENCY, at=minutes(12), note="patient risk")
    assert order.priority is Priority.EMERGENCY
    assert order.status is Status.DISPATCHED
    assert order.events[-1].priority is Priority.EMERGENCY
    assert order.events[0].priority is Priority.URGENT


def test_reprioritize_to_the_same_priority_is_refused() -> None:
    with pytest.raises(HosplogiError, match="already has priority URGENT"):
        new_order().reprioritize(Priority.URGENT, at=minutes(1))


def test_events_at_the_same_instant_are_allowed() -> None:
    order = new_order().dispatch(("T01",), at=T0).start(at=T0)
    assert order.status is Status.IN_PROGRESS


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"reported_at": datetime(2026, 3, 2, 9)}, "timezone-aware"),
        ({"id": ""}, "non-empty"),
        ({"id": "  WO-1"}, "whitespace"),
        ({"estimated_minutes": -5}, "greater than or equal to 0"),
        ({"priority": "whenever"}, "emergency"),
        ({"source": "fax"}, "phone"),
        ({"requirements": (SkillRequirement(skill="plumbing"),), "colour": "red"}, "colour"),
        ({"status": Status.CLOSED}, "derived from the event log"),
    ],
)
def test_bad_report_input_is_refused(fields: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        new_order(**fields)


def test_a_wall_time_skipped_by_daylight_saving_is_refused() -> None:
    skipped = datetime(2026, 3, 29, 1, 30, tzinfo=ZoneInfo("Europe/London"))
    with pytest.raises(HosplogiError, match="does not exist in time zone Europe/London"):
        new_order(reported_at=skipped)
    with pytest.raises(HosplogiError, match="does not exist"):
        new_order(reported_at=datetime(2026, 3, 29, 0, 30, tzinfo=ZoneInfo("Europe/London"))).start(
            at=skipped
        )


def test_naive_time_on_a_move_is_refused() -> None:
    with pytest.raises(HosplogiError, match="timezone-aware"):
        new_order().dispatch(("T01",), at=datetime(2026, 3, 2, 10))


def test_time_before_the_last_event_is_refused() -> None:
    order = walk(A.DISPATCH)
    with pytest.raises(HosplogiError, match="earlier than the last event"):
        order.start(at=minutes(5))


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda o: o.dispatch((), at=minutes(1)), "at least one assignee"),
        (lambda o: o.dispatch(("T1", "T1"), at=minutes(1)), "more than once"),
        (lambda o: o.dispatch("T01", at=minutes(1)), "sequence of technician ids"),
        (lambda o: o.dispatch(("",), at=minutes(1)), "non-empty"),
        (lambda o: o.hold("lunch", at=minutes(1)), "lunch"),
        (lambda o: o.cancel(at=minutes(1), reason=" "), "non-empty reason"),
    ],
)
def test_bad_move_arguments_are_refused(
    call: Callable[[WorkOrder], WorkOrder], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        call(new_order())


def test_rating_outside_one_to_five_is_refused() -> None:
    order = walk(A.DISPATCH, A.START, A.COMPLETE)
    with pytest.raises(ValidationError, match="less than or equal to 5"):
        order.verify(at=minutes(60), rating=6)


def test_operations_on_closed_or_cancelled_orders_are_refused() -> None:
    for final in (walk(A.CANCEL), walk(A.DISPATCH, A.START, A.COMPLETE, A.VERIFY, A.CLOSE)):
        assert not final.is_open
        assert final.allowed_actions() == ()
        with pytest.raises(TransitionError, match="final"):
            final.reprioritize(Priority.PLANNED, at=minutes(99))


class TestEventLogIsCheckedWhenReadBack:
    def tampered(self, **changes: Any) -> dict[str, Any]:
        data = walk(A.DISPATCH, A.START).model_dump(mode="json")
        data.update(changes)
        return data

    def test_status_that_disagrees_with_the_log_is_refused(self) -> None:
        with pytest.raises(ValidationError, match="disagrees with the event log"):
            WorkOrder.model_validate(self.tampered(status="closed"))

    def test_status_and_assignees_are_derived_when_left_out(self) -> None:
        data = self.tampered()
        del data["status"], data["assignees"]
        order = WorkOrder.model_validate(data)
        assert order.status is Status.IN_PROGRESS
        assert order.assignees == ("T01",)

    def test_an_illegal_jump_in_the_log_is_refused(self) -> None:
        data = self.tampered()
        data["events"] = [data["events"][0], data["events"][2]]
        with pytest.raises(ValidationError, match="cannot go REPORTED"):
            WorkOrder.model_validate(data)

    def test_times_going_back_are_refused(self) -> None:
        data = self.tampered()
        data["events"][2]["at"] = (T0 - timedelta(hours=1)).isoformat()
        with pytest.raises(ValidationError, match="earlier than the event before"):
            WorkOrder.model_validate(data)

    def test_a_log_not_starting_with_a_report_is_refused(self) -> None:
        data = self.tampered()
        data["events"] = data["events"][1:]
        with pytest.raises(ValidationError, match="must start with a report"):
            WorkOrder.model_validate(data)

    def test_reported_at_must_match_the_report_event(self) -> None:
        with pytest.raises(ValidationError, match="differs from the report event"):
            WorkOrder.model_validate(self.tampered(reported_at=minutes(1).isoformat()))

    def test_priority_must_match_the_log(self) -> None:
        with pytest.raises(ValidationError, match="priority ROUTINE disagrees"):
            WorkOrder.model_validate(self.tampered(priority="routine"))

    def test_assignees_must_match_the_last_dispatch(self) -> None:
        with pytest.raises(ValidationError, match="disagree with the last dispatch"):
            WorkOrder.model_validate(self.tampered(assignees=["T09"]))

    def test_event_status_must_follow_from_its_action(self) -> None:
        data = self.tampered()
        data["events"][1]["action"] = "hold"
        data["events"][1]["hold_reason"] = "other"
        data["events"][1]["assignees"] = []
        data["events"][1]["status"] = "on_hold"
        with pytest.raises(ValidationError, match="cannot go ON_HOLD"):
            WorkOrder.model_validate(data)


class TestEventFieldsFitTheAction:
    def test_action_is_inferred_from_status(self) -> None:
        assert Event(status=Status.COMPLETED, at=T0).action is Action.COMPLETE

    @pytest.mark.parametrize(
        ("fields", "message"),
        [
            ({"status": "on_hold", "action": "hold"}, "hold_reason must be given"),
            ({"status": "completed", "hold_reason": "other"}, "hold_reason must be given"),
            ({"status": "completed", "assignees": ["T1"]}, "dispatch events only"),
            ({"status": "dispatched"}, "at least one assignee"),
            ({"status": "reported"}, "priority must be given"),
            ({"status": "completed", "rating": 3}, "verify or reject"),
            ({"status": "closed", "action": "complete"}, "must have status COMPLETED"),
        ],
    )
    def test_mismatched_fields_are_refused(self, fields: dict[str, Any], message: str) -> None:
        with pytest.raises(ValidationError, match=message):
            Event(at=T0, **fields)


def test_priority_rank_orders_emergency_first() -> None:
    assert [p.rank for p in Priority] == [0, 1, 2, 3]
    assert Source.ROUNDS.is_proactive
    assert not Source.PHONE.is_proactive


# -- properties ---------------------------------------------------------------------------------

OPERATIONS = st.sampled_from(list(Action)[1:])


@given(
    order=work_orders(max_moves=3),
    ops=st.lists(st.tuples(OPERATIONS, gaps, st.booleans()), max_size=12),
)
def test_any_sequence_of_operations_raises_or_keeps_the_log_consistent(
    order: WorkOrder, ops: list[tuple[Action, timedelta, bool]]
) -> None:
    for action, gap, backwards in ops:
        at = order.events[-1].at + (-gap if backwards and gap else gap)
        before = order
        try:
            order = step(order, action, at)
        except HosplogiError:
            assert order is before
            continue
        assert order.status is order.events[-1].status
        assert len(order.events) == len(before.events) + 1
        times = [e.at for e in order.events]
        assert times == sorted(times)
        assert order.events[: len(before.events)] == before.events


@given(work_orders())
def test_json_round_trip_gives_an_equal_order(order: WorkOrder) -> None:
    assert WorkOrder.model_validate_json(order.model_dump_json()) == order


@given(work_orders())
def test_status_is_always_the_last_event_status(order: WorkOrder) -> None:
    assert order.status is order.events[-1].status
    assert order.reported_at == order.events[0].at


@given(instants, people, st.sampled_from(SKILLS))
def test_enums_serialise_as_their_string_values(at: datetime, who: str, trade: str) -> None:
    order = WorkOrder.report(
        id="WO-9", title="t", trade=trade, priority=Priority.PLANNED, reported_at=at, location="L"
    ).hold(HoldReason.AWAITING_ACCESS, at=at, by=who)
    data = order.model_dump(mode="json")
    assert data["priority"] == "planned"
    assert data["status"] == "on_hold"
    assert data["events"][1]["hold_reason"] == "awaiting_access"
    assert data["events"][1]["action"] == "hold"
