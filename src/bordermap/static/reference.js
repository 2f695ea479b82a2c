/* bordermap reference layers: the offline basemap (relief under the country fills), lakes,
 * rivers, the border, bridges and place labels that never collide.
 *
 * Loaded after bordermap.js (uses Bordermap.el and Bordermap.load). Every colour and width comes
 * from bordermap/mapping/style.py with each layer, every label's rank from
 * bordermap/mapping/labels.py; text from data reaches the page through textContent only.
 */
(function () {
  "use strict";
  var B = (window.Bordermap = window.Bordermap || {});
  var el = B.el;

  /* A layer is a URL (the app), {gz: base64 of gzipped JSON} (exports) or the object itself. */
  function loadLayer(src, then, what) {
    if (src && typeof src === "object" && typeof src.gz === "string") {
      B.unpackJSON(src.gz).then(then)
        .catch(function (err) { console.warn("bordermap: could not unpack " + what + ": " + err.message); });
      return;
    }
    B.load(src, then, what);
  }

  function pane(map, name, zIndex, interactive) {
    if (!map.getPane(name)) {
      var p = map.createPane(name);
      p.style.zIndex = zIndex;
      if (!interactive) p.style.pointerEvents = "none";
    }
    return name;
  }
  // Under the country fills (250), above the tiles (200).
  function reliefPane(map) { return pane(map, "bm-relief", 240, false); }
  function basemapPane(map) { return pane(map, "bm-basemap", 250, false); }

  function lines(parts) {
    var box = el("div", "bm-tip");
    parts.forEach(function (p, i) { if (p) box.appendChild(el("div", i === 0 ? "bm-tip-title" : "bm-tip-line", p)); });
    return box;
  }
  function altNames(p) {
    return p.alt_names && p.alt_names.length ? "Also: " + p.alt_names.join(", ") : "";
  }

  /* ---- place labels: placed by rank, never overlapping --------------------------------- */
  var DIRECTIONS = [["right", [5, 0]], ["left", [-5, 0]], ["top", [0, -4]], ["bottom", [0, 4]]];
  var GAP = 2;  // px kept free around a label
  var labelSets = [];

  function overlaps(a, b) {
    return a[0] < b[2] + GAP && b[0] < a[2] + GAP && a[1] < b[3] + GAP && b[1] < a[3] + GAP;
  }
  function boxOf(node, origin) {
    var r = node.getBoundingClientRect();
    return [r.left - origin.left, r.top - origin.top, r.right - origin.left, r.bottom - origin.top];
  }
  /* Labels in rank order; each takes the first of right, left, above, below that is free of
     the labels already placed (and of the other places' dots), else it is hidden. */
  function layoutLabels(set) {
    var map = set.map;
    if (!map.hasLayer(set.group)) return;
    var origin = map.getContainer().getBoundingClientRect();
    var size = map.getSize();
    var dots = set.items.map(function (it) {
      var p = map.latLngToContainerPoint(it.marker.getLatLng());
      return [p.x - 3, p.y - 3, p.x + 3, p.y + 3];
    });
    var taken = [];
    set.items.forEach(function (it, k) {
      var tip = it.tooltip, node = tip.getElement();
      if (!node) return;
      it.box = null;
      var d = dots[k];
      if (d[2] < 0 || d[3] < 0 || d[0] > size.x || d[1] > size.y) { node.style.display = "none"; return; }
      node.style.display = "";
      for (var i = 0; i < DIRECTIONS.length; i++) {
        tip.options.direction = DIRECTIONS[i][0];
        tip.options.offset = L.point(DIRECTIONS[i][1]);
        tip.update();
        var box = boxOf(node, origin);
        var free = !taken.some(function (t) { return overlaps(box, t); }) &&
          !dots.some(function (o, j) { return j !== k && overlaps(box, o); });
        if (free) { taken.push(box); it.box = box; return; }
      }
      node.style.display = "none";
    });
  }
  function watchLabels(set) {
    var map = set.map, pending = null;
    function later() {
      if (pending) return;
      pending = requestAnimationFrame(function () { pending = null; layoutLabels(set); });
    }
    map.on("zoomend moveend resize overlayadd", later);
    later();
  }
  /* Visible place labels with their boxes in map-container pixels (the e2e tests read it). */
  B.visibleLabels = function () {
    var out = [];
    labelSets.forEach(function (set) {
      if (!set.map.hasLayer(set.group)) return;
      set.items.forEach(function (it) {
        var node = it.tooltip.getElement();
        if (it.box && node && node.style.display !== "none") out.push({ name: it.name, rank: it.rank, box: it.box.slice() });
      });
    });
    return out;
  };
  B.layoutLabels = function () { labelSets.forEach(layoutLabels); };

  /* ---- the layers ---------------------------------------------------------------------- */
  var DRAW = {
    countries: function (map, fc, group, REF) {
      L.geoJSON(fc, {
        pane: basemapPane(map), interactive: false,
        style: function (f) {
          return { fillColor: REF.countryFill[f.properties.iso3] || REF.otherFill, fillOpacity: REF.fillOpacity,
                   color: "#9a9a92", weight: 0.8 };
        },
      }).addTo(group);
    },
    // Lakes and rivers share the overlay pane with the border (their tooltips need it) and go to
    // the back of it, so the border always stays on top whichever file arrives first.
    lakes: function (map, fc, group, REF) {
      L.geoJSON(fc, {
        style: function () { return { color: REF.water, weight: 0.8, fillColor: REF.lakeFill, fillOpacity: 1 }; },
        onEachFeature: function (f, layer) {
          if (f.properties.name) layer.bindTooltip(function () { return lines([f.properties.name, altNames(f.properties)]); }, { sticky: true });
          else layer.options.interactive = false;
        },
      }).addTo(group).bringToBack();
    },
    rivers: function (map, fc, group, REF) {
      // the unnamed rest first, so the named rivers are drawn over it
      var order = { other: 0, named: 1, border: 2 };
      var features = fc.features.slice().sort(function (a, b) {
        return (order[a.properties["class"]] || 0) - (order[b.properties["class"]] || 0);
      });
      var layer = L.geoJSON({ type: "FeatureCollection", features: features }, {
        style: function (f) {
          var s = REF.rivers[f.properties["class"]] || REF.rivers.other;
          return { color: s.color, weight: s.weight, opacity: s.opacity, lineCap: "round", lineJoin: "round" };
        },
        onEachFeature: function (f, lyr) {
          var p = f.properties;
          if (!p.name) { lyr.options.interactive = false; return; }
          lyr.bindTooltip(function () { return lines([p.name, altNames(p), p.note]); }, { sticky: true });
        },
      }).addTo(group);
      layer.bringToBack();
    },
    border: function (map, fc, group, REF) {
      L.geoJSON(fc, { interactive: false, style: function () { return { color: "#ffffff", weight: 4, opacity: 0.75 }; } }).addTo(group);
      L.geoJSON(fc, { style: function () { return { color: REF.border, weight: 2.5, opacity: 1 }; } })
        .bindTooltip(function () { return lines(["Afghanistan–Tajikistan border", "OpenStreetMap-derived (ODbL)"]); }, { sticky: true })
        .addTo(group);
    },
    bridges: function (map, fc, group) {
      L.geoJSON(fc, {
        pointToLayer: function (f, ll) {
          return L.circleMarker(ll, { radius: 6, color: "#000", weight: 3, fillColor: "#fff", fillOpacity: 1 });
        },
        onEachFeature: function (f, layer) {
          var p = f.properties;
          layer.bindTooltip(function () {
            return lines([p.name, p.opened ? "Opened " + p.opened : "", p.funder ? "Funded by " + p.funder : "",
              p.joins_tj && p.joins_af ? p.joins_tj + " ↔ " + p.joins_af : "",
              p.precision ? "Position: " + p.precision : ""]);
          });
        },
      }).addTo(group);
    },
    places: function (map, fc, group) {
      var items = [];
      L.geoJSON(fc, {
        pointToLayer: function (f, ll) {
          return L.circleMarker(ll, { radius: 2.5, color: "#fff", weight: 1, fillColor: "#333", fillOpacity: 1 });
        },
        onEachFeature: function (f, layer) {
          layer.bindTooltip(el("span", null, f.properties.name),
            { permanent: true, direction: "right", offset: [5, 0], className: "bm-place-label" });
          var p = f.properties, order = typeof p.label_order === "number" ? p.label_order : 1e6 + items.length;
          items.push({ name: p.name, rank: typeof p.label_rank === "number" ? p.label_rank : 9, order: order,
                       marker: layer, tooltip: layer.getTooltip(), box: null });
        },
      }).addTo(group);
      items.sort(function (a, b) { return a.order - b.order; });
      var set = { map: map, group: group, items: items };
      labelSets.push(set);
      watchLabels(set);
    },
  };

  function drawRelief(map, src, group) {
    loadLayer(src, function (r) {
      L.imageOverlay(r.url, r.bounds, { pane: reliefPane(map), interactive: false, opacity: 1 }).addTo(group);
    }, "relief");
  }

  B.referenceLayer = function (map, kind, src, style, extra) {
    var group = L.featureGroup();
    if (extra && extra.relief) drawRelief(map, extra.relief, group);
    loadLayer(src, function (fc) {
      DRAW[kind](map, fc, group, style || {});
      if (kind === "border" || kind === "bridges" || kind === "places") group.bringToFront();
    }, kind);
    return group;
  };
})();
