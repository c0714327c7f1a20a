"""A sample day of a hospital's logistics service centre, for the demo, the docs and the tests.

The day is scripted, not random: Monday 2 March 2026 in a 900-bed hospital (Asia/Shanghai), six
technicians of the merged repair crews (002:61), twenty requests over seven trades and all four
priorities, walked through realistic lifecycles — a hold for a missing valve (001:385), a refused
acceptance and rework, a handover from a permanent electrician to a contract worker (000:37), an
escalation, a duplicate report cancelled, and work still open at the end of the day.

Examples
--------
>>> orders = demo_day()
>>> len(orders), sorted({o.priority.value for o in orders})
(20, ['emergency', 'planned', 'routine', 'urgent'])
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from hosplogi.crews import Certificate, Crew, Employment, SkillRequirement, Technician
from hosplogi.orders import HoldReason, Priority, Source, WorkOrder

__all__ = [
    "DEMO_DATE",
    "DEMO_ZONE",
    "demo_crews",
    "demo_day",
    "demo_technicians",
    "end_of_day",
]

DEMO_ZONE = ZoneInfo("Asia/Shanghai")
DEMO_DATE = date(2026, 3, 2)


def _at(hhmm: str) -> datetime:
    h, m = map(int, hhmm.split(":"))
    return datetime(DEMO_DATE.year, DEMO_DATE.month, DEMO_DATE.day, h, m, tzinfo=DEMO_ZONE)


def demo_technicians() -> tuple[Technician, ...]:
    """Six technicians: one expert trade each and able in others (一专多能, 002:61).

    Examples
    --------
    >>> [t.id for t in demo_technicians()]
    ['E01', 'E02', 'P01', 'H01', 'L01', 'M01']
    """
    valid = date(2027, 12, 31)
    return (
        Technician(
            id="E01",
            name="Wang Qiang",
            skills={"electrical": 5, "hvac": 2},
            certificates=(Certificate(kind="electrician", number="T1101", expires_on=valid),),
            zone="Inpatient",
            employment=Employment.PERMANENT,
        ),
        Technician(
            id="E02",
            name="Li Na",
            skills={"electrical": 3, "plumbing": 2, "carpentry": 2},
            certificates=(Certificate(kind="electrician", number="T2207", expires_on=valid),),
            zone="Outpatient",
            employment=Employment.CONTRACT,
        ),
        Technician(
            id="P01",
            name="Zhao Gang",
            skills={"plumbing": 4, "boiler": 3, "carpentry": 1},
            certificates=(Certificate(kind="boiler", number="G0391", expires_on=valid),),
            zone="Inpatient",
            employment=Employment.PERMANENT,
        ),
        Technician(
            id="H01",
            name="Chen Jie",
            skills={"hvac": 4, "electrical": 2, "plumbing": 1},
            certificates=(
                Certificate(kind="electrician", number="T3310", expires_on=date(2026, 1, 31)),
            ),
            zone="Outpatient",
            employment=Employment.CONTRACT,
        ),
        Technician(
            id="L01",
            name="Sun Lei",
            skills={"lifts": 4, "electrical": 2},
            certificates=(Certificate(kind="lift", number="D0712", expires_on=valid),),
            employer="V-LIFTCO",
            employment=Employment.OUTSOURCED,
        ),
        Technician(
            id="M01",
            name="Zhou Min",
            skills={"medical_devices": 4, "electrical": 2},
            zone="Medical Technology",
            employment=Employment.PERMANENT,
        ),
    )


def demo_crews() -> tuple[Crew, ...]:
    """The crews of the demo hospital after merging around multi-skilled trades (002:61)."""
    return (
        Crew(id="C-EL", name="Electrical & HVAC", members=("E01", "E02", "H01"), leader="E01"),
        Crew(id="C-WB", name="Water & Boiler", members=("P01",), leader="P01"),
        Crew(id="C-EQ", name="Lifts & Devices", members=("L01", "M01"), leader="M01"),
    )


_Story = Callable[[WorkOrder], WorkOrder]


def _through(
    assignees: tuple[str, ...],
    dispatch: str,
    start: str,
    complete: str,
    verify: str | None = None,
    close: str | None = None,
    *,
    rating: int = 5,
) -> _Story:
    """The plain story: dispatched, on site, done, accepted, followed up."""

    def story(o: WorkOrder) -> WorkOrder:
        o = o.dispatch(assignees, at=_at(dispatch), by="desk").start(at=_at(start), by=assignees[0])
        o = o.complete(at=_at(complete), by=assignees[0])
        if verify:
            o = o.verify(at=_at(verify), by=o.department or "requester", rating=rating)
        if close:
            o = o.close(at=_at(close), by="desk")
        return o

    return story


def _held_for_valve(o: WorkOrder) -> WorkOrder:
    o = o.dispatch(("P01",), at=_at("08:20"), by="desk").start(at=_at("08:41"), by="P01")
    o = o.hold(
        HoldReason.AWAITING_MATERIAL,
        at=_at("09:05"),
        by="P01",
        note="DN25 valve out of stock; requisition raised",
    )
    o = o.resume(at=_at("14:10"), by="P01")
    return o.complete(at=_at("14:55"), by="P01").verify(at=_at("15:30"), by="Ward 5", rating=4)


def _refused_then_rework(o: WorkOrder) -> WorkOrder:
    o = o.dispatch(("H01",), at=_at("09:02"), by="desk").start(at=_at("09:30"), by="H01")
    o = o.complete(at=_at("10:15"), by="H01")
    o = o.verify(
        at=_at("11:00"), by="Outpatients", accepted=False, rating=2, note="still blowing warm air"
    )
    o = o.complete(at=_at("11:40"), by="H01", note="refrigerant topped up, filter replaced")
    return o.verify(at=_at("12:10"), by="Outpatients", rating=4).close(at=_at("16:00"), by="desk")


def _handover(o: WorkOrder) -> WorkOrder:
    o = o.dispatch(("E01",), at=_at("10:05"), by="desk").start(at=_at("10:20"), by="E01")
    o = o.dispatch(("E02",), at=_at("10:50"), by="E01")  # handed to a contract electrician
    return o.start(at=_at("11:05"), by="E02").complete(at=_at("12:30"), by="E02")


def _escalated(o: WorkOrder) -> WorkOrder:
    o = o.reprioritize(
        Priority.URGENT, at=_at("10:40"), by="desk", note="second call: theatre list at risk"
    )
    o = o.dispatch(("H01", "E01"), at=_at("10:45"), by="desk").start(at=_at("11:02"), by="H01")
    return o.complete(at=_at("12:20"), by="H01").verify(at=_at("12:45"), by="Surgery", rating=5)


def _cancelled(o: WorkOrder) -> WorkOrder:
    return o.cancel(at=_at("13:20"), by="desk", reason="duplicate of WO-0313")


def _awaiting_access(o: WorkOrder) -> WorkOrder:
    return o.hold(
        HoldReason.AWAITING_ACCESS,
        at=_at("15:10"),
        by="desk",
        note="isolation room; infection control clearance needed",
    )


def _still_working(o: WorkOrder) -> WorkOrder:
    return o.dispatch(("E01",), at=_at("16:40"), by="desk").start(at=_at("16:55"), by="E01")


def _dispatched_only(o: WorkOrder) -> WorkOrder:
    return o.dispatch(("E02",), at=_at("17:12"), by="desk")


def _reported_only(o: WorkOrder) -> WorkOrder:
    return o


def _req(skill: str, count: int = 1, level: int = 1) -> SkillRequirement:
    return SkillRequirement(skill=skill, count=count, level=level)


_Row = tuple[
    str, str, str, Priority, str, str, str | None, tuple[SkillRequirement, ...], int, Source, _Story
]
_PLAN: tuple[_Row, ...] = (
    ("WO-0301", "07:52", "Power lost to ICU bed 6 sockets", Priority.EMERGENCY, "electrical", "ICU bed 6", "ICU", (_req("electrical", 1, 3),), 30, Source.PHONE, _through(("E01",), "07:54", "08:01", "08:35", "08:50", "16:10")),  # noqa: E501
    ("WO-0302", "08:05", "Ventilator alarm fault", Priority.EMERGENCY, "medical_devices", "ICU bed 2", "ICU", (_req("medical_devices", 1, 3),), 45, Source.PHONE, _through(("M01",), "08:06", "08:12", "08:58", "09:10", "16:10")),  # noqa: E501
    ("WO-0303", "08:11", "Burst pipe above sluice room", Priority.URGENT, "plumbing", "Ward 5 sluice", "Ward 5", (_req("plumbing", 1, 3),), 90, Source.PHONE, _held_for_valve),  # noqa: E501
    ("WO-0304", "08:30", "Lift 3 stopping between floors", Priority.EMERGENCY, "lifts", "Block B lift 3", None, (_req("lifts", 1, 3),), 60, Source.APP, _through(("L01",), "08:31", "08:44", "09:40", "10:05", "16:20")),  # noqa: E501
    ("WO-0305", "08:47", "Consulting room AC not cooling", Priority.ROUTINE, "hvac", "OPD room 12", "Outpatients", (_req("hvac", 1, 2),), 45, Source.APP, _refused_then_rework),  # noqa: E501
    ("WO-0306", "09:15", "Cabinet door hinge broken", Priority.ROUTINE, "carpentry", "Ward 7 nurses' station", "Ward 7", (_req("carpentry"),), 30, Source.ROUNDS, _through(("E02",), "09:40", "13:30", "13:55", "14:30", "17:00")),  # noqa: E501
    ("WO-0307", "09:58", "Distribution board tripping", Priority.URGENT, "electrical", "Block A level 2", "Radiology", (_req("electrical", 1, 3),), 120, Source.PHONE, _handover),  # noqa: E501
    ("WO-0308", "10:12", "Theatre 4 air handling unit noisy", Priority.ROUTINE, "hvac", "OR 4 plant room", "Surgery", (_req("hvac", 1, 3), _req("electrical", 1, 2)), 90, Source.PHONE, _escalated),  # noqa: E501
    ("WO-0309", "10:30", "Boiler pressure low", Priority.URGENT, "boiler", "Boiler house", None, (_req("boiler", 1, 3),), 40, Source.INSPECTION, _through(("P01",), "10:33", "10:52", "11:30", "11:45", "16:30")),  # noqa: E501
    ("WO-0310", "11:05", "Quarterly filter change, ward AHUs", Priority.PLANNED, "hvac", "Ward block roof", None, (_req("hvac", 1, 2),), 120, Source.PREVENTIVE, _through(("H01",), "12:15", "13:00", "14:50", "15:05")),  # noqa: E501
    ("WO-0311", "11:20", "Infusion pump battery failing", Priority.URGENT, "medical_devices", "Ward 3 bay B", "Ward 3", (_req("medical_devices", 1, 2),), 30, Source.PHONE, _through(("M01",), "11:22", "11:35", "12:05", "12:20", "16:40")),  # noqa: E501
    ("WO-0312", "11:48", "Emergency lighting test failed", Priority.ROUTINE, "electrical", "Stairwell C", None, (_req("electrical", 1, 2),), 40, Source.ROUNDS, _through(("E02",), "12:40", "14:05", "14:40", "15:00", "17:10")),  # noqa: E501
    ("WO-0313", "13:05", "Blocked sink in pantry", Priority.ROUTINE, "plumbing", "Ward 9 pantry", "Ward 9", (_req("plumbing"),), 30, Source.APP, _through(("E02",), "13:10", "15:20", "15:45", "16:00")),  # noqa: E501
    ("WO-0314", "13:15", "Blocked sink in pantry (second call)", Priority.ROUTINE, "plumbing", "Ward 9 pantry", "Ward 9", (_req("plumbing"),), 30, Source.PHONE, _cancelled),  # noqa: E501
    ("WO-0315", "14:02", "Autoclave door seal leaking", Priority.URGENT, "medical_devices", "CSSD", "CSSD", (_req("medical_devices", 1, 3), _req("plumbing", 1, 2)), 75, Source.PHONE, _through(("M01", "P01"), "14:05", "15:00", "16:10", "16:30")),  # noqa: E501
    ("WO-0316", "14:40", "Nurse call panel dead", Priority.URGENT, "electrical", "Ward 2", "Ward 2", (_req("electrical", 1, 2),), 45, Source.PHONE, _through(("E01",), "14:42", "14:55", "15:40", "16:05")),  # noqa: E501
    ("WO-0317", "15:02", "Window latch in isolation room", Priority.ROUTINE, "carpentry", "Ward 6 isolation 2", "Ward 6", (_req("carpentry"),), 30, Source.PHONE, _awaiting_access),  # noqa: E501
    ("WO-0318", "16:25", "Dialysis room socket sparking", Priority.EMERGENCY, "electrical", "Dialysis unit", "Nephrology", (_req("electrical", 1, 4),), 60, Source.PHONE, _still_working),  # noqa: E501
    ("WO-0319", "17:05", "Ceiling light flickering", Priority.ROUTINE, "electrical", "OPD corridor 3", "Outpatients", (_req("electrical"),), 20, Source.APP, _dispatched_only),  # noqa: E501
    ("WO-0320", "17:30", "Annual generator load test", Priority.PLANNED, "electrical", "Generator house", None, (_req("electrical", 2, 3),), 180, Source.PREVENTIVE, _reported_only),  # noqa: E501
)  # fmt: skip


_ASSETS = {
    "WO-0302": "VENT-ICU-02",
    "WO-0304": "LIFT-B3",
    "WO-0305": "AC-OPD-12",
    "WO-0308": "AHU-OR4",
    "WO-0309": "BOILER-1",
    "WO-0310": "AHU-W1",
    "WO-0311": "PUMP-W3-17",
    "WO-0315": "AUTOCLAVE-2",
    "WO-0320": "GEN-1",
}
"""Equipment ledger ids (设备台账, 004:107) of the orders that concern one asset."""


def demo_day() -> tuple[WorkOrder, ...]:
    """Twenty work orders of the demo day, each walked through its scripted lifecycle.

    Returns
    -------
    tuple[WorkOrder, ...]
        In order of report.

    Examples
    --------
    >>> held = {o.id: o for o in demo_day()}["WO-0303"]
    >>> [e.action.value for e in held.events]
    ['report', 'dispatch', 'start', 'hold', 'resume', 'complete', 'verify']
    """
    orders = []
    for oid, hhmm, title, prio, trade, loc, dept, reqs, minutes, source, story in _PLAN:
        order = WorkOrder.report(
            id=oid,
            title=title,
            trade=trade,
            priority=prio,
            reported_at=_at(hhmm),
            location=loc,
            department=dept,
            requirements=reqs,
            estimated_minutes=minutes,
            source=source,
            asset_id=_ASSETS.get(oid),
            by="desk",
        )
        orders.append(story(order))
    return tuple(orders)


def end_of_day() -> datetime:
    """18:00 on the demo day: the `now` at which the demo reports."""
    return _at("18:00")
