"""Pay by work (按劳计酬): RBRVS-like workload points, exact allocation, the maintenance fund.

The public names are re-exported by :mod:`hosplogi.kpi`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Literal

from pydantic import Field, model_validator

from hosplogi._checks import guarded
from hosplogi._types import (
    CENT,
    FrozenDict,
    FrozenModel,
    Identifier,
    Money,
    money_context,
    require_aware,
    require_unique,
    to_money,
)
from hosplogi.assets import LOCATION_CATEGORIES, Asset, AssetRegister
from hosplogi.errors import HosplogiError
from hosplogi.orders import Action, WorkOrder

__all__ = [
    "FundAsset",
    "MaintenanceFund",
    "RelativeValue",
    "WorkloadTable",
    "allocate",
    "fund_value",
    "maintenance_fund",
    "workload_points",
]


def _share(key: str, value: float) -> Fraction:
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal, Fraction)):
        raise HosplogiError(f"share of {key!r} must be a number, got {value!r}")
    if isinstance(value, float) and not math.isfinite(value):
        raise HosplogiError(f"share of {key!r} is {value!r}; give a finite number ≥ 0")
    if isinstance(value, Decimal) and not value.is_finite():
        raise HosplogiError(f"share of {key!r} is {value!r}; give a finite number ≥ 0")
    if value < 0:
        raise HosplogiError(f"share of {key!r} is {value!r}; shares must be zero or more")
    return Fraction(value)


@guarded
def allocate(pool: Decimal, shares: Mapping[str, float]) -> dict[str, Decimal]:
    """Split `pool` in proportion to `shares`, in whole cents that sum exactly to `pool`.

    Parameters
    ----------
    pool : Decimal
        The amount to split (a Decimal, int or decimal string; floats are refused). It is
        quantised to the cent first; a negative pool (a shared deduction) is split the same way.
    shares : mapping of str to float
        Key → share (points, weights …), each finite and ≥ 0, not all zero.

    Returns
    -------
    dict[str, Decimal]
        Key → amount in cents, in the order of `shares`. The amounts sum to the pool exactly and
        each differs from its exact proportional share by less than one cent.

    Raises
    ------
    HosplogiError
        If `pool` is a float or not a number, `shares` is empty, a share is negative, not finite
        or not a number, or every share is zero.

    Notes
    -----
    Largest-remainder (Hamilton) method on exact rational arithmetic: each key first gets the
    whole cents of its exact quota; the cents left over go one each to the largest remainders,
    ties broken by key in ascending order, so the result is deterministic.

    Examples
    --------
    >>> allocate(Decimal("100.00"), {"A": 1, "B": 1, "C": 1})
    {'A': Decimal('33.34'), 'B': Decimal('33.33'), 'C': Decimal('33.33')}
    >>> allocate(Decimal("10"), {"T01": 2.5, "T02": 7.5})
    {'T01': Decimal('2.50'), 'T02': Decimal('7.50')}
    """
    with money_context():
        amount = to_money(pool, name="pool")
        if not shares:
            raise HosplogiError("allocate needs at least one share, got none")
        require_unique((str(k) for k in shares), "share keys (as text)")
        exact = {str(k): _share(str(k), v) for k, v in shares.items()}
        total = sum(exact.values(), Fraction(0))
        if total == 0:
            raise HosplogiError(
                f"every share is zero ({', '.join(exact)}); at least one share must be positive"
            )
        cents = int(amount / CENT)
        sign = -1 if cents < 0 else 1
        cents = abs(cents)
        # Scale the exact shares to integers over a common denominator (floats are dyadic, so this
        # is a power of two): every quota is then an integer division, exact and fast.
        den = math.lcm(*(f.denominator for f in exact.values()))
        ints = {k: f.numerator * (den // f.denominator) for k, f in exact.items()}
        total_int = sum(ints.values())
        whole: dict[str, int] = {}
        rest: list[tuple[int, str]] = []
        for key, s in ints.items():
            q, r = divmod(cents * s, total_int)
            whole[key] = q
            rest.append((r, key))
        left = cents - sum(whole.values())
        rest.sort(key=lambda rk: (-rk[0], rk[1]))
        for _, key in rest[:left]:
            whole[key] += 1
        return {k: (Decimal(sign * c) * CENT).quantize(CENT) for k, c in whole.items()}


class RelativeValue(FrozenModel):
    """One line of a relative-value table: the points of a task of a trade (RBRVS-like).

    Parameters
    ----------
    trade : str
        The order's trade.
    task : str
        The task type, or ``"*"`` for any task of the trade.
    points : float
        Relative value, finite and ≥ 0.
    per : {"order", "hour"}
        Points per order, or per standard hour (the order's ``estimated_minutes`` / 60) — standard
        rather than actual time, as RBRVS values the resources a service normally takes.

    Examples
    --------
    >>> RelativeValue(trade="electrical", task="replace lamp", points=1.0).per
    'order'
    """

    trade: Identifier
    task: Identifier = "*"
    points: float = Field(ge=0, allow_inf_nan=False)
    per: Literal["order", "hour"] = "order"


class WorkloadTable(FrozenModel):
    """A relative-value table for workload points, versionable with `valid_from`.

    A task-specific line wins over the trade's ``"*"`` line; `default` covers anything else
    (``None``: an order with no line is an error naming it).

    Examples
    --------
    >>> table = WorkloadTable(values=(RelativeValue(trade="plumbing", points=2.0),
    ...                               RelativeValue(trade="plumbing", task="unblock drain",
    ...                                             points=3.0)))
    >>> table.lookup("plumbing", "unblock drain").points, table.lookup("plumbing", "tap").points
    (3.0, 2.0)
    """

    values: tuple[RelativeValue, ...]
    default: RelativeValue | None = None
    valid_from: date | None = None
    name: str = ""

    @model_validator(mode="after")
    def _unique_lines(self) -> WorkloadTable:
        require_unique((f"{v.trade}/{v.task}" for v in self.values), "relative values (trade/task)")
        return self

    def lookup(self, trade: str, task: str) -> RelativeValue:
        """Return the line for `trade` and `task`, falling back to ``"*"`` and `default`."""
        index = {(v.trade, v.task): v for v in self.values}
        found = index.get((trade, task)) or index.get((trade, "*")) or self.default
        if found is None:
            raise HosplogiError(
                f"no relative value for trade {trade!r}, task {task!r}; add a line for it, "
                f"a '*' line for the trade, or a default"
            )
        return found


def _title(order: WorkOrder) -> str:
    return order.title


@guarded
def workload_points(
    orders: Iterable[WorkOrder],
    table: WorkloadTable,
    *,
    start: datetime,
    end: datetime,
    task_of: Callable[[WorkOrder], str] | None = None,
    quality: Mapping[str, float] | None = None,
) -> dict[str, float]:
    """Return the workload points per person for the work completed in ``[start, end)``.

    Parameters
    ----------
    orders : iterable of WorkOrder
    table : WorkloadTable
    start, end : datetime
        Timezone-aware; an order counts when its last completion (完工) falls in ``[start, end)``
        and it was not sent back for rework afterwards.
    task_of : callable, optional
        Maps an order to its task type for the table; default the order's title (integrators
        usually take titles from a service catalogue).
    quality : mapping of str to float, optional
        Person → quality factor (e.g. the person's assessment score / 100), finite and ≥ 0;
        people not named get 1.

    Returns
    -------
    dict[str, float]
        Person → points, sorted by person. An order's points (relative value × volume) are split
        equally among the technicians of its last dispatch; without a dispatch, the person who
        recorded the completion gets them; with neither, the order is skipped.

    Raises
    ------
    HosplogiError
        If `start` or `end` is naive or ``end <= start``, an order has no relative value, or a
        quality factor is negative or not finite.

    References
    ----------
    .. [1] W. C. Hsiao et al., "Resource-based relative values: an overview", *JAMA* 260 (1988)
       2347–2353 (RBRVS); seed 001:457, "效率优先,兼顾公平,按劳计酬".

    Examples
    --------
    >>> from datetime import timedelta, timezone
    >>> t = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
    >>> o = (WorkOrder.report(id="WO-1", title="replace lamp", trade="electrical",
    ...                       priority="routine", reported_at=t, location="Ward 3")
    ...      .dispatch(("T01", "T02"), at=t).start(at=t).complete(at=t))
    >>> table = WorkloadTable(values=(RelativeValue(trade="electrical", points=3.0),))
    >>> workload_points([o], table, start=t, end=t + timedelta(days=1), quality={"T02": 0.9})
    {'T01': 1.5, 'T02': 1.35}
    """
    require_aware(start, "start")
    require_aware(end, "end")
    if end <= start:
        raise HosplogiError(f"end {end.isoformat()} must be after start {start.isoformat()}")
    factors = dict(quality or {})
    for person, f in factors.items():
        if isinstance(f, bool) or not isinstance(f, (int, float)) or not math.isfinite(f) or f < 0:
            raise HosplogiError(f"quality factor of {person!r} is {f!r}; give a finite number ≥ 0")
    key = task_of or _title
    cache: dict[tuple[str, str], RelativeValue] = {}
    points: dict[str, float] = {}
    for order in orders:
        done_at: datetime | None = None
        who: str | None = None
        for e in order.events:
            if e.action is Action.COMPLETE:
                done_at, who = e.at, e.by
            elif e.action is Action.REJECT:
                done_at = None
        if done_at is None or not (start <= done_at < end):
            continue
        people = order.assignees or ((who,) if who else ())
        if not people:
            continue
        task = key(order)
        rv = cache.get((order.trade, task))
        if rv is None:
            try:
                rv = cache[(order.trade, task)] = table.lookup(order.trade, task)
            except HosplogiError as err:
                raise HosplogiError(f"order {order.id}: {err}") from None
        volume = order.estimated_minutes / 60 if rv.per == "hour" else 1.0
        each = rv.points * volume / len(people)
        for p in people:
            points[p] = points.get(p, 0.0) + each
    return {p: points[p] * factors.get(p, 1.0) for p in sorted(points)}


class FundAsset(FrozenModel):
    """An item of equipment for the maintenance fund (设备台账 line).

    Parameters
    ----------
    id : str
    purchase_value : Decimal
        Original purchase value (floats refused).
    warranty_ends : date, optional
        Last day of the warranty; ``None`` means no warranty (or unknown → treated as expired).
    self_repairable : bool
        Whether the equipment, general-affairs or IT department can repair it in-house.

    Examples
    --------
    >>> FundAsset(id="AC-1", purchase_value="12000", warranty_ends=date(2025, 6, 30)).purchase_value
    Decimal('12000.00')
    """

    id: Identifier
    purchase_value: Money
    warranty_ends: date | None = None
    self_repairable: bool = True

    @model_validator(mode="after")
    def _non_negative(self) -> FundAsset:
        if self.purchase_value < 0:
            raise ValueError(f"purchase_value of {self.id} is {self.purchase_value}; give ≥ 0")
        return self

    def eligible(self, on: date) -> bool:
        """Whether the asset counts for the fund on `on`: self-repairable and out of warranty."""
        return self.self_repairable and (self.warranty_ends is None or self.warranty_ends < on)


class MaintenanceFund(FrozenModel):
    """The year-end settlement of a maintenance fund (seed 000:247).

    Attributes
    ----------
    eligible_value : Decimal
        Purchase value of the self-repairable, out-of-warranty equipment.
    rate : Decimal
    fund : Decimal
        ``eligible_value × rate``.
    spent : Decimal
    surplus, overrun : Decimal
        ``max(fund − spent, 0)`` and ``max(spent − fund, 0)``.
    bonus_pool : Decimal
        ``surplus × bonus_share`` (50 %).
    deduction_pool : Decimal
        ``overrun × deduction_share`` (50 %).
    bonuses, deductions : dict[str, Decimal]
        The pools split among the people, to the cent (deductions as positive amounts).
    assets : tuple[str, ...]
        Ids of the eligible assets.
    """

    eligible_value: Money
    rate: Decimal
    fund: Money
    spent: Money
    surplus: Money
    overrun: Money
    bonus_pool: Money
    deduction_pool: Money
    bonuses: FrozenDict[str, Money]
    deductions: FrozenDict[str, Money]
    assets: tuple[str, ...]


def _fraction(value: Decimal | str | int, name: str, lo: Decimal, hi: Decimal) -> Decimal:
    if isinstance(value, (bool, float)) or not isinstance(value, (Decimal, str, int)):
        raise HosplogiError(
            f"{name} must be a Decimal or decimal string, got {type(value).__name__} {value!r}"
        )
    try:
        d = Decimal(value)
    except ArithmeticError:
        raise HosplogiError(f"{name} must be a decimal number, got {value!r}") from None
    if not d.is_finite() or not lo <= d <= hi:
        raise HosplogiError(f"{name} is {value}; accepted: {lo} to {hi}")
    return d


@guarded
def fund_value(asset: FundAsset | Asset, on: date) -> Decimal | None:
    """The purchase value `asset` brings to the maintenance fund on `on`, or None if none.

    A :class:`FundAsset` counts when :meth:`FundAsset.eligible`. A register
    :class:`~hosplogi.assets.Asset` counts when it is equipment (not a site, building, floor or
    room), in service on `on` and :meth:`~hosplogi.assets.Asset.fund_eligible` (self-repairable,
    out of warranty); such an asset must have a `purchase_value`.

    Raises
    ------
    HosplogiError
        If an eligible register asset has no purchase value, or `asset` is neither type.

    Examples
    --------
    >>> lift = Asset(id="LIFT-3", name="Ward lift 3", category="lift",
    ...              purchase_value="600000", warranty_until=date(2025, 6, 30))
    >>> fund_value(lift, date(2026, 1, 1)), fund_value(lift, date(2025, 1, 1))
    (Decimal('600000.00'), None)
    """
    if isinstance(asset, FundAsset):
        return asset.purchase_value if asset.eligible(on) else None
    if not isinstance(asset, Asset):
        raise HosplogiError(
            f"assets must be FundAsset or hosplogi.assets.Asset records, got {type(asset).__name__}"
        )
    if asset.category in LOCATION_CATEGORIES or not asset.in_service(on):
        return None
    if not asset.fund_eligible(on):
        return None
    if asset.purchase_value is None:
        raise HosplogiError(
            f"asset {asset.id} is self-repairable and out of warranty on {on} but has no "
            "purchase_value; give its purchase value (or self_repairable=False) to settle the fund"
        )
    return asset.purchase_value


@guarded
def maintenance_fund(
    assets: Iterable[FundAsset | Asset] | AssetRegister,
    *,
    on: date,
    spent: Decimal,
    people: Sequence[str],
    rate: Decimal = Decimal("0.04"),
    shares: Mapping[str, float] | None = None,
    bonus_share: Decimal = Decimal("0.5"),
    deduction_share: Decimal = Decimal("0.5"),
) -> MaintenanceFund:
    """Settle a year's equipment-maintenance fund (维修基金) by the rule of seed 000:247.

    The fund is 3–5 % of the purchase value of equipment the equipment, general-affairs and IT
    departments can repair themselves and that is out of warranty. At year end half of a surplus
    becomes a bonus pool for the people concerned; half of an overrun is shared equally by the
    engineers, repair workers and department managers named, deducted from their year-end bonus.

    Parameters
    ----------
    assets : iterable of FundAsset or Asset, or an AssetRegister
        Fund lines, or the equipment register's assets (设备台账): equipment in service on `on`,
        self-repairable and out of warranty counts at its `purchase_value` (see
        :func:`fund_value`); sites, buildings, floors and rooms do not count.
    on : date
        The day eligibility is judged (usually the first day of the fund year).
    spent : Decimal
        The year's repair spending charged to the fund (floats refused).
    people : sequence of str
        Everyone who shares a bonus or an overrun; unique, at least one.
    rate : Decimal
        Fund rate, 0.03 to 0.05 (the seed's 3–5 %).
    shares : mapping, optional
        How to split the bonus pool (e.g. workload points); default equal among `people`.
        Keys must be among `people`. The overrun is always shared equally, as the seed says.
    bonus_share, deduction_share : Decimal
        The 50 % of the seed, adjustable from 0 to 1.

    Returns
    -------
    MaintenanceFund

    Raises
    ------
    HosplogiError
        If `rate` is outside 3–5 %, money is given as float or negative, `people` is empty or
        repeats a name, `shares` names someone not in `people`, or an eligible register asset
        has no purchase value.

    Examples
    --------
    >>> assets = [FundAsset(id="CT-chiller", purchase_value="800000"),
    ...           FundAsset(id="new-lift", purchase_value="600000",
    ...                     warranty_ends=date(2027, 12, 31))]
    >>> f = maintenance_fund(assets, on=date(2026, 1, 1), spent=Decimal("26000"),
    ...                      people=["E1", "E2", "M1"])
    >>> f.fund, f.surplus, f.bonus_pool, f.bonuses["E1"]
    (Decimal('32000.00'), Decimal('6000.00'), Decimal('3000.00'), Decimal('1000.00'))
    >>> f = maintenance_fund(assets, on=date(2026, 1, 1), spent=Decimal("33000"),
    ...                      people=["E1", "E2", "M1"])
    >>> f.overrun, f.deduction_pool, f.deductions
    (Decimal('1000.00'), Decimal('500.00'), {'E1': Decimal('166.67'), 'E2': Decimal('166.67'), \
'M1': Decimal('166.66')})

    The register's assets count the same way (the building is not equipment):

    >>> register = AssetRegister([Asset(id="B1", name="Ward block", category="building"),
    ...     Asset(id="CH-1", name="Chiller 1", category="chiller", parent="B1",
    ...           purchase_value="800000")])
    >>> f = maintenance_fund(register, on=date(2026, 1, 1), spent=Decimal("26000"),
    ...                      people=["E1", "E2", "M1"])
    >>> f.assets, f.fund
    (('CH-1',), Decimal('32000.00'))
    """
    with money_context():
        r = _fraction(rate, "rate", Decimal("0.03"), Decimal("0.05"))
        b = _fraction(bonus_share, "bonus_share", Decimal(0), Decimal(1))
        d = _fraction(deduction_share, "deduction_share", Decimal(0), Decimal(1))
        cost = to_money(spent, name="spent")
        if cost < 0:
            raise HosplogiError(f"spent is {cost}; give zero or more")
        names = [str(p) for p in people]
        if not names:
            raise HosplogiError("people is empty; name everyone who shares the bonus or overrun")
        require_unique(names, "people")
        if shares is not None:
            strangers = sorted(set(shares) - set(names))
            if strangers:
                raise HosplogiError(
                    f"shares name {', '.join(strangers)}, who are not among people "
                    f"({', '.join(names)})"
                )
        lines = assets.assets if isinstance(assets, AssetRegister) else assets
        counted = [(a.id, v) for a in lines if (v := fund_value(a, on)) is not None]
        value = sum((v for _, v in counted), Decimal(0))
        fund = (value * r).quantize(CENT, rounding=ROUND_HALF_UP)
        surplus = max(fund - cost, Decimal(0))
        overrun = max(cost - fund, Decimal(0))
        bonus_pool = (surplus * b).quantize(CENT, rounding=ROUND_HALF_UP)
        deduction_pool = (overrun * d).quantize(CENT, rounding=ROUND_HALF_UP)
        equal = dict.fromkeys(names, 1)
        bonus_split: Mapping[str, float] = equal
        if shares is not None:
            bonus_split = {p: shares.get(p, 0.0) for p in names}
        bonuses = (
            allocate(bonus_pool, bonus_split) if bonus_pool else dict.fromkeys(names, CENT * 0)
        )
        deductions = (
            allocate(deduction_pool, equal) if deduction_pool else dict.fromkeys(names, CENT * 0)
        )
        return MaintenanceFund(
            eligible_value=value,
            rate=r,
            fund=fund,
            spent=cost,
            surplus=surplus,
            overrun=overrun,
            bonus_pool=bonus_pool,
            deduction_pool=deduction_pool,
            bonuses=bonuses,
            deductions=deductions,
            assets=tuple(i for i, _ in counted),
        )
