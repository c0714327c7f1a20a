"""Balanced scorecards: indicators, scoring rules, grades, and scoring one or many units.

The public names are re-exported by :mod:`hosplogi.kpi`.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from datetime import date
from enum import StrEnum
from typing import Self

from pydantic import Field, model_validator

from hosplogi._checks import guarded
from hosplogi._types import Finite, FrozenDict, FrozenModel, Identifier, brief, require_unique
from hosplogi.errors import HosplogiError

__all__ = [
    "DEFAULT_GRADES",
    "Band",
    "Grade",
    "Indicator",
    "Perspective",
    "Rule",
    "Scorecard",
    "ScorecardResult",
    "score",
    "score_many",
]


class Perspective(StrEnum):
    """The four balanced-scorecard perspectives adapted to hospital logistics (001:453)."""

    EFFICIENCY = "efficiency"
    """能效: efficiency and cost, in place of the financial perspective."""
    SERVICE = "service"
    """服务对象: the service recipients (departments, patients), the customer perspective."""
    INTERNAL = "internal"
    """内部管理: internal management, the internal-process perspective."""
    DEVELOPMENT = "development"
    """发展: development, the learning-and-growth perspective."""

    @property
    def zh(self) -> str:
        """The Chinese name, e.g. ``Perspective.SERVICE.zh == '服务对象'``."""
        return _ZH[self]


_ZH = {
    Perspective.EFFICIENCY: "能效",
    Perspective.SERVICE: "服务对象",
    Perspective.INTERNAL: "内部管理",
    Perspective.DEVELOPMENT: "发展",
}


class Rule(StrEnum):
    """How an indicator's value becomes a score from 0 to 100."""

    LINEAR = "linear"
    """100 at or beyond the target, 0 at or beyond the floor, linear between."""
    BANDS = "bands"
    """Step bands: e.g. ≥ 98 % → 100, ≥ 95 % → 80, ≥ 90 % → 60, else 0."""
    DEDUCTION = "deduction"
    """扣分制: 100 minus `points` per unit beyond the target, not below 0; 0 at the floor."""


class Band(FrozenModel):
    """One step of a banded indicator: a value at least as good as `at` scores `score`.

    Examples
    --------
    >>> Band(at=95, score=80)
    Band(at=95.0, score=80.0)
    """

    at: float = Field(allow_inf_nan=False)
    score: float = Field(ge=0, le=100, allow_inf_nan=False)


