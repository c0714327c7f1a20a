"""A measure against a lever, one line per hue, with the 95 % intervals of replications."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import Any

from matplotlib.axes import Axes

from hosplogi.errors import HosplogiError
from hosplogi.plots._common import axes_for, drawable, font_context, number_or_none
from hosplogi.simulation.stats import mean_confidence_interval

__all__ = ["MAX_LINES", "MAX_POINTS", "MAX_RECORDS", "plot_sweep"]

MAX_RECORDS = 1_000_000
"""The most rows :func:`plot_sweep` reads."""
MAX_POINTS = 10_000
"""The most points (distinct x × hue values) :func:`plot_sweep` draws."""
MAX_LINES = 50
"""The most lines (distinct hue values) :func:`plot_sweep` draws."""


def plot_sweep(
    records: Sequence[Mapping[str, Any]],
    *,
    x: str,
    y: str,
    hue: str | None = None,
    ax: Axes | None = None,
    label: str | None = None,
) -> Axes:
    """Draw measure `y` against lever `x`, one line per value of `hue`, with 95 % intervals.

    Rows with the same `x` (and `hue`) are independent replications: their `y` values are drawn
    as the mean with the 95 % confidence interval of
    :func:`hosplogi.simulation.stats.mean_confidence_interval` (Student's t). A point made from
    one row draws that row's own interval when it has the columns ``f"{y}_low"`` and
    ``f"{y}_high"``, and no interval otherwise. A numeric `x` is drawn on a numeric axis in
    increasing order; a text `x` (policy names, scenario names) as categories in the order first
    seen. Lines follow the order in which their `hue` values first appear.

    Parameters
    ----------
    records : sequence of mapping
        Row dicts: ``Replication.to_records()`` with the swept value added as a column,
        ``RunSummary.to_record()`` of each ``sweep`` result, ``SimulationResult.to_records()``,
        or ``df.to_dict("records")`` of a DataFrame.
    x, y : str
        Column names: the lever and the measure (numbers; a missing value, None or NaN, leaves
        the row out).
    hue : str, optional
        A column whose values split the rows into lines (and the legend).
    ax : matplotlib.axes.Axes, optional
    label : str, optional
        The legend label of the line when there is no `hue` (default: `y`).

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    HosplogiError
        If `records` is empty or not a sequence of mappings, a row lacks `x`, `y` or `hue`
        (the message lists the known columns), a `y` or interval value is not a finite
        number, a given interval does not contain its value, `x` mixes numbers and text, no
        row has a value of `y`, a bound below is passed, or `ax` is not an Axes.

    Notes
    -----
    Linear in the number of rows. Bounded: at most :data:`MAX_RECORDS` rows (1,000,000),
    :data:`MAX_POINTS` points (10,000) and :data:`MAX_LINES` lines (50).

    Examples
    --------
    >>> rows = [{"n": n, "wait": w} for n, w in ((3, 10.0), (3, 12.0), (3, 11.0), (4, 4.0))]
    >>> ax = plot_sweep(rows, x="n", y="wait")
    >>> line = ax.lines[0]
    >>> list(line.get_xdata()), list(line.get_ydata())
    ([3.0, 4.0], [11.0, 4.0])
    >>> ax.containers[0].has_yerr
    True
    """
    rows = _records(records)
    columns = list(dict.fromkeys(key for row in rows for key in row))
    for role, name in (("x", x), ("y", y), ("hue", hue)):
        if name is not None and name not in columns:
            raise HosplogiError(
                f"{role}={name!r} is not a column of the records; columns: {', '.join(columns)}"
            )
    # hue value → x value → [(y value or None, row)]
    lines: dict[Hashable, dict[Any, list[tuple[float | None, Mapping[str, Any]]]]] = {}
    for i, row in enumerate(rows):
        for role, name in (("x", x), ("y", y), ("hue", hue)):
            if name is not None and name not in row:
                raise HosplogiError(f"row {i} has no column {name!r} (the {role} column)")
        key = _hue_key(row[hue], i, hue) if hue is not None else None
        value = number_or_none(row[y], f"row {i}: the y column {y!r}")
        lines.setdefault(key, {}).setdefault(_x_key(row[x], i, x), []).append((value, row))
        if len(lines) > MAX_LINES:
            raise HosplogiError(f"column {hue!r} has more than {MAX_LINES} values (lines)")
    xs = list(dict.fromkeys(v for groups in lines.values() for v in groups))
    numeric = _x_kind(xs, x)
    if sum(len(groups) for groups in lines.values()) > MAX_POINTS:
        raise HosplogiError(
            f"the sweep has more than {MAX_POINTS} points (distinct {x!r} × {hue!r} values)"
        )
    position = {v: float(v) if numeric else float(i) for i, v in enumerate(xs)}
    # hue value → [(x position, mean, low, high)], points without a y value left out
    points: dict[Hashable, list[_Point]] = {}
    for key, groups in lines.items():
        for v in sorted(groups, key=position.__getitem__):
            point = _point(groups[v], y)
            if point is not None:
                points.setdefault(key, []).append((position[v], *point))
    if not points:
        raise HosplogiError(f"no row has a value of y={y!r} (all None or NaN)")
    with font_context():
        ax = axes_for(ax, size=(7.0, 4.5))
        intervals = False
        for key, shown in points.items():
            has_interval = any(low is not None for _, _, low, _ in shown)
            intervals = intervals or has_interval
            lower = [0.0 if low is None else m - low for _, m, low, _ in shown]
            upper = [0.0 if high is None else high - m for _, m, _, high in shown]
            ax.errorbar(
                [px for px, *_ in shown],
                [m for _, m, _, _ in shown],
                yerr=[lower, upper] if has_interval else None,
                marker="o",
                capsize=4,
                label=drawable(str(key) if hue is not None else label or y),
            )
        if not numeric:
            ax.set_xticks(range(len(xs)), labels=[drawable(str(v)) for v in xs])
        elif len(xs) <= _TICKED:
            ax.set_xticks(sorted(position.values()))
        ax.set_xlabel(drawable(x))
        ax.set_ylabel(drawable(y))
        title = f"{y} by {x}" + (" (mean, 95 % interval)" if intervals else "")
        ax.set_title(drawable(title))
        if hue is not None:
            ax.legend(title=drawable(hue))
    return ax


_TICKED = 12  # up to this many numeric x values each get a tick of their own
_Point = tuple[float, float, float | None, float | None]  # x position, mean, low, high


def _records(records: Any) -> list[Mapping[str, Any]]:
    if isinstance(records, (str, bytes)) or not isinstance(records, Sequence):
        raise HosplogiError(
            "records must be a sequence of row dicts (e.g. Replication.to_records(), or "
            f'df.to_dict("records") for a DataFrame), got {type(records).__name__}'
        )
    if not records:
        raise HosplogiError("records is empty; plot_sweep needs at least one row")
    if len(records) > MAX_RECORDS:
        raise HosplogiError(f"records has {len(records)} rows, more than the {MAX_RECORDS} read")
    for i, row in enumerate(records):
        if not isinstance(row, Mapping):
            raise HosplogiError(
                f"row {i} of records is a {type(row).__name__}, not a mapping of column → value"
            )
    return list(records)


def _hue_key(value: Any, i: int, hue: str) -> Hashable:
    if not isinstance(value, Hashable):
        raise HosplogiError(f"row {i}: the hue column {hue!r} holds an unhashable {value!r:.40}")
    return value


def _x_key(value: Any, i: int, x: str) -> Any:
    if isinstance(value, str):
        return value
    number = number_or_none(value, f"row {i}: x column {x!r}")
    if number is None:
        raise HosplogiError(f"row {i}: the x column {x!r} has no value ({value!r})")
    return value


def _x_kind(values: list[Any], x: str) -> bool:
    """True if the x values are numbers, False if text; a mix is refused."""
    texts = sum(isinstance(v, str) for v in values)
    if 0 < texts < len(values):
        raise HosplogiError(f"the x column {x!r} mixes numbers and text; use one or the other")
    return texts == 0


def _point(
    items: list[tuple[float | None, Mapping[str, Any]]], y: str
) -> tuple[float, float | None, float | None] | None:
    """(mean, low, high) of the `y` values of `items`; low/high None without an interval."""
    values = [v for v, _ in items if v is not None]
    if not values:
        return None
    if len(values) > 1:
        return mean_confidence_interval(values)
    value, row = next((v, row) for v, row in items if v is not None)
    low = number_or_none(row.get(f"{y}_low"), f"the column {y}_low")
    high = number_or_none(row.get(f"{y}_high"), f"the column {y}_high")
    if low is None or high is None:
        return value, None, None
    if not low <= value <= high:
        raise HosplogiError(
            f"the interval [{low:g}, {high:g}] of {y!r} does not contain its value {value:g}"
        )
    return value, low, high
