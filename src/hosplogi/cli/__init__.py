"""The ``hosplogi`` command line: ``python -m hosplogi --version``, ``python -m hosplogi demo`` and
``python -m hosplogi simulate``.

Orchestration only: every figure printed comes from the library's own models and engines. The
modules: :mod:`~hosplogi.cli.main` (the parser and :func:`main`), :mod:`~hosplogi.cli.day` (the
demo day and the tour of ``_tour``/``_tour_<topic>`` sections), :mod:`~hosplogi.cli.simulate`,
:mod:`~hosplogi.cli.demo` (the scripted data of the demo day).
"""

from __future__ import annotations

from hosplogi.cli.main import main

__all__ = ["main"]
