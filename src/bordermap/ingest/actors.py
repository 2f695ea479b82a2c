"""Who took part, and what kind of event it was, from the report's wording.

Actors are matched against a small dictionary of the region's forces and groups
(``ingest/actors.json``: Tajik border guards, the GKNB, Afghan border police, the Taliban,
Jamaat Ansarullah, the IMU, drug smugglers ...), each with ACLED's actor type; names spaCy finds
that the dictionary lacks (organisations, groups) are kept as they are written.

The event type and sub-type follow ACLED's definitions, most specific wording first: shelling,
an air strike, a mine or a bomb are *Explosions/Remote violence*; a territory taken is a
*Battle* of that sub-type; an abduction, an attack on civilians *Violence against civilians*; a
clash, an exchange of fire, fighting a *Battle (Armed clash)*; arrests and seizures *Strategic
developments*; protests and riots their own types.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from bordermap.ingest.claims import claimant_kind

__all__ = ["ActorMention", "EventTypeReading", "find_actors", "classify"]


@dataclass(frozen=True)
class ActorMention:
    """An actor named at ``start``..``end``: its dictionary ``name`` and ACLED ``inter``
    (None for a name only spaCy found), and the words used."""

    name: str
    inter: str | None
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class EventTypeReading:
    """An ACLED type and sub-type, the words that gave it (offsets) and the rule's confidence."""

    event_type: str
    sub_event_type: str
    text: str
    start: int
    end: int
    confidence: float


@lru_cache(maxsize=1)
def _dictionary() -> list[tuple[str, str, re.Pattern[str]]]:
    data = json.loads(resources.files("bordermap").joinpath("ingest/actors.json").read_text("utf-8"))
    return [(a["name"], a["inter"], re.compile(r"\b(?:" + "|".join(a["patterns"]) + r")\b", re.I))
            for a in data["actors"]]


def find_actors(text: str, start: int, end: int, entities=(), skip: list[tuple[int, int]] = ()) -> list[ActorMention]:
    """Actors named in ``text[start:end]``, in order; ``skip`` spans (claimants) are left out
    (residents who say three died are a source, not a party)."""
    found: list[ActorMention] = []
    taken: list[tuple[int, int]] = list(skip)
    for name, inter, pattern in _dictionary():
        for m in pattern.finditer(text, start, end):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            found.append(ActorMention(name, inter, m.group(0), m.start(), m.end()))
            taken.append((m.start(), m.end()))
    for a, b, label in entities:
        if label not in ("ORG", "NORP") or not (start <= a < end) or any(x < b and a < y for x, y in taken + list(skip)):
            continue
        words = text[a:b]
        if label == "NORP" or len(words) < 3:
            continue  # "Tajik", "Afghan": a bank, not an actor
        if (words.isupper() and len(words) > 5) or claimant_kind(words) == "media":
            continue  # "DUSHANBE" of a dateline; an outlet that relays the news
        found.append(ActorMention(words, None, words, a, b))
        taken.append((a, b))
    return sorted(found, key=lambda m: m.start)


# (pattern, event type, sub-type, confidence), most specific first.
_RULES: list[tuple[re.Pattern[str], str, str, float]] = [(re.compile(p, re.I), t, s, c) for p, t, s, c in [
    (r"\b(?:air ?strikes?|drone strikes?|bombed from the air|air raids?)\b", "Explosions/Remote violence", "Air/drone strike", 0.8),
    (r"\bsuicide (?:bomb(?:er|ing)?|attack(?:er)?)\b", "Explosions/Remote violence", "Suicide bomb", 0.8),
    (r"\b(?:shell(?:ed|ing)|mortars?|rockets?|artillery|missiles?)\b", "Explosions/Remote violence", "Shelling/artillery/missile attack", 0.75),
    (r"\b(?:landmines?|mines? (?:exploded|blast)|IEDs?|roadside bombs?|explosive devices?|stepped on a mine)\b",
     "Explosions/Remote violence", "Remote explosive/landmine/IED", 0.75),
    (r"\bgrenades?\b", "Explosions/Remote violence", "Grenade", 0.7),
    (r"\b(?:recaptured|retook|regained control|took back)\b", "Battles", "Government regains territory", 0.65),
    (r"\b(?:seized control|captured the|overran|took control of|fell to)\b", "Battles", "Non-state actor overtakes territory", 0.65),
    (r"\b(?:abduct(?:ed|ion)|kidnapp?(?:ed|ing)|taken hostage|went missing)\b", "Violence against civilians",
     "Abduction/forced disappearance", 0.7),
    (r"\b(?:clash(?:ed|es)?|firefights?|exchange of fire|exchanged fire|gunfights?|gun battles?|fighting|fought|skirmish(?:es)?|"
     r"shootouts?|ambush(?:ed)?|attacked (?:a|the) (?:border )?(?:post|outpost|checkpoint)|opened fire on (?:border guards|soldiers|troops|police))\b",
     "Battles", "Armed clash", 0.75),
    (r"\b(?:shot dead|killed|attacked|beaten|shot)\s+(?:a |an |two |three |several )?(?:local )?(?:civilians?|shepherds?|farmers?|villagers?|residents?|fishermen|herders?)\b",
     "Violence against civilians", "Attack", 0.65),
    (r"\b(?:arrest(?:ed|s)?|detain(?:ed|s)?|apprehend(?:ed)?|captured|taken into custody)\b", "Strategic developments", "Arrests", 0.65),
    (r"\b(?:seized|confiscated|intercepted)\s+(?:[\w-]+\s+){0,4}?(?:weapons?|arms|ammunition|rifles?|guns?)\b",
     "Strategic developments", "Disrupted weapons use", 0.6),
    (r"\b(?:protest(?:ed|ers|s)?|rall(?:y|ied)|demonstrat(?:ed|ion|ors))\b", "Protests", "Peaceful protest", 0.6),
    (r"\briot(?:s|ing|ers)?\b", "Riots", "Violent demonstration", 0.6),
    (r"\b(?:agreement|agreed|signed a deal|ceasefire|truce)\b", "Strategic developments", "Agreement", 0.5),
    (r"\b(?:seized|confiscated|intercepted)\b|\bsmuggl", "Strategic developments", "Other", 0.45),
    (r"\b(?:killed|died|dead|shot|wounded|injured|attack(?:ed)?)\b", "Battles", "Armed clash", 0.4),
]]


def classify(text: str, spans: list[tuple[int, int]], armed_actors: int = 2) -> EventTypeReading:
    """The ACLED type of the incident told in ``spans`` of ``text`` (its sentences).

    The most specific rule that matches any sentence wins; a death or wounding with one armed
    side only ("killed a shepherd") is an attack on civilians; nothing recognised is a
    *Strategic development (Other)* with low confidence.
    """
    for pattern, event_type, sub_type, sure in _RULES:
        for a, b in spans:
            m = pattern.search(text, a, b)
            if m:
                if sub_type == "Armed clash" and sure < 0.5 and armed_actors < 2:
                    return EventTypeReading("Violence against civilians", "Attack", m.group(0), m.start(), m.end(), 0.35)
                return EventTypeReading(event_type, sub_type, m.group(0), m.start(), m.end(), sure)
    a, b = spans[0]
    return EventTypeReading("Strategic developments", "Other", text[a:b], a, b, 0.2)
