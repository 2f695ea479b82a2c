"""Actor names as weighted words, to say how much two events' actors have in common.

Every actor name and alias is cut into words of letters (``Military Forces of Afghanistan
(2014-2021)`` -> military, forces, afghanistan); words five letters or longer that are one edit
apart are one word (Taliban, Taleban); a word weighs more the fewer events use it (inverse
document frequency), so ``afghanistan`` in every other name says little and ``ansarullah`` a lot.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from bordermap.core.table import EventTable

__all__ = ["ActorWords", "expand"]

_WORD = re.compile(r"[^\W\d_]{2,}")  # letters only: ACLED's "(2014-2021)" years say nothing
_STOP_WORDS = frozenset({"of", "the", "and"})
_FUZZY_MIN = 5


def expand(lo: np.ndarray, count: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For item i with ``count[i]`` entries from position ``lo[i]``: (item of each entry, its
    position), without a Python loop."""
    query = np.repeat(np.arange(len(count)), count)
    starts = np.cumsum(count) - count
    return query, np.arange(int(count.sum())) - np.repeat(starts - lo, count)


@dataclass(eq=False)
class ActorWords:
    """The words of two tables' actors, in one vocabulary: per table, the sorted keys
    ``row * V + word``; a weight per word; per row, the weight of all its words."""

    words: list[str]
    weight: np.ndarray
    keys: tuple[np.ndarray, np.ndarray]
    total: tuple[np.ndarray, np.ndarray]

    @classmethod
    def of(cls, a: EventTable, b: EventTable) -> "ActorWords":
        sides = [a.actor_names, b.actor_names]
        encoded = pa.array(np.concatenate([s[0] for s in sides]), pa.string()).dictionary_encode()
        name_of = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
        vocab: dict[str, int] = {}
        name_words = [[vocab.setdefault(w, len(vocab)) for w in dict.fromkeys(_WORD.findall(name.lower()))
                       if w not in _STOP_WORDS] for name in encoded.dictionary.to_pylist()]
        same_as = _one_edit_classes(list(vocab))
        lengths = np.array([len(ws) for ws in name_words], dtype=np.int64)
        flat = same_as[np.array([w for ws in name_words for w in ws], dtype=np.int64)]
        offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        size = max(len(vocab), 1)
        keys = []
        for names, (_, rows) in zip(np.split(name_of, [len(sides[0][0])]), sides):
            item, pos = expand(offsets[names], lengths[names])
            keys.append(np.unique(rows[item] * size + flat[pos]))
        used_by = np.bincount(np.concatenate([k % size for k in keys]), minlength=size)
        weight = np.log1p((len(a) + len(b)) / np.maximum(used_by, 1))
        total = tuple(np.bincount(k // size, weights=weight[k % size], minlength=n)
                      for k, n in zip(keys, (len(a), len(b))))
        return cls(list(vocab), weight, (keys[0], keys[1]), total)  # type: ignore[arg-type]

    def overlap(self, ia: np.ndarray, ib: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per pair (row ``ia`` of a, row ``ib`` of b): the weight of the shared words over the
        weight of the smaller side's words (NaN when a side has none), and the rarest shared
        word (an index into :attr:`words`, -1 for none)."""
        size = max(len(self.words), 1)
        akeys, bkeys = self.keys
        starts = np.searchsorted(akeys, ia * size)
        item, pos = expand(starts, np.searchsorted(akeys, (ia + 1) * size) - starts)
        word = akeys[pos] % size
        probe = ib[item] * size + word
        if len(bkeys):
            hit = bkeys[np.minimum(np.searchsorted(bkeys, probe), len(bkeys) - 1)] == probe
        else:
            hit = np.zeros(len(probe), bool)
        w = self.weight[word]
        shared = np.bincount(item[hit], weights=w[hit], minlength=len(ia))
        least = np.minimum(self.total[0][ia], self.total[1][ib])
        score = np.where(least > 0, shared / np.where(least > 0, least, 1), np.nan)
        rarest = np.full(len(ia), -1, dtype=np.int64)
        order = np.lexsort((-w[hit], item[hit]))
        hit_item, hit_word = item[hit][order], word[hit][order]
        first = np.r_[True, hit_item[1:] != hit_item[:-1]] if len(hit_item) else np.zeros(0, bool)
        rarest[hit_item[first]] = hit_word[first]
        return np.minimum(score, 1.0), rarest


def _one_edit_classes(words: list[str]) -> np.ndarray:
    """For each word, the first word of its class: words of _FUZZY_MIN letters or more that are
    a letter apart (one changed, added or dropped, or two swapped) share a class. Found through shared
    one-letter deletions (as spelling correctors do), never by comparing every pair."""
    parent = list(range(len(words)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    seen: dict[str, int] = {}
    for i, w in enumerate(words):
        if len(w) < _FUZZY_MIN:
            continue
        for variant in {w, *(w[:k] + w[k + 1:] for k in range(len(w)))}:
            j = seen.setdefault(variant, i)
            ri, rj = root(i), root(j)
            if ri != rj:
                parent[max(ri, rj)] = min(ri, rj)
    return np.array([root(i) for i in range(len(words))], dtype=np.int64)
