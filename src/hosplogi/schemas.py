"""The JSON Schemas of every exported model, for integrators who generate code in other languages.

``python -m hosplogi schema --out DIR`` writes one file per model; the HTTP service serves the same
schemas at ``GET /v1/schemas/{Model}``.
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel

import hosplogi
from hosplogi._checks import guarded
from hosplogi.errors import HosplogiError

__all__ = ["exported_models", "write_schemas"]


def exported_models() -> dict[str, type[BaseModel]]:
    """Every model hosplogi exports, by class name.

    Examples
    --------
    >>> exported_models()["WorkOrder"] is hosplogi.WorkOrder
    True
    """
    return {
        name: obj
        for name in sorted(hosplogi.__all__)
        if isinstance(obj := getattr(hosplogi, name), type) and issubclass(obj, BaseModel)
    }


@guarded
def write_schemas(out: str | Path) -> list[Path]:
    """Write ``<Model>.schema.json`` for every exported model into the folder `out`.

    Parameters
    ----------
    out : str or Path
        The folder; it is created if missing. Existing files of the same names are replaced.

    Returns
    -------
    list of Path
        The files written, sorted by model name.

    Raises
    ------
    HosplogiError
        If `out` exists and is not a folder, or cannot be written.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     files = write_schemas(folder)
    ...     "WorkOrder.schema.json" in {f.name for f in files}
    True
    """
    folder = Path(out)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        written = []
        for name, model in exported_models().items():
            path = folder / f"{name}.schema.json"
            schema = model.model_json_schema()
            path.write_text(json.dumps(schema, indent=2, ensure_ascii=False) + "\n", "utf-8")
            written.append(path)
    except OSError as err:
        raise HosplogiError(f"cannot write the schemas to {folder}: {err.strerror}") from None
    return written
