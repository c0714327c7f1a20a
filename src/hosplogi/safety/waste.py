"""Medical waste (医疗废物): the chain of custody of each load, audited from its handover log.

The seeds ask for the lawful classification, collection, transport, treatment and disposal of
medical waste (004:153). China's rules (医疗废物管理条例, not in the seeds) name five classes,
ask for a register of source, class, weight and handover time signed by the party handing over
and the party receiving, limit temporary storage to two days, and require a transfer manifest
(转移联单) for every load leaving the hospital.

A load is a *batch*: its :class:`Handover` records are its log, like a work order's events.

* **Refused outright** (a :class:`~hosplogi.errors.HosplogiError` naming the batch and the
  handover), because the log cannot be read as a chain: a handover id used twice, a batch whose
  waste class changes, a batch without exactly one COLLECTED hop, a batch disposed of twice, hops
  of one batch naming different producing departments, a handover later than ``now``. Naive
  times, negative weights, unknown classes or stages and a party handing over to itself are
  refused by the :class:`Handover` model itself.
* **Reported as a finding** (:class:`WasteFinding`), because the record is readable and the
  breach is what an inspector must see: a missing signature, weight lost or gained between hops
  beyond a tolerance, storage past the limit, a load leaving without a manifest, hop times that
  disagree with the stage order, and custody that does not pass from one hop's receiver to the
  next hop's giver.

The hops of a batch are read in stage order (COLLECTED, STORED, DISPATCHED, DISPOSED) and, within
a stage, by time, so the order in which records arrive does not matter.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Annotated, Any, Literal, Self

from pydantic import BeforeValidator, Field, model_validator

from hosplogi._checks import guarded
from hosplogi._types import (
    FrozenModel,
    Identifier,
    Instant,
    brief,
    money_context,
    require_aware,
    require_non_negative,
    to_decimal,
)
from hosplogi.errors import HosplogiError

__all__ = [
    "WEIGHT_LIMIT",
    "Handover",
    "Stage",
    "WasteClass",
    "WasteFinding",
    "WasteFindingKind",
    "WasteTotal",
    "audit_waste",
    "to_weight",
    "waste_totals",
]

GRAM = Decimal("0.001")
WEIGHT_LIMIT = Decimal("1E6")
"""Weights must lie below 10⁶ kg (a thousand tonnes): far above any one load."""


class WasteClass(StrEnum):
    """The five classes of medical waste (医疗废物分类目录)."""

    INFECTIOUS = "infectious"
    PATHOLOGICAL = "pathological"
    SHARPS = "sharps"
    PHARMACEUTICAL = "pharmaceutical"
    CHEMICAL = "chemical"

    @property
    def zh(self) -> str:
        """The Chinese name, e.g. ``WasteClass.SHARPS.zh == '损伤性'``."""
        return _CLASS_ZH[self]


_CLASS_ZH = {
    WasteClass.INFECTIOUS: "感染性",
    WasteClass.PATHOLOGICAL: "病理性",
    WasteClass.SHARPS: "损伤性",
    WasteClass.PHARMACEUTICAL: "药物性",
    WasteClass.CHEMICAL: "化学性",
}


class Stage(StrEnum):
    """Where a hop takes the load, in the order of the chain."""

    COLLECTED = "collected"
    """Collected from the producing department (收集)."""
    STORED = "stored"
    """Taken into temporary storage (暂存); at most 48 hours by default."""
    DISPATCHED = "dispatched"
    """Handed to the licensed carrier and leaving the hospital (转运); needs a manifest."""
    DISPOSED = "disposed"
    """Received for treatment and disposal (处置); needs a manifest."""


_RANK = {stage: rank for rank, stage in enumerate(Stage)}
_LEAVING = frozenset({Stage.DISPATCHED, Stage.DISPOSED})


@guarded
def to_weight(value: Any, *, name: str = "weight_kg") -> Decimal:
    """Return `value` as a Decimal number of kilograms, rounded half up to the gram.

    Floats are refused (most weights have no exact float), as are negative, non-finite and
    unparseable values and weights of :data:`WEIGHT_LIMIT` kg or more. The result does not
    depend on the caller's decimal context.

    Examples
    --------
    >>> to_weight("12.3456")
    Decimal('12.346')
    >>> to_weight(-1)
    Traceback (most recent call last):
    ...
    hosplogi.errors.HosplogiError: weight_kg must be zero or more, got -1
    """
    weight = to_decimal(value, name=name, unit=" of kilograms")
    with money_context():
        if weight < 0:
            raise HosplogiError(f"{name} must be zero or more, got {brief(value)}")
        if weight >= WEIGHT_LIMIT:
            raise HosplogiError(
                f"{name} {brief(value)} is out of range; weights must lie below "
                f"{WEIGHT_LIMIT:,.0f} kg"
            )
        return weight.quantize(GRAM, rounding=ROUND_HALF_UP)


def _weight_before(value: Any) -> Decimal:
    return to_weight(value)


Weight = Annotated[Decimal, BeforeValidator(_weight_before)]


class Handover(FrozenModel):
    """One hop of a load of medical waste from one party to another, signed by both.

    Parameters
    ----------
    id : str
        Unique over all handovers audited together.
    at : datetime
        Timezone-aware.
    from_party, to_party : str
        Who hands the load over and who receives it (a department, a porter, the store, the
        licensed carrier, the disposal plant); they must differ.
    stage : Stage
        Where this hop takes the load.
    waste_class : WasteClass
    weight_kg : Decimal
        Weighed at this hop, kilograms, zero or more, rounded to the gram; floats are refused.
    containers : int
        Bags, boxes or sharps containers in the load, at least 1.
    signatures : tuple[str, ...]
        The parties who signed; both `from_party` and `to_party` must be among them, else
        :func:`audit_waste` reports a finding.
    manifest : str, optional
        The transfer manifest number (转移联单), required from DISPATCHED on.
    batch : str
        Ties the hops of one load together.
    department : str, optional
        The producing department; defaults to the COLLECTED hop's `from_party`.

    Examples
    --------
    >>> from datetime import datetime, timezone
    >>> h = Handover(id="H1", at=datetime(2026, 3, 2, 8, tzinfo=timezone.utc), batch="B1",
    ...     from_party="Ward 3", to_party="Porter Li", stage=Stage.COLLECTED,
    ...     waste_class=WasteClass.SHARPS, weight_kg="4.2", containers=2,
    ...     signatures=("Ward 3", "Porter Li"))
    >>> h.weight_kg, h.waste_class.zh
    (Decimal('4.200'), '损伤性')
    """

    id: Identifier
    at: Instant
    from_party: Identifier
    to_party: Identifier
    stage: Stage
    waste_class: WasteClass
    weight_kg: Weight
    containers: int = Field(default=1, ge=1, strict=True)
    signatures: tuple[Identifier, ...] = ()
    manifest: Identifier | None = None
    batch: Identifier
    department: Identifier | None = None

    @model_validator(mode="after")
    def _parties_differ(self) -> Self:
        if self.from_party == self.to_party:
            raise ValueError(
                f"handover {self.id}: from_party and to_party are both {self.from_party!r}; a "
                "handover passes the load from one party to another"
            )
        return self

    @property
    def unsigned_by(self) -> tuple[str, ...]:
        """The parties (from, to) whose signature is missing."""
        signed = set(self.signatures)
        return tuple(p for p in (self.from_party, self.to_party) if p not in signed)


class WasteFindingKind(StrEnum):
    """What an audit of the chain of custody found wrong."""

    MISSING_SIGNATURE = "missing_signature"
    """A party handing over or receiving did not sign."""
    WEIGHT_CHANGE = "weight_change"
    """The weight differs from the previous hop's by more than the tolerance."""
    STORAGE_OVERDUE = "storage_overdue"
    """The load stayed in temporary storage longer than the limit."""
    MISSING_MANIFEST = "missing_manifest"
    """A hop from DISPATCHED on has no transfer manifest (转移联单)."""
    OUT_OF_ORDER = "out_of_order"
    """A hop is timed earlier than the hop before it in the stage order."""
    CUSTODY_BREAK = "custody_break"
    """A hop's giver is not the previous hop's receiver."""


