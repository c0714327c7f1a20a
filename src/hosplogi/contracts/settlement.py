"""Monthly settlement of a contract: base fee, deductions with evidence, cap, bonus, payable.

The public names are re-exported by :mod:`hosplogi.contracts`.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from pydantic import Field

from hosplogi import recurrence
from hosplogi._checks import guarded
from hosplogi._types import FrozenDict, FrozenModel, Money, money_context
from hosplogi.contracts.models import (
    Complaint,
    Contract,
    DeductionKind,
    DeductionRule,
    EvidenceKind,
    HeadcountRecord,
    money,
    score_value,
)
from hosplogi.errors import HosplogiError
from hosplogi.inspections import Inspection
from hosplogi.orders import Priority, Status, WorkOrder
from hosplogi.sla import evaluate_many

__all__ = ["Settlement", "SettlementLine", "UnusedEvidence", "settle"]

_KIND_ORDER = {k: i for i, k in enumerate(DeductionKind)}


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
    used: FrozenDict[EvidenceKind, tuple[str, ...]] = Field(default_factory=FrozenDict)
    unused: tuple[UnusedEvidence, ...] = ()
    unrecorded: tuple[str, ...] = ()

    @property
    def capped(self) -> bool:
        """Whether the cap reduced the deductions."""
        return self.deductions > self.cap


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
        amount=money(quantity * rule.amount),
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


@guarded
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
    with money_context():
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
            value = score_value(score, "score")
            if score_rule is None and contract.bonus is None:
                ledger.skip(
                    "score", "score", f"contract {contract.id} has no score_below or bonus rule"
                )
            else:
                ledger.use("score", "score")
            if score_rule is not None and score_rule.threshold is not None:
                below = score_value(score_rule.threshold, "threshold") - value
                if below > 0:
                    lines.append(
                        _line(
                            DeductionKind.SCORE_BELOW, below, score_rule, ["score"],
                            f"score {value} below {score_rule.threshold}",
                        )
                    )  # fmt: skip
            if contract.bonus is not None and value >= score_value(
                contract.bonus.threshold, "bonus"
            ):
                bonus = contract.bonus.amount
        if strict and ledger.unused:
            raise HosplogiError(
                f"settlement of {contract.id} for {period.label} could not use: "
                + "; ".join(f"{u.kind} {u.id}: {u.reason}" for u in ledger.unused)
            )
        lines.sort(key=lambda line: _KIND_ORDER[line.kind])
        base = money(contract.monthly_fee * period.days / period.days_in_month)
        deductions = money(sum((line.amount for line in lines), Decimal(0)))
        cap = money(contract.deduction_cap * base)
        deducted = min(deductions, cap)
        payable = max(Decimal(0), money(base - deducted + bonus))
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
