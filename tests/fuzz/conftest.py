"""Fuzz tests report what they sent and found in pytest's terminal summary, whether or not
output capture is on."""

from __future__ import annotations

import pytest

from tests.fuzz.figures import FIGURES


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not FIGURES:
        return
    terminalreporter.section("fuzzing figures")
    for test, figures in FIGURES.items():
        terminalreporter.write_line(f"{test}:")
        for name, value in figures.items():
            terminalreporter.write_line(f"  {name}: {value}")