class WasteFinding(FrozenModel):
    """One breach in a batch's chain of custody, naming the handover where it shows.

    Examples
    --------
    >>> WasteFinding(batch="B1", handover_id="H2", kind=WasteFindingKind.MISSING_SIGNATURE,
    ...     message="...").kind.value
    'missing_signature'
    """

    batch: Identifier
    handover_id: Identifier
    kind: WasteFindingKind
    message: str


class WasteTotal(FrozenModel):
    """Collected weight of one group and class over a period.

    Examples
    --------
    >>> WasteTotal(key="Ward 3", waste_class=WasteClass.SHARPS, weight_kg=Decimal("4.2"),
    ...            batches=1, containers=2).weight_kg
    Decimal('4.2')
    """

    key: str
    waste_class: WasteClass
    weight_kg: Decimal = Field(ge=0)
    batches: int = Field(ge=0, strict=True)
    containers: int = Field(default=0, ge=0, strict=True)


def _chains(handovers: Iterable[Handover]) -> dict[str, list[Handover]]:
    """Group `handovers` by batch and check each batch's log; batches sorted by id.

    Each chain is in stage order and, within a stage, by time then id. Linear grouping plus a
    sort within each batch: O(n log n) for n handovers.
    """
    batches: dict[str, list[Handover]] = {}
    seen: set[str] = set()
    for h in handovers:
        if not isinstance(h, Handover):
            raise HosplogiError(f"expected Handover records, got {type(h).__name__} {brief(h)}")
        if h.id in seen:
            raise HosplogiError(
                f"handover id {h.id!r} (batch {h.batch}) is used more than once; each record "
                "needs its own id"
            )
        seen.add(h.id)
        batches.setdefault(h.batch, []).append(h)
    chains = {}
    for batch in sorted(batches):
        chain = sorted(batches[batch], key=lambda h: (_RANK[h.stage], h.at, h.id))
        _check_chain(batch, chain)
        chains[batch] = chain
    return chains


