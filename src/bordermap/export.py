"""Exports of what is on screen: one pure function per format, shared by the app and the CLI.

Every function takes the data (a :class:`~bordermap.dataset.Dataset`, a FeatureCollection dict
or a list of event Features) and the :class:`~bordermap.timeline.EventFilter` the user chose,
exports only the events that filter selects (in story order), and returns the file's content;
nothing here touches the disk except :func:`write_export`. So the app's download button and
``bordermap export`` produce the same bytes for the same data, filter and ``generated_at``::

    from bordermap.export import export_bytes, write_export
    data = export_bytes("html", dataset, flt)          # str/bytes per format: export_html(...), ...
    write_export("html", "map.html", data, force=False)

=========  ==================================  ============================================
format     function                            content
=========  ==================================  ============================================
html       :func:`export_html` -> str          one self-contained, offline HTML map
png        :func:`export_png` -> bytes         that map drawn by headless Chromium
geojson    :func:`export_geojson` -> str       the events in the project's model (validates)
csv        :func:`export_csv` -> str           ACLED's 31 columns (see ``bordermap.io.acled``)
kml        :func:`export_kml` -> str           KML 2.2 for Google Earth (``bordermap.io.kml``)
=========  ==================================  ============================================

``generated_at`` (an aware ``datetime``; default: now, UTC, whole seconds) is written into
every export, so tests pass a fixed one and get identical output.
"""

from __future__ import annotations

import html as html_lib
import json
import re
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Mapping, Sequence, Union

import blake3
import numpy as np
import orjson
import pyarrow as pa
import pyarrow.compute as pc
import shapely
from shapely.geometry import mapping, shape

from bordermap import __version__
from bordermap.assets import inline_assets
from bordermap.core.cache import cache_key, read_blob, write_blob
from bordermap.dataset import Dataset, prepare_events
from bordermap.formats import FORMATS, ExportFormat
from bordermap.io.acled import acled_csv, to_acled_rows
from bordermap.io.files import write_bytes_atomic
from bordermap.io.kml import to_kml
from bordermap.mapping.builder import REGION_CENTER, REGION_ZOOM, MapOptions, build_map
from bordermap.mapping.framing import Frame, View, as_frame, events_frame
from bordermap.core.table import EventTable, one_array
from bordermap.mapping.event_layer import TimeSlider, cached_inline_source
from bordermap.mapping.legend import Footer, TitleBox
from bordermap.mapping.reference import OSM_ATTRIBUTION, RELIEF_ATTRIBUTION, WATER_ATTRIBUTION
from bordermap.model import DERIVED_FIELDS
from bordermap.render import render_png
from bordermap.textsafe import isolate
from bordermap.timeline import EventFilter, TimeWindow, span, window_days

__all__ = [
    "FORMATS",
    "ExportFormat",
    "EventData",
    "as_dataset",
    "selected_events",
    "selected_table",
    "export_html",
    "export_png",
    "export_geojson",
    "geojson_collection",
    "export_csv",
    "export_kml",
    "export_bytes",
    "write_export",
    "suggested_filename",
    "export_frame",
    "EXPORT_ZOOM_SNAP",
    "events_attribution",
    "BASEMAP_TOLERANCE_DEG",
    # building blocks shared with bordermap.presentation
    "export_basemap",
    "stable_names",
    "standalone_head",
    "export_time",
    "time_stamp",
    "article_line",
    "geo_credit_line",
]

Feature = dict[str, Any]
#: What the export functions accept as data.
EventData = Union[Dataset, Mapping[str, Any], Sequence[Feature]]

#: The offline basemap's country outlines are simplified by this much (Douglas–Peucker, topology
#: kept; ≤ 0.55 km off the original) — under a pixel at the export's zoom — which takes ~0.55 MB
#: off every HTML export. The border line itself is never simplified.
BASEMAP_TOLERANCE_DEG = 0.005

#: Exports zoom in quarter steps, so the framed events fill the image rather than the next
#: whole zoom level down (up to half of it).
EXPORT_ZOOM_SNAP = 0.25

