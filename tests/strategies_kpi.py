"""Hypothesis strategies for hosplogi.kpi, valid by construction (not filtered)."""

from __future__ import annotations

from hypothesis import strategies as st

from hosplogi.kpi import Band, Indicator, Perspective, Rule, Scorecard

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
codes = st.from_regex(r"[a-z][a-z_]{0,11}", fullmatch=True)


@st.composite
def indicators(draw: st.DrawFn, *, code: str | None = None) -> Indicator:
    """An indicator of any rule, with target, floor, bands and points consistent."""
    up = draw(st.booleans())
    a = draw(st.floats(min_value=-1000, max_value=1000, allow_nan=False))
    gap = draw(st.floats(min_value=0.5, max_value=1000, allow_nan=False))
    floor, target = (a, a + gap) if up else (a + gap, a)
    rule = draw(st.sampled_from(Rule))
    extra: dict[str, object] = {}
    if rule is Rule.BANDS:
        k = draw(st.integers(1, 4))
        steps = sorted(
            draw(st.lists(st.integers(1, 99), min_size=k, max_size=k, unique=True)), reverse=True
        )
        scores = sorted(draw(st.lists(st.integers(0, 100), min_size=k, max_size=k)), reverse=True)
        extra["bands"] = tuple(
            Band(at=floor + (target - floor) * s / 100, score=sc)
            for s, sc in zip(steps, scores, strict=True)
        )
    elif rule is Rule.DEDUCTION:
        extra["points"] = draw(st.floats(min_value=0.01, max_value=100, allow_nan=False))
    return Indicator(
        code=code or draw(codes),
        name=draw(st.text(max_size=10)),
        name_zh=draw(st.sampled_from(("", "响应及时率", "满意度"))),
        perspective=draw(st.sampled_from(Perspective)),
        higher_is_better=up,
        target=target,
        floor=floor,
        weight=draw(st.floats(min_value=0.1, max_value=10, allow_nan=False)),
        rule=rule,
        **extra,
    )


@st.composite
def scorecards(draw: st.DrawFn, *, max_indicators: int = 8) -> Scorecard:
    """A scorecard of 1 to `max_indicators` indicators with a weight for every perspective used."""
    names = draw(st.lists(codes, min_size=1, max_size=max_indicators, unique=True))
    inds = tuple(draw(indicators(code=c)) for c in names)
    used = {i.perspective for i in inds}
    weights = {p: draw(st.floats(min_value=0.05, max_value=5, allow_nan=False)) for p in used}
    return Scorecard(name=draw(st.text(max_size=10)), indicators=inds, perspective_weights=weights)


@st.composite
def reciprocal_matrices(draw: st.DrawFn, *, max_n: int = 9) -> list[list[float]]:
    """A positive reciprocal matrix on Saaty's 1/9 … 9 scale."""
    n = draw(st.integers(1, max_n))
    scale = st.sampled_from([1, 2, 3, 4, 5, 6, 7, 8, 9, 1 / 2, 1 / 3, 1 / 5, 1 / 7, 1 / 9])
    m = [[1.0] * n for _ in range(n)]
    for i in range(n):
        for j in range(i + 1, n):
            v = draw(scale)
            m[i][j] = v
            m[j][i] = 1 / v
    return m
