"""Regenerate the pictures in docs/img/ by running the pages that draw them.

Usage (from the checkout root)::

    python scripts/doc_figures.py            # every page that draws a figure, into docs/img/
    python scripts/doc_figures.py OUT_DIR    # the same pictures into OUT_DIR

Each page's ```python blocks run in order in one namespace, as tests/test_docs.py runs them, with
the environment variable ``HOSPLOGI_DOCS_IMG`` naming the folder the pages save their PNGs into
(the pages fall back to a temporary folder without it, so the tests never write into docs/).
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = (ROOT / "docs" / "plots.md", ROOT / "docs" / "staffing-study.md")
IMG = ROOT / "docs" / "img"
ENV = "HOSPLOGI_DOCS_IMG"
BLOCK = re.compile(r"^```python\n(?P<code>.*?)^```\n", re.MULTILINE | re.DOTALL)


def run_page(page: Path, img: Path) -> None:
    """Run the python blocks of `page` with ``HOSPLOGI_DOCS_IMG=img`` (their prints discarded)."""
    img.mkdir(parents=True, exist_ok=True)
    before = os.environ.get(ENV)
    os.environ[ENV] = str(img)
    try:
        namespace: dict[str, object] = {"__name__": f"docs_{page.stem}"}
        for number, found in enumerate(BLOCK.finditer(page.read_text(encoding="utf-8")), 1):
            code = compile(found["code"], f"{page.name} block {number}", "exec")
            with contextlib.redirect_stdout(io.StringIO()):
                exec(code, namespace)
    finally:
        if before is None:
            del os.environ[ENV]
        else:
            os.environ[ENV] = before


def main(argv: list[str] | None = None) -> None:
    """Run every page of `PAGES` into the folder given (docs/img/ by default)."""
    args = sys.argv[1:] if argv is None else argv
    img = Path(args[0]) if args else IMG
    for page in PAGES:
        run_page(page, img)
        print(f"{page.relative_to(ROOT)} → {img}")


if __name__ == "__main__":
    main()
