"""hosplogi.plots: the figures are read back from the Axes they return."""

from __future__ import annotations

import importlib
import importlib.util
import io
import math
import re
import subprocess
import sys
import warnings
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import matplotlib
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib import pyplot as plt
from matplotlib.axes import Axes
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure

from hosplogi import HosplogiError, Priority, SkillRequirement, Technician, WorkOrder
from hosplogi.kpi import Indicator, Perspective, Scorecard, ScorecardResult, score
from hosplogi.plots import (
    SCORE_COLOUR,
    TARDY_EDGE,
    WEAKEST_COLOUR,
    _common,
    plot_compliance,
    plot_schedule,
    plot_scorecard,
    plot_sweep,
    schedule,
    scores,
    sweep,
)
from hosplogi.scheduling import Entry, Problem, Schedule, Task, solve
from hosplogi.simulation import Scenario, replicate
from hosplogi.simulation.stats import mean_confidence_interval
from hosplogi.sla import ComplianceReport, ComplianceRow, SlaPolicy, SlaTarget, compliance
from strategies_scheduling import problems

matplotlib.use("Agg")  # never a window, whatever the machine
ROOT = Path(__file__).resolve().parent.parent
T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def _rendered_without_warnings(ax: Axes) -> None:
    """Draw the figure to PNG with every warning an error (missing glyphs included)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ax.figure.savefig(io.BytesIO(), format="png")


@pytest.fixture(autouse=True)
def _no_pyplot_figures() -> Any:
    before = plt.get_fignums()
    yield
    assert plt.get_fignums() == before, "a plot function left a pyplot figure open"


# -- the adapter's edge --------------------------------------------------------------------------


def test_import_hosplogi_does_not_import_matplotlib() -> None:
    code = "import sys, hosplogi; print('matplotlib' in sys.modules)"
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(ROOT / "src")},
    )
    assert done.stdout.strip() == "False"


def test_import_without_matplotlib_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [
        m for m in sys.modules if m == "hosplogi.plots" or m.startswith("hosplogi.plots.")
    ]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(ImportError, match=re.escape('pip install "hosplogi[plots]"')):
        importlib.import_module("hosplogi.plots")


def test_ax_that_is_not_an_axes_is_refused() -> None:
    problem, plan = _day()
    calls = [
        lambda ax: plot_schedule(plan, problem, ax=ax),
        lambda ax: plot_scorecard(_result(), ax=ax),
        lambda ax: plot_compliance(_report(), ax=ax),
        lambda ax: plot_sweep([{"x": 1, "y": 2}], x="x", y="y", ax=ax),
    ]
    for call in calls:
        with pytest.raises(HosplogiError, match=r"ax must be a matplotlib Axes.*got Figure"):
            call(Figure())


def test_every_function_draws_into_the_axes_given() -> None:
    fig = Figure()
    a, b, c, d = fig.subplots(2, 2).flat
    problem, plan = _day()
    assert plot_schedule(plan, problem, ax=a) is a
    assert plot_scorecard(_result(), ax=b) is b
    assert plot_compliance(_report(), ax=c) is c
    assert plot_sweep([{"x": 1, "y": 2}], x="x", y="y", ax=d) is d
    assert fig.axes == [a, b, c, d]


# -- plot_schedule -----------------------------------------------------------------------------


def _day() -> tuple[Problem, Schedule]:
    techs = (
        Technician(id="E1", skills={"electrical": 3}),
        Technician(id="M1", skills={"electrical": 2, "hvac": 3}),
        Technician(id="H1", skills={"hvac": 2}),
        Technician(id="IDLE", skills={"plumbing": 1}),
    )
    need = SkillRequirement
    problem = Problem(
        tasks=(
            Task(id="chiller", duration=60, due=90, requirements=(need(skill="hvac", count=2),)),
            Task(id="sockets", duration=30, due=20, requirements=(need(skill="electrical"),)),
            Task(id="panel", duration=40, requirements=(need(skill="electrical", count=2),)),
        ),
        technicians=techs,
    )
    plan = Schedule(
        entries=(
            Entry(task_id="chiller", start=0, end=60, technicians={"M1": "hvac", "H1": "hvac"}),
            Entry(task_id="sockets", start=0, end=30, technicians={"E1": "electrical"}),
            Entry(
                task_id="panel",
                start=60,
                end=100,
                technicians={"E1": "electrical", "M1": "electrical"},
            ),
        )
    )
    return problem, plan


def test_gantt_has_one_labelled_row_per_technician_idle_ones_too() -> None:
    problem, plan = _day()
    ax = plot_schedule(plan, problem)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["E1", "M1", "H1", "IDLE"]
    assert list(ax.get_yticks()) == [0, 1, 2, 3]
    assert ax.get_ylim() == (3.5, -0.5)  # the first technician on top


def test_gantt_draws_a_bar_per_technician_on_a_task_where_and_when_they_work() -> None:
    problem, plan = _day()
    ax = plot_schedule(plan, problem)
    rows = {"E1": 0, "M1": 1, "H1": 2}
    expected = Counter(
        (rows[tech], e.start, e.end - e.start) for e in plan.entries for tech in e.technicians
    )
    drawn = Counter(
        (round(p.get_y() + p.get_height() / 2), p.get_x(), p.get_width()) for p in ax.patches
    )
    assert drawn == expected
    assert len(ax.patches) == 5


def test_gantt_colours_a_bar_by_the_skill_that_person_fills() -> None:
    problem, plan = _day()
    ax = plot_schedule(plan, problem)
    by_colour: dict[tuple[float, ...], set[str]] = {}
    for container in ax.containers:
        for patch in container:
            by_colour.setdefault(patch.get_facecolor(), set()).add(container.get_label())
    assert sorted(label for labels in by_colour.values() for label in labels) == [
        "electrical",
        "hvac",
    ]
    assert all(len(labels) == 1 for labels in by_colour.values())
    # M1 is hvac on the chiller and electrical on the panel: two colours in one row
    m1 = [p.get_facecolor() for p in ax.patches if round(p.get_y() + 0.3) == 1]
    assert len(set(m1)) == 2
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["hvac", "electrical", "tardy (end > due)"]


def test_gantt_marks_tardy_tasks_and_names_them_in_the_title() -> None:
    problem, plan = _day()
    ax = plot_schedule(plan, problem)
    hatched = [p for p in ax.patches if p.get_hatch()]
    assert [(p.get_x(), p.get_width()) for p in hatched] == [(0, 30)]  # sockets: end 30 > due 20
    assert hatched[0].get_edgecolor() == to_rgba(TARDY_EDGE)
    assert ax.get_title() == "Schedule: makespan 100 min; tardy: sockets"


def test_gantt_writes_task_ids_in_the_bars() -> None:
    problem, plan = _day()
    ax = plot_schedule(plan, problem)
    assert sorted(t.get_text() for t in ax.texts) == sorted(
        e.task_id for e in plan.entries for _ in e.technicians
    )


def test_gantt_without_tardy_work_says_nothing_of_it() -> None:
    problem, plan = _day()
    on_time = problem.model_copy(
        update={"tasks": tuple(t.model_copy(update={"due": None}) for t in problem.tasks)}
    )
    ax = plot_schedule(plan, on_time)
    assert ax.get_title() == "Schedule: makespan 100 min"
    assert not any(p.get_hatch() for p in ax.patches)
    assert "tardy (end > due)" not in [t.get_text() for t in ax.get_legend().get_texts()]


def test_gantt_of_some_technicians_draws_only_their_rows() -> None:
    problem, plan = _day()
    ax = plot_schedule(plan, problem, technicians=["H1", "E1"])
    assert [t.get_text() for t in ax.get_yticklabels()] == ["H1", "E1"]
    assert len(ax.patches) == 3  # E1 twice, H1 once


@pytest.mark.parametrize(
    ("technicians", "message"),
    [
        (["E1", "X9"], "unknown id.*X9"),
        (["E1", "E1"], "technicians must be unique; got E1"),
        ("E1", "sequence of technician ids"),
    ],
)
def test_gantt_refuses_a_bad_choice_of_technicians(technicians: Any, message: str) -> None:
    problem, plan = _day()
    with pytest.raises(HosplogiError, match=message):
        plot_schedule(plan, problem, technicians=technicians)


def test_gantt_refuses_a_schedule_for_another_problem() -> None:
    problem, plan = _day()
    other = Problem(tasks=problem.tasks[:1], technicians=problem.technicians)
    with pytest.raises(HosplogiError, match=r"another problem: task.*sockets"):
        plot_schedule(plan, other)
    strangers = Problem(tasks=problem.tasks, technicians=problem.technicians[1:])
    with pytest.raises(HosplogiError, match=r"another problem: technician.*E1"):
        plot_schedule(plan, strangers)


def test_gantt_refuses_other_things_than_a_schedule_and_a_problem() -> None:
    problem, plan = _day()
    with pytest.raises(HosplogiError, match="schedule must be a Schedule, got tuple"):
        plot_schedule(plan.entries, problem)  # type: ignore[arg-type]
    with pytest.raises(HosplogiError, match="problem must be a Problem, got NoneType"):
        plot_schedule(plan, None)  # type: ignore[arg-type]


def test_gantt_is_bounded_in_bars_and_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    problem, plan = _day()
    monkeypatch.setattr(schedule, "MAX_BARS", 4)
    with pytest.raises(HosplogiError, match="5 bars is more than the 4 drawn"):
        plot_schedule(plan, problem)
    assert len(plot_schedule(plan, problem, technicians=["E1", "H1"]).patches) == 3
    monkeypatch.setattr(schedule, "MAX_ROWS", 3)
    with pytest.raises(HosplogiError, match="4 technicians is more than the 3 rows"):
        plot_schedule(plan, problem)


def test_gantt_escapes_ids_no_font_can_draw(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_common, "_chinese_face", lambda: None)
    problem = Problem(
        tasks=(
            Task(id="漏水", duration=10, due=5, requirements=(SkillRequirement(skill="水工"),)),
        ),
        technicians=(Technician(id="王师傅", skills={"水工": 2}),),
    )
    plan = Schedule(
        entries=(Entry(task_id="漏水", start=0, end=10, technicians={"王师傅": "水工"}),)
    )
    ax = plot_schedule(plan, problem)
    assert ax.get_yticklabels()[0].get_text() == "\\u738b\\u5e08\\u5085"
    _rendered_without_warnings(ax)


@settings(max_examples=15, deadline=None)
@given(problems(max_tasks=5, max_techs=4))
def test_gantt_of_any_solved_problem_has_a_bar_per_person_on_a_task(problem: Problem) -> None:
    plan = solve(problem, time_limit=None, iterations=20, seed=0)
    ax = plot_schedule(plan, problem)
    assert len(ax.patches) == sum(len(e.technicians) for e in plan.entries)
    assert [t.get_text() for t in ax.get_yticklabels()] == [t.id for t in problem.technicians]
    tardy = {e.task_id for e in plan.entries for t in problem.tasks
             if t.id == e.task_id and t.due is not None and e.end > t.due}  # fmt: skip
    assert sum(bool(p.get_hatch()) for p in ax.patches) == sum(
        len(e.technicians) for e in plan.entries if e.task_id in tardy
    )


# -- plot_scorecard ------------------------------------------------------------------------------


def _result(**values: float) -> ScorecardResult:
    card = Scorecard(
        name="crew",
        indicators=tuple(
            Indicator(code=p.value, name=p.value, perspective=p, target=100, floor=0)
            for p in Perspective
        ),
        perspective_weights=dict.fromkeys(Perspective, 0.25),
    )
    scores_ = {"efficiency": 80.0, "service": 55.0, "internal": 90.0, "development": 70.0}
    return score(card, {**scores_, **values})


def test_scorecard_draws_the_four_perspectives_with_their_scores() -> None:
    ax = plot_scorecard(_result())
    assert [round(float(p.get_height()), 6) for p in ax.patches] == [80.0, 55.0, 90.0, 70.0]
    labels = [t.get_text().split("\n")[0] for t in ax.get_xticklabels()]
    assert labels == ["Efficiency", "Service", "Internal", "Development"]
    assert ax.get_ylim() == (0.0, 115.0)
    assert ax.get_title() in ("crew: total 73.8 (合格)", "crew: total 73.8 (pass)")


@pytest.mark.parametrize("weakest", list(Perspective))
def test_scorecard_marks_the_weakest_perspective(weakest: Perspective) -> None:
    result = _result(**{weakest.value: 10.0})
    assert result.weakest == weakest
    ax = plot_scorecard(result)
    colours = [p.get_facecolor() for p in ax.patches]
    at = list(Perspective).index(weakest)
    assert colours[at] == to_rgba(WEAKEST_COLOUR)
    assert colours[:at] + colours[at + 1 :] == [to_rgba(SCORE_COLOUR)] * 3
    (note,) = [t for t in ax.texts if t.get_text() == "weakest"]
    assert note.xy == (at, 10.0)


def test_scorecard_of_some_perspectives_draws_those() -> None:
    card = Scorecard(
        name="vendor",
        indicators=(
            Indicator(code="a", name="a", perspective="service", target=100, floor=0),
            Indicator(code="b", name="b", perspective="internal", target=100, floor=0),
        ),
        perspective_weights={"service": 0.5, "internal": 0.5},
    )
    ax = plot_scorecard(score(card, {"a": 40, "b": 60}))
    assert [t.get_text().split("\n")[0] for t in ax.get_xticklabels()] == ["Service", "Internal"]
    assert ax.patches[0].get_facecolor() == to_rgba(WEAKEST_COLOUR)


def test_scorecard_names_perspectives_in_chinese_when_a_font_has_the_glyphs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    face = ("DejaVu Sans", matplotlib.font_manager.findfont("DejaVu Sans"))
    monkeypatch.setattr(_common, "_chinese_face", lambda: face)
    ax = plot_scorecard(_result())
    assert [t.get_text() for t in ax.get_xticklabels()] == [
        "Efficiency\n能效",
        "Service\n服务对象",
        "Internal\n内部管理",
        "Development\n发展",
    ]


def test_scorecard_without_a_chinese_font_is_english_and_raises_no_glyph_warning(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_common, "_chinese_face", lambda: None)
    result = _result().model_copy(update={"unit": "二班"})
    ax = plot_scorecard(result)
    assert "能效" not in "".join(t.get_text() for t in ax.get_xticklabels())
    assert ax.get_title() == "crew — \\u4e8c\\u73ed: total 73.8 (pass)"
    _rendered_without_warnings(ax)


def test_scorecard_raises_no_glyph_warning_with_the_fonts_installed_here() -> None:
    _rendered_without_warnings(plot_scorecard(_result()))


def test_chinese_font_is_one_with_every_glyph_or_none() -> None:
    face = _common._chinese_face()
    if face is not None:
        assert {ord(c) for p in Perspective for c in p.zh} <= _common._charmap(face[1])
    assert _common.chinese_font() == (None if face is None else face[0])


def test_scorecard_refuses_a_missing_result() -> None:
    with pytest.raises(HosplogiError, match=r"ScorecardResult.*got NoneType"):
        plot_scorecard(None)  # type: ignore[arg-type]


# -- plot_compliance ---------------------------------------------------------------------------


def _row(key: str | None, met: int, breached: int, open_: int = 0) -> ComplianceRow:
    decided = met + breached
    return ComplianceRow(
        key=key,
        count=decided + open_,
        cancelled=0,
        met=met,
        breached=breached,
        open=open_,
        met_rate=100 * met / decided if decided else None,
        mean_elapsed=None,
        p90_elapsed=None,
    )


def _report() -> ComplianceReport:
    return ComplianceReport(
        by="trade",
        clock="resolution",
        now=T0,
        rows=(_row("hvac", 9, 1), _row("lifts", 1, 3), _row("new", 0, 0, 2), _row(None, 2, 0)),
        total=_row(None, 12, 4, 2),
    )


def test_compliance_draws_a_bar_per_group_at_its_met_rate() -> None:
    ax = plot_compliance(_report())
    assert [t.get_text() for t in ax.get_yticklabels()] == ["hvac", "lifts", "new", "(none)"]
    assert [p.get_width() for p in ax.patches] == [90.0, 25.0, 0.0, 100.0]
    assert ax.get_xlim() == (0.0, 100.0)


def test_compliance_labels_each_group_with_its_counts() -> None:
    ax = plot_compliance(_report())
    assert [t.get_text() for t in ax.texts] == [
        "90.0%  9/10 met, n=10",
        "25.0%  1/4 met, n=4",
        "nothing decided, n=2",
        "100.0%  2/2 met, n=2",
    ]


def test_compliance_marks_the_total() -> None:
    ax = plot_compliance(_report())
    (line,) = ax.lines
    assert list(line.get_xdata()) == [75.0, 75.0]
    assert line.get_linestyle() == "--"
    assert (
        ax.get_title()
        == "SLA resolution met by trade; all orders 75.0% (dashed)\nat 2026-03-02 08:00"
    )


def test_compliance_of_real_orders_matches_the_report() -> None:
    policy = SlaPolicy(
        targets={
            p: SlaTarget(respond=timedelta(minutes=30), resolve=timedelta(hours=4))
            for p in Priority
        }
    )
    orders = []
    for k, (priority, late) in enumerate(
        [(Priority.URGENT, 10), (Priority.URGENT, 50), (Priority.ROUTINE, 5)]
    ):
        o = WorkOrder.report(id=f"WO-{k}", title="t", trade="hvac", priority=priority,
                             reported_at=T0, location="L")  # fmt: skip
        o = o.dispatch(("H1",), at=T0 + timedelta(minutes=1)).start(at=T0 + timedelta(minutes=late))
        orders.append(o)
    report = compliance(orders, policy, T0 + timedelta(hours=1), clock="response")
    ax = plot_compliance(report)
    assert [t.get_text() for t in ax.get_yticklabels()] == [r.key for r in report.rows]
    assert [p.get_width() for p in ax.patches] == [r.met_rate for r in report.rows]


def test_compliance_escapes_group_names_no_font_can_draw(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_common, "_chinese_face", lambda: None)
    report = _report().model_copy(update={"by": "科室", "rows": (_row("内科", 3, 1),)})
    ax = plot_compliance(report)
    assert ax.get_yticklabels()[0].get_text() == "\\u5185\\u79d1"
    _rendered_without_warnings(ax)


def test_compliance_is_bounded_and_refuses_other_values(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scores, "MAX_GROUPS", 3)
    with pytest.raises(HosplogiError, match="4 groups is more than the 3 drawn"):
        plot_compliance(_report())
    with pytest.raises(HosplogiError, match=r"ComplianceReport.*got dict"):
        plot_compliance({})  # type: ignore[arg-type]


# -- plot_sweep ----------------------------------------------------------------------------------


def _bars(ax: Axes, line: int = 0) -> list[float]:
    """x, low, high of each error bar of the `line`-th line, one after the other."""
    segments = ax.containers[line].lines[2][0].get_segments()
    return [float(v) for s in segments for v in (s[0][0], s[0][1], s[1][1])]


def test_sweep_draws_replications_as_mean_and_the_95_percent_interval() -> None:
    waits = {3: [10.0, 12.0, 17.0], 4: [4.0, 5.0]}
    rows = [{"n": n, "wait": w} for n, ws in waits.items() for w in ws]
    ax = plot_sweep(rows, x="n", y="wait")
    (line,) = ax.lines[:1]
    assert list(line.get_xdata()) == [3.0, 4.0]
    expected = [mean_confidence_interval(ws) for ws in waits.values()]
    assert list(line.get_ydata()) == pytest.approx([m for m, _, _ in expected])
    assert _bars(ax) == pytest.approx([3, expected[0][1], expected[0][2], 4, *expected[1][1:]])
    assert ax.get_title() == "wait by n (mean, 95 % interval)"
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("n", "wait")


def test_sweep_of_replicate_records_shows_what_replicate_computed() -> None:
    records = []
    reps = {}
    for c in (2, 3):
        reps[c] = replicate(Scenario.mmc(1.5, 1, c), 3, days=1, seed=4)
        records += [{**row, "technicians": c} for row in reps[c].to_records()]
    ax = plot_sweep(records, x="technicians", y="utilisation")
    assert list(ax.lines[0].get_ydata()) == pytest.approx(
        [reps[c].mean["utilisation"] for c in (2, 3)]
    )
    assert _bars(ax) == pytest.approx(
        [v for c in (2, 3) for v in (c, reps[c].low["utilisation"], reps[c].high["utilisation"])]
    )


def test_sweep_draws_the_intervals_rows_carry() -> None:
    rows = [
        {"n": 2, "wait": 9.0, "wait_low": 7.0, "wait_high": 12.0},
        {"n": 1, "wait": 20.0, "wait_low": 15.0, "wait_high": 30.0},
    ]
    ax = plot_sweep(rows, x="n", y="wait")
    assert ax.containers[0].has_yerr
    assert _bars(ax) == [1.0, 15.0, 30.0, 2.0, 7.0, 12.0]


def test_sweep_without_intervals_draws_no_error_bars() -> None:
    ax = plot_sweep([{"n": 1, "wait": 3.0}, {"n": 2, "wait": 1.0}], x="n", y="wait")
    assert not ax.containers[0].has_yerr
    assert ax.get_title() == "wait by n"


def test_sweep_draws_one_line_per_hue_in_order_of_appearance() -> None:
    rows = [
        {"c": c, "policy": p, "wait": w}
        for p, base in (("fifo", 10.0), ("recommend", 6.0))
        for c in (4, 3)
        for w in (base / c, base / c + 1)
    ]
    ax = plot_sweep(rows, x="c", y="wait", hue="policy")
    assert len(ax.containers) == 2
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["fifo", "recommend"]
    assert ax.get_legend().get_title().get_text() == "policy"
    assert list(ax.containers[1].lines[0].get_ydata()) == pytest.approx([2.5, 2.0])


def test_sweep_with_text_x_draws_categories_in_order_of_appearance() -> None:
    rows = [{"policy": "recommend", "wait": 2.0}, {"policy": "fifo", "wait": 5.0}]
    ax = plot_sweep(rows, x="policy", y="wait")
    assert [t.get_text() for t in ax.get_xticklabels()] == ["recommend", "fifo"]
    assert list(ax.lines[0].get_xdata()) == [0.0, 1.0]


def test_sweep_leaves_out_missing_values() -> None:
    rows = [
        {"n": 1, "rate": None},
        {"n": 1, "rate": 80.0},
        {"n": 2, "rate": math.nan},
        {"n": 3, "rate": 90.0},
    ]
    ax = plot_sweep(rows, x="n", y="rate")
    assert list(ax.lines[0].get_xdata()) == [1.0, 3.0]
    with pytest.raises(HosplogiError, match="no row has a value of y='rate'"):
        plot_sweep(rows[:1], x="n", y="rate")


def test_sweep_label_names_the_line_without_hue() -> None:
    ax = plot_sweep([{"n": 1, "w": 2.0}], x="n", y="w", label="simulated")
    assert ax.containers[0].get_label() == "simulated"


@pytest.mark.parametrize(
    ("records", "kwargs", "message"),
    [
        ([], {}, "records is empty"),
        ([{"n": 1, "w": 2}], {"x": "m"}, r"x='m' is not a column.*columns: n, w"),
        ([{"n": 1, "w": 2}], {"y": "wait"}, r"y='wait' is not a column.*columns: n, w"),
        ([{"n": 1, "w": 2}], {"hue": "policy"}, r"hue='policy' is not a column"),
        ([{"n": 1, "w": 2}, {"w": 3}], {}, "row 1 has no column 'n'"),
        ([{"n": 1, "w": "slow"}], {}, "row 0: the y column 'w' must be a number, got str"),
        ([{"n": 1, "w": True}], {}, "must be a number, got bool"),
        ([{"n": 1, "w": math.inf}], {}, "must be finite"),
        ([{"n": 1, "w": 2}, {"n": "a", "w": 2}], {}, "mixes numbers and text"),
        ([{"n": None, "w": 2}], {}, "x column 'n' has no value"),
        (
            [{"n": 1, "w": 5.0, "w_low": 6.0, "w_high": 7.0}],
            {},
            r"\[6, 7\] of 'w' does not contain",
        ),
        ([{"n": 1, "w": 5.0, "w_low": "a", "w_high": 7.0}], {}, "w_low must be a number"),
        ([{"n": 1, "w": 2, "h": [1]}], {"hue": "h"}, "unhashable"),
        ([("n", 1)], {}, "row 0 of records is a tuple, not a mapping"),
        ("nw", {}, "records must be a sequence of row dicts"),
        ({"n": [1], "w": [2]}, {}, r'records must be a sequence.*df.to_dict\("records"\)'),
    ],
)
def test_sweep_refuses_bad_records_naming_what_is_wrong(
    records: Any, kwargs: dict[str, str], message: str
) -> None:
    with pytest.raises(HosplogiError, match=message):
        plot_sweep(records, **{"x": "n", "y": "w", **kwargs})


def test_sweep_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [{"n": k, "w": 1.0, "h": k % 3} for k in range(6)]
    monkeypatch.setattr(sweep, "MAX_LINES", 2)
    with pytest.raises(HosplogiError, match="more than 2 values"):
        plot_sweep(rows, x="n", y="w", hue="h")
    monkeypatch.setattr(sweep, "MAX_POINTS", 5)
    with pytest.raises(HosplogiError, match="more than 5 points"):
        plot_sweep(rows, x="n", y="w")
    monkeypatch.setattr(sweep, "MAX_RECORDS", 5)
    with pytest.raises(HosplogiError, match="6 rows, more than the 5 read"):
        plot_sweep(rows, x="n", y="w")


@given(
    st.dictionaries(
        st.integers(1, 20),
        st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=6),
        min_size=1,
        max_size=6,
    )
)
def test_sweep_points_are_the_means_of_the_rows_at_each_x(groups: dict[int, list[float]]) -> None:
    rows = [{"x": x, "y": v} for x, values in groups.items() for v in values]
    ax = plot_sweep(rows, x="x", y="y")
    xs = sorted(groups)
    assert list(ax.lines[0].get_xdata()) == xs
    assert list(ax.lines[0].get_ydata()) == pytest.approx(
        [math.fsum(groups[x]) / len(groups[x]) for x in xs], abs=1e-6
    )


# -- the figures in the docs ---------------------------------------------------------------------


def _figure_script() -> Any:
    spec = importlib.util.spec_from_file_location(
        "doc_figures", ROOT / "scripts" / "doc_figures.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_figure_script_writes_a_page_figures_into_the_folder_given(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "```python\nimport os\nfrom pathlib import Path\n"
        "from hosplogi.plots import plot_sweep\n"
        "ax = plot_sweep([{'n': 1, 'w': 2.0}], x='n', y='w')\n"
        "ax.figure.savefig(Path(os.environ['HOSPLOGI_DOCS_IMG']) / 'a.png')\n```\n",
        encoding="utf-8",
    )
    _figure_script().run_page(page, tmp_path / "img")
    assert (tmp_path / "img" / "a.png").read_bytes().startswith(b"\x89PNG")


def test_every_picture_in_docs_img_is_drawn_by_a_page_that_shows_it() -> None:
    script = _figure_script()
    saved, shown = set(), set()
    for page in script.PAGES:
        text = page.read_text(encoding="utf-8")
        saved |= set(re.findall(r'(?:save\(\w+, |/ )"([\w-]+\.png)"', text))
        shown |= set(re.findall(r"\]\(img/([\w-]+\.png)\)", text))
    on_disk = {p.name for p in (ROOT / "docs" / "img").glob("*.png")}
    assert saved == shown == on_disk
