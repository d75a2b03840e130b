"""Problems found in input files, reported as FILE:LINE: column: message."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one cell, row or file.

    >>> str(Problem("ties.csv", 4, "target", "unknown organization 'x'"))
    "ties.csv:4: target: unknown organization 'x'"
    """

    file: str
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.column}: {self.message}"


class InvalidInput(Exception):
    """Input refused: every problem is listed and nothing was written."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        noun = "problem" if len(self.problems) == 1 else "problems"
        super().__init__(
            f"{len(self.problems)} {noun}, nothing loaded:\n"
            + "\n".join(str(p) for p in self.problems)
        )
