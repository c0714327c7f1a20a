"""The command line and the demo day."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from hosplogi import HoldReason, Priority, Status, __version__
from hosplogi.cli import main
from hosplogi.cli.demo import demo_day, demo_technicians
from hosplogi.orders import Action


def test_version_flag_prints_the_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out.strip() == f"hosplogi {__version__}"


def test_no_command_prints_help_and_fails(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "demo" in capsys.readouterr().out


def test_demo_prints_every_order_and_the_day_summary(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    for order in demo_day():
        assert order.id in out
    assert "挂起" in out
    assert "验收✗" in out
    assert "handover E01 → E02" in out
    assert "Carried over to the night shift: WO-0317 (on hold), WO-0318 (in progress)." in out


def test_demo_tours_every_engine(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    for heading in (
        "SLA clocks at the end of the day",
        "who should go? (hosplogi.scheduling.recommend)",
        "Tomorrow's plan",
        "violations: 0",
        "balanced scorecard",
        "payable 46,100.00 CNY",
        "rectification order INSP-0302#exit",
        "run again with those orders existing: 0 new",
        "sum 1,000.00 CNY",
        "Chain-of-custody audit",
        "Equipment reliability (hosplogi.assets",
        "The month's statement so far",
        "Re-planned (hosplogi.scheduling.replan)",
    ):
        assert heading in out


def test_simulate_prints_sla_utilisation_scorecard_and_cost(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["simulate", "--beds", "120", "--days", "3", "--seed", "2", "--outsource", "lifts"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    for heading in (
        "SLA compliance by priority",
        "Utilisation by main trade",
        "Equipment reliability by category",
        "Balanced scorecard",
        "Labour cost for the period",
        "C-V-LIFTS-lifts",
    ):
        assert heading in out  # fmt: skip


def test_python_dash_m_runs_the_demo() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "hosplogi", "demo"], capture_output=True, text=True, check=True
    )
    assert "WO-0320" in done.stdout


def test_demo_day_covers_trades_priorities_holds_and_rework() -> None:
    orders = demo_day()
    assert len(orders) == 20
    assert {o.priority for o in orders} == set(Priority)
    assert len({o.trade for o in orders}) >= 6
    holds = [e.hold_reason for o in orders for e in o.events if e.action is Action.HOLD]
    assert HoldReason.AWAITING_MATERIAL in holds
    assert any(e.action is Action.REJECT for o in orders for e in o.events)
    assert {o.status for o in orders} == set(Status)


def test_demo_assignees_are_demo_technicians() -> None:
    ids = {t.id for t in demo_technicians()}
    for order in demo_day():
        for team in order.assignee_history:
            assert set(team) <= ids


def test_demo_plot_saves_the_days_figures(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo", "--plot", str(tmp_path / "figs")]) == 0
    assert "figures: " in capsys.readouterr().out
    for name in ("plan.png", "scorecard.png", "compliance.png"):
        assert (tmp_path / "figs" / name).read_bytes().startswith(b"\x89PNG")


def test_simulate_plot_saves_a_figure_or_says_why_not(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["simulate", "--beds", "60", "--days", "1", "--seed", "2"]
    assert main([*argv, "--plot", str(tmp_path / "run.png")]) == 0
    assert (tmp_path / "run.png").read_bytes().startswith(b"\x89PNG")
    with pytest.raises(SystemExit) as stopped:
        main([*argv, "--plot", str(tmp_path / "missing" / "run.png")])
    assert stopped.value.code == 2
    assert "cannot write the figure" in capsys.readouterr().err
