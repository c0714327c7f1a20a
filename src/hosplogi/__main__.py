"""``python -m hosplogi`` runs the command line (see :mod:`hosplogi.cli`)."""

from hosplogi.cli import main

raise SystemExit(main())