_DEFAULT_TITLE = "Afghan–Tajik border: events"
# Only the file's own inline code and data: URIs run or load; nothing reaches the network.
_CSP = ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data: blob:{tiles}; "
        "font-src data:; base-uri 'none'; form-action 'none'")


# ---------------------------------------------------------------------------------------------
# Data in


def as_dataset(data: EventData) -> Dataset:
    """A :class:`Dataset` from a Dataset (as is), a FeatureCollection dict or a list of Features.

    Collections and lists are taken as they are (no validation: the caller vouches for them) and
    get the non-geographic derived fields; they have no reference layers.
    """
    if isinstance(data, Dataset):
        return data
    if isinstance(data, Mapping):
        if data.get("type") != "FeatureCollection":
            raise TypeError("expected a Dataset, a FeatureCollection dict or a list of event Features")
        return Dataset(table=prepare_events(list(data.get("features", [])), None),
                       article=data.get("article"), layers=None, info=data.get("dataset"))
    return Dataset(table=prepare_events(list(data), None), article=None, layers=None)


def selected_table(data: EventData, flt: EventFilter | None = None) -> EventTable:
    """The events an export carries, as a table: those ``flt`` selects, in story order."""
    ds = as_dataset(data)
    rows = (flt or EventFilter()).rows(ds.table)
    return ds.table if len(rows) == len(ds.table) else ds.table.take(rows)  # all rows: no copy


def selected_events(data: EventData, flt: EventFilter | None = None) -> list[Feature]:
    """The events an export carries as Features: those ``flt`` selects, in story order."""
    return list(selected_table(data, flt).features())


def default_title(ds: Dataset) -> str:
    """An export's title when none is given: the project's, else a plain one."""
    project = ds.project
    return project.title if project is not None and project.path is not None else _DEFAULT_TITLE


def export_time(generated_at: datetime | None) -> datetime:
    if generated_at is None:
        return datetime.now(timezone.utc).replace(microsecond=0)
    if generated_at.tzinfo is None:
        raise ValueError("generated_at must be timezone-aware (e.g. datetime(..., tzinfo=timezone.utc))")
    return generated_at.astimezone(timezone.utc)


def time_stamp(when: datetime) -> str:
    return when.strftime("%Y-%m-%d %H:%M UTC")


# ---------------------------------------------------------------------------------------------
# Credits


def events_attribution(article: Mapping[str, Any] | None, dataset: Mapping[str, Any] | None = None) -> str:
    """Short credit for the events ('Events: Thomas Ruttig (2012), Afghanistan Analysts Network,
    and the sources it relays'; for an import, 'Events: ACLED, Armed Conflict Location & Event
    Data (ACLED)'); plain text."""
    if dataset and not article:
        return f"Events: {dataset['name']}, {dataset['publisher']}"
    if not article:
        return "Events: bordermap events file"
    year = str(article.get("date", ""))[:4]
    who = article.get("author") or article.get("title")
    parts = [f"{who} ({year})" if year else str(who)]
    if article.get("publisher"):
        parts.append(str(article["publisher"]))
    return "Events: " + ", ".join(parts) + ", and the sources it relays"


def article_line(article: Mapping[str, Any] | None) -> str:
    if not article:
        return ""
    bits = [article.get("author"), f"“{article['title']}”", article.get("publisher"), article.get("date")]
    bits = [isolate(str(b)) if b else b for b in bits]
    return ("Events drawn from " + ", ".join(str(b) for b in bits if b) + f" ({article['url']}), "
            "and the outlets it relays, with outside corrections")


def dataset_line(dataset: Mapping[str, Any] | None) -> str:
    """The credit an imported dataset asks for: its name, how to cite it and its terms."""
    if not dataset:
        return ""
    origin = f" (imported from {isolate(dataset['imported_from'])})" if dataset.get("imported_from") else ""
    return (f"Events from {isolate(dataset['name'])}{origin}. Cite: {isolate(dataset['citation'])} "
            f"Terms: {isolate(dataset['licence'])}")


