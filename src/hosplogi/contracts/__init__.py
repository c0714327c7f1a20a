"""Outsourcing contracts (后勤社会化/外包): vendors, monthly settlement and tender ranking.

Hospitals outsource cleaning, security, laundry, catering, greening, property services, lifts and
more (000:79, 000:189), and must supervise the providers: the headcount actually on post against
the contracted headcount, daily patrols and a joint monthly inspection, monthly satisfaction
surveys feeding the assessment, and reward or penalty (000:75); every unit has a fixed task, staff,
cost and reward/penalty (四定, 004:281). This module turns that supervision into money:

* :class:`Contract` with :class:`DeductionRule` of five kinds (:class:`DeductionKind`) and an
  optional :class:`BonusRule`;
* :func:`settle` — one month's :class:`Settlement`: the base fee pro-rated for a partial month,
  one line per reason with its evidence, deductions capped at ``deduction_cap × base``, the bonus,
  the payable amount, and every piece of evidence it could not use with the reason;
* :func:`settle_year` — the year-end reward and penalty (年终奖惩, 000:75) as a
  :class:`YearEndSettlement`: the year's totals over the monthly settlements, the mean monthly
  score and satisfaction judged by the contract's :class:`YearEndRule`, a :class:`YearEndGrade`,
  the reward or penalty to the cent and a :class:`Renewal` recommendation;
* :func:`rank_bids` — tender evaluation: price score plus weighted qualitative criteria, keeping
  a shortlist of providers so that service survives one leaving (10 bidders → 3, 000:85).

Money is ``Decimal``, quantised to the cent with ROUND_HALF_UP at each line and at the end; a float
amount is refused.

Examples
--------
>>> from datetime import date, datetime, timezone
>>> from decimal import Decimal
>>> c = Contract(id="C-CLN", vendor="V-1", services=("cleaning",), start=date(2026, 1, 1),
...     end=date(2026, 12, 31), monthly_fee=Decimal("300000"), staffing={"ward-cleaner": 40},
...     deductions=(DeductionRule(kind="complaint", amount=Decimal("500")),))
>>> s = settle(c, 2026, 3, complaints=[Complaint(id="CP-1", substantiated=True,
...     at=datetime(2026, 3, 9, 10, tzinfo=timezone.utc))])
>>> s.base, s.deductions, s.payable
(Decimal('300000.00'), Decimal('500.00'), Decimal('299500.00'))
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Annotated, Any, Literal, Self

from pydantic import BeforeValidator, Field, field_validator, model_validator

from hosplogi import recurrence
from hosplogi._types import CENT, FrozenModel, Identifier, Instant, Money
from hosplogi.errors import HosplogiError
from hosplogi.inspections import Inspection
from hosplogi.orders import Priority, Status, WorkOrder
from hosplogi.recurrence import TimeZoneName
from hosplogi.sla import SlaPolicy, evaluate_many

__all__ = [
    "Bid",
    "BidResult",
    "BonusRule",
    "Complaint",
    "Contract",
    "Criterion",
    "DeductionKind",
    "DeductionRule",
    "EvidenceKind",
    "HeadcountRecord",
    "Renewal",
    "ServiceItem",
    "Settlement",
    "SettlementLine",
    "UnusedEvidence",
    "Vendor",
    "YearEndGrade",
    "YearEndMonth",
    "YearEndRule",
    "YearEndSettlement",
    "rank_bids",
    "settle",
    "settle_year",
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
    if isinstance(value, (bool, float)):
        raise ValueError(
            f"must be a Decimal, int or decimal string, not {type(value).__name__} {value!r}; "
            f"write Decimal({str(value)!r})"
        )
    return Decimal(value) if not isinstance(value, Decimal) else value


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


_KIND_ORDER = {k: i for i, k in enumerate(DeductionKind)}


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
    threshold: float | None = Field(default=None, ge=0.0, le=100.0)

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

    threshold: float = Field(ge=0.0, le=100.0)
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

    reward_score: float = Field(ge=0.0, le=100.0)
    penalty_score: float = Field(ge=0.0, le=100.0)
    reward_satisfaction: float | None = Field(default=None, ge=0.0, le=100.0)
    penalty_satisfaction: float | None = Field(default=None, ge=0.0, le=100.0)
    reward: Money = Decimal(0)
    reward_rate: Fraction = Decimal(0)
    penalty: Money = Decimal(0)
    penalty_rate: Fraction = Decimal(0)
    terminate_score: float | None = Field(default=None, ge=0.0, le=100.0)
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
    staffing: dict[Identifier, Annotated[int, Field(ge=0, strict=True)]] = Field(
        default_factory=dict
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
        keys = [(r.kind, r.priority) for r in self.deductions]
        repeated = sorted(
            {f"{k.value}/{p.value if p else 'any'}" for k, p in keys if keys.count((k, p)) > 1}
        )
        if repeated:
            raise ValueError(
                f"contract {self.id}: one deduction rule per kind (and per priority for "
                f"sla_breach); repeated: {', '.join(repeated)}"
            )
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
    >>> from datetime import timezone
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


class SettlementLine(FrozenModel):
    """One reason for a deduction: how many units, at what unit amount, on what evidence.

    Examples
    --------
    >>> SettlementLine(kind="complaint", quantity=Decimal(2), unit_amount=Decimal("500"),
    ...                amount=Decimal("1000"), evidence=("CP-1", "CP-2")).amount
    Decimal('1000.00')
    """

    kind: DeductionKind
    quantity: Decimal
    unit_amount: Money
    amount: Money
    evidence: tuple[str, ...] = ()
    detail: str = ""


class UnusedEvidence(FrozenModel):
    """A piece of evidence settlement could not use, and why.

    Examples
    --------
    >>> UnusedEvidence(kind="complaint", id="CP-9", reason="belongs to contract C-2").reason
    'belongs to contract C-2'
    """

    kind: EvidenceKind
    id: str
    reason: str


class Settlement(FrozenModel):
    """One month's settlement of a contract.

    ``payable = base − min(deductions, cap) + bonus``, never negative, where
    ``cap = deduction_cap × base``. `used` lists, per kind, the evidence that was considered
    (whether it led to a deduction or not); `unused` lists the rest with reasons, so every piece
    of evidence passed in is accounted for. `unrecorded` lists contract days without a headcount
    record for a post (they are not counted as absences).

    Examples
    --------
    >>> s = Settlement(contract_id="C", vendor="V", year=2026, month=2, days=28,
    ...     days_in_month=28, base=Decimal(100), cap=Decimal(10), deductions=Decimal(15),
    ...     deducted=Decimal(10), bonus=Decimal(0), payable=Decimal(90))
    >>> s.capped
    True
    """

    contract_id: str
    vendor: str
    year: int
    month: int
    days: int
    days_in_month: int
    base: Money
    lines: tuple[SettlementLine, ...] = ()
    deductions: Money
    cap: Money
    deducted: Money
    bonus: Money
    payable: Money
    used: dict[EvidenceKind, tuple[str, ...]] = Field(default_factory=dict)
    unused: tuple[UnusedEvidence, ...] = ()
    unrecorded: tuple[str, ...] = ()

    @property
    def capped(self) -> bool:
        """Whether the cap reduced the deductions."""
        return self.deductions > self.cap


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _score(value: Any, name: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise HosplogiError(f"{name} must be a number from 0 to 100, got {value!r}")
    number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    if not number.is_finite() or not 0 <= number <= 100:
        raise HosplogiError(f"{name} must be a number from 0 to 100, got {value!r}")
    return number


class _Ledger:
    """Collects used and unused evidence while one settlement is worked out."""

    def __init__(self) -> None:
        self.used: dict[EvidenceKind, list[str]] = {}
        self.unused: list[UnusedEvidence] = []
        self.seen: set[tuple[str, str]] = set()

    def fresh(self, kind: EvidenceKind, ident: str) -> bool:
        if (kind, ident) in self.seen:
            self.skip(kind, ident, f"{kind} {ident} was given more than once; counted once")
            return False
        self.seen.add((kind, ident))
        return True

    def use(self, kind: EvidenceKind, ident: str) -> None:
        self.used.setdefault(kind, []).append(ident)

    def skip(self, kind: EvidenceKind, ident: str, reason: str) -> None:
        self.unused.append(UnusedEvidence(kind=kind, id=ident, reason=reason))


class _Month:
    """The month, the part of it the contract covers, and where an instant or day falls."""

    def __init__(self, contract: Contract, year: int, month: int) -> None:
        if isinstance(year, bool) or not isinstance(year, int) or not 1 <= year <= 9998:
            raise HosplogiError(f"year must be an int from 1 to 9998, got {year!r}")
        if isinstance(month, bool) or not isinstance(month, int) or not 1 <= month <= 12:
            raise HosplogiError(f"month must be an int from 1 to 12, got {month!r}")
        self.label = f"{year}-{month:02d}"
        self.days_in_month = calendar.monthrange(year, month)[1]
        self.first_day = date(year, month, 1)
        self.last_day = date(year, month, self.days_in_month)
        self.first = max(contract.start, self.first_day)
        self.last = min(contract.end, self.last_day)
        if self.last < self.first:
            raise HosplogiError(
                f"contract {contract.id} runs {contract.start.isoformat()} to "
                f"{contract.end.isoformat()}; {self.label} is outside it, so there is nothing to "
                "settle"
            )
        self.days = (self.last - self.first).days + 1
        self.contract = contract
        tz = recurrence.zone(contract.timezone)
        self.m0 = datetime.combine(self.first_day, time(0), tz)
        self.m1 = datetime.combine(self.last_day + timedelta(days=1), time(0), tz)
        self.w0 = datetime.combine(self.first, time(0), tz)
        self.w1 = datetime.combine(self.last + timedelta(days=1), time(0), tz)

    def instant_problem(self, at: datetime) -> str | None:
        if not self.m0 <= at < self.m1:
            return f"{at.isoformat()} is outside {self.label} ({self.contract.timezone})"
        if not self.w0 <= at < self.w1:
            return self._period(at.isoformat())
        return None

    def day_problem(self, day: date) -> str | None:
        if not self.first_day <= day <= self.last_day:
            return f"{day.isoformat()} is outside {self.label}"
        if not self.first <= day <= self.last:
            return self._period(day.isoformat())
        return None

    def _period(self, what: str) -> str:
        c = self.contract
        return f"{what} is outside the contract period {c.start.isoformat()} to {c.end.isoformat()}"


def _line(
    kind: DeductionKind,
    quantity: Decimal,
    rule: DeductionRule,
    evidence: Sequence[str],
    detail: str,
) -> SettlementLine:
    return SettlementLine(
        kind=kind,
        quantity=quantity,
        unit_amount=rule.amount,
        amount=_money(quantity * rule.amount),
        evidence=tuple(evidence),
        detail=detail,
    )


def _sla_lines(
    contract: Contract, month: _Month, orders: Iterable[WorkOrder], ledger: _Ledger
) -> list[SettlementLine]:
    breached: dict[tuple[Priority | None, int], list[str]] = {}
    rules: dict[tuple[Priority | None, int], DeductionRule] = {}
    pending: list[tuple[WorkOrder, DeductionRule]] = []
    for order in orders:
        if not ledger.fresh("order", order.id):
            continue
        problem = month.instant_problem(order.reported_at)
        rule = contract.rule(DeductionKind.SLA_BREACH, order.priority)
        if problem is not None:
            ledger.skip("order", order.id, f"reported {problem}")
        elif contract.sla_policy is None or rule is None:
            have = "no sla_breach rule" if contract.sla_policy is None else (
                f"no sla_breach rule for priority {order.priority.value}")  # fmt: skip
            ledger.skip("order", order.id, f"contract {contract.id} has {have}")
        elif order.status is Status.CANCELLED:
            ledger.skip("order", order.id, "cancelled; SLA clocks do not apply")
        else:
            ledger.use("order", order.id)
            pending.append((order, rule))
    position = {id(r): i for i, r in enumerate(contract.deductions)}
    if pending and contract.sla_policy is not None:
        statuses = evaluate_many([o for o, _ in pending], contract.sla_policy, month.w1)
        for (order, rule), status in zip(pending, statuses, strict=True):
            if status.resolution.breached:
                key = (rule.priority, position[id(rule)])
                rules[key] = rule
                breached.setdefault(key, []).append(order.id)
    lines = []
    for key in sorted(breached, key=lambda k: k[1]):
        rule, ids = rules[key], breached[key]
        detail = f"priority {rule.priority.value}" if rule.priority else "any priority"
        lines.append(_line(DeductionKind.SLA_BREACH, Decimal(len(ids)), rule, ids, detail))
    return lines


def _headcount_lines(
    contract: Contract, month: _Month, records: Iterable[HeadcountRecord], ledger: _Ledger
) -> tuple[list[SettlementLine], list[str]]:
    rule = contract.rule(DeductionKind.MISSING_PERSON_DAY)
    missing: dict[str, list[tuple[str, int]]] = {}
    recorded: set[tuple[str, date]] = set()
    for r in records:
        if not ledger.fresh("headcount", r.id):
            continue
        problem = month.day_problem(r.day)
        if r.contract_id is not None and r.contract_id != contract.id:
            ledger.skip(
                "headcount", r.id, f"belongs to contract {r.contract_id}, not {contract.id}"
            )
        elif problem is not None:
            ledger.skip("headcount", r.id, problem)
        elif r.post not in contract.staffing:
            posts = ", ".join(sorted(contract.staffing)) or "none"
            ledger.skip("headcount", r.id, f"post {r.post!r} is not contracted (posts: {posts})")
        elif rule is None:
            ledger.skip("headcount", r.id, f"contract {contract.id} has no missing_person_day rule")
        else:
            ledger.use("headcount", r.id)
            recorded.add((r.post, r.day))
            short = contract.staffing[r.post] - r.present
            if short > 0:
                missing.setdefault(r.post, []).append((r.id, short))
    if rule is None:
        return [], []
    lines = [
        _line(
            DeductionKind.MISSING_PERSON_DAY,
            Decimal(sum(n for _, n in missing[post])),
            rule,
            [i for i, _ in missing[post]],
            f"post {post} ({contract.staffing[post]} contracted)",
        )
        for post in sorted(missing)
    ]
    unrecorded = [
        f"{post}@{(month.first + timedelta(days=d)).isoformat()}"
        for post in sorted(contract.staffing)
        for d in range(month.days)
        if (post, month.first + timedelta(days=d)) not in recorded
    ]
    return lines, unrecorded


def _belongs(contract: Contract, contract_id: str | None, vendor: str | None) -> str | None:
    if contract_id is not None and contract_id != contract.id:
        return f"belongs to contract {contract_id}, not {contract.id}"
    if vendor is not None and vendor != contract.vendor:
        return f"concerns vendor {vendor}, not {contract.vendor}"
    return None


def _counted_lines(
    contract: Contract,
    month: _Month,
    ledger: _Ledger,
    source: EvidenceKind,
    deduction: DeductionKind,
    entries: Iterable[tuple[str, str | None, str | None, datetime, bool]],
    note: str,
) -> list[SettlementLine]:
    """One deduction per piece of evidence that counts (a failed inspection, an upheld complaint).

    `entries` are ``(id, contract_id, vendor, at, counts)``; each is used once, or skipped with
    the reason (another contract or vendor, outside the month, no rule for `deduction`).
    """
    rule = contract.rule(deduction)
    counted: list[str] = []
    for entry_id, contract_id, vendor, at, counts in entries:
        if not ledger.fresh(source, entry_id):
            continue
        problem = _belongs(contract, contract_id, vendor) or month.instant_problem(at)
        if problem is not None:
            ledger.skip(source, entry_id, problem)
        elif rule is None:
            ledger.skip(source, entry_id, f"contract {contract.id} has no {deduction.value} rule")
        else:
            ledger.use(source, entry_id)
            if counts:
                counted.append(entry_id)
    if rule is None or not counted:
        return []
    return [_line(deduction, Decimal(len(counted)), rule, counted, note)]


def settle(
    contract: Contract,
    year: int,
    month: int,
    *,
    orders: Iterable[WorkOrder] = (),
    inspections: Iterable[Inspection] = (),
    headcount: Iterable[HeadcountRecord] = (),
    complaints: Iterable[Complaint] = (),
    score: float | Decimal | None = None,
    strict: bool = False,
) -> Settlement:
    """Settle one month of `contract`: base fee, deductions with evidence, cap, bonus, payable.

    Parameters
    ----------
    contract : Contract
    year, month : int
        The month settled; the contract must cover at least one of its days.
    orders : iterable of WorkOrder
        The orders of this contract (the caller selects them: an order does not name its
        contract). An order counts in the month it was **reported** (in the contract's zone,
        within the contract period) and is breached if its resolution clock, evaluated with the
        contract's SLA policy at the end of the covered part of the month, is breached.
        The sla_breach rule for the order's priority applies, else the rule without a priority.
    inspections : iterable of Inspection
        An inspection naming another contract or vendor is not used; each failed one counts.
    headcount : iterable of HeadcountRecord
        Each day's shortfall below the contracted headcount of a post is that many person-days.
        Days without a record are listed in `unrecorded`, not counted.
    complaints : iterable of Complaint
        Each substantiated complaint counts.
    score : number, optional
        The month's assessment score (0–100), e.g. from satisfaction surveys (000:75); each
        point below the score_below threshold counts, and the bonus is paid at or above its
        threshold. Fractions of a point count pro rata.
    strict : bool
        Raise instead of reporting unused evidence.

    Returns
    -------
    Settlement
        ``base = monthly_fee × contract days in the month / days in the month``;
        ``payable = base − min(deductions, deduction_cap × base) + bonus``, never negative. Each
        line amount and every total is quantised to the cent with ROUND_HALF_UP. The bonus is not
        pro-rated.

    Raises
    ------
    HosplogiError
        If the month is outside the contract, the score is not a number from 0 to 100, or (with
        `strict`) some evidence could not be used.

    Examples
    --------
    A contract that starts on 10 February 2026: 19 of 28 days are billed.

    >>> c = Contract(id="C-SEC", vendor="V-2", services=("security",), start=date(2026, 2, 10),
    ...     end=date(2027, 2, 9), monthly_fee=Decimal("100000.00"), staffing={"gate": 4},
    ...     deduction_cap=Decimal("0.05"),
    ...     deductions=(DeductionRule(kind="missing_person_day", amount=Decimal("400")),))
    >>> days = [HeadcountRecord(post="gate", day=date(2026, 2, d), present=2) for d in (10, 11)]
    >>> s = settle(c, 2026, 2, headcount=days)
    >>> s.base, s.deductions, s.cap, s.payable
    (Decimal('67857.14'), Decimal('1600.00'), Decimal('3392.86'), Decimal('66257.14'))
    """
    period = _Month(contract, year, month)
    ledger = _Ledger()
    lines = _sla_lines(contract, period, orders, ledger)
    inspection_lines = _counted_lines(
        contract,
        period,
        ledger,
        "inspection",
        DeductionKind.FAILED_INSPECTION,
        ((i.id, i.contract_id, i.vendor, i.at, not i.passed) for i in inspections),
        "",
    )
    headcount_lines, unrecorded = _headcount_lines(contract, period, headcount, ledger)
    lines += headcount_lines + inspection_lines
    lines += _counted_lines(
        contract,
        period,
        ledger,
        "complaint",
        DeductionKind.COMPLAINT,
        ((c.id, c.contract_id, None, c.at, c.substantiated) for c in complaints),
        "substantiated",
    )
    bonus = Decimal(0)
    score_rule = contract.rule(DeductionKind.SCORE_BELOW)
    if score is not None:
        value = _score(score, "score")
        if score_rule is None and contract.bonus is None:
            ledger.skip(
                "score", "score", f"contract {contract.id} has no score_below or bonus rule"
            )
        else:
            ledger.use("score", "score")
        if score_rule is not None and score_rule.threshold is not None:
            below = _score(score_rule.threshold, "threshold") - value
            if below > 0:
                lines.append(
                    _line(
                        DeductionKind.SCORE_BELOW, below, score_rule, ["score"],
                        f"score {value} below {score_rule.threshold}",
                    )
                )  # fmt: skip
        if contract.bonus is not None and value >= _score(contract.bonus.threshold, "bonus"):
            bonus = contract.bonus.amount
    if strict and ledger.unused:
        raise HosplogiError(
            f"settlement of {contract.id} for {period.label} could not use: "
            + "; ".join(f"{u.kind} {u.id}: {u.reason}" for u in ledger.unused)
        )
    lines.sort(key=lambda line: _KIND_ORDER[line.kind])
    base = _money(contract.monthly_fee * period.days / period.days_in_month)
    deductions = _money(sum((line.amount for line in lines), Decimal(0)))
    cap = _money(contract.deduction_cap * base)
    deducted = min(deductions, cap)
    payable = max(Decimal(0), _money(base - deducted + bonus))
    return Settlement(
        contract_id=contract.id,
        vendor=contract.vendor,
        year=year,
        month=month,
        days=period.days,
        days_in_month=period.days_in_month,
        base=base,
        lines=tuple(lines),
        deductions=deductions,
        cap=cap,
        deducted=deducted,
        bonus=bonus,
        payable=payable,
        used={k: tuple(v) for k, v in ledger.used.items()},
        unused=tuple(ledger.unused),
        unrecorded=tuple(unrecorded),
    )


# -- year end ---------------------------------------------------------------------------------


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
        out[month] = _score(value, f"{name} of {year}-{month:02d}")
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
    >>> c = Contract(id="C-LND", vendor="V-3", services=("laundry",), start=date(2026, 10, 1),
    ...     end=date(2027, 9, 30), monthly_fee=Decimal("50000"),
    ...     year_end=YearEndRule(reward_score=95, penalty_score=85,
    ...                          reward_rate=Decimal("0.02"), penalty=Decimal("5000")))
    >>> months = [settle(c, 2026, m) for m in (10, 11, 12)]
    >>> y = settle_year(c, 2026, months, scores={10: 96, 11: 95.5, 12: 94})
    >>> y.base, y.mean_score, y.grade.value, y.reward, y.net
    (Decimal('150000.00'), Decimal('95.17'), 'excellent', Decimal('3000.00'), Decimal('153000.00'))
    """
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
            f"year-end settlement of {contract.id} for {year}: no settlements given; settle the "
            f"contract's months of {year} first ({_label(year, covered)})"
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
            f"year-end settlement of {contract.id} for {year} needs at least one monthly score; "
            f"settled months: {_label(year, sorted(settled))}; give scores={{month: "
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
        return _money(sum((getattr(line, field) for line in lines), Decimal(0)))

    base, payable = total("base"), total("payable")
    grade, reasons = _grade(rule, mean_score, mean_satisfaction)
    reward = penalty_due = Decimal(0)
    if grade is YearEndGrade.EXCELLENT:
        reward = _money(rule.reward + rule.reward_rate * base)
    elif grade is YearEndGrade.FAIL:
        penalty_due = _money(rule.penalty + rule.penalty_rate * base)
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
        net=_money(payable + reward - penalty),
        renewal=renewal,
        reasons=(*reasons, *renewal_reasons),
    )


