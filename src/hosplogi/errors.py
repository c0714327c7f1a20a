"""Exceptions raised by hosplogi on purpose.

Every error the library raises deliberately derives from :class:`HosplogiError`, itself a
``ValueError``, so a caller can catch bad input with one ``except`` clause. Each message says what
was wrong, the offending value, and what would have been accepted. Malformed model input is
reported by pydantic's ``ValidationError`` (also a ``ValueError``), which names the field.

Examples
--------
>>> from hosplogi.errors import HosplogiError, TransitionError
>>> issubclass(TransitionError, HosplogiError) and issubclass(HosplogiError, ValueError)
True
"""

from __future__ import annotations

__all__ = ["HosplogiError", "InfeasibleError", "TransitionError"]


class HosplogiError(ValueError):
    """Base class of every error hosplogi raises on purpose.

    The message states what was wrong, the value, and what would be accepted.
    """


class TransitionError(HosplogiError):
    """A work-order lifecycle move that is not allowed from the order's current status.

    The message names the order, its current status, the requested move and the moves allowed, e.g.
    ``order WO-17 cannot go REPORTED → IN_PROGRESS (start); allowed from REPORTED: ...``.
    """


class InfeasibleError(HosplogiError):
    """A problem that has no solution, e.g. a task needing a skill or level nobody has."""
