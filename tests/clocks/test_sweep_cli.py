"""``tousu sweep [--now ISO-TIME]`` prints what it did; bad input exits with 2."""

from __future__ import annotations

import argparse

import pytest

from tests.clocks.helpers import dispatched
from tousu.cli import main
from tousu.clock_cli import cmd_sweep, register

pytestmark = pytest.mark.django_db


def sweep(now: str | None) -> int:
    return cmd_sweep(argparse.Namespace(now=now))


def test_sweep_prints_each_action(org, capsys):
    case = dispatched(org)
    assert sweep("2026-11-02T11:40") == 0
    out = capsys.readouterr().out
    assert out.startswith(
        "sweep as of 2026-11-02T11:40:00+08:00: case.escalated 2, case.overdue 1"
    )
    assert f"  {case.number} work order eng: escalated notify_handler" in out
    assert f"  {case.number} work order eng: escalated notify_unit_head" in out
    assert sweep("2026-11-02T11:40+08:00") == 0
    assert "nothing to do" in capsys.readouterr().out


def test_bad_time_and_time_before_the_case(org, capsys):
    assert sweep("yesterday") == 2
    assert "is not an ISO time" in capsys.readouterr().err
    dispatched(org)
    assert sweep("2026-11-01T09:00") == 2
    assert "created after the sweep time 2026-11-01 09:00:00" in capsys.readouterr().err


def test_register_adds_the_commands():
    parser = argparse.ArgumentParser(prog="tousu")
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["sweep", "--now", "2026-11-02T09:00"])
    assert args.handler is cmd_sweep and args.now == "2026-11-02T09:00"
    assert parser.parse_args(["calendar", "import", "x.csv"]).file == "x.csv"
    assert parser.parse_args(["worker", "--concurrency", "2"]).concurrency == 2


def test_the_tousu_command_runs_the_sweep_and_refuses_a_time_before_a_case(org, capsys):
    case = dispatched(org)
    assert main(["sweep", "--now", "2026-11-02T11:40"]) == 0
    assert f"{case.number} work order eng: escalated notify_handler" in capsys.readouterr().out
    assert main(["sweep", "--now", "2026-11-01T09:00"]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"tousu sweep: refused: case {case.number} created after the sweep time "
        "2026-11-01 09:00:00: its clocks were not looked at\n"
    )
    assert case.events.filter(kind="case.escalated").count() == 2  # the refusal changed nothing
