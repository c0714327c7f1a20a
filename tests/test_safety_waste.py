"""Tests for hosplogi.safety.waste: the medical-waste chain of custody (004:153)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from decimal import Decimal, localcontext
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from hosplogi import (
    Handover,
    HosplogiError,
    Stage,
    WasteClass,
    WasteFindingKind,
    audit_waste,
    waste_totals,
)
from hosplogi.safety.waste import to_weight

SH = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 3, 2, 8, 0, tzinfo=SH)
H = timedelta(hours=1)


def hop(
    hid: str,
    stage: Stage,
    giver: str,
    taker: str,
    kg: str,
    at: datetime,
    *,
    batch: str = "B1",
    signed: tuple[str, ...] | None = None,
    manifest: str | None = None,
    waste_class: WasteClass = WasteClass.INFECTIOUS,
    **kw: object,
) -> Handover:
    return Handover(
        id=hid,
        batch=batch,
        stage=stage,
        from_party=giver,
        to_party=taker,
        weight_kg=Decimal(kg),
        at=at,
        waste_class=waste_class,
        signatures=(giver, taker) if signed is None else signed,
        manifest=manifest,
        **kw,  # type: ignore[arg-type]
    )


def clean_chain(batch: str = "B1", start: datetime = T0) -> list[Handover]:
    """Ward 3 → porter → store → carrier → plant, signed, weighed within 0.5 kg, on time."""
    return [
        hop(f"{batch}-1", Stage.COLLECTED, "Ward 3", "Porter Li", "12.40", start, batch=batch),
        hop(f"{batch}-2", Stage.STORED, "Porter Li", "Store", "12.35", start + H, batch=batch),
        hop(f"{batch}-3", Stage.DISPATCHED, "Store", "GreenCarrier", "12.30", start + 30 * H,
            batch=batch, manifest="ZJ-2026-0301"),
        hop(f"{batch}-4", Stage.DISPOSED, "GreenCarrier", "Plant", "12.20", start + 34 * H,
            batch=batch, manifest="ZJ-2026-0301"),
    ]  # fmt: skip


def kinds(found: list[object]) -> list[tuple[str, str]]:
    return [(f.kind.value, f.handover_id) for f in found]  # type: ignore[attr-defined]


# -- the model ---------------------------------------------------------------------------------


def test_weight_is_decimal_kilograms_to_the_gram() -> None:
    h = hop("H1", Stage.COLLECTED, "Ward 3", "Porter", "4.2", T0)
    assert h.weight_kg == Decimal("4.200")
    assert to_weight("0.0005") == Decimal("0.001")  # half up to the gram
    assert to_weight(7) == Decimal("7.000")


def test_weight_does_not_depend_on_the_callers_decimal_context() -> None:
    with localcontext() as ctx:
        ctx.prec = 2
        assert to_weight("123.456") == Decimal("123.456")


@pytest.mark.parametrize(
    ("value", "match"),
    [
        (Decimal("-0.1"), "zero or more"),
        (1.5, "float"),
        ("heavy", "decimal string"),
        (Decimal("NaN"), "finite"),
        (Decimal("1E6"), "below 1,000,000 kg"),
        (True, "bool"),
    ],
)
def test_bad_weights_are_refused_by_name(value: object, match: str) -> None:
    with pytest.raises(HosplogiError, match=match):
        to_weight(value)
    with pytest.raises(ValidationError, match="weight_kg"):
        Handover(id="H1", batch="B1", stage=Stage.COLLECTED, from_party="A", to_party="B",
                 weight_kg=value, at=T0, waste_class=WasteClass.SHARPS)  # type: ignore[arg-type]  # fmt: skip


def test_a_naive_time_is_refused() -> None:
    with pytest.raises(ValidationError, match="timezone-aware"):
        hop("H1", Stage.COLLECTED, "Ward 3", "Porter", "1", datetime(2026, 3, 2, 8))


def test_an_unknown_class_is_refused() -> None:
    with pytest.raises(ValidationError, match="waste_class"):
        Handover.model_validate(
            {"id": "H1", "batch": "B1", "stage": "collected", "from_party": "A",
             "to_party": "B", "weight_kg": "1", "at": T0, "waste_class": "radioactive"}
        )  # fmt: skip


def test_a_party_cannot_hand_over_to_itself() -> None:
    with pytest.raises(ValidationError, match="from_party and to_party are both 'Store'"):
        hop("H1", Stage.STORED, "Store", "Store", "1", T0)


def test_chinese_class_names() -> None:
    assert [c.zh for c in WasteClass] == ["感染性", "病理性", "损伤性", "药物性", "化学性"]


def test_handover_json_round_trip() -> None:
    for h in clean_chain():
        assert Handover.model_validate_json(h.model_dump_json()) == h


# -- the audit: literal cases ------------------------------------------------------------------


def test_a_clean_chain_has_no_findings() -> None:
    assert audit_waste(clean_chain(), now=T0 + 40 * H) == []


def test_a_missing_signature_names_the_party_who_did_not_sign() -> None:
    chain = clean_chain()
    chain[1] = chain[1].model_copy(update={"signatures": ("Porter Li",)})
    [finding] = audit_waste(chain, now=T0 + 40 * H)
    assert (finding.batch, finding.handover_id) == ("B1", "B1-2")
    assert finding.kind is WasteFindingKind.MISSING_SIGNATURE
    assert finding.message == (
        "batch B1: handover B1-2 (stored) at 2026-03-02T09:00:00+08:00 is not signed by Store"
    )


def test_weight_lost_beyond_the_tolerance_is_found_on_the_later_hop() -> None:
    chain = clean_chain()
    chain[2] = chain[2].model_copy(update={"weight_kg": Decimal("11.000")})
    chain[3] = chain[3].model_copy(update={"weight_kg": Decimal("11.000")})
    [finding] = audit_waste(chain, now=T0 + 40 * H)
    assert finding.handover_id == "B1-3"
    assert finding.message == (
        "batch B1: handover B1-3 (dispatched) at 2026-03-03T14:00:00+08:00 weighs 11.000 kg, "
        "lost 1.350 kg since B1-2 (12.350 kg); "
        "tolerance 0.500 kg"
    )


def test_weight_gained_beyond_the_tolerance_is_found_and_the_tolerance_is_inclusive() -> None:
    chain = clean_chain()
    chain[3] = chain[3].model_copy(update={"weight_kg": Decimal("12.800")})  # +0.5: allowed
    assert audit_waste(chain, now=T0 + 40 * H) == []
    chain[3] = chain[3].model_copy(update={"weight_kg": Decimal("12.801")})
    [finding] = audit_waste(chain, now=T0 + 40 * H)
    assert "gained 0.501 kg" in finding.message
    assert audit_waste(chain, now=T0 + 40 * H, tolerance="0.6") == []


def test_storage_past_the_limit_is_found_on_the_stored_hop() -> None:
    chain = clean_chain()
    chain[2] = chain[2].model_copy(update={"at": T0 + 50 * H})
    chain[3] = chain[3].model_copy(update={"at": T0 + 51 * H})
    [finding] = audit_waste(chain, now=T0 + 60 * H)
    assert (finding.kind, finding.handover_id) == (WasteFindingKind.STORAGE_OVERDUE, "B1-2")
    assert "for 2 days, 1:00:00 (to B1-3), over the limit of 2 days, 0:00:00" in finding.message
    assert audit_waste(chain, now=T0 + 60 * H, storage_limit=timedelta(hours=49)) == []


def test_a_load_still_stored_is_timed_until_now() -> None:
    chain = clean_chain()[:2]
    assert audit_waste(chain, now=T0 + 49 * H) == []  # stored at +1 h: exactly 48 h
    [finding] = audit_waste(chain, now=T0 + 49 * H + timedelta(seconds=1))
    assert finding.kind is WasteFindingKind.STORAGE_OVERDUE
    assert "still stored at now" in finding.message


def test_storage_runs_from_the_first_store_over_several_stores() -> None:
    chain = clean_chain()
    chain = [
        chain[0],
        chain[1].model_copy(update={"to_party": "Ward store", "signatures": ("Porter Li",
                                                                             "Ward store")}),
        hop("B1-2b", Stage.STORED, "Ward store", "Store", "12.35", T0 + 20 * H),
        chain[2].model_copy(update={"at": T0 + 48 * H}),
        chain[3].model_copy(update={"at": T0 + 50 * H}),
    ]  # fmt: skip
    assert audit_waste(chain, now=T0 + 60 * H) == []  # +1 h → +48 h is 47 h
    chain[3] = chain[3].model_copy(update={"at": T0 + 49 * H + timedelta(minutes=1)})
    assert kinds(audit_waste(chain, now=T0 + 60 * H)) == [("storage_overdue", "B1-2")]


def test_a_load_leaving_without_a_manifest_is_found_on_each_hop_without_one() -> None:
    chain = clean_chain()
    chain[2] = chain[2].model_copy(update={"manifest": None})
    chain[3] = chain[3].model_copy(update={"manifest": None})
    found = audit_waste(chain, now=T0 + 40 * H)
    assert kinds(found) == [("missing_manifest", "B1-3"), ("missing_manifest", "B1-4")]
    assert found[0].message == (
        "batch B1: handover B1-3 (dispatched) at 2026-03-03T14:00:00+08:00 has no transfer "
        "manifest (转移联单)"
    )


def test_a_hop_timed_before_the_stage_before_it_is_out_of_order() -> None:
    chain = clean_chain()
    chain[3] = chain[3].model_copy(update={"at": T0 + 29 * H})
    found = audit_waste(chain, now=T0 + 40 * H)
    assert kinds(found) == [("out_of_order", "B1-4")]
    assert "earlier than B1-3 (dispatched)" in found[0].message


def test_custody_must_pass_from_receiver_to_giver() -> None:
    chain = clean_chain()
    chain[3] = chain[3].model_copy(
        update={"from_party": "Unknown van", "signatures": ("Unknown van", "Plant")}
    )
    found = audit_waste(chain, now=T0 + 40 * H)
    assert kinds(found) == [("custody_break", "B1-4")]
    assert found[0].message == (
        "batch B1: handover B1-4 (disposed) at 2026-03-03T18:00:00+08:00 is given by "
        "'Unknown van', but B1-3 left the load with "
        "'GreenCarrier'"
    )


def test_findings_follow_batch_id_then_the_chain() -> None:
    a, b = clean_chain("B2"), clean_chain("B1")
    a[0] = a[0].model_copy(update={"signatures": ()})
    b[3] = b[3].model_copy(update={"manifest": None})
    b[1] = b[1].model_copy(update={"signatures": ()})
    found = audit_waste([*a, *b], now=T0 + 40 * H)
    assert kinds(found) == [
        ("missing_signature", "B1-2"),
        ("missing_manifest", "B1-4"),
        ("missing_signature", "B2-1"),
    ]
    assert (
        found[2].message
        == "batch B2: handover B2-1 (collected) at 2026-03-02T08:00:00+08:00 is not signed by "
        "Ward 3 and Porter Li"
    )


# -- the audit: logs refused whole -------------------------------------------------------------


def test_a_duplicate_handover_id_is_refused() -> None:
    chain = clean_chain()
    chain[2] = chain[2].model_copy(update={"id": "B1-2"})
    with pytest.raises(HosplogiError, match=r"handover id 'B1-2' \(batch B1\) is used more"):
        audit_waste(chain, now=T0 + 40 * H)


def test_a_class_changing_within_a_batch_is_refused() -> None:
    chain = clean_chain()
    chain[2] = chain[2].model_copy(update={"waste_class": WasteClass.SHARPS})
    with pytest.raises(HosplogiError, match="batch B1: handover B1-3 records SHARPS but the batch"):
        audit_waste(chain, now=T0 + 40 * H)


def test_a_batch_without_its_collection_is_refused() -> None:
    with pytest.raises(HosplogiError, match=r"batch B1: no COLLECTED hop \(first is B1-2, STORED"):
        audit_waste(clean_chain()[1:], now=T0 + 40 * H)


@pytest.mark.parametrize("stage", [Stage.COLLECTED, Stage.DISPOSED])
def test_a_batch_collected_or_disposed_twice_is_refused(stage: Stage) -> None:
    chain = clean_chain()
    extra = hop("B1-9", stage, "X", "Y", "1", T0 + 35 * H, manifest="M")
    with pytest.raises(HosplogiError, match=f"batch B1: 2 {stage.name} hops"):
        audit_waste([*chain, extra], now=T0 + 40 * H)


def test_conflicting_departments_are_refused() -> None:
    chain = clean_chain()
    chain[2] = chain[2].model_copy(update={"department": "ICU"})
    with pytest.raises(HosplogiError, match="names department 'ICU' but the batch was produced"):
        audit_waste(chain, now=T0 + 40 * H)
    chain[2] = chain[2].model_copy(update={"department": "Ward 3"})
    assert audit_waste(chain, now=T0 + 40 * H) == []


def test_a_handover_after_now_is_refused() -> None:
    with pytest.raises(HosplogiError, match=r"handover B1-4 .* is later than now"):
        audit_waste(clean_chain(), now=T0 + 33 * H)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"now": datetime(2026, 3, 5)}, "now must be timezone-aware"),
        ({"tolerance": 0.5}, "tolerance must be a Decimal"),
        ({"tolerance": "-1"}, "tolerance must be zero or more"),
        ({"storage_limit": -H}, "storage_limit must be zero or more"),
        ({"storage_limit": 48}, "storage_limit must be a datetime.timedelta"),
    ],
)
def test_bad_audit_arguments_are_refused(kwargs: dict[str, object], match: str) -> None:
    args: dict[str, object] = {"now": T0 + 40 * H, **kwargs}
    with pytest.raises(HosplogiError, match=match):
        audit_waste(clean_chain(), **args)  # type: ignore[arg-type]


def test_records_that_are_not_handovers_are_refused() -> None:
    with pytest.raises(HosplogiError, match="expected Handover records, got dict"):
        audit_waste([{"id": "H1"}], now=T0)  # type: ignore[list-item]


# -- totals ------------------------------------------------------------------------------------


def test_totals_count_each_batch_once_at_its_collected_weight() -> None:
    icu = [h.model_copy(update={"department": "ICU"}) for h in clean_chain("B2", T0 + 2 * H)]
    sharps = hop("B3-1", Stage.COLLECTED, "Ward 3", "Porter Li", "0.75", T0 + 3 * H, batch="B3",
                 waste_class=WasteClass.SHARPS, containers=2)  # fmt: skip
    log = [*clean_chain("B1"), *icu, sharps]
    totals = waste_totals(log, start=T0, end=T0 + 24 * H)
    assert [(t.key, t.waste_class.value, t.weight_kg, t.batches, t.containers) for t in totals] == [
        ("ICU", "infectious", Decimal("12.400"), 1, 1),
        ("Ward 3", "infectious", Decimal("12.400"), 1, 1),
        ("Ward 3", "sharps", Decimal("0.750"), 1, 2),
    ]
    total, sharps_total = waste_totals(log, start=T0, end=T0 + 24 * H, by="all")
    assert (total.key, total.weight_kg, total.batches) == ("all", Decimal("24.800"), 2)
    assert (sharps_total.waste_class, sharps_total.weight_kg) == (
        WasteClass.SHARPS,
        Decimal("0.750"),
    )
    assert [t.key for t in waste_totals(log, start=T0, end=T0 + 24 * H, by="day")] == [
        "2026-03-02",
        "2026-03-02",
    ]


def test_totals_take_batches_collected_in_the_half_open_window() -> None:
    log = [*clean_chain("B1"), *clean_chain("B2", T0 + 24 * H)]
    [total] = waste_totals(log, start=T0, end=T0 + 24 * H)
    assert total.batches == 1
    assert waste_totals(log, start=T0 + H, end=T0 + 24 * H) == []
    assert waste_totals(log, start=T0, end=T0) == []


def test_totals_refuse_bad_arguments_and_bad_logs() -> None:
    with pytest.raises(HosplogiError, match="by must be one of 'department', 'day', 'all'"):
        waste_totals(clean_chain(), start=T0, end=T0 + H, by="ward")  # type: ignore[arg-type]
    with pytest.raises(HosplogiError, match=r"end .* is before start"):
        waste_totals(clean_chain(), start=T0, end=T0 - H)
    with pytest.raises(HosplogiError, match="no COLLECTED hop"):
        waste_totals(clean_chain()[2:], start=T0, end=T0 + H)


# -- properties --------------------------------------------------------------------------------

DEPARTMENTS = ("Ward 3", "ICU", "Operating theatres", "Laboratory")
TOLERANCE = Decimal("0.5")
LIMIT = timedelta(hours=48)
gaps = st.timedeltas(min_value=timedelta(0), max_value=timedelta(hours=10))


@st.composite
def batches(draw: st.DrawFn, batch: str) -> tuple[list[Handover], datetime]:
    """A clean batch (no finding) and the time of its last hop.

    A stored load is always dispatched, so storage is at most two gaps of 10 h whatever `now` is
    (a load still stored at `now` is a unit test); weights stay within ±0.25 kg of the collected
    weight.
    """
    department = draw(st.sampled_from(DEPARTMENTS))
    cls = draw(st.sampled_from(WasteClass))
    base = Decimal(draw(st.integers(0, 200_000))) / 1000
    stages = [Stage.COLLECTED]
    stored = draw(st.integers(0, 2))
    stages += [Stage.STORED] * stored
    dispatched = draw(st.integers(1 if stored else 0, 2))
    stages += [Stage.DISPATCHED] * dispatched
    if dispatched and draw(st.booleans()):
        stages.append(Stage.DISPOSED)
    manifest = f"ZJ-{batch}"
    at = draw(st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2026, 12, 31),
                           timezones=st.sampled_from((UTC, SH))))  # fmt: skip
    parties = [department] + [f"{batch}-P{n}" for n in range(1, len(stages) + 1)]
    chain = []
    for n, stage in enumerate(stages):
        if n:
            at += draw(gaps)
        noise = Decimal(draw(st.integers(-250, 250))) / 1000
        chain.append(
            Handover(
                id=f"{batch}-{n}", batch=batch, stage=stage, from_party=parties[n],
                to_party=parties[n + 1], at=at, waste_class=cls,
                weight_kg=max(Decimal(0), base + noise) if n else base,
                containers=draw(st.integers(1, 5)), signatures=(parties[n], parties[n + 1]),
                manifest=manifest if stage in (Stage.DISPATCHED, Stage.DISPOSED) else None,
            )
        )  # fmt: skip
    return chain, at


@st.composite
def logs(draw: st.DrawFn) -> tuple[list[list[Handover]], datetime]:
    """Several clean batches and a `now` at most 10 h after the last hop."""
    drawn = [draw(batches(f"B{n}")) for n in range(draw(st.integers(1, 5)))]
    now = max(last for _, last in drawn) + draw(gaps)
    return [chain for chain, _ in drawn], now


def flat(chains: list[list[Handover]]) -> list[Handover]:
    return [h for chain in chains for h in chain]


@given(logs())
def test_a_clean_synthetic_log_has_no_findings(log: tuple[list[list[Handover]], datetime]) -> None:
    chains, now = log
    assert audit_waste(flat(chains), now=now, storage_limit=LIMIT, tolerance=TOLERANCE) == []


@given(logs(), st.randoms(use_true_random=False))
def test_the_audit_ignores_the_order_records_arrive_in(
    log: tuple[list[list[Handover]], datetime], rng: object
) -> None:
    chains, now = log
    chains[0][0] = chains[0][0].model_copy(update={"signatures": ()})
    records = flat(chains)
    shuffled = records[:]
    rng.shuffle(shuffled)  # type: ignore[attr-defined]
    assert audit_waste(shuffled, now=now) == audit_waste(records, now=now)


def _tamper(
    kind: WasteFindingKind, chain: list[Handover], now: datetime, data: st.DataObject
) -> tuple[list[Handover], datetime, str] | None:
    """One tampering of `chain` that should yield exactly one finding of `kind`, or None."""
    chain = chain[:]
    if kind is WasteFindingKind.MISSING_SIGNATURE:
        n = data.draw(st.integers(0, len(chain) - 1))
        keep = data.draw(st.sampled_from(((), chain[n].signatures[:1], chain[n].signatures[1:])))
        chain[n] = chain[n].model_copy(update={"signatures": keep})
        return chain, now, chain[n].id
    if kind is WasteFindingKind.MISSING_MANIFEST:
        leaving = [n for n, h in enumerate(chain) if h.manifest is not None]
        if not leaving:
            return None
        n = data.draw(st.sampled_from(leaving))
        chain[n] = chain[n].model_copy(update={"manifest": None})
        return chain, now, chain[n].id
    if kind is WasteFindingKind.WEIGHT_CHANGE:
        if len(chain) < 2:
            return None
        before = chain[-2].weight_kg
        change = Decimal(data.draw(st.integers(501, 5000))) / 1000
        after = (
            before - change if before >= change and data.draw(st.booleans()) else before + change
        )
        chain[-1] = chain[-1].model_copy(update={"weight_kg": after})
        return chain, now, chain[-1].id
    if kind is WasteFindingKind.CUSTODY_BREAK:
        if len(chain) < 2:
            return None
        n = data.draw(st.integers(1, len(chain) - 1))
        h = chain[n]
        chain[n] = h.model_copy(
            update={"from_party": "Stranger", "signatures": ("Stranger", h.to_party)}
        )
        return chain, now, h.id
    if kind is WasteFindingKind.OUT_OF_ORDER:
        firsts = [n for n in range(1, len(chain)) if chain[n].stage is not chain[n - 1].stage]
        if not firsts:
            return None
        n = data.draw(st.sampled_from(firsts))
        chain[n] = chain[n].model_copy(update={"at": chain[n - 1].at - timedelta(minutes=1)})
        return chain, now, chain[n].id
    stored = [n for n, h in enumerate(chain) if h.stage is Stage.STORED]
    if not stored:
        return None
    late = LIMIT + timedelta(hours=1)
    chain = chain[: stored[0] + 1] + [
        h.model_copy(update={"at": h.at + late}) for h in chain[stored[0] + 1 :]
    ]
    return chain, now + late, chain[stored[0]].id


@given(logs(), st.sampled_from(WasteFindingKind), st.data())
def test_each_single_tampering_yields_exactly_its_finding(
    log: tuple[list[list[Handover]], datetime], kind: WasteFindingKind, data: st.DataObject
) -> None:
    chains, now = log
    target = data.draw(st.integers(0, len(chains) - 1))
    tampered = _tamper(kind, chains[target], now, data)
    if tampered is None:
        return  # this batch has no hop the tampering applies to
    chains[target], now, hid = tampered
    found = audit_waste(flat(chains), now=now, storage_limit=LIMIT, tolerance=TOLERANCE)
    assert kinds(found) == [(kind.value, hid)]
    assert found[0].batch == chains[target][0].batch


@given(logs())
def test_totals_conserve_the_collected_weights(log: tuple[list[list[Handover]], datetime]) -> None:
    chains, _ = log
    start = datetime(2026, 1, 1, tzinfo=UTC) - timedelta(days=1)
    end = datetime(2027, 1, 1, tzinfo=UTC) + timedelta(days=1)
    for by in ("department", "day", "all"):
        totals = waste_totals(flat(chains), start=start, end=end, by=by)  # type: ignore[arg-type]
        assert sum(t.batches for t in totals) == len(chains)
        by_class: Counter[WasteClass] = Counter()
        for t in totals:
            by_class[t.waste_class] += t.weight_kg  # type: ignore[assignment]
        expected: Counter[WasteClass] = Counter()
        for chain in chains:
            expected[chain[0].waste_class] += chain[0].weight_kg  # type: ignore[assignment]
        assert by_class == expected
        assert sum(t.containers for t in totals) == sum(c[0].containers for c in chains)


def test_findings_and_totals_round_trip_through_json() -> None:
    chain = clean_chain()
    chain[1] = chain[1].model_copy(update={"signatures": ()})
    [finding] = audit_waste(chain, now=T0 + 40 * H)
    assert type(finding).model_validate_json(finding.model_dump_json()) == finding
    [total] = waste_totals(chain, start=T0, end=T0 + H)
    assert type(total).model_validate_json(total.model_dump_json()) == total
