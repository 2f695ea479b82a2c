"""bordermap.mapping.labels: which place labels win when they collide."""

from __future__ import annotations

from bordermap.core.table import EventTable
from bordermap.mapping.labels import place_label_ranks, ranked_places


def place(pid, kind, lon, lat):
    return {"type": "Feature", "properties": {"id": pid, "name": pid.title(), "kind": kind},
            "geometry": {"type": "Point", "coordinates": [lon, lat]}}


def event(eid, coords, kind="Point"):
    return {"type": "Feature", "id": eid, "geometry": {"type": kind, "coordinates": coords},
            "properties": {"id": eid, "title": eid, "date_start": "2012-07-24", "date_precision": "day",
                           "event_type": "Battles", "confidence": "reported", "geo_precision": 1}}


PLACES = {"type": "FeatureCollection", "features": [
    place("village", "village", 71.0, 37.0),
    place("town", "town", 72.0, 37.0),
    place("capital", "capital", 69.0, 38.5),
    place("busy", "district", 71.5, 37.5),
    place("busier", "crossing", 70.0, 37.2),
]}


def table(*features):
    return EventTable.from_features(list(features))


def test_capitals_then_event_places_then_towns_then_the_rest():
    events = table(event("a", [71.501, 37.501]),  # ~150 m from "busy"
                   event("b", [[70.0, 37.2], [69.0, 38.5]], "LineString"))  # "busier" and the capital
    ranks, counts = place_label_ranks(PLACES, events)
    assert ranks == [3, 2, 0, 1, 1]
    assert counts == [0, 0, 1, 1, 1]


def test_an_event_a_few_km_away_does_not_make_a_place_an_event_place():
    ranks, _ = place_label_ranks(PLACES, table(event("far", [71.1, 37.0])))  # ~9 km from "village"
    assert ranks[0] == 3


def test_ranked_places_orders_by_rank_then_events_and_leaves_the_input_alone():
    events = table(event("a", [70.0, 37.2]), event("b", [70.001, 37.2]), event("c", [71.5, 37.5]))
    out = ranked_places(PLACES, events)
    order = sorted(out["features"], key=lambda f: f["properties"]["label_order"])
    assert [f["properties"]["id"] for f in order] == ["capital", "busier", "busy", "town", "village"]
    assert "label_rank" not in PLACES["features"][0]["properties"]
    assert ranked_places(None, events) is None
    assert place_label_ranks(PLACES, None)[0] == [3, 2, 0, 3, 3]


def test_vertex_counts_match_shapelys_dwithin():
    """The strip search counts what an STRtree ``dwithin`` query counts (its definition), on
    seeded random places and vertices, some of them exactly at the distance or NaN."""
    import numpy as np
    import shapely

    from bordermap.mapping.labels import EVENT_NEAR_DEG, _vertices_near

    rng = np.random.default_rng(7)
    places = rng.uniform([70, 37], [70.3, 37.3], size=(40, 2))
    vertices = np.concatenate([rng.uniform([70, 37], [70.3, 37.3], size=(20_000, 2)),
                               places[:10] + [EVENT_NEAR_DEG / 2, 0], places[10:20] + [0, 3 * EVENT_NEAR_DEG],
                               np.repeat(places[:3], 5, axis=0), [[np.nan, np.nan]]])
    present = ~np.isnan(vertices).any(axis=1)
    _, hit = shapely.STRtree(shapely.points(places)).query(shapely.points(vertices[present]), predicate="dwithin",
                                                           distance=EVENT_NEAR_DEG)
    expected = np.bincount(hit, minlength=len(places))
    assert expected.sum() > 100
    assert _vertices_near(places, vertices, EVENT_NEAR_DEG).tolist() == expected.tolist()
