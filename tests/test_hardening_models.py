"""Malformed JSON for every exported model: only a ValidationError or a HosplogiError comes out.

Whatever a model accepts is a value: it hashes, holds no mutable container anywhere inside, and
reads back equal from its own JSON. The inputs are generated: random JSON shaped like each model
(its field names mixed with valid values, wrong types, missing and extra fields, NaN and infinity,
huge numbers, naive and out-of-range datetimes, empty and very long strings, deep nesting), and
single mutations of a valid document of every model (harvested from the demo tour and the
docstring examples, see tests/hardening_corpus.py): a value replaced, a field removed, an unknown
field added, a list item repeated, or one value moved to another place of the same document.

Counts: ``HOSPLOGI_HARDENING_COUNTS=counts.jsonl`` appends the number of generated inputs per
test; ``HYPOTHESIS_PROFILE=thorough`` generates 20 times more.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from hardening_corpus import MODELS, counted, documents, write_counts
from hosplogi import HosplogiError
from hosplogi._types import FrozenDict

EXAMPLES = settings.default.max_examples
"""50 in the fast profile, 1000 in the thorough one."""

TRICKY: list[Any] = [
    "",
    " ",
    "x" * 5000,
    "2026-03-02T09:00:00",  # naive
    "2026-03-02T09:00:00+08:00",
    "2026-03-02T09:00:00+05:30:15",  # an offset with seconds
    "9999-12-31T23:59:59+00:00",
    "9999-12-31T23:59:59-14:00",
    "0001-01-01T00:00:00+14:00",
    "0001-01-01T00:00:00Z",
    "2026-13-45T25:61:00Z",
    "2026-03-02",
    "0001-01-01",
    "9999-12-31",
    "09:00:00",
    "24:00:00",
    "P999999999D",
    "-P999999999D",
    "-P1D",
    "PT0S",
    "PT0.000001S",
    "1e26",
    "1e999999",
    "-0.005",
    "0.005",
    "abc",
    "NaN",
    "Infinity",
    "-Infinity",
    10**30,
    10**400,
    -(10**400),
    2**63,
    1e308,
    -1e308,
    5e-324,
    float("nan"),
    float("inf"),
    float("-inf"),
    0,
    -1,
    1,
    True,
    None,
    [],
    {},
    [None],
    {"": None},
    "emergency",
    "plumbing",
    "Asia/Shanghai",
    "Mars/Olympus",
    "FREQ=SECONDLY;COUNT=1000000000",
    "FREQ=MINUTELY",
    "FREQ=DAILY",
]

scalars = st.one_of(
    st.sampled_from(TRICKY),
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=10,
)

DOCUMENTS = documents()
VALID = dict(DOCUMENTS)


@pytest.fixture(scope="module", autouse=True)
def _report_counts() -> Iterator[None]:
    yield
    write_counts()


def dumps(value: Any) -> str:
    return json.dumps(value, allow_nan=True)


def mutable_inside(value: Any, seen: int = 0) -> str | None:
    """The path of a mutable container inside `value` (a model, tuple, frozenset...), if any."""
    if isinstance(value, BaseModel):
        items: Any = ((k, getattr(value, k)) for k in type(value).model_fields)
    elif isinstance(value, FrozenDict):
        items = ((repr(k), v) for k, v in value.items())
    elif isinstance(value, (tuple, frozenset)):
        items = enumerate(value)
    elif isinstance(value, (dict, list, set, bytearray)):
        return f"a {type(value).__name__}"
    else:
        return None
    for key, inner in items:
        if (where := mutable_inside(inner)) is not None:
            return f"{key}: {where}"
    return None


def accepted_is_a_value(model: type[BaseModel], raw: str | bytes) -> None:
    """Validate `raw`; if accepted: a value (hashable, immutable inside) that reads back equal."""
    try:
        obj = model.model_validate_json(raw)
    except (ValidationError, HosplogiError):
        return
    assert mutable_inside(obj) is None, mutable_inside(obj)
    hash(obj)
    assert model.model_validate_json(obj.model_dump_json()) == obj


@st.composite
def shaped_like(draw: st.DrawFn, model: type[BaseModel]) -> str:
    """JSON with some of `model`'s field names (maybe an extra one), random or valid values.

    Mixing valid values of a valid document in lets the malformed ones reach the model validators
    that run after every field is accepted.
    """
    names = [f.alias or n for n, f in model.model_fields.items()]
    keys = draw(st.lists(st.sampled_from([*names, "unexpected"]), unique=True))
    valid = VALID.get(model, {})
    out = {}
    for key in keys:
        if key in valid and draw(st.booleans()):
            out[key] = valid[key]
        else:
            out[key] = draw(json_values)
    return dumps(out)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
@settings(max_examples=max(10, EXAMPLES // 2))
@given(data=st.data())
def test_malformed_json_gets_a_library_error(model: type[BaseModel], data: st.DataObject) -> None:
    counted("test_malformed_json_gets_a_library_error")
    accepted_is_a_value(model, data.draw(shaped_like(model)))


GARBAGE = [
    "[" * 5000 + "]" * 5000,
    '{"a":' * 3000 + "1" + "}" * 3000,
    "",
    "null",
    "{",
    "\x00",
    "[]",
    "{}",
    '"x"',
    "1e999999",
    "NaN",
    '{"id": "x"' + ', "id": "y"' * 1000 + "}",
]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_deep_nesting_and_garbage_get_a_library_error(model: type[BaseModel]) -> None:
    for raw in GARBAGE:
        counted("test_deep_nesting_and_garbage_get_a_library_error")
        accepted_is_a_value(model, raw)


def test_every_exported_model_has_a_valid_document() -> None:
    assert [m.__name__ for m in MODELS if m not in VALID] == []


@pytest.mark.parametrize(("model", "doc"), DOCUMENTS, ids=[m.__name__ for m, _ in DOCUMENTS])
def test_a_valid_document_is_a_value(model: type[BaseModel], doc: Any) -> None:
    counted("test_a_valid_document_is_a_value")
    obj = model.model_validate_json(dumps(doc))
    assert mutable_inside(obj) is None, mutable_inside(obj)
    hash(obj)
    assert model.model_validate_json(obj.model_dump_json()) == obj


# -- single mutations of valid documents -----------------------------------------------------


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(value, dict):
        for k, v in value.items():
            yield from paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from paths(v, (*prefix, i))


def at(value: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        value = value[key]
    return value


def replaced(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    head, *rest = path
    if isinstance(value, dict):
        return {**value, head: replaced(value[head], tuple(rest), new)}
    copy = list(value)
    copy[head] = replaced(value[head], tuple(rest), new)
    return copy


def removed(value: Any, path: tuple[Any, ...]) -> Any:
    head, *rest = path
    if rest:
        return replaced(value, (head,), removed(value[head], tuple(rest)))
    if isinstance(value, dict):
        return {k: v for k, v in value.items() if k != head}
    return [v for i, v in enumerate(value) if i != head]


@st.composite
def mutated(draw: st.DrawFn, doc: Any) -> Any:
    """`doc` with one mutation: replace, remove, add an unknown key, repeat an item, or move."""
    every = list(paths(doc))
    path = draw(st.sampled_from(every))
    target = at(doc, path)
    kinds = ["replace", "move"]
    if path:
        kinds.append("remove")
    if isinstance(target, dict):
        kinds.append("extra")
    if isinstance(target, list) and target:
        kinds.append("repeat")
    kind = draw(st.sampled_from(kinds))
    if kind == "remove":
        return removed(doc, path)
    if kind == "extra":
        return replaced(doc, path, {**target, draw(st.text(max_size=8)): draw(json_values)})
    if kind == "repeat":
        i = draw(st.integers(0, len(target) - 1))
        return replaced(doc, path, [*target[: i + 1], target[i], *target[i + 1 :]])
    if kind == "move":
        return replaced(doc, path, at(doc, draw(st.sampled_from(every))))
    return replaced(doc, path, draw(json_values))


@pytest.mark.parametrize(("model", "doc"), DOCUMENTS, ids=[m.__name__ for m, _ in DOCUMENTS])
@settings(max_examples=EXAMPLES)
@given(data=st.data())
def test_a_mutated_valid_document_gets_a_library_error_or_is_a_value(
    model: type[BaseModel], doc: Any, data: st.DataObject
) -> None:
    counted("test_a_mutated_valid_document_gets_a_library_error_or_is_a_value")
    accepted_is_a_value(model, dumps(data.draw(mutated(doc))))