# -- tender evaluation ------------------------------------------------------------------------


class Criterion(StrEnum):
    """Qualitative tender criteria (000:85): checked on site and compared by the committee."""

    QUALIFICATION = "qualification"
    """资质"""
    SCALE = "scale"
    """规模"""
    YEARS = "years"
    """从业年限"""
    SERVICE_QUALITY = "service_quality"
    """服务质量"""
    MANAGEMENT_TEAM = "management_team"
    """管理队伍"""
    HEALTHCARE_SPECIALISM = "healthcare_specialism"
    """medical-setting experience"""


class Bid(FrozenModel):
    """One bidder's price and the committee's criterion scores (each 0–100).

    Examples
    --------
    >>> Bid(vendor="V-1", price=Decimal("3600000"), scores={"qualification": 90}).valid
    True
    """

    vendor: Identifier
    price: Money
    scores: dict[Criterion, float] = Field(default_factory=dict)
    valid: bool = True
    reason: str | None = None

    @model_validator(mode="after")
    def _check(self) -> Self:
        if self.price <= 0:
            raise ValueError(f"bid of {self.vendor}: price must be positive, got {self.price}")
        for criterion, value in self.scores.items():
            if not 0.0 <= value <= 100.0:
                raise ValueError(
                    f"bid of {self.vendor}: {criterion.value} score must be 0–100, got {value}"
                )
        if not self.valid and not (self.reason and self.reason.strip()):
            raise ValueError(
                f"bid of {self.vendor} is marked invalid without a reason; say why it was "
                "disqualified"
            )
        return self