class Indicator(FrozenModel):
    """A quantified, explicit, adjustable indicator (001:469).

    Parameters
    ----------
    code : str
        Unique within a scorecard; the key of the values scored.
    name : str
        English name.
    perspective : Perspective
    higher_is_better : bool
    target : float
        The value that scores 100 (and anything better).
    floor : float
        The value that scores 0 (and anything worse); must differ from `target` and lie on the
        worse side of it.
    weight : float
        Relative weight within the perspective, finite and ≥ 0.
    name_zh : str
        Chinese name.
    unit : str
        E.g. ``"%"``, ``"CNY"``, ``"h"``.
    rule : Rule
        :attr:`Rule.LINEAR` (default), :attr:`Rule.BANDS` or :attr:`Rule.DEDUCTION`.
    bands : tuple[Band, ...]
        For BANDS: from the best threshold to the worst, thresholds strictly between floor and
        target, scores not increasing. A value reaching no band scores 0.
    points : float, optional
        For DEDUCTION: points deducted per unit of the value beyond the target.
    source : str
        Where the indicator comes from (a seed line or a standard).

    Examples
    --------
    >>> on_time = Indicator(code="on_time", name="On time", perspective="service",
    ...                     target=98, floor=80)
    >>> on_time.score(89), on_time.score(99), on_time.score(70)
    (50.0, 100.0, 0.0)
    >>> banded = Indicator(code="sat", name="Satisfaction", perspective="service",
    ...                    target=98, floor=0, rule="bands",
    ...                    bands=[Band(at=95, score=80), Band(at=90, score=60)])
    >>> banded.score(96.5), banded.score(89.9)
    (80.0, 0.0)
    >>> fires = Indicator(code="fires", name="Fire incidents", perspective="internal",
    ...                   higher_is_better=False, target=0, floor=3, rule="deduction", points=40)
    >>> fires.score(1), fires.score(2), fires.score(3)
    (60.0, 20.0, 0.0)
    """

    code: Identifier
    name: str
    perspective: Perspective
    higher_is_better: bool = True
    target: float = Field(allow_inf_nan=False)
    floor: float = Field(allow_inf_nan=False)
    weight: float = Field(default=1.0, ge=0, allow_inf_nan=False)
    name_zh: str = ""
    unit: str = ""
    rule: Rule = Rule.LINEAR
    bands: tuple[Band, ...] = ()
    points: float | None = Field(default=None, gt=0, allow_inf_nan=False)
    source: str = ""

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        t, f, up = self.target, self.floor, self.higher_is_better
        if t == f:
            raise ValueError(
                f"indicator {self.code}: floor equals target ({t}); the floor (score 0) must "
                "differ from the target (score 100)"
            )
        if (f > t) if up else (f < t):
            side = "below" if up else "above"
            raise ValueError(
                f"indicator {self.code}: floor {f} is on the wrong side of target {t}; with "
                f"higher_is_better={up} the floor must be {side} the target"
            )
        if self.rule is Rule.BANDS:
            if not self.bands:
                raise ValueError(f"indicator {self.code}: rule 'bands' needs at least one band")
            previous: Band | None = None
            for b in self.bands:
                if not (f < b.at < t if up else t < b.at < f):
                    raise ValueError(
                        f"indicator {self.code}: band at {b.at} must lie strictly between the "
                        f"floor {f} and the target {t}"
                    )
                if previous is not None:
                    if (b.at >= previous.at) if up else (b.at <= previous.at):
                        raise ValueError(
                            f"indicator {self.code}: bands must go from the best threshold to "
                            f"the worst; {b.at} comes after {previous.at}"
                        )
                    if b.score > previous.score:
                        raise ValueError(
                            f"indicator {self.code}: band at {b.at} scores {b.score}, more than "
                            f"the better band at {previous.at} ({previous.score})"
                        )
                previous = b
        elif self.bands:
            raise ValueError(f"indicator {self.code}: bands are for rule 'bands' only")
        if (self.rule is Rule.DEDUCTION) != (self.points is not None):
            raise ValueError(
                f"indicator {self.code}: points (deducted per unit) must be given for rule "
                f"'deduction' and only for it, got {self.points!r}"
            )
        return self

    def score(self, value: float) -> float:
        """Return the score from 0 to 100 of `value`, monotone in the better direction.

        Raises
        ------
        HosplogiError
            If `value` is NaN, infinite or not a number.
        """
        v = finite_value(self.code, value)
        t, f = self.target, self.floor
        if self.higher_is_better:
            if v >= t:
                return 100.0
            if v <= f:
                return 0.0
        else:
            if v <= t:
                return 100.0
            if v >= f:
                return 0.0
        if self.rule is Rule.LINEAR:
            # Halves first: (v - f) and (t - f) may overflow for values near the float maximum
            # (target 1e308, floor -1e308), while their halves and the ratio cannot.
            # The same result bit for bit as 100 (v - f) / (t - f) whenever that does not overflow.
            part, whole = v / 2 - f / 2, t / 2 - f / 2
            scaled = 100.0 * part
            ratio = scaled / whole if math.isfinite(scaled) else 100.0 * (part / whole)
            return min(100.0, max(0.0, ratio))
        if self.rule is Rule.BANDS:
            up = self.higher_is_better
            for b in self.bands:
                if (v >= b.at) if up else (v <= b.at):
                    return b.score
            return 0.0
        assert self.points is not None  # guaranteed by the validator
        return max(0.0, 100.0 - self.points * abs(v / 2 - t / 2) * 2)


