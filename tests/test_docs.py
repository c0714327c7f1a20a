"""Every ```python block in README.md and docs/*.md runs, in order, per file.

A python block followed directly by an ```output block must print exactly that output: printed
figures in the docs are produced by the code beside them, never pasted.
"""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BLOCK = re.compile(
    r"^```python\n(?P<code>.*?)^```\n(?:\s*^```output\n(?P<output>.*?)^```)?",
    re.MULTILINE | re.DOTALL,
)


def _lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.strip("\n").splitlines()]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_python_examples_in_the_docs_run(page: Path) -> None:
    namespace: dict[str, object] = {"__name__": f"docs_{page.stem}"}
    for number, found in enumerate(BLOCK.finditer(page.read_text(encoding="utf-8")), start=1):
        code = compile(found["code"], f"{page.name} block {number}", "exec")
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            exec(code, namespace)
        if found["output"] is not None:
            assert _lines(printed.getvalue()) == _lines(found["output"]), (
                f"{page.name} block {number} printed something other than its output block"
            )


def test_an_output_block_is_checked() -> None:
    page = "```python\nprint(1 + 1)\n```\n\n```output\n2\n```\n"
    found = BLOCK.search(page)
    assert found is not None
    assert found["output"] == "2\n"