class BidResult(FrozenModel):
    """A bid's scores and place. `rank` is None for an invalid bid.

    Examples
    --------
    >>> BidResult(vendor="V", price=Decimal(1), price_score=40.0, quality_score=50.0,
    ...           total=90.0, rank=1, shortlisted=True).total
    90.0
    """

    vendor: str
    price: Money
    price_score: float
    quality_score: float
    total: float
    rank: int | None
    shortlisted: bool
    valid: bool = True
    reason: str | None = None


def _weights(weights: Mapping[str, float]) -> tuple[float, dict[Criterion, float]]:
    accepted = ["price", *(c.value for c in Criterion)]
    price = 0.0
    criteria: dict[Criterion, float] = {}
    for key, value in weights.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise HosplogiError(f"weight of {key!r} must be a number ≥ 0, got {value!r}")
        if key == "price":
            price = float(value)
        elif key in accepted:
            criteria[Criterion(key)] = float(value)
        else:
            raise HosplogiError(f"unknown weight {key!r}; accepted keys: {', '.join(accepted)}")
    total = price + sum(criteria.values())
    if abs(total - 100.0) > 1e-6:
        raise HosplogiError(
            f"weights must add up to 100 points, got {total:g}; e.g. price 40 and the "
            "criteria 60 between them"
        )
    return price, criteria