def _sources_line(events: EventTable, limit: int = 6) -> str:
    sources = pc.list_flatten(one_array(events.table["sources"]))
    keep = pc.not_equal(sources.field("kind"), "reference")
    # value_counts lists names in order of first appearance; a stable sort by count keeps that
    # order among equals (as Counter.most_common does)
    counted = pc.value_counts(pc.drop_null(pc.filter(sources.field("name"), keep)))
    if not len(counted):
        return ""
    top = np.argsort(-counted.field("counts").to_numpy(), kind="stable")[:limit]
    names = counted.field("values").take(pa.array(top)).to_pylist()
    more = len(counted) - len(names)
    return ("Sources cited: " + "; ".join(isolate(n) for n in names)
            + (f"; and {more} more (each event's popup lists its own)" if more else ""))


def geo_credit_line(ds: Dataset) -> str:
    credits = []
    if any(ds.reference.get(k) for k in ("border", "countries")):
        credits.append(OSM_ATTRIBUTION)
    if ds.reference.get("rivers") or ds.reference.get("lakes"):
        credits.append(WATER_ATTRIBUTION + "; river names from GeoNames (CC BY 4.0) points, "
                       "see geo/README.md")
    if ds.reference.get("relief"):
        credits.append(RELIEF_ATTRIBUTION)
    if ds.reference.get("places"):
        credits.append("places: GeoNames (CC BY 4.0) and the sources in geo/places.geojson")
    return "; ".join(credits)


def _credit_lines(ds: Dataset, events: EventTable, flt: EventFilter, when: datetime) -> list[str]:
    lines = [f"Exported {time_stamp(when)} by bordermap {__version__}: {len(events):,} of {len(ds):,} events",
             "Filters: " + flt.describe(),
             article_line(ds.article),
             dataset_line(ds.info),
             _sources_line(events),
             geo_credit_line(ds)]
    return [line for line in lines if line]


# ---------------------------------------------------------------------------------------------
# HTML


_basemap_cache: dict[int, tuple[dict, dict]] = {}
#: Bump when the simplification changes (its tolerance is in the key already).
_BASEMAP_FORMAT = "basemap-1"


def export_basemap(fc: dict[str, Any] | None) -> dict[str, Any] | None:
    """A basemap layer (countries, lakes, rivers) simplified for a standalone file; kept per
    loaded layer in memory and by content in the cache (GEOS's topology-preserving
    simplification is a tenth of a second of every export for the three layers)."""
    if not fc:
        return fc
    hit = _basemap_cache.get(id(fc))
    if hit and hit[0] is fc:
        return hit[1]
    text = orjson.dumps(fc)
    key = cache_key(_BASEMAP_FORMAT, str(BASEMAP_TOLERANCE_DEG), blake3.blake3(text).hexdigest())
    out = None
    blob = read_blob("basemaps", key)
    if blob is not None:
        try:
            out = orjson.loads(blob)
        except orjson.JSONDecodeError:
            out = None  # a damaged entry: made again and replaced
    if not isinstance(out, dict) or not isinstance(out.get("features"), list):
        out = _simplified(fc)
        write_blob("basemaps", key, orjson.dumps(out))
    if len(_basemap_cache) >= 3:  # the three layers of the dataset in use
        _basemap_cache.clear()
    _basemap_cache[id(fc)] = (fc, out)
    return out


def _simplified(fc: dict[str, Any]) -> dict[str, Any]:
    features = []
    for f in fc.get("features", []):
        geom = shapely.set_precision(shapely.simplify(shape(f["geometry"]), BASEMAP_TOLERANCE_DEG,
                                                      preserve_topology=True), 1e-4)
        features.append({"type": "Feature", "properties": f.get("properties") or {}, "geometry": mapping(geom)})
    return {"type": "FeatureCollection", "features": features}


