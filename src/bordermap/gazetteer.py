"""Place names -> places, across spellings, transliterations and same-named towns.

Built from the places layer (``geo/places.geojson``) as a FeatureCollection dict; no I/O.
Names are compared after :func:`normalise_name`, so "Khorog", "KHOROG", "Xorog" and "Khorugh"
meet, and "Qal'ai Khumb" matches "Qalai-Khumb". A name shared by several places (the two
Ishkashims facing each other across the Panj; three Fayzabads) resolves to all of them, and
:meth:`Gazetteer.lookup` refuses to guess.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from anyascii import anyascii

from bordermap.errors import BordermapError

__all__ = [
    "AmbiguousPlaceError",
    "Gazetteer",
    "Place",
    "UnknownPlaceError",
    "ascii_key",
    "consonant_key",
    "normalise_name",
]


class UnknownPlaceError(BordermapError):
    """No place has this name (or none in the requested country)."""

    def __init__(self, name: str, message: str, suggestions: tuple[str, ...] = ()):
        self.name = name
        self.suggestions = suggestions
        super().__init__(message)


class AmbiguousPlaceError(BordermapError):
    """Several places share this name; ``candidates`` lists them."""

    def __init__(self, name: str, candidates: tuple[Place, ...], message: str):
        self.name = name
        self.candidates = candidates
        super().__init__(message)


@dataclass(frozen=True)
class Place:
    """One gazetteer entry.

    ``lon``/``lat`` are ``None`` for a place known only by name (a homonym listed so that a
    name can be reported as ambiguous, with no coordinates in the sources).
    """

    id: str
    name: str
    country: str
    admin1: str | None = None
    alt_names: tuple[str, ...] = ()
    kind: str | None = None
    lon: float | None = None
    lat: float | None = None
    precision: str | None = None
    geonames_id: int | None = None
    note: str = ""
    admin2: str | None = None
    population: int | None = None
    #: "project" for the project's own places (geo/places.geojson), "geonames" for the extract.
    source: str = "project"
    #: [west, south, east, north] for a province, else None.
    bbox: tuple[float, float, float, float] | None = None

    @property
    def label(self) -> str:
        """``Name (ISO3, admin1)``, as used in messages."""
        where = ", ".join(part for part in (self.country, self.admin1) if part)
        return f"{self.name} ({where})"


_DROP = {"'", "’", "‘", "ʼ", "ʻ", "`", "´", "ʹ", "-", "‐", "–", "—", "_", ".", " "}


def normalise_name(name: str) -> str:
    """Fold a place name for matching.

    Lower-cases, strips diacritics (ŭ -> u, ē -> e), and drops apostrophes, hyphens,
    dots and spaces: ``"Qal'ai Khumb"``, ``"Qalai-Khumb"`` and ``"qalaikhumb"`` are equal.
    Non-Latin scripts are kept as they are (``"Хорог"`` matches only ``"Хорог"``).
    """
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch) and ch not in _DROP)


_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_VOWELS = re.compile(r"[aeiouy]+")


def ascii_key(name: str) -> str:
    """A transliteration-tolerant key: any script to ASCII (anyascii), then
    :func:`normalise_name`, then only letters and digits.

    ``"Хорог"``, ``"Khorog"`` and ``"KHOROG!"`` all give ``"khorog"``; ``"خروغ"`` gives
    ``"khrwgh"`` (Persian script writes few vowels).
    """
    return _NOT_ALNUM.sub("", normalise_name(anyascii(name)))


def consonant_key(name: str) -> str:
    """:func:`ascii_key` with the vowels (and y) dropped and doubled letters single:
    ``"Khorog"``, ``"Khorug"`` and ``"Khoroog"`` meet at ``"khrg"``."""
    key = _VOWELS.sub("", ascii_key(name))
    return re.sub(r"(.)\1+", r"\1", key)


class Gazetteer:
    """Resolve place names to :class:`Place` entries.

    Parameters
    ----------
    places : iterable of Place
        Entries; ids must be unique.
    """

    def __init__(self, places):
        self._places: dict[str, Place] = {}
        self._by_name: dict[str, list[str]] = {}
        for place in places:
            if place.id in self._places:
                raise ValueError(f"duplicate place id {place.id!r}")
            self._places[place.id] = place
            for spelling in (place.name, *place.alt_names):
                ids = self._by_name.setdefault(normalise_name(spelling), [])
                if place.id not in ids:
                    ids.append(place.id)

    @classmethod
    def from_feature_collection(cls, fc: Mapping) -> Gazetteer:
        """Build from a places FeatureCollection (``geo/places.geojson`` as a dict).

        Each feature's properties give ``id``, ``name``, ``alt_names``, ``country``,
        ``admin1``, ``kind``, ``precision``, ``geonames_id`` and ``note``; entries in a
        feature's ``homonyms`` list become places without coordinates.
        """
        places: dict[str, Place] = {}
        for feature in fc.get("features", []):
            props = feature.get("properties") or {}
            geometry = feature.get("geometry") or {}
            lon = lat = None
            if geometry.get("type") == "Point":
                lon, lat = (float(v) for v in geometry["coordinates"][:2])
            places[props["id"]] = _place(props, lon, lat)
            for homonym in props.get("homonyms") or []:
                places.setdefault(homonym["id"], _place(homonym, None, None))
        return cls(places.values())

    @classmethod
    def from_gazetteer(cls, data: Mapping) -> Gazetteer:
        """Build from the corridor gazetteer (``geo/gazetteer.json`` as a dict: ``places``,
        one entry each with the fields of :class:`Place`, ``lon``/``lat`` flat)."""
        return cls(_place(p, p.get("lon"), p.get("lat")) for p in data.get("places", []))

    def __len__(self) -> int:
        return len(self._places)

    def __iter__(self):
        return iter(self._places.values())

    def __getitem__(self, place_id: str) -> Place:
        return self._places[place_id]

    def resolve(self, name: str) -> list[Place]:
        """Every place called ``name`` (or with that id), by country then name; may be empty."""
        if name in self._places:
            return [self._places[name]]
        found = [self._places[pid] for pid in self._by_name.get(normalise_name(name), [])]
        return sorted(found, key=lambda p: (p.country, p.name, p.id))

    def lookup(self, name: str, country: str | None = None) -> Place:
        """The one place called ``name``.

        Parameters
        ----------
        name : str
            Any known spelling, or a place id.
        country : str, optional
            ISO3 code to choose between same-named places on either side of a border.

        Raises
        ------
        UnknownPlaceError
            No place has that name (in that country); the message suggests close names.
        AmbiguousPlaceError
            Several do; the message lists them with country and region.
        """
        found = self.resolve(name)
        if country is not None:
            matching = [p for p in found if p.country == country.upper()]
            if not matching and found:
                raise UnknownPlaceError(
                    name,
                    f"no place called {name!r} in {country.upper()}; "
                    f"that name is known in: {_or_list([p.label for p in found])}",
                )
            found = matching
        if not found:
            suggestions = tuple(self._suggest(name))
            hint = f"; did you mean {_or_list(suggestions)}?" if suggestions else ""
            raise UnknownPlaceError(name, f"unknown place {name!r}{hint}", suggestions)
        if len(found) > 1:
            countries = sorted({p.country for p in found})
            if len(countries) > 1 and country is None:
                how = "pass " + " or ".join(f"country={c!r}" for c in countries)
            else:
                how = "pass a place id: " + ", ".join(p.id for p in found)
            raise AmbiguousPlaceError(
                name,
                tuple(found),
                f"{name!r} is ambiguous: {_or_list([p.label for p in found])}; {how}",
            )
        return found[0]

    def _suggest(self, name: str) -> list[str]:
        keys = difflib.get_close_matches(normalise_name(name), self._by_name, n=3, cutoff=0.75)
        names: list[str] = []
        for key in keys:
            for pid in self._by_name[key]:
                if self._places[pid].name not in names:
                    names.append(self._places[pid].name)
        return names


def _place(props: Mapping, lon: float | None, lat: float | None) -> Place:
    geonames_id = props.get("geonames_id")
    return Place(
        id=str(props["id"]),
        name=str(props["name"]),
        country=str(props.get("country") or ""),
        admin1=props.get("admin1"),
        alt_names=tuple(props.get("alt_names") or ()),
        kind=props.get("kind"),
        lon=lon,
        lat=lat,
        precision=props.get("precision"),
        geonames_id=int(geonames_id) if geonames_id is not None else None,
        note=props.get("note") or "",
        admin2=props.get("admin2"),
        population=int(props["population"]) if props.get("population") is not None else None,
        source=str(props.get("source") or "project"),
        bbox=tuple(float(v) for v in props["bbox"]) if props.get("bbox") else None,
    )


def _or_list(items) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " or " + items[-1]
