"""The basemap's lines and areas as the page reads them (bordermap/mapping/shapes.py)."""

from __future__ import annotations

import numpy as np
from pyproj import Transformer

from bordermap.dataset import load_dataset
from bordermap.mapping.shapes import QUANT, browser_shapes, decode_shapes, mercator

FC = {"type": "FeatureCollection", "features": [
    {"type": "Feature", "properties": {"iso3": "TJK"}, "geometry": {"type": "Polygon", "coordinates": [
        [[68.0, 37.0], [75.0, 37.0], [75.0, 41.0], [68.0, 41.0], [68.0, 37.0]],
        [[70.0, 38.0], [71.0, 38.0], [71.0, 39.0], [70.0, 38.0]]]}},
    {"type": "Feature", "properties": {"name": "nowhere"}, "geometry": None},
    {"type": "Feature", "properties": {"name": "Panj", "class": "border"}, "geometry": {"type": "MultiLineString",
     "coordinates": [[[71.5, 37.5], [71.6, 37.6]], [[70.1, 37.1], [70.2, 37.0], [70.3, 36.9]]]}},
    {"type": "Feature", "properties": {}, "geometry": {"type": "MultiPolygon", "coordinates": [
        [[[60.0, 30.0], [61.0, 30.0], [61.0, 31.0], [60.0, 30.0]]]]}},
]}


def test_mercator_is_web_mercator():
    lon, lat = np.array([-180.0, 0.0, 71.55, 179.9]), np.array([-60.0, 0.0, 37.49, 60.0])
    x, y = mercator(lon, lat)
    mx, my = Transformer.from_crs(4326, 3857, always_xy=True).transform(lon, lat)
    half = 20037508.342789244
    assert np.allclose(x, (mx + half) / (2 * half), atol=1e-12)
    assert np.allclose(y, (half - my) / (2 * half), atol=1e-12)


def test_round_trip_keeps_every_ring_and_vertex_to_a_quarter_pixel_at_zoom_14():
    data = browser_shapes(FC)
    assert data["q"] == QUANT and data["rings"] == [2, 2, 1] and data["sizes"] == [5, 4, 2, 3, 4]
    assert [p.get("name") for p in data["props"]] == [None, "Panj", None]  # the empty one left out
    assert all(isinstance(v, int) for v in data["xy"])
    features = [f for f in FC["features"] if f["geometry"]]
    for (props, rings), f in zip(decode_shapes(data), features):
        assert props == f["properties"]
        g = f["geometry"]
        want = {"Polygon": g["coordinates"], "MultiLineString": g["coordinates"],
                "MultiPolygon": [r for p in g["coordinates"] for r in p]}[g["type"]]
        assert len(rings) == len(want)
        for got, ring in zip(rings, want):
            x, y = mercator(np.array([p[0] for p in ring]), np.array([p[1] for p in ring]))
            world_px_z14 = 256 * 2 ** 14
            assert np.abs(got[:, 0] - x).max() * world_px_z14 <= 0.25
            assert np.abs(got[:, 1] - y).max() * world_px_z14 <= 0.25


def test_deltas_are_small_numbers():
    """Each vertex is written as the step from the one before: short integers in the page."""
    data = browser_shapes(load_dataset().reference["rivers"])
    steps = np.abs(np.asarray(data["xy"][2:]))
    assert np.median(steps) < 5_000 < steps.max() < QUANT


def test_empty_layer():
    assert browser_shapes({"type": "FeatureCollection", "features": []}) == \
        {"shapes": 1, "q": QUANT, "props": [], "rings": [], "sizes": [], "xy": []}
    assert decode_shapes(browser_shapes({"type": "FeatureCollection", "features": []})) == []
