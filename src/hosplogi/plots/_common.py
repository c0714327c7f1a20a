"""Helpers shared by the figures of :mod:`hosplogi.plots`: the Axes, fonts, numbers, lists."""

from __future__ import annotations

import contextlib
import functools
import math
import numbers
from collections.abc import Sequence
from typing import Any

import matplotlib
from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ft2font import FT2Font

from hosplogi.errors import HosplogiError
from hosplogi.kpi import Perspective

__all__ = [
    "axes_for",
    "chinese_font",
    "drawable",
    "font_context",
    "listed",
    "number_or_none",
]

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
def _charmap(path: str) -> frozenset[int]:
    """The code points the font file at `path` has glyphs for (empty if it cannot be read)."""
    try:
        return frozenset(FT2Font(path).get_charmap())
    except (OSError, RuntimeError, ValueError):
        return frozenset()


def _chinese_face() -> tuple[str, str] | None:
    """(family, file) of the first installed font with a glyph for every perspective's name."""
    needed = {ord(ch) for p in Perspective for ch in p.zh}
    for entry in sorted(font_manager.fontManager.ttflist, key=lambda f: (f.name, f.fname)):
        if any(hint in entry.name.lower() for hint in _CJK_HINTS) and needed <= _charmap(
            entry.fname
        ):
            return entry.name, entry.fname
    return None


def chinese_font() -> str | None:
    """The family of an installed font that draws the perspectives' Chinese names, or None.

    Only a font whose file has a glyph for every character counts, so text drawn with it never
    triggers matplotlib's "Glyph missing" warnings. Looks only at families known to carry
    Chinese (Noto/Source Han CJK, WenQuanYi, YaHei, SimHei, PingFang, …).

    Examples
    --------
    >>> chinese_font() is None or isinstance(chinese_font(), str)
    True
    """
    face = _chinese_face()
    return None if face is None else face[0]


def font_context() -> contextlib.AbstractContextManager[object]:
    """Draw text created inside with the Chinese font first, when one is installed.

    Matplotlib falls back glyph by glyph along the family list, so Latin text keeps the
    default font.
    """
    face = _chinese_face()
    if face is None:
        return contextlib.nullcontext()
    return matplotlib.rc_context({"font.family": [face[0], *matplotlib.rcParams["font.family"]]})


def drawable(text: str) -> str:
    """`text` with every character no font in use can draw written as a ``\\uXXXX`` escape.

    Keeps labels from data (a department 内科 on a machine without a Chinese font) distinct and
    readable enough, and keeps matplotlib from warning "Glyph … missing" when the figure is
    drawn.

    Examples
    --------
    >>> drawable("E1 ≥ 2")
    'E1 ≥ 2'
    >>> drawable("内科") == "内科" or drawable("内科") == chr(92) + "u5185" + chr(92) + "u79d1"
    True
    """
    if text.isascii():
        return text
    covered = _charmap(font_manager.findfont(font_manager.FontProperties()))
    face = _chinese_face()
    if face is not None:
        covered |= _charmap(face[1])
    return "".join(ch if ord(ch) in covered or ch.isspace() else f"\\u{ord(ch):04x}" for ch in text)


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