def _check_chain(batch: str, chain: list[Handover]) -> None:
    first = chain[0]
    if first.stage is not Stage.COLLECTED:
        raise HosplogiError(
            f"batch {batch}: no COLLECTED hop (first is {first.id}, {first.stage.name}); a "
            "batch's log starts where the producing department hands the load over"
        )
    counts = dict.fromkeys(Stage, 0)
    department = _department(chain)
    for h in chain:
        counts[h.stage] += 1
        if h.waste_class is not first.waste_class:
            raise HosplogiError(
                f"batch {batch}: handover {h.id} records {h.waste_class.name} but the batch was "
                f"collected as {first.waste_class.name}; classes are never mixed in one load"
            )
        if h.department is not None and h.department != department:
            raise HosplogiError(
                f"batch {batch}: handover {h.id} names department {h.department!r} but the "
                f"batch was produced by {department!r}"
            )
    for stage in (Stage.COLLECTED, Stage.DISPOSED):
        if counts[stage] > 1:
            ids = ", ".join(h.id for h in chain if h.stage is stage)
            raise HosplogiError(
                f"batch {batch}: {counts[stage]} {stage.name} hops ({ids}); a load is "
                f"{stage.value} once"
            )


def _department(chain: list[Handover]) -> str:
    collected = chain[0]
    return collected.department or collected.from_party


def _kg(weight: Decimal) -> str:
    return f"{weight:f} kg"


def _chain_findings(
    batch: str, chain: list[Handover], now: datetime, storage_limit: timedelta, tolerance: Decimal
) -> list[WasteFinding]:
    found: list[tuple[Handover, WasteFindingKind, str]] = []
    for n, h in enumerate(chain):
        if h.unsigned_by:
            why = f"is not signed by {' and '.join(h.unsigned_by)}"
            found.append((h, WasteFindingKind.MISSING_SIGNATURE, why))
        if h.stage in _LEAVING and h.manifest is None:
            found.append(
                (h, WasteFindingKind.MISSING_MANIFEST, "has no transfer manifest (转移联单)")
            )
        if n:
            found += _hop_findings(chain[n - 1], h, tolerance)
    stored = next((h for h in chain if h.stage is Stage.STORED), None)
    if stored is not None:
        after = next((h for h in chain if _RANK[h.stage] > _RANK[Stage.STORED]), None)
        until, why = (now, "still stored at now") if after is None else (after.at, f"to {after.id}")
        if until - stored.at > storage_limit:
            why = f"was stored for {until - stored.at} ({why}), over the limit of {storage_limit}"
            found.append((stored, WasteFindingKind.STORAGE_OVERDUE, why))
    position = {h.id: n for n, h in enumerate(chain)}
    found.sort(key=lambda f: position[f[0].id])  # stable: along the chain, kinds as found
    return [
        WasteFinding(
            batch=batch,
            handover_id=h.id,
            kind=kind,
            message=f"batch {batch}: handover {h.id} ({h.stage.value}) at {h.at.isoformat()} {why}",
        )
        for h, kind, why in found
    ]


