"""Hypothesis strategies for hosplogi models, valid by construction (not filtered)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from functools import partial
from zoneinfo import ZoneInfo

from hypothesis import strategies as st

from hosplogi import (
    BusinessCalendar,
    Certificate,
    Crew,
    HoldReason,
    Priority,
    SkillRequirement,
    SlaPolicy,
    SlaTarget,
    Source,
    Technician,
    WorkOrder,
)
from hosplogi.orders import Action

SKILLS = ("electrical", "plumbing", "hvac", "carpentry", "lifts", "medical_devices", "boiler")
skills = st.sampled_from(SKILLS)
ids = st.from_regex(r"[A-Z]{1,3}-[0-9]{1,5}", fullmatch=True)
people = st.sampled_from(("T01", "T02", "T03", "T04", "T05", "T06"))
zones = st.sampled_from(
    (UTC, timezone(timedelta(hours=8)), ZoneInfo("Asia/Shanghai"), ZoneInfo("Europe/London"))
)
instants = st.datetimes(
    min_value=datetime(2020, 1, 1),
    max_value=datetime(2030, 12, 31),
    timezones=zones,
    allow_imaginary=False,
)
gaps = st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=2))

skill_requirements = st.builds(
    SkillRequirement, skill=skills, count=st.integers(1, 3), level=st.integers(1, 5)
)
certificates = st.builds(
    Certificate,
    kind=st.sampled_from(("electrician", "boiler", "lift", "fire", "driving")),
    number=st.none() | st.text(min_size=1, max_size=8),
    expires_on=st.none() | st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 1, 1)),
)
technicians = st.builds(
    Technician,
    id=ids,
    name=st.text(max_size=12),
    skills=st.dictionaries(skills, st.integers(1, 5), max_size=4),
    certificates=st.lists(certificates, max_size=3).map(tuple),
    zone=st.none() | st.sampled_from(("A", "B", "C")),
)
crews = st.builds(
    lambda cid, members, lead: Crew(
        id=cid, name="crew", members=tuple(members), leader=members[0] if lead else None
    ),
    ids,
    st.lists(people, min_size=1, max_size=5, unique=True),
    st.booleans(),
)

Move = Callable[..., WorkOrder]


def legal_moves(order: WorkOrder, draw: st.DrawFn) -> list[Move]:
    """Ready-to-call partials, one per action allowed now; [] once the order is final."""
    moves: dict[Action, Move] = {
        Action.DISPATCH: partial(
            order.dispatch, tuple(draw(st.lists(people, min_size=1, max_size=3, unique=True)))
        ),
        Action.START: partial(order.start, by=draw(st.none() | people)),
        Action.HOLD: partial(order.hold, draw(st.sampled_from(HoldReason))),
        Action.RESUME: order.resume,
        Action.COMPLETE: partial(order.complete, by=draw(st.none() | people)),
        Action.VERIFY: partial(
            order.verify, accepted=True, rating=draw(st.none() | st.integers(1, 5))
        ),
        Action.REJECT: partial(order.verify, accepted=False),
        Action.CLOSE: order.close,
        Action.CANCEL: partial(order.cancel, reason="withdrawn by the department"),
        Action.REPRIORITIZE: partial(
            order.reprioritize,
            draw(st.sampled_from([p for p in Priority if p is not order.priority])),
        ),
    }
    allowed = set(order.allowed_actions())
    return [m for a, m in moves.items() if a in allowed]


@st.composite
def work_orders(draw: st.DrawFn, *, max_moves: int = 8) -> WorkOrder:
    """An order reported at a random instant and moved through up to `max_moves` legal moves."""
    order = WorkOrder.report(
        id=draw(ids),
        title=draw(st.text(max_size=20)),
        trade=draw(skills),
        priority=draw(st.sampled_from(Priority)),
        reported_at=draw(instants),
        location=draw(st.sampled_from(("Ward 3", "OR 2", "Block B", "急诊楼"))),
        department=draw(st.none() | st.sampled_from(("ICU", "Surgery", "Outpatients"))),
        requirements=tuple(draw(st.lists(skill_requirements, max_size=3))),
        estimated_minutes=draw(st.integers(0, 600)),
        source=draw(st.sampled_from(Source)),
    )
    for _ in range(draw(st.integers(0, max_moves))):
        moves = legal_moves(order, draw)
        if not moves:
            break
        order = draw(st.sampled_from(moves))(at=order.events[-1].at + draw(gaps))
    return order


short_sla_targets = st.builds(
    SlaTarget,
    respond=st.timedeltas(min_value=timedelta(minutes=1), max_value=timedelta(days=3)),
    resolve=st.timedeltas(min_value=timedelta(minutes=1), max_value=timedelta(days=3)),
    business_hours=st.booleans(),
)

hold_reason_sets = st.frozensets(st.sampled_from(HoldReason))


def sla_policies(
    calendars: st.SearchStrategy[BusinessCalendar],
    *,
    targets: st.SearchStrategy[SlaTarget] = short_sla_targets,
    pausing: st.SearchStrategy[frozenset[HoldReason]] = hold_reason_sets,
) -> st.SearchStrategy[SlaPolicy]:
    """SLA policies: a target per priority, a calendar, pausing reasons and up to 3 warn levels."""
    return st.builds(
        lambda chosen, calendar, reasons, warn: SlaPolicy(
            targets=dict(zip(Priority, chosen, strict=True)),
            calendar=calendar,
            pausing=reasons,
            warn_at=tuple(warn),
        ),
        st.lists(targets, min_size=4, max_size=4),
        calendars,
        pausing,
        st.lists(st.floats(min_value=0.01, max_value=0.99), max_size=3),
    )
