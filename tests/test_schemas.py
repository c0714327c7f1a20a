"""One JSON Schema file per exported model, equal to the model's own schema."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hosplogi import HosplogiError, WorkOrder
from hosplogi.schemas import exported_models, write_schemas


def test_every_exported_model_gets_its_schema_file(tmp_path: Path) -> None:
    files = write_schemas(tmp_path / "schemas")
    models = exported_models()
    assert [f.name for f in files] == [f"{name}.schema.json" for name in models]
    for path, model in zip(files, models.values(), strict=True):
        assert json.loads(path.read_text("utf-8")) == model.model_json_schema()


def test_the_work_order_schema_names_its_event_log(tmp_path: Path) -> None:
    write_schemas(tmp_path)
    schema = json.loads((tmp_path / "WorkOrder.schema.json").read_text("utf-8"))
    assert "events" in schema["required"]
    assert exported_models()["WorkOrder"] is WorkOrder


def test_a_file_in_the_way_is_a_library_error(tmp_path: Path) -> None:
    blocker = tmp_path / "taken"
    blocker.write_text("not a folder")
    with pytest.raises(HosplogiError, match="cannot write the schemas"):
        write_schemas(blocker)


def test_the_schema_command_writes_them(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from hosplogi.cli import main

    assert main(["schema", "--out", str(tmp_path)]) == 0
    assert f"JSON Schemas to {tmp_path}" in capsys.readouterr().out
    assert (tmp_path / "WorkOrder.schema.json").exists()
