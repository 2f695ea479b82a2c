"""One search box: places in any spelling or script, events by the words of their title or summary.

Places come from the corridor gazetteer (``geo/gazetteer.json``, built by
scripts/build_gazetteer.py): every spelling of a place is held under two keys,
:func:`bordermap.gazetteer.ascii_key` (any script to ASCII, folded: "Хорог" -> "khorog") and
:func:`bordermap.gazetteer.consonant_key` (vowels dropped: "Khorugh"/"Khorog" -> "khrgh"/"khrg"),
and a query is matched exactly, as a prefix, then fuzzily (rapidfuzz) for typos. Ties go to the
project's own places, then the larger.

Events are searched in the columnar table (:class:`bordermap.core.table.EventTable`) with
pyarrow.compute, never a loop over events: an :class:`EventIndex` folds each distinct
"title + summary" text once (lower case, diacritics off), and a query's words must each start a
word of the text; the index keeps the distinct texts apart from the rows, so a dataset whose
events share texts is searched once per text.

Queries are user input: :func:`clean_query` caps their length and drops what is not text
(lone surrogates, controls, bidi marks); no query raises.
"""

from __future__ import annotations

import json
import re
import unicodedata
from bisect import bisect_left
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from rapidfuzz import fuzz, process

from bordermap.core.table import EventTable, iso_day
from bordermap.errors import BordermapError
from bordermap.gazetteer import Gazetteer, Place, ascii_key, consonant_key

__all__ = [
    "EventIndex",
    "GazetteerFileError",
    "MAX_QUERY_CHARS",
    "PlaceIndex",
    "SearchResult",
    "clean_query",
    "load_place_index",
    "search",
]

#: A query longer than this is cut (no place name or event wording needs more).
MAX_QUERY_CHARS = 200
#: At most this many words of a query are looked for in events (each must match).
MAX_QUERY_WORDS = 8

# Scores (0..1): the kind of match decides; fuzzy scores stay below every exact/prefix one.
_EXACT, _CONSONANTS, _PREFIX, _FUZZY = 1.0, 0.9, 0.8, 0.7
# An event matched sits between a place matched by a prefix and a place a typo away.
_EVENT_IN_TITLE, _EVENT_IN_SUMMARY = 0.78, 0.72
_FUZZY_CUTOFF = 80  # rapidfuzz ratio, 0..100
_KIND_RANK = {"capital": 0, "province": 1, "city": 2, "town": 3, "district": 4}


class GazetteerFileError(BordermapError):
    """The gazetteer file is missing or not a gazetteer."""


@dataclass(frozen=True)
class SearchResult:
    """One hit. ``kind`` is "place" (``lon``/``lat``, ``id`` the place id, ``bbox`` for a province)
    or "event" (``row`` in the table's story order, ``id`` the event id); ``detail`` is
    "country, admin1" for a place and the date for an event; ``score`` in 0..1."""

    kind: str
    label: str
    detail: str
    score: float
    id: str
    lon: float | None = None
    lat: float | None = None
    row: int | None = None
    bbox: tuple[float, float, float, float] | None = None


def clean_query(text: object) -> str:
    """User text -> a searchable string: at most :data:`MAX_QUERY_CHARS` characters, NFKC,
    controls, format characters (bidi marks, zero-width joiners), lone surrogates and
    unassigned code points turned into spaces, runs of spaces made one."""
    if not isinstance(text, str):
        return ""
    text = text[: MAX_QUERY_CHARS * 2]  # NFKC can only grow a string by a bounded factor
    text = "".join(" " if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp") else ch
                   for ch in text)
    text = unicodedata.normalize("NFKC", text)
    return " ".join(text.split())[:MAX_QUERY_CHARS]


# ---- places --------------------------------------------------------------------------------

