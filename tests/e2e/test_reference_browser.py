"""The reference layers in the app's map (Chromium, offline, 1440×900): place labels never
overlap, the capital and the event places keep theirs, and rivers, lakes and relief are drawn."""

from __future__ import annotations

import pytest

from bordermap.dataset import load_dataset

from browser import map_frame, offline_page, wait_for_app

pytestmark = pytest.mark.e2e


def overlapping(labels: list[dict]) -> list[tuple[str, str]]:
    pairs = []
    for i, a in enumerate(labels):
        for b in labels[i + 1:]:
            (ax0, ay0, ax1, ay1), (bx0, by0, bx1, by1) = a["box"], b["box"]
            if ax0 < bx1 and bx0 < ax1 and ay0 < by1 and by0 < ay1:
                pairs.append((a["name"], b["name"]))
    return pairs


@pytest.fixture(scope="module")
def places():
    """Place name -> label rank, as Python computed it (capitals 0, places with events 1)."""
    fc = load_dataset().reference["places"]
    return {f["properties"]["name"]: f["properties"]["label_rank"] for f in fc["features"]}


def labels_after(frame, page, script: str | None = None) -> tuple[list[dict], set[str]]:
    """The visible labels after ``script`` has moved the map, and the places whose dot is in view."""
    if script:
        frame.evaluate(script)
    page.wait_for_timeout(700)  # zoomend/moveend -> the layout runs on the next frame
    dots = frame.evaluate("""() => {
      const view = map.getBounds().pad(-0.02);
      return Bordermap.places().filter((p) => view.contains([p.lat, p.lng])).map((p) => p.name);
    }""")
    return frame.evaluate("Bordermap.visibleLabels()"), set(dots)