def _slider(events: EventTable, flt: EventFilter) -> TimeSlider | None:
    """A slider stepping a one-day window over the days events start on, within the exported
    period; 'whole period' (ticked when the file opens) shows everything exported."""
    whole = flt.window or span(events)
    if whole is None:
        return None
    lo, hi = window_days(whole)
    days = np.unique(np.maximum(events.t0, lo))
    steps = [TimeWindow.from_days(int(d), int(d)) for d in days[days <= hi]]
    return TimeSlider(steps, whole=whole, initial=0, show_all=True)


def export_frame(ds: Dataset, events: EventTable, view: Frame | Sequence[float] | None = None,
                 window: TimeWindow | None = None) -> Frame:
    """Where an HTML or PNG export opens: ``view`` when given (a :class:`~bordermap.mapping.framing.Bounds`, a
    :class:`~bordermap.mapping.framing.View`, or a tuple for :func:`~bordermap.mapping.framing.as_frame`), else the
    exported events (:func:`~bordermap.mapping.framing.events_frame`: those dated inside ``window``
    when there are any), else the project's region."""
    project = ds.project
    region = View(*project.center, project.zoom) if project is not None else View(*REGION_CENTER, REGION_ZOOM)
    return as_frame(view) or events_frame(events, region, window_days(window) if window else None)


def _subtitle(events: EventTable, flt: EventFilter) -> str:
    n = len(events)
    head = f"{n:,} event{'s' if n != 1 else ''}"
    if flt != EventFilter():
        return f"{head} · {flt.describe()}"
    whole = span(events)
    return f"{head}, {whole.start.isoformat()} to {whole.end.isoformat()}" if whole else head


#: '_' and 32 hex digits, the tail of every folium name. Starting with a literal that base64
#: never holds lets the regex engine skip from one '_' to the next: 0.005 s over a 5 MB page,
#: where a bare hex run took 0.12 s.
_HEX_ID = re.compile(r"_([0-9a-f]{32})(?![0-9a-f])")


def stable_names(m, page: str) -> str:
    """folium names every element ``<kind>_<random uuid hex>``; number them in order of first
    appearance instead, so the same export is the same bytes. Only the names of the map's own
    elements are replaced, never text that happens to look like one."""
    names: set[str] = set()

    def walk(el) -> None:
        names.add(el.get_name())
        for child in getattr(el, "_children", {}).values():
            walk(child)

    root = m.get_root()
    for part in (root, root.header, root.html, root.script):
        walk(part)
    # One pass over the page for the names' 32-digit hex ids (an alternation of the names took
    # two slow passes over a 5 MB page); a hex run counts only where it follows its own kind.
    kinds: dict[str, str] = {}
    for name in names:
        kind, _, uid = name.rpartition("_")
        if len(uid) == 32:
            kinds[uid] = kind
    stable: dict[str, str] = {}

    def number(match: re.Match) -> str:
        uid, at = match.group(1), match.start()
        kind = kinds.get(uid)
        if kind is None or not page.startswith(kind, at - len(kind)):
            return match.group(0)
        return "_" + stable.setdefault(uid, str(len(stable)))
    return _HEX_ID.sub(number, page)


def standalone_head(page: str, title: str, online_tiles: bool) -> str:
    csp = _CSP.format(tiles=" https:" if online_tiles else "")
    meta = (f'<meta charset="utf-8">\n<meta http-equiv="Content-Security-Policy" content="{csp}">\n'
            f"<title>{html_lib.escape(title)}</title>\n")
    return page.replace("<head>", "<head>\n" + meta, 1)


