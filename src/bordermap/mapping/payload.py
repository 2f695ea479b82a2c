"""Events as one compact binary payload for the browser, and their text in chunks.

The map needs, per event, where (quantised to 16 bits within the data's bounding box), when (day
numbers), and how to draw it (a style code: dataset mark × type × confidence × hollow; geo precision; geometry
kind): 10 bytes an event (:func:`encode_events`). Python computes every code, label and style
once; the browser only compares numbers and looks labels up. Text (titles, date labels, places,
popups) is not shipped per event up front: it comes in chunks of :data:`CHUNK` events, fetched
when one of them is hovered or picked (:func:`detail_chunks`).

Binary layout: ``b"BMEV"``, a little-endian uint32 header length, the header (UTF-8 JSON naming
each array's type, offset and length, plus the style table), then the arrays, each aligned to 8
bytes; lines and areas are arrays too (their vertices quantised as the points are).
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from typing import Any, Sequence

import numpy as np
import orjson
import shapely
from zlib_ng import gzip_ng
from folium.template import Environment as FoliumEnvironment
from folium.template import Template as FoliumTemplate
from folium.template import tojavascript

from bordermap.core.columns import CONFIDENCE_CODES, DATE_PRECISION_CODES, GEOMETRY_KINDS, SIDES, TYPE_CODES
from bordermap.core.parallel import map_threads
from bordermap.core.table import EventTable
from bordermap.mapping.text import CHUNK, chunk_rows, text_chunks, text_columns
from bordermap.mapping.style import (DENSITY_RAMP, MARK_COLOR, MARK_EDGE, MARK_GEOMETRY, MARKER_GEOMETRY, POINT_RADIUS,
                                     RING_KM, SELECTED_RADIUS, event_styles, mark_codes, style_code)
from bordermap.model import claim_figure, claim_parts
from bordermap.textsafe import isolate

__all__ = ["compact_json", "gzip_bytes", "gzip_b64", "gzip_b64_all", "encode_events", "decode_events", "decode_inline", "inline_source_of", "detail_chunks", "chunk_rows", "CHUNK", "PAYLOAD_FORMAT", "STYLE_DIGEST", "to_script_json",
           "claim_line", "correction_line", "refs_line", "Template", "jinja_inert"]

#: Names the layout of the payload and the chunks: served files are kept under it, so a browser
#: or a static folder never mixes two layouts. Bump it when either changes.
PAYLOAD_FORMAT = "p8"  # p8: shapes as arrays (p7, briefly: the payload gzipped, shapes still JSON); p6: text chunks of 2,048 events; p5: style codes are dataset mark × type × ...
_MAGIC = b"BMEV"


def _drawing() -> dict[str, Any]:
    """What the header says about how events look (the same for every payload)."""
    return {
        "styles": event_styles(),
        "geometry": {"markers": MARKER_GEOMETRY, "marks": MARK_GEOMETRY, "markColor": MARK_COLOR, "markEdge": MARK_EDGE},
        "ringKm": {str(k): v for k, v in RING_KM.items()},
        "radius": {"point": POINT_RADIUS, "selected": SELECTED_RADIUS},
        "density": list(DENSITY_RAMP),
    }


#: A digest of :func:`_drawing`: in the served files' names beside :data:`PAYLOAD_FORMAT`, so that a
#: new colour or shape reaches the browser without a format bump (the served files are rebuilt).
STYLE_DIGEST = hashlib.sha256(json.dumps(_drawing(), sort_keys=True).encode()).hexdigest()[:10]


def claim_line(claim: dict[str, Any]) -> str:
    """'Tajik government: 42 (security forces 12, rebels 30)', 'Tolonews: 8 (partial: Afghans
    only; afghan nationals 8)' — one claim, as the source gave it: its figure, what qualifies
    it and its breakdown in one pair of brackets, then its note."""
    line = f"{isolate(claim['source'])}: {claim_figure(claim, claim_parts(claim))}"
    if claim.get("note"):
        line += f" — {isolate(claim['note'])}"
    return line


def correction_line(c: dict[str, Any]) -> str:
    names = "; ".join(isolate(s["name"]) for s in c.get("sources") or [])
    return f"The article says {isolate(c['article_says'])}; {isolate(c['correction'])} ({names})"


def refs_line(refs: Sequence[int], article: dict[str, Any] | None) -> str:
    if not refs:
        return ""
    label = "paragraph" if len(refs) == 1 else "paragraphs"
    title = article.get("title") if article else None
    return f"Article {label} {', '.join(str(r) for r in refs)}" + (f" of “{title}”" if title else "")


def _quantise(values: np.ndarray, lo: float, hi: float) -> np.ndarray:
    if not len(values):
        return np.zeros(0, dtype=np.uint16)
    scale = 65535.0 / (hi - lo) if hi > lo else 0.0
    return np.clip(np.rint((values - lo) * scale), 0, 65535).astype(np.uint16)


def _shape_arrays(table: EventTable, kind: np.ndarray) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """The events that are not points as flat arrays (no JSON per shape: a million events carry
    ~80,000 movements): their ``rows`` and ``kinds``, each shape's first ring in ``rings``
    (one more entry at the end), each ring's first vertex in ``ring_starts`` (likewise), and the
    vertices (n, 2) as lon/lat — a line is one ring; a polygon its exterior then its holes; a
    multipolygon its polygons' rings in order."""
    rows = np.flatnonzero(kind != 0)
    empty = {"rows": rows.astype(np.uint32), "kinds": np.zeros(0, np.uint8),
             "rings": np.zeros(1, np.uint32), "ring_starts": np.zeros(1, np.uint32)}
    if not len(rows):
        return empty, np.zeros((0, 2))
    geoms = table.geometries(rows)  # decoded in one call
    k = kind[rows]
    line = k == GEOMETRY_KINDS.index("LineString")
    # every ring with the shape it belongs to
    ring_geoms, owners = [geoms[line]], [np.flatnonzero(line)]
    areas = np.flatnonzero(~line)
    if len(areas):
        parts, part_of = shapely.get_parts(geoms[areas], return_index=True)
        rings, ring_of = shapely.get_rings(parts, return_index=True)
        ring_geoms.append(rings)
        owners.append(areas[part_of[ring_of]])
    all_rings = np.concatenate(ring_geoms)
    owner = np.concatenate(owners)
    order = np.argsort(owner, kind="stable")  # by shape, each shape's rings in their order
    all_rings, owner = all_rings[order], owner[order]
    xy, vertex_of = shapely.get_coordinates(all_rings, return_index=True)
    ring_starts = np.concatenate([[0], np.cumsum(np.bincount(vertex_of, minlength=len(all_rings)))])
    rings = np.concatenate([[0], np.cumsum(np.bincount(owner, minlength=len(rows)))])
    return {"rows": rows.astype(np.uint32), "kinds": k.astype(np.uint8), "rings": rings.astype(np.uint32),
            "ring_starts": ring_starts.astype(np.uint32)}, xy


