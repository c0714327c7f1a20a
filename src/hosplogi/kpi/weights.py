"""Indicator weights: the analytic hierarchy process (AHP) and the entropy weight method.

Pure Python, no numpy: AHP matrices in hospital assessments are small (at most 15 × 15, the end of
Saaty's random-index table), so the principal eigenvector is found by power iteration.

The public names are re-exported by :mod:`hosplogi.kpi`.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from typing import Literal

from hosplogi._checks import guarded
from hosplogi._types import Finite, FrozenDict, FrozenModel
from hosplogi.errors import HosplogiError
from hosplogi.kpi.scorecard import Perspective, Scorecard

__all__ = [
    "SAATY_RI",
    "AhpHierarchy",
    "AhpResult",
    "ahp",
    "ahp_hierarchy",
    "ahp_scorecard",
    "entropy_weights",
]

SAATY_RI: tuple[float, ...] = (
    0.0,
    0.0,
    0.58,
    0.90,
    1.12,
    1.24,
    1.32,
    1.41,
    1.45,
    1.49,
    1.51,
    1.48,
    1.56,
    1.57,
    1.59,
)
"""Saaty's random consistency index RI for n = 1 … 15 (``SAATY_RI[n - 1]``)."""

CR_LIMIT = 0.10
RECIPROCAL_TOLERANCE = 0.01
_MAX_ITERATIONS = 100_000
_TOLERANCE = 1e-13

Entry = float | int | str


class AhpResult(FrozenModel):
    """The priority weights of one pairwise-comparison matrix and its consistency.

    Attributes
    ----------
    weights : tuple[float, ...]
        The principal right eigenvector, normalised to sum to 1, in the matrix's row order.
    lambda_max : float
        The principal eigenvalue (≥ n for a positive reciprocal matrix).
    ci : float
        Consistency index (λmax − n) / (n − 1); 0 for n ≤ 2.
    ri : float
        Saaty's random index for n.
    cr : float
        Consistency ratio CI / RI; 0 for n ≤ 2 (such matrices are always consistent).
    consistent : bool
        ``cr <= 0.10``. An inconsistent matrix is reported, not rejected.
    labels : tuple[str, ...]
        The names of the rows, if given.
    """

    weights: tuple[Finite, ...]
    lambda_max: Finite
    ci: Finite
    ri: Finite
    cr: Finite
    consistent: bool
    labels: tuple[str, ...] = ()

    def weight_of(self, label: str) -> float:
        """Return the weight of the row named `label`.

        Examples
        --------
        >>> ahp([[1, 3], [1/3, 1]], labels=("cost", "quality")).weight_of("cost")
        0.75
        """
        if label not in self.labels:
            raise HosplogiError(
                f"no row named {label!r}; the rows are {', '.join(self.labels) or '(unnamed)'}"
            )
        return self.weights[self.labels.index(label)]


def _entry(value: Entry, i: int, j: int) -> float:
    """Parse one matrix entry: a number or a fraction string such as ``"1/3"``."""
    if isinstance(value, bool):
        raise HosplogiError(f"AHP matrix entry [{i}][{j}] must be a number, got {value!r}")
    if isinstance(value, str):
        try:
            return float(Fraction(value.strip()))
        except (ValueError, ZeroDivisionError):
            raise HosplogiError(
                f"AHP matrix entry [{i}][{j}] is {value!r}; give a number or a fraction "
                "such as '1/3'"
            ) from None
    if not isinstance(value, numbers.Real):
        raise HosplogiError(f"AHP matrix entry [{i}][{j}] must be a number, got {value!r}")
    return float(value)


