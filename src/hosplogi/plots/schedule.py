"""A schedule as a Gantt chart: one row per technician, a bar per task, colour by skill."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib
from matplotlib.axes import Axes
from matplotlib.patches import Patch

from hosplogi._types import require_unique
from hosplogi.errors import HosplogiError
from hosplogi.plots._common import axes_for, drawable, font_context, listed
from hosplogi.scheduling import Problem, Schedule

__all__ = ["MAX_BARS", "MAX_ROWS", "TARDY_EDGE", "TARDY_HATCH", "plot_schedule"]

MAX_BARS = 10_000
"""The most bars :func:`plot_schedule` draws (one per technician on a task)."""
MAX_ROWS = 1_000
"""The most technician rows :func:`plot_schedule` draws."""
TARDY_EDGE = "red"
"""The edge colour of a tardy task's bars in :func:`plot_schedule` (they are hatched too)."""
TARDY_HATCH = "////"


def plot_schedule(
    schedule: Schedule,
    problem: Problem,
    *,
    ax: Axes | None = None,
    technicians: Sequence[str] | None = None,
) -> Axes:
    """Draw `schedule` as a Gantt chart: one row per technician, a bar per task they work on.

    Each bar is coloured by the skill that technician fills on that task (one legend entry per
    skill); the bars of a tardy task (``end > due``) have a red edge and are hatched, and the
    title lists the tardy tasks. Rows are labelled with the technician ids, in the order of
    ``problem.technicians`` (idle technicians included), top to bottom. Tasks that nobody works
    on (no requirements) have no bar. The x axis is minutes from the problem's origin.

    Parameters
    ----------
    schedule : Schedule
    problem : Problem
        The problem `schedule` solves; its tasks give due times, its technicians the rows.
    ax : matplotlib.axes.Axes, optional
        Draw here; by default a new Figure is made.
    technicians : sequence of str, optional
        Only these technicians' rows, in this order (to look at a crew, or to stay within the
        bounds).

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    HosplogiError
        If the schedule names a task or technician that `problem` does not have (a schedule
        for another problem), `technicians` names an unknown id or repeats one, there are more
        than :data:`MAX_ROWS` rows or :data:`MAX_BARS` bars to draw, or `ax` is not an Axes.

    Notes
    -----
    Bounded: at most :data:`MAX_ROWS` (1,000) rows and :data:`MAX_BARS` (10,000) bars; a larger
    chart is refused (pass `technicians` to draw a part of it). Task ids are written in the
    bars when there are at most 40 bars.

    Examples
    --------
    >>> from hosplogi import SkillRequirement, Technician
    >>> from hosplogi.scheduling import Entry, Task
    >>> problem = Problem(
    ...     tasks=(Task(id="A", duration=30, due=20,
    ...                 requirements=(SkillRequirement(skill="hvac"),)),),
    ...     technicians=(Technician(id="H1", skills={"hvac": 2}),
    ...                  Technician(id="H2", skills={"hvac": 1})))
    >>> schedule = Schedule(entries=(Entry(task_id="A", start=0, end=30,
    ...                                    technicians={"H1": "hvac"}),))
    >>> ax = plot_schedule(schedule, problem)
    >>> [t.get_text() for t in ax.get_yticklabels()], len(ax.patches)
    (['H1', 'H2'], 1)
    >>> ax.get_title()
    'Schedule: makespan 30 min; tardy: A'
    """
    if not isinstance(schedule, Schedule):
        raise HosplogiError(f"schedule must be a Schedule, got {type(schedule).__name__}")
    if not isinstance(problem, Problem):
        raise HosplogiError(f"problem must be a Problem, got {type(problem).__name__}")
    tasks = {t.id: t for t in problem.tasks}
    known = [t.id for t in problem.technicians]
    _check_same_problem(schedule, tasks, set(known))
    rows = _rows_shown(known, technicians)
    if len(rows) > MAX_ROWS:
        raise HosplogiError(
            f"a Gantt chart of {len(rows)} technicians is more than the {MAX_ROWS} rows drawn; "
            "pass technicians=[...] to draw some of them"
        )
    row_of = {tech: i for i, tech in enumerate(rows)}
    # (row, start, width, task id, tardy) per skill, skills in first-seen order
    bars: dict[str, list[_Bar]] = {}
    count = 0
    tardy: list[str] = []
    for entry in schedule.entries:
        due = tasks[entry.task_id].due
        late = due is not None and entry.end > due
        if late:
            tardy.append(entry.task_id)
        for tech, skill in entry.technicians.items():
            if tech in row_of:
                bars.setdefault(skill, []).append(
                    (row_of[tech], entry.start, entry.end - entry.start, entry.task_id, late)
                )
                count += 1
    if count > MAX_BARS:
        raise HosplogiError(
            f"a Gantt chart of {count} bars is more than the {MAX_BARS} drawn; "
            "pass technicians=[...] to draw some of the technicians"
        )
    with font_context():
        return _draw(
            axes_for(ax, size=(10.0, 1.2 + 0.35 * max(len(rows), 1))),
            rows,
            bars,
            tardy,
            schedule.makespan,
        )


