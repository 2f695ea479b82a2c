"""Casualty figures in a sentence, each with who gives it.

"Officials said two soldiers were killed" and "local residents say three died" are two claims
side by side, by two claimants; they are never averaged or merged. Numbers are read in digits
or words ("twenty-one"), ranges ("10 to 15": low/high), bounds ("at least 8": low) and vague
quantities as ACLED codes them (its codebook, "Reported fatalities"): "dozens" = 12, "tens" =
10, "hundreds" = 100, "many"/"scores" = 10, "several"/"a few"/"some" = 3 (the low end of
ACLED's "3 or 10", as fits a border incident). Deaths and injuries are kept apart.

The claimant is the subject of the saying verb that governs the figure in spaCy's parse
("officials said", "X told Asia-Plus", "according to X"); without one, the report's source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Claim", "find_claims", "parse_number", "claimant_kind", "VAGUE"]

_UNITS = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
          "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
          "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
         "ninety": 90}
#: Vague quantities -> the figure ACLED records for them.
VAGUE = {"dozens": 12, "dozens of": 12, "tens": 10, "tens of": 10, "hundreds": 100, "hundreds of": 100,
         "scores": 10, "scores of": 10, "many": 10, "several": 3, "a few": 3, "a number of": 3, "some": 3}

_WORD_NUMBER = (r"(?:(?:" + "|".join(_TENS) + r")(?:[- ](?:" + "|".join(k for k in _UNITS if k != "zero") + r"))?"
                r"|" + "|".join(sorted(_UNITS, key=len, reverse=True)) + r"|a dozen|a hundred|\d{1,4})")
_VAGUE = r"(?:dozens(?: of)?|tens of|hundreds(?: of)?|scores of|many|several|a few|a number of)"
_NUMBER = re.compile(
    r"\b(?P<qual>at least|at most|up to|as many as|more than|over|about|around|some|nearly|almost|approximately|roughly|an estimated)?\s*"
    r"(?:(?P<lo>" + _WORD_NUMBER + r")\s*(?:-(?=\s*\d)|–|\bto\b|\bor\b)\s*(?P<hi>" + _WORD_NUMBER + r")|(?P<n>" + _WORD_NUMBER + r")|(?P<vague>" + _VAGUE + r"))\b",
    re.I)
_DEATH = re.compile(r"\b(?:killed|killing|kill|dead|died|die|dies|deaths?|lives|perished|fatalities|bodies|shot dead|"
                    r"lost their lives|slain|death toll)\b", re.I)
_INJURY = re.compile(r"\b(?:wounded|wounding|injured|injuring|injuries|hurt|wounds)\b", re.I)
_PERSON = (r"(?:soldiers?|guards?|border guards?|servicem[ae]n|officers?|policem[ae]n|troops|civilians?|people|persons?|"
           r"m[ae]n|wom[ae]n|child(?:ren)?|residents?|villagers?|smugglers?|traffickers?|militants?|fighters?|gunmen|"
           r"insurgents?|attackers?|assailants?|members?|shepherds?|farmers?|citizens?|nationals?|Taliban|others?)")
_A_PERSON_WAS = re.compile(r"\b(?P<n>a|an|one)\s+(?:[\w-]+\s+){0,3}?(?:soldier|guard|servicem[ae]n|officer|policeman|civilian|man|woman|"
                           r"child|resident|villager|smuggler|trafficker|militant|fighter|shepherd|farmer|person|citizen)\s+"
                           r"(?:was|has been|had been|were)\s+(?P<what>killed|shot dead|wounded|injured|hurt)\b", re.I)
#: Saying verbs, by their forms (the pipeline runs without its lemmatizer).
_SAY = {f for stem in ("say says said saying", "tell tells told telling", "report reports reported reporting",
                       "claim claims claimed claiming", "confirm confirms confirmed", "state states stated",
                       "announce announces announced", "add adds added", "insist insists insisted",
                       "put puts", "allege alleges alleged", "quote quoted", "cite cited", "write writes wrote")
        for f in stem.split()}
_OFFICIAL = re.compile(r"\b(?:official|ministry|minister|committee|GKNB|guards?|police|government|authorit|spokes|governor|"
                       r"commander|service|agency|army|military|troops|department|administration|office|Taliban|prosecutor|"
                       r"president|embassy)", re.I)
_MEDIA = re.compile(r"\b(?:Asia-?Plus|RFE/RL|Radio Ozodi|Ozodi|Khaama|TOLO ?news|Tolonews|Pajhwok|Reuters|AFP|AP|BBC|Sputnik|"
                    r"Avesta|Interfax|TASS|RIA|news|newspaper|outlet|media|television|TV|radio|channel|Eurasianet|"
                    r"Ariana|Hasht-e Subh|8am)", re.I)


@dataclass(frozen=True)
class Claim:
    """A figure for deaths or injuries (``kind``) as one claimant gives it.

    ``total`` alone is a figure; ``low`` alone a lower bound; ``low`` and ``high`` a range;
    ``approximate`` for "about"/"some"/a vague quantity. ``start``/``end``: the figure's
    characters in the report; ``claimant`` as the report words it, or None (the report's
    source)."""

    kind: str
    total: int | None
    low: int | None
    high: int | None
    approximate: bool
    vague: str | None
    start: int
    end: int
    claimant: str | None
    figure_text: str


def parse_number(text: str) -> int | None:
    """"21", "twenty-one", "a dozen", "dozens" (12), "hundreds" (100), "several" (3) -> an int."""
    t = " ".join(text.lower().replace("-", " ").split())
    if t.isdigit():
        return int(t)
    if t in VAGUE:
        return VAGUE[t]
    if t in ("a dozen", "dozen"):
        return 12
    if t in ("a hundred", "hundred"):
        return 100
    if t in _UNITS:
        return _UNITS[t]
    parts = t.split()
    if parts and parts[0] in _TENS:
        return _TENS[parts[0]] + (_UNITS.get(parts[1], 0) if len(parts) > 1 else 0)
    return None


def claimant_kind(claimant: str) -> str:
    """The kind of source a claimant is (the model's ``sources[].kind``): official, media or other."""
    if _MEDIA.search(claimant):
        return "media"
    if _OFFICIAL.search(claimant):
        return "official"
    return "other"


def _figure(m: re.Match[str]) -> dict | None:
    qual = (m.group("qual") or "").lower()
    if m.group("vague"):
        n = parse_number(m.group("vague"))
        return {"total": n, "low": None, "high": None, "approximate": True, "vague": m.group("vague").lower()}
    if m.group("lo"):
        lo, hi = parse_number(m.group("lo")), parse_number(m.group("hi"))
        if lo is None or hi is None or lo > hi:
            return None
        return {"total": None, "low": lo, "high": hi, "approximate": bool(qual), "vague": None}
    n = parse_number(m.group("n"))
    if n is None:
        return None
    if qual in ("at least", "more than", "over"):
        return {"total": None, "low": n + (1 if qual != "at least" else 0), "high": None, "approximate": False, "vague": None}
    if qual in ("up to", "as many as", "at most"):
        return {"total": None, "low": 0, "high": n, "approximate": False, "vague": None}
    return {"total": n, "low": None, "high": None, "approximate": bool(qual), "vague": None}


def _kind_after(text: str, end: int) -> str | None:
    """deaths/injuries when a casualty word follows the figure within a few words and no other
    figure or clause break comes between them."""
    window = text[end:end + 90]
    stop = re.search(r"[;.]|\bbut\b|\bwhile\b|\bwhereas\b", window, re.I)
    if stop:
        window = window[:stop.start()]
    words = window.split()[:9]
    window = " ".join(words)
    d, i = _DEATH.search(window), _INJURY.search(window)
    if d and (not i or d.start() < i.start()):
        return "deaths"
    if i:
        return "injuries"
    return None


def _kind_before(text: str, start: int) -> str | None:
    """"killing two", "death toll rose to 7", "wounding three": a casualty word just before."""
    window = text[max(0, start - 40):start].lower()
    if re.search(r"(?:killing|killed|death toll (?:\w+ )?(?:to|at|of)|toll (?:rose|climbed|reached|stood) (?:to|at)|left)\s*$", window):
        return "deaths"
    if re.search(r"(?:wounding|injuring|wounded|injured)\s*$", window):
        return "injuries"
    return None


def find_claims(sent, offset: int, skip: list[tuple[int, int]] = (), digits_skip: list[tuple[int, int]] = ()) -> list[Claim]:
    """The casualty claims of one spaCy sentence span (``offset``: its start in the report).

    ``skip`` lists report offsets (dates read) whose numbers are not figures; ``digits_skip``
    spans (spaCy's DATE/TIME entities, which may swallow a "Dozens" after a year) only where
    the figure is in digits.
    """
    text = sent.text
    claims: list[Claim] = []
    taken: list[tuple[int, int]] = []
    for m in _A_PERSON_WAS.finditer(text):
        kind = "deaths" if _DEATH.search(m.group("what")) else "injuries"
        a, b = offset + m.start("n"), offset + m.end("n")
        claims.append(Claim(kind, 1, None, None, False, None, a, b, _claimant(sent, m.start("n")), m.group(0)))
        taken.append((m.start(), m.end()))
    for m in _NUMBER.finditer(text):
        core = m.start("lo") if m.group("lo") else m.start("n") if m.group("n") else m.start("vague")
        a, b = offset + m.start(), offset + m.end()
        if any(x < b and a < y for x, y in skip) or any(x < m.end() and m.start() < y for x, y in taken):
            continue
        if (m.group("n") or "").isdigit() and any(x < b and a < y for x, y in digits_skip):
            continue
        if m.group("n") and m.group("n").lower() in ("one",) and re.match(r"\s+of\b", text[m.end():]):
            continue  # "one of the soldiers": counted by the phrase around it, not as a figure
        if re.search(r"\b(?:no|none|not a single|not)\s*$", text[max(0, m.start() - 12):m.start()], re.I):
            continue  # "no one was hurt": no figure
        if re.match(r"\s*(?:km|kilomet|metres|meters|am|pm|a\.m|p\.m|hours|days|years|%|percent|kg|tons|tonnes)", text[m.end():], re.I):
            continue
        kind = _kind_after(text, m.end()) or _kind_before(text, core)
        if kind is None:
            continue
        fig = _figure(m)
        if fig is None:
            continue
        start = a + (len(m.group(0)) - len(m.group(0).lstrip()))
        claims.append(Claim(kind, fig["total"], fig["low"], fig["high"], fig["approximate"], fig["vague"],
                            start, b, _claimant(sent, core), m.group(0).strip()))
        taken.append((m.start(), m.end()))
    return sorted(claims, key=lambda c: c.start)


def _claimant(sent, char: int) -> str | None:
    """Who says what is at ``char`` (offset in the sentence): the subject of the saying verb
    above it in the parse, else of the sentence's only saying verb; "according to X"."""
    token = None
    for t in sent:
        if t.idx - sent.start_char <= char < t.idx - sent.start_char + len(t.text) + 1:
            token = t
            break
    verbs = [t for t in sent if t.lower_ in _SAY and t.pos_ in ("VERB", "AUX")]
    according = _according_to(sent)
    chosen = None
    if token is not None:
        for anc in token.ancestors:
            if anc in verbs and _subject(anc):
                chosen = anc
                break
    if chosen is None and according:
        return according
    if chosen is None:
        with_subject = [v for v in verbs if _subject(v)]
        if len(with_subject) == 1:
            chosen = with_subject[0]
    return _subject(chosen) if chosen is not None else None


def _subject(verb) -> str | None:
    """The saying verb's subject nearest to it (a dateline parsed as a second subject is farther)."""
    subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass") and c.pos_ != "PRON"]
    if not subjects:
        return None
    child = min(subjects, key=lambda c: abs(verb.i - c.i))
    return _trim(verb.doc[child.left_edge.i:child.right_edge.i + 1].text)


def _according_to(sent) -> str | None:
    for t in sent:
        if t.lower_ == "according" and t.i + 1 < len(t.doc) and t.doc[t.i + 1].lower_ == "to":
            to = t.doc[t.i + 1]
            objects = [c for c in to.children if c.dep_ == "pobj"]
            if objects:
                obj = objects[0]
                return _trim(t.doc[obj.left_edge.i:obj.right_edge.i + 1].text)
            rest = re.match(r"according to ([^,.;]+)", sent.text[t.idx - sent.start_char:], re.I)
            return _trim(rest.group(1)) if rest else None
    return None


def _trim(text: str) -> str:
    text = re.sub(r"^(?:the|a|an)\s+", "", text.strip(" ,.;:\"'“”"), flags=re.I)
    return text[:120]
