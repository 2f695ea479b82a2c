"""How well linking does: precision and recall of proposed links against true ones."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

__all__ = ["LinkQuality", "link_quality"]


@dataclass(frozen=True)
class LinkQuality:
    """Counts of proposed links against the true ones, and what follows from them."""

    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float:
        """The share of proposed links that are true (1 when none is proposed)."""
        proposed = self.true_positives + self.false_positives
        return self.true_positives / proposed if proposed else 1.0

    @property
    def recall(self) -> float:
        """The share of true links that are proposed (1 when there is none)."""
        true = self.true_positives + self.false_negatives
        return self.true_positives / true if true else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def link_quality(proposed: Iterable[tuple[str, str]], truth: Iterable[tuple[str, str]]) -> LinkQuality:
    """``proposed`` (a_id, b_id) pairs scored against the ``truth`` pairs."""
    found, true = set(proposed), set(truth)
    hits = len(found & true)
    return LinkQuality(hits, len(found) - hits, len(true) - hits)
