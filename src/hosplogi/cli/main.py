"""The entry point of the ``hosplogi`` command: the argument parser and :func:`main`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from hosplogi import __version__
from hosplogi.cli.day import demo_lines
from hosplogi.cli.simulate import simulate_lines
from hosplogi.simulation.policies import POLICY_NAMES

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hosplogi",
        description="Hospital logistics management: work orders, crews, SLA, scheduling, KPI.",
    )
    parser.add_argument("--version", action="version", version=f"hosplogi {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser("demo", help="walk a sample day of the service centre and print it")
    sim = commands.add_parser("simulate", help="simulate a synthetic hospital and summarise it")
    sim.add_argument("--beds", type=int, default=800, help="hospital size (default 800)")
    sim.add_argument("--days", type=float, default=30, help="simulated days (default 30)")
    sim.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
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
        out = simulate_lines(args.beds, args.days, args.seed, args.policy, args.outsource)
    sys.stdout.write("\n".join(out) + "\n")
    return 0
