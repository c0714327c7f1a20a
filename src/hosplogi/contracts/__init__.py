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

from hosplogi.contracts.models import (
    BonusRule,
    Complaint,
    Contract,
    DeductionKind,
    DeductionRule,
    EvidenceKind,
    HeadcountRecord,
    Renewal,
    ServiceItem,
    Vendor,
    YearEndGrade,
    YearEndRule,
)
from hosplogi.contracts.settlement import Settlement, SettlementLine, UnusedEvidence, settle
from hosplogi.contracts.tender import Bid, BidResult, Criterion, rank_bids
from hosplogi.contracts.year_end import YearEndMonth, YearEndSettlement, settle_year

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
