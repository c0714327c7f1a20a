"""Helpers shared by the figures of :mod:`hosplogi.plots`: the Axes, fonts, numbers, lists."""

from __future__ import annotations

import functools
import math
import numbers
from collections.abc import Sequence
from typing import Any

from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ft2font import FT2Font

from hosplogi.errors import HosplogiError
from hosplogi.kpi import Perspective

__all__ = ["axes_for", "chinese_font", "listed", "number_or_none"]

_SHOWN = 5  # ids named in a title or an error before "and N more"
# Families known to carry simplified Chinese; a font is used only after its glyphs are checked.
_CJK_HINTS = (
    "cjk",
    "han sans",
    "han serif",
    "hei",
    "song",
    "kai",
    "ming",
    "wenquanyi",
    "yahei",
    "pingfang",
    "droid sans fallback",
    "noto sans sc",
    "noto serif sc",
    "ar pl",
    "fangsong",
)


def axes_for(ax: Any, *, size: tuple[float, float]) -> Axes:
    """`ax` itself, or the Axes of a new Figure (held by no pyplot state) of `size` inches."""
    if ax is None:
        return Figure(figsize=size, layout="constrained").add_subplot()
    if not isinstance(ax, Axes):
        raise HosplogiError(
            f"ax must be a matplotlib Axes (e.g. from fig.add_subplot()) or None, "
            f"got {type(ax).__name__}"
        )
    return ax


def listed(names: Sequence[str]) -> str:
    more = f" and {len(names) - _SHOWN} more" if len(names) > _SHOWN else ""
    return ", ".join(names[:_SHOWN]) + more


@functools.cache
def _covering_font(candidates: tuple[tuple[str, str], ...], text: str) -> str | None:
    """The first family among (name, file) `candidates` whose font has a glyph for every char."""
    for name, path in candidates:
        try:
            font = FT2Font(path)
        except (OSError, RuntimeError, ValueError):
            continue
        if all(font.get_char_index(ord(ch)) for ch in text):
            return name
    return None


def chinese_font() -> str | None:
    """The family of an installed font that draws the perspectives' Chinese names, or None.

    Only fonts whose files have a glyph for every character are returned, so text drawn with
    it never triggers matplotlib's "Glyph missing" warnings. The answer for one set of installed
    fonts is cached.

    Examples
    --------
    >>> chinese_font() is None or isinstance(chinese_font(), str)
    True
    """
    candidates = tuple(
        sorted(
            {
                (f.name, f.fname)
                for f in font_manager.fontManager.ttflist
                if any(hint in f.name.lower() for hint in _CJK_HINTS)
            }
        )
    )
    return _covering_font(candidates, "".join(p.zh for p in Perspective))


def number_or_none(value: Any, what: str) -> float | None:
    """`value` as a float; None for a missing value (None or NaN); HosplogiError otherwise."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise HosplogiError(f"{what} must be a number, got {type(value).__name__} {value!r:.40}")
    number = float(value)
    if math.isnan(number):
        return None
    if math.isinf(number):
        raise HosplogiError(f"{what} must be finite, got {number}")
    return number