class PlaceIndex:
    """Places under their transliteration-tolerant keys, for :meth:`search`.

    Parameters
    ----------
    places : iterable of Place
        Places with coordinates (others are skipped: a search result must be somewhere).
    """

    def __init__(self, places: Iterable[Place]):
        self.places: list[Place] = [p for p in places if p.lon is not None and p.lat is not None]
        self._exact: dict[str, set[int]] = {}
        self._consonants: dict[str, set[int]] = {}
        for i, place in enumerate(self.places):
            for spelling in (place.name, *place.alt_names):
                key = ascii_key(spelling)
                if key:
                    self._exact.setdefault(key, set()).add(i)
                    self._consonants.setdefault(consonant_key(spelling), set()).add(i)
        self._keys = sorted(self._exact)
        # Tie-breaks: the project's places first, then capitals/provinces/towns, then population.
        self._rank = [(p.source != "project", _KIND_RANK.get(p.kind or "", 9), -(p.population or 0), p.name, p.id)
                      for p in self.places]

    @classmethod
    def from_gazetteer(cls, data: dict) -> PlaceIndex:
        return cls(Gazetteer.from_gazetteer(data))

    def __len__(self) -> int:
        return len(self.places)

    def search(self, query: str, limit: int = 10) -> list[SearchResult]:
        """Places matching ``query``, best first: an exact key, the same consonants, a prefix of
        a key (three characters or more), then a typo away (rapidfuzz ratio ≥ 80)."""
        key = ascii_key(clean_query(query))
        if not key or limit <= 0:
            return []
        best: dict[int, float] = {}

        def offer(ids: Iterable[int], score: float) -> None:
            for i in ids:
                if score > best.get(i, -1.0):
                    best[i] = score

        offer(self._exact.get(key, ()), _EXACT)
        consonants = consonant_key(query)
        if len(consonants) >= 2:
            offer(self._consonants.get(consonants, ()), _CONSONANTS)
        if len(key) >= 3:
            start = bisect_left(self._keys, key)
            for k in self._keys[start:]:
                if not k.startswith(key):
                    break
                offer(self._exact[k], _PREFIX + 0.1 * len(key) / len(k) - 0.001)
        if len(key) >= 4:
            for k, ratio, _ in process.extract(key, self._keys, scorer=fuzz.ratio,
                                               score_cutoff=_FUZZY_CUTOFF, limit=3 * limit):
                offer(self._exact[k], _FUZZY * ratio / 100)
        order = sorted(best, key=lambda i: (-round(best[i], 6), self._rank[i]))[:limit]
        return [self._result(i, best[i]) for i in order]

    def matches(self, name: str) -> list[tuple[Place, float]]:
        """Places whose name or an alternate spelling has the key of ``name`` (score 1.0) or
        its consonants (0.9; three or more consonants, so short names match only exactly),
        best first as :meth:`search` ranks them. No prefix or typo matches: this is the
        strict lookup running text needs (``bordermap.ingest``)."""
        key = ascii_key(clean_query(name))
        if not key:
            return []
        best = {i: _EXACT for i in self._exact.get(key, ())}
        consonants = consonant_key(name)
        if len(consonants) >= 3:
            for i in self._consonants.get(consonants, ()):
                best.setdefault(i, _CONSONANTS)
        order = sorted(best, key=lambda i: (-best[i], self._rank[i]))
        return [(self.places[i], best[i]) for i in order]

    def _result(self, i: int, score: float) -> SearchResult:
        p = self.places[i]
        detail = ", ".join(part for part in (p.country, p.admin1) if part)
        if p.kind:
            detail = f"{detail} · {p.kind}"
        return SearchResult(kind="place", label=p.name, detail=detail, score=round(score, 4), id=p.id,
                            lon=p.lon, lat=p.lat, bbox=p.bbox)


def load_place_index(geo_dir: Path | str) -> PlaceIndex:
    """Read ``geo_dir/gazetteer.json`` into a :class:`PlaceIndex`.

    Raises
    ------
    GazetteerFileError
        The file is missing, not JSON, or has no ``places`` list.
    """
    path = Path(geo_dir) / "gazetteer.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise GazetteerFileError(f"{path} is missing; build it with scripts/build_gazetteer.py") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise GazetteerFileError(f"{path} could not be read: {err}") from None
    if not isinstance(data, dict) or not isinstance(data.get("places"), list):
        raise GazetteerFileError(f"{path}: expected an object with a 'places' list")
    try:
        return PlaceIndex.from_gazetteer(data)
    except (KeyError, TypeError, ValueError) as err:
        raise GazetteerFileError(f"{path}: a place is malformed ({err!r})") from None


# ---- events --------------------------------------------------------------------------------

def _fold_text(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Texts -> lower case with the diacritics off (NFKD, marks dropped). The NFKD pass, the
    costly one, runs only over the texts that are not ASCII."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    values = pc.utf8_lower(pc.fill_null(values, ""))
    wide = pc.invert(pc.string_is_ascii(values))
    if pc.any(wide).as_py():
        folded = pc.replace_substring_regex(pc.utf8_normalize(values.filter(wide), "NFKD"), r"\p{Mn}+", "")
        values = pc.replace_with_mask(values, wide, folded)
    return values


def _fold_words(query: str) -> list[str]:
    """A query -> its words folded as :func:`_fold_text` folds texts, longest first (the
    rarest, most often, so the later words are looked for among fewer texts)."""
    decomposed = unicodedata.normalize("NFKD", clean_query(query).lower())
    kept = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    words = "".join(ch if ch.isalnum() else " " for ch in kept).split()
    return sorted(dict.fromkeys(words), key=len, reverse=True)[:MAX_QUERY_WORDS]


#: Where a word starts: the text's start or a character that is neither letter nor digit.
_WORD_START = r"(?:^|[^\p{L}\p{N}])"
#: Lower-case letters and digits, commonest in English text first (others count as rarer still).
_COMMONEST = " etaoinsrhldcumfpgwybvkxjqz0123456789"


def _scan_literal(word: str) -> str:
    """The part of ``word`` to scan for first: from its rarest character on (at least three
    characters long). RE2 finds a literal by looking for its first byte, so a rare first byte
    ("zarov" rather than "nazarov") is a faster scan; the whole word is checked afterwards."""
    last = max(1, len(word) - 2)
    start = max(range(last), key=lambda i: (_COMMONEST.find(word[i]) % len(_COMMONEST + "?"), -i))
    return word[start:]


def _distinct_folded(texts: pa.Array | pa.ChunkedArray) -> tuple[np.ndarray, pa.Array]:
    """Each row's code and the distinct texts, folded."""
    if isinstance(texts, pa.ChunkedArray):
        texts = texts.combine_chunks()
    encoded = pc.dictionary_encode(texts)
    return encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64), _fold_text(encoded.dictionary)


