"""Synthetic events in the project's model, for tests and benchmarks at ACLED/UCDP scale.

Deterministic for a seed; every event is valid and says it is synthetic. Never real rows.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from bordermap.model import CONFIDENCE_LEVELS, EVENT_TYPES

__all__ = ["synthetic_collection"]

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
