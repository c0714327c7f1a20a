"""Contract models: services, vendors, contracts and their rules, and the evidence of a month.

The public names are re-exported by :mod:`hosplogi.contracts`.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Annotated, Any, Literal, Self

from pydantic import BeforeValidator, Field, field_validator, model_validator

from hosplogi._types import (
    CENT,
    Finite,
    FrozenDict,
    FrozenModel,
    Identifier,
    Instant,
    Money,
    brief,
    money_context,
    require_unique,
    to_decimal,
)
from hosplogi.errors import HosplogiError
from hosplogi.orders import Priority
from hosplogi.recurrence import TimeZoneName
from hosplogi.sla import SlaPolicy

__all__ = [
    "BonusRule",
    "Complaint",
    "Contract",
    "DeductionKind",
    "DeductionRule",
    "EvidenceKind",
    "HeadcountRecord",
    "Renewal",
    "ServiceItem",
    "Vendor",
    "YearEndGrade",
    "YearEndRule",
]


class ServiceItem(StrEnum):
    """Outsourced services (000:79, 000:189)."""

    CLEANING = "cleaning"
    """保洁"""
    SECURITY = "security"
    """保安"""
    LAUNDRY = "laundry"
    """洗涤"""
    CATERING = "catering"
    """膳食"""
    GREENING = "greening"
    """绿化"""
    PROPERTY = "property"
    """物业"""
    LIFTS = "lifts"
    """电梯"""
    MAINTENANCE = "maintenance"
    """维修"""
    TRANSPORT = "transport"
    """运送 (patients, specimens, goods)"""
    MEDICAL_WASTE = "medical_waste"
    """医疗废物 collection and transfer (004:153)"""


def _fraction(value: Any) -> Decimal:
    """A rate as an exact Decimal; refuses floats, text that is no number, None, {} and NaN."""
    number = to_decimal(value)
    if number.adjusted() > 3:
        raise ValueError(f"must be a finite fraction such as '0.10', got {brief(value)}")
    return number


Fraction = Annotated[Decimal, BeforeValidator(_fraction)]


class Vendor(FrozenModel):
    """An outsourcing company as assessed by the tender committee (000:85).

    Examples
    --------
    >>> Vendor(id="V-1", name="Clean Co", years_in_business=12, healthcare_specialism=True,
    ...        services=("cleaning", "transport")).services[0].value
    'cleaning'
    """

    id: Identifier
    name: str = ""
    qualifications: tuple[str, ...] = ()
    healthcare_specialism: bool = False
    years_in_business: int = Field(default=0, ge=0, strict=True)
    services: tuple[ServiceItem, ...] = ()
    staff: int | None = Field(default=None, ge=0, strict=True)


class DeductionKind(StrEnum):
    """Reasons for deducting from the monthly fee."""

    SLA_BREACH = "sla_breach"
    """Per order whose resolution clock is breached at month end (a rule may name a priority)."""
    MISSING_PERSON_DAY = "missing_person_day"
    """Per person-day below the contracted headcount of a post (000:75(1))."""
    FAILED_INSPECTION = "failed_inspection"
    """Per failed inspection (patrol or joint monthly inspection, 000:75)."""
    COMPLAINT = "complaint"
    """Per substantiated complaint taken by the service centre (000:75)."""
    SCORE_BELOW = "score_below"
    """Per point of the month's assessment score below the rule's threshold."""


class DeductionRule(FrozenModel):
    """An amount deducted per unit of one kind of failure.

    Examples
    --------
    >>> DeductionRule(kind="score_below", amount=Decimal("200"))
    Traceback (most recent call last):
    ...
    pydantic_core._pydantic_core.ValidationError: 1 validation error for DeductionRule
      Value error, a score_below rule needs a threshold (the score below which each point \
is deducted), e.g. threshold=90 [type=value_error, ...
    """

    kind: DeductionKind
    amount: Money
    priority: Priority | None = None
    threshold: Finite | None = Field(default=None, ge=0.0, le=100.0)

    @model_validator(mode="after")
    def _check(self) -> Self:
        if self.amount <= 0:
            raise ValueError(f"a deduction amount must be positive, got {self.amount}")
        if self.priority is not None and self.kind is not DeductionKind.SLA_BREACH:
            raise ValueError(
                f"only sla_breach rules may name a priority, got priority={self.priority.value} "
                f"on a {self.kind.value} rule"
            )
        if (self.threshold is None) == (self.kind is DeductionKind.SCORE_BELOW):
            if self.threshold is None:
                raise ValueError(
                    "a score_below rule needs a threshold (the score below which each point is "
                    "deducted), e.g. threshold=90"
                )
            raise ValueError(
                f"only score_below rules take a threshold, got threshold={self.threshold} on a "
                f"{self.kind.value} rule"
            )
        return self


class BonusRule(FrozenModel):
    """A bonus paid when the month's score is at or above `threshold` (never capped).

    Examples
    --------
    >>> BonusRule(threshold=95, amount=Decimal("3000")).amount
    Decimal('3000.00')
    """

    threshold: Finite = Field(ge=0.0, le=100.0)
    amount: Money

    @field_validator("amount")
    @classmethod
    def _non_negative(cls, value: Decimal) -> Decimal:
        if value < 0:
            raise ValueError(f"a bonus must be zero or more, got {value}")
        return value


class YearEndGrade(StrEnum):
    """The grade of an outsourcing company's year (年终考核), decided by :class:`YearEndRule`."""

    EXCELLENT = "excellent"
    """优秀: the year is rewarded."""
    PASS = "pass"
    """合格: neither rewarded nor penalised."""
    FAIL = "fail"
    """不合格: the year is penalised."""


class Renewal(StrEnum):
    """What the year-end assessment recommends for the contract."""

    KEEP = "keep"
    """续约: keep the provider."""
    WARN = "warn"
    """警告: keep under a written warning and a rectification plan (a failed year)."""
    TERMINATE = "terminate"
    """解约/不再续约: replace the provider (another shortlisted one, 000:85)."""


class YearEndRule(FrozenModel):
    """The year-end reward and penalty of a contract (年终奖惩, 000:75; 定奖罚, 004:281).

    The year is judged on the mean of its monthly assessment scores (joint inspections) and, if the
    rule names satisfaction thresholds, the mean of its monthly satisfaction surveys (000:75), both
    rounded to 0.01 points (ROUND_HALF_UP) as printed on the annual sheet:

    * **fail** (penalty) if the mean score is below `penalty_score`, or the mean satisfaction is
      below `penalty_satisfaction`;
    * else **excellent** (reward) if the mean score is at least `reward_score` and the mean
      satisfaction at least `reward_satisfaction`;
    * else **pass**.

    Reward = ``reward + reward_rate × the year's base``, penalty =
    ``penalty + penalty_rate × the year's base`` (a fixed part plus a share of the base fees
    settled in the year), each to the cent; the penalty never exceeds the year's payable.
    Renewal: terminate if the mean score is below `terminate_score` or at least
    `terminate_failed_months` months scored below `penalty_score`; else warn after a failed year;
    else keep.

    Examples
    --------
    >>> rule = YearEndRule(reward_score=95, penalty_score=85, reward_rate=Decimal("0.01"),
    ...                    penalty=Decimal("20000"))
    >>> rule.reward, rule.reward_rate, rule.penalty
    (Decimal('0.00'), Decimal('0.01'), Decimal('20000.00'))
    >>> YearEndRule(reward_score=80, penalty_score=85)
    Traceback (most recent call last):
    ...
    pydantic_core._pydantic_core.ValidationError: 1 validation error for YearEndRule
      Value error, penalty_score 85.0 is above reward_score 80.0; a year cannot be both \
rewarded and penalised, give penalty_score ≤ reward_score [type=value_error, ...
    """

    reward_score: Finite = Field(ge=0.0, le=100.0)
    penalty_score: Finite = Field(ge=0.0, le=100.0)
    reward_satisfaction: Finite | None = Field(default=None, ge=0.0, le=100.0)
    penalty_satisfaction: Finite | None = Field(default=None, ge=0.0, le=100.0)
    reward: Money = Decimal(0)
    reward_rate: Fraction = Decimal(0)
    penalty: Money = Decimal(0)
    penalty_rate: Fraction = Decimal(0)
    terminate_score: Finite | None = Field(default=None, ge=0.0, le=100.0)
    terminate_failed_months: int | None = Field(default=None, ge=1, le=12, strict=True)

    @model_validator(mode="after")
    def _check(self) -> Self:
        if self.penalty_score > self.reward_score:
            raise ValueError(
                f"penalty_score {self.penalty_score} is above reward_score {self.reward_score}; "
                "a year cannot be both rewarded and penalised, give penalty_score ≤ reward_score"
            )
        low, high = self.penalty_satisfaction, self.reward_satisfaction
        if low is not None and high is not None and low > high:
            raise ValueError(
                f"penalty_satisfaction {low} is above reward_satisfaction {high}; give "
                "penalty_satisfaction ≤ reward_satisfaction"
            )
        if self.terminate_score is not None and self.terminate_score > self.penalty_score:
            raise ValueError(
                f"terminate_score {self.terminate_score} is above penalty_score "
                f"{self.penalty_score}; a year bad enough to terminate is also penalised, give "
                "terminate_score ≤ penalty_score"
            )
        for name in ("reward", "penalty"):
            amount: Decimal = getattr(self, name)
            if amount < 0:
                raise ValueError(f"{name} must be zero or more, got {amount}")
            rate: Decimal = getattr(self, f"{name}_rate")
            if not rate.is_finite() or not Decimal(0) <= rate <= Decimal(1):
                raise ValueError(
                    f"{name}_rate is a fraction of the year's base between 0 and 1, got {rate}; "
                    "write Decimal('0.02') for 2 %"
                )
        return self

    @property
    def uses_satisfaction(self) -> bool:
        """Whether the rule has a satisfaction threshold (then satisfaction data is needed)."""
        return self.reward_satisfaction is not None or self.penalty_satisfaction is not None


class Contract(FrozenModel):
    """An outsourcing contract: services, period, fee, contracted posts, SLA and deduction rules.

    Parameters
    ----------
    id : str
    vendor : str
        The vendor's id.
    services : tuple[ServiceItem, ...]
    start, end : date
        The contract period, both days included.
    monthly_fee : Decimal
        Zero or more; a float is refused.
    staffing : Mapping[str, int]
        Post → contracted headcount per day (定人员, 004:281).
    sla_policy : SlaPolicy, optional
        Required by sla_breach rules.
    deductions : tuple[DeductionRule, ...]
        At most one rule per kind, except sla_breach: one per priority plus one without.
    deduction_cap : Decimal
        The most that may be deducted in a month, as a fraction of that month's base (0–1).
    bonus : BonusRule, optional
    year_end : YearEndRule, optional
        The year-end reward and penalty, applied by :func:`settle_year`.
    timezone : str
        IANA zone in which months begin and end (default Asia/Shanghai).

    Examples
    --------
    >>> Contract(id="C-1", vendor="V-1", services=("security",), start=date(2026, 2, 1),
    ...          end=date(2026, 1, 31), monthly_fee=Decimal("1000"))
    Traceback (most recent call last):
    ...
    pydantic_core._pydantic_core.ValidationError: 1 validation error for Contract
      Value error, contract C-1 ends on 2026-01-31, before it starts on 2026-02-01; give an \
end on or after the start [type=value_error, ...
    """

    id: Identifier
    vendor: Identifier
    services: tuple[ServiceItem, ...] = Field(min_length=1)
    start: date
    end: date
    monthly_fee: Money
    staffing: FrozenDict[Identifier, Annotated[int, Field(ge=0, strict=True)]] = Field(
        default_factory=FrozenDict
    )
    sla_policy: SlaPolicy | None = None
    deductions: tuple[DeductionRule, ...] = ()
    deduction_cap: Fraction = Decimal("0.10")
    bonus: BonusRule | None = None
    year_end: YearEndRule | None = None
    timezone: TimeZoneName = "Asia/Shanghai"
    name: str = ""

    @model_validator(mode="after")
    def _check(self) -> Self:
        if self.end < self.start:
            raise ValueError(
                f"contract {self.id} ends on {self.end.isoformat()}, before it starts on "
                f"{self.start.isoformat()}; give an end on or after the start"
            )
        if self.monthly_fee < 0:
            raise ValueError(
                f"contract {self.id}: monthly_fee must be zero or more, got {self.monthly_fee}"
            )
        if not Decimal(0) <= self.deduction_cap <= Decimal(1):
            raise ValueError(
                f"contract {self.id}: deduction_cap is a fraction of the base between 0 and 1, "
                f"got {self.deduction_cap}; write Decimal('0.10') for 10 %"
            )
        keys = (f"{r.kind.value}/{(r.priority or 'any')}" for r in self.deductions)
        what = "deduction rules (one per kind, and per priority for sla_breach)"
        require_unique(keys, f"contract {self.id}: {what}")
        kinds = {r.kind for r in self.deductions}
        if DeductionKind.SLA_BREACH in kinds and self.sla_policy is None:
            raise ValueError(
                f"contract {self.id} has an sla_breach rule but no sla_policy; give the SlaPolicy "
                "whose resolution clock decides a breach"
            )
        if DeductionKind.MISSING_PERSON_DAY in kinds and not self.staffing:
            raise ValueError(
                f"contract {self.id} has a missing_person_day rule but no staffing; give the "
                "contracted headcount per post, e.g. staffing={'ward-cleaner': 40}"
            )
        return self

    def rule(self, kind: DeductionKind, priority: Priority | None = None) -> DeductionRule | None:
        """The rule of `kind` (for sla_breach: the rule of `priority`, else the general one).

        Examples
        --------
        >>> c = Contract(id="C", vendor="V", services=("cleaning",), start=date(2026, 1, 1),
        ...     end=date(2026, 12, 31), monthly_fee=Decimal("1"),
        ...     deductions=(DeductionRule(kind="complaint", amount=Decimal("5")),))
        >>> c.rule(DeductionKind.COMPLAINT).amount, c.rule(DeductionKind.SCORE_BELOW)
        (Decimal('5.00'), None)
        """
        specific = general = None
        for r in self.deductions:
            if r.kind is kind:
                if r.priority is None:
                    general = r
                elif r.priority is priority:
                    specific = r
        return specific or general


class HeadcountRecord(FrozenModel):
    """The people actually on a post on one day (监管外包岗位的实际人数, 000:75(1)).

    Examples
    --------
    >>> HeadcountRecord(post="ward-cleaner", day=date(2026, 3, 2), present=38).id
    'ward-cleaner@2026-03-02'
    """

    post: Identifier
    day: date
    present: int = Field(ge=0, strict=True)
    contract_id: Identifier | None = None

    @property
    def id(self) -> str:
        """``"<post>@<day>"``, the evidence id used in settlement lines."""
        return f"{self.post}@{self.day.isoformat()}"


class Complaint(FrozenModel):
    """A complaint about an outsourced service taken by the service centre (000:75).

    Examples
    --------
    >>> from datetime import datetime, timezone
    >>> Complaint(id="CP-1", at=datetime(2026, 3, 2, tzinfo=timezone.utc),
    ...           substantiated=False).contract_id is None
    True
    """

    id: Identifier
    at: Instant
    substantiated: bool
    contract_id: Identifier | None = None
    note: str = ""


EvidenceKind = Literal["order", "inspection", "headcount", "complaint", "score"]


def money(value: Decimal) -> Decimal:
    """`value` quantised to the cent with ROUND_HALF_UP (every line and total of a settlement).

    Examples
    --------
    >>> money(Decimal("2.345"))
    Decimal('2.35')
    """
    with money_context():
        return value.quantize(CENT, rounding=ROUND_HALF_UP)


def score_value(value: Any, name: str) -> Decimal:
    """A score from 0 to 100 as a Decimal (a float as it reads: 87.5 → Decimal('87.5')).

    Examples
    --------
    >>> score_value(87.5, "score")
    Decimal('87.5')
    """
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise HosplogiError(f"{name} must be a number from 0 to 100, got {brief(value)}")
    with money_context():
        number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
        if not number.is_finite() or not 0 <= number <= 100:
            raise HosplogiError(f"{name} must be a number from 0 to 100, got {brief(value)}")
        return +number
