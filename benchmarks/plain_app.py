"""The plain folium way, for comparison only: one Marker per event, the whole map rebuilt and
re-sent on every rerun, the time filter applied in Python. Same data, same local assets (so it
can run offline), same slider key as the real app."""

import os
import shutil
from datetime import date

import folium
import streamlit as st
from streamlit_folium import st_folium

from bench_peers import local_assets  # the script's folder is on sys.path under streamlit run
from bordermap.assets import install_static, map_css, map_js
from bordermap.dataset import load_dataset
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENDOR = ROOT / "benchmarks" / "static" / "vendor"
install_static(VENDOR)


@st.cache_resource
def jquery() -> None:
    """folium's popups need jQuery, which bordermap's own map does not load: the copy bench_peers
    serves folium's CDN links from, put beside the other assets once per server."""
    shutil.copyfile(local_assets()["jquery.min.js"], VENDOR / "jquery.min.js")


jquery()


@st.cache_resource
def data(path):
    return load_dataset(path, ROOT / "geo")


ds = data(os.environ["BORDERMAP_EVENTS"])
starts = [date.fromisoformat(f["properties"]["date_start"]) for f in ds.events]
ends = [date.fromisoformat(f["properties"]["date_end"]) for f in ds.events]
lo, hi = min(starts), max(ends)
win = st.slider("Time window", min_value=lo, max_value=hi, value=(lo, hi), key="win")
m = folium.Map(location=[37.75, 70.9], zoom_start=7, tiles=None)
m.default_js = [("jquery", "/app/static/vendor/jquery.min.js")] + map_js("/app/static/vendor/")
m.default_css = map_css("/app/static/vendor/")
folium.GeoJson(ds.reference["countries"]).add_to(m)
for f, s, e in zip(ds.events, starts, ends):
    if s <= win[1] and e >= win[0] and f["geometry"]["type"] == "Point":
        lon, lat = f["geometry"]["coordinates"][:2]
        folium.Marker([lat, lon], popup=f["properties"]["title"], tooltip=f["properties"]["title"]).add_to(m)
out = st_folium(m, height=600, width=900)
clicked = (out or {}).get("last_object_clicked")
if clicked:
    for f in ds.events:
        lon, lat = f["geometry"]["coordinates"][:2] if f["geometry"]["type"] == "Point" else (None, None)
        if lat is not None and abs(lat - clicked["lat"]) < 1e-6 and abs(lon - clicked["lng"]) < 1e-6:
            st.markdown(f"**Selected:** {f['properties']['title']}")
            break
