"""``python -m hosplogi demo``: a scripted day of the service centre, then a tour of every engine.

Orchestration only: every figure printed comes from the library's own models and engines.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from hosplogi import __version__
from hosplogi.cli._text import render_table
from hosplogi.cli._tour import TOUR
from hosplogi.cli.demo import DEMO_DATE, demo_crews, demo_day, demo_technicians, end_of_day
from hosplogi.orders import Action, Priority, Status, WorkOrder

__all__ = ["demo_lines"]

_STEP_NAMES = {
    Action.REPORT: "报修",
    Action.DISPATCH: "派工",
    Action.START: "到场",
    Action.HOLD: "挂起",
    Action.RESUME: "恢复",
    Action.COMPLETE: "完工",
    Action.VERIFY: "验收✓",
    Action.REJECT: "验收✗",
    Action.CLOSE: "关闭",
    Action.CANCEL: "取消",
    Action.REPRIORITIZE: "升级",
}
_STATUS_NAMES = {
    Status.REPORTED: "reported 报修",
    Status.DISPATCHED: "dispatched 派工",
    Status.IN_PROGRESS: "in progress 维修中",
    Status.ON_HOLD: "on hold 挂起",
    Status.COMPLETED: "completed 完工",
    Status.VERIFIED: "verified 验收",
    Status.CLOSED: "closed 关闭",
    Status.CANCELLED: "cancelled 取消",
}


def _hhmm(at: datetime) -> str:
    return at.strftime("%H:%M")


def _story(order: WorkOrder) -> str:
    """The event log in one line: ``报修 08:11 → 派工 08:20 → …``."""
    return " → ".join(f"{_STEP_NAMES[e.action]} {_hhmm(e.at)}" for e in order.events)


def _minutes(start: datetime, end: datetime | None) -> str:
    return "" if end is None else f"{round((end - start).total_seconds() / 60)}"


def _notes(order: WorkOrder) -> str:
    notes = []
    if len(order.assignee_history) > 1:
        handed = " → ".join("+".join(team) for team in order.assignee_history)
        notes.append(f"handover {handed}")
    for e in order.events:
        if e.action is Action.HOLD:
            notes.append(f"hold: {e.hold_reason.value if e.hold_reason else ''} ({e.note})")
        elif e.action is Action.REJECT:
            notes.append(f"acceptance refused: {e.note}")
        elif e.action is Action.REPRIORITIZE and e.priority:
            notes.append(f"escalated to {e.priority.value}: {e.note}")
        elif e.action is Action.CANCEL:
            notes.append(f"cancelled: {e.note}")
    return "; ".join(notes)


def demo_lines() -> list[str]:
    """The demo day as printed by ``python -m hosplogi demo``, line by line.

    Examples
    --------
    >>> lines = demo_lines()
    >>> lines[0].startswith("hosplogi ")
    True
    """
    out: list[str] = []
    technicians = demo_technicians()
    orders = demo_day()
    now = end_of_day()
    out.append(f"hosplogi {__version__} — a day at the logistics service centre (一站式服务中心)")
    out.append(f"{DEMO_DATE:%A %d %B %Y}, Asia/Shanghai; report as at {_hhmm(now)}\n")

    out.append("Technicians (一专多能: expert in one trade, able in others)")
    rows = [
        [
            t.id,
            t.name,
            t.employment.value if t.employment else "",
            ", ".join(f"{s} {lvl}" for s, lvl in sorted(t.skills.items(), key=lambda x: -x[1])),
            ", ".join(
                c.kind + ("" if c.is_valid(DEMO_DATE) else " (expired)") for c in t.certificates
            ),
        ]
        for t in technicians
    ]
    out.append(render_table(["id", "name", "employment", "skills (level)", "certificates"], rows))
    crews = "; ".join(f"{c.name}: {', '.join(c.members)} (lead {c.leader})" for c in demo_crews())
    out.append(f"Crews: {crews}\n")

    out.append("Work orders")
    rows = [
        [
            o.id,
            _hhmm(o.reported_at),
            o.priority.value,
            o.trade,
            o.title,
            _STATUS_NAMES[o.status],
            "+".join(o.assignees),
            o.completed_by or o.started_by or "",
            _minutes(o.reported_at, o.first_at(Action.START)),
        ]
        for o in orders
    ]
    headers = ["order", "in", "priority", "trade", "request", "status", "team", "did it", "to site"]
    out.append(render_table(headers, rows, align="<<<<<<<<>"))
    out.append("(to site = minutes from report to first start on site)\n")

    out.append(
        "Event logs (报修 report → 派工 dispatch → 到场 on site → 完工 done → 验收 accepted)"
    )
    for o in orders:
        out.append(f"  {o.id}  {_story(o)}")
        if note := _notes(o):
            out.append(f"           {note}")
    out.append("")

    out.append("End of day")
    by_status = Counter(o.status for o in orders)
    out.append(
        render_table(
            ["status", "orders"],
            [[_STATUS_NAMES[s], str(by_status[s])] for s in Status if by_status[s]],
            align="<>",
        )
    )
    out.append("")
    rows = []
    for p in Priority:
        group = [o for o in orders if o.priority is p]
        started = [o for o in group if o.first_at(Action.START) is not None]
        waits = [
            (start - o.reported_at).total_seconds() / 60
            for o in started
            if (start := o.first_at(Action.START)) is not None
        ]
        mean = f"{sum(waits) / len(waits):.0f}" if waits else "-"
        rows.append([p.value, str(len(group)), str(len(started)), mean])
    out.append(
        render_table(
            ["priority (in force)", "orders", "on site", "mean min to site"], rows, align="<>>>"
        )
    )
    still_open = [o for o in orders if o.status in (Status.ON_HOLD, Status.IN_PROGRESS)]
    waiting = ", ".join(f"{o.id} ({o.status.value.replace('_', ' ')})" for o in still_open)
    out.append(f"\nCarried over to the night shift: {waiting}.\n")
    for section in TOUR:
        out.extend(section(orders, technicians, now))
    return out