_Bar = tuple[int, int, int, str, bool]  # row, start, width, task id, tardy


def _draw(
    ax: Axes, rows: list[str], bars: dict[str, list[_Bar]], tardy: list[str], makespan: int
) -> Axes:
    count = sum(len(items) for items in bars.values())
    colours = matplotlib.colormaps["tab10" if len(bars) <= 10 else "tab20"]
    for k, (skill, items) in enumerate(bars.items()):
        drawn = ax.barh(
            [r for r, *_ in items],
            [w for _, _, w, _, _ in items],
            left=[s for _, s, *_ in items],
            height=0.6,
            color=colours(k % colours.N),
            edgecolor="black",
            linewidth=0.5,
            label=drawable(skill),
        )
        for patch, (_, start, width, task_id, late) in zip(drawn.patches, items, strict=True):
            if late:
                patch.set_edgecolor(TARDY_EDGE)
                patch.set_linewidth(1.5)
                patch.set_hatch(TARDY_HATCH)
            if count <= 40:
                ax.text(
                    start + width / 2,
                    patch.get_y() + 0.3,
                    drawable(task_id),
                    ha="center",
                    va="center",
                    fontsize=7,
                    clip_on=True,
                )
    ax.set_yticks(range(len(rows)), labels=[drawable(r) for r in rows])
    ax.set_ylim(len(rows) - 0.5, -0.5)  # the first technician on top
    ax.set_xlabel("minutes from the origin")
    ax.set_ylabel("technician")
    title = f"Schedule: makespan {makespan} min"
    if tardy:
        title += f"; tardy: {drawable(listed(tardy))}"
    ax.set_title(title)
    handles, _ = ax.get_legend_handles_labels()
    if tardy:
        handles.append(
            Patch(
                facecolor="white",
                edgecolor=TARDY_EDGE,
                hatch=TARDY_HATCH,
                label="tardy (end > due)",
            )
        )
    if handles:
        ax.legend(handles=handles, title="skill", loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return ax


def _check_same_problem(
    schedule: Schedule, tasks: Mapping[str, object], technicians: set[str]
) -> None:
    unknown_tasks = [e.task_id for e in schedule.entries if e.task_id not in tasks]
    if unknown_tasks:
        raise HosplogiError(
            f"the schedule is for another problem: task(s) {listed(unknown_tasks)} are not "
            f"in the problem, whose tasks are {listed(list(tasks))}"
        )
    unknown_people = list(
        dict.fromkeys(t for e in schedule.entries for t in e.technicians if t not in technicians)
    )
    if unknown_people:
        raise HosplogiError(
            f"the schedule is for another problem: technician(s) {listed(unknown_people)} are "
            f"not in the problem, whose technicians are {listed(sorted(technicians))}"
        )


def _rows_shown(known: list[str], chosen: Sequence[str] | None) -> list[str]:
    if chosen is None:
        return known
    if isinstance(chosen, str) or not isinstance(chosen, Sequence):
        raise HosplogiError(
            f"technicians must be a sequence of technician ids, got {type(chosen).__name__}"
        )
    rows = list(chosen)
    present = set(known)
    unknown = [str(t) for t in rows if t not in present]
    if unknown:
        raise HosplogiError(
            f"technicians names unknown id(s) {listed(unknown)}; the problem has {listed(known)}"
        )
    require_unique(rows, "technicians")
    return rows
