"""Points and builds for bench_peers.py: the plain folium ways to show many points.

Imports only numpy and folium (not bordermap), so a build measured in a child process carries no
more than a folium user's own script would.

    .venv/bin/python benchmarks/peers_data.py build fmc|mc|one|bare N SEED OUT.html

prints JSON lines on stdout: ``{"progress": k}`` while markers are added (so a build killed for
its time budget still says how far it got), then ``{"build_s": ..., ...}`` when the file is saved.
"""

from __future__ import annotations

import json
import resource
import sys
import time

import numpy as np

# (lon, lat) of the towns in bordermap.synthetic._TOWNS (GeoNames), copied so that this module
# does not depend on the package's internals.
TOWNS = np.array([
    (71.5534, 37.4904),  # Khorugh
    (71.6133, 36.7248),  # Ishkoshim
    (71.5739, 36.7092),  # Ishkashim
    (68.9364, 37.1890),  # Imam Sahib
    (70.3745, 39.0287),  # Gharm
    (70.7890, 38.4537),  # Qal'ai Khumb
    (69.7845, 37.9146),  # Kulob
    (70.5800, 37.1166),  # Fayzabad
    (68.8570, 36.7290),  # Kunduz
    (68.5772, 37.1944),  # Panji Poyon
])
LON = (67.0, 75.5)
LAT = (35.0, 40.0)
CENTER = (37.75, 70.9)  # bordermap's REGION_CENTER / REGION_ZOOM: the whole box is in view at
ZOOM = 7                # 1600x1000 px, so every point is in some drawn cluster or marker
STYLE = dict(radius=4, color="#b2182b", weight=1, fill=True, fill_color="#b2182b", fill_opacity=0.7)
FMC_CALLBACK = ("function (row) { return L.circleMarker(new L.LatLng(row[0], row[1]), "
                "{radius: 4, color: '#b2182b', weight: 1, fill: true, fillColor: '#b2182b', "
                "fillOpacity: 0.7}); }")


def points(n: int, seed: int = 7) -> np.ndarray:
    """``n`` seeded (lat, lon) rows: 90 % scattered around a town (σ ≈ 0.15° ≈ 15 km), 10 % anywhere
    in the border box (lon 67–75.5, lat 35–40); rounded to 4 decimals (~10 m), as ACLED codes them."""
    rng = np.random.default_rng(seed)
    town = TOWNS[rng.integers(0, len(TOWNS), n)]
    lon = town[:, 0] + rng.normal(0.0, 0.18, n)
    lat = town[:, 1] + rng.normal(0.0, 0.13, n)
    anywhere = rng.random(n) < 0.10
    lon[anywhere] = rng.uniform(*LON, anywhere.sum())
    lat[anywhere] = rng.uniform(*LAT, anywhere.sum())
    out = np.column_stack([np.clip(lat, *LAT), np.clip(lon, *LON)])
    return np.round(out, 4)


def _rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _emit(**kw) -> None:
    sys.stdout.write(json.dumps(kw) + "\n")
    sys.stdout.flush()


def build(kind: str, n: int, seed: int, out: str) -> dict:
    """Build and save one map; time from ``folium.Map()`` to the file written."""
    import folium
    from folium.plugins import FastMarkerCluster, MarkerCluster

    rows = points(n, seed).tolist()  # what a user has: a list of [lat, lon]
    rss_before = _rss_mb()
    _emit(rss_before_mb=round(rss_before, 1))  # said now, so a killed build has it too
    step = max(1, n // 20)
    t0 = time.perf_counter()
    # "bare": the barest page folium makes (no tile layer at all, one point)
    m = folium.Map(location=list(CENTER), zoom_start=ZOOM, **({"tiles": None} if kind == "bare" else {}))
    if kind == "fmc":
        FastMarkerCluster(rows, callback=FMC_CALLBACK).add_to(m)
    elif kind == "mc":
        mc = MarkerCluster().add_to(m)
        for i, (lat, lon) in enumerate(rows, 1):
            folium.CircleMarker([lat, lon], **STYLE).add_to(mc)
            if i % step == 0:
                _emit(progress=i, t=round(time.perf_counter() - t0, 2), rss_mb=round(_rss_mb(), 1))
    elif kind in ("one", "bare"):  # the same page with a single point: what any folium page costs to draw
        folium.CircleMarker(rows[0], **STYLE).add_to(m)
    else:
        raise ValueError(f"unknown kind {kind!r}")
    t_added = time.perf_counter()
    _emit(phase="render", added_s=round(t_added - t0, 2))
    m.save(out)
    t1 = time.perf_counter()
    status = open("/proc/self/status").read()
    return dict(build_s=t1 - t0, add_s=t_added - t0, save_s=t1 - t_added, rss_before_mb=rss_before,
                self_maxrss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                hwm_mb=int(status.split("VmHWM:")[1].split()[0]) / 1024)


if __name__ == "__main__":
    if len(sys.argv) != 6 or sys.argv[1] != "build":
        sys.exit(__doc__)
    _emit(**build(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]))
