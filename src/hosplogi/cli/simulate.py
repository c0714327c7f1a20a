"""``python -m hosplogi simulate``: a synthetic hospital simulated and summarised.

Orchestration only: the figures come from :func:`hosplogi.simulation.simulate` and the engines it
reads (SLA compliance, the scorecard, contract settlement).
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Sequence
from datetime import timedelta

from hosplogi import __version__
from hosplogi.assets import reliability
from hosplogi.cli._text import render_table
from hosplogi.orders import Priority
from hosplogi.simulation import Hospital, Scenario, SimulationResult, simulate
from hosplogi.simulation.parts import main_trade

__all__ = ["run_simulation", "simulate_lines", "summary_lines"]


def _hours(value: timedelta | None) -> str:
    return "-" if value is None else f"{value.total_seconds() / 3600:.1f}"


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


def simulate_lines(
    beds: int, days: float, seed: int, policy: str, outsource: Sequence[str] = ()
) -> list[str]:
    """The summary printed by ``python -m hosplogi simulate``, line by line.

    Examples
    --------
    >>> lines = simulate_lines(beds=40, days=1, seed=1, policy="fifo")
    >>> lines[0].split(" — ")[1]
    'simulation of synthetic 40-bed hospital (seed 1)'
    """
    return summary_lines(*run_simulation(beds, days, seed, policy, outsource))


def run_simulation(
    beds: int, days: float, seed: int, policy: str, outsource: Sequence[str] = ()
) -> tuple[Scenario, SimulationResult]:
    """The run ``python -m hosplogi simulate`` reports: a synthetic hospital of `beds`.

    Examples
    --------
    >>> scenario, result = run_simulation(beds=40, days=1, seed=1, policy="fifo")
    >>> scenario.policy, result.summary.days
    ('fifo', 1.0)
    """
    hospital = Hospital.synthetic(beds=beds, seed=seed)
    scenario = Scenario.model_validate({"hospital": hospital, "policy": policy})
    for trade in outsource:
        scenario = scenario.outsourced(trade, vendor=f"V-{trade.upper()}")
    result = simulate(scenario, days=days, seed=seed, progress=_ProgressBar("simulating"))
    return scenario, result


def summary_lines(scenario: Scenario, result: SimulationResult) -> list[str]:
    """The printed summary of a run of `scenario`, line by line."""
    out: list[str] = []
    hospital = scenario.hospital
    policy = scenario.policy
    days = result.summary.days
    seed = result.summary.seed
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
    counts = Counter(main_trade(t) for t in hospital.technicians)
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
    if scenario.hospital.assets:
        start = result.end - timedelta(days=days)
        rows = [
            [r.key, str(r.failures), str(r.repeat_failures), _hours(r.mttr),
             f"{100 * r.availability:.3f}%"]
            for r in reliability(
                scenario.hospital.register(), result.orders, start=start, end=result.end,
                by="category",
            )
        ]  # fmt: skip
        out.append(
            "Equipment reliability by category (hosplogi.assets over the register, 设备台账)"
        )
        headers = ["category", "failures", "repeats", "MTTR h", "availability"]
        out.append(render_table(headers, rows, align="<>>>>") + "\n")
    out.append(f"Labour cost for the period: {result.labour_cost:,} CNY")
    for bill in result.settlements:
        out.append(
            f"  {bill.contract_id} {bill.year}-{bill.month:02d}: base {bill.base:,}, "
            f"deducted {bill.deducted:,}, payable {bill.payable:,} CNY"
        )
    return out