def _hop_findings(
    previous: Handover, h: Handover, tolerance: Decimal
) -> list[tuple[Handover, WasteFindingKind, str]]:
    """The breaches between two consecutive hops of a chain, named on the later one."""
    found = []
    if h.at < previous.at:
        why = f"is earlier than {previous.id} ({previous.stage.value}) at {previous.at.isoformat()}"
        found.append((h, WasteFindingKind.OUT_OF_ORDER, why))
    if h.from_party != previous.to_party:
        why = f"is given by {h.from_party!r}, but {previous.id} left the load with "
        why += repr(previous.to_party)
        found.append((h, WasteFindingKind.CUSTODY_BREAK, why))
    change = h.weight_kg - previous.weight_kg
    if abs(change) > tolerance:
        why = (
            f"weighs {_kg(h.weight_kg)}, {'gained' if change > 0 else 'lost'} {_kg(abs(change))} "
            f"since {previous.id} ({_kg(previous.weight_kg)}); tolerance {_kg(tolerance)}"
        )
        found.append((h, WasteFindingKind.WEIGHT_CHANGE, why))
    return found


@guarded
def audit_waste(
    handovers: Iterable[Handover],
    *,
    now: datetime,
    storage_limit: timedelta = timedelta(hours=48),
    tolerance: Decimal | int | str = Decimal("0.5"),
) -> list[WasteFinding]:
    """Audit the chain of custody of every batch in `handovers`.

    Each batch's hops are read in stage order (and by time within a stage). Findings, each naming
    the batch and the handover where the breach shows:

    * ``MISSING_SIGNATURE``: `from_party` or `to_party` is not among the hop's signatures;
    * ``WEIGHT_CHANGE``: the weight differs from the previous hop's by more than `tolerance` kg
      (either way: waste lost, or waste added to a load already signed for);
    * ``STORAGE_OVERDUE``: from the first STORED hop to the next hop after storage (or `now`
      while the load is still stored) took longer than `storage_limit`; named on that STORED hop;
    * ``MISSING_MANIFEST``: a DISPATCHED or DISPOSED hop without a manifest number;
    * ``OUT_OF_ORDER``: a hop timed earlier than the hop before it in stage order;
    * ``CUSTODY_BREAK``: a hop's `from_party` is not the previous hop's `to_party`.

    Parameters
    ----------
    handovers : iterable of Handover
        Complete batches, in any order (a batch must include its COLLECTED hop).
    now : datetime
        Timezone-aware; never read from the clock. No handover may be later.
    storage_limit : timedelta
        Temporary storage allowed, default 48 hours (two days under China's rules).
    tolerance : Decimal
        Weight difference between consecutive hops allowed, kilograms (default 0.5).

    Returns
    -------
    list[WasteFinding]
        By batch id, then along each batch's chain; empty for a clean log.

    Raises
    ------
    HosplogiError
        For a log that cannot be read as chains: a duplicate handover id, a class changing within a
        batch, a batch without exactly one COLLECTED hop or with two DISPOSED hops, conflicting
        departments, a handover later than `now`; or a bad `now`, `storage_limit` or `tolerance`.

    Notes
    -----
    O(n log n) time and O(n) memory for n handovers: one pass groups them by batch, a sort orders
    each batch, one pass along each chain finds the breaches.

    Examples
    --------
    >>> from datetime import datetime, timedelta, timezone
    >>> t0 = datetime(2026, 3, 2, 8, tzinfo=timezone.utc)
    >>> def hop(i, stage, giver, taker, kg, hours, **kw):
    ...     return Handover(id=f"H{i}", batch="B1", stage=stage, from_party=giver,
    ...         to_party=taker, weight_kg=kg, at=t0 + timedelta(hours=hours),
    ...         waste_class=WasteClass.INFECTIOUS, signatures=kw.pop("signed", (giver, taker)),
    ...         **kw)
    >>> log = [hop(1, Stage.COLLECTED, "Ward 3", "Porter", "10.0", 0),
    ...        hop(2, Stage.STORED, "Porter", "Store", "9.9", 1, signed=("Porter",)),
    ...        hop(3, Stage.DISPATCHED, "Store", "Carrier", "8.8", 20, manifest="ZJ-001")]
    >>> for f in audit_waste(log, now=t0 + timedelta(days=1)):
    ...     print(f.kind.value, f.handover_id)
    missing_signature H2
    weight_change H3
    """
    require_aware(now, "now")
    require_non_negative(storage_limit, "storage_limit")
    allowed = to_weight(tolerance, name="tolerance")
    chains = _chains(handovers)
    out: list[WasteFinding] = []
    with money_context():
        for batch, chain in chains.items():
            last = max(chain, key=lambda h: h.at)
            if last.at > now:
                raise HosplogiError(
                    f"batch {batch}: handover {last.id} at {last.at.isoformat()} is later than "
                    f"now ({now.isoformat()}); audit at a later now or leave it out"
                )
            out += _chain_findings(batch, chain, now, storage_limit, allowed)
    return out


