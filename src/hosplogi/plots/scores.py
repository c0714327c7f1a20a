"""A scorecard's perspectives and an SLA compliance report as bar charts."""

from __future__ import annotations

from matplotlib.axes import Axes

from hosplogi.errors import HosplogiError
from hosplogi.kpi import DEFAULT_GRADES, Perspective, ScorecardResult
from hosplogi.plots._common import axes_for, chinese_font, drawable, font_context
from hosplogi.sla import ComplianceReport

__all__ = ["MAX_GROUPS", "SCORE_COLOUR", "WEAKEST_COLOUR", "plot_compliance", "plot_scorecard"]

MAX_GROUPS = 500
"""The most groups (bars) :func:`plot_compliance` draws."""
WEAKEST_COLOUR = "tab:red"
"""The colour of the weakest perspective's bar in :func:`plot_scorecard`."""
SCORE_COLOUR = "tab:blue"
"""The colour of the other perspectives' bars."""

_ENGLISH = {
    Perspective.EFFICIENCY: "Efficiency",
    Perspective.SERVICE: "Service",
    Perspective.INTERNAL: "Internal",
    Perspective.DEVELOPMENT: "Development",
}


def plot_scorecard(result: ScorecardResult, *, ax: Axes | None = None) -> Axes:
    """Draw the perspective scores (0–100) of `result`, the weakest one marked.

    One bar per perspective the scorecard has, in :class:`~hosplogi.kpi.Perspective` order, each
    labelled with its English name — and its Chinese name (能效, 服务对象, 内部管理, 发展) when an
    installed font has the glyphs ; otherwise the English name alone,
    so no "Glyph missing" warning is raised. The weakest perspective (the short board, 短板) is
    drawn in :data:`WEAKEST_COLOUR` and labelled "weakest"; each bar carries its score; the title
    gives the scorecard, the unit when scored with others, the total and the grade.

    Parameters
    ----------
    result : ScorecardResult
        From :func:`hosplogi.kpi.score` (or ``SimulationResult.scorecard``).
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    HosplogiError
        If `result` is not a ScorecardResult (e.g. None, when a run left indicators unmeasured)
        or `ax` is not an Axes.

    Examples
    --------
    >>> from hosplogi.kpi import Scorecard, Indicator, score
    >>> card = Scorecard(name="crew", indicators=(
    ...     Indicator(code="on_time", name="On time", perspective="service", target=98, floor=80),
    ...     Indicator(code="cost", name="Cost", perspective="efficiency", higher_is_better=False,
    ...               target=150, floor=400)),
    ...     perspective_weights={"service": 0.6, "efficiency": 0.4})
    >>> ax = plot_scorecard(score(card, {"on_time": 89, "cost": 150}))
    >>> [round(float(p.get_height()), 1) for p in ax.patches]
    [100.0, 50.0]
    >>> from matplotlib.colors import to_rgba
    >>> ax.patches[1].get_facecolor() == to_rgba(WEAKEST_COLOUR)
    True
    """
    if not isinstance(result, ScorecardResult):
        raise HosplogiError(
            f"result must be a ScorecardResult from hosplogi.kpi.score, got {type(result).__name__}"
        )
    with font_context():
        return _draw_scorecard(axes_for(ax, size=(7.0, 4.5)), result)


def _grade(name: str) -> str:
    """The grade as it can be drawn: its English name when its Chinese one cannot be."""
    if drawable(name) == name:
        return name
    english = {g.name: g.name_en for g in DEFAULT_GRADES if g.name_en}
    return english.get(name, drawable(name))


def _draw_scorecard(ax: Axes, result: ScorecardResult) -> Axes:
    shown = [p for p in Perspective if p in result.by_perspective]
    chinese = chinese_font() is not None
    labels = [f"{_ENGLISH[p]}\n{p.zh}" if chinese else _ENGLISH[p] for p in shown]
    scores = [result.by_perspective[p] for p in shown]
    colours = [WEAKEST_COLOUR if p == result.weakest else SCORE_COLOUR for p in shown]
    bars = ax.bar(range(len(shown)), scores, color=colours, width=0.6)
    ax.bar_label(bars, labels=[f"{s:.1f}" for s in scores], padding=2)
    ax.set_xticks(range(len(shown)), labels=labels)
    if result.weakest in shown:
        i = shown.index(result.weakest)
        ax.annotate(
            "weakest",
            (i, scores[i]),
            xytext=(0, 16),
            textcoords="offset points",
            ha="center",
            color=WEAKEST_COLOUR,
            fontweight="bold",
        )
    ax.set_ylim(0, 115)
    ax.set_yticks(range(0, 101, 20))
    ax.set_ylabel("score (0–100)")
    unit = f" — {result.unit}" if result.unit else ""
    ax.set_title(
        f"{drawable(result.scorecard + unit)}: total {result.total:.1f} ({_grade(result.grade)})"
    )
    return ax


