"""Place names in a report -> ranked gazetteer candidates, or unresolved names.

Two passes, as the reference geoparsers' own error analyses advise (docs/ingest.md):

1. **Gazetteer rules** over every sentence: runs of one to four capitalised words are looked up
   in the corridor gazetteer (:meth:`bordermap.search.PlaceIndex.matches`: its
   transliteration-tolerant keys meet Ishkashim, Eshkashem and Ишкашим), longest first. A name
   is also looked up as a district ("X District", "Nohiyai X"), so "Ishkashim" finds the two
   towns and the two districts facing each other across the Panj.
2. **spaCy's GPE/LOC/FAC/ORG spans** the first pass did not cover, and "the village of X",
   "X village": looked up once more (trimmed of "the", "'s", "district"); what still is not
   in the gazetteer is kept as an *unresolved* place.

A name with several candidates keeps them all, ranked by the cues of its sentence and its
paragraph: a bank named next to it ("the Afghan town of", "on the Tajik side"), the countries
and provinces mentioned, the other places resolved without doubt; a following "district" makes
the districts win. Precision follows ACLED: 1 a town, 2 "near X" or a district, 3 a province.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bordermap.gazetteer import Place
from bordermap.search import PlaceIndex

__all__ = ["Candidate", "PlaceMention", "find_places", "geo_precision"]

_WORD = re.compile(r"[^\W\d_][\w'’‘-]*")
_MAX_WORDS = 4
_TOWN_KINDS = {"town", "city", "place", "capital", "crossing", "mine"}
_NEAR = re.compile(r"\b(?:near|nearby|outside|close to|not far from|in the vicinity of|on the outskirts of|outskirts of|"
                   r"in the area of|area of|kilomet(?:er|re)s? (?:from|of)|km (?:from|of)|\d+\s*km\s+(?:\w+\s+)?(?:of|from))\s+(?:the\s+)?"
                   r"(?:(?:village|town|city|district|settlement|area)\s+of\s+)?$", re.I)
_DISTRICT_AFTER = re.compile(r"^\s*(?:district|rayon|raion|nohiya|woleswali|uluswali)\b", re.I)
_PROVINCE_AFTER = re.compile(r"^\s*(?:province|region|oblast|viloyat)\b", re.I)
_NOT_PLACE_AFTER = re.compile(r"^\s*(?:river|border guards?|police|detachment|unit|airport)\b", re.I)
_COUNTRY_CUES = {
    "TJK": re.compile(r"\bTajik(?:istan)?(?:'s|’s)?\b|\bGBAO\b|Gorno-Badakhshan|\bDushanbe\b|\bKhatlon\b|\bPamirs?\b|\bGKNB\b", re.I),
    "AFG": re.compile(r"\bAfghan(?:istan)?(?:'s|’s)?\b|\bTaliban\b|\bKabul\b|\bTakhar\b|\bKunduz\b|"
                      r"Badakhshan province|province of Badakhshan|Afghan Badakhshan", re.I),
}
_NEXT_TO = {
    "TJK": re.compile(r"\bTajik(?:istan)?(?:'s|’s)?\s+(?:(?:border\s+)?(?:town|village|district|city|side|settlement|bank|post|outpost)\s+(?:of\s+)?)?$"
                      r"|\bTajik\s+(?:side|bank)\s+of\s+(?:the\s+)?(?:border|river|Panj)\s*(?:,|in|at)?\s*$", re.I),
    "AFG": re.compile(r"\bAfghan(?:istan)?(?:'s|’s)?\s+(?:(?:border\s+)?(?:town|village|district|city|side|settlement|bank|province)\s+(?:of\s+)?)?$"
                      r"|\bAfghan\s+(?:side|bank)\s+of\s+(?:the\s+)?(?:border|river|Panj)\s*(?:,|in|at)?\s*$", re.I),
}
_AFTER_COUNTRY = {
    "TJK": re.compile(r"^\s*(?:,\s*(?:in\s+)?Tajikistan\b|\s+on\s+the\s+Tajik\s+(?:side|bank)|\s+in\s+Tajikistan\b|,\s*GBAO\b|\s*\(Tajikistan\))", re.I),
    "AFG": re.compile(r"^\s*(?:,\s*(?:in\s+)?Afghanistan\b|\s+on\s+the\s+Afghan\s+(?:side|bank)|\s+in\s+Afghanistan\b|\s*\(Afghanistan\))", re.I),
}
_UNRESOLVED_PATTERNS = [
    re.compile(r"\b(?:village|town|settlement|hamlet|outpost|post|checkpoint|area|locality|gorge|valley)\s+of\s+"
               r"(?P<name>[A-Z][\w'’-]+(?:[\s-][A-Z][\w'’-]+)?)"),
    re.compile(r"\b(?P<name>[A-Z][\w'’-]+(?:[\s-][A-Z][\w'’-]+)?)\s+(?:village|outpost|checkpoint|border post|gorge)\b"),
]
_NOT_NAMES = {"the", "a", "an", "on", "in", "at", "of", "and", "or", "but", "for", "from", "by", "with", "near", "after",
              "before", "during", "this", "that", "these", "those", "tajik", "afghan", "tajikistan", "afghanistan", "panj",
              "river", "border", "officials", "official", "local", "residents", "police", "guards", "district", "province",
              "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february", "march",
              "april", "may", "june", "july", "august", "september", "october", "november", "december", "taliban",
              "according", "several", "two", "three", "said", "says", "he", "she", "they", "it", "we", "his", "her",
              "their", "its", "one", "some", "state", "committee", "national", "security", "ministry", "islamic", "emirate",
              "news", "agency", "radio", "asia", "plus", "early", "late", "last", "earlier", "later", "meanwhile", "also", "no",
              "none", "there", "when", "while", "after", "if", "as", "since", "until", "then", "here", "what", "who"}
_COUNTRY_NAMES = re.compile(r"^(?:the\s+)?(?:Tajikistan|Afghanistan|Russia|China|Uzbekistan|Kyrgyzstan|Pakistan|Iran|"
                            r"Turkmenistan|United States|US|USA|Europe|Central Asia|Asia)$", re.I)


@dataclass
class Candidate:
    """A gazetteer place a mention may be, with its score (0..1) and the cues that gave it."""

    place: Place
    score: float
    why: list[str] = field(default_factory=list)


@dataclass
class PlaceMention:
    """A place name in the text (``start``/``end`` offsets), its ranked candidates (empty when
    unresolved) and what its context says (``near``: "near X"; ``district``/``province``: a
    following "district"/"province")."""

    text: str
    start: int
    end: int
    sentence: int
    candidates: list[Candidate]
    near: bool = False
    district: bool = False
    province: bool = False
    found_by: str = "gazetteer"

    @property
    def resolved(self) -> bool:
        return bool(self.candidates)

    @property
    def ambiguous(self) -> bool:
        return len({c.place.id for c in self.candidates}) > 1

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None


def geo_precision(mention: PlaceMention, place: Place) -> int:
    """ACLED's geo precision for a mention resolved to ``place``: 3 a province, 2 "near X" or a
    district (or a valley), 1 a town."""
    if place.kind == "province" or mention.province:
        return 3
    if mention.near or mention.district or place.kind in ("district", "valley"):
        return 2
    return 1


def _lookup(index: PlaceIndex, name: str) -> list[tuple[Place, float, str]]:
    found: dict[str, tuple[Place, float, str]] = {}
    for place, score in index.matches(name):
        found.setdefault(place.id, (place, score, "name matches exactly" if score >= 1 else "same consonants"))
    if len(name.split()) <= 2:
        for variant in (f"{name} District", f"Nohiyai {name}"):
            for place, score in index.matches(variant):
                if place.kind == "district":
                    found.setdefault(place.id, (place, 0.85 * score, f"district named {name}"))
    return list(found.values())


def _candidates_in(sentence: str) -> list[tuple[int, int]]:
    """(start, end) in the sentence of runs of words that may be names: capitalised (or not in
    the Latin script), up to :data:`_MAX_WORDS` words, longest first at each position."""
    words = [m for m in _WORD.finditer(sentence)]
    spans = []
    for i, w in enumerate(words):
        first = w.group(0)
        if not (first[0].isupper() or not first[0].isascii()) or first.lower() in _NOT_NAMES:
            continue
        for n in range(min(_MAX_WORDS, len(words) - i), 0, -1):
            last = words[i + n - 1]
            inner = [x.group(0) for x in words[i + 1:i + n]]
            if any(not (x[0].isupper() or not x[0].isascii() or x.lower() in _JOINERS) for x in inner):
                continue
            gap = sentence[w.start():last.end()]
            if re.search(r"[,.;:()\"“”]", gap):
                continue
            spans.append((w.start(), last.end()))
    return spans


def find_places(text: str, sentences: list[tuple[int, int]], paragraphs: list[int], index: PlaceIndex,
                entities: list[tuple[int, int, str]] = ()) -> list[PlaceMention]:
    """Every place mention of the report, candidates ranked by context.

    Parameters
    ----------
    text : str
        The report.
    sentences : list of (start, end)
        Sentence offsets; ``paragraphs[i]`` is sentence i's paragraph number.
    index : PlaceIndex
        The corridor gazetteer.
    entities : list of (start, end, label)
        spaCy's named entities (offsets in ``text``).
    """
    mentions: list[PlaceMention] = []
    for si, (s0, s1) in enumerate(sentences):
        sentence = text[s0:s1]
        taken_to = -1
        for a, b in _candidates_in(sentence):
            if a < taken_to:
                continue
            name = sentence[a:b]
            if _NOT_PLACE_AFTER.match(sentence[b:]):
                continue
            hits = _lookup(index, name)
            if not hits:
                continue
            if len(name.split()) == 1 and name.lower() in _COMMON and not _looks_placey(sentence, a, b):
                continue
            mentions.append(_mention(text, s0 + a, s0 + b, si, hits, "gazetteer"))
            taken_to = b
    covered = [(m.start, m.end) for m in mentions]
    for a, b, label in entities:
        if label not in ("GPE", "LOC", "FAC", "ORG") or any(x < b and a < y for x, y in covered):
            continue
        si = _sentence_of(sentences, a)
        name = _trim_name(text[a:b])
        if not name or _COUNTRY_NAMES.match(name) or name.lower() in _NOT_NAMES:
            continue
        hits = _lookup(index, name)
        start = a + text[a:b].find(name)
        if si is not None and (hits or label != "ORG"):
            mentions.append(_mention(text, start, start + len(name), si, hits, "spacy"))
            covered.append((a, b))
    for si, (s0, s1) in enumerate(sentences):
        for pattern in _UNRESOLVED_PATTERNS:
            for m in pattern.finditer(text, s0, s1):
                a, b = m.start("name"), m.end("name")
                name = m.group("name")
                if any(x < b and a < y for x, y in covered) or name.split()[0].lower() in _NOT_NAMES:
                    continue
                mentions.append(_mention(text, a, b, si, [], "pattern"))
                covered.append((a, b))
    mentions.sort(key=lambda m: m.start)
    _rank(text, mentions, sentences, paragraphs)
    return mentions


#: Lower-case words inside a place name ("Sar-e Sang", "Kuran wa Munjan", "Darwaz-e Bala").
_JOINERS = {"e", "i", "ye", "wa", "va", "al", "ul", "district", "province", "rayon", "valley", "bridge"}
#: Gazetteer names that are also common English words: a place only with a place word nearby.
_COMMON = {"chal", "argo", "tem", "khash", "said", "bangi", "panj", "rasht"}


def _looks_placey(sentence: str, a: int, b: int) -> bool:
    before, after = sentence[max(0, a - 30):a], sentence[b:b + 30]
    return bool(re.search(r"\b(?:in|at|near|of|from|to)\s+(?:the\s+)?$", before, re.I)
                or _DISTRICT_AFTER.match(after) or re.match(r"^\s*(?:village|town|bridge|crossing)\b", after, re.I))


def _trim_name(name: str) -> str:
    name = re.sub(r"^(?:the|a)\s+", "", name.strip(), flags=re.I)
    name = re.sub(r"(?:'s|’s)$", "", name)
    name = re.sub(r"\s+(?:district|province|village|region|area)$", "", name, flags=re.I)
    return name.strip(" ,.;:")


def _sentence_of(sentences: list[tuple[int, int]], offset: int) -> int | None:
    for i, (a, b) in enumerate(sentences):
        if a <= offset < b:
            return i
    return None


def _mention(text: str, a: int, b: int, si: int, hits, found_by: str) -> PlaceMention:
    before, after = text[max(0, a - 60):a], text[b:b + 40]
    return PlaceMention(text=text[a:b], start=a, end=b, sentence=si,
                        candidates=[Candidate(p, s, [why]) for p, s, why in hits],
                        near=bool(_NEAR.search(before)), district=bool(_DISTRICT_AFTER.match(after)),
                        province=bool(_PROVINCE_AFTER.match(after)), found_by=found_by)


def _country_cues(text: str) -> dict[str, int]:
    return {c: len(p.findall(text)) for c, p in _COUNTRY_CUES.items()}


def _rank(text: str, mentions: list[PlaceMention], sentences, paragraphs) -> None:
    """Score each mention's candidates by its context, best first (ties: as the index ranks)."""
    para_text: dict[int, str] = {}
    for si, (a, b) in enumerate(sentences):
        para_text[paragraphs[si]] = para_text.get(paragraphs[si], "") + " " + text[a:b]
    # Places resolved without doubt say which country and province a sentence/paragraph is about.
    sure_sentence: dict[int, list[Place]] = {}
    sure_paragraph: dict[int, list[Place]] = {}
    for m in mentions:
        if m.resolved and not m.ambiguous:
            sure_sentence.setdefault(m.sentence, []).append(m.best.place)
            sure_paragraph.setdefault(paragraphs[m.sentence], []).append(m.best.place)
    for m in mentions:
        if not m.candidates:
            continue
        s0, s1 = sentences[m.sentence]
        sentence_cues = _country_cues(text[s0:m.start] + " " + text[m.end:s1])
        para = paragraphs[m.sentence]
        para_cues = _country_cues(para_text[para])
        before, after = text[max(s0, m.start - 60):m.start], text[m.end:min(s1, m.end + 40)]
        for c in m.candidates:
            p = c.place
            score = c.score
            if _NEXT_TO[p.country].search(before) if p.country in _NEXT_TO else False:
                score += 0.6
                c.why.append(f"called {'Tajik' if p.country == 'TJK' else 'Afghan'} next to the name")
            if p.country in _AFTER_COUNTRY and _AFTER_COUNTRY[p.country].match(after):
                score += 0.6
                c.why.append(f"{p.country} named right after the name")
            other = sum(v for k, v in sentence_cues.items() if k != p.country)
            if sentence_cues.get(p.country, 0) > other:
                score += 0.3
                c.why.append(f"the sentence speaks of {p.country}")
            elif para_cues.get(p.country, 0) > sum(v for k, v in para_cues.items() if k != p.country):
                score += 0.15
                c.why.append(f"the paragraph speaks of {p.country}")
            near_places = [q for q in sure_sentence.get(m.sentence, []) if q.id != p.id]
            para_places = [q for q in sure_paragraph.get(para, []) if q.id != p.id]
            if any(q.country == p.country and q.admin1 == p.admin1 and p.admin1 for q in near_places):
                score += 0.25
                c.why.append(f"another place of {p.admin1} in the sentence")
            elif any(q.country == p.country and q.admin1 == p.admin1 and p.admin1 for q in para_places):
                score += 0.12
                c.why.append(f"another place of {p.admin1} in the paragraph")
            if m.district:
                if p.kind == "district":
                    score += 0.35
                    c.why.append("'district' follows the name")
            elif p.kind in _TOWN_KINDS:
                score += 0.1
                c.why.append("a town (no 'district' after the name)")
            if p.source == "project":
                score += 0.02
            c.score = round(min(1.0, score / 2.2), 3)
        m.candidates.sort(key=lambda c: -c.score)
