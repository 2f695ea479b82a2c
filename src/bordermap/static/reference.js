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
  // Each label is a plain element in a pane of its own, measured once (one layout for all of
  // them: the names never change) and then placed by arithmetic: the first of right, left,
  // above, below that is free of the labels already placed and of the other places' dots. (As
  // Leaflet tooltips, each try was a write and a read of the layout: ~200 layouts a view.)
  var DIRECTIONS = ["right", "left", "top", "bottom"];
  var AWAY = 11;  // px from the dot to the label's near edge (sideways; 10 above and below)
  var GAP = 2;    // px kept free around a label
  var labelSets = [];

  function overlaps(a, b) {
    return a[0] < b[2] + GAP && b[0] < a[2] + GAP && a[1] < b[3] + GAP && b[1] < a[3] + GAP;
  }
  /* The label's box, container pixels, for a dot at (x, y). */
  function labelBox(dir, x, y, w, h) {
    if (dir === "right") return [x + AWAY, y - h / 2, x + AWAY + w, y + h / 2];
    if (dir === "left") return [x - AWAY - w, y - h / 2, x - AWAY, y + h / 2];
    if (dir === "top") return [x - w / 2, y - AWAY + 1 - h, x + w / 2, y - AWAY + 1];
    return [x - w / 2, y + AWAY - 1, x + w / 2, y + AWAY - 1 + h];
  }
  function measure(set) {
    if (set.measured) return;
    set.items.forEach(function (it) { it.node.style.display = ""; });
    set.items.forEach(function (it) { it.w = it.node.offsetWidth; it.h = it.node.offsetHeight; });  // one layout
    set.measured = set.items.every(function (it) { return it.w > 0; });
  }
  /* Labels in rank order; a label with no free side is hidden. */
  function layoutLabels(set) {
    var map = set.map;
    if (!map.hasLayer(set.group)) return;
    measure(set);
    var size = map.getSize(), shift = map.containerPointToLayerPoint([0, 0]);
    var pts = set.items.map(function (it) { return map.latLngToContainerPoint(it.latlng); });
    var dots = pts.map(function (p) { return [p.x - 3, p.y - 3, p.x + 3, p.y + 3]; });
    var taken = [];
    set.items.forEach(function (it, k) {
      var d = dots[k], p = pts[k], box = null;
      it.box = null;
      if (!(d[2] < 0 || d[3] < 0 || d[0] > size.x || d[1] > size.y)) {
        for (var i = 0; i < DIRECTIONS.length && !box; i++) {
          var b = labelBox(DIRECTIONS[i], p.x, p.y, it.w, it.h);
          var free = !taken.some(function (t) { return overlaps(b, t); }) &&
            !dots.some(function (o, j) { return j !== k && overlaps(b, o); });
          if (free) box = b;
        }
      }
      if (!box) { it.node.style.display = "none"; return; }
      taken.push(box); it.box = box;
      it.dx = box[0] - p.x; it.dy = box[1] - p.y;  // kept for the zoom animation
      it.node.style.display = "";
      L.DomUtil.setPosition(it.node, L.point(box[0], box[1]).add(shift));
    });
  }
  /* While Leaflet animates a zoom, each label rides with its dot to where it will be. */
  function zoomLabels(set, e) {
    var map = set.map;
    set.items.forEach(function (it) {
      if (!it.box) return;
      var p = map._latLngToNewLayerPoint(it.latlng, e.zoom, e.center);
      L.DomUtil.setPosition(it.node, p.add([it.dx, it.dy]));
    });
  }
  function watchLabels(set) {
    var map = set.map, pending = null;
    function later() {
      if (pending) return;
      pending = requestAnimationFrame(function () { pending = null; layoutLabels(set); });
    }
    map.on("zoomend moveend resize overlayadd", later);
    map.on("zoomanim", function (e) { zoomLabels(set, e); });
    set.group.on("add", function () { set.pane.style.display = ""; later(); });
    set.group.on("remove", function () { set.pane.style.display = "none"; });
    later();
  }
  /* Visible place labels with their boxes in map-container pixels (the e2e tests read it). */
  B.visibleLabels = function () {
    var out = [];
    labelSets.forEach(function (set) {
      if (!set.map.hasLayer(set.group)) return;
      set.items.forEach(function (it) {
        if (it.box && it.node.style.display !== "none") out.push({ name: it.name, rank: it.rank, box: it.box.slice() });
      });
    });
    return out;
  };
  /* Every place with a label, where its dot is (the e2e tests read it). */
  B.places = function () {
    var out = [];
    labelSets.forEach(function (set) {
      set.items.forEach(function (it) { out.push({ name: it.name, rank: it.rank, lat: it.latlng.lat, lng: it.latlng.lng }); });
    });
    return out;
  };
  B.layoutLabels = function () { labelSets.forEach(layoutLabels); };

  /* ---- the basemap's lines and areas: arrays on a canvas ------------------------------ */
  // Countries, lakes, rivers and the border are thousands of vertices that never change. They
  // come projected (bordermap/mapping/shapes.py), are kept once in Web Mercator [0, 1] and drawn
  // on the map's one basemap canvas, a Leaflet canvas renderer (which sizes, moves and
  // zoom-animates it): one path per style, a multiply and a subtract per vertex, vertices under
  // half a pixel apart skipped. No Leaflet object per feature (building ~700 of them took most
  // of a page's first draw).
  function boxOfRings(rings) {
    var b = [Infinity, Infinity, -Infinity, -Infinity];
    rings.forEach(function (xy) {
      for (var i = 0; i < xy.length; i += 2) {
        if (xy[i] < b[0]) b[0] = xy[i]; if (xy[i] > b[2]) b[2] = xy[i];
        if (xy[i + 1] < b[1]) b[1] = xy[i + 1]; if (xy[i + 1] > b[3]) b[3] = xy[i + 1];
      }
    });
    return b;
  }

  /* The map's one basemap canvas: every part (a layer's shapes) in order, bottom first. A part
     is {kind, order, groups: [{style: {fill, fillOpacity, stroke, weight, opacity, lineCap,
     lineJoin}, passes (optional: several strokes of the same path, bottom first), closed,
     shapes: [{rings, box, props, tip (optional: () -> node)}]}]}. One canvas, not one per layer:
     without a GPU each canvas is copied whole to the compositor every frame it changes. */
  var ArrayCanvas = L.Canvas.extend({
    initialize: function (options) {
      L.Canvas.prototype.initialize.call(this, options);
      this.parts = [];
    },
    _initContainer: function () {
      L.Canvas.prototype._initContainer.call(this);
      this._container.style.pointerEvents = "none";  // hover is worked out from the map's mousemove
      this._container.className = "bm-basemap-canvas";
    },
    addPart: function (part) {
      if (this.parts.indexOf(part) < 0) this.parts.push(part);
      this.parts.sort(function (a, b) { return a.order - b.order; });
      this.redrawSoon();
    },
    removePart: function (part) {
      var i = this.parts.indexOf(part);
      if (i >= 0) this.parts.splice(i, 1);
      this.redrawSoon();
    },
    /* Parts arrive one by one as their files unpack: one redraw for all that come in a frame. */
    redrawSoon: function () {
      if (this._soon || !this._map) return;
      this._soon = L.Util.requestAnimFrame(function () { this._soon = null; if (this._map) this._redraw(); }, this);
    },
    onRemove: function () {
      if (this._soon) { L.Util.cancelAnimFrame(this._soon); this._soon = null; }
      L.Canvas.prototype.onRemove.call(this);
    },
    _draw: function () {
      var map = this._map, ctx = this._ctx;
      if (!map || !ctx) return;
      var scale = 256 * Math.pow(2, map.getZoom()), po = map.getPixelOrigin(), b = this._bounds;
      var vx0 = (b.min.x + po.x) / scale, vy0 = (b.min.y + po.y) / scale;
      var vx1 = (b.max.x + po.x) / scale, vy1 = (b.max.y + po.y) / scale;
      var ox = po.x, oy = po.y;
      ctx.save();
      this.parts.forEach(function (part) { part.groups.forEach(function (g) {
        ctx.beginPath();
        var any = false;
        g.shapes.forEach(function (sh) {
          var bx = sh.box;
          if (bx[0] > vx1 || bx[2] < vx0 || bx[1] > vy1 || bx[3] < vy0) return;
          any = true;
          sh.rings.forEach(function (xy) {
            var n = xy.length;
            if (n < 4) return;
            var lx = xy[0] * scale - ox, ly = xy[1] * scale - oy;
            ctx.moveTo(lx, ly);
            for (var i = 2; i < n; i += 2) {
              var x = xy[i] * scale - ox, y = xy[i + 1] * scale - oy;
              if (i < n - 2 && Math.abs(x - lx) + Math.abs(y - ly) < 0.5) continue;
              ctx.lineTo(x, y); lx = x; ly = y;
            }
            if (g.closed) ctx.closePath();
          });
        });
        if (!any) return;
        var st = g.style;
        if (st.fill) { ctx.globalAlpha = st.fillOpacity; ctx.fillStyle = st.fill; ctx.fill("evenodd"); }
        (g.passes || [st]).forEach(function (p) {
          if (!p.stroke) return;
          ctx.globalAlpha = p.opacity === undefined ? 1 : p.opacity;
          ctx.strokeStyle = p.stroke; ctx.lineWidth = p.weight;
          ctx.lineCap = p.lineCap || "round"; ctx.lineJoin = p.lineJoin || "round";
          ctx.stroke();
        });
      }); });
      ctx.restore();
    },
  });
  /* A layer's shapes as a Leaflet layer: on the map (its group shown in the layer control), it
     is drawn on the map's basemap canvas. */
  var BasemapPart = L.Layer.extend({
    initialize: function (kind, order, groups) { this.kind = kind; this.order = order; this.groups = groups; },
    onAdd: function (map) {
      if (!map._bmBasemap) map._bmBasemap = new ArrayCanvas({ pane: basemapPane(map), padding: 0.1 });
      if (!map.hasLayer(map._bmBasemap)) map.addLayer(map._bmBasemap);
      map._bmBasemap.addPart(this);
      watchHover(map);
    },
    onRemove: function (map) {
      var c = map._bmBasemap;
      if (!c) return;
      c.removePart(this);
      if (!c.parts.length) map.removeLayer(c);
    },
  });

  /* Hover: the topmost named shape within a few pixels of the pointer shows its tooltip (an
     event under the pointer wins, as does a bridge or place, drawn above). */
  var HOVER_PX = 3;
  /* How near (px) the pointer must come to a group's lines: half the widest stroke, plus a bit. */
  function reach(g) {
    if (g.reach === undefined) g.reach = Math.max.apply(null, (g.passes || [g.style]).map(function (p) { return p.weight || 0; })) / 2 + HOVER_PX;
    return g.reach;
  }
  function segDist2(px, py, ax, ay, bx, by) {
    var dx = bx - ax, dy = by - ay, l2 = dx * dx + dy * dy, t = l2 ? ((px - ax) * dx + (py - ay) * dy) / l2 : 0;
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    var qx = ax + t * dx - px, qy = ay + t * dy - py;
    return qx * qx + qy * qy;
  }
  function inside(xy, px, py) {  // even-odd crossing test on one ring
    var c = false, n = xy.length;
    for (var i = 0, j = n - 2; i < n; j = i, i += 2) {
      var yi = xy[i + 1], yj = xy[j + 1];
      if ((yi > py) !== (yj > py) && px < (xy[j] - xy[i]) * (py - yi) / (yj - yi) + xy[i]) c = !c;
    }
    return c;
  }
  function hitShape(g, sh, mx, my, tol) {
    var bx = sh.box;
    if (mx < bx[0] - tol || mx > bx[2] + tol || my < bx[1] - tol || my > bx[3] + tol) return false;
    var t2 = tol * tol, odd = false;
    for (var r = 0; r < sh.rings.length; r++) {
      var xy = sh.rings[r];
      for (var i = 2; i < xy.length; i += 2) if (segDist2(mx, my, xy[i - 2], xy[i - 1], xy[i], xy[i + 1]) <= t2) return true;
      if (g.closed && inside(xy, mx, my)) odd = !odd;
    }
    return odd;
  }
  function hoverAt(map, e) {
    if (map.dragging && map.dragging.moving()) return null;
    if ((B.layers || []).some(function (l) { return l.ready && l.hit && l.hit(e.containerPoint); })) return null;
    if (map._renderer && map._renderer._hoveredLayer) return null;
    var scale = 256 * Math.pow(2, map.getZoom()), lp = map.containerPointToLayerPoint(e.containerPoint).add(map.getPixelOrigin());
    var mx = lp.x / scale, my = lp.y / scale;
    var c = map._bmBasemap, on = c && c._map ? c.parts : [];
    for (var k = on.length - 1; k >= 0; k--) {
      var groups = on[k].groups;
      for (var gi = groups.length - 1; gi >= 0; gi--) {
        var g = groups[gi], tol = reach(g) / scale;
        for (var si = g.shapes.length - 1; si >= 0; si--) {
          var sh = g.shapes[si];
          if (sh.tip && hitShape(g, sh, mx, my, tol)) return sh;
        }
      }
    }
    return null;
  }
  function watchHover(map) {  // once per map: one tooltip, following the pointer
    if (map._bmHover) return;
    var tip = L.tooltip({ direction: "auto" }), hovered = null;
    map._bmHover = tip;
    function hide() { hovered = null; if (map.hasLayer(tip)) map.removeLayer(tip); }
    map.on("mousemove", function (e) {
      var sh = hoverAt(map, e);
      if (!sh) { hide(); return; }
      if (sh !== hovered) { hovered = sh; tip.setContent(sh.tip()); }
      tip.setLatLng(e.latlng);
      if (!map.hasLayer(tip)) tip.addTo(map);
    });
    map.on("mouseout movestart zoomstart", hide);
  }

  /* Python's arrays (bordermap/mapping/shapes.py: Mercator in steps of 1/q of the world, each
     vertex after the first a difference from the one before) -> shapes with their rings. */
  function shapesOf(data, tipOf) {
    var q = data.q, d = data.xy, xy = new Float64Array(d.length), ax = 0, ay = 0;
    for (var i = 0; i < d.length; i += 2) { ax += d[i]; ay += d[i + 1]; xy[i] = ax / q; xy[i + 1] = ay / q; }
    var out = [], v = 0, s = 0;
    data.props.forEach(function (p, k) {
      var rings = [];
      for (var r = 0; r < data.rings[k]; r++, s++) {
        rings.push(xy.subarray(2 * v, 2 * (v + data.sizes[s])));
        v += data.sizes[s];
      }
      out.push({ rings: rings, box: boxOfRings(rings), props: p, tip: tipOf ? tipOf(p) : null });
    });
    return out;
  }
  /* order: the layer's place in Python's drawing order (REFERENCE_LAYERS, bottom first). */
  function arrayLayer(kind, order, groups, group) {
    group.addLayer(new BasemapPart(kind, order, groups));
  }
  /* What the map's basemap canvas draws, bottom first (the e2e tests read it). */
  B.basemapDrawn = function (map) {
    var c = (map || B.map)._bmBasemap;
    return !c || !c._map ? [] : c.parts.map(function (part) {
      return { kind: part.kind,
               groups: part.groups.map(function (g) {
                 return { style: g.style, passes: g.passes || null,
                          features: g.shapes.map(function (sh) { return sh.props; }) };
               }) };
    });
  };
  /* The tooltip the basemap would show at a container point ('' if none). */
  B.basemapTipAt = function (map, x, y) {
    var pt = L.point(x, y), sh = hoverAt(map, { containerPoint: pt, latlng: map.containerPointToLatLng(pt) });
    return sh ? sh.tip().textContent : "";
  };

  /* ---- the layers ---------------------------------------------------------------------- */
  // Countries, lakes, rivers and the border share one canvas (the pane at 250: over the relief,
  // 240; under the bridges and places, the overlay pane at 400, and the events, 450).
  var DRAW = {
    countries: function (map, fc, group, REF, extra) {
      var by = {};
      shapesOf(fc).forEach(function (sh) {
        var fill = REF.countryFill[sh.props.iso3] || REF.otherFill;
        (by[fill] = by[fill] || []).push(sh);
      });
      arrayLayer("countries", extra.order, Object.keys(by).map(function (fill) {
        return { closed: true, shapes: by[fill],
                 style: { fill: fill, fillOpacity: REF.fillOpacity, stroke: "#9a9a92", weight: 0.8, opacity: 1 } };
      }), group);
    },
    lakes: function (map, fc, group, REF, extra) {
      arrayLayer("lakes", extra.order, [{
        closed: true,
        shapes: shapesOf(fc, function (p) { return p.name ? function () { return lines([p.name, altNames(p)]); } : null; }),
        style: { fill: REF.lakeFill, fillOpacity: 1, stroke: REF.water, weight: 0.8, opacity: 1 },
      }], group);
    },
    rivers: function (map, fc, group, REF, extra) {
      // the unnamed rest first, so the named rivers are drawn over it, the border rivers last
      var by = { other: [], named: [], border: [] };
      shapesOf(fc, function (p) { return p.name ? function () { return lines([p.name, altNames(p), p.note]); } : null; })
        .forEach(function (sh) { (by[sh.props["class"]] || by.other).push(sh); });
      arrayLayer("rivers", extra.order, ["other", "named", "border"].map(function (cls) {
        var s = REF.rivers[cls] || REF.rivers.other;
        return { closed: false, shapes: by[cls],
                 style: { stroke: s.color, weight: s.weight, opacity: s.opacity, lineCap: "round", lineJoin: "round" } };
      }), group);
    },
    border: function (map, fc, group, REF, extra) {
      var tip = function () { return lines(["Afghanistan–Tajikistan border", "OpenStreetMap-derived (ODbL)"]); };
      var casing = { stroke: "#ffffff", weight: 4, opacity: 0.75 }, line = { stroke: REF.border, weight: 2.5, opacity: 1 };
      arrayLayer("border", extra.order, [{
        closed: false, shapes: shapesOf(fc, function () { return tip; }), style: line, passes: [casing, line],
      }], group);
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
      var items = [], labels = map.getPane("bm-place-labels") || map.createPane("bm-place-labels");
      labels.style.zIndex = 640; labels.style.pointerEvents = "none";  // under the tooltips (650)
      L.geoJSON(fc, {
        pointToLayer: function (f, ll) {
          return L.circleMarker(ll, { radius: 2.5, color: "#fff", weight: 1, fillColor: "#333", fillOpacity: 1, interactive: false });
        },
        onEachFeature: function (f, layer) {
          var p = f.properties, order = typeof p.label_order === "number" ? p.label_order : 1e6 + items.length;
          var node = el("div", "bm-place-label leaflet-zoom-animated", p.name);
          node.style.display = "none";
          labels.appendChild(node);
          items.push({ name: p.name, rank: typeof p.label_rank === "number" ? p.label_rank : 9, order: order,
                       latlng: layer.getLatLng(), node: node, box: null });
        },
      }).addTo(group);
      items.sort(function (a, b) { return a.order - b.order; });
      var set = { map: map, group: group, items: items, pane: labels };
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
      DRAW[kind](map, fc, group, style || {}, extra || {});
      if (kind === "bridges" || kind === "places") group.bringToFront();
    }, kind);
    return group;
  };
})();
