"""The entry point of the ``hosplogi`` command: the argument parser and :func:`main`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import Any

from pydantic import ValidationError

from hosplogi import __version__
from hosplogi.cli.day import demo_lines
from hosplogi.cli.simulate import simulate_lines
from hosplogi.errors import HosplogiError
from hosplogi.simulation.bounds import MAX_BEDS, MIN_BEDS, require_days, require_int, require_seed
from hosplogi.simulation.policies import POLICY_NAMES

__all__ = ["main"]


def _checked(check: Callable[[Any], object], convert: Callable[[str], Any]) -> Callable[[str], Any]:
    """An argparse type: `convert` the text, then `check` it with the library's own bound."""

    def parse(text: str) -> Any:
        try:
            try:
                value = convert(text)
            except ValueError:
                value = text  # not a number: `check` says what is accepted
            check(value)
        except ValueError as refused:  # a HosplogiError is a ValueError
            raise argparse.ArgumentTypeError(str(refused)) from None
        return value

    return parse


_beds = _checked(lambda v: require_int(v, "beds", MIN_BEDS, MAX_BEDS), int)
_days = _checked(require_days, float)
_seed = _checked(require_seed, int)


def _one_line(refused: HosplogiError | ValidationError) -> str:
    """The first error of `refused` on one line."""
    if isinstance(refused, ValidationError):
        first = refused.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        message = first["msg"].removeprefix("Value error, ")
        more = f" (and {refused.error_count() - 1} more)" if refused.error_count() > 1 else ""
        return f"{where + ': ' if where else ''}{message}{more}".replace("\n", " ")
    return str(refused).replace("\n", " ")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hosplogi",
        description="Hospital logistics management: work orders, crews, SLA, scheduling, KPI.",
    )
    parser.add_argument("--version", action="version", version=f"hosplogi {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser("demo", help="walk a sample day of the service centre and print it")
    sim = commands.add_parser("simulate", help="simulate a synthetic hospital and summarise it")
    sim.set_defaults(refuse=sim.error)
    sim.add_argument("--beds", type=_beds, default=800, help="hospital size (default 800)")
    sim.add_argument("--days", type=_days, default=30, help="simulated days (default 30)")
    sim.add_argument("--seed", type=_seed, default=1, help="random seed (default 1)")
    sim.add_argument(
        "--policy",
        choices=POLICY_NAMES,
        default="recommend",
        help="dispatch policy (default recommend)",
    )
    sim.add_argument(
        "--outsource",
        action="append",
        default=[],
        metavar="TRADE",
        help="hand a trade to a vendor (settled monthly); repeatable",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with `argv` (default: ``sys.argv[1:]``) and return the exit status.

    Examples
    --------
    >>> main(["--version"])
    Traceback (most recent call last):
    ...
    SystemExit: 0
    """
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    if args.command == "demo":
        out = demo_lines()
    else:
        try:
            out = simulate_lines(args.beds, args.days, args.seed, args.policy, args.outsource)
        except (HosplogiError, ValidationError) as refused:
            args.refuse(_one_line(refused))  # the simulate usage and status 2, as argparse does
    sys.stdout.write("\n".join(out) + "\n")
    return 0