def export_html(data: EventData, flt: EventFilter | None = None, *, title: str | None = None,
                online_tiles: bool = False, generated_at: datetime | None = None,
                view: Frame | Sequence[float] | None = None) -> str:
    """One self-contained HTML file of the map: every script and stylesheet inlined, the offline
    basemap embedded, no request to any server unless ``online_tiles`` (then tile layers are
    offered in the layer control, off until picked).

    Carries the events ``flt`` selects (and only those), the border, bridges and places, the
    legend, a title, a time slider over the exported period, popups with each event's details
    and sources, attributions, and a footer with the export time and the active filters.

    Parameters
    ----------
    data
        A Dataset, a FeatureCollection dict or a list of event Features.
    flt
        The filter on screen; ``None`` exports every event.
    title
        The map's heading; default "Afghan–Tajik border: events".
    online_tiles
        Also offer OpenStreetMap/OpenTopoMap/Esri tiles (they need a network).
    generated_at
        Export time shown in the footer (aware datetime; default now).
    view
        Where the map opens: ``None`` frames the exported events (those dated inside the
        window when there are any; their box, approximate
        places' rings included, at most zoom 10; the project's region when there are none); a
        :class:`~bordermap.mapping.framing.Bounds` or ``(west, south, east, north)`` tuple is
        fitted; a :class:`~bordermap.mapping.framing.View` or ``(lat, lon, zoom)`` tuple is
        opened as it is. Raises :class:`~bordermap.mapping.framing.FrameError` for a bad one.
    """
    flt = flt or EventFilter()
    ds = as_dataset(data)
    events = selected_table(ds, flt)
    when = export_time(generated_at)
    title = title or default_title(ds)
    reference = dict(ds.reference)
    for kind in ("countries", "lakes", "rivers"):
        reference[kind] = export_basemap(reference.get(kind))
    # The file carries only the selected events, so no initial filter is needed (filtering 10k
    # events once more on load costs ~0.2 s); the slider applies the exported window on load.
    frame = export_frame(ds, events, view, flt.window)
    options = MapOptions(asset_prefix="vendor/", datasets=ds.layer_specs, details=True,
                         online_tiles=online_tiles, initial_filter=None, legend_open=True,
                         events_source=cached_inline_source(events, ds.key, article=ds.article, popups=True,
                                                            marks={n: mk for _, n, mk in ds.layer_specs} or None),
                         attribution=events_attribution(ds.article, ds.info), frame=frame,
                         zoom_snap=EXPORT_ZOOM_SNAP,
                         **({"center": (frame.lat, frame.lon), "zoom": frame.zoom} if isinstance(frame, View) else {}))
    m = build_map(events, reference, options=options, article=ds.article)
    TitleBox(title, _subtitle(events, flt)).add_to(m)
    slider = _slider(events, flt)
    if slider is not None:
        slider.add_to(m)
    Footer(_credit_lines(ds, events, flt, when)).add_to(m)
    page = stable_names(m, m.get_root().render())
    return inline_assets(standalone_head(page, title, online_tiles))


# ---------------------------------------------------------------------------------------------
# PNG


def export_png(data: EventData, flt: EventFilter | None = None, *, size: tuple[int, int] = (1600, 1000),
               title: str | None = None, generated_at: datetime | None = None, scale: float = 1.0,
               view: Frame | Sequence[float] | None = None) -> bytes:
    """A PNG of the HTML export as Chromium draws it offline, ``size`` pixels (× ``scale`` for
    high-DPI), with title, legend, footer and attribution; the slider, zoom and layer buttons
    are left out of the image, and the frame (``view``, as in :func:`export_html`) is fitted
    again to the space they leave. Raises ``RendererUnavailable`` when Chromium is missing."""
    page = export_html(data, flt, title=title, online_tiles=False, generated_at=generated_at, view=view)
    return render_png(page, size=size, scale=scale)


# ---------------------------------------------------------------------------------------------
# GeoJSON, CSV, KML


def geojson_collection(data: EventData, flt: EventFilter | None = None, *,
                       generated_at: datetime | None = None) -> dict[str, Any]:
    """The selected events as a FeatureCollection in the project's model: derived fields removed,
    so it validates with ``bordermap validate``; the ``article`` block kept."""
    flt = flt or EventFilter()
    ds = as_dataset(data)
    events = selected_events(ds, flt)
    when = export_time(generated_at)
    features = []
    for f in events:
        out = {"type": "Feature"}
        if "id" in f:
            out["id"] = f["id"]
        out["geometry"] = f["geometry"]
        out["properties"] = {k: v for k, v in f["properties"].items() if k not in DERIVED_FIELDS}
        features.append(out)
    fc: dict[str, Any] = {
        "type": "FeatureCollection",
        "name": "bordermap export",
        "description": (f"Exported {time_stamp(when)} by bordermap {__version__}: {len(events):,} of "
                        f"{len(ds):,} events; filters: {flt.describe()}"),
    }
    if ds.article:
        fc["article"] = ds.article
    if ds.info:
        fc["dataset"] = ds.info
    fc["features"] = features
    return fc