def _texts_with_words(texts: pa.Array, words: list[str]) -> np.ndarray:
    """Boolean per text: it has a word starting with each of ``words``. Each word is first
    found as a literal (from its rarest character, :func:`_scan_literal`) among the texts that
    had the words before, then checked to start a word in those found."""
    keep = np.arange(len(texts))
    for word in words:
        candidates = texts if len(keep) == len(texts) else texts.take(pa.array(keep))
        hit = np.flatnonzero(pc.match_substring_regex(candidates, re.escape(_scan_literal(word)))
                             .to_numpy(zero_copy_only=False))
        starts = pc.match_substring_regex(candidates.take(pa.array(hit)), _WORD_START + re.escape(word))
        keep = keep[hit[starts.to_numpy(zero_copy_only=False)]]
        if not len(keep):
            break
    found = np.zeros(len(texts), dtype=bool)
    found[keep] = True
    return found


class EventIndex:
    """An event table's titles and summaries, folded once for word search.

    Each distinct "title + summary" text is folded once (a dataset whose events repeat texts
    is searched once per text); a word is found by RE2 as a literal (fast: a memchr scan), and
    only the texts that hold it are checked for it starting a word.

    Parameters
    ----------
    events : EventTable
        The table searched; results give rows in its order.
    """

    def __init__(self, events: EventTable):
        self.events = events
        title = pc.fill_null(events.table["title"], "")
        text = pc.binary_join_element_wise(title, pc.fill_null(events.table["summary"], ""), "\n")
        self._text_codes, self._text = _distinct_folded(text)
        self._title_codes, self._title = _distinct_folded(title)

    def __len__(self) -> int:
        return len(self.events)

    def _matching_rows(self, words: list[str]) -> np.ndarray:
        """Rows (ascending) whose text has a word starting with each of ``words``."""
        return np.flatnonzero(_texts_with_words(self._text, words)[self._text_codes])

    def search(self, query: str, limit: int = 10) -> list[SearchResult]:
        """Events whose title or summary has a word starting with each word of ``query``;
        those with every word in the title first, then in story order."""
        words = _fold_words(query)
        if not words or limit <= 0 or not len(self.events):
            return []
        rows = self._matching_rows(words)
        if not len(rows):
            return []
        in_title = _texts_with_words(self._title, words)[self._title_codes[rows]]
        first = rows[in_title][:limit]
        return ([self._result(int(r), True) for r in first]
                + [self._result(int(r), False) for r in rows[~in_title][: limit - len(first)]])

    def count(self, query: str) -> int:
        """How many events match ``query`` (as :meth:`search` matches, without the limit)."""
        words = _fold_words(query)
        return int(len(self._matching_rows(words))) if words and len(self.events) else 0

    def _result(self, row: int, title_match: bool) -> SearchResult:
        t0, t1 = int(self.events.t0[row]), int(self.events.t1[row])
        detail = iso_day(t0) if t0 == t1 else f"{iso_day(t0)} – {iso_day(t1)}"
        return SearchResult(kind="event", label=str(self.events.table["title"][row].as_py() or ""), detail=detail,
                            score=_EVENT_IN_TITLE if title_match else _EVENT_IN_SUMMARY,
                            id=str(self.events.table["id"][row].as_py()), row=row)


def search(query: str, places: PlaceIndex | None = None, events: EventIndex | None = None,
           limit: int = 10) -> list[SearchResult]:
    """Places then events for ``query``, by score, at most ``limit`` in all.

    A place matched exactly, by its consonants or as a prefix comes before any event; events
    (those with every word in the title first) before places only a typo away; at equal scores
    places first. Within a kind, as its index's ``search`` ranks them.
    """
    limit = max(0, min(int(limit), 1000))
    found: list[SearchResult] = []
    if places is not None:
        found += places.search(query, limit)
    if events is not None:
        found += events.search(query, limit)
    found.sort(key=lambda r: (-r.score, r.kind != "place"))
    return found[:limit]