# -- plot_compliance --------------------------------------------------------------------------


def plot_compliance(report: ComplianceReport, *, ax: Axes | None = None) -> Axes:
    """Draw the met rate of each group of `report` as a horizontal bar, with its counts.

    One bar per row of the report (top to bottom in the report's order, a group without a key
    labelled "(none)"), labelled ``"<rate>%  <met>/<decided> met, n=<count>"``; a group with
    nothing decided yet has no bar and says so. A dashed line marks the total's met rate, which
    the title gives too.

    Parameters
    ----------
    report : ComplianceReport
        From :func:`hosplogi.sla.compliance` (or ``SimulationResult.sla["response"]``).
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    HosplogiError
        If `report` is not a ComplianceReport, has more than :data:`MAX_GROUPS` rows (500), or
        `ax` is not an Axes.

    Examples
    --------
    >>> from datetime import datetime, timezone
    >>> from hosplogi.sla import ComplianceReport, ComplianceRow
    >>> def row(key, met, breached):
    ...     rate = 100 * met / (met + breached) if met + breached else None
    ...     return ComplianceRow(key=key, count=met + breached, cancelled=0, met=met,
    ...                          breached=breached, open=0, met_rate=rate, mean_elapsed=None,
    ...                          p90_elapsed=None)
    >>> report = ComplianceReport(by="priority", clock="response",
    ...     now=datetime(2026, 3, 2, tzinfo=timezone.utc),
    ...     rows=(row("urgent", 9, 1), row("routine", 3, 1)), total=row(None, 12, 2))
    >>> ax = plot_compliance(report)
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['urgent', 'routine']
    >>> [t.get_text() for t in ax.texts]
    ['90.0%  9/10 met, n=10', '75.0%  3/4 met, n=4']
    """
    if not isinstance(report, ComplianceReport):
        raise HosplogiError(
            "report must be a ComplianceReport from hosplogi.sla.compliance, "
            f"got {type(report).__name__}"
        )
    if len(report.rows) > MAX_GROUPS:
        raise HosplogiError(
            f"a compliance chart of {len(report.rows)} groups is more than the {MAX_GROUPS} "
            f"drawn; group by something coarser than {report.by!r}"
        )
    with font_context():
        return _draw_compliance(
            axes_for(ax, size=(8.0, 1.5 + 0.4 * max(len(report.rows), 1))), report
        )


def _draw_compliance(ax: Axes, report: ComplianceReport) -> Axes:
    labels = ["(none)" if r.key is None else drawable(r.key) for r in report.rows]
    rates = [r.met_rate or 0.0 for r in report.rows]
    ax.barh(range(len(report.rows)), rates, height=0.6, color=SCORE_COLOUR)
    for i, r in enumerate(report.rows):
        decided = r.met + r.breached
        rate = r.met_rate or 0.0
        if r.met_rate is None:
            text = f"nothing decided, n={r.count}"
        else:
            text = f"{rate:.1f}%  {r.met}/{decided} met, n={r.count}"
        inside = rate > 50  # the label inside a long bar, beside a short one
        ax.text(
            rate - 1 if inside else rate + 1,
            i,
            text,
            va="center",
            ha="right" if inside else "left",
            color="white" if inside else "black",
            fontsize=8,
        )
    total = report.total.met_rate
    if total is not None:
        ax.axvline(total, color="black", linestyle="--", linewidth=1)
    ax.set_yticks(range(len(report.rows)), labels=labels)
    ax.set_ylim(len(report.rows) - 0.5, -0.5)
    ax.set_xlim(0, 100)
    ax.set_xlabel(f"{report.clock} clocks met (%)")
    ax.set_ylabel(drawable(report.by))
    overall = "" if total is None else f"; all orders {total:.1f}% (dashed)"
    ax.set_title(
        f"SLA {report.clock} met by {drawable(report.by)}{overall}\nat {report.now:%Y-%m-%d %H:%M}"
    )
    return ax
