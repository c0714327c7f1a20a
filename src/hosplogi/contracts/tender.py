"""Tender evaluation (招标): price score plus weighted qualitative criteria, and a shortlist.

The public names are re-exported by :mod:`hosplogi.contracts`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Self

from pydantic import Field, model_validator

from hosplogi._checks import checked
from hosplogi._types import (
    Finite,
    FrozenDict,
    FrozenModel,
    Identifier,
    Money,
    money_context,
    require_unique,
)
from hosplogi.errors import HosplogiError

__all__ = ["Bid", "BidResult", "Criterion", "rank_bids"]


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
    >>> from decimal import Decimal
    >>> Bid(vendor="V-1", price=Decimal("3600000"), scores={"qualification": 90}).valid
    True
    """

    vendor: Identifier
    price: Money
    scores: FrozenDict[Criterion, Finite] = Field(default_factory=FrozenDict)
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
    >>> from decimal import Decimal
    >>> BidResult(vendor="V", price=Decimal(1), price_score=40.0, quality_score=50.0,
    ...           total=90.0, rank=1, shortlisted=True).total
    90.0
    """

    vendor: str
    price: Money
    price_score: Finite
    quality_score: Finite
    total: Finite
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


@checked
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
    >>> from decimal import Decimal
    >>> w = {"price": 40, "qualification": 20, "service_quality": 40}
    >>> bids = [Bid(vendor="A", price=Decimal("100"), scores={"qualification": 80,
    ...                                                        "service_quality": 70}),
    ...         Bid(vendor="B", price=Decimal("80"), scores={"qualification": 60,
    ...                                                       "service_quality": 60})]
    >>> [(r.vendor, r.price_score, r.total, r.rank) for r in rank_bids(bids, w, shortlist=2)]
    [('B', 40.0, 76.0, 1), ('A', 32.0, 76.0, 2)]
    """
    with money_context():
        if isinstance(shortlist, bool) or not isinstance(shortlist, int) or shortlist < 1:
            raise HosplogiError(f"shortlist must be an int ≥ 1, got {shortlist!r}")
        price_weight, criteria = _weights(weights)
        bid_list = list(bids)
        require_unique((b.vendor for b in bid_list), "bidding vendors (one bid per vendor)")
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