def finite_value(code: str, value: object) -> float:
    """Return the value of indicator `code` as a finite float, or raise HosplogiError.

    Examples
    --------
    >>> finite_value("on_time", 89)
    89.0
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise HosplogiError(f"value of indicator {code} must be a number, got {brief(value)}")
    try:
        v = float(value)
    except OverflowError:  # an int of hundreds of digits
        v = math.inf
    if not math.isfinite(v):
        raise HosplogiError(f"value of indicator {code} is {brief(value)}; give a finite number")
    return v


class Grade(FrozenModel):
    """A grade band: a total of at least `min_score` earns `name`.

    Examples
    --------
    >>> Grade(name="优秀", min_score=90, name_en="excellent").name_en
    'excellent'
    """

    name: str
    min_score: float = Field(ge=0, le=100, allow_inf_nan=False)
    name_en: str = ""


DEFAULT_GRADES: tuple[Grade, ...] = (
    Grade(name="优秀", min_score=90, name_en="excellent"),
    Grade(name="良好", min_score=80, name_en="good"),
    Grade(name="合格", min_score=60, name_en="pass"),
    Grade(name="不合格", min_score=0, name_en="fail"),
)
"""优秀 ≥ 90, 良好 ≥ 80, 合格 ≥ 60, 不合格 below."""


class Scorecard(FrozenModel):
    """A balanced scorecard: indicators, perspective weights and grade bands, versioned as data.

    Parameters
    ----------
    name : str
    indicators : tuple[Indicator, ...]
        Unique codes; at least one.
    perspective_weights : mapping of Perspective to float
        One weight per perspective that has indicators (finite, ≥ 0, not all zero); they are
        normalised to sum to 1 when scoring.
    grades : tuple[Grade, ...]
        From the best to the worst, the last with ``min_score`` 0.
    valid_from : date, optional
        From when this version applies (indicators must be adjustable over time, 001:469).
    version : str

    Examples
    --------
    >>> from hosplogi.kpi import default_scorecard
    >>> card = default_scorecard()
    >>> len(card.indicators), card.perspectives[0]
    (16, <Perspective.EFFICIENCY: 'efficiency'>)
    >>> Scorecard.model_validate_json(card.model_dump_json()) == card
    True
    """

    name: str
    indicators: tuple[Indicator, ...]
    perspective_weights: FrozenDict[Perspective, float]  # finite ≥ 0: checked below
    grades: tuple[Grade, ...] = DEFAULT_GRADES
    valid_from: date | None = None
    version: str = ""

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if not self.indicators:
            raise ValueError("a scorecard needs at least one indicator")
        require_unique((i.code for i in self.indicators), "indicator codes")
        used = {i.perspective for i in self.indicators}
        missing = [p.value for p in Perspective if p in used and p not in self.perspective_weights]
        if missing:
            raise ValueError(f"perspective_weights has no weight for {', '.join(missing)}")
        empty = [p.value for p in self.perspective_weights if p not in used]
        if empty:
            raise ValueError(
                f"perspective_weights weighs {', '.join(empty)}, which have no indicators"
            )
        for p, w in self.perspective_weights.items():
            if not math.isfinite(w) or w < 0:
                raise ValueError(f"weight of perspective {p.value} is {w}; give a finite ≥ 0")
        if sum(self.perspective_weights.values()) <= 0:
            raise ValueError("perspective weights are all zero; at least one must be positive")
        for p in used:
            if self.perspective_weights[p] > 0 and not any(
                i.weight > 0 for i in self.indicators if i.perspective is p
            ):
                raise ValueError(
                    f"every indicator of perspective {p.value} has weight 0; give one a "
                    "positive weight or weigh the perspective 0"
                )
        if not self.grades:
            raise ValueError("a scorecard needs at least one grade")
        for a, b in zip(self.grades, self.grades[1:], strict=False):
            if b.min_score >= a.min_score:
                raise ValueError(
                    f"grades must go from the highest min_score to the lowest; "
                    f"{b.name} ({b.min_score}) comes after {a.name} ({a.min_score})"
                )
        if self.grades[-1].min_score != 0:
            raise ValueError(
                f"the lowest grade {self.grades[-1].name} must have min_score 0 so every total "
                f"has a grade, got {self.grades[-1].min_score}"
            )
        return self

    @property
    def perspectives(self) -> tuple[Perspective, ...]:
        """The perspectives that have indicators, in :class:`Perspective` order."""
        used = {i.perspective for i in self.indicators}
        return tuple(p for p in Perspective if p in used)

    @property
    def codes(self) -> tuple[str, ...]:
        """The indicator codes in scorecard order."""
        return tuple(i.code for i in self.indicators)

    def indicator(self, code: str) -> Indicator:
        """Return the indicator with `code`, or raise HosplogiError naming the known codes."""
        for i in self.indicators:
            if i.code == code:
                return i
        raise HosplogiError(f"unknown indicator code {code!r}; known: {', '.join(self.codes)}")

    def grade(self, total: float) -> str:
        """Return the name of the grade band of `total`.

        Examples
        --------
        >>> from hosplogi.kpi import default_scorecard
        >>> default_scorecard().grade(89.99)
        '良好'
        """
        for g in self.grades:
            if total >= g.min_score:
                return g.name
        return self.grades[-1].name


class ScorecardResult(FrozenModel):
    """The result of scoring one unit against a scorecard.

    Attributes
    ----------
    scorecard : str
        The scorecard's name.
    unit : str, optional
        The unit assessed (crew, vendor, department), when scored by :func:`score_many`.
    values : dict[str, float]
        Indicator code → value scored.
    by_indicator : dict[str, float]
        Indicator code → score 0–100.
    by_perspective : dict[Perspective, float]
        Weighted mean of the indicator scores of each perspective, 0–100.
    total : float
        Weighted mean of the perspective scores, 0–100.
    grade : str
        The grade band of `total` (优秀 / 良好 / 合格 / 不合格 by default).
    weakest : Perspective
        The lowest-scoring perspective — the short board (短板, 002:23); ties go to the first in
        :class:`Perspective` order.
    rank : int, optional
        1 for the best total among units scored together (ties share a rank).
    """

    scorecard: str
    unit: str | None = None
    values: FrozenDict[str, Finite]
    by_indicator: FrozenDict[str, Finite]
    by_perspective: FrozenDict[Perspective, Finite]
    total: Finite
    grade: str
    weakest: Perspective
    rank: int | None = None


_Plan = list[tuple[Perspective, float, float, list[tuple[Indicator, float]]]]


def _scaled(weights: list[float]) -> list[float]:
    """`weights` as given, or divided by the largest when 100 × their sum would overflow."""
    if math.isfinite(sum(weights) * 100.0):
        return weights
    top = max(weights)
    return [w / top for w in weights]


def _plan(card: Scorecard) -> _Plan:
    """Per perspective: its weight share, the sum of its indicator weights, its indicators with
    their weights (scaled down together if weights near the float maximum would overflow)."""
    shares = _scaled([card.perspective_weights[p] for p in card.perspectives])
    total_p = sum(shares)
    plan: _Plan = []
    for p, share in zip(card.perspectives, shares, strict=True):
        members = [i for i in card.indicators if i.perspective is p]
        weights = _scaled([i.weight for i in members])
        plan.append((p, share / total_p, sum(weights), list(zip(members, weights, strict=True))))
    return plan


def _score_one(
    card: Scorecard,
    plan: _Plan,
    values: Mapping[str, float],
    strict: bool,
    unit: str | None,
) -> ScorecardResult:
    if not isinstance(values, Mapping):
        raise HosplogiError(f"values must be a mapping of indicator code to value, got {values!r}")
    missing = [c for c in card.codes if c not in values]
    if missing:
        where = f" for unit {unit}" if unit is not None else ""
        raise HosplogiError(
            f"missing value{'s' if len(missing) > 1 else ''}{where} for indicator"
            f"{'s' if len(missing) > 1 else ''} {', '.join(missing)} of scorecard {card.name!r}"
        )
    if strict and len(values) != len(card.indicators):
        known = set(card.codes)
        unknown = sorted(str(k) for k in values if k not in known)
        raise HosplogiError(
            f"unknown indicator code{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}; "
            f"scorecard {card.name!r} knows {', '.join(card.codes)} (pass strict=False to "
            "ignore extra values)"
        )
    kept: dict[str, float] = {}
    scores: dict[str, float] = {}
    by_p: dict[Perspective, float] = {}
    total = 0.0
    weights = 0.0
    for p, wp, wsum, members in plan:
        s_p = 0.0
        for ind, weight in members:
            v = finite_value(ind.code, values[ind.code])
            s = ind.score(v)
            kept[ind.code] = v
            scores[ind.code] = s
            s_p += weight * s
        # Σ w s / Σ w (not Σ (w / Σ w) s), so that all-100 scores give exactly 100.
        s_p = min(100.0, max(0.0, s_p / wsum)) if wsum > 0 else 0.0
        by_p[p] = s_p
        total += wp * s_p
        weights += wp
    total = min(100.0, max(0.0, total / weights))
    weakest = min(by_p, key=by_p.__getitem__)
    return ScorecardResult.model_construct(
        scorecard=card.name,
        unit=unit,
        values=FrozenDict(kept),
        by_indicator=FrozenDict(scores),
        by_perspective=FrozenDict(by_p),
        total=total,
        grade=card.grade(total),
        weakest=weakest,
        rank=None,
    )


@guarded
def score(
    scorecard: Scorecard, values: Mapping[str, float], *, strict: bool = True
) -> ScorecardResult:
    """Score one unit's indicator values against `scorecard`.

    Parameters
    ----------
    scorecard : Scorecard
    values : mapping of str to float
        Indicator code → value, e.g. ``{**measures(...), **other_values}``.
    strict : bool
        When True (default) a code the scorecard does not know is an error; when False extra
        values are ignored (handy when scoring a subset of :func:`default_scorecard`).

    Returns
    -------
    ScorecardResult

    Raises
    ------
    HosplogiError
        If a value is missing, NaN, infinite or not a number, or (strict) a code is unknown; the
        message names the indicator.

    Notes
    -----
    indicator score s_i by its rule; perspective score S_p = Σ_i w_i s_i / Σ_i w_i over the
    indicators of p; total = Σ_p W_p S_p / Σ_p W_p.

    Examples
    --------
    >>> from hosplogi.kpi import default_scorecard
    >>> card = default_scorecard()
    >>> values = {i.code: i.target for i in card.indicators} | {"satisfaction": 96.0}
    >>> r = score(card, values)
    >>> r.by_indicator["satisfaction"], r.by_perspective[Perspective.SERVICE], r.weakest
    (80.0, 95.0, <Perspective.SERVICE: 'service'>)
    >>> round(r.total, 2), r.grade
    (98.5, '优秀')
    >>> score(default_scorecard(), {"completion_rate": 99.21})
    Traceback (most recent call last):
    ...
    hosplogi.errors.HosplogiError: missing values for indicators proactive_share, ...
    """
    return _score_one(scorecard, _plan(scorecard), values, strict, None)


@guarded
def score_many(
    scorecard: Scorecard,
    units: Mapping[str, Mapping[str, float]],
    *,
    strict: bool = True,
) -> list[ScorecardResult]:
    """Score many units (crews, vendors, departments) at once and rank them.

    Parameters
    ----------
    scorecard : Scorecard
    units : mapping of str to mapping
        Unit → its indicator values.
    strict : bool
        As in :func:`score`.

    Returns
    -------
    list of ScorecardResult
        Best total first (ties by unit name), each with `unit` and `rank` set; equal totals
        share a rank (1, 2, 2, 4).

    Raises
    ------
    HosplogiError
        As :func:`score`, naming the unit.

    Examples
    --------
    >>> card = Scorecard(name="vendors", indicators=(
    ...     Indicator(code="sat", name="Satisfaction", perspective="service",
    ...               target=95, floor=80),), perspective_weights={"service": 1})
    >>> [(r.unit, r.total, r.rank) for r in score_many(card, {"A": {"sat": 90},
    ...                                                       "B": {"sat": 96},
    ...                                                       "C": {"sat": 90}})]
    [('B', 100.0, 1), ('A', 66.66666666666667, 2), ('C', 66.66666666666667, 2)]
    """
    plan = _plan(scorecard)
    results = [_score_one(scorecard, plan, v, strict, str(u)) for u, v in units.items()]
    results.sort(key=lambda r: (-r.total, r.unit or ""))
    ranked: list[ScorecardResult] = []
    rank = 0
    previous: float | None = None
    for i, r in enumerate(results, start=1):
        if r.total != previous:
            rank, previous = i, r.total
        ranked.append(r.model_copy(update={"rank": rank}))
    return ranked