def _check_matrix(matrix: Sequence[Sequence[Entry]]) -> list[list[float]]:
    """Return `matrix` as floats, or raise HosplogiError naming the first defect."""
    if isinstance(matrix, (str, bytes)) or not isinstance(matrix, Iterable):
        raise HosplogiError(f"an AHP matrix must be a list of rows, got {matrix!r}")
    matrix = [r if isinstance(r, (str, bytes)) or not isinstance(r, Iterable) else list(r)
              for r in matrix]  # fmt: skip
    n = len(matrix)
    if n == 0:
        raise HosplogiError("an AHP matrix needs at least one row, got an empty matrix")
    if n > len(SAATY_RI):
        raise HosplogiError(
            f"an AHP matrix may have at most {len(SAATY_RI)} rows (the end of Saaty's RI "
            f"table), got {n}; split the criteria into a hierarchy"
        )
    rows: list[list[float]] = []
    for i, row in enumerate(matrix):
        if isinstance(row, (str, bytes)) or not isinstance(row, Sequence):
            raise HosplogiError(f"AHP matrix row {i} is {row!r}; expected a list of {n} entries")
        if len(row) != n:
            raise HosplogiError(
                f"an AHP matrix must be square: row {i} has {len(row)} entries, expected {n}"
            )
        rows.append([_entry(v, i, j) for j, v in enumerate(row)])
    for i in range(n):
        for j in range(n):
            a = rows[i][j]
            if not math.isfinite(a) or a <= 0:
                raise HosplogiError(
                    f"AHP matrix entry [{i}][{j}] is {a!r}; every entry must be a finite "
                    "positive number (Saaty's scale 1/9 … 9)"
                )
        if abs(rows[i][i] - 1.0) > RECIPROCAL_TOLERANCE:
            raise HosplogiError(
                f"AHP matrix diagonal entry [{i}][{i}] is {rows[i][i]!r}; it must be 1"
            )
    for i in range(n):
        for j in range(i + 1, n):
            product = rows[i][j] * rows[j][i]
            if abs(product - 1.0) > RECIPROCAL_TOLERANCE:
                raise HosplogiError(
                    f"AHP matrix is not reciprocal: [{i}][{j}] = {rows[i][j]!r} and "
                    f"[{j}][{i}] = {rows[j][i]!r}, whose product is {product:.4g}; "
                    f"expected [{j}][{i}] = 1 / [{i}][{j}] = {1 / rows[i][j]:.4g}"
                )
    return rows


@guarded
def ahp(matrix: Sequence[Sequence[Entry]], *, labels: Sequence[str] = ()) -> AhpResult:
    """Return the AHP priority weights and consistency of a pairwise-comparison matrix.

    Parameters
    ----------
    matrix : sequence of sequences
        Square, positive and reciprocal (``a[j][i] = 1 / a[i][j]`` within 1 %, diagonal 1);
        entries are numbers or fraction strings such as ``"1/3"`` (handy in JSON). At most 15 rows.
        ``a[i][j]`` says how much more important criterion i is than j on Saaty's 1–9 scale.
    labels : sequence of str, optional
        Names of the rows, kept in the result.

    Returns
    -------
    AhpResult
        An inconsistent matrix (CR > 0.10) is not an error; ``consistent`` is then False.

    Raises
    ------
    HosplogiError
        If the matrix is empty, larger than 15, not square, has a non-finite, zero or negative
        entry, or is not reciprocal; the message names the entry.

    Notes
    -----
    The weights are the principal right eigenvector w of A (A w = λmax w), found by power
    iteration from the row geometric means until no weight moves by more than 1e-13; by the
    Perron–Frobenius theorem λmax is simple and dominant for a positive matrix, so the iteration
    converges. CI = (λmax − n)/(n − 1), CR = CI/RI with RI from :data:`SAATY_RI`.

    References
    ----------
    .. [1] T. L. Saaty, *The Analytic Hierarchy Process*, McGraw-Hill, 1980.
    .. [2] R. W. Saaty, "The analytic hierarchy process — what it is and how it is used",
       *Mathematical Modelling* 9 (1987) 161–176.

    Examples
    --------
    >>> r = ahp([[1, 3, 5], [1/3, 1, 3], [1/5, 1/3, 1]])
    >>> [round(w, 4) for w in r.weights], round(r.lambda_max, 4), round(r.cr, 4), r.consistent
    ([0.637, 0.2583, 0.1047], 3.0385, 0.0332, True)
    >>> ahp([["1", "1/3"], ["3", "1"]]).weights
    (0.25, 0.75)
    """
    rows = _check_matrix(matrix)
    n = len(rows)
    names = tuple(labels)
    if names and len(names) != n:
        raise HosplogiError(f"{len(names)} labels given for a matrix of {n} rows; give {n}")
    if n == 1:
        return AhpResult(
            weights=(1.0,), lambda_max=1.0, ci=0.0, ri=0.0, cr=0.0, consistent=True, labels=names
        )
    geo = [math.exp(sum(math.log(a) for a in row) / n) for row in rows]
    total = sum(geo)
    w = [g / total for g in geo]
    lam = float(n)
    for _ in range(_MAX_ITERATIONS):
        aw = [sum(a * x for a, x in zip(row, w, strict=True)) for row in rows]
        lam = sum(aw)  # Σ (A w)_i with Σ w = 1 is λ at the fixed point
        new = [x / lam for x in aw]
        delta = max(abs(a - b) for a, b in zip(new, w, strict=True))
        w = new
        if delta <= _TOLERANCE:
            break
    aw = [sum(a * x for a, x in zip(row, w, strict=True)) for row in rows]
    lam = sum(aw) / sum(w)
    total = sum(w)
    weights = tuple(x / total for x in w)
    ri = SAATY_RI[n - 1]
    ci = max(0.0, (lam - n) / (n - 1)) if n > 2 else 0.0
    cr = ci / ri if ri > 0 else 0.0
    return AhpResult(
        weights=weights,
        lambda_max=lam,
        ci=ci,
        ri=ri,
        cr=cr,
        consistent=cr <= CR_LIMIT,
        labels=names,
    )


