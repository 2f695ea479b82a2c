/* bordermap: the event layer, its filter and selection, drawn in the browser.
 *
 * Events arrive as one compact, column-oriented payload (see bordermap/mapping/payload.py), so
 * 10,000 events cost a few hundred kB and filtering happens here, not in a Python rerun.
 * Everything that comes from data reaches the page through textContent or as a number; only
 * http(s) URLs become links. No innerHTML with data, ever.
 */
(function () {
  "use strict";
  var B = (window.Bordermap = window.Bordermap || {});
  B.layers = B.layers || [];
  B.state = B.state || { filter: null, selected: null, dim: false };

  var DAY_MS = 86400000;
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

  function dayToDate(d) { return new Date(d * DAY_MS); }
  function iso(d) { return dayToDate(d).toISOString().slice(0, 10); }
  B.iso = iso;
  B.dayOf = function (isoString) { return Math.round(Date.parse(isoString + "T00:00:00Z") / DAY_MS); };

  /* A human date label that says how precise the date is. */
  function dateLabel(t0, t1, prec) {
    var a = dayToDate(t0), b = dayToDate(t1);
    var ma = MONTHS[a.getUTCMonth()] + " " + a.getUTCFullYear();
    if (prec === "year") {
      return a.getUTCFullYear() === b.getUTCFullYear() ? a.getUTCFullYear() + " (year only)"
        : a.getUTCFullYear() + "–" + b.getUTCFullYear() + " (years only)";
    }
    if (prec === "month") {
      var mb = MONTHS[b.getUTCMonth()] + " " + b.getUTCFullYear();
      return (ma === mb ? ma : ma + " – " + mb) + " (month only)";
    }
    var la = a.getUTCDate() + " " + ma;
    var lb = b.getUTCDate() + " " + MONTHS[b.getUTCMonth()] + " " + b.getUTCFullYear();
    var label = t0 === t1 ? la : la + " – " + lb;
    return prec === "week" ? label + " (week)" : label;
  }
  B.dateLabel = dateLabel;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  B.el = el;

  function safeUrl(u) {
    return typeof u === "string" && /^https?:\/\//i.test(u) ? u : null;
  }
  B.safeUrl = safeUrl;

  /* Styling: colour = event type; outline = confidence; hollow = imprecise date;
     dashed ring = imprecise place. */
  function confStyle(conf) {
    switch (conf) {
      case "confirmed": return { color: "#111", weight: 2.5, dashArray: null, opacity: 1, fillOpacity: 0.9 };
      case "reported": return { color: "#333", weight: 1.5, dashArray: null, opacity: 0.95, fillOpacity: 0.85 };
      case "disputed": return { color: "#b00020", weight: 2.5, dashArray: "4 3", opacity: 1, fillOpacity: 0.8 };
      default: return { color: "#444", weight: 2, dashArray: "1 4", opacity: 0.8, fillOpacity: 0.4 };
    }
  }

  function pointStyle(d, i, selected, dimmed) {
    var color = d.palette[d.ty[i]];
    var cs = confStyle(d.conf[d.cf[i]]);
    var precise = d.dprec[d.dp[i]] === "day" || d.dprec[d.dp[i]] === "week";
    var s = {
      radius: selected ? 12 : 8,
      color: precise ? cs.color : color,
      weight: precise ? cs.weight : cs.weight + 1.5,
      dashArray: cs.dashArray,
      opacity: cs.opacity,
      fillColor: precise ? color : "#ffffff",
      fillOpacity: precise ? cs.fillOpacity : 0.85,
    };
    if (selected) { s.weight += 2; s.color = "#000"; s.opacity = 1; }
    if (dimmed) { s.opacity = 0.25; s.fillOpacity = 0.12; }
    return s;
  }

  function lineStyle(d, i, selected, dimmed) {
    var cs = confStyle(d.conf[d.cf[i]]);
    return {
      color: d.palette[d.ty[i]], weight: selected ? 6 : 4, opacity: dimmed ? 0.25 : 0.95,
      dashArray: cs.dashArray === "1 4" ? "2 6" : cs.dashArray,
    };
  }

  function areaStyle(d, i, selected, dimmed) {
    var cs = confStyle(d.conf[d.cf[i]]);
    return {
      color: d.palette[d.ty[i]], weight: selected ? 4 : 2, dashArray: "6 4",
      opacity: dimmed ? 0.25 : 0.9, fillColor: d.palette[d.ty[i]],
      fillOpacity: dimmed ? 0.04 : (cs.fillOpacity > 0.5 ? 0.18 : 0.1),
    };
  }

  function ringStyle(d, i, dimmed) {
    return {
      color: d.palette[d.ty[i]], weight: 1.5, dashArray: "5 5", opacity: dimmed ? 0.2 : 0.8,
      fillColor: d.palette[d.ty[i]], fillOpacity: dimmed ? 0.02 : 0.08, interactive: false,
    };
  }

  function bearing(a, b) {
    var toRad = Math.PI / 180;
    var y = Math.sin((b[0] - a[0]) * toRad) * Math.cos(b[1] * toRad);
    var x = Math.cos(a[1] * toRad) * Math.sin(b[1] * toRad) -
      Math.sin(a[1] * toRad) * Math.cos(b[1] * toRad) * Math.cos((b[0] - a[0]) * toRad);
    return (Math.atan2(y, x) * 180) / Math.PI;
  }

  function arrowHead(coords, color) {
    var n = coords.length, a = coords[n - 2], b = coords[n - 1];
    var deg = Math.round(bearing(a, b) - 90);
    var icon = L.divIcon({
      className: "bm-arrow",
      html: '<div style="transform:rotate(' + deg + 'deg);color:' + color + '">&#10148;</div>',
      iconSize: [22, 22], iconAnchor: [11, 11],
    });
    return L.marker([b[1], b[0]], { icon: icon, interactive: false, keyboard: false });
  }

  function latlngs(coords, depth) {
    if (depth === 0) return [coords[1], coords[0]];
    return coords.map(function (c) { return latlngs(c, depth - 1); });
  }

  function tooltipContent(d, i) {
    var box = el("div", "bm-tip");
    box.appendChild(el("div", "bm-tip-title", d.title[i]));
    box.appendChild(el("div", "bm-tip-line", dateLabel(d.t0[i], d.t1[i], d.dprec[d.dp[i]])));
    var place = locOf(d, i) + (d.gp[i] > 1 ? (d.gp[i] === 2 ? " (approximate area)" : " (region only)") : "");
    box.appendChild(el("div", "bm-tip-line", place));
    var conf = d.conf[d.cf[i]];
    var line = d.types[d.ty[i]] + " · " + conf;
    if (d.fl[i] !== null && d.fl[i] !== undefined) {
      line += " · killed: " + (d.fl[i] === d.fh[i] ? d.fl[i] : d.fl[i] + "–" + d.fh[i]) +
        (d.nc[i] > 1 ? " (" + d.nc[i] + " claims)" : "");
    }
    box.appendChild(el("div", "bm-tip-line bm-conf-" + conf, line));
    return box;
  }

  /* Details are stored as indices into the payload's string table (repeated strings once). */
  function detailOf(d, i) {
    var r = d.details[i], S = d.strs;
    function s(k) { return k === null || k === undefined ? null : S[k]; }
    return {
      sub: s(r[0]), summary: s(r[1]), confnote: s(r[2]), claims: r[3].map(s), corrections: r[4].map(s),
      sources: r[5].map(function (x) { return [s(x[0]), s(x[1]), s(x[2])]; }), refs: s(r[6]),
    };
  }
  function locOf(d, i) { return d.strs[d.loc[i]]; }

  /* Popup with the whole story, for standalone exports (the app shows a side panel instead). */
  function popupContent(d, i) {
    var det = detailOf(d, i);
    var box = el("div", "bm-pop");
    box.appendChild(el("h4", null, d.title[i]));
    box.appendChild(el("div", "bm-pop-meta", dateLabel(d.t0[i], d.t1[i], d.dprec[d.dp[i]]) + " · " + locOf(d, i) +
      " · " + d.types[d.ty[i]] + (det.sub ? " / " + det.sub : "")));
    if (det.summary) box.appendChild(el("p", null, det.summary));
    var conf = el("p", "bm-conf-" + d.conf[d.cf[i]], "Confidence: " + d.conf[d.cf[i]] + (det.confnote ? " — " + det.confnote : ""));
    box.appendChild(conf);
    if (det.claims && det.claims.length) {
      box.appendChild(el("div", "bm-pop-h", "Fatalities, as claimed (side by side, not averaged)"));
      var ul = el("ul");
      det.claims.forEach(function (c) { ul.appendChild(el("li", null, c)); });
      box.appendChild(ul);
    }
    if (det.corrections && det.corrections.length) {
      box.appendChild(el("div", "bm-pop-h", "Corrections"));
      var uc = el("ul");
      det.corrections.forEach(function (c) { uc.appendChild(el("li", null, c)); });
      box.appendChild(uc);
    }
    if (det.sources && det.sources.length) {
      box.appendChild(el("div", "bm-pop-h", "Sources"));
      var us = el("ul");
      det.sources.forEach(function (s) {
        var li = el("li");
        var url = safeUrl(s[1]);
        if (url) {
          var a = el("a", null, s[0]);
          a.href = url; a.target = "_blank"; a.rel = "noopener noreferrer";
          li.appendChild(a);
        } else {
          li.appendChild(document.createTextNode(s[0]));
        }
        if (s[2]) li.appendChild(document.createTextNode(" (" + s[2] + ")"));
        us.appendChild(li);
      });
      box.appendChild(us);
    }
    if (det.refs) box.appendChild(el("div", "bm-pop-refs", det.refs));
    return box;
  }

  /* Build the layer. Returns an object with setFilter, select, visibleIds, group. */
  B.eventLayer = function (map, src, opts) {
    B.map = map;
    var group = L.featureGroup().addTo(map);
    var holder = { group: group };
    load(src, function (d) { build(map, d, group, holder); }, "events");
    return holder;
  };

  function build(map, d, group, api) {
    var n = d.id.length;
    var parts = new Array(n);     // [primary, extra layers...] per event
    var visible = new Uint8Array(n);
    var idToIndex = {};
    // Uncertainty rings are shared: events coded to the same place at the same precision (as
    // ACLED and UCDP code regional events to one centroid) draw one ring, shown while any of
    // them is visible. 10,000 events need a few hundred rings, not thousands.
    var rings = {}, ringOf = new Array(n);
    var lastSel = null, lastDim = false;
    for (var i = 0; i < n; i++) {
      idToIndex[d.id[i]] = i;
      var gt = d.gt[i], g = d.g[i], primary, extras = [];
      var feature = { type: "Feature", properties: { id: d.id[i] } };
      if (gt === 0) {
        primary = L.circleMarker([g[1], g[0]], pointStyle(d, i, false, false));
        if (d.gp[i] > 1) {
          var key = g[0] + "," + g[1] + "," + d.gp[i] + "," + d.ty[i];
          if (!rings[key]) {
            rings[key] = { n: 0, first: i, layer: L.circle([g[1], g[0]],
              L.extend({ radius: d.ringKm[d.gp[i]] * 1000 }, ringStyle(d, i, false))) };
          }
          ringOf[i] = rings[key];
        }
      } else if (gt === 1) {
        primary = L.polyline(latlngs(g, 1), lineStyle(d, i, false, false));
        extras.push(arrowHead(g, d.palette[d.ty[i]]));
      } else {
        primary = (gt === 2 ? L.polygon(latlngs(g, 2)) : L.polygon(latlngs(g, 3)));
        primary.setStyle(areaStyle(d, i, false, false));
      }
      primary.feature = feature;
      primary._bmIndex = i;
      parts[i] = [primary].concat(extras);
    }
    // One tooltip and one popup for the whole layer (Leaflet hands them the hovered or clicked
    // event), instead of 10,000 of each.
    group.bindTooltip(function (layer) { return tooltipContent(d, layer._bmIndex); }, { direction: "top", sticky: true });
    if (d.details) group.bindPopup(function (layer) { return popupContent(d, layer._bmIndex); }, { maxWidth: 380 });

    function show(i) {
      if (visible[i]) return;
      visible[i] = 1;
      for (var k = parts[i].length - 1; k >= 0; k--) group.addLayer(parts[i][k]);
      var r = ringOf[i];
      if (r && r.n++ === 0) {
        group.addLayer(r.layer);
        r.layer.bringToBack();  // under the points, so a ring never hides its event
      }
    }
    function hide(i) {
      if (!visible[i]) return;
      visible[i] = 0;
      for (var k = 0; k < parts[i].length; k++) group.removeLayer(parts[i][k]);
      var r = ringOf[i];
      if (r && --r.n === 0) group.removeLayer(r.layer);
    }

    function matches(i, f) {
      if (!f) return true;
      if (f.t0 !== undefined && f.t0 !== null && d.t1[i] < f.t0) return false;
      if (f.t1 !== undefined && f.t1 !== null && d.t0[i] > f.t1) return false;
      if (f.types && f.types.length && f.types.indexOf(d.types[d.ty[i]]) < 0) return false;
      if (f.confidence && f.confidence.length && f.confidence.indexOf(d.conf[d.cf[i]]) < 0) return false;
      if (f.sides && f.sides.length && f.sides.indexOf(d.sides[d.sd[i]]) < 0) return false;
      if (f.actor) {
        var names = d.ac[i], ok = false;
        for (var j = 0; j < names.length; j++) { if (d.actors[names[j]] === f.actor) { ok = true; break; } }
        if (!ok) return false;
      }
      return true;
    }

    L.extend(api, {
      group: group,
      data: d,
      setFilter: function (f) {
        for (var i = 0; i < n; i++) { if (matches(i, f)) show(i); else hide(i); }
        api.restyle();
        map.fire("bordermap:filtered", { count: api.count() });
        return api.count();
      },
      count: function () { var c = 0; for (var i = 0; i < n; i++) c += visible[i]; return c; },
      visibleIds: function () { var out = []; for (var i = 0; i < n; i++) if (visible[i]) out.push(d.id[i]); return out; },
      indexOf: function (id) { return idToIndex.hasOwnProperty(id) ? idToIndex[id] : -1; },
      // Only what changed is restyled: every event when dimming turns on or off, otherwise
      // the previously and newly selected ones (styles persist while a layer is hidden).
      restyle: function () {
        var sel = B.state.selected === undefined ? null : B.state.selected;
        var dim = !!(B.state.dim && sel !== null);
        var todo;
        if (dim !== lastDim) {
          todo = null;
        } else if (sel !== lastSel) {
          todo = [lastSel, sel].filter(function (x) { return x !== null && idToIndex.hasOwnProperty(x); })
            .map(function (x) { return idToIndex[x]; });
        } else {
          return;
        }
        lastSel = sel; lastDim = dim;
        function one(i) {
          var isSel = d.id[i] === sel, dimmed = dim && !isSel, p = parts[i][0], gt = d.gt[i];
          p.setStyle(gt === 0 ? pointStyle(d, i, isSel, dimmed) : gt === 1 ? lineStyle(d, i, isSel, dimmed) : areaStyle(d, i, isSel, dimmed));
          if (isSel && visible[i] && p.bringToFront) p.bringToFront();
        }
        if (todo === null) { for (var i = 0; i < n; i++) one(i); } else { todo.forEach(one); }
        for (var key in rings) rings[key].layer.setStyle(ringStyle(d, rings[key].first, dim));
        var si = sel !== null && idToIndex.hasOwnProperty(sel) ? idToIndex[sel] : -1;
        if (si >= 0 && ringOf[si]) ringOf[si].layer.setStyle(ringStyle(d, si, false));
      },
      anchor: function (id) {
        var i = api.indexOf(id);
        if (i < 0) return null;
        var p = parts[i][0];
        return p.getLatLng ? p.getLatLng() : p.getBounds().getCenter();
      },
      bounds: function (id) {
        var i = api.indexOf(id);
        if (i < 0) return null;
        var p = parts[i][0];
        return p.getBounds ? p.getBounds() : L.latLngBounds([p.getLatLng(), p.getLatLng()]);
      },
    });
    for (var k = 0; k < n; k++) show(k);
    B.layers.push(api);
    if (B.state.filter) api.setFilter(B.state.filter);
    else api.restyle();
    if (B.state.selected && B.state.fly) B.select(B.state.selected, B.state.fly);
    map.fire("bordermap:ready");
    return api;
  }

  /* Data inline (exports) or from a URL next to the page (the app): same drawing either way. */
  function load(src, then, what) {
    if (typeof src !== "string") { then(src); return; }
    fetch(src).then(function (r) {
      if (!r.ok) throw new Error(r.status + " " + r.statusText);
      return r.json();
    }).then(then).catch(function (err) {
      console.warn("bordermap: could not load " + what + " from " + src + ": " + err.message);
    });
  }
  B.load = load;

  /* Reference layers: offline basemap, border, bridges, places. Tooltips via textContent. */
  // Colours come from bordermap/mapping/style.py with each layer (one place defines them).
  function basemapPane(map) {
    if (!map.getPane("bm-basemap")) {
      var pane = map.createPane("bm-basemap");
      pane.style.zIndex = 250;
      pane.style.pointerEvents = "none";
    }
    return "bm-basemap";
  }
  function lines(parts) {
    var box = el("div", "bm-tip");
    parts.forEach(function (p, i) { if (p) box.appendChild(el("div", i === 0 ? "bm-tip-title" : "bm-tip-line", p)); });
    return box;
  }
  var DRAW = {
    countries: function (map, fc, group, REF) {
      L.geoJSON(fc, {
        pane: basemapPane(map), interactive: false,
        style: function (f) {
          return { fillColor: REF.countryFill[f.properties.iso3] || REF.otherFill, fillOpacity: 1,
                   color: "#9a9a92", weight: 0.8 };
        },
      }).addTo(group);
    },
    border: function (map, fc, group, REF) {
      L.geoJSON(fc, { interactive: false, style: function () { return { color: "#ffffff", weight: 6, opacity: 0.9 }; } }).addTo(group);
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
      L.geoJSON(fc, {
        pointToLayer: function (f, ll) {
          return L.circleMarker(ll, { radius: 2.5, color: "#fff", weight: 1, fillColor: "#333", fillOpacity: 1 });
        },
        onEachFeature: function (f, layer) {
          layer.bindTooltip(el("span", null, f.properties.name),
            { permanent: true, direction: "right", offset: [4, 0], className: "bm-place-label" });
        },
      }).addTo(group);
    },
  };
  B.referenceLayer = function (map, kind, src, colours) {
    var group = L.featureGroup();
    load(src, function (fc) { DRAW[kind](map, fc, group, colours || {}); }, kind);
    return group;
  };

  /* Page-wide: apply to every event layer on the page (the app sends these as tiny scripts). */
  B.apply = function (filter) {
    B.state.filter = filter;
    var c = 0;
    B.layers.forEach(function (l) { c += l.setFilter(filter); });
    return c;
  };
  B.select = function (id, options) {
    options = options || {};
    B.state.selected = id;
    B.state.dim = !!options.dim;
    // A fly-to asked for before the events arrived waits for them; a later, plain re-selection
    // of the same event (a redraw of the page) must not cancel it.
    var pending = B.state.fly;
    B.state.fly = options.fly ? L.extend({ id: id }, options) : (pending && pending.id === id ? pending : null);
    B.layers.forEach(function (l) { l.restyle(); });
    if (id && B.state.fly && B.layers.length) {
      options = B.state.fly;
      B.state.fly = null;
      var b = B.layers[0].bounds(id);
      var map = B.layers[0].group._map;
      if (b && map) {
        var maxZoom = options.maxZoom || 9;
        if (b.getNorthEast().equals(b.getSouthWest())) map.flyTo(b.getCenter(), maxZoom, { duration: options.duration || 0.8 });
        else map.flyToBounds(b, { maxZoom: maxZoom, padding: [60, 60], duration: options.duration || 0.8 });
      }
    }
  };
  /* Fly to a place (a storyline step that is about a view rather than an event). */
  B.view = function (center, zoom, options) {
    var map = B.map;
    if (map) map.flyTo(center, zoom, { duration: (options && options.duration) || 0.8 });
  };
  B.count = function () { var c = 0; B.layers.forEach(function (l) { c += l.count(); }); return c; };
  B.visibleIds = function () { var out = []; B.layers.forEach(function (l) { out = out.concat(l.visibleIds()); }); return out; };
})();