def rank_bids(
    bids: Iterable[Bid], weights: Mapping[str, float], *, shortlist: int = 3
) -> list[BidResult]:
    """Score and rank tender bids, and shortlist the best `shortlist` providers.

    Price score = lowest valid price / bid price × price weight (the lowest valid bid gets the
    whole price weight). Quality score = Σ criterion weight × score / 100. Total = both. Ties are
    broken by lower price, then higher quality score, then vendor id. Invalid bids take no part in
    the baseline or the ranking and are listed last.

    Parameters
    ----------
    bids : iterable of Bid
    weights : Mapping[str, float]
        ``"price"`` and any :class:`Criterion` values, adding up to 100 points.
    shortlist : int
        How many providers to keep (000:85 kept 3 of 10 so that service survives one leaving).

    Returns
    -------
    list[BidResult]
        Valid bids by rank, then invalid ones.

    Raises
    ------
    HosplogiError
        If weights are unknown, negative or do not add up to 100; a bid lacks a score for a
        weighted criterion; a vendor bids twice; or fewer valid bids than `shortlist` remain.

    Examples
    --------
    >>> w = {"price": 40, "qualification": 20, "service_quality": 40}
    >>> bids = [Bid(vendor="A", price=Decimal("100"), scores={"qualification": 80,
    ...                                                        "service_quality": 70}),
    ...         Bid(vendor="B", price=Decimal("80"), scores={"qualification": 60,
    ...                                                       "service_quality": 60})]
    >>> [(r.vendor, r.price_score, r.total, r.rank) for r in rank_bids(bids, w, shortlist=2)]
    [('B', 40.0, 76.0, 1), ('A', 32.0, 76.0, 2)]
    """
    if isinstance(shortlist, bool) or not isinstance(shortlist, int) or shortlist < 1:
        raise HosplogiError(f"shortlist must be an int ≥ 1, got {shortlist!r}")
    price_weight, criteria = _weights(weights)
    bid_list = list(bids)
    vendors = [b.vendor for b in bid_list]
    repeated = sorted({v for v in vendors if vendors.count(v) > 1})
    if repeated:
        raise HosplogiError(f"one bid per vendor; repeated: {', '.join(repeated)}")
    for b in bid_list:
        missing = [c.value for c, w in criteria.items() if w > 0 and c not in b.scores]
        if missing and b.valid:
            raise HosplogiError(
                f"bid of {b.vendor} has no score for weighted criteria {', '.join(missing)}"
            )
    valid = [b for b in bid_list if b.valid]
    if len(valid) < shortlist:
        raise HosplogiError(
            f"only {len(valid)} valid bid(s) for a shortlist of {shortlist}; keep at least "
            f"{shortlist} providers (000:85) or lower shortlist"
        )
    baseline = min(b.price for b in valid)
    rows = []
    for b in valid:
        price_score = float(baseline / b.price) * price_weight
        quality = sum(w * b.scores.get(c, 0.0) / 100.0 for c, w in criteria.items())
        rows.append((b, price_score, quality, price_score + quality))
    rows.sort(key=lambda r: (-round(r[3], 9), r[0].price, -round(r[2], 9), r[0].vendor))
    out = [
        BidResult(
            vendor=b.vendor,
            price=b.price,
            price_score=ps,
            quality_score=q,
            total=t,
            rank=i + 1,
            shortlisted=i < shortlist,
        )
        for i, (b, ps, q, t) in enumerate(rows)
    ]
    out += [
        BidResult(
            vendor=b.vendor,
            price=b.price,
            price_score=0.0,
            quality_score=0.0,
            total=0.0,
            rank=None,
            shortlisted=False,
            valid=False,
            reason=b.reason,
        )
        for b in sorted(bid_list, key=lambda b: b.vendor)
        if not b.valid
    ]
    return out
