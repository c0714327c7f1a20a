"""The ``hosplogi`` command line: ``python -m hosplogi --version`` and ``python -m hosplogi demo``.

Orchestration only: every figure printed comes from the library's own models and engines.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Sequence
from datetime import datetime

from hosplogi import __version__
from hosplogi.cli._text import render_table
from hosplogi.cli._tour import TOUR
from hosplogi.cli.demo import DEMO_DATE, demo_crews, demo_day, demo_technicians, end_of_day
from hosplogi.orders import Action, Priority, Status, WorkOrder

__all__ = ["main"]

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


def _demo(out: list[str]) -> None:
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


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}%"


class _ProgressBar:
    """A text progress bar on standard error, drawn only when it is a terminal."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.shown = -1

    def __call__(self, fraction: float) -> None:
        step = int(fraction * 40)
        if step != self.shown and sys.stderr.isatty():
            self.shown = step
            bar = "#" * step + "." * (40 - step)
            sys.stderr.write(f"\r{self.label} [{bar}] {fraction:4.0%}")
            if fraction >= 1:
                sys.stderr.write("\n")
            sys.stderr.flush()


def _simulate(
    out: list[str], beds: int, days: float, seed: int, policy: str, outsource: Sequence[str]
) -> None:
    from hosplogi.simulation import Hospital, Scenario, simulate

    hospital = Hospital.synthetic(beds=beds, seed=seed)
    scenario = Scenario.model_validate({"hospital": hospital, "policy": policy})
    for trade in outsource:
        scenario = scenario.outsourced(trade, vendor=f"V-{trade.upper()}")
    result = simulate(scenario, days=days, seed=seed, progress=_ProgressBar("simulating"))
    s = result.summary
    out.append(f"hosplogi {__version__} — simulation of {hospital.name}")
    out.append(
        f"{days:g} days from {scenario.start:%d %B %Y}, dispatch policy {policy!r}, "
        f"{len(hospital.technicians)} technicians, seed {seed}\n"
    )
    out.append(
        f"Requests {s.arrivals} ({s.arrivals / days:.1f} a day): completed {s.completed}, "
        f"still open {s.open}; mean wait to site {s.mean_wait_minutes:.0f} min; "
        f"{s.mean_in_system:.1f} orders open on average\n"
    )
    out.append("SLA compliance by priority (clocks from hosplogi.sla)")
    response = {r.key: r for r in result.sla["response"].rows}
    resolution = {r.key: r for r in result.sla["resolution"].rows}
    rows = []
    for p in Priority:
        a, b = response.get(p.value), resolution.get(p.value)
        if a is None or b is None:
            continue
        rows.append(
            [p.value, str(a.count), _percent(a.met_rate), str(a.breached),
             _percent(b.met_rate), str(b.breached)]
        )  # fmt: skip
    total_a, total_b = result.sla["response"].total, result.sla["resolution"].total
    rows.append(
        ["all", str(total_a.count), _percent(total_a.met_rate), str(total_a.breached),
         _percent(total_b.met_rate), str(total_b.breached)]
    )  # fmt: skip
    headers = ["priority", "orders", "response met", "breached", "resolution met", "breached"]
    out.append(render_table(headers, rows, align="<>>>>>") + "\n")
    out.append("Utilisation by main trade (busy time / time on shift)")
    counts = Counter(_main_trade_of(t.skills) for t in hospital.technicians)
    rows = [
        [trade, str(counts[trade]), f"{share:.0%}"]
        for trade, share in result.utilisation_by_trade.items()
    ]
    out.append(render_table(["trade", "staff", "utilisation"], rows, align="<>>") + "\n")
    if (card := result.scorecard) is not None:
        out.append("Balanced scorecard (hosplogi.kpi default scorecard on the run's measures)")
        rows = [[f"{p.value} {p.zh}", f"{v:.1f}"] for p, v in card.by_perspective.items()]
        rows.append(["total", f"{card.total:.1f}"])
        out.append(render_table(["perspective", "score"], rows, align="<>"))
        out.append(f"grade {card.grade}; weakest perspective (短板): {card.weakest.value}")
        weakest = sorted(card.by_indicator.items(), key=lambda item: item[1])[:3]
        out.append(
            "lowest indicators: "
            + ", ".join(
                f"{code} {card.values[code]:.1f} → {points:.0f}" for code, points in weakest
            )
            + "\n"
        )
    out.append(f"Labour cost for the period: {result.labour_cost:,} CNY")
    for bill in result.settlements:
        out.append(
            f"  {bill.contract_id} {bill.year}-{bill.month:02d}: base {bill.base:,}, "
            f"deducted {bill.deducted:,}, payable {bill.payable:,} CNY"
        )


def _main_trade_of(skills: dict[str, int]) -> str:
    return min(skills, key=lambda s: (-skills[s], s)) if skills else ""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hosplogi",
        description="Hospital logistics management: work orders, crews, SLA, scheduling, KPI.",
    )
    parser.add_argument("--version", action="version", version=f"hosplogi {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser("demo", help="walk a sample day of the service centre and print it")
    sim = commands.add_parser("simulate", help="simulate a synthetic hospital and summarise it")
    sim.add_argument("--beds", type=int, default=800, help="hospital size (default 800)")
    sim.add_argument("--days", type=float, default=30, help="simulated days (default 30)")
    sim.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    sim.add_argument(
        "--policy",
        choices=("fifo", "priority", "recommend", "assign"),
        default="recommend",
        help="dispatch policy (default recommend)",
    )
    sim.add_argument(
        "--outsource",
        action="append",
        default=[],
        metavar="TRADE",
        help="hand a trade to a vendor (settled monthly); repeatable",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with `argv` (default: ``sys.argv[1:]``) and return the exit status.

    Examples
    --------
    >>> main(["--version"])
    Traceback (most recent call last):
    ...
    SystemExit: 0
    """
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    out: list[str] = []
    if args.command == "demo":
        _demo(out)
    elif args.command == "simulate":
        _simulate(out, args.beds, args.days, args.seed, args.policy, args.outsource)
    sys.stdout.write("\n".join(out) + "\n")
    return 0
