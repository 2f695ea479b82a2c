"""The events' text for the browser, computed on columns: labels, claim lines, sources.

Tooltips, popups and the events table say the same things as the panel: the date label
(:func:`bordermap.model.date_label`), the place with its precision, type · confidence · killed,
and for popups the claims as :func:`~bordermap.mapping.payload.claim_line` words them, the
corrections, the sources and the article's paragraphs. Here they are built for every event at
once with Arrow compute functions (a million events in seconds); a test checks every string
against the scalar functions, which stay the definition.

The browser gets them in chunks of :data:`CHUNK` events, each chunk columnar with its own
string table: ``{"s": [strings], "n": rows, "c": {column: [index into s, -1 for none]},
"l": {list column: {"o": offsets, "v": [index]}}, "src": {"o": offsets, "name"|"url"|"date":
[index]}}``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from bordermap.core.columns import CONFIDENCE_CODES, TYPE_CODES
from bordermap.core.table import EventTable, one_array
from bordermap.model import DATE_PRECISIONS, date_label
from bordermap.textsafe import BIDI_SENSITIVE_CLASS, FSI, PDI

__all__ = ["CHUNK", "text_columns", "text_chunks", "chunk_rows"]

#: Events per text chunk. Each chunk carries one string table, so larger chunks repeat fewer
#: strings (place, actor and source names recur): at 100,000 rich events 2,048 makes the
#: standalone HTML's text 35% smaller than 512, and a chunk is still a 50 kB fetch (gzipped) and a
#: few milliseconds of JSON.parse when an event is first hovered or picked.
CHUNK = 2048
_EPOCH = date(1970, 1, 1).toordinal()
_PLACE = ["", "", " (approximate area)", " (region only)"]


def _join(*parts: Any) -> pa.Array:
    """Element-wise concatenation of arrays and constant strings (a null part counts as empty)."""
    arrays = [pc.fill_null(p, "") if isinstance(p, (pa.Array, pa.ChunkedArray)) else pa.scalar(p, pa.string())
              for p in parts]
    return pc.binary_join_element_wise(*arrays, "")


def _isolated(values: pa.Array) -> pa.Array:
    """Each value that holds right-to-left text or bidi controls wrapped in FSI … PDI (as
    :func:`bordermap.textsafe.isolate`, on a column), so a value joined into a line with others
    cannot reorder them; left-to-right values unchanged, nulls stay null."""
    rtl = pc.fill_null(pc.match_substring_regex(values, BIDI_SENSITIVE_CLASS), False)
    if not pc.any(rtl).as_py():
        return values
    return pc.if_else(rtl, pc.binary_join_element_wise(pa.scalar(FSI), values, pa.scalar(PDI), ""), values)


def _int_text(values: np.ndarray) -> pa.Array:
    return pc.cast(pa.array(values.astype(np.int64)), pa.string())


def _date_labels(table: EventTable) -> pa.Array:
    if not len(table):
        return pa.array([], pa.string())
    # (start, length, precision) packed into one int64: np.unique on one column sorts a tenth as
    # long as on rows of three
    t0 = table.t0.astype(np.int64)
    span = table.t1.astype(np.int64) - t0
    base, width = int(t0.min()), int(span.max()) + 1
    keys = ((t0 - base) * width + span) * 8 + table.date_precision_code.astype(np.int64)
    uniq, inverse = np.unique(keys, return_inverse=True)
    prec, rest = uniq % 8, uniq // 8
    starts, spans = rest // width + base, rest % width
    labels = [date_label(date.fromordinal(_EPOCH + int(a)), date.fromordinal(_EPOCH + int(a + b)), DATE_PRECISIONS[int(p)])
              for a, b, p in zip(starts, spans, prec)]
    return pa.array(labels, pa.string()).take(pa.array(inverse.ravel()))


def _killed(table: EventTable) -> pa.Array:
    """:func:`bordermap.model.fatality_label` on columns: '42–200', 'at least 8, partial count', ''."""
    lo, hi, floor = table.fatalities_low, table.fatalities_high, table.partial_floor
    has = ~np.isnan(lo)
    lo_t = _int_text(np.where(has, lo, 0))
    hi_t = _int_text(np.where(has, hi, 0))
    ranged = pc.if_else(pa.array(lo == hi), lo_t, _join(lo_t, "–", hi_t))
    partial = _join("at least ", _int_text(np.nan_to_num(floor)), ", partial count")
    return pc.if_else(pa.array(has), ranged, pc.if_else(pa.array(~np.isnan(floor)), partial, ""))


def _meta(table: EventTable, killed: pa.Array) -> pa.Array:
    """'Battles · disputed · killed: 42–200 (2 claims)'."""
    types = pa.array(list(TYPE_CODES), pa.string()).take(pa.array(table.type_code.astype(np.int64)))
    confs = pa.array(list(CONFIDENCE_CODES), pa.string()).take(pa.array(table.confidence_code.astype(np.int64)))
    nc = table.claim_count
    claims = pc.if_else(pa.array(nc > 1), _join(" (", _int_text(nc), " claims)"), "")
    killed = pc.if_else(pc.greater(pc.utf8_length(killed), 0), _join(" · killed: ", killed, claims), "")
    return _join(types, " · ", confs, killed)


def _figure(claims: pa.StructArray, parts: pa.Array) -> pa.Array:
    """claim_figure(claim, parts) on columns: '42', 'about 70', '10–20', 'at least 8',
    '16 (low 16, high 20)', '8 (partial: Afghans only; afghan nationals 8)'."""
    total, low, high = (claims.field(k) for k in ("total", "low", "high"))
    t, lo, hi = (pc.cast(x, pa.string()) for x in (total, low, high))
    about = pc.if_else(pc.fill_null(claims.field("approximate"), False), "about ", "")
    number = pc.if_else(pc.is_valid(total), _join(about, t),
                        pc.if_else(pc.is_valid(high), _join(about, lo, "–", hi),
                                   _join("at least ", pc.fill_null(lo, "None"))))
    bounded = pc.and_(pc.and_(pc.is_valid(total), pc.is_valid(low)), pc.is_valid(high))
    bounds = pc.if_else(bounded, _join("low ", lo, ", high ", hi), "")
    partial = pc.fill_null(pc.equal(claims.field("scope"), "partial"), False)
    scope = pc.if_else(partial, _join("partial: ", pc.fill_null(claims.field("counts"), "None")), "")
    qualifiers = _join_present([bounds, scope, parts], "; ")
    return pc.if_else(_present(qualifiers), _join(number, " (", qualifiers, ")"), number)


def _present(text: pa.Array) -> pa.Array:
    return pc.fill_null(pc.greater(pc.utf8_length(text), 0), False)


def _join_present(texts: list[pa.Array], sep: str) -> pa.Array:
    """The non-empty texts of each row joined with ``sep`` ('' when none). (Arrow's own
    ``binary_join_element_wise(null_handling="skip")`` returns an empty array when every input
    is null: pyarrow 26.)"""
    out = texts[0]
    for text in texts[1:]:
        out = pc.if_else(pc.and_(_present(out), _present(text)), _join(out, sep, text), _join(out, text))
    return out


def _list_join(values: pa.Array, offsets: pa.Array, sep: str) -> pa.Array:
    return pc.binary_join(pa.ListArray.from_arrays(offsets, values), sep)


def _claim_lines(fatalities: pa.Array) -> tuple[pa.Array, pa.Array]:
    """Every claim's line (claim_line on columns) and the offsets of each event's claims."""
    flat = pc.list_flatten(fatalities)
    offsets = _offsets(fatalities)
    if not len(flat):
        return pa.array([], pa.string()), offsets
    bd = flat.field("breakdown")
    bd = bd.cast(pa.list_(pa.struct([pa.field("key", pa.string()), pa.field("value", bd.type.item_type)])))
    entries = pc.list_flatten(bd)
    keys = pc.replace_substring(entries.field("key"), "_", " ")
    parts = _list_join(_join(keys, " ", pc.cast(entries.field("value"), pa.string())), _offsets(bd), ", ")
    parts = pc.fill_null(parts, "")
    line = _join(_isolated(flat.field("source")), ": ", _figure(flat, parts))
    note = flat.field("note")
    has_note = pc.fill_null(pc.greater(pc.utf8_length(note), 0), False)
    return pc.if_else(has_note, _join(line, " — ", _isolated(note)), line), offsets


def _correction_lines(corrections: pa.Array) -> tuple[pa.Array, pa.Array]:
    flat = pc.list_flatten(corrections)
    offsets = _offsets(corrections)
    if not len(flat):
        return pa.array([], pa.string()), offsets
    srcs = flat.field("sources")
    names = pc.fill_null(_list_join(_isolated(pc.list_flatten(srcs).field("name")), _offsets(srcs), "; "), "")
    return _join("The article says ", _isolated(flat.field("article_says")), "; ", _isolated(flat.field("correction")),
                 " (", names, ")"), offsets


def _offsets(lists: pa.Array) -> pa.Array:
    """Offsets of a list array with nulls read as empty lists (and a zero base), matching
    ``pc.list_flatten`` (which skips null lists). From the lengths: filling nulls with empty
    lists would copy every nested value."""
    if not lists.null_count:
        off = lists.offsets.to_numpy()
        return pa.array((off - off[0]).astype(np.int32)) if len(off) else pa.array([0], pa.int32())
    lengths = pc.fill_null(pc.list_value_length(lists), 0).to_numpy(zero_copy_only=False)
    return pa.array(np.concatenate([[0], np.cumsum(lengths)]).astype(np.int32))


def _refs(refs: pa.Array, title: str | None) -> pa.Array:
    """refs_line on columns: 'Article paragraphs 12, 15 of “title”' ('' when none)."""
    n = pc.fill_null(pc.list_value_length(refs), 0)
    joined = pc.fill_null(pc.binary_join(pc.cast(refs, pa.list_(pa.string())), ", "), "")
    label = pc.if_else(pc.equal(n, 1), "Article paragraph ", "Article paragraphs ")
    line = _join(label, joined, f" of “{title}”" if title else "")
    return pc.if_else(pc.greater(n, 0), line, "")


def text_columns(table: EventTable, *, article: dict[str, Any] | None = None,
                 popups: bool = False) -> dict[str, Any]:
    """Every event's text as columns (Arrow string arrays; lists as (values, offsets)). ``killed``
    (the events table's column) is not shipped in the chunks: ``meta`` says it."""
    t = table.table
    gp = np.clip(table.geo_precision.astype(np.int64), 0, 3)
    cols: dict[str, Any] = {
        "id": one_array(t["id"]),
        "title": one_array(t["title"]),
        "date": _date_labels(table),
        "place": _join(_isolated(one_array(t["location"])), pa.array(_PLACE, pa.string()).take(pa.array(gp))),
        "killed": _killed(table),
    }
    cols["meta"] = _meta(table, cols["killed"])
    if popups:
        cols["sub"] = one_array(t["sub_event_type"])
        cols["summary"] = one_array(t["summary"])
        cols["confnote"] = one_array(t["confidence_note"])
        cols["refs"] = _refs(one_array(t["article_refs"]), (article or {}).get("title"))
        cols["claims"] = _claim_lines(one_array(t["fatalities"]))
        cols["corrections"] = _correction_lines(one_array(t["corrections"]))
        src = one_array(t["sources"])
        flat = pc.list_flatten(src)
        cols["sources"] = ({"name": flat.field("name"), "url": flat.field("url"), "date": flat.field("date")}
                           if len(flat) else {"name": pa.array([], pa.string()), "url": pa.array([], pa.string()),
                                              "date": pa.array([], pa.string())},
                           _offsets(src))
    return cols


_SCALARS = ("id", "title", "date", "place", "meta", "sub", "summary", "confnote", "refs")


def text_chunks(cols: dict[str, Any], n: int, chunk: int = CHUNK) -> list[dict[str, Any]]:
    """Cut :func:`text_columns` into chunks, each with one string table (dictionary encoding).
    Indices and offsets are int32 numpy arrays (:func:`~bordermap.mapping.payload.compact_json`
    writes them as JSON arrays without a Python int per value)."""
    out = []
    for start in range(0, n, chunk):
        stop = min(start + chunk, n)
        pieces: list[tuple[str, pa.Array]] = [(k, cols[k].slice(start, stop - start)) for k in _SCALARS if k in cols]
        lists: dict[str, Any] = {}
        for name in ("claims", "corrections"):
            if name in cols:
                values, off = cols[name]
                o = off.to_numpy()
                a, b = int(o[start]), int(o[stop])
                lists[name] = (o[start:stop + 1] - a).astype(np.int32)
                pieces.append((name, values.slice(a, b - a)))
        src = None
        if "sources" in cols:
            fields, off = cols["sources"]
            o = off.to_numpy()
            a, b = int(o[start]), int(o[stop])
            src = (o[start:stop + 1] - a).astype(np.int32)
            for f in ("name", "url", "date"):
                pieces.append(("src." + f, fields[f].slice(a, b - a)))
        combined = pa.concat_arrays([p.cast(pa.string()) for _, p in pieces])
        encoded = pc.dictionary_encode(combined)  # one string table for the whole chunk
        strings = encoded.dictionary.to_pylist()
        all_idx = pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False).astype(np.int32)
        idx: dict[str, np.ndarray] = {}
        at = 0
        for name, part in pieces:
            idx[name] = all_idx[at:at + len(part)]  # contiguous views: orjson writes them as arrays
            at += len(part)
        c: dict[str, Any] = {"s": strings, "n": stop - start, "c": {k: idx[k] for k in _SCALARS if k in idx}}
        if lists:
            c["l"] = {k: {"o": lists[k], "v": idx[k]} for k in lists}
        if src is not None:
            c["src"] = {"o": src, "name": idx["src.name"], "url": idx["src.url"], "date": idx["src.date"]}
        out.append(c)
    return out


def chunk_rows(c: dict[str, Any]) -> list[list[Any]]:
    """A chunk back as rows, as the browser reads it: ``[id, title, date, place, meta]`` plus,
    with popups, ``[sub, summary, confidence note, [claims], [corrections], [[source, url,
    date]], refs]`` (the JavaScript in bordermap.js does the same)."""
    s = c["s"]

    def S(i: int) -> str | None:
        return None if i < 0 else s[i]

    cols, lists = c["c"], c.get("l", {})
    rows = []
    for i in range(c["n"]):
        row: list[Any] = [S(cols[k][i]) for k in ("id", "title", "date", "place", "meta")]
        if "summary" in cols:
            def part(name):
                o, v = lists[name]["o"], lists[name]["v"]
                return [S(x) for x in v[o[i]:o[i + 1]]]
            so = c["src"]["o"]
            sources = [[S(c["src"]["name"][j]), S(c["src"]["url"][j]), S(c["src"]["date"][j])]
                       for j in range(so[i], so[i + 1])]
            row.append([S(cols["sub"][i]), S(cols["summary"][i]), S(cols["confnote"][i]), part("claims"),
                        part("corrections"), sources, S(cols["refs"][i])])
        rows.append(row)
    return rows