def export_geojson(data: EventData, flt: EventFilter | None = None, *,
                   generated_at: datetime | None = None) -> str:
    """:func:`geojson_collection` as UTF-8 JSON text (one space indent, non-ASCII kept)."""
    return json.dumps(geojson_collection(data, flt, generated_at=generated_at), ensure_ascii=False,
                      indent=1) + "\n"


def export_csv(data: EventData, flt: EventFilter | None = None, *, generated_at: datetime | None = None) -> str:
    """The selected events in ACLED's exact 31-column CSV layout (mapping: ``bordermap.io.acled``)."""
    events = selected_events(data, flt)
    return acled_csv(to_acled_rows(events, timestamp=int(export_time(generated_at).timestamp())))


def export_kml(data: EventData, flt: EventFilter | None = None, *, title: str | None = None,
               generated_at: datetime | None = None) -> str:
    """The selected events as KML 2.2 for Google Earth (``bordermap.io.kml``)."""
    flt = flt or EventFilter()
    ds = as_dataset(data)
    events = selected_table(ds, flt)
    credits = _credit_lines(ds, events, flt, export_time(generated_at))
    credits.append(events_attribution(ds.article, ds.info))
    return to_kml(list(events.features()), name=title or default_title(ds), description="\n".join(credits))


# ---------------------------------------------------------------------------------------------
# One entry point, and writing


def export_bytes(fmt: str, data: EventData, flt: EventFilter | None = None, *, title: str | None = None,
                 size: tuple[int, int] = (1600, 1000), online_tiles: bool = False,
                 generated_at: datetime | None = None, view: Frame | Sequence[float] | None = None) -> bytes:
    """Any format's content as bytes (UTF-8 for the text formats): what the app's download
    buttons serve and what ``bordermap export`` writes. Options a format has no use for are
    ignored (``view``, where the map opens, is for html and png)."""
    if fmt == "html":
        out: str | bytes = export_html(data, flt, title=title, online_tiles=online_tiles,
                                       generated_at=generated_at, view=view)
    elif fmt == "png":
        out = export_png(data, flt, size=size, title=title, generated_at=generated_at, view=view)
    elif fmt == "geojson":
        out = export_geojson(data, flt, generated_at=generated_at)
    elif fmt == "csv":
        out = export_csv(data, flt, generated_at=generated_at)
    elif fmt == "kml":
        out = export_kml(data, flt, title=title, generated_at=generated_at)
    else:
        raise ValueError(f"unknown export format {fmt!r}; expected one of {', '.join(FORMATS)}")
    return out.encode("utf-8") if isinstance(out, str) else out


def write_export(fmt: str, path: str | Path, data: str | bytes, force: bool = False) -> Path:
    """Write an export atomically (temp file in the same folder, then rename).

    Raises ``FileExistsRefusal`` if ``path`` exists and ``force`` is false.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; expected one of {', '.join(FORMATS)}")
    if isinstance(data, str):
        if FORMATS[fmt].binary:
            raise TypeError(f"a {fmt} export is bytes, got text")
        data = data.encode("utf-8")
    return write_bytes_atomic(path, data, force=force)


def suggested_filename(fmt: str, flt: EventFilter | None = None) -> str:
    """A file name that says what is in it: ``bordermap-2012-07-20-to-2012-07-31.csv``."""
    win = flt.window if flt else None
    stem = f"bordermap-{win.start.isoformat()}-to-{win.end.isoformat()}" if win else "bordermap-all"
    return stem + FORMATS[fmt].suffix
