/* bordermap: the timeline under the map — a histogram of events over time with a brush, an axis
 * that zooms, and playback. The window moves here, in the browser (Bordermap.setWindow redraws the
 * map at once); the page learns it afterwards. Every option, unit and label rule comes from Python
 * (bordermap/mapping/event_layer.py Timeline); this file counts, draws and handles the pointer.
 *
 * Days are day numbers (days since 1970-01-01, UTC), as in the events payload.
 */
(function () {
  "use strict";
  var B = window.Bordermap;
  var DAY_MS = 86400000;

  function ymd(d) { var a = new Date(d * DAY_MS); return [a.getUTCFullYear(), a.getUTCMonth(), a.getUTCDate()]; }
  function dayOfYmd(y, m, dd) { return Math.round(Date.UTC(y, m, dd) / DAY_MS); }
  /* The start of the calendar unit holding day d, and the start of the next one. */
  function unitStart(unit, d) {
    var p = ymd(d);
    if (unit === "day") return d;
    if (unit === "week") return d - ((new Date(d * DAY_MS).getUTCDay() + 6) % 7);  // Monday
    if (unit === "month") return dayOfYmd(p[0], p[1], 1);
    if (unit === "quarter") return dayOfYmd(p[0], p[1] - p[1] % 3, 1);
    return dayOfYmd(p[0], 0, 1);
  }
  function addUnits(unit, d, k) {
    if (unit === "day") return d + k;
    if (unit === "week") return d + 7 * k;
    var p = ymd(d);
    if (unit === "month" || unit === "quarter") {
      var months = unit === "month" ? k : 3 * k;
      var y = p[0], m = p[1] + months, last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
      return dayOfYmd(y, m, Math.min(p[2], last));
    }
    return dayOfYmd(p[0] + k, p[1], Math.min(p[2], new Date(Date.UTC(p[0] + k, p[1] + 1, 0)).getUTCDate()));
  }
  B.addUnits = addUnits;

  function button(cls, text, title) {
    var b = B.el("button", "bm-tl-btn " + cls, text);
    b.type = "button";
    if (title) { b.title = title; b.setAttribute("aria-label", title); }
    return b;
  }
  function select(cls, label, options, value) {
    var s = B.el("select", "bm-tl-select " + cls);
    s.setAttribute("aria-label", label); s.title = label;
    options.forEach(function (o) {
      var opt = B.el("option", null, o[1]); opt.value = String(o[0]);
      if (String(o[0]) === String(value)) opt.selected = true;
      s.appendChild(opt);
    });
    return s;
  }

  B.timeline = function (map, opts) {
    var lo = opts.min, hi = opts.max;                 // the data's span: the window stays inside it
    var init = opts.initial || {};
    var axis = init.axis ? [Math.max(lo, init.axis[0]), Math.min(hi, init.axis[1])] : [lo, hi];
    if (axis[1] - axis[0] < opts.minAxisDays) axis = [lo, hi];
    var stepUnit = init.step || opts.steps[1][0], grow = !!init.grow, speed = init.speed || 1;
    var playing = null, drag = null, raf = 0;

    var box = B.el("div", "bm-tl");
    // The accent (bars inside the window, the brush, focus rings) is Python's (mapping/style.py).
    box.style.setProperty("--bm-tl-inside", opts.colours.inside);
    box.style.setProperty("--bm-tl-outside", opts.colours.outside);
    box.tabIndex = 0;
    box.setAttribute("role", "group");
    box.setAttribute("aria-label", "Timeline: Space plays or pauses, ← → step the window");
    var bar = B.el("div", "bm-tl-bar");
    var play = button("bm-tl-play", "▶", "Play");
    var speedSel = select("bm-tl-speed", "Playback speed", opts.speeds.map(function (s) { return [s, s + "×"]; }), speed);
    var stepSel = select("bm-tl-step", "Step", opts.steps, stepUnit);
    var growSel = select("bm-tl-grow", "Window while playing", [[0, "moving window"], [1, "growing window"]], grow ? 1 : 0);
    var back = button("bm-tl-back", "◀", "Step the window back");
    var fwd = button("bm-tl-fwd", "▶", "Step the window forward");
    var label = B.el("span", "bm-tl-label");
    label.setAttribute("aria-live", "polite");
    var unitLabel = B.el("span", "bm-tl-unit");
    var spacer = B.el("span", "bm-tl-spacer");
    var dense = opts.dense ? button("bm-tl-dense", opts.dense.label, opts.dense.title) : null;
    var zoomIn = button("bm-tl-zoom", "Zoom to window", "Zoom the axis to the window");
    var whole = button("bm-tl-whole", "Whole span", "The whole span, window and axis");
    [play, speedSel, stepSel, growSel, back, fwd, label, spacer, unitLabel].forEach(function (e) { bar.appendChild(e); });
    if (dense) bar.appendChild(dense);
    bar.appendChild(zoomIn); bar.appendChild(whole);
    var track = B.el("div", "bm-tl-track");
    var hist = B.el("canvas", "bm-tl-hist");
    var brush = B.el("div", "bm-tl-brush");
    var h0 = B.el("div", "bm-tl-handle bm-tl-handle-start"), h1 = B.el("div", "bm-tl-handle bm-tl-handle-end");
    brush.appendChild(h0); brush.appendChild(h1);
    track.appendChild(hist); track.appendChild(brush);
    box.appendChild(bar); box.appendChild(track);

    // Under the map, inside the map's frame: the map gives up the timeline's height.
    var container = map.getContainer();
    container.parentNode.insertBefore(box, container.nextSibling);
    container.style.height = "calc(100vh - " + opts.height + "px)";
    box.style.height = opts.height + "px";
    map.invalidateSize();

    function win() {
      var f = B.state.filter || {};
      return (f.t0 === null || f.t0 === undefined) ? [lo, hi] : [f.t0, f.t1];
    }
    function width() { return Math.max(1, track.clientWidth); }
    function xOf(d) { return (d - axis[0]) / (axis[1] + 1 - axis[0]) * width(); }
    function dayAt(x) { return Math.floor(axis[0] + x / width() * (axis[1] + 1 - axis[0])); }
    function clampWindow(a, b) {
      var len = b - a;
      if (len > hi - lo) return [lo, hi];
      if (a < lo) { a = lo; b = lo + len; }
      if (b > hi) { b = hi; a = hi - len; }
      return [a, b];
    }
    /* The density unit for this zoom: the finest whose bins are at least minBinPx wide. */
    function binUnit() {
      var pxPerDay = width() / (axis[1] + 1 - axis[0]);
      for (var i = 0; i < opts.units.length; i++) {
        if (opts.units[i][1] * pxPerDay >= opts.minBinPx) return opts.units[i];
      }
      return opts.units[opts.units.length - 1];
    }

    function counts(unit) {
      var edges = [], d = unitStart(unit, axis[0]);
      while (d <= axis[1]) { edges.push(d); d = addUnits(unit, d, 1); }
      edges.push(d);
      var inWin = new Float64Array(edges.length - 1), out = new Float64Array(edges.length - 1);
      var w = win();
      B.layers.forEach(function (l) {
        if (!l.ready) return;
        var data = l.data, n = data.n, day0 = data.header.day0, k = 0;
        var first = lowerBound(data.t0, edges[0] - day0, n), last = lowerBound(data.t0, edges[edges.length - 1] - day0, n);
        for (var i = first; i < last; i++) {
          if (!l.passes(i)) continue;
          var s = day0 + data.t0[i];
          while (k < edges.length - 2 && s >= edges[k + 1]) k++;
          if (s <= w[1] && s + data.dur[i] >= w[0]) inWin[k]++; else out[k]++;
        }
      });
      return { edges: edges, inWin: inWin, out: out };
    }
    function lowerBound(arr, v, n) {
      var a = 0, b = n;
      while (a < b) { var m = (a + b) >> 1; if (arr[m] < v) a = m + 1; else b = m; }
      return a;
    }

    function ticks(g, wpx, hpx) {
      var span = axis[1] + 1 - axis[0], unit = span > 3 * 366 ? "year" : span > 75 ? "month" : span > 20 ? "week" : "day";
      var every = 1, px = wpx / span * ({ year: 365.25, month: 30.44, week: 7, day: 1 })[unit];
      while (px * every < 58) every++;
      var d = unitStart(unit, axis[0]), i = 0;
      g.fillStyle = "#333"; g.font = "11px system-ui, sans-serif"; g.textBaseline = "bottom";
      for (; d <= axis[1] + 1; d = addUnits(unit, d, 1), i++) {
        if (d < axis[0]) continue;
        var p = ymd(d);
        if (unit === "year" && p[0] % every) continue;
        if (unit !== "year" && i % every) continue;
        var x = Math.round(xOf(d)) + 0.5;
        g.fillRect(x, hpx - 14, 1, 3);
        var text = unit === "year" ? String(p[0]) : unit === "month"
          ? (p[1] === 0 || every >= 12 ? opts.months[p[1]] + " " + p[0] : opts.months[p[1]])
          : p[2] + " " + opts.months[p[1]];
        if (x + 4 < wpx - 30) g.fillText(text, x + 3, hpx);
      }
    }

    function draw() {
      raf = 0;
      var wpx = width(), hpx = track.clientHeight, ratio = window.devicePixelRatio || 1;
      hist.width = Math.round(wpx * ratio); hist.height = Math.round(hpx * ratio);
      hist.style.width = wpx + "px"; hist.style.height = hpx + "px";
      var g = hist.getContext("2d");
      g.setTransform(ratio, 0, 0, ratio, 0, 0);
      g.clearRect(0, 0, wpx, hpx);
      var unit = binUnit(), c = counts(unit[0]), max = 0, barsH = hpx - 16;
      for (var k = 0; k < c.inWin.length; k++) max = Math.max(max, c.inWin[k] + c.out[k]);
      for (k = 0; k < c.inWin.length; k++) {
        var total = c.inWin[k] + c.out[k];
        if (!total) continue;
        var x0 = xOf(c.edges[k]), x1 = xOf(c.edges[k + 1]);
        var bw = Math.max(1, x1 - x0 - (x1 - x0 > 3 ? 1 : 0));
        var ht = Math.max(2, Math.round(Math.sqrt(total / max) * (barsH - 2)));
        var hin = c.inWin[k] ? Math.max(2, Math.round(ht * c.inWin[k] / total)) : 0;
        g.fillStyle = opts.colours.outside; g.fillRect(x0, barsH - ht, bw, ht - hin);
        g.fillStyle = opts.colours.inside; g.fillRect(x0, barsH - hin, bw, hin);
      }
      g.fillStyle = "#999"; g.fillRect(0, barsH, wpx, 1);
      ticks(g, wpx, hpx);
      var w = win(), a = Math.max(0, xOf(w[0])), b = Math.min(wpx, xOf(w[1] + 1));
      brush.style.left = a + "px"; brush.style.width = Math.max(2, b - a) + "px";
      brush.style.display = b < 0 || a > wpx ? "none" : "";
      h0.style.display = xOf(w[0]) < 0 ? "none" : ""; h1.style.display = xOf(w[1] + 1) > wpx ? "none" : "";
      unitLabel.textContent = "bars: " + unit[2] + " · axis " + B.dayText(axis[0]) + " – " + B.dayText(axis[1]);
      text();
      state.unit = unit[0];
    }
    function redraw() { if (!raf) raf = requestAnimationFrame(draw); }
    function text() {
      var w = win(), n = B.count();
      label.textContent = B.dayText(w[0]) + " – " + B.dayText(w[1]) + " · " + B.thousands(n) +
        (n === 1 ? " event" : " events");
    }

    /* Set the window (clamped, whole days), keep it on the axis, redraw, tell Python later. */
    function setWindow(a, b, keepAxis) {
      var w = clampWindow(Math.round(a), Math.round(b));
      if (!keepAxis && (w[0] < axis[0] || w[1] > axis[1])) {
        var len = axis[1] - axis[0];
        if (w[1] - w[0] > len) axis = [lo, hi];
        else if (w[1] > axis[1]) axis = [w[1] - len, w[1]];
        else axis = [w[0], w[0] + len];
        axis = [Math.max(lo, axis[0]), Math.min(hi, axis[1])];
      }
      B.setWindow(w[0], w[1], { quiet: !!playing });
      publish();
      redraw();
    }
    function setAxis(a, b) {
      var len = Math.max(opts.minAxisDays, b - a);
      if (len >= hi - lo) { axis = [lo, hi]; }
      else {
        a = Math.max(lo, Math.min(a, hi - len));
        axis = [Math.round(a), Math.round(a + len)];
      }
      publish();
      redraw();
    }
    /* Zoom by factor, keeping the day under x (CSS px on the track) where it is. */
    function zoomAround(x, factor) {
      var len = axis[1] + 1 - axis[0], frac = Math.max(0, Math.min(1, x / width()));
      var at = axis[0] + frac * len, newLen = len * factor;
      var a = at - frac * newLen;
      setAxis(a, a + newLen - 1);
    }
    function publish() {
      B.state.timeline = { axis: axis[0] === lo && axis[1] === hi ? null : axis.slice(), step: stepUnit, grow: grow,
                           speed: speed };
      if (!playing) B.report();
    }

    /* ---- the brush: drag to set, drag the window, drag an edge ---------------------------- */
    function pointerDay(e) { var r = track.getBoundingClientRect(); return dayAt(Math.max(0, Math.min(r.width - 1, e.clientX - r.left))); }
    track.addEventListener("pointerdown", function (e) {
      if (e.button !== 0) return;
      pause();
      var r = track.getBoundingClientRect(), x = e.clientX - r.left, w = win();
      var xa = xOf(w[0]), xb = xOf(w[1] + 1), day = pointerDay(e);
      if (Math.abs(x - xa) <= 6) drag = { mode: "start" };
      else if (Math.abs(x - xb) <= 6) drag = { mode: "end" };
      // Inside the window, a drag moves it — unless it covers the whole axis (nothing to grab):
      // then, as on empty track, a drag draws a new one.
      else if (x > xa && x < xb && !(xa <= 0 && xb >= width())) drag = { mode: "move", from: day, w: w };
      else drag = { mode: "new", anchor: day, moved: false, w: w };
      track.setPointerCapture(e.pointerId);
      e.preventDefault();
    });
    track.addEventListener("pointermove", function (e) {
      var r = track.getBoundingClientRect(), x = e.clientX - r.left, w = win();
      if (!drag) {
        track.style.cursor = Math.abs(x - xOf(w[0])) <= 6 || Math.abs(x - xOf(w[1] + 1)) <= 6 ? "ew-resize"
          : x > xOf(w[0]) && x < xOf(w[1] + 1) && !(xOf(w[0]) <= 0 && xOf(w[1] + 1) >= width()) ? "grab" : "crosshair";
        return;
      }
      var day = pointerDay(e);
      if (drag.mode === "start") setWindow(Math.min(day, w[1]), w[1], true);
      else if (drag.mode === "end") setWindow(w[0], Math.max(day, w[0]), true);
      else if (drag.mode === "move") setWindow(drag.w[0] + day - drag.from, drag.w[1] + day - drag.from, true);
      else if (day !== drag.anchor || drag.moved) { drag.moved = true; setWindow(Math.min(day, drag.anchor), Math.max(day, drag.anchor), true); }
    });
    function endDrag(e) {
      if (!drag) return;
      // A click (no drag) beside the window moves the window there, centred on the day clicked.
      if (drag.mode === "new" && !drag.moved && e.type === "pointerup") {
        var half = Math.floor((drag.w[1] - drag.w[0]) / 2);
        setWindow(drag.anchor - half, drag.anchor - half + drag.w[1] - drag.w[0], true);
      }
      drag = null;
      try { track.releasePointerCapture(e.pointerId); } catch (err) { /* gone */ }
    }
    track.addEventListener("pointerup", endDrag);
    track.addEventListener("pointercancel", endDrag);
    // The wheel zooms the axis around the pointer; a sideways wheel (or Shift) pans it.
    track.addEventListener("wheel", function (e) {
      e.preventDefault();
      var len = axis[1] - axis[0];
      if (e.shiftKey || Math.abs(e.deltaX) > Math.abs(e.deltaY)) {
        var shift = (e.deltaX || e.deltaY) / width() * len;
        setAxis(axis[0] + shift, axis[1] + shift);
      } else {
        zoomAround(e.clientX - track.getBoundingClientRect().left, e.deltaY < 0 ? 1 / opts.zoomFactor : opts.zoomFactor);
      }
    }, { passive: false });
    track.addEventListener("dblclick", function (e) {
      zoomAround(e.clientX - track.getBoundingClientRect().left, 1 / (opts.zoomFactor * opts.zoomFactor));
    });

    /* ---- playback ------------------------------------------------------------------------ */
    function stepWindow(k) {
      var w = win();
      if (grow && playing) { setWindow(w[0], Math.min(hi, addUnits(stepUnit, w[1], k))); return; }
      var len = w[1] - w[0];
      var a = addUnits(stepUnit, w[0], k);
      setWindow(a, a + len);
    }
    function tick() {
      var w = win();
      if (w[1] >= hi) { pause(); return; }
      stepWindow(1);
      if (win()[1] >= hi) pause();
    }
    function start() {
      if (playing) return;
      var w = win();
      if (w[1] >= hi) {  // at the end: start again from the beginning
        if (grow) setWindow(lo, Math.min(hi, addUnits(stepUnit, lo, 1) - 1));
        else setWindow(lo, lo + (w[1] - w[0] >= hi - lo ? addUnits(stepUnit, lo, 1) - 1 - lo : w[1] - w[0]));
      } else if (w[0] === lo && w[1] === hi) {
        setWindow(lo, addUnits(stepUnit, lo, 1) - 1);
      }
      playing = setInterval(tick, opts.tickMs / speed);
      play.textContent = "❚❚"; play.title = "Pause"; play.setAttribute("aria-label", "Pause");
      box.classList.add("bm-tl-playing");
      B.state.playing = true;
    }
    function pause() {
      if (!playing) return;
      clearInterval(playing); playing = null;
      play.textContent = "▶"; play.title = "Play"; play.setAttribute("aria-label", "Play");
      box.classList.remove("bm-tl-playing");
      B.state.playing = false;
      publish();
      B.report();
    }
    function toggle() { if (playing) pause(); else start(); }
    play.addEventListener("click", toggle);
    back.addEventListener("click", function () { pause(); stepWindow(-1); });
    fwd.addEventListener("click", function () { pause(); stepWindow(1); });
    speedSel.addEventListener("change", function () {
      speed = +speedSel.value;
      if (playing) { clearInterval(playing); playing = setInterval(tick, opts.tickMs / speed); }
      publish();
    });
    stepSel.addEventListener("change", function () { stepUnit = stepSel.value; publish(); });
    growSel.addEventListener("change", function () { grow = growSel.value === "1"; publish(); });
    if (dense) dense.addEventListener("click", function () {
      pause();
      var d = opts.dense.window, pad = Math.max(opts.minAxisDays, Math.round((d[1] - d[0]) / 2));
      axis = [Math.max(lo, d[0] - pad), Math.min(hi, d[1] + pad)];
      setWindow(d[0], d[1]);
    });
    zoomIn.addEventListener("click", function () {
      var w = win(), pad = Math.max(3, Math.round((w[1] - w[0]) * 0.15));
      setAxis(w[0] - pad, w[1] + pad);
    });
    whole.addEventListener("click", function () { pause(); axis = [lo, hi]; setWindow(lo, hi); });

    // Keys while the timeline (or the map, not a form field) has focus.
    function onKey(e) {
      var t = e.target, tag = t && t.tagName;
      if (tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA" || tag === "BUTTON" && e.key === " ") return;
      if (e.key === " " || e.key === "Spacebar") { toggle(); e.preventDefault(); }
      else if (t === box && (e.key === "ArrowRight" || e.key === "ArrowLeft")) {
        pause(); stepWindow(e.key === "ArrowRight" ? 1 : -1); e.preventDefault();
      } else if (t === box && e.key === "Home") { pause(); var w = win(); setWindow(lo, lo + w[1] - w[0]); e.preventDefault(); }
      else if (t === box && e.key === "End") { pause(); var v = win(); setWindow(hi - (v[1] - v[0]), hi); e.preventDefault(); }
      else if (t === box && (e.key === "+" || e.key === "=")) { zoomAround(width() / 2, 1 / opts.zoomFactor); }
      else if (t === box && (e.key === "-" || e.key === "_")) { zoomAround(width() / 2, opts.zoomFactor); }
    }
    box.addEventListener("keydown", onKey);
    container.addEventListener("keydown", function (e) { if (e.key === " ") onKey(e); });
    L.DomEvent.disableClickPropagation(box);
    L.DomEvent.disableScrollPropagation(box);

    var state = {
      sync: function () { redraw(); },
      axis: function () { return axis.slice(); },
      unit: null,
      playing: function () { return !!playing; },
      play: start, pause: pause, step: stepWindow,
      setAxis: setAxis, setWindow: setWindow,
      xOf: xOf, track: track,
    };
    B.timelineControl = state;
    publish();
    map.on("bordermap:ready bordermap:filtered", redraw);
    // The page learns the map's view too (exports can frame it), once a pan or zoom has ended.
    map.on("moveend", function () { B.report(); });
    window.addEventListener("resize", redraw);
    redraw();
    return state;
  };
})();
