/* bordermap: the event layer, its time window, filter and selection, drawn in the browser.
 *
 * Events arrive as one binary payload (bordermap/mapping/payload.py): quantised positions, day
 * numbers and style codes, 10 bytes an event. Python computes every code, label and style; this
 * file only compares numbers and draws. Points are drawn on one canvas from pre-rendered sprites
 * (a million events on a CPU, no WebGL); when too many are in view they are binned into a grid
 * with counts. Movement lines and areas, which are few, are Leaflet vectors.
 * Text comes in chunks, fetched when an event is hovered or picked. Everything that comes from
 * data reaches the page through textContent or as a number; only http(s) URLs become links.
 */
(function () {
  "use strict";
  var B = (window.Bordermap = window.Bordermap || {});
  B.layers = B.layers || [];
  B.state = B.state || { filter: null, selected: null, dim: false };

  var DAY_MS = 86400000;
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  var AGGREGATE_ABOVE = 40000;   // more points than this in view: draw counts per grid cell
  var CELL = 14;                 // grid cell, CSS px
  var PICK_PX = 10;              // how near the pointer a point must be to be picked

  function iso(d) { return new Date(d * DAY_MS).toISOString().slice(0, 10); }
  B.iso = iso;
  B.dayOf = function (isoString) { return Math.round(Date.parse(isoString + "T00:00:00Z") / DAY_MS); };
  function dayText(d) {
    var a = new Date(d * DAY_MS);
    return a.getUTCDate() + " " + MONTHS[a.getUTCMonth()] + " " + a.getUTCFullYear();
  }
  B.dayText = dayText;
  /* 12345 -> "12,345" (what toLocaleString("en") gives, without the ~20 ms its first call
     spends setting up the browser's locale data while the page is opening). */
  function thousands(n) { return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ","); }
  B.thousands = thousands;

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

  /* ---- data in ------------------------------------------------------------------------ */
  function b64bytes(s) {
    var bin = atob(s), out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }
  function gunzipStream(stream) {
    return new Response(stream.pipeThrough(new DecompressionStream("gzip"))).arrayBuffer();
  }
  function gunzip(bytes) { return gunzipStream(new Blob([bytes]).stream()); }
  /* Web Mercator y in [0, 1] of a latitude (clamped where the projection ends). */
  function mercatorY(lat) {
    var s = Math.sin(Math.max(-85.05, Math.min(85.05, lat)) * Math.PI / 180);
    return 0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI);
  }
  /* Binary payload -> typed arrays (views on the buffer, no copies). */
  function decode(buf) {
    var dv = new DataView(buf);
    var magic = String.fromCharCode(dv.getUint8(0), dv.getUint8(1), dv.getUint8(2), dv.getUint8(3));
    if (magic !== "BMEV") throw new Error("not a bordermap events payload");
    var hlen = dv.getUint32(4, true);
    var h = JSON.parse(new TextDecoder().decode(new Uint8Array(buf, 8, hlen)));
    var base = 8 + hlen, d = { header: h, n: h.n };
    var T = { uint8: Uint8Array, uint16: Uint16Array, uint32: Uint32Array, int32: Int32Array, float32: Float32Array };
    h.arrays.forEach(function (a) { d[a.name] = new T[a.type](buf, base + a.offset, a.length); });
    // Web Mercator in [0, 1] once, so a redraw is a multiply and a subtract per point.
    var n = d.n, bb = h.bbox, sx = (bb[2] - bb[0]) / 65535, sy = (bb[3] - bb[1]) / 65535;
    d.mx = new Float64Array(n); d.my = new Float64Array(n);
    // y is one of 65,536 steps: their Mercator once, then a lookup per event (a sine and a log
    // per event took 80 ms at a million)
    var merY = d.merY = new Float64Array(65536);  // also for the shapes' vertices, quantised alike
    for (var q = 0; q < 65536; q++) merY[q] = mercatorY(bb[1] + q * sy);
    for (var i = 0; i < n; i++) {
      d.mx[i] = (bb[0] + d.x[i] * sx + 180) / 360;
      d.my[i] = merY[d.y[i]];
    }
    d.lon = function (i) { return bb[0] + d.x[i] * sx; };
    d.lat = function (i) { return bb[1] + d.y[i] * sy; };
    d.start = function (i) { return h.day0 + d.t0[i]; };
    d.end = function (i) { return h.day0 + d.t0[i] + d.dur[i]; };
    return d;
  }
  B.decode = decode;

  /* A served file's bytes; a name ending in ".gz" was gzipped by Python once (bordermap/ui/
     publish.py: the server sends application/gzip as it is) and is unpacked here. */
  function fetchBytes(url) {
    return fetch(url).then(function (r) {
      if (!r.ok) throw new Error(r.status + " " + r.statusText);
      if (!/\.gz$/.test(url)) return r.arrayBuffer();
      if (!r.body) throw new Error("an empty response");
      return gunzipStream(r.body);  // unpacked as it arrives
    });
  }
  B.fetchBytes = fetchBytes;
  function fetchJSON(url) {
    return fetchBytes(url).then(function (b) { return JSON.parse(new TextDecoder().decode(b)); });
  }
  B.fetchJSON = fetchJSON;
  /* Base64 of gzipped JSON (a standalone page's data) -> the value. */
  function unpackJSON(b64) {
    return gunzip(b64bytes(b64)).then(function (b) { return JSON.parse(new TextDecoder().decode(b)); });
  }
  B.unpackJSON = unpackJSON;

  /* Marks in the page's performance timeline (benchmarks/bench_scale.py reads them). */
  function mark(name) { if (window.performance && performance.mark) performance.mark("bordermap:" + name); }
  B.mark = mark;

  function loadEvents(src) {
    mark("events-requested");
    var bytes = src && src.bin ? gunzip(b64bytes(src.bin)) : fetchBytes(src.url);
    return bytes.then(function (b) { mark("events-unpacked"); var d = decode(b); mark("events-decoded"); return d; });
  }

  /* Text chunks: fetched (app) or unpacked (exports) once each, when first needed. A chunk is
     columnar with one string table (bordermap/mapping/text.py); rows are rebuilt here as
     [id, title, date, place, meta(, [sub, summary, confidence note, claims, corrections,
     sources, refs])]. */
  function unintern(c) {
    var s = c.s, C = c.c, L = c.l || {}, rows = new Array(c.n);
    function S(i) { return i < 0 ? null : s[i]; }
    function list(name, i) {
      var o = L[name].o, v = L[name].v, out = [];
      for (var j = o[i]; j < o[i + 1]; j++) out.push(S(v[j]));
      return out;
    }
    for (var i = 0; i < c.n; i++) {
      var row = [S(C.id[i]), S(C.title[i]), S(C.date[i]), S(C.place[i]), S(C.meta[i])];
      if (C.summary) {
        var src = [];
        for (var j = c.src.o[i]; j < c.src.o[i + 1]; j++) src.push([S(c.src.name[j]), S(c.src.url[j]), S(c.src.date[j])]);
        row.push([S(C.sub[i]), S(C.summary[i]), S(C.confnote[i]), list("claims", i), list("corrections", i), src, S(C.refs[i])]);
      }
      rows[i] = row;
    }
    return rows;
  }
  function chunkSource(src) {
    var cache = {};
    return function (k) {
      if (!cache[k]) {
        cache[k] = (src.chunks
          ? unpackJSON(src.chunks[k])
          : fetchJSON(src.chunkUrl + k + ".json")).then(unintern);
      }
      return cache[k];
    };
  }

  /* ---- sprites: one pre-rendered marker per style, blitted per point ---------------------- */
  // A marker's outline (the event type's shape) or a dataset's inner mark, from the geometry
  // Python ships in the header (bordermap/mapping/style.py MARKER_GEOMETRY, MARK_GEOMETRY), in units
  // of the radius: {circle: r} or {polygon: [[x, y], ...]}.
  function markerPath(g, geom, x, y, r) {
    g.beginPath();
    if (geom.polygon) {
      geom.polygon.forEach(function (p, j) { if (j) g.lineTo(x + p[0] * r, y + p[1] * r); else g.moveTo(x + p[0] * r, y + p[1] * r); });
      g.closePath();
    } else g.arc(x, y, (geom.circle || 1) * r, 0, 2 * Math.PI);
  }

  function sprite(st, geometry, radius, selected, dimmed, ratio) {
    var shape = geometry.markers[st.shape], mark = geometry.marks[st.mark] || {};
    var pad = 4, size = Math.ceil((radius * (shape.extent || 1) + pad) * 2 * ratio);
    var c = document.createElement("canvas");
    c.width = c.height = size;
    var g = c.getContext("2d");
    g.scale(ratio, ratio);
    var mid = size / ratio / 2;
    g.lineJoin = "round";
    markerPath(g, shape, mid, mid, radius);
    g.globalAlpha = dimmed ? 0.12 : st.fillOpacity; g.fillStyle = st.fill; g.fill();
    g.globalAlpha = dimmed ? 0.25 : (selected ? 1 : st.opacity);
    g.lineWidth = st.weight + (selected ? 2 : 0);
    g.strokeStyle = selected ? "#000" : st.stroke;
    g.setLineDash(st.dash || []);
    g.stroke();
    if (mark.circle || mark.polygon) {  // the dataset's mark: dark on a white edge, or (ring) the reverse
      var dark = geometry.markColor, light = geometry.markEdge;
      g.setLineDash([]);
      markerPath(g, mark, mid, mid, radius);
      g.lineWidth = mark.fill ? 1 : 1.5; g.strokeStyle = mark.fill ? light : dark; g.stroke();
      g.fillStyle = mark.fill ? dark : light; g.fill();
    }
    return c;
  }

  /* ---- the layer ----------------------------------------------------------------------- */
  B.eventLayer = function (map, src, opts) {
    B.map = map;
    var group = L.featureGroup().addTo(map);
    var api = { group: group, ready: false };
    loadEvents(src).then(function (d) { build(map, d, group, api, chunkSource(src), src, opts || {}); mark("events-ready"); })
      .catch(function (err) { console.warn("bordermap: could not load events: " + err.message); });
    return api;
  };

  function lowerBound(arr, v, lo, hi) {
    while (lo < hi) { var m = (lo + hi) >>> 1; if (arr[m] < v) lo = m + 1; else hi = m; }
    return lo;
  }

  function build(map, d, group, api, chunk, src, opts) {
    var h = d.header, n = d.n, styles = h.styles;
    var visible = new Uint8Array(n), count = 0;
    var catMask = null;                 // Uint8Array bitset from Python, or null = all
    var win = null;                     // [first day, last day] or null = whole span
    var applied = null;                 // [first day, last day, mask] last drawn by setFilter
    var ratio = window.devicePixelRatio || 1;
    var sprites = {};
    var pane = map.getPane("bm-events") || map.createPane("bm-events");
    pane.style.zIndex = 450; pane.style.pointerEvents = "none";
    var canvas = L.DomUtil.create("canvas", "bm-events-canvas", pane);
    var ctx = canvas.getContext("2d");
    var drawn = { rows: null, px: null, py: null, grid: null, cols: 0, rowsN: 0, cells: null, aggregated: false };
    function merc(c) { return [(c[0] + 180) / 360, mercatorY(c[1])]; }
    function spriteFor(s, sel, dim) {
      var key = s + (sel ? "s" : "") + (dim ? "d" : "");
      if (!sprites[key]) sprites[key] = sprite(styles[s], h.geometry, sel ? h.radius.selected : h.radius.point, sel, dim, ratio);
      return sprites[key];
    }

    // Lines and areas come as arrays (bordermap/mapping/payload.py): shape s is row
    // shapeRow[s]; its rings shapeRings[s] .. shapeRings[s+1]; ring r's vertices ringStart[r] ..
    // ringStart[r+1]. Here every vertex once in Mercator (one buffer), and each shape's box in
    // degrees (to fit the view to it) and in Mercator (the view test in draw(): numbers compared).
    var bb = h.bbox, qx = (bb[2] - bb[0]) / 65535, qy = (bb[3] - bb[1]) / 65535;
    var nS = d.shapeRow ? d.shapeRow.length : 0, nV = d.sx ? d.sx.length : 0;
    var shapeOf = new Int32Array(n).fill(-1), shapeXY = new Float64Array(nV * 2);
    var shapeBox = new Float64Array(nS * 4), shapeMBox = new Float64Array(nS * 4);
    for (var v = 0; v < nV; v++) {
      shapeXY[2 * v] = (bb[0] + d.sx[v] * qx + 180) / 360;
      shapeXY[2 * v + 1] = d.merY[d.sy[v]];
    }
    for (var si = 0; si < nS; si++) {
      shapeOf[d.shapeRow[si]] = si;
      var a = d.ringStart[d.shapeRings[si]], b = d.ringStart[d.shapeRings[si + 1]];
      var w = Infinity, so = Infinity, e = -Infinity, no = -Infinity;
      for (var q = a; q < b; q++) {
        var qlon = bb[0] + d.sx[q] * qx, qlat = bb[1] + d.sy[q] * qy;
        if (qlon < w) w = qlon; if (qlon > e) e = qlon; if (qlat < so) so = qlat; if (qlat > no) no = qlat;
      }
      shapeBox.set([w, so, e, no], 4 * si);
      var msw = merc([w, so]), mne = merc([e, no]);
      shapeMBox.set([msw[0], mne[1], mne[0], msw[1]], 4 * si);
    }
    function isShape(i) { return i >= 0 && i < n && shapeOf[i] >= 0; }
    function shapeBounds(s) { return L.latLngBounds([shapeBox[4 * s + 1], shapeBox[4 * s]], [shapeBox[4 * s + 3], shapeBox[4 * s + 2]]); }
    // The rows drawn and their pixel positions, kept between draws (no array grown per point).
    var drawnRowsBuf = new Int32Array(n), drawnXBuf = new Float32Array(n), drawnYBuf = new Float32Array(n);

    function inWindow(i) {
      if (!win) return true;
      var s = h.day0 + d.t0[i];
      return s <= win[1] && s + d.dur[i] >= win[0];
    }
    function filterKey() { return [win ? win[0] : null, win ? win[1] : null, catMask]; }
    function inCategories(i) { return !catMask || (catMask[i >> 3] >> (i & 7)) & 1; }

    /* The rows the filter selects. Rows are in story order (by start), so a window is a slice. */
    function refilter() {
      var lo = 0, hi = n;
      if (win) {
        lo = lowerBound(d.t0, win[0] - h.day0 - h.maxDur, 0, n);
        hi = lowerBound(d.t0, win[1] - h.day0 + 1, lo, n);
      }
      visible.fill(0); count = 0;
      for (var i = lo; i < hi; i++) {
        if (inWindow(i) && inCategories(i)) { visible[i] = 1; count++; }
      }
      api.range = [lo, hi];
    }

    function metersPerPixel(lat, scale) { return 40075016.686 * Math.cos(lat * Math.PI / 180) / scale; }

    function draw() {
      var size = map.getSize(), topLeft = map.containerPointToLayerPoint([0, 0]);
      L.DomUtil.setPosition(canvas, topLeft);
      canvas.width = Math.round(size.x * ratio); canvas.height = Math.round(size.y * ratio);
      canvas.style.width = size.x + "px"; canvas.style.height = size.y + "px";
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.clearRect(0, 0, size.x, size.y);
      var scale = 256 * Math.pow(2, map.getZoom()), origin = map.getPixelOrigin().add(topLeft);
      var lo = api.range[0], hi = api.range[1], margin = h.radius.selected + 4, vb = map.getBounds().pad(0.05);
      var vsw = merc([vb.getWest(), vb.getSouth()]), vne = merc([vb.getEast(), vb.getNorth()]);
      var vx0 = vsw[0], vx1 = vne[0], vy0 = vne[1], vy1 = vsw[1];  // the view in Mercator (y grows south)
      var m = 0, lines = [], x1 = size.x + margin, y1 = size.y + margin;
      for (var i = lo; i < hi; i++) {
        if (!visible[i]) continue;
        var x = d.mx[i] * scale - origin.x, y = d.my[i] * scale - origin.y;  // a line's end, an area's inside
        if ((d.flags[i] >> 2) & 3) {
          var s4 = 4 * shapeOf[i], mb = shapeMBox;
          if (s4 >= 0 && mb[s4] <= vx1 && mb[s4 + 2] >= vx0 && mb[s4 + 1] <= vy1 && mb[s4 + 3] >= vy0) lines.push(i);
        }
        if (x < -margin || y < -margin || x > x1 || y > y1) continue;
        drawnRowsBuf[m] = i; drawnXBuf[m] = x; drawnYBuf[m] = y; m++;
      }
      var rows = drawnRowsBuf.subarray(0, m), pxs = drawnXBuf.subarray(0, m), pys = drawnYBuf.subarray(0, m);
      drawn.rows = rows; drawn.px = pxs; drawn.py = pys; drawn.aggregated = m > AGGREGATE_ABOVE;
      var sel = B.state.selected, dim = !!(B.state.dim && sel !== null && sel !== undefined);
      if (drawn.aggregated) drawCells(size);
      else {
        drawShapes(lines, scale, origin, sel, dim);
        drawPoints(rows, pxs, pys, scale, sel, dim);
      }
      if (sel !== null && sel !== undefined && sel >= 0 && sel < n && visible[sel] && isShape(sel) && !drawn.aggregated) {
        drawShapes([sel], scale, origin, sel, false);
      } else if (sel !== null && sel !== undefined && sel >= 0 && sel < n && visible[sel] && !((d.flags[sel] >> 2) & 3)) {
        var sx = d.mx[sel] * scale - origin.x, sy = d.my[sel] * scale - origin.y, sp = spriteFor(d.style[sel], true, false);
        ctx.drawImage(sp, sx - sp.width / ratio / 2, sy - sp.height / ratio / 2, sp.width / ratio, sp.height / ratio);
      }
      buildGrid(size);
      map.fire("bordermap:drawn", { count: count, drawn: rows.length, aggregated: drawn.aggregated });
    }

    /* Areas (dashed outline, light fill) and movement lines (with an arrowhead at the end). */
    function drawShapes(list, scale, origin, sel, dim) {
      function trace(r, close) {  // ring r
        var xy = shapeXY, a = 2 * d.ringStart[r], b = 2 * d.ringStart[r + 1];
        if (b <= a) return;
        ctx.moveTo(xy[a] * scale - origin.x, xy[a + 1] * scale - origin.y);
        for (var j = a + 2; j < b; j += 2) ctx.lineTo(xy[j] * scale - origin.x, xy[j + 1] * scale - origin.y);
        if (close) ctx.closePath();
      }
      for (var k = 0; k < list.length; k++) {
        var i = list[k], si = shapeOf[i], kind = d.shapeKind[si], r0 = d.shapeRings[si], r1 = d.shapeRings[si + 1];
        var st = styles[d.style[i]], isSel = i === sel, faded = dim && !isSel, r;
        ctx.beginPath();
        for (r = r0; r < r1; r++) trace(r, kind !== 1);
        ctx.strokeStyle = st.colour;
        if (kind === 1) {
          ctx.setLineDash(st.lineDash || []); ctx.lineWidth = isSel ? 6 : 4;
          ctx.globalAlpha = faded ? 0.25 : 0.95; ctx.stroke();
          var xy = shapeXY, m = 2 * d.ringStart[r0 + 1];
          if (m - 2 * d.ringStart[r0] >= 4) {  // an arrowhead needs two vertices
            var ax = xy[m - 4] * scale - origin.x, ay = xy[m - 3] * scale - origin.y;
            var bx = xy[m - 2] * scale - origin.x, by = xy[m - 1] * scale - origin.y, t = Math.atan2(by - ay, bx - ax);
            ctx.setLineDash([]); ctx.beginPath();
            ctx.moveTo(bx + 4 * Math.cos(t), by + 4 * Math.sin(t));
            ctx.lineTo(bx - 10 * Math.cos(t - 0.45), by - 10 * Math.sin(t - 0.45));
            ctx.lineTo(bx - 10 * Math.cos(t + 0.45), by - 10 * Math.sin(t + 0.45));
            ctx.closePath(); ctx.fillStyle = st.colour; ctx.fill();
          }
        } else {
          ctx.globalAlpha = faded ? 0.04 : st.areaFillOpacity; ctx.fillStyle = st.colour; ctx.fill("evenodd");
          ctx.setLineDash([6, 4]); ctx.lineWidth = isSel ? 4 : 2; ctx.globalAlpha = faded ? 0.25 : 0.9; ctx.stroke();
        }
        if (isSel) {  // the selected shape: a dark halo under its colour
          ctx.setLineDash([]); ctx.globalAlpha = 0.9; ctx.lineWidth = 1.5; ctx.strokeStyle = "#000";
          ctx.beginPath(); for (r = r0; r < r1; r++) trace(r, kind !== 1); ctx.stroke();
        }
      }
      ctx.setLineDash([]); ctx.globalAlpha = 1;
    }

    function drawPoints(rows, pxs, pys, scale, sel, dim) {
      // Uncertainty rings first (shared: one per place and precision), then the markers.
      var seen = {};
      ctx.setLineDash([5, 5]); ctx.lineWidth = 1.5;
      for (var k = 0; k < rows.length; k++) {
        var i = rows[k], gp = d.flags[i] & 3;
        if (gp < 2 || (d.flags[i] >> 2) & 3) continue;  // rings are for points
        var key = d.x[i] + "," + d.y[i] + "," + gp + "," + (d.style[i] >> 3);
        if (seen[key]) continue;
        seen[key] = 1;
        var st = styles[d.style[i]], r = h.ringKm[gp] * 1000 / metersPerPixel(d.lat(i), scale);
        var faded = dim && i !== sel;
        ctx.beginPath(); ctx.arc(pxs[k], pys[k], r, 0, 2 * Math.PI);
        ctx.globalAlpha = faded ? 0.02 : 0.08; ctx.fillStyle = st.colour; ctx.fill();
        ctx.globalAlpha = faded ? 0.2 : 0.8; ctx.strokeStyle = st.colour; ctx.stroke();
      }
      ctx.setLineDash([]); ctx.globalAlpha = 1;
      for (k = 0; k < rows.length; k++) {
        i = rows[k];
        if (i === sel || (d.flags[i] >> 2) & 3) continue;  // lines and areas are drawn as shapes
        var sp = spriteFor(d.style[i], false, dim), w = sp.width / ratio;
        ctx.drawImage(sp, pxs[k] - w / 2, pys[k] - w / 2, w, w);
      }
    }

    function drawCells(size) {
      var cols = Math.ceil(size.x / CELL), rowsN = Math.ceil(size.y / CELL), cells = new Uint32Array(cols * rowsN), max = 0;
      for (var k = 0; k < drawn.rows.length; k++) {
        var cx = Math.floor(drawn.px[k] / CELL), cy = Math.floor(drawn.py[k] / CELL);
        if (cx < 0 || cy < 0 || cx >= cols || cy >= rowsN) continue;
        var v = ++cells[cy * cols + cx];
        if (v > max) max = v;
      }
      drawn.cells = cells; drawn.cols = cols; drawn.rowsN = rowsN;
      var lmax = Math.log(max + 1);
      for (var c = 0; c < cells.length; c++) {
        if (!cells[c]) continue;
        var t = Math.log(cells[c] + 1) / lmax;  // log scale: a few events still show
        ctx.globalAlpha = 0.35 + 0.6 * t;
        ctx.fillStyle = h.density[Math.min(h.density.length - 1, Math.floor(t * h.density.length))];
        ctx.fillRect((c % cols) * CELL + 1, Math.floor(c / cols) * CELL + 1, CELL - 2, CELL - 2);
      }
      ctx.globalAlpha = 1;
    }

    /* Picking: the drawn points bucketed by screen cell (a counting sort), searched around the pointer. */
    function buildGrid(size) {
      var G = 16, cols = Math.ceil(size.x / G) + 1, rowsN = Math.ceil(size.y / G) + 1, m = drawn.rows.length;
      var start = new Int32Array(cols * rowsN + 1), cellOf = new Int32Array(m);
      for (var k = 0; k < m; k++) {
        var cx = Math.min(cols - 1, Math.max(0, Math.floor(drawn.px[k] / G)));
        var cy = Math.min(rowsN - 1, Math.max(0, Math.floor(drawn.py[k] / G)));
        cellOf[k] = cy * cols + cx; start[cellOf[k] + 1]++;
      }
      for (var c = 0; c < cols * rowsN; c++) start[c + 1] += start[c];
      var fill = start.slice(0, cols * rowsN), items = new Int32Array(m);
      for (k = 0; k < m; k++) items[fill[cellOf[k]]++] = k;
      drawn.grid = { G: G, cols: cols, rowsN: rowsN, start: start, items: items };
    }
    function pick(pt) {
      var g = drawn.grid;
      if (!g) return -1;
      var best = -1, bestD = PICK_PX * PICK_PX, sel = B.state.selected;
      var cx = Math.floor(pt.x / g.G), cy = Math.floor(pt.y / g.G);
      for (var y = cy - 1; y <= cy + 1; y++) {
        for (var x = cx - 1; x <= cx + 1; x++) {
          if (x < 0 || y < 0 || x >= g.cols || y >= g.rowsN) continue;
          var c = y * g.cols + x;
          for (var j = g.start[c]; j < g.start[c + 1]; j++) {
            var k = g.items[j], dx = drawn.px[k] - pt.x, dy = drawn.py[k] - pt.y, dd = dx * dx + dy * dy;
            // the selected event wins a tie; otherwise the latest drawn (on top)
            if (dd < bestD || (dd === bestD && drawn.rows[k] === sel)) { bestD = dd; best = drawn.rows[k]; }
          }
        }
      }
      return best;
    }
    function cellAt(pt) {
      if (!drawn.aggregated || !drawn.cells) return 0;
      var cx = Math.floor(pt.x / CELL), cy = Math.floor(pt.y / CELL);
      if (cx < 0 || cy < 0 || cx >= drawn.cols || cy >= drawn.rowsN) return 0;
      return drawn.cells[cy * drawn.cols + cx];
    }

    /* ---- tooltips and popups ------------------------------------------------------------ */
    var tip = L.tooltip({ direction: "top", offset: [0, -8], className: "bm-event-tip" });
    var hovered = -1;
    function labels(i) {
      return chunk(Math.floor(i / h.chunk)).then(function (rows) { return rows[i % h.chunk]; });
    }
    api.labels = labels;
    function tipBox(r) {
      var box = el("div", "bm-tip");
      box.appendChild(el("div", "bm-tip-title", r[1]));
      box.appendChild(el("div", "bm-tip-line", r[2]));
      box.appendChild(el("div", "bm-tip-line", r[3]));
      box.appendChild(el("div", "bm-tip-line", r[4]));
      return box;
    }
    function showTip(i, latlng) {
      hovered = i;
      tip.setLatLng(latlng).setContent(el("div", "bm-tip", "…"));
      if (!map.hasLayer(tip)) tip.addTo(map);
      labels(i).then(function (r) { if (hovered === i && r) tip.setContent(tipBox(r)); });
    }
    function hideTip() { hovered = -1; if (map.hasLayer(tip)) map.removeLayer(tip); }
    function popupBox(r) {
      var det = r[5], box = el("div", "bm-pop");
      box.appendChild(el("h4", null, r[1]));
      box.appendChild(el("div", "bm-pop-meta", r[2] + " · " + r[3] + " · " + r[4].split(" · ")[0] + (det[0] ? " / " + det[0] : "")));
      if (det[1]) box.appendChild(el("p", null, det[1]));
      var conf = r[4].split(" · ")[1];
      box.appendChild(el("p", "bm-conf-" + conf, "Confidence: " + conf + (det[2] ? " — " + det[2] : "")));
      function list(head, items, fill) {
        if (!items || !items.length) return;
        box.appendChild(el("div", "bm-pop-h", head));
        var ul = el("ul");
        items.forEach(function (it) { var li = el("li"); fill(li, it); ul.appendChild(li); });
        box.appendChild(ul);
      }
      function text(li, t) { li.textContent = t; }
      list("Fatalities, as claimed (side by side, not averaged)", det[3], text);
      list("Corrections", det[4], text);
      list("Sources", det[5], function (li, s) {
        var url = safeUrl(s[1]);
        if (url) {
          var a = el("a", null, s[0]);
          a.href = url; a.target = "_blank"; a.rel = "noopener noreferrer";
          li.appendChild(a);
        } else li.appendChild(document.createTextNode(s[0]));
        if (s[2]) li.appendChild(document.createTextNode(" (" + s[2] + ")"));
      });
      if (det[6]) box.appendChild(el("div", "bm-pop-refs", det[6]));
      return box;
    }
    function latlngOf(i) { return L.latLng(d.lat(i), d.lon(i)); }  // a line's end, an area's inside

    function openPopup(i) {
      return labels(i).then(function (r) {
        var box = popupBox(r);
        L.popup({ maxWidth: 380 }).setLatLng(latlngOf(i)).setContent(box).openOn(map);
        return box;
      });
    }

    map.on("mousemove", function (e) {
      var i = pick(e.containerPoint);
      map.getContainer().style.cursor = i >= 0 ? "pointer" : "";
      if (i >= 0) { if (i !== hovered) showTip(i, latlngOf(i)); return; }
      var c = cellAt(e.containerPoint);
      if (c) {
        hovered = -2;
        tip.setLatLng(e.latlng).setContent(el("div", "bm-tip", thousands(c) + (c === 1 ? " event" : " events") + " here · zoom in to see them"));
        if (!map.hasLayer(tip)) tip.addTo(map);
        return;
      }
      hideTip();
    });
    map.on("mouseout", hideTip);
    map.on("click", function (e) {
      var i = pick(e.containerPoint);
      if (i < 0) return;
      api.pick(i);
      if (opts.popups) openPopup(i);
    });

    /* ---- redraw on view changes --------------------------------------------------------- */
    map.on("zoomstart", function () { canvas.style.visibility = "hidden"; });
    map.on("moveend zoomend resize viewreset", function () { draw(); canvas.style.visibility = ""; });

    L.extend(api, {
      data: d,
      ready: true,
      setFilter: function (f) {
        f = f || {};
        win = (f.t0 !== undefined && f.t0 !== null && f.t1 !== undefined && f.t1 !== null) ? [f.t0, f.t1] : null;
        if (f.mask !== undefined) catMask = f.mask;
        // The same filter again (the page's controls all apply theirs as the map opens): the
        // map already shows it, so no second pass over every event.
        var key = filterKey();
        if (!applied || key.some(function (v, j) { return v !== applied[j]; })) { refilter(); draw(); applied = key; }
        map.fire("bordermap:filtered", { count: count });
        return count;
      },
      window: function () { return win ? win.slice() : null; },
      count: function () { return count; },
      /* Row i passes the category filter (the window aside): the timeline's histogram counts it. */
      passes: inCategories,
      visibleRows: function () { var out = []; for (var i = 0; i < n; i++) if (visible[i]) out.push(i); return out; },
      drawnRows: function () { return Array.from(drawn.rows); },
      aggregated: function () { return drawn.aggregated; },
      restyle: draw,
      anchor: latlngOf,
      bounds: function (i) {
        if (i < 0 || i >= n) return null;
        if (shapeOf[i] >= 0) return shapeBounds(shapeOf[i]);
        var ll = latlngOf(i);
        return L.latLngBounds([ll, ll]);
      },
      containerPoint: function (i) { return map.latLngToContainerPoint(latlngOf(i)); },
      /* An event or a cell of counts is under this container point (the reference layers'
         tooltips give way to it). */
      hit: function (pt) { return pick(pt) >= 0 || cellAt(pt) > 0; },
      tipElement: function (i) { return labels(i).then(tipBox); },
      openPopup: openPopup,
      pick: function (i) {
        map.fire("bordermap:pick", { row: i });
        if (typeof opts.onPick === "function") opts.onPick(i);
      },
    });
    refilter();
    B.layers.push(api);
    // A filter that came before the events: apply it now (B.apply decodes its mask).
    if (B.state.filter) B.apply(B.state.filter);
    map.fire("bordermap:ready", { n: n });  // the page's controls apply their windows here
    if (!applied) { draw(); applied = filterKey(); }  // none did
    if (B.state.selected !== null && B.state.fly) B.select(B.state.selected, B.state.fly);
    return api;
  }

  /* Data inline (exports) or from a URL next to the page (the app): same drawing either way. */
  function load(src, then, what) {
    if (typeof src !== "string") { then(src); return; }
    fetchJSON(src).then(then).catch(function (err) {
      console.warn("bordermap: could not load " + what + " from " + src + ": " + err.message);
    });
  }
  B.load = load;


  /* ---- page-wide: every event layer on the page ------------------------------------------ */
  function maskOf(f) {
    if (!f || f.mask === undefined || f.mask === null) return Promise.resolve(null);
    if (f.mask.url) return fetchBytes(f.mask.url).then(function (b) { return new Uint8Array(b); });
    return Promise.resolve(b64bytes(f.mask.b64));
  }
  var maskKey = "null", maskValue = null;
  /* Apply a filter from Python: {t0, t1 (day numbers or null), mask (categories: null,
     {b64} or {url} of a bitset, bit i = row i), nonce}. A window the user has moved in the
     browser since is kept unless Python's nonce says it set a new one itself. */
  B.apply = function (f) {
    f = L.extend({}, f || {});
    var prev = B.state.filter;
    if (prev && f.nonce !== undefined && prev.nonce === f.nonce && B.state.userWindow) {
      f.t0 = B.state.userWindow[0]; f.t1 = B.state.userWindow[1];
    } else if (f.nonce !== undefined && (!prev || prev.nonce !== f.nonce)) {
      B.state.userWindow = null;
    }
    B.state.filter = f;
    var key = JSON.stringify(f.mask || null);
    function go(mask) {
      var c = 0;
      B.layers.forEach(function (l) { c += l.setFilter({ t0: f.t0, t1: f.t1, mask: mask }); });
      if (B.timelineControl) B.timelineControl.sync();
      return c;
    }
    if (key === maskKey) {
      var c = go(maskValue);
      B.pending = Promise.resolve(c);
      return c;
    }
    // A new mask is decoded first; B.pending resolves with the count once it is applied.
    B.pending = maskOf(f).then(function (m) { maskKey = key; maskValue = m; return go(m); });
    return null;
  };
  /* The user moved the window in the map (the timeline): redraw now, tell Python later (not
     while it plays: the page follows when playback stops). */
  B.setWindow = function (t0, t1, options) {
    B.state.userWindow = [t0, t1];
    var f = L.extend({}, B.state.filter || {}, { t0: t0, t1: t1 });
    B.state.filter = f;
    var c = 0;
    B.layers.forEach(function (l) { c += l.setFilter({ t0: t0, t1: t1, mask: maskValue }); });
    if (!(options && options.quiet)) report();
    return c;
  };

  /* What the app learns from the map (through streamlit-folium's channel, debounced): the time
     window the user set, and the event picked. */
  var reportTimer = null, picks = 0;
  function report(immediate) {
    var G = window.__GLOBAL_DATA__;
    if (!G || !window.Streamlit || B.state.playing) return;
    clearTimeout(reportTimer);
    reportTimer = setTimeout(function () {
      var w = B.state.userWindow, t = B.state.timeline, v = null;
      if (B.map) {
        var b = B.map.getBounds();
        v = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth(), B.map.getZoom()].map(function (x) { return Math.round(x * 1e5) / 1e5; });
      }
      var value = { last_geocoder_result: { bordermap: 1, window: w ? [iso(w[0]), iso(w[1])] : null,
        nonce: B.state.filter ? B.state.filter.nonce : null, picked: B.state.picked, picks: picks,
        timeline: t ? { axis: t.axis ? [iso(t.axis[0]), iso(t.axis[1])] : null, step: t.step, grow: t.grow,
                        speed: t.speed } : null,
        view: v } };
      G.last_geocoder_result = value.last_geocoder_result;
      G.previous_data = value;
      window.Streamlit.setComponentValue(value);
    }, immediate ? 0 : 300);
  }
  B.report = report;
  B.picked = function (row) { B.state.picked = row; picks++; report(true); };

  B.select = function (row, options) {
    options = options || {};
    row = row === undefined ? null : row;
    B.state.selected = row;
    B.state.dim = !!options.dim;
    // A fly-to asked for before the events arrived waits for them; a later, plain re-selection
    // of the same event (a redraw of the page) must not cancel it.
    var pending = B.state.fly;
    B.state.fly = options.fly ? L.extend({ row: row }, options) : (pending && pending.row === row ? pending : null);
    B.layers.forEach(function (l) { if (l.ready) l.restyle(); });
    var ready = B.layers.filter(function (l) { return l.ready; });
    if (row !== null && B.state.fly && ready.length) {
      options = B.state.fly;
      B.state.fly = null;
      var b = ready[0].bounds(row), map = ready[0].group._map;
      if (b && map) {
        var maxZoom = options.maxZoom || 9;
        if (b.getNorthEast().equals(b.getSouthWest())) map.flyTo(b.getCenter(), Math.max(maxZoom, map.getZoom()), { duration: options.duration || 0.8 });
        else map.flyToBounds(b, { maxZoom: maxZoom, padding: [60, 60], duration: options.duration || 0.8 });
      }
    }
  };
  /* Fly to a place (a storyline step that is about a view rather than an event). */
  B.view = function (center, zoom, options) {
    var map = B.map;
    if (map) map.flyTo(center, zoom, { duration: (options && options.duration) || 0.8 });
  };
  B.count = function () { var c = 0; B.layers.forEach(function (l) { if (l.ready) c += l.count(); }); return c; };
  B.visibleRows = function () { var out = []; B.layers.forEach(function (l) { if (l.ready) out = out.concat(l.visibleRows()); }); return out; };
})();
