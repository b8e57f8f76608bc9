"""Fault tests count what happened; the counts show at the end of the normal pytest output."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

_reports: list[Figures] = []


class Figures:
    """What one test counted, printed as it goes and repeated in the terminal summary."""

    def __init__(self, title: str) -> None:
        self.title = title
        self.lines: list[str] = []

    def add(self, name: str, value: Any) -> None:
        line = f"{name}: {value}"
        self.lines.append(line)
        print(f"[{self.title}] {line}")


@pytest.fixture
def figures(request: pytest.FixtureRequest) -> Iterator[Figures]:
    report = Figures(request.node.name)
    _reports.append(report)
    began = time.monotonic()
    yield report
    report.add("run time", f"{time.monotonic() - began:.1f} s")


def pytest_terminal_summary(terminalreporter: Any) -> None:
    shown = [report for report in _reports if report.lines]
    if not shown:
        return
    terminalreporter.section("fault injection figures")
    for report in shown:
        terminalreporter.write_line(report.title)
        for line in report.lines:
            terminalreporter.write_line(f"    {line}")
