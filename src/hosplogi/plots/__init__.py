"""Matplotlib figures of schedules, scorecards, SLA compliance and simulation sweeps.

An edge adapter (extra ``hosplogi[plots]``): each function reads a value the library already
computed and draws it; none adds a rule of its own. ``import hosplogi`` never imports matplotlib;
``import hosplogi.plots`` needs it.

Every function draws into the Axes `ax` when one is given and returns it; without one it creates
a :class:`matplotlib.figure.Figure` that no pyplot state holds (save it with
``ax.figure.savefig(path)``; it is freed with its last reference). No function calls pyplot.

| function | draws |
|---|---|
| :func:`plot_schedule` | a Gantt chart: one row per technician, a bar per task, colour by skill |
| :func:`plot_scorecard` | the four perspectives' scores, the weakest one marked |
| :func:`plot_compliance` | the met rate per group, with counts |
| :func:`plot_sweep` | a measure against a lever, means with 95 % intervals |

Examples
--------
>>> from hosplogi.kpi import Scorecard, Indicator, score
>>> card = Scorecard(name="crew", indicators=(
...     Indicator(code="on_time", name="On time", perspective="service", target=98, floor=80),
...     Indicator(code="cost", name="Cost", perspective="efficiency", higher_is_better=False,
...               target=150, floor=400)), perspective_weights={"service": 0.6, "efficiency": 0.4})
>>> ax = plot_scorecard(score(card, {"on_time": 89, "cost": 150}))
>>> ax.get_title() in ("crew: total 70.0 (合格)", "crew: total 70.0 (pass)")
True
"""

from __future__ import annotations

try:
    import matplotlib  # noqa: F401
except ImportError as exc:
    raise ImportError(
        'hosplogi.plots needs matplotlib; install it with: pip install "hosplogi[plots]"'
    ) from exc

from hosplogi.plots.schedule import MAX_BARS, MAX_ROWS, TARDY_EDGE, TARDY_HATCH, plot_schedule
from hosplogi.plots.scores import (
    MAX_GROUPS,
    SCORE_COLOUR,
    WEAKEST_COLOUR,
    plot_compliance,
    plot_scorecard,
)
from hosplogi.plots.sweep import MAX_LINES, MAX_POINTS, MAX_RECORDS, plot_sweep

__all__ = [
    "MAX_BARS",
    "MAX_GROUPS",
    "MAX_LINES",
    "MAX_POINTS",
    "MAX_RECORDS",
    "MAX_ROWS",
    "SCORE_COLOUR",
    "TARDY_EDGE",
    "TARDY_HATCH",
    "WEAKEST_COLOUR",
    "plot_compliance",
    "plot_schedule",
    "plot_scorecard",
    "plot_sweep",
]