class AhpHierarchy(FrozenModel):
    """A two-level AHP: criteria weights × the weights of the items within each criterion.

    Attributes
    ----------
    top : AhpResult
        The comparison of the criteria (e.g. the four perspectives).
    groups : dict[str, AhpResult]
        The comparison of the items within each criterion.
    weights : dict[str, float]
        Global item weights: criterion weight × local weight; they sum to 1.
    cr : float
        Saaty's hierarchical consistency ratio Σ w_k CI_k / Σ w_k RI_k over the groups (0 when
        every group has at most two items).
    consistent : bool
        Every matrix and the hierarchy as a whole have CR ≤ 0.10.
    """

    top: AhpResult
    groups: FrozenDict[str, AhpResult]
    weights: FrozenDict[str, Finite]
    cr: Finite
    consistent: bool


@guarded
def ahp_hierarchy(
    criteria: Sequence[str],
    matrix: Sequence[Sequence[Entry]],
    groups: Mapping[str, tuple[Sequence[str], Sequence[Sequence[Entry]]]],
) -> AhpHierarchy:
    """Weigh a two-level hierarchy: criteria first, then the items within each criterion.

    Parameters
    ----------
    criteria : sequence of str
        The names of the rows of `matrix`.
    matrix : sequence of sequences
        Pairwise comparison of the criteria.
    groups : mapping
        Criterion → (item names, pairwise comparison of those items). A criterion with one item
        may give ``[[1]]``. Item names must be unique across groups.

    Returns
    -------
    AhpHierarchy

    Raises
    ------
    HosplogiError
        If a criterion has no group, a group names an unknown criterion, an item appears twice, or
        a matrix is malformed (see :func:`ahp`).

    References
    ----------
    .. [1] T. L. Saaty, *The Analytic Hierarchy Process*, McGraw-Hill, 1980, ch. 2 (composition
       of priorities and the consistency of a hierarchy).

    Examples
    --------
    >>> h = ahp_hierarchy(["service", "cost"], [[1, 3], ["1/3", 1]],
    ...                   {"service": (["response", "satisfaction"], [[1, 1], [1, 1]]),
    ...                    "cost": (["cost_per_order"], [[1]])})
    >>> h.weights
    {'response': 0.375, 'satisfaction': 0.375, 'cost_per_order': 0.25}
    """
    top = ahp(matrix, labels=criteria)
    unknown = sorted(set(groups) - set(top.labels))
    if unknown:
        raise HosplogiError(
            f"groups name unknown criteria {', '.join(unknown)}; "
            f"the criteria are {', '.join(top.labels)}"
        )
    missing = [c for c in top.labels if c not in groups]
    if missing:
        raise HosplogiError(
            f"no item comparison given for criteria {', '.join(missing)}; give one per criterion"
        )
    results: dict[str, AhpResult] = {}
    weights: dict[str, float] = {}
    num = den = 0.0
    for criterion, w_top in zip(top.labels, top.weights, strict=True):
        names, sub = groups[criterion]
        result = ahp(sub, labels=names)
        results[criterion] = result
        for name, w in zip(result.labels, result.weights, strict=True):
            if name in weights:
                raise HosplogiError(f"item {name!r} appears in more than one group")
            weights[name] = w_top * w
        num += w_top * result.ci
        den += w_top * result.ri
    cr = num / den if den > 0 else 0.0
    return AhpHierarchy(
        top=top,
        groups=results,
        weights=weights,
        cr=cr,
        consistent=top.consistent
        and cr <= CR_LIMIT
        and all(r.consistent for r in results.values()),
    )


