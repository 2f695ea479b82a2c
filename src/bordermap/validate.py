"""Validation of an events FeatureCollection: the schema, then the rules a schema cannot say.

Every rule returns :class:`~bordermap.errors.Problem` objects; nothing stops at the first
problem, nothing writes to the file. The CLI, the app and future importers call
:func:`validate_collection` (data in, problems out) or :func:`validate_file` (reads the file).

Each rule's words live here in one small function (``_position_problem``, ``_claim_problems``,
:func:`keyword_problem` ...): the columnar validator (:mod:`bordermap.core.rules`), which finds
the failing rows of a large table with vectorised checks, words them with the same functions, so
a file says the same lines whether it is GeoJSON or GeoParquet.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

import jsonschema_rs

from bordermap.errors import Problem
from bordermap.io.files import read_json
from bordermap.model import DERIVED_FIELDS, EVENT_TYPES, load_schema, parse_date

if TYPE_CHECKING:
    import jsonschema

__all__ = ["Region", "DEFAULT_REGION", "validate_collection", "duplicate_id_problem", "validate_file", "count_paragraphs",
           "schema_valid", "keyed_schema_problems", "keyword_problem"]


@dataclass(frozen=True)
class Region:
    """A lon/lat box the events are expected to fall in; used to spot swapped coordinates."""

    west: float
    south: float
    east: float
    north: float

    def contains(self, lon: float, lat: float) -> bool:
        return self.west <= lon <= self.east and self.south <= lat <= self.north

    def __str__(self) -> str:
        return f"lon {self.west:g}..{self.east:g}, lat {self.south:g}..{self.north:g}"


#: Central Asia around the Afghan–Tajik border, generously.
DEFAULT_REGION = Region(west=55.0, south=25.0, east=85.0, north=45.0)

_PATTERN_NAMES = {
    r"^\d{4}-\d{2}-\d{2}$": "YYYY-MM-DD",
    r"^[a-z0-9]+(-[a-z0-9]+)*$": "a slug of lower-case letters, digits and single hyphens",
    r"^[A-Z]{3}$": "an ISO 3166 alpha-3 code such as TJK or AFG",
    r"^\d{4}(-\d{2}(-\d{2})?)?$": "YYYY, YYYY-MM or YYYY-MM-DD",
    r"^https?://": "an http(s) URL",
}


def count_paragraphs(text: str) -> int:
    """Paragraphs as ``article_refs`` count them: the non-empty lines of the article text."""
    return sum(1 for line in text.splitlines() if line.strip())


def _field_path(parts: list[Any]) -> str:
    out = ""
    for p in parts:
        if isinstance(p, int):
            out += f"[{p}]"
        else:
            out += ("." if out else "") + str(p)
    return out


@lru_cache(maxsize=1)
def _fast_validator():
    """jsonschema-rs (Rust) answers "is it valid?" in ~10 ms for 10,000 events where the pure
    Python jsonschema needs ~3 s; jsonschema still writes the messages when something is wrong."""
    return jsonschema_rs.validator_for(load_schema())


def _feature_schema() -> dict[str, Any]:
    root = load_schema()
    return {"$schema": root["$schema"], "$defs": root["$defs"], "$ref": "#/$defs/feature"}


@lru_cache(maxsize=1)
def _fast_feature_validator():
    return jsonschema_rs.validator_for(_feature_schema())


def schema_valid(fc: Any) -> bool:
    """The fast yes/no pass alone (jsonschema-rs): whether ``fc`` follows the JSON Schema."""
    return _fast_validator().is_valid(fc)


def keyed_schema_problems(fc: Any, file: str) -> list[tuple[tuple[str, ...], Problem]]:
    """The schema's problems, each with the key they are ordered by (its JSON path as strings),
    in that order.

    The worded pass (jsonschema) runs on the collection without its features and on the
    features the fast pass finds invalid, not on the whole file: it needs ~3 s per 10,000
    events."""
    if _fast_validator().is_valid(fc):
        return []
    import jsonschema  # only when something is wrong: its import is a tenth of every start

    features = fc.get("features") if isinstance(fc, dict) else None
    whole = jsonschema.Draft202012Validator(load_schema())
    if isinstance(features, list):
        errors = [(list(e.absolute_path), e) for e in whole.iter_errors({**fc, "features": []})]
        feature_ok = _fast_feature_validator().is_valid
        one = jsonschema.Draft202012Validator(_feature_schema())
        for idx, feat in enumerate(features):
            if not feature_ok(feat):
                errors.extend((["features", idx, *e.absolute_path], e) for e in one.iter_errors(feat))
    else:
        errors = [(list(e.absolute_path), e) for e in whole.iter_errors(fc)]
    keyed = []
    for path, err in sorted(errors, key=lambda pe: [str(x) for x in pe[0]]):
        key = tuple(str(x) for x in path)
        idx: int | None = None
        fid: str | None = None
        if len(path) >= 2 and path[0] == "features" and isinstance(path[1], int):
            idx = path[1]
            feat = features[idx] if isinstance(features, list) and idx < len(features) else None
            props = feat.get("properties") if isinstance(feat, dict) else None
            if isinstance(props, dict) and isinstance(props.get("id"), str):
                fid = props["id"]
            path = path[2:]
            if path and path[0] == "properties":
                path = path[1:]
            if path and path[0] == "geometry":
                continue  # geometry gets its own, clearer checks below
        keyed.append((key, _describe_schema_error(err, file, idx, fid, _field_path(path))))
    return keyed


@lru_cache(maxsize=256)
def _keyword_validator(keyword: str, value: str) -> jsonschema.Draft202012Validator:
    import jsonschema

    return jsonschema.Draft202012Validator({keyword: json.loads(value)})


def keyword_problem(keyword: str, value: Any, instance: Any, file: str, idx: int | None, fid: str | None,
                    field: str) -> Problem:
    """The problem jsonschema's ``keyword`` (with ``value``, e.g. ``"enum"``, ``["day", ...]``)
    finds with ``instance``, worded as :func:`validate_collection` words it; for ``required``,
    ``value`` is the one missing name and ``field`` the object's path. For a value the caller
    already knows fails the keyword."""
    if keyword == "required":
        value, instance = [value], None
    key = (keyword, json.dumps(value), type(instance), instance)
    try:
        err = _keyword_error(*key)
    except TypeError:  # a list (minItems) is no cache key
        err = _keyword_error.__wrapped__(*key)
    return _describe_schema_error(err, file, idx, fid, field)


@lru_cache(maxsize=4096)
def _keyword_error(keyword: str, value: str, kind: type, instance: Any) -> jsonschema.ValidationError:
    """The error, made once per distinct value (a million events may share one bad value)."""
    return next(_keyword_validator(keyword, value).iter_errors({} if keyword == "required" else instance))


def _describe_schema_error(err: jsonschema.ValidationError, file, idx, fid, field) -> Problem:
    v = err.validator
    found = err.instance
    if v == "required":
        missing = err.message.split("'")[1]
        return Problem(file, idx, fid, f"{field}.{missing}" if field else missing,
                       "is required but missing")
    if v == "additionalProperties":
        extra = sorted(set(found) - set(err.schema.get("properties", {})))
        names = ", ".join(extra)
        derived = [e for e in extra if e in DERIVED_FIELDS]
        hint = (" (derived fields are computed when events are loaded; remove them)"
                if derived else "; see docs/data-model.md for the fields")
        return Problem(file, idx, fid, field or "properties", f"unexpected field(s) {names}{hint}")
    if v == "enum":
        expected = ", ".join(str(x) for x in err.validator_value)
        return Problem(file, idx, fid, field, f"expected one of {expected}; found {found!r}")
    if v == "const":
        return Problem(file, idx, fid, field, f"expected {err.validator_value!r}; found {found!r}")
    if v == "pattern":
        expected = _PATTERN_NAMES.get(err.validator_value, f"matching {err.validator_value}")
        return Problem(file, idx, fid, field, f"expected {expected}; found {found!r}")
    if v == "type":
        return Problem(file, idx, fid, field,
                       f"expected {err.validator_value}; found {type(found).__name__} {found!r}"[:200])
    if v in ("minimum", "maximum"):
        words = "less than the minimum" if v == "minimum" else "greater than the maximum"
        return Problem(file, idx, fid, field, f"value is {words} of {_bound(err.validator_value)}")
    if v in ("minLength", "maxLength", "minItems", "maxItems"):
        return Problem(file, idx, fid, field, err.message.replace(repr(found), "value")[:200])
    return Problem(file, idx, fid, field, err.message[:200])


#: JSON's safe integers end here (2**53 - 1): the schema's bound on counts and offsets.
_MAX_SAFE_INTEGER = 2 ** 53 - 1


def _bound(value: Any) -> str:
    """A schema's numeric bound as a reader takes it in: thousands grouped, and the safe-integer
    limit said for what it is."""
    if value == _MAX_SAFE_INTEGER:
        return f"{value:,} (the largest whole number a browser holds exactly)"
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10_000:
        return f"{value:,}"
    return str(value)


def _positions(geom: dict) -> tuple[list | None, str | None]:
    """All positions of a geometry, or an explanation of why its structure is wrong."""
    gtype = geom.get("type")
    coords = geom.get("coordinates")
    depth = {"Point": 0, "LineString": 1, "Polygon": 2, "MultiPolygon": 3}.get(gtype)
    if depth is None:
        return None, f"expected type Point, LineString, Polygon or MultiPolygon; found {gtype!r}"

    def is_pos(x):
        return (isinstance(x, list) and 2 <= len(x) <= 3
                and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in x))

    def walk(x, d):
        if d == 0:
            if not is_pos(x):
                raise ValueError
            return [x]
        if not isinstance(x, list) or not x:
            raise ValueError
        out = []
        for y in x:
            out.extend(walk(y, d - 1))
        return out

    try:
        pts = walk(coords, depth)
    except ValueError:
        shape = {0: "[lon, lat]", 1: "[[lon, lat], ...]", 2: "[[[lon, lat], ...]]",
                 3: "[[[[lon, lat], ...]]]"}[depth]
        return None, f"{gtype} coordinates must look like {shape}"
    if gtype == "LineString" and len(coords) < 2:
        return None, "a LineString needs at least 2 positions"
    if gtype in ("Polygon", "MultiPolygon"):
        rings = coords if gtype == "Polygon" else [r for poly in coords for r in poly]
        for ring in rings:
            if len(ring) < 4 or ring[0][:2] != ring[-1][:2]:
                return None, "each Polygon ring needs at least 4 positions and must end where it starts"
    return pts, None


def _geometry_problems(geom: Any, file: str, idx: int, fid: str | None,
                       region: Region) -> Iterator[Problem]:
    if not isinstance(geom, dict):
        yield Problem(file, idx, fid, "geometry", "is required: a Point, LineString, Polygon or MultiPolygon")
        return
    pts, why = _positions(geom)
    if why:
        yield Problem(file, idx, fid, "geometry", why)
        return
    for n, (lon, lat, *_) in enumerate(pts):
        problem = _position_problem(file, idx, fid, _position_field(geom["type"] == "Point", n), lon, lat, region)
        if problem is not None:
            yield problem


def _position_field(point: bool, n: int) -> str:
    return "geometry.coordinates" if point else f"geometry.coordinates (position {n})"


def _position_problem(file: str, idx: int, fid: str | None, where: str, lon: float, lat: float,
                      region: Region) -> Problem | None:
    """What is wrong with one position (numbers) of a well-formed geometry, if anything."""
    if not (math.isfinite(lon) and math.isfinite(lat)):
        return Problem(file, idx, fid, where, "coordinates must be finite numbers")
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        return Problem(file, idx, fid, where,
                       f"[{lon}, {lat}] is out of range: longitude must be within -180..180 "
                       f"and latitude within -90..90 (GeoJSON order is [longitude, latitude])")
    if region.contains(lon, lat):
        return None
    if region.contains(lat, lon):
        return Problem(file, idx, fid, where,
                       f"[{lon}, {lat}] lies far outside the region ({region}) but [{lat}, {lon}] "
                       "lies inside it: latitude and longitude look swapped "
                       "(GeoJSON order is [longitude, latitude])")
    return Problem(file, idx, fid, where, f"[{lon}, {lat}] lies outside the region ({region})", "warning")


def _date(props: dict, field: str, file, idx, fid, problems: list[Problem]) -> date | None:
    value = props.get(field)
    if not isinstance(value, str):
        return None
    try:
        return parse_date(value)
    except ValueError:
        if len(value) == 10:
            problems.append(Problem(file, idx, fid, field, f"{value!r} is not a calendar date"))
        return None


def _date_order_problem(file: str, idx: int, fid: str | None, d0: date, d1: date) -> Problem | None:
    if d1 < d0:
        return Problem(file, idx, fid, "date_end", f"{d1.isoformat()} is before date_start {d0.isoformat()}")
    return None


def _event_type_problem(file: str, idx: int, fid: str | None, et: Any, st: Any) -> Problem | None:
    """An ``event_type`` outside ACLED's taxonomy, or a ``sub_event_type`` not of its type."""
    if not isinstance(et, str):
        return None
    if et not in EVENT_TYPES:
        return Problem(file, idx, fid, "event_type",
                       f"unknown ACLED event type {et!r}; expected one of " + ", ".join(EVENT_TYPES))
    if isinstance(st, str) and st not in EVENT_TYPES[et]:
        return Problem(file, idx, fid, "sub_event_type",
                       f"{st!r} is not a sub-type of {et!r}; expected one of " + ", ".join(EVENT_TYPES[et]))
    return None


