"""Plain-text tables for the command line, aligned for mixed Chinese and Latin text."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

__all__ = ["render_table", "text_width"]


def text_width(text: str) -> int:
    """Columns `text` takes in a terminal: wide (CJK) characters take two.

    Examples
    --------
    >>> text_width("报修 ok")
    7
    """
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int, align: str) -> str:
    gap = " " * (width - text_width(text))
    return gap + text if align == ">" else text + gap


def render_table(
    headers: Sequence[str], rows: Sequence[Sequence[str]], *, align: str | None = None
) -> str:
    """Return `rows` under `headers` as aligned text; `align` has one ``<`` or ``>`` per column.

    Examples
    --------
    >>> print(render_table(["id", "n"], [["a", "1"], ["bb", "22"]], align="<>"))
    id   n
    --  --
    a    1
    bb  22
    """
    aligns = align or "<" * len(headers)
    widths = [
        max(text_width(str(cell)) for cell in column) for column in zip(headers, *rows, strict=True)
    ]
    lines = [
        "  ".join(_pad(h, w, a) for h, w, a in zip(headers, widths, aligns, strict=True)).rstrip(),
        "  ".join("-" * w for w in widths),
    ]
    lines += [
        "  ".join(_pad(str(c), w, a) for c, w, a in zip(row, widths, aligns, strict=True)).rstrip()
        for row in rows
    ]
    return "\n".join(lines)
