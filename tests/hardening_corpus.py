"""Valid instances of every exported model, harvested from the demo tour and the docstring examples.

The hardening tests (tests/test_hardening_models.py, tests/test_hardening_calls.py) start from
valid values and break them. Rather than build 98 models by hand, this module runs the demo tour
(``hosplogi.cli._tour.TOUR``) and then, for each exported model the tour does not build, the
docstring examples of the module that defines it, recording every model validated meanwhile.
The result is cached: the harvest runs once per test session.
"""

from __future__ import annotations

import doctest
import functools
import importlib
import io
import json
from collections import defaultdict
from contextlib import redirect_stdout, suppress
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from typing import Any, TypeVar

from pydantic import BaseModel

import hosplogi
from hosplogi._types import FrozenModel

M = TypeVar("M", bound=BaseModel)

MODELS: list[type[BaseModel]] = sorted(
    {
        obj
        for name in hosplogi.__all__
        if isinstance(obj := getattr(hosplogi, name), type) and issubclass(obj, BaseModel)
    },
    key=lambda m: m.__name__,
)
"""Every pydantic model exported by ``hosplogi``, by name."""

DOCUMENT_LIMIT = 20_000
"""A harvested document is kept for mutation only if its JSON is at most this long (characters)."""


@functools.cache
def harvest() -> dict[type[BaseModel], list[BaseModel]]:
    """Every model instance validated while the tour and the needed docstring examples ran."""
    from hosplogi.cli._tour import TOUR
    from hosplogi.cli.demo import demo_crews, demo_day, demo_technicians, end_of_day

    found: dict[type[BaseModel], list[BaseModel]] = defaultdict(list)
    original = FrozenModel.model_post_init

    def record(self: FrozenModel, context: Any, /) -> None:
        original(self, context)
        found[type(self)].append(self)

    FrozenModel.model_post_init = record  # type: ignore[method-assign]
    try:
        orders, staff, now = demo_day(), demo_technicians(), end_of_day()
        demo_crews()
        with redirect_stdout(io.StringIO()):
            for section in TOUR:
                section(orders, staff, now)
            missing = {m.__module__ for m in MODELS if m not in found}
            _run_examples(sorted(missing))
    finally:
        FrozenModel.model_post_init = original  # type: ignore[method-assign]
    return dict(found)


def _run_examples(module_names: list[str]) -> None:
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    names = {
        "hosplogi": hosplogi, "date": date, "datetime": datetime, "time": time,
        "timedelta": timedelta, "timezone": timezone, "Decimal": Decimal,
    }  # fmt: skip
    for name in module_names:
        for test in doctest.DocTestFinder().find(importlib.import_module(name)):
            test.globs.update(names)
            runner.run(test, out=lambda _: None)


def instances(model: type[M]) -> list[M]:
    """The harvested instances of `model` (maybe none)."""
    return harvest().get(model, [])  # type: ignore[return-value]


def one(model: type[M]) -> M:
    """The richest harvested instance of `model` whose JSON is within :data:`DOCUMENT_LIMIT`."""
    fitting = [(len(o.model_dump_json()), i, o) for i, o in enumerate(instances(model))]
    small = [t for t in fitting if t[0] <= DOCUMENT_LIMIT] or sorted(fitting)[:1]
    if not small:
        raise LookupError(f"no harvested instance of {model.__name__}")
    return max(small)[2]


def documents() -> list[tuple[type[BaseModel], Any]]:
    """One valid JSON document (as Python data) per exported model that has an instance."""
    out = []
    for model in MODELS:
        with suppress(LookupError):
            out.append((model, json.loads(one(model).model_dump_json())))
    return out


COUNTS: dict[str, int] = defaultdict(int)
"""Generated inputs per test, across its parametrisations (reported, never printed)."""


def counted(test: str, n: int = 1) -> None:
    """Add `n` generated inputs to the count of `test`."""
    COUNTS[test] += n


def write_counts() -> None:
    """Append the counts as JSON lines to $HOSPLOGI_HARDENING_COUNTS, if that is set."""
    import os

    path = os.environ.get("HOSPLOGI_HARDENING_COUNTS")
    if path:
        with open(path, "a", encoding="utf-8") as f:
            for test, n in sorted(COUNTS.items()):
                f.write(json.dumps({"test": test, "inputs": n}) + "\n")
        COUNTS.clear()
