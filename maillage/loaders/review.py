"""A steward's duplicate review, read back: which pairs to merge, which to refuse, which later."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import pandas as pd

from maillage.ground.vocabulary import fold
from maillage.loaders.text import UndecodableText, decode

#: What a steward may write in the ``decision`` column of a review file (any case, any
#: accents): accepted pairs are merged, rejected ones never proposed again, the others
#: left for later.
ACCEPT: Final = frozenset({"accept", "accepted", "yes", "y", "oui", "o", "x", "merge", "fusionner",
                           "fusion", "1", "true", "vrai", "same", "meme"})  # fmt: skip
REJECT: Final = frozenset({"reject", "rejected", "no", "n", "non", "0", "false", "faux",
                           "rejeter", "rejet", "different", "distinct", "distincts"})  # fmt: skip
LATER: Final = frozenset({"", "later", "plus_tard", "?", "maybe", "peut_etre"})


class ReviewError(ValueError):
    """A review file that cannot be applied (every problem listed)."""


@dataclass(frozen=True)
class Review:
    """A review file read: the pairs to merge ``(keep, drop)``, to refuse, and how many
    were left for later."""

    accepted: list[tuple[str, str]]
    rejected: list[tuple[str, str]]
    later: int


def read_review(path: Path) -> Review:
    """The decisions of a review file (``maillage duplicates --format csv``, a column
    ``decision`` filled in; ``keep`` may name the right id, or say ``right``).

    Every unreadable decision is listed with its line, and nothing is applied.
    """
    try:
        text, _ = decode(path.read_bytes())
    except OSError as error:
        raise ReviewError(f"cannot read {path}: {error.strerror}") from None
    except UndecodableText as error:
        raise ReviewError(f"{path}: {error}") from None
    table = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, sep=None,
                        engine="python")  # fmt: skip
    table.columns = [fold(str(c)) for c in table.columns]
    missing = [c for c in ("decision", "left", "right") if c not in table.columns]
    if missing:
        raise ReviewError(
            f"{path}: no column {', '.join(missing)}: write the file with maillage duplicates "
            "--format csv, then fill in its decision column"
        )
    accepted, rejected, later, problems = [], [], 0, []
    for line, row in enumerate(table.to_dict(orient="records"), start=2):
        word = fold(row["decision"])
        left, right = row["left"].strip(), row["right"].strip()
        keep = (row.get("keep") or left).strip()
        if fold(keep) == "right":
            keep = right
        elif fold(keep) == "left":
            keep = left
        if word in ACCEPT:
            if keep not in (left, right):
                problems.append(f"{path}:{line}: keep: {keep!r} is neither {left!r} nor {right!r}")
                continue
            accepted.append((keep, right if keep == left else left))
        elif word in REJECT:
            rejected.append((left, right))
        elif word in LATER:
            later += 1
        else:
            problems.append(
                f"{path}:{line}: decision: {row['decision']!r} is not accept (yes, oui, x), "
                "reject (no, non) or later (empty)"
            )
    if problems:
        raise ReviewError(f"{len(problems)} problems, nothing applied:\n" + "\n".join(problems))
    return Review(accepted, rejected, later)
