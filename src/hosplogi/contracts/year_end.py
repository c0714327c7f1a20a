"""The year-end reward and penalty of a contract (年终奖惩, 000:75), from its monthly settlements.

The public names are re-exported by :mod:`hosplogi.contracts`.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from pydantic import Field

from hosplogi._checks import guarded
from hosplogi._types import CENT, FrozenModel, Money, money_context
from hosplogi.contracts.models import (
    Contract,
    Renewal,
    YearEndGrade,
    YearEndRule,
    money,
    score_value,
)
from hosplogi.contracts.settlement import Settlement
from hosplogi.errors import HosplogiError

__all__ = ["YearEndMonth", "YearEndSettlement", "settle_year"]


class YearEndMonth(FrozenModel):
    """One settled month as it enters the year-end assessment (one audit line).

    `failed` is true when the month's score is below the rule's `penalty_score`.

    Examples
    --------
    >>> YearEndMonth(month=3, days=31, base=Decimal("1000"), deductions=Decimal("50"),
    ...     deducted=Decimal("50"), bonus=Decimal(0), payable=Decimal("950"),
    ...     score=Decimal("87.5"), failed=False).payable
    Decimal('950.00')
    """

    month: int = Field(ge=1, le=12, strict=True)
    days: int = Field(ge=1, le=31, strict=True)
    base: Money
    deductions: Money
    deducted: Money
    bonus: Money
    payable: Money
    score: Decimal | None = None
    satisfaction: Decimal | None = None
    failed: bool = False


class YearEndSettlement(FrozenModel):
    """The year-end assessment of a contract: the year's totals, grade, reward or penalty.

    Totals are the sums of the monthly settlements given (`months`, in month order); contract
    months of the year without a settlement are listed in `missing` and not guessed, months without
    a score in `unscored`, and (when the rule has a satisfaction threshold) months without a
    satisfaction figure in `unsurveyed`. ``net = payable + reward −
    penalty``; at most one of `reward` and `penalty` is non-zero. `reasons` says in words why the
    grade and the renewal recommendation were reached.

    Examples
    --------
    >>> y = YearEndSettlement(contract_id="C", vendor="V", year=2026, missing=(12,),
    ...     base=Decimal(0), deductions=Decimal(0), deducted=Decimal(0), bonus=Decimal(0),
    ...     payable=Decimal(0), mean_score=Decimal("90.00"), grade="pass", reward=Decimal(0),
    ...     penalty_due=Decimal(0), penalty=Decimal(0), net=Decimal(0), renewal="keep")
    >>> y.complete, y.grade.value
    (False, 'pass')
    """

    contract_id: str
    vendor: str
    year: int
    months: tuple[YearEndMonth, ...] = ()
    missing: tuple[int, ...] = ()
    unscored: tuple[int, ...] = ()
    unsurveyed: tuple[int, ...] = ()
    base: Money
    deductions: Money
    deducted: Money
    bonus: Money
    payable: Money
    mean_score: Decimal
    mean_satisfaction: Decimal | None = None
    failed_months: tuple[int, ...] = ()
    grade: YearEndGrade
    reward: Money
    penalty_due: Money
    penalty: Money
    net: Money
    renewal: Renewal
    reasons: tuple[str, ...] = ()

    @property
    def complete(self) -> bool:
        """Whether every contract month of the year was settled and scored (and surveyed)."""
        return not (self.missing or self.unscored or self.unsurveyed)


def _year_months(contract: Contract, year: int) -> dict[int, int]:
    """Month → contract days in it, for the months of `year` the contract covers."""
    covered = {}
    for month in range(1, 13):
        first = max(contract.start, date(year, month, 1))
        last = min(contract.end, date(year, month, calendar.monthrange(year, month)[1]))
        if first <= last:
            covered[month] = (last - first).days + 1
    return covered


def _label(year: int, months: Iterable[int]) -> str:
    return ", ".join(f"{year}-{m:02d}" for m in months)


def _check_settlements(
    contract: Contract, year: int, covered: Mapping[int, int], settlements: Iterable[Settlement]
) -> dict[int, Settlement]:
    by_month: dict[int, Settlement] = {}
    problems: list[str] = []
    for position, s in enumerate(settlements):
        if not isinstance(s, Settlement):
            problems.append(f"item {position} is a {type(s).__name__}, not a Settlement")
            continue
        name = f"settlement {s.contract_id} {s.year}-{s.month:02d}"
        if s.contract_id != contract.id:
            problems.append(f"{name} belongs to contract {s.contract_id}, not {contract.id}")
        elif s.vendor != contract.vendor:
            problems.append(f"{name} names vendor {s.vendor}, not {contract.vendor}")
        elif s.year != year:
            problems.append(f"{name} is of year {s.year}, not {year}")
        elif s.month not in covered:
            problems.append(
                f"{name} is outside the contract period {contract.start.isoformat()} to "
                f"{contract.end.isoformat()}"
            )
        elif s.days != covered[s.month]:
            problems.append(
                f"{name} bills {s.days} days but the contract covers {covered[s.month]} days of "
                "that month; settle it again with this contract"
            )
        elif s.month in by_month:
            problems.append(f"{name} is given more than once; give each month once")
        else:
            by_month[s.month] = s
    if problems:
        raise HosplogiError(
            f"year-end settlement of {contract.id} for {year} cannot use: " + "; ".join(problems)
        )
    return by_month


def _monthly_figures(
    values: Mapping[int, float | Decimal] | None,
    name: str,
    year: int,
    settled: Mapping[int, Settlement],
) -> dict[int, Decimal]:
    if values is None:
        return {}
    if not isinstance(values, Mapping):
        raise HosplogiError(
            f"{name} must map a month number to a value, e.g. {{1: 96.5, 2: 94}}, got {values!r}"
        )
    out = {}
    for month, value in values.items():
        if isinstance(month, bool) or not isinstance(month, int) or not 1 <= month <= 12:
            raise HosplogiError(f"{name} are keyed by month number 1 to 12, got key {month!r}")
        if month not in settled:
            raise HosplogiError(
                f"{name} has a value for {year}-{month:02d} but no settlement of that month was "
                "given; settle the month first or leave its value out"
            )
        out[month] = score_value(value, f"{name} of {year}-{month:02d}")
    return out


def _points(threshold: float) -> Decimal:
    """A rule's threshold (validated 0–100) as the Decimal it reads as: 85.1 → Decimal('85.1')."""
    return Decimal(str(threshold))