def _pack(header: dict[str, Any], arrays: dict[str, np.ndarray]) -> bytes:
    specs, blobs, offset = [], [], 0
    for name, arr in arrays.items():
        arr = np.ascontiguousarray(arr)
        specs.append({"name": name, "type": arr.dtype.name, "offset": offset, "length": int(arr.size)})
        raw = arr.tobytes()
        pad = (-len(raw)) % 8
        blobs.append(raw + b"\0" * pad)
        offset += len(raw) + pad
    head = json.dumps({**header, "arrays": specs}, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    head += b" " * ((-(len(head) + 8)) % 8)
    return _MAGIC + len(head).to_bytes(4, "little") + head + b"".join(blobs)


def encode_events(table: EventTable, marks: dict[str, str] | None = None) -> bytes:
    """The events of ``table`` (in its order) as the browser's binary payload (see module doc).
    ``marks`` maps a project dataset's name to the mark that tells it apart (none when absent)."""
    n = len(table)
    lonlat = table.lonlat
    kind = table.geometry_kind
    shapes, vertices = _shape_arrays(table, kind)
    both = np.concatenate([lonlat, vertices]) if len(vertices) else lonlat  # the box holds every vertex
    finite = np.isfinite(both).all(axis=1) if len(both) else np.zeros(0, bool)
    if finite.any():
        lon0, lat0 = both[finite].min(axis=0)
        lon1, lat1 = both[finite].max(axis=0)
    else:
        lon0 = lat0 = lon1 = lat1 = 0.0
    t0, t1 = table.t0, table.t1
    day0 = int(t0.min()) if n else 0
    rel = (t0 - day0).astype(np.int64)
    dur = (t1 - t0).astype(np.int64)
    day_type = np.uint16 if (rel.max(initial=0) < 65536 and dur.max(initial=0) < 65536) else np.uint32
    hollow = np.isin(table.date_precision_code, [DATE_PRECISION_CODES["month"], DATE_PRECISION_CODES["year"]])
    flags = (table.geo_precision & 3) | ((kind & 3) << 2)
    header = {
        "version": 1,
        "n": n,
        "bbox": [float(lon0), float(lat0), float(lon1), float(lat1)],
        "day0": day0,
        "maxDur": int(dur.max(initial=0)),
        "chunk": CHUNK,
        **_drawing(),
        "types": list(TYPE_CODES),
        "confidence": list(CONFIDENCE_CODES),
        "sides": list(SIDES),
        "geometryKinds": list(GEOMETRY_KINDS),
    }
    arrays = {
        "x": _quantise(lonlat[:, 0], lon0, lon1),
        "y": _quantise(lonlat[:, 1], lat0, lat1),
        "t0": rel.astype(day_type),
        "dur": dur.astype(day_type),
        "style": style_code(table.type_code, table.confidence_code, hollow,
                            mark_codes(table.table["dataset"].to_pylist(), marks) if marks else 0),
        "flags": flags.astype(np.uint8),
        # lines and areas: shape s is row shapeRow[s]; its rings are shapeRings[s] ..
        # shapeRings[s+1]; ring r's vertices ringStart[r] .. ringStart[r+1] of sx/sy, quantised
        # as x and y are
        "shapeRow": shapes["rows"],
        "shapeKind": shapes["kinds"],
        "shapeRings": shapes["rings"],
        "ringStart": shapes["ring_starts"],
        "sx": _quantise(vertices[:, 0], lon0, lon1),
        "sy": _quantise(vertices[:, 1], lat0, lat1),
    }
    return _pack(header, arrays)


def detail_chunks(table: EventTable, *, article: dict[str, Any] | None = None,
                  popups: bool = False) -> list[dict[str, Any]]:
    """The events' text in chunks of :data:`CHUNK` rows (chunk k holds rows k*CHUNK ...), as
    :mod:`bordermap.mapping.text` lays them out; with the popups' details when ``popups``."""
    return text_chunks(text_columns(table, article=article, popups=popups), len(table), CHUNK)


def compact_json(obj: Any) -> bytes:
    """``obj`` as compact UTF-8 JSON (orjson: a tenth of the time of ``json.dumps`` over a
    payload's chunks); the browser parses it with ``JSON.parse``. numpy arrays are written as
    arrays."""
    return orjson.dumps(obj, option=orjson.OPT_SERIALIZE_NUMPY)


#: zlib-ng's level 5: a third of zlib's level-6 time for 3% more bytes (100k events' text:
#: 0.29 → 0.09 s, 2.30 → 2.37 MB; benchmarks/README.md "Scale").
GZIP_LEVEL = 5


def gzip_bytes(data: bytes) -> bytes:
    """Gzipped (zlib-ng, no timestamp: the same bytes give the same file), for a page to unpack
    with ``DecompressionStream``."""
    return gzip_ng.compress(data, compresslevel=GZIP_LEVEL, mtime=0)


def gzip_b64(data: bytes) -> str:
    """:func:`gzip_bytes`, base64-encoded, for a standalone page."""
    return base64.b64encode(gzip_bytes(data)).decode("ascii")


def gzip_b64_all(parts: Sequence[bytes]) -> list[str]:
    """:func:`gzip_b64` of each part, on the cores (zlib-ng lets go of the GIL) from four parts
    on, in order."""
    return map_threads(gzip_b64, parts, size=len(parts), min_size=4)


#: '{{', '{%' and '{#' open Jinja syntax. branca renders every element's output a second time as
#: a Jinja template, so such text from data would be *evaluated* while the map is built
#: (server-side template injection: '{{ ... }}' can run Python). JSON never has them outside
#: strings, and inside a string \u007b is the same '{'.
_JINJA_OPEN = re.compile(r"\{(?=[{%#])")


def jinja_inert(js: str) -> str:
    """JSON/JS text with the brace of every Jinja opener written as ``\\u007b``."""
    return _JINJA_OPEN.sub(r"\\u007b", js)


def to_script_json(obj: Any) -> str:
    """JSON safe to place inside a <script> element (no '<', '>', '&' or quote can break out),
    and inert when branca renders it again as a Jinja template."""
    return jinja_inert(json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
                       .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
                       .replace("'", "\\u0027").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


class _Environment(FoliumEnvironment):
    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.filters["tojavascript"] = lambda obj: jinja_inert(tojavascript(obj))


class Template(FoliumTemplate):
    """folium's Template whose ``tojavascript`` output stays inert under branca's second
    rendering; every bordermap plugin uses it instead of ``folium.template.Template``."""

    environment_class = _Environment


def decode_events(data: bytes) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """The inverse of :func:`encode_events`: ``(header, arrays)`` (for tests and tools)."""
    if data[:4] != _MAGIC:
        raise ValueError("not a bordermap events payload")
    hlen = int.from_bytes(data[4:8], "little")
    header = json.loads(data[8:8 + hlen])
    base = 8 + hlen
    arrays = {a["name"]: np.frombuffer(data, dtype=a["type"], count=a["length"], offset=base + a["offset"])
              for a in header["arrays"]}
    return header, arrays


def decode_inline(source: dict[str, Any]) -> tuple[dict[str, Any], dict[str, np.ndarray], list[list[Any]]]:
    """An :func:`~bordermap.mapping.event_layer.inline_source` back to header, arrays and text rows."""
    import base64
    import gzip

    header, arrays = decode_events(gzip.decompress(base64.b64decode(source["bin"])))
    rows = [r for c in source["chunks"] for r in chunk_rows(json.loads(gzip.decompress(base64.b64decode(c))))]
    return header, arrays, rows


_SOURCE_RE = re.compile(r'Bordermap\.eventLayer\([^,]+,\s*(\{"bin":.*?\]\})', re.S)


def inline_source_of(page: str) -> dict[str, Any]:
    """The events source embedded in a standalone export's page."""
    m = _SOURCE_RE.search(page)
    if not m:
        raise ValueError("no inline events in this page")
    return json.loads(m.group(1))