_BY = ("department", "day", "all")


@guarded
def waste_totals(
    handovers: Iterable[Handover],
    *,
    start: datetime,
    end: datetime,
    by: Literal["department", "day", "all"] = "department",
) -> list[WasteTotal]:
    """Collected weight per group and class for the batches collected in ``[start, end)``.

    Each batch counts once, at its COLLECTED hop's weight, containers and time, so the totals
    conserve what the departments handed over whatever happened later in the chain (that is
    :func:`audit_waste`'s business).

    Parameters
    ----------
    handovers : iterable of Handover
        Complete batches, checked as by :func:`audit_waste` (the same logs are refused).
    start, end : datetime
        Timezone-aware; `end` must not be before `start`.
    by : {"department", "day", "all"}
        Group by the producing department, by the ISO date of collection (in the offset the time
        was recorded in), or one group ``"all"``.

    Returns
    -------
    list[WasteTotal]
        Sorted by key, then in class order.

    Raises
    ------
    HosplogiError
        For an unknown `by`, bad bounds, or a log :func:`audit_waste` refuses.

    Notes
    -----
    O(n log n) for n handovers (the batch check), then linear.

    Examples
    --------
    >>> from datetime import datetime, timedelta, timezone
    >>> t0 = datetime(2026, 3, 2, 8, tzinfo=timezone.utc)
    >>> log = [Handover(id=f"H{i}", batch=f"B{i}", stage=Stage.COLLECTED, from_party=ward,
    ...     to_party="Porter", weight_kg=kg, at=t0, waste_class=WasteClass.INFECTIOUS)
    ...     for i, (ward, kg) in enumerate([("ICU", "3.5"), ("ICU", "2.25"), ("Ward 3", "1")])]
    >>> [(t.key, t.weight_kg, t.batches)
    ...  for t in waste_totals(log, start=t0, end=t0 + timedelta(days=1))]
    [('ICU', Decimal('5.750'), 2), ('Ward 3', Decimal('1.000'), 1)]
    """
    require_aware(start, "start")
    require_aware(end, "end")
    if end < start:
        raise HosplogiError(
            f"end {end.isoformat()} is before start {start.isoformat()}; give start <= end"
        )
    if by not in _BY:
        raise HosplogiError(f"by must be one of {', '.join(map(repr, _BY))}, got {brief(by)}")
    weights: dict[tuple[str, WasteClass], Decimal] = {}
    batches: dict[tuple[str, WasteClass], int] = {}
    containers: dict[tuple[str, WasteClass], int] = {}
    with money_context():
        for chain in _chains(handovers).values():
            collected = chain[0]
            if not start <= collected.at < end:
                continue
            group = (_group_key(by, chain), collected.waste_class)
            weights[group] = weights.get(group, Decimal(0)) + collected.weight_kg
            batches[group] = batches.get(group, 0) + 1
            containers[group] = containers.get(group, 0) + collected.containers
    ranks = {c: i for i, c in enumerate(WasteClass)}
    return [
        WasteTotal(
            key=key,
            waste_class=cls,
            weight_kg=weights[key, cls],
            batches=batches[key, cls],
            containers=containers[key, cls],
        )
        for key, cls in sorted(weights, key=lambda g: (g[0], ranks[g[1]]))
    ]


def _group_key(by: str, chain: list[Handover]) -> str:
    if by == "department":
        return _department(chain)
    if by == "day":
        day: date = chain[0].at.date()
        return day.isoformat()
    return "all"