def _proportional(col: list[float], higher: bool) -> list[float]:
    """x, or 1/x for a lower-is-better column; scaled to at most 1 when the sum would overflow.

    p_ij does not change when a column is scaled, so values near the float maximum or minimum
    (where 1/x or Σ x overflow) give the same weights as moderate ones.
    """
    z = col if higher else [1.0 / x for x in col]
    if math.isfinite(sum(z)):
        return z
    if higher:
        top = max(col)
        return [x / top for x in col]
    low = min(col)
    return [low / x for x in col]


def _minmax(col: list[float], higher: bool) -> list[float]:
    """(x − min) / (max − min), reversed for lower-is-better, computed without overflow."""
    top = max(abs(x) for x in col)
    if not math.isfinite(max(col) - min(col)):
        col = [x / top for x in col]
    lo, hi = min(col), max(col)
    if hi == lo:
        return [0.0] * len(col)
    return [(x - lo) / (hi - lo) if higher else (hi - x) / (hi - lo) for x in col]


@guarded
def entropy_weights(
    matrix: Sequence[Sequence[float]],
    higher_is_better: Sequence[bool],
    *,
    normalisation: Literal["proportional", "minmax"] = "proportional",
) -> tuple[float, ...]:
    """Return objective indicator weights by the entropy weight method.

    Parameters
    ----------
    matrix : sequence of sequences of float
        Rows are the units assessed (at least two), columns the indicators.
    higher_is_better : sequence of bool
        One per column.
    normalisation : {"proportional", "minmax"}
        ``"proportional"`` (default): p_ij = x_ij / Σ_i x_ij, a lower-is-better column first
        inverted (x → 1/x); values must be positive (zero is allowed in a higher-is-better
        column). ``"minmax"``: z_ij = (x_ij − min_j)/(max_j − min_j), reversed for lower-is-better,
        then p_ij = z_ij / Σ_i z_ij; any finite values.

    Returns
    -------
    tuple of float
        One weight per column, summing to 1. A constant column gets weight 0.

    Raises
    ------
    HosplogiError
        If there are fewer than two rows, rows of unequal length, a length mismatch with
        `higher_is_better`, a non-finite value, a non-positive value where it must be positive,
        or if every column is constant (no column carries information).

    Notes
    -----
    e_j = −Σ_i p_ij ln p_ij / ln m (with 0 ln 0 = 0), d_j = 1 − e_j, w_j = d_j / Σ_k d_k.

    References
    ----------
    .. [1] C. E. Shannon, "A mathematical theory of communication", *Bell System Technical
       Journal* 27 (1948) 379–423.
    .. [2] M. Zeleny, *Multiple Criteria Decision Making*, McGraw-Hill, 1982 (entropy as a
       measure of the contrast intensity of a criterion).

    Examples
    --------
    >>> w = entropy_weights([[1, 5], [2, 5], [3, 5]], [True, True])
    >>> round(w[0], 6), w[1]
    (1.0, 0.0)
    """
    rows = [list(r) for r in matrix]
    m = len(rows)
    if m < 2:
        raise HosplogiError(f"entropy weights need at least two rows (units), got {m}")
    directions = list(higher_is_better)
    k = len(directions)
    if k == 0:
        raise HosplogiError("entropy weights need at least one column (indicator)")
    if normalisation not in ("proportional", "minmax"):
        raise HosplogiError(
            f"normalisation must be 'proportional' or 'minmax', got {normalisation!r}"
        )
    for i, row in enumerate(rows):
        if len(row) != k:
            raise HosplogiError(
                f"row {i} has {len(row)} values but higher_is_better has {k}; give one per column"
            )
        for j, x in enumerate(row):
            if isinstance(x, bool) or not isinstance(x, numbers.Real) or not math.isfinite(x):
                raise HosplogiError(f"value [{i}][{j}] is {x!r}; give a finite number")
    d: list[float] = []
    for j in range(k):
        col = [float(rows[i][j]) for i in range(m)]
        if max(col) == min(col):
            d.append(0.0)
            continue
        if normalisation == "proportional":
            for i, x in enumerate(col):
                if x < 0 or (x == 0 and not directions[j]):
                    need = "positive" if not directions[j] else "zero or more"
                    raise HosplogiError(
                        f"value [{i}][{j}] is {x!r}; proportional normalisation needs {need} "
                        "values in this column (use normalisation='minmax' otherwise)"
                    )
            z = _proportional(col, directions[j])
        else:
            z = _minmax(col, directions[j])
        total = sum(z)
        if total <= 0:  # the values differ by less than a float can tell once scaled
            d.append(0.0)
            continue
        d.append(_divergence(z, total) / math.log(m))
    total_d = sum(d)
    if total_d <= 0:
        raise HosplogiError(
            "every column is constant across the units, so no indicator discriminates; "
            "entropy weights are undefined — give varying data or set weights by hand"
        )
    return tuple(x / total_d for x in d)


