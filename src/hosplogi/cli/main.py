"""The entry point of the ``hosplogi`` command: the argument parser and :func:`main`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from hosplogi import __version__
from hosplogi.cli.day import demo_lines
from hosplogi.cli.simulate import run_simulation, summary_lines
from hosplogi.errors import HosplogiError
from hosplogi.schemas import write_schemas
from hosplogi.simulation import SimulationResult
from hosplogi.simulation.bounds import MAX_BEDS, MIN_BEDS, require_days, require_int, require_seed
from hosplogi.simulation.policies import POLICY_NAMES

try:  # the figures need the `plots` extra (matplotlib); the command line says so when asked
    from hosplogi.cli.figures import demo_figures, simulation_figure
except ImportError as _missing:  # pragma: no cover - exercised only without the extra
    _NO_PLOTS = f'--plot needs matplotlib: pip install "hosplogi[plots]" ({_missing})'

    def demo_figures(folder: str | Path) -> list[Path]:
        raise HosplogiError(_NO_PLOTS)

    def simulation_figure(result: SimulationResult, path: str | Path) -> Path:
        raise HosplogiError(_NO_PLOTS)


try:  # the HTTP service needs the `service` extra (FastAPI, uvicorn)
    from hosplogi.service import serve
except ImportError as _missing:  # pragma: no cover - exercised only without the extra
    _NO_SERVICE = str(_missing)

    def serve(
        *,
        host: str = "127.0.0.1",
        port: int = 8000,
        workers: int = 1,
        token_env: str | None = None,
        max_body: int = 10_000_000,
        max_solve_seconds: float = 30,
    ) -> None:
        raise HosplogiError(_NO_SERVICE)


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
_port = _checked(lambda v: require_int(v, "port", 0, 65_535), int)
_workers = _checked(lambda v: require_int(v, "workers", 1, 64), int)
_max_body = _checked(lambda v: require_int(v, "max-body", 1, 2**31), int)


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
    demo = commands.add_parser("demo", help="walk a sample day of the service centre and print it")
    demo.set_defaults(refuse=demo.error)
    demo.add_argument(
        "--plot", metavar="DIR", help="also save the day's figures into DIR (extra: plots)"
    )
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
    sim.add_argument("--plot", metavar="FILE.png", help="also save a figure (extra: plots)")
    schema = commands.add_parser("schema", help="write the JSON Schema of every exported model")
    schema.add_argument("--out", required=True, metavar="DIR", help="folder for the files")
    serve = commands.add_parser("serve", help="run the HTTP service (extra: hosplogi[service])")
    serve.set_defaults(refuse=serve.error)
    serve.add_argument("--host", default="127.0.0.1", help="address (default 127.0.0.1)")
    serve.add_argument("--port", type=_port, default=8000, help="port (default 8000)")
    serve.add_argument("--workers", type=_workers, default=1, help="worker processes (default 1)")
    serve.add_argument(
        "--token-env",
        metavar="NAME",
        help="environment variable holding the bearer token clients must send",
    )
    serve.add_argument("--max-body", type=_max_body, default=10_000_000, help="bytes per request")
    serve.add_argument(
        "--max-solve-seconds", type=float, default=30.0, help="wall time per solve (default 30)"
    )
    return parser


def _serve(args: argparse.Namespace) -> None:
    serve(
        host=args.host,
        port=args.port,
        workers=args.workers,
        token_env=args.token_env,
        max_body=args.max_body,
        max_solve_seconds=args.max_solve_seconds,
    )


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
        if args.plot:
            try:
                saved = demo_figures(args.plot)
            except HosplogiError as refused:
                args.refuse(_one_line(refused))
            out.append(f"figures: {', '.join(str(p) for p in saved)}")
    elif args.command == "schema":
        try:
            written = write_schemas(args.out)
        except HosplogiError as refused:
            parser.error(_one_line(refused))
        out = [f"wrote {len(written)} JSON Schemas to {args.out}"]
    elif args.command == "serve":
        try:
            _serve(args)
        except (HosplogiError, ValidationError) as refused:
            args.refuse(_one_line(refused))
        return 0
    else:
        try:
            scenario, result = run_simulation(
                args.beds, args.days, args.seed, args.policy, args.outsource
            )
        except (HosplogiError, ValidationError) as refused:
            args.refuse(_one_line(refused))  # the simulate usage and status 2, as argparse does
        out = summary_lines(scenario, result)
        if args.plot:
            try:
                figure = simulation_figure(result, args.plot)
            except HosplogiError as refused:
                args.refuse(_one_line(refused))
            out.append(f"figure: {figure}")
    sys.stdout.write("\n".join(out) + "\n")
    return 0
