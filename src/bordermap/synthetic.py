"""Synthetic events in the project's model, for tests and benchmarks at ACLED/UCDP scale.

Deterministic for a seed; every event is valid and says it is synthetic. Never real rows.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from bordermap.model import CONFIDENCE_LEVELS, EVENT_TYPES

__all__ = ["synthetic_collection", "rich_collection", "rich_table"]

_TOWNS = [  # (name, lon, lat, country, admin1) from geography.md §1 (GeoNames)
    ("Khorugh", 71.5534, 37.4904, "TJK", "Gorno-Badakhshan"),
    ("Ishkoshim", 71.6133, 36.7248, "TJK", "Gorno-Badakhshan"),
    ("Ishkashim", 71.5739, 36.7092, "AFG", "Badakhshan"),
    ("Imam Sahib", 68.9364, 37.1890, "AFG", "Kunduz"),
    ("Gharm", 70.3745, 39.0287, "TJK", "Districts of Republican Subordination"),
    ("Qal'ai Khumb", 70.7890, 38.4537, "TJK", "Gorno-Badakhshan"),
    ("Kulob", 69.7845, 37.9146, "TJK", "Khatlon"),
    ("Fayzabad", 70.5800, 37.1166, "AFG", "Badakhshan"),
    ("Kunduz", 68.8570, 36.7290, "AFG", "Kunduz"),
    ("Panji Poyon", 68.5772, 37.1944, "TJK", "Khatlon"),
]


def synthetic_collection(n: int, seed: int = 1, start: date = date(2010, 1, 1),
                         days: int = 1100) -> dict[str, Any]:
    """A FeatureCollection of ``n`` valid synthetic events scattered around real towns."""
    rng = random.Random(seed)
    types = list(EVENT_TYPES)
    feats = []
    for i in range(n):
        name, lon, lat, iso, admin1 = rng.choice(_TOWNS)
        et = rng.choice(types)
        st = rng.choice(EVENT_TYPES[et])
        d0 = start + timedelta(days=rng.randrange(days))
        prec = rng.choices(["day", "week", "month"], weights=[8, 1, 1])[0]
        d1 = d0 + timedelta(days={"day": 0, "week": 6, "month": 29}[prec])
        gp = rng.choices([1, 2, 3], weights=[6, 3, 1])[0]
        # As ACLED codes them: a town event sits near the town; a vaguer one on the town itself.
        jitter = 0.03 if gp == 1 else 0.0
        coords = [round(lon + rng.uniform(-jitter, jitter), 4), round(lat + rng.uniform(-jitter, jitter), 4)]
        claims = []
        if et in ("Battles", "Violence against civilians", "Explosions/Remote violence"):
            claims = [{"source": "Synthetic wire", "total": rng.randrange(0, 12)}]
        feats.append({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": coords},
            "properties": {
                "id": f"syn-{seed}-{i:06d}",
                "title": f"Synthetic {st.lower()} near {name} #{i}",
                "summary": "Synthetic event generated for tests and benchmarks; not a real report.",
                "date_start": d0.isoformat(),
                "date_end": d1.isoformat(),
                "date_precision": prec,
                "location": name,
                "admin1": admin1,
                "country": iso,
                "geo_precision": gp,
                "event_type": et,
                "sub_event_type": st,
                "actors": [{"name": f"Synthetic actor {rng.randrange(20)}", "role": "actor1"}],
                "fatalities": claims,
                "sources": [{"name": "Synthetic wire", "kind": "other"}],
                "article_refs": [],
                "confidence": rng.choice(CONFIDENCE_LEVELS),
                "confidence_note": "Synthetic data.",
                "tags": ["synthetic"],
            },
        })
    return {"type": "FeatureCollection", "name": f"synthetic-{n}", "features": feats}


def rich_collection(n: int, base: dict[str, Any], seed: int = 1, *, jitter_km: float = 25.0,
                    days: int = 4000) -> dict[str, Any]:
    """``n`` events as rich as real ones: the events of ``base`` (e.g. the bundled article's)
    cloned round-robin with places jittered by up to ``jitter_km`` and dates shifted within
    ``days``; each keeps its sources, claims, actors and long summary, and says it is synthetic.
    Deterministic for a seed; every event validates."""
    import copy

    rng = random.Random(seed)
    feats_in = [f for f in base["features"]]
    out = []
    deg = jitter_km / 111.0
    for i in range(n):
        src = feats_in[i % len(feats_in)]
        f = copy.deepcopy(src)
        p = f["properties"]
        shift = timedelta(days=rng.randrange(-days // 2, days // 2))
        d0, d1 = date.fromisoformat(p["date_start"]) + shift, date.fromisoformat(p["date_end"]) + shift
        if p["date_precision"] == "month":  # stay a whole month
            d0 = d0.replace(day=1)
            nxt = (d0.replace(day=28) + timedelta(days=4)).replace(day=1)
            d1 = nxt - timedelta(days=1)
        elif p["date_precision"] == "year":
            d0, d1 = date(d0.year, 1, 1), date(d1.year, 12, 31)
        p["date_start"], p["date_end"] = d0.isoformat(), d1.isoformat()
        dx, dy = rng.uniform(-deg, deg), rng.uniform(-deg, deg)

        def move(c):
            if isinstance(c[0], (int, float)):
                return [round(c[0] + dx, 5), round(c[1] + dy, 5)] + list(c[2:])
            return [move(x) for x in c]

        f["geometry"]["coordinates"] = move(f["geometry"]["coordinates"])
        p["id"] = f"syn-{seed}-{i:07d}-" + p["id"][:40].rstrip("-")
        f.pop("id", None)
        for c in p.get("fatalities", []):
            c.pop("date", None)  # a claim's own date would no longer fit the shifted event
        for s in p.get("sources", []):
            s.pop("date", None)
        p["tags"] = sorted(set(p.get("tags", [])) | {"synthetic"})
        p["article_refs"] = [r for r in p.get("article_refs", []) if isinstance(r, int)]
        out.append(f)
    result = {"type": "FeatureCollection", "name": f"synthetic-rich-{n}", "features": out}
    if base.get("article"):
        result["article"] = base["article"]
    return result


def rich_table(n: int, base: "EventTable", seed: int = 1, *, jitter_km: float = 25.0,
               days: int = 4000) -> "pa.Table":
    """Like :func:`rich_collection` but built on columns, for a million events in seconds: the
    model columns of ``base``'s events repeated round-robin, ids made unique, points jittered by
    up to ``jitter_km`` and dates shifted within ``days`` (month- and year-precision events by
    whole months or years, so they stay valid). Write it with
    :func:`bordermap.io.geoparquet.write_events_parquet`."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    import shapely

    from bordermap.core.columns import DATE_PRECISION_CODES, properties_schema

    rng = np.random.default_rng(seed)
    src = np.arange(n) % len(base)
    t = base.table.select([f.name for f in properties_schema()] + ["geometry", "feature_id"]).take(pa.array(src))
    prec = base.date_precision_code[src]
    shift = rng.integers(-days // 2, days // 2, n)
    t0, t1 = base.t0[src].astype(np.int64), base.t1[src].astype(np.int64)
    d0, d1 = t0 + shift, t1 + shift
    months = prec == DATE_PRECISION_CODES["month"]
    years = prec == DATE_PRECISION_CODES["year"]
    if months.any() or years.any():
        m_shift = np.round(shift / 30.44).astype(np.int64)
        y_shift = np.round(shift / 365.25).astype(np.int64)
        s0 = t0.astype("datetime64[D]").astype("datetime64[M]")
        s1 = t1.astype("datetime64[D]").astype("datetime64[M]")
        for mask, step in ((months, m_shift), (years, y_shift * 12)):
            a = (s0[mask] + step[mask]).astype("datetime64[D]")
            b = (s1[mask] + step[mask] + 1).astype("datetime64[D]") - np.timedelta64(1, "D")
            d0[mask] = a.astype(np.int64)
            d1[mask] = b.astype(np.int64)
    geoms = shapely.from_wkb(t["geometry"].to_numpy(zero_copy_only=False))
    points = shapely.get_type_id(geoms) == 0
    deg = jitter_km / 111.0
    xy = shapely.get_coordinates(geoms[points])
    xy = xy + rng.uniform(-deg, deg, xy.shape)
    geoms[points] = shapely.points(np.round(xy, 5))
    ids = pc.binary_join_element_wise(
        pa.array([f"syn-{seed}-{i:07d}" for i in range(n)]),
        pc.utf8_slice_codeunits(t["id"], 0, 40).combine_chunks(), "-")
    ids = pc.utf8_rtrim(ids, characters="-")
    cols = {name: t[name] for name in t.column_names}
    cols["id"] = ids
    cols["date_start"] = pa.array(d0.astype(np.int32), pa.int32()).cast(pa.date32())
    cols["date_end"] = pa.array(d1.astype(np.int32), pa.int32()).cast(pa.date32())
    cols["geometry"] = pa.array(shapely.to_wkb(geoms), pa.binary())
    cols["feature_id"] = pa.nulls(n, pa.string())
    # A claim's or a source's own date would no longer fit the shifted event: drop them.
    cols["fatalities"] = _drop_struct_field(t["fatalities"], "date")
    cols["sources"] = _drop_struct_field(t["sources"], "date")
    return pa.table(list(cols.values()), names=list(cols))


def _drop_struct_field(col, name: str):
    """list<struct> column with the struct field ``name`` set to null."""
    import pyarrow as pa
    import pyarrow.compute as pc

    col = col.combine_chunks()
    flat = pc.list_flatten(col)
    fields = [flat.field(f.name) if f.name != name else pa.nulls(len(flat), f.type) for f in flat.type]
    rebuilt = pa.StructArray.from_arrays(fields, fields=list(flat.type))
    return pa.ListArray.from_arrays(col.offsets, rebuilt, mask=col.is_null())