def _divergence(z: Sequence[float], total: float) -> float:
    """ln m − H(p) for p = z / total, computed so that it is never negative and is positive
    whenever the p differ at all.

    With p_i = (1 + δ_i) / m and Σ δ_i = 0, ln m − H = (1/m) Σ g(δ_i), g(δ) = (1+δ) ln(1+δ) − δ ≥ 0:
    a sum of non-negative terms, where ``1 − H / ln m`` would cancel to 0 (or below) for columns
    that differ by less than a float can tell once scaled. Below |δ| = 10⁻⁴ g is its series.
    """
    m = len(z)
    out = 0.0
    for x in z:
        delta = (m * x - total) / total
        if delta <= -1.0:
            out += 1.0  # p = 0: 0 ln 0 − δ
        elif abs(delta) < 1e-4:
            out += delta * delta * (0.5 - delta / 6 + delta * delta / 12)
        else:
            out += (1.0 + delta) * math.log1p(delta) - delta
    return out / m


@guarded
def ahp_scorecard(
    scorecard: Scorecard,
    perspective_matrix: Sequence[Sequence[Entry]],
    indicator_matrices: Mapping[Perspective, Sequence[Sequence[Entry]]],
) -> tuple[Scorecard, AhpHierarchy]:
    """Reweigh a scorecard by a two-level AHP: perspectives, then indicators within each.

    Parameters
    ----------
    scorecard : Scorecard
    perspective_matrix : sequence of sequences
        Pairwise comparison of ``scorecard.perspectives`` in :class:`Perspective` order.
    indicator_matrices : mapping of Perspective to matrix
        Pairwise comparison of the perspective's indicators in scorecard order; may be omitted
        for a perspective with a single indicator.

    Returns
    -------
    (Scorecard, AhpHierarchy)
        The scorecard with the AHP weights (perspective weights and indicator weights within each
        perspective) and the hierarchy with the global weights and consistency.

    Examples
    --------
    >>> from hosplogi.kpi import Indicator
    >>> card = Scorecard(name="c", indicators=(
    ...     Indicator(code="a", name="A", perspective="service", target=1, floor=0),
    ...     Indicator(code="b", name="B", perspective="service", target=1, floor=0),
    ...     Indicator(code="c", name="C", perspective="efficiency", target=1, floor=0)),
    ...     perspective_weights={"service": 1, "efficiency": 1})
    >>> new, h = ahp_scorecard(card, [[1, "1/3"], [3, 1]],
    ...                        {Perspective.SERVICE: [[1, 3], ["1/3", 1]]})
    >>> new.perspective_weights, h.weights
    ({<Perspective.EFFICIENCY: 'efficiency'>: 0.25, <Perspective.SERVICE: 'service'>: 0.75}, \
{'c': 0.25, 'a': 0.5625, 'b': 0.1875})
    """
    perspectives = scorecard.perspectives
    unknown = sorted(str(p) for p in indicator_matrices if Perspective(p) not in perspectives)
    if unknown:
        raise HosplogiError(
            f"indicator_matrices names perspectives without indicators: {', '.join(unknown)}"
        )
    groups: dict[str, tuple[list[str], Sequence[Sequence[Entry]]]] = {}
    for p in perspectives:
        codes = [i.code for i in scorecard.indicators if i.perspective is p]
        matrix = indicator_matrices.get(p)
        if matrix is None:
            if len(codes) > 1:
                raise HosplogiError(
                    f"no indicator comparison for perspective {p.value}, which has "
                    f"{len(codes)} indicators ({', '.join(codes)})"
                )
            matrix = [[1]]
        groups[p.value] = (codes, matrix)
    h = ahp_hierarchy([p.value for p in perspectives], perspective_matrix, groups)
    local = {
        code: w for r in h.groups.values() for code, w in zip(r.labels, r.weights, strict=True)
    }
    new = scorecard.model_copy(
        update={
            "indicators": tuple(
                i.model_copy(update={"weight": local[i.code]}) for i in scorecard.indicators
            ),
            "perspective_weights": {
                Perspective(p): w for p, w in zip(h.top.labels, h.top.weights, strict=True)
            },
        }
    )
    return Scorecard.model_validate(new.model_dump()), h