def _mean(values: Iterable[Decimal]) -> Decimal | None:
    items = list(values)
    if not items:
        return None
    return (sum(items, Decimal(0)) / len(items)).quantize(CENT, rounding=ROUND_HALF_UP)


def _grade(
    rule: YearEndRule, score: Decimal, satisfaction: Decimal | None
) -> tuple[YearEndGrade, list[str]]:
    fail = []
    if score < _points(rule.penalty_score):
        fail.append(f"mean score {score} is below the penalty score {rule.penalty_score}")
    low = rule.penalty_satisfaction
    if low is not None and satisfaction is not None and satisfaction < _points(low):
        fail.append(f"mean satisfaction {satisfaction} is below the penalty satisfaction {low}")
    if fail:
        return YearEndGrade.FAIL, fail
    short = []
    if score < _points(rule.reward_score):
        short.append(f"mean score {score} is below the reward score {rule.reward_score}")
    high = rule.reward_satisfaction
    if high is not None and satisfaction is not None and satisfaction < _points(high):
        short.append(f"mean satisfaction {satisfaction} is below the reward satisfaction {high}")
    if short:
        return YearEndGrade.PASS, short
    met = [f"mean score {score} reaches the reward score {rule.reward_score}"]
    if high is not None:
        met.append(f"mean satisfaction {satisfaction} reaches the reward satisfaction {high}")
    return YearEndGrade.EXCELLENT, met