def _no_sources_problem(file: str, idx: int, fid: str | None) -> Problem:
    return Problem(file, idx, fid, "sources", "at least one source is required")


def _source_url_problem(file: str, idx: int, fid: str | None, n: int, url: Any) -> Problem | None:
    if isinstance(url, str) and not url.lower().startswith(("http://", "https://")):
        return Problem(file, idx, fid, f"sources[{n}].url", f"expected an http(s) URL; found {url[:80]!r}")
    return None


def _article_ref_problem(file: str, idx: int, fid: str | None, n: int, ref: Any,
                         paragraphs: int) -> Problem | None:
    if isinstance(ref, int) and not 1 <= ref <= paragraphs:
        return Problem(file, idx, fid, f"article_refs[{n}]",
                       f"paragraph {ref} is not in the article (it has paragraphs 1..{paragraphs})")
    return None


def _second_claim_problem(file: str, idx: int, fid: str | None, n: int, src: str) -> Problem:
    return Problem(file, idx, fid, f"fatalities[{n}].source", f"a second claim from {src!r}: keep one claim per source")


def _unknown_source_problem(file: str, idx: int, fid: str | None, n: int, src: str) -> Problem:
    return Problem(file, idx, fid, f"fatalities[{n}].source", f"{src!r} is not the name of one of this event's sources")


