"""Figures for the command line's ``--plot`` options (extra ``plots``: matplotlib).

Orchestration only: the figures are :mod:`hosplogi.plots`' and the data are the same the printed
report shows (the demo's plan, scorecard and SLA compliance; a simulation's results).
"""

from __future__ import annotations

from pathlib import Path

from matplotlib.figure import Figure

from hosplogi.cli._tour import day_scorecard, demo_policy, tomorrows_plan
from hosplogi.cli.demo import demo_day, demo_technicians, end_of_day
from hosplogi.errors import HosplogiError
from hosplogi.plots import plot_compliance, plot_schedule, plot_scorecard
from hosplogi.simulation import SimulationResult
from hosplogi.sla import compliance

__all__ = ["demo_figures", "simulation_figure"]


def _save(figure: Figure, path: Path) -> Path:
    try:
        figure.savefig(path, dpi=110, bbox_inches="tight")
    except OSError as err:
        raise HosplogiError(f"cannot write the figure {path}: {err.strerror}") from None
    return path


def simulation_figure(result: SimulationResult, path: str | Path) -> Path:
    """Resolution-clock compliance by priority beside the run's scorecard, saved to `path`.

    Examples
    --------
    >>> import tempfile
    >>> from hosplogi.simulation import Hospital, Scenario, simulate
    >>> run = simulate(Scenario(hospital=Hospital.synthetic(beds=40, seed=1)), days=1, seed=1)
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     simulation_figure(run, Path(folder) / "run.png").name
    'run.png'
    """
    figure = Figure(figsize=(12, 4.5))
    left, right = figure.subplots(1, 2)
    plot_compliance(result.sla["resolution"], ax=left)
    if result.scorecard is not None:
        plot_scorecard(result.scorecard, ax=right)
    else:
        right.set_axis_off()
    return _save(figure, Path(path))


def demo_figures(folder: str | Path) -> list[Path]:
    """The demo day's figures — tomorrow's plan, the scorecard, SLA compliance — into `folder`.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     [p.name for p in demo_figures(folder)]
    ['plan.png', 'scorecard.png', 'compliance.png']
    """
    out = Path(folder)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise HosplogiError(f"cannot make the folder {out}: {err.strerror}") from None
    orders, technicians, now = demo_day(), demo_technicians(), end_of_day()
    problem, schedule, _ = tomorrows_plan(orders, technicians)
    card, _ = day_scorecard(orders, technicians, now)
    report = compliance(orders, demo_policy(), now, by="trade")
    figures = [Figure(figsize=(10, 5)) for _ in range(3)]
    plot_schedule(schedule, problem, ax=figures[0].subplots())
    plot_scorecard(card, ax=figures[1].subplots())
    plot_compliance(report, ax=figures[2].subplots())
    names = ("plan.png", "scorecard.png", "compliance.png")
    return [_save(figure, out / name) for figure, name in zip(figures, names, strict=True)]