def _renewal(
    rule: YearEndRule, year: int, grade: YearEndGrade, score: Decimal, failed: Sequence[int]
) -> tuple[Renewal, list[str]]:
    why = []
    if rule.terminate_score is not None and score < _points(rule.terminate_score):
        why.append(f"mean score {score} is below the terminate score {rule.terminate_score}")
    limit = rule.terminate_failed_months
    if limit is not None and len(failed) >= limit:
        why.append(
            f"{len(failed)} months scored below {rule.penalty_score} ({_label(year, failed)}); "
            f"terminate_failed_months is {limit}"
        )
    if why:
        return Renewal.TERMINATE, why
    if grade is YearEndGrade.FAIL:
        return Renewal.WARN, ["a failed year: keep under a written warning"]
    return Renewal.KEEP, []


@guarded
def settle_year(
    contract: Contract,
    year: int,
    settlements: Iterable[Settlement],
    *,
    scores: Mapping[int, float | Decimal] | None = None,
    satisfaction: Mapping[int, float | Decimal] | None = None,
    strict: bool = False,
) -> YearEndSettlement:
    """Assess the calendar `year` of `contract`: totals, grade, reward or penalty, renewal.

    The year-end reward and penalty of the outsourcing company (年终奖惩, 000:75), decided by the
    contract's :class:`YearEndRule` from the monthly assessments: the monthly scores (joint
    inspections) and the monthly satisfaction surveys (000:75).

    Parameters
    ----------
    contract : Contract
        Must have a `year_end` rule.
    year : int
        The calendar year (the year-end is 31 December); a contract starting or ending inside it
        has a partial year of the months it covers.
    settlements : iterable of Settlement
        The monthly settlements of this contract in `year` (from :func:`settle`), in any order.
    scores : Mapping[int, number], optional
        Month number → that month's assessment score (0–100), for settled months only.
    satisfaction : Mapping[int, number], optional
        Month number → that month's satisfaction rate (0–100 %), for settled months only.
        Needed when the rule has a satisfaction threshold.
    strict : bool
        Raise instead of reporting months missing, unscored or unsurveyed.

    Returns
    -------
    YearEndSettlement
        Sums of base, deductions (before and after the monthly caps), bonus and payable over the
        settled months; the mean score and satisfaction over the months that have them, rounded to
        0.01 (ROUND_HALF_UP), which the thresholds are applied to; the grade; the reward or the
        penalty to the cent (ROUND_HALF_UP; the penalty at most the year's payable); ``net =
        payable + reward − penalty``; the renewal recommendation and its reasons.

    Raises
    ------
    HosplogiError
        If the contract has no year-end rule or does not cover `year`; a settlement belongs to
        another contract, vendor or year, is outside the contract or billed for other days, or
        is given twice (every culprit is named), or none is given; a score or satisfaction value
        is not a number from 0 to 100 or is given for a month not settled; no month is scored
        (or, when the rule needs it, surveyed); or, with `strict`, a month is missing, unscored
        or unsurveyed.

    Examples
    --------
    >>> from hosplogi.contracts import settle
    >>> c = Contract(id="C-LND", vendor="V-3", services=("laundry",), start=date(2026, 10, 1),
    ...     end=date(2027, 9, 30), monthly_fee=Decimal("50000"),
    ...     year_end=YearEndRule(reward_score=95, penalty_score=85,
    ...                          reward_rate=Decimal("0.02"), penalty=Decimal("5000")))
    >>> months = [settle(c, 2026, m) for m in (10, 11, 12)]
    >>> y = settle_year(c, 2026, months, scores={10: 96, 11: 95.5, 12: 94})
    >>> y.base, y.mean_score, y.grade.value, y.reward, y.net
    (Decimal('150000.00'), Decimal('95.17'), 'excellent', Decimal('3000.00'), Decimal('153000.00'))
    """
    with money_context():
        if isinstance(year, bool) or not isinstance(year, int) or not 1 <= year <= 9998:
            raise HosplogiError(f"year must be an int from 1 to 9998, got {year!r}")
        rule = contract.year_end
        if rule is None:
            raise HosplogiError(
                f"contract {contract.id} has no year_end rule; give Contract(year_end=YearEndRule("
                "reward_score=..., penalty_score=..., ...)) to assess its year"
            )
        covered = _year_months(contract, year)
        if not covered:
            raise HosplogiError(
                f"contract {contract.id} runs {contract.start.isoformat()} to "
                f"{contract.end.isoformat()}; {year} is outside it, so there is no year to assess"
            )
        settled = _check_settlements(contract, year, covered, settlements)
        if not settled:
            raise HosplogiError(
                f"year-end settlement of {contract.id} for {year}: no settlements given; settle "
                f"the contract's months of {year} first ({_label(year, covered)})"
            )
        score_of = _monthly_figures(scores, "scores", year, settled)
        satisfaction_of = _monthly_figures(satisfaction, "satisfaction", year, settled)
        missing = tuple(m for m in covered if m not in settled)
        unscored = tuple(m for m in sorted(settled) if m not in score_of)
        unsurveyed = tuple(
            m for m in sorted(settled) if rule.uses_satisfaction and m not in satisfaction_of
        )
        if strict and (missing or unscored or unsurveyed):
            gaps = [
                f"{what}: {_label(year, months)}"
                for what, months in (
                    ("not settled", missing),
                    ("no score", unscored),
                    ("no satisfaction", unsurveyed),
                )
                if months
            ]
            raise HosplogiError(
                f"year-end settlement of {contract.id} for {year} is incomplete: " + "; ".join(gaps)
            )
        mean_score = _mean(score_of.values())
        if mean_score is None:
            raise HosplogiError(
                f"year-end settlement of {contract.id} for {year} needs at least one monthly "
                f"score; settled months: {_label(year, sorted(settled))}; give scores={{month: "
                "score}}"
            )
        mean_satisfaction = _mean(satisfaction_of.values())
        if rule.uses_satisfaction and mean_satisfaction is None:
            raise HosplogiError(
                f"the year-end rule of {contract.id} has a satisfaction threshold but no month of "
                f"{year} has a satisfaction figure; give satisfaction={{month: percent}}"
            )
        penalty_score = _points(rule.penalty_score)
        lines = tuple(
            YearEndMonth(
                month=m,
                days=s.days,
                base=s.base,
                deductions=s.deductions,
                deducted=s.deducted,
                bonus=s.bonus,
                payable=s.payable,
                score=score_of.get(m),
                satisfaction=satisfaction_of.get(m),
                failed=m in score_of and score_of[m] < penalty_score,
            )
            for m, s in sorted(settled.items())
        )
        failed = tuple(line.month for line in lines if line.failed)

        def total(field: str) -> Decimal:
            return money(sum((getattr(line, field) for line in lines), Decimal(0)))

        base, payable = total("base"), total("payable")
        grade, reasons = _grade(rule, mean_score, mean_satisfaction)
        reward = penalty_due = Decimal(0)
        if grade is YearEndGrade.EXCELLENT:
            reward = money(rule.reward + rule.reward_rate * base)
        elif grade is YearEndGrade.FAIL:
            penalty_due = money(rule.penalty + rule.penalty_rate * base)
        penalty = min(penalty_due, payable)
        if penalty < penalty_due:
            reasons.append(f"penalty {penalty_due} cut to the year's payable {payable}")
        renewal, renewal_reasons = _renewal(rule, year, grade, mean_score, failed)
        if missing:
            reasons.append(f"not settled, not counted: {_label(year, missing)}")
        return YearEndSettlement(
            contract_id=contract.id,
            vendor=contract.vendor,
            year=year,
            months=lines,
            missing=missing,
            unscored=unscored,
            unsurveyed=unsurveyed,
            base=base,
            deductions=total("deductions"),
            deducted=total("deducted"),
            bonus=total("bonus"),
            payable=payable,
            mean_score=mean_score,
            mean_satisfaction=mean_satisfaction,
            failed_months=failed,
            grade=grade,
            reward=reward,
            penalty_due=penalty_due,
            penalty=penalty,
            net=money(payable + reward - penalty),
            renewal=renewal,
            reasons=(*reasons, *renewal_reasons),
        )