def _fatality_problems(props: dict, file, idx, fid) -> Iterator[Problem]:
    claims = props.get("fatalities")
    if not isinstance(claims, list):
        return
    sources = props.get("sources")
    source_names = {s.get("name") for s in (sources if isinstance(sources, list) else []) if isinstance(s, dict)}
    seen: Counter[str] = Counter()
    for n, c in enumerate(claims):
        if not isinstance(c, dict):
            continue
        src = c.get("source")
        if isinstance(src, str):
            seen[src] += 1
            if seen[src] == 2:
                yield _second_claim_problem(file, idx, fid, n, src)
            if source_names and src not in source_names:
                yield _unknown_source_problem(file, idx, fid, n, src)
        yield from _claim_problems(c, file, idx, fid, f"fatalities[{n}]")


def _claim_problems(c: dict, file, idx, fid, field: str) -> Iterator[Problem]:
    """One claim's figures: what it gives, in what order, and what a partial count covers.

    A claim's structure is checked strictly; where a source's own figures disagree with each
    other (a best estimate outside its range, as some UCDP rows have) it is a warning: the
    claim is kept as the source gave it."""
    has_total = "total" in c
    has_low, has_high = "low" in c, "high" in c
    total, lo, hi = c.get("total"), c.get("low"), c.get("high")
    if not has_total and not has_low and not has_high:
        yield Problem(file, idx, fid, field, "a claim needs 'total' or 'low' (and optionally 'high')")
    if has_high and not has_low:
        yield Problem(file, idx, fid, field, "'high' needs a 'low' (use 'total' for a single figure)")
    elif has_total and has_low and not has_high:
        yield Problem(file, idx, fid, field, "a best estimate 'total' with a 'low' needs a 'high' too "
                                             "(give 'total' alone, 'low'/'high' alone, or all three)")
    if isinstance(lo, int) and isinstance(hi, int) and lo > hi:
        yield Problem(file, idx, fid, f"{field}.low", f"low ({lo}) is greater than high ({hi})")
    elif isinstance(total, int) and isinstance(lo, int) and isinstance(hi, int) and not lo <= total <= hi:
        yield Problem(file, idx, fid, f"{field}.total",
                      f"the best estimate {total} lies outside its range {lo}..{hi}", "warning")
    partial = c.get("scope") == "partial"
    if partial and "counts" not in c:
        yield Problem(file, idx, fid, f"{field}.counts",
                      "a partial count needs 'counts', saying whom it counts (e.g. 'troops only')")
    if "counts" in c and not partial:
        # Without the scope the count would be taken for a complete toll and feed the range.
        yield Problem(file, idx, fid, f"{field}.scope",
                      "'counts' is for a partial count: add 'scope': 'partial' or remove 'counts'")
    bd = c.get("breakdown")
    if isinstance(bd, dict) and bd and all(isinstance(v, int) for v in bd.values()):
        cap = c.get("total", c.get("high"))
        if isinstance(cap, int):
            # An approximate figure ('some 70') is rounded, and so are its parts ('some 30'):
            # they may add up to a tenth more than it.
            slack = -(-cap // 10) if c.get("approximate") else 0
            if sum(bd.values()) > cap + slack:
                what = "approximate " if slack else ""
                yield Problem(file, idx, fid, f"{field}.breakdown",
                              f"the parts add up to {sum(bd.values())}, more than the claim's {what}"
                              f"{'total' if has_total else 'high'} of {cap}"
                              + (f" allows ({cap + slack} at most)" if slack else ""))


def duplicate_id_problem(file: str, idx: int, fid: str, first: int) -> Problem:
    """Feature ``idx`` has the id of feature ``first`` (the one wording, for every reader)."""
    return Problem(file, idx, fid, "id", f"duplicate id: feature {first} has the same id")


def validate_collection(fc: Any, file: str = "<data>", *, article_paragraphs: int | None = None,
                        region: Region = DEFAULT_REGION, duplicate_ids: bool = True) -> list[Problem]:
    """Check an events FeatureCollection and return every problem found (empty list: valid).

    Parameters
    ----------
    fc
        The parsed GeoJSON.
    file
        How to name the file in messages.
    article_paragraphs
        Paragraph count of the source article; defaults to ``fc["article"]["paragraphs"]``.
    region
        The box events are expected in; points outside it are warned about, and points that
        fall inside it once latitude and longitude are swapped are errors.
    duplicate_ids
        Report ids used twice; off when the caller checks them across more than ``fc``.

    Problems with ``severity == "warning"`` do not make the file invalid.
    """
    problems: list[Problem] = [p for _, p in keyed_schema_problems(fc, file)]
    if not isinstance(fc, dict) or not isinstance(fc.get("features"), list):
        return problems
    if article_paragraphs is None:
        art = fc.get("article")
        if isinstance(art, dict) and isinstance(art.get("paragraphs"), int):
            article_paragraphs = art["paragraphs"]

    ids: dict[str, int] = {}
    for idx, feat in enumerate(fc["features"]):
        if not isinstance(feat, dict):
            continue
        props = feat.get("properties")
        props = props if isinstance(props, dict) else {}
        fid = props.get("id") if isinstance(props.get("id"), str) else None

        problems.extend(_geometry_problems(feat.get("geometry"), file, idx, fid, region))

        if fid is not None and duplicate_ids:
            if fid in ids:
                problems.append(duplicate_id_problem(file, idx, fid, ids[fid]))
            else:
                ids[fid] = idx

        d0 = _date(props, "date_start", file, idx, fid, problems)
        d1 = _date(props, "date_end", file, idx, fid, problems)
        if d0 and d1:
            problems.extend(_some(_date_order_problem(file, idx, fid, d0, d1)))
        problems.extend(_some(_event_type_problem(file, idx, fid, props.get("event_type"),
                                                  props.get("sub_event_type"))))

        sources = props.get("sources")
        if isinstance(sources, list) and not sources:
            problems.append(_no_sources_problem(file, idx, fid))
        for n, s in enumerate(sources if isinstance(sources, list) else []):
            problems.extend(_some(_source_url_problem(file, idx, fid, n, s.get("url") if isinstance(s, dict) else None)))

        refs = props.get("article_refs")
        if isinstance(refs, list) and article_paragraphs is not None:
            for n, r in enumerate(refs):
                problems.extend(_some(_article_ref_problem(file, idx, fid, n, r, article_paragraphs)))

        problems.extend(_fatality_problems(props, file, idx, fid))
    return problems


def _some(problem: Problem | None) -> list[Problem]:
    return [] if problem is None else [problem]


def validate_file(path: str | Path, **kwargs: Any) -> list[Problem]:
    """Read ``path`` and validate it; raises :class:`UnreadableFileError` if it cannot be parsed."""
    fc = read_json(path)
    return validate_collection(fc, str(path), **kwargs)
