"""The public surface: every module's names are re-exported, every model has a JSON schema."""

from __future__ import annotations

import importlib
import json
import pkgutil

import pytest
from pydantic import BaseModel

import hosplogi

MODULES = [
    m.name
    for m in pkgutil.iter_modules(hosplogi.__path__, "hosplogi.")
    if not m.name.rsplit(".", 1)[1].startswith("_")
    # the command line is no library surface; recurrence's helpers stay under their module
    and m.name not in ("hosplogi.cli", "hosplogi.recurrence", "hosplogi.plots")
]


@pytest.mark.parametrize("name", MODULES)
def test_every_public_name_is_re_exported(name: str) -> None:
    module = importlib.import_module(name)
    for public in module.__all__:
        assert getattr(hosplogi, public) is getattr(module, public), f"{name}.{public}"
        assert public in hosplogi.__all__


def test_version_is_a_string() -> None:
    assert isinstance(hosplogi.__version__, str)
    assert hosplogi.__version__.count(".") == 2


MODELS = sorted(
    {
        obj
        for name in hosplogi.__all__
        if isinstance(obj := getattr(hosplogi, name), type) and issubclass(obj, BaseModel)
    },
    key=lambda cls: cls.__name__,
)


@pytest.mark.parametrize("model", MODELS, ids=lambda cls: cls.__name__)
def test_every_model_is_frozen_strict_about_fields_and_has_a_json_schema(
    model: type[BaseModel],
) -> None:
    assert model.model_config.get("frozen") is True
    assert model.model_config.get("extra") == "forbid"
    schema = model.model_json_schema()
    assert json.loads(json.dumps(schema))["type"] == "object"