@pytest.mark.parametrize("size", [(1440, 900), (1280, 720)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_place_labels_never_overlap_and_keep_the_important_ones(app_server, chromium, places, artifacts, size):
    page, watch = offline_page(chromium, width=size[0], height=size[1])
    page.goto(app_server.url)
    wait_for_app(page)
    frame = map_frame(page)
    frame.wait_for_function("Bordermap.visibleLabels && Bordermap.visibleLabels().length > 5", timeout=20_000)

    views = {
        "default": labels_after(frame, page),
        "zoomed in on Khorog": labels_after(frame, page, "map.setView([37.49, 71.55], 10, {animate: false}); null"),
        "zoomed in on Qal'ai Khumb": labels_after(frame, page, "map.setView([38.43, 70.95], 9, {animate: false}); null"),
        "zoomed out": labels_after(frame, page, "map.setView([37.75, 70.9], 6, {animate: false}); null"),
    }
    page.screenshot(path=str(artifacts / f"labels-zoomed-out-{size[0]}x{size[1]}.png"))
    for view, (labels, dots) in views.items():
        assert labels, view
        shown = {lab["name"] for lab in labels}
        capitals = {n for n in dots if places[n] == 0}
        assert capitals <= shown, f"{view}: capital(s) {capitals - shown} unlabelled"
        assert not overlapping(labels), f"{view}: overlapping labels {overlapping(labels)}"
        assert all(lab["box"][2] > lab["box"][0] and lab["box"][3] > lab["box"][1] for lab in labels)
    # the capital in view and the place with most events keep their labels at every zoom
    names = {view: {lab["name"] for lab in labels} for view, (labels, _) in views.items()}
    assert {"Dushanbe", "Khorugh"} <= names["default"]
    assert "Khorugh" in names["zoomed in on Khorog"]
    assert {"Dushanbe", "Khorugh"} <= names["zoomed out"]
    # every event place in view is labelled when zoomed in
    for view in ("zoomed in on Khorog", "zoomed in on Qal'ai Khumb"):
        events_here = {n for n in views[view][1] if places[n] == 1}
        assert events_here <= names[view], f"{view}: {events_here - names[view]} unlabelled"
    # the article's crowded spots: each event place there is labelled once the map is close
    # enough for its dot to stand apart (the reason labels are hidden is a better one nearby)
    assert {"Qal'ai Khumb", "Nusay", "Vanj", "Maymay"} <= names["zoomed in on Qal'ai Khumb"]
    assert not watch.problems(), watch.problems()


def open_app_map(app_server, chromium):
    page, watch = offline_page(chromium, width=1440, height=900)
    page.goto(app_server.url)
    wait_for_app(page)
    return page, watch, map_frame(page)


def test_rivers_lakes_and_relief_are_drawn(app_server, chromium):
    page, watch, frame = open_app_map(app_server, chromium)
    # Countries, lakes, rivers and the border share the basemap canvas (reference.js), each
    # layer a part of it once its file has arrived.
    frame.wait_for_function("""() => { let n = 0; map.eachLayer((l) => { if (l instanceof L.ImageOverlay) n++; });
                                       return n > 0 && Bordermap.basemapDrawn(map).length === 4; }""", timeout=20_000)
    parts = frame.evaluate("""() => Bordermap.basemapDrawn(map).map((p) => ({kind: p.kind,
        groups: p.groups.map((g) => ({style: g.style, passes: g.passes,
          features: g.features.map((f) => ({name: f.name || null, cls: f["class"] || null, lake: !!f.gshhg_id}))}))}))""")
    relief = frame.evaluate("() => { let n = 0; map.eachLayer((l) => { if (l instanceof L.ImageOverlay) n++; }); return n; }")
    assert relief == 1
    # drawn bottom first: the country fills, then lakes, rivers and the border on top of them
    assert [p["kind"] for p in parts] == ["countries", "lakes", "rivers", "border"]
    kinds = {p["kind"]: p for p in parts}
    rivers = [(f["name"], f["cls"], g["style"]["weight"]) for g in kinds["rivers"]["groups"] for f in g["features"]]
    names = {name for name, _, _ in rivers if name}
    assert {"Panj", "Amu Darya", "Vakhsh", "Bartang", "Kokcha", "Kunduz"} <= names
    weight = {cls: w for _, cls, w in rivers}
    assert weight["border"] > weight["named"] > weight["other"]
    # within the rivers the unnamed rest goes first, the border rivers last (drawn over them)
    assert [g["features"][0]["cls"] for g in kinds["rivers"]["groups"]] == ["other", "named", "border"]
    lakes = {f["name"] for g in kinds["lakes"]["groups"] for f in g["features"] if f["lake"]}
    assert "Lake Sarez" in lakes
    # the border: a white casing under the red line
    passes = kinds["border"]["groups"][0]["passes"]
    assert [p["stroke"] for p in passes][0] == "#ffffff" and passes[1]["weight"] < passes[0]["weight"]
    assert not watch.problems(), watch.problems()


def test_basemap_tooltips_name_rivers_and_the_border_and_give_way_to_events(app_server, chromium):
    """Hovering a named river or the border shows its name; an event drawn over it wins."""
    page, watch, frame = open_app_map(app_server, chromium)
    frame.wait_for_function("() => Bordermap.basemapDrawn(map).length === 4 && Bordermap.layers.length"
                            " && Bordermap.layers[0].ready", timeout=20_000)
    # the tooltip the pointer would get at the border's and a named river's own vertices (the
    # canvas keeps only Mercator, so the test takes them from the reference files Python serves)
    ref = load_dataset().reference
    border = ref["border"]["features"][0]["geometry"]
    line = border["coordinates"] if border["type"] == "LineString" else border["coordinates"][0]
    bartang = next(f for f in ref["rivers"]["features"] if f["properties"].get("name") == "Bartang")
    bline = bartang["geometry"]["coordinates"]
    bline = bline if bartang["geometry"]["type"] == "LineString" else bline[0]
    tip = """([lon, lat]) => { map.setView([lat, lon], 12, {animate: false});
        const p = map.latLngToContainerPoint([lat, lon]); return Bordermap.basemapTipAt(map, p.x, p.y); }"""
    assert "Afghanistan–Tajikistan border" in frame.evaluate(tip, line[len(line) // 2])
    assert "Bartang" in frame.evaluate(tip, bline[len(bline) // 2])
    # far from every line: nothing
    assert frame.evaluate(tip, [75.9, 34.3]) == ""
    # with an event under the pointer, the event's own tooltip wins (no basemap tooltip)
    frame.evaluate("Bordermap.apply({t0: null, t1: null, mask: null})")
    over_event = frame.evaluate("""() => { const l = Bordermap.layers[0], d = l.data;
        for (let i = 0; i < d.n; i++) {
          if ((d.flags[i] >> 2) & 3) continue;
          map.setView([d.lat(i), d.lon(i)], 9, {animate: false});
          const p = l.containerPoint(i);
          if (l.hit(p)) return Bordermap.basemapTipAt(map, p.x, p.y);
        }
        return null; }""")
    assert over_event == ""
    # a real pointer over the border shows the tooltip on the page
    mid = line[len(line) // 2]
    frame.evaluate(f"map.setView([{mid[1]}, {mid[0]}], 12, {{animate: false}})")
    box = frame.locator("#" + frame.evaluate("map.getContainer().id")).bounding_box()
    pt = frame.evaluate(f"(() => {{ const p = map.latLngToContainerPoint([{mid[1]}, {mid[0]}]); return [p.x, p.y]; }})()")
    page.mouse.move(box["x"] + pt[0], box["y"] + pt[1])
    frame.wait_for_function("() => [...document.querySelectorAll('.leaflet-tooltip')].some((t) =>"
                            " t.textContent.includes('Afghanistan–Tajikistan border'))", timeout=5_000)
    assert not watch.problems(), watch.problems()
