// nabla board: one page over the runs folder. Plain JavaScript, no build step; charts by uPlot.
// Routes (in the URL's hash): #/ runs list, #/run/ID[/model|/try], #/sweep/ID, #/compare/ID,ID,...
"use strict";

const POLL_MS = 1500;
const COLORS = ["#3056d3", "#e4572e", "#1b8a4b", "#9b5de5", "#f4a100", "#00a6a6", "#d1495b", "#5c6b7a",
                "#8ac926", "#ff6f91"];
const EPOCH_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000]; // whole epochs on x axes
const view = document.getElementById("view");
let pageTimer = null;      // the current page's polling timer
let pageCharts = [];       // uPlot instances of the current page (destroyed on navigation)
let runsCache = null;      // last /api/runs answer and its ETag, shared by the runs and compare pages

// ------------------------------------------------------------------ helpers

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") e.className = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

async function api(path, options) {
  const r = await fetch(path, Object.assign({cache: "no-store"}, options || {}));
  if (r.status === 304) return {notModified: true};
  let body;
  try { body = await r.json(); } catch (e) { body = {error: "the server sent " + r.status + " with no JSON"}; }
  if (!r.ok) throw new Error(body.error || ("HTTP " + r.status));
  body.etag = r.headers.get("ETag");
  return body;
}

function setLive(ok) {
  const live = document.getElementById("live");
  live.className = ok ? "on" : "off";
  live.textContent = ok ? "live" : "server not answering";
}

const fmt = {
  acc: v => (typeof v === "number" && isFinite(v)) ? v.toFixed(4) : "",
  num: v => (typeof v === "number" && isFinite(v)) ? (Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(3) : +v.toPrecision(5) + "") : (v ?? ""),
  secs: v => (typeof v === "number" && isFinite(v)) ? (v < 120 ? v.toFixed(1) + " s" : (v / 60).toFixed(1) + " min") : "",
  date: ms => ms ? new Date(ms).toLocaleString(undefined, {year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit"}) : "",
};

function badge(status) {
  return el("span", {class: "badge s-" + status, "data-status": status}, status);
}

function settingsText(settings, skip) {
  return Object.entries(settings || {}).filter(([k]) => !(skip || []).includes(k))
    .map(([k, v]) => k + "=" + (Array.isArray(v) ? v.join("-") : v)).join(" ");
}

function runLink(e) {
  return "#/" + (e.kind === "sweep" ? "sweep" : "run") + "/" + encodeURIComponent(e.id);
}

function problems(list) {
  return (list || []).map(p => el("div", {class: "problem"}, "\u26A0 " + p));
}

function errorBox(err) {
  return el("div", {class: "card error"}, String(err.message || err));
}

// Sortable table: columns [{key, label, num, render}], rows of objects; keeps its sort between renders.
function sortTable(columns, rows, state, rowAttrs, limit) {
  const sorted = rows.slice();
  if (state.key) {
    const col = columns.find(c => c.key === state.key);
    const val = col && col.value ? col.value : r => r[state.key];
    sorted.sort((a, b) => {
      const x = val(a), y = val(b);
      const nx = x === null || x === undefined || x === "", ny = y === null || y === undefined || y === "";
      if (nx || ny) return nx === ny ? 0 : nx ? 1 : -1;       // empty cells last in both directions
      const c = (typeof x === "number" && typeof y === "number") ? x - y : String(x).localeCompare(String(y), undefined, {numeric: true});
      return state.desc ? -c : c;
    });
  }
  const head = el("tr", {}, columns.map(c => el("th", {
    class: [c.num ? "num" : "", c.nosort ? "" : "sortable", state.key === c.key ? (state.desc ? "sorted-desc" : "sorted-asc") : ""].join(" "),
    "data-key": c.key,
    onclick: c.nosort ? null : () => { state.desc = state.key === c.key ? !state.desc : !!c.num; state.key = c.key; state.rerender(); },
  }, c.label)));
  const body = sorted.slice(0, limit || sorted.length).map(r => el("tr", rowAttrs ? rowAttrs(r) : {}, columns.map(c => el("td", {class: c.num ? "num" : c.cls || ""}, c.render ? c.render(r) : (r[c.key] ?? "")))));
  return el("table", {}, el("thead", {}, head), el("tbody", {}, body));
}

// ------------------------------------------------------------------ charts

// A line chart of several series over epochs: series [{label, values}], values[i] belongs to epoch i+1, or to
// opts.xs[i] when given (opts.xlabel names that axis).
function lineChart(title, series, opts) {
  opts = opts || {};
  const n = opts.xs ? Math.max(1, opts.xs.length) : Math.max(1, ...series.map(s => s.values.length));
  const xs = opts.xs && opts.xs.length ? opts.xs : Array.from({length: n}, (_, i) => i + 1);
  const xlabel = opts.xs ? opts.xlabel || "" : "epoch";
  const clean = v => (typeof v === "number" && isFinite(v) && (!opts.log || v > 0)) ? v : null;
  const data = [xs, ...series.map(s => xs.map((_, i) => clean(s.values[i])))];
  const u = new uPlot({
    title, width: opts.width || 560, height: opts.height || 300,
    scales: {x: {time: false}, y: opts.log ? {distr: 3} : {}},
    axes: [opts.xs ? {label: xlabel} : {label: xlabel, incrs: EPOCH_STEPS}, {label: opts.ylabel || "", size: 60}],
    series: [{label: xlabel}, ...series.map((s, i) => ({
      label: s.label, stroke: s.color || COLORS[i % COLORS.length], width: s.width || 1.6, spanGaps: true,
      points: {show: n <= 40, size: 5}, value: (u, v) => v === null || v === undefined ? "-" : fmt.num(v),
    }))],
    legend: {live: true},
  }, data);
  pageCharts.push(u);
  return el("div", {class: "chart"}, u.root);
}

// Points (x, y) with a label each: a scatter of a hyper-parameter against accuracy.
function scatterChart(title, xlabel, points, log) {
  const pts = points.filter(p => isFinite(p.x) && isFinite(p.y) && (!log || p.x > 0)).sort((a, b) => a.x - b.x);
  const data = [pts.map(p => p.x), pts.map(p => p.y), pts.map(p => p.best ? p.y : null)];
  const u = new uPlot({
    title, width: 560, height: 300,
    scales: {x: {time: false, distr: log ? 3 : 1}, y: {}},
    axes: [{label: xlabel, values: (u, ticks) => ticks.map(v => v === null ? "" : fmt.num(v))}, {label: "best validation accuracy", size: 60}],
    series: [{label: xlabel, value: (u, v) => v === null || v === undefined ? "-" : fmt.num(v)},
      {label: "trial", stroke: COLORS[0], paths: () => null, points: {show: true, size: 9, fill: COLORS[0]},
        value: (u, v) => v === null || v === undefined ? "-" : fmt.acc(v)},
      {label: "best", stroke: COLORS[2], paths: () => null, points: {show: true, size: 13, fill: COLORS[2]},
        value: (u, v) => v === null || v === undefined ? "-" : fmt.acc(v)}],
  }, data);
  pageCharts.push(u);
  return el("div", {class: "chart"}, u.root);
}

// Grayscale bytes (base64, 0..255) drawn on a canvas of side x side; diverging = blue-white-red for weights.
function pixelCanvas(b64, cols, rows, diverging) {
  const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
  const c = el("canvas", {width: cols, height: rows});
  const ctx = c.getContext("2d");
  const img = ctx.createImageData(cols, rows);
  for (let i = 0; i < cols * rows; i++) {
    const v = bytes[i];
    let r = v, g = v, b = v;
    if (diverging) {
      const t = (v - 127.5) / 127.5;
      if (t >= 0) { r = 255; g = b = Math.round(255 * (1 - t)); } else { b = 255; r = g = Math.round(255 * (1 + t)); }
    }
    img.data.set([r, g, b, 255], 4 * i);
  }
  ctx.putImageData(img, 0, 0);
  return c;
}

// ------------------------------------------------------------------ pages

const runsState = {filter: "", status: "", key: "started", desc: true, limit: 300, selected: new Set(), rerender: null};

async function loadRuns() {
  const headers = runsCache ? {"If-None-Match": runsCache.etag} : {};
  const r = await api("api/runs", {headers});
  if (!r.notModified) runsCache = r;
  document.getElementById("root").textContent = runsCache.root;
  return runsCache;
}

function pageRuns() {
  const box = el("div");
  const count = el("span", {class: "muted", id: "count"});
  const search = el("input", {type: "search", placeholder: "filter: name, model, setting (lr=0.1), status", value: runsState.filter,
    oninput: e => { runsState.filter = e.target.value; runsState.rerender(); }});
  const status = el("select", {onchange: e => { runsState.status = e.target.value; runsState.rerender(); }},
    ["", "running", "finished", "diverged", "killed", "malformed"].map(s => el("option", {value: s, selected: s === runsState.status}, s || "any status")));
  const compare = el("button", {id: "compare", onclick: () => { location.hash = "#/compare/" + [...runsState.selected].map(encodeURIComponent).join(","); }}, "Compare selected");
  view.replaceChildren(el("h1", {}, "Runs"), el("div", {class: "toolbar"}, search, status, compare, count), box);
  const columns = [
    {key: "select", label: "", nosort: true, render: r => r.kind === "run" ? el("input", {type: "checkbox", checked: runsState.selected.has(r.id),
      onchange: e => { e.target.checked ? runsState.selected.add(r.id) : runsState.selected.delete(r.id); compare.disabled = runsState.selected.size === 0; }}) : ""},
    {key: "started", label: "started", render: r => fmt.date(r.started)},
    {key: "id", label: "run", render: r => [el("a", {href: runLink(r)}, r.id), r.kind === "sweep" ? el("span", {class: "muted"}, " (sweep)") : "", problems(r.problems)]},
    {key: "model", label: "model"},
    {key: "settings", label: "settings", cls: "settings", value: r => settingsText(r.settings), render: r => settingsText(r.settings, ["model", "hidden", "activation"])},
    {key: "status", label: "status", render: r => badge(r.status)},
    {key: "progress", label: "epochs / trials", num: true, value: r => r.kind === "sweep" ? r.trials_done : r.epochs_done,
      render: r => r.kind === "sweep" ? r.trials_done + " / " + r.trials + " trials" : r.epochs_done + (r.epochs ? " / " + r.epochs : "")},
    {key: "best_val_acc", label: "best val acc", num: true, render: r => fmt.acc(r.best_val_acc)},
    {key: "test_acc", label: "test acc", num: true, render: r => fmt.acc(r.test_acc)},
  ];
  runsState.rerender = () => {
    if (!runsCache) return;
    const words = runsState.filter.toLowerCase().split(/\s+/).filter(Boolean);
    const rows = runsCache.entries.filter(e => (!runsState.status || e.status === runsState.status) &&
      words.every(w => (e.id + " " + (e.model || "") + " " + e.status + " " + settingsText(e.settings)).toLowerCase().includes(w)));
    const shown = Math.min(rows.length, runsState.limit);
    count.textContent = rows.length === runsCache.entries.length ? rows.length + " runs and sweeps" : rows.length + " of " + runsCache.entries.length + " match";
    compare.disabled = runsState.selected.size === 0;
    // sort the whole filtered list, then show the first ones
    const table = sortTable(columns, rows, runsState, r => ({"data-run-id": r.id, "data-kind": r.kind}), runsState.limit);
    box.replaceChildren(table, rows.length > shown ? el("button", {class: "more", onclick: () => { runsState.limit += 1000; runsState.rerender(); }},
      "show " + Math.min(1000, rows.length - shown) + " more of " + (rows.length - shown)) : "",
      runsCache.entries.length === 0 ? el("p", {class: "muted"}, "No runs here yet: nabla train --out " + runsCache.root + "/NAME writes one.") : "");
  };
  const tick = async () => {
    try {
      const before = runsCache && runsCache.etag;
      await loadRuns();
      setLive(true);
      if (!box.firstChild || runsCache.etag !== before) runsState.rerender();
    } catch (e) { setLive(false); if (!runsCache) box.replaceChildren(errorBox(e)); }
  };
  tick();
  pageTimer = setInterval(tick, POLL_MS);
}

// A run: summary, live curves, and tabs for the model and the drawing canvas.
function pageRun(id, tab) {
  const base = "#/run/" + encodeURIComponent(id);
  const head = el("div");
  const body = el("div");
  const tabs = el("div", {class: "tabs"},
    el("a", {href: base, class: tab ? "" : "active"}, "Curves"),
    el("a", {href: base + "/model", class: tab === "model" ? "active" : ""}, "Model"),
    el("a", {href: base + "/try", class: tab === "try" ? "active" : ""}, "Try it"));
  view.replaceChildren(head, tabs, body);
  if (tab === "model") pageModel(id, body);
  else if (tab === "try") pageTry(id, body);
  let shown = -1, log = false, lastRun = null;
  const drawCurves = run => {
    pageCharts.forEach(c => c.destroy()); pageCharts = [];
    const h = run.history || {};
    const logBox = el("label", {}, el("input", {type: "checkbox", id: "log", checked: log, onchange: e => { log = e.target.checked; drawCurves(lastRun); }}), " log scale");
    body.replaceChildren(el("div", {class: "toolbar"}, logBox, el("span", {class: "muted"}, "hover a chart for values; the curves follow the run as it trains")),
      el("div", {class: "charts"},
        lineChart("loss", [{label: "training", values: h.train_loss || []}, {label: "validation", values: h.val_loss || []}], {log, ylabel: "cross-entropy"}),
        lineChart("accuracy", [{label: "training", values: h.train_acc || []}, {label: "validation", values: h.val_acc || []}], {log, ylabel: "accuracy"}),
        run.steps ? stepChart(run.steps) : ""));
  };
  // the loss of every step (--log-steps), averaged per point when the log is long
  const stepChart = st => el("div", {id: "step-chart"}, lineChart("loss per step", [{label: "batch loss", values: st.loss}],
    {log, xs: st.step, xlabel: st.per_point > 1 ? "step (mean of " + st.per_point + " per point)" : "step", ylabel: "cross-entropy"}));
  const tick = async () => {
    let run;
    try { run = await api("api/run?id=" + encodeURIComponent(id)); setLive(true); }
    catch (e) { setLive(false); head.replaceChildren(el("h1", {}, id), errorBox(e)); return; }
    lastRun = run;
    const epochs = (run.history && run.history.epoch) ? run.history.epoch.length : 0;
    head.replaceChildren(
      el("h1", {}, run.name, " ", badge(run.status)),
      el("div", {class: "muted"}, run.sweep ? ["trial of sweep ", el("a", {href: "#/sweep/" + encodeURIComponent(run.sweep)}, run.sweep), " \u00B7 "] : "",
        run.model || "", " \u00B7 ", el("span", {id: "epochs", "data-epochs": epochs}, epochs + (run.epochs ? " of " + run.epochs : "") + " epochs"),
        run.best_val_acc !== undefined ? " \u00B7 best val acc " + fmt.acc(run.best_val_acc) + (run.best_epoch ? " (epoch " + run.best_epoch + ")" : "") : "",
        typeof run.test_acc === "number" ? " \u00B7 test acc " + fmt.acc(run.test_acc) : "", run.seconds ? " \u00B7 " + fmt.secs(run.seconds) : ""),
      run.message ? el("div", {class: "problem"}, run.message) : "",
      problems(run.problems),
      el("details", {}, el("summary", {class: "muted"}, "settings and files"),
        el("div", {class: "kv"}, Object.entries(run.settings || {}).map(([k, v]) => [el("span", {}, k), el("span", {}, Array.isArray(v) ? v.join(", ") : String(v))])),
        el("p", {}, (run.files || []).map(f => [el("a", {href: "files/" + run.id.split("/").map(encodeURIComponent).join("/") + "/" + encodeURIComponent(f)}, f), " "]))));
    const seen = epochs + "/" + (run.steps ? run.steps.total : 0);
    if (!tab && seen !== shown) { shown = seen; drawCurves(run); }
  };
  tick();
  pageTimer = setInterval(tick, POLL_MS);
}

async function pageModel(id, body) {
  body.replaceChildren(el("p", {class: "muted"}, "reading the model..."));
  let m;
  try { m = await api("api/model?id=" + encodeURIComponent(id)); } catch (e) { body.replaceChildren(errorBox(e)); return; }
  const layers = el("table", {}, el("tr", {}, ["layer", "module", "input", "output", "parameters", "count"].map(h => el("th", {}, h))),
    m.layers.map((l, i) => el("tr", {}, el("td", {}, i), el("td", {}, l.module), el("td", {}, l.input), el("td", {}, l.output),
      el("td", {class: "muted"}, l.parameters.join(", ")), el("td", {class: "num"}, l.params.toLocaleString()))),
    el("tr", {}, el("td", {colspan: 5}, "total"), el("td", {class: "num"}, m.total_params.toLocaleString())));
  const evalBox = el("div", {}, el("p", {class: "muted"}, "evaluating on the test set..."));
  const parts = [el("h2", {}, "Layers", m.epoch ? el("span", {class: "muted"}, " (best epoch " + m.epoch + ")") : ""), el("div", {class: "card"}, layers)];
  if (m.first_layer && m.first_layer.side) {
    const f = m.first_layer;
    parts.push(el("h2", {}, "First layer: weights into each of its " + f.units + " units" + (f.shown < f.units ? " (first " + f.shown + ")" : "")),
      el("div", {class: "card"}, el("p", {class: "muted"}, "red: positive, blue: negative, each tile scaled to its largest weight"),
        el("div", {class: "tiles", id: "tiles"}, f.tiles.map((t, i) => { const c = pixelCanvas(t, f.side, f.side, true); c.title = "unit " + i; return c; }))));
  }
  parts.push(evalBox);
  body.replaceChildren(...parts);
  let e;
  try { e = await api("api/model/eval?id=" + encodeURIComponent(id)); } catch (err) { evalBox.replaceChildren(errorBox(err)); return; }
  const k = e.confusion.length;
  // "7 Sneaker" where the model file names its classes (Fashion-MNIST), else the label
  const cls = c => e.class_names && c < e.class_names.length ? c + " " + e.class_names[c] : String(c);
  const maxOff = Math.max(1, ...e.confusion.flatMap((row, i) => row.filter((_, j) => j !== i)));
  const conf = el("table", {class: "confusion", id: "confusion"},
    el("tr", {}, el("th", {}, "true \\ predicted"), Array.from({length: k}, (_, j) => el("th", {}, j))),
    e.confusion.map((row, i) => el("tr", {}, el("th", {}, cls(i)), row.map((v, j) => {
      const a = i === j ? 0.15 + 0.5 * (v / Math.max(1, row.reduce((s, x) => s + x, 0))) : 0.85 * v / maxOff;
      return el("td", {style: "background: rgba(" + (i === j ? "27,138,75," : "192,57,43,") + a.toFixed(3) + ")"}, v);
    }))));
  const perClass = el("table", {}, el("tr", {}, el("th", {}, "class"), el("th", {class: "num"}, "accuracy"), el("th", {}, "")),
    e.per_class_accuracy.map((a, c) => el("tr", {}, el("td", {}, cls(c)), el("td", {class: "num"}, fmt.acc(a)),
      el("td", {}, el("span", {class: "bar", style: "width:" + Math.round(200 * (a || 0)) + "px"})))));
  const gallery = el("div", {class: "gallery", id: "gallery"}, e.gallery.map(g => el("figure", {},
    pixelCanvas(g.pixels, e.cols, e.rows, false),
    el("figcaption", {}, el("b", {}, "true " + cls(g.label)), el("br"),
      g.top.map(t => el("div", {}, cls(t.class) + ": " + (100 * t.p).toFixed(1) + "%"))))));
  evalBox.replaceChildren(
    el("h2", {}, "Test set"), el("p", {}, "accuracy ", el("b", {}, fmt.acc(e.accuracy)), " on " + e.images.toLocaleString() + " images from ",
      el("code", {}, e.data), "; " + e.errors.toLocaleString() + " wrong"),
    el("div", {class: "charts"}, el("div", {class: "card"}, el("h2", {}, "Confusion matrix"), conf),
      el("div", {class: "card"}, el("h2", {}, "Accuracy per class"), perClass)),
    el("h2", {}, "The most confident mistakes (" + e.gallery.length + " of " + e.errors + "), with the top three probabilities"),
    gallery);
}

// Draw a digit; the model's probabilities follow the drawing (the same code as nabla predict).
function pageTry(id, body) {
  const SIZE = 280;
  const canvas = el("canvas", {id: "draw", width: SIZE, height: SIZE});
  const ctx = canvas.getContext("2d");
  const clear = () => { ctx.fillStyle = "#000"; ctx.fillRect(0, 0, SIZE, SIZE); };
  clear();
  const result = el("div", {id: "prediction"}, el("p", {class: "muted"}, "Draw a digit (white on black, as in MNIST)."));
  const seen = el("canvas", {id: "seen", width: 28, height: 28});
  let drawing = false, last = null, pending = false, again = false, seq = 0;
  // one request at a time; a drawing changed meanwhile is sent when it returns. data-busy says whether the shown
  // probabilities may still change (the browser test waits for "0")
  const predict = async () => {
    if (pending) { again = true; return; }
    pending = true;
    result.dataset.busy = "1";
    const mine = ++seq;
    try {
      const blob = await new Promise(res => canvas.toBlob(res, "image/png"));
      const p = await api("api/predict?id=" + encodeURIComponent(id), {method: "POST", headers: {"Content-Type": "image/png"}, body: blob});
      showPrediction(p, mine);
    } catch (e) { result.replaceChildren(errorBox(e)); }
    pending = false;
    if (again) { again = false; predict(); } else result.dataset.busy = "0";
  };
  const showPrediction = (p, mine) => {
    const rows = p.probabilities.map((q, c) => el("tr", {}, el("td", {}, c), el("td", {}, el("span", {class: "bar", style: "width:" + Math.round(220 * q) + "px" + (c === p.class ? ";background:#1b8a4b" : "")})),
      el("td", {class: "num"}, (100 * q).toFixed(1) + "%")));
    result.replaceChildren(el("div", {class: "digit", id: "predicted", "data-class": p.class, "data-seq": mine, "data-probabilities": JSON.stringify(p.probabilities)}, p.class),
      el("table", {}, rows));
    const img = pixelCanvas(p.input, 28, 28, false);
    seen.getContext("2d").drawImage(img, 0, 0);
  };
  const at = e => { const r = canvas.getBoundingClientRect(); return [(e.clientX - r.left) * SIZE / r.width, (e.clientY - r.top) * SIZE / r.height]; };
  const line = (a, b) => {
    ctx.strokeStyle = "#fff"; ctx.lineWidth = 20; ctx.lineCap = "round"; ctx.lineJoin = "round";
    ctx.beginPath(); ctx.moveTo(a[0], a[1]); ctx.lineTo(b[0], b[1]); ctx.stroke();
  };
  let lastSent = 0;
  canvas.addEventListener("pointerdown", e => { drawing = true; last = at(e); line(last, last); canvas.setPointerCapture(e.pointerId); });
  canvas.addEventListener("pointermove", e => {
    if (!drawing) return;
    const p = at(e); line(last, p); last = p;
    if (performance.now() - lastSent > 120) { lastSent = performance.now(); predict(); }
  });
  const end = () => { if (drawing) { drawing = false; predict(); } };
  canvas.addEventListener("pointerup", end);
  canvas.addEventListener("pointercancel", end);
  body.replaceChildren(el("div", {class: "try"},
    el("div", {}, canvas, el("div", {class: "toolbar"}, el("button", {id: "clear", onclick: () => { clear(); result.replaceChildren(); }}, "Clear"))),
    el("div", {}, el("h2", {}, "The model says"), result),
    el("div", {}, el("h2", {}, "What it sees"), seen, el("p", {class: "muted"}, "28x28, prepared as", el("br"), "nabla predict prepares images"))));
}

// Several runs' curves on one chart.
function pageCompare(ids) {
  const state = {metric: "val_acc", log: false};
  const holder = el("div", {class: "charts"});
  const metric = el("select", {onchange: e => { state.metric = e.target.value; draw(); }},
    [["val_acc", "validation accuracy"], ["val_loss", "validation loss"], ["train_acc", "training accuracy"], ["train_loss", "training loss"]]
      .map(([v, t]) => el("option", {value: v}, t)));
  const log = el("label", {}, el("input", {type: "checkbox", onchange: e => { state.log = e.target.checked; draw(); }}), " log scale");
  view.replaceChildren(el("h1", {}, "Compare runs"), el("div", {class: "toolbar"}, metric, log,
    el("span", {class: "muted"}, ids.length ? "" : "Pick runs in the runs list and press \u201CCompare selected\u201D.")), holder);
  if (!ids.length) return;
  const runs = {};
  const draw = () => {
    pageCharts.forEach(c => c.destroy()); pageCharts = [];
    const series = ids.filter(i => runs[i]).map(i => ({label: i, values: (runs[i].history || {})[state.metric] || []}));
    holder.replaceChildren(lineChart(metric.selectedOptions[0].textContent, series, {log: state.log, width: 900, height: 420}));
  };
  let stamp = "";
  const tick = async () => {
    try {
      await Promise.all(ids.map(async i => { runs[i] = await api("api/run?id=" + encodeURIComponent(i)); }));
      setLive(true);
    } catch (e) { setLive(false); holder.replaceChildren(errorBox(e)); return; }
    const s = ids.map(i => (runs[i].history.epoch || []).length + runs[i].status).join();
    if (s !== stamp) { stamp = s; draw(); }
  };
  tick();
  pageTimer = setInterval(tick, POLL_MS * 2);
}

// A sweep: its table (sortable, best marked), validation curves overlaid, a hyper-parameter against accuracy.
function pageSweep(id) {
  const state = {key: "trial", desc: false, x: null, rerender: null};
  let sweep = null, stamp = "";
  const head = el("div"), tableBox = el("div", {class: "card"}), charts = el("div");
  view.replaceChildren(head, tableBox, charts);
  const render = () => {
    const params = sweep.params || [];
    const num = v => { const x = parseFloat(v); return isFinite(x) && String(v).trim() !== "" ? x : v; };
    const columns = [
      {key: "trial", label: "trial", num: true, render: r => el("a", {href: "#/run/" + encodeURIComponent(r.id)}, r.trial)},
      ...params.map(p => ({key: "p:" + p, label: p, num: true, value: r => num(r.params[p]), render: r => r.params[p] ?? ""})),
      {key: "status", label: "status", render: r => badge(r.status)},
      {key: "epochs_done", label: "epochs", num: true, render: r => r.epochs_done ?? ""},
      {key: "best_val_acc", label: "best val acc", num: true, render: r => [fmt.acc(r.best_val_acc), r.id === sweep.best ? el("span", {title: "best trial"}, " \u2605") : ""]},
      {key: "test_acc", label: "test acc", num: true, render: r => fmt.acc(r.test_acc)},
      {key: "best_epoch", label: "best epoch", num: true},
      {key: "seconds", label: "time", num: true, render: r => fmt.secs(r.seconds)},
    ];
    tableBox.replaceChildren(sortTable(columns, sweep.rows, state, r => ({"data-trial": r.trial, class: r.id === sweep.best ? "best" : ""})));
    pageCharts.forEach(c => c.destroy()); pageCharts = [];
    const label = r => params.map(p => p + "=" + r.params[p]).join(" ") + (r.id === sweep.best ? " (best)" : "");
    const done = sweep.rows.filter(r => r.val_acc && r.val_acc.length);
    const parts = [el("div", {class: "charts"},
      lineChart("validation accuracy", done.map(r => ({label: label(r), values: r.val_acc, width: r.id === sweep.best ? 3 : 1.5})), {ylabel: "accuracy"}),
      lineChart("validation loss", done.map(r => ({label: label(r), values: r.val_loss, width: r.id === sweep.best ? 3 : 1.5})), {ylabel: "loss", log: true}))];
    const numeric = params.filter(p => sweep.rows.every(r => isFinite(parseFloat(r.params[p]))));
    if (numeric.length) {
      if (!numeric.includes(state.x)) state.x = numeric[0];
      const xs = sweep.rows.map(r => parseFloat(r.params[state.x])).filter(x => x > 0);
      const log = xs.length === sweep.rows.length && Math.max(...xs) / Math.min(...xs) >= 100;
      const pick = el("select", {onchange: e => { state.x = e.target.value; render(); }}, numeric.map(p => el("option", {value: p, selected: p === state.x}, p)));
      parts.push(el("h2", {}, "Hyper-parameter against accuracy"), el("div", {class: "toolbar"}, "x axis: ", pick, log ? el("span", {class: "muted"}, "(log scale)") : ""),
        scatterChart(state.x + " against best validation accuracy", state.x,
          sweep.rows.map(r => ({x: parseFloat(r.params[state.x]), y: r.best_val_acc, best: r.id === sweep.best})), log));
    }
    charts.replaceChildren(...parts);
  };
  state.rerender = render;
  const tick = async () => {
    try { sweep = await api("api/sweep?id=" + encodeURIComponent(id)); setLive(true); }
    catch (e) { setLive(false); head.replaceChildren(el("h1", {}, id), errorBox(e)); return; }
    head.replaceChildren(el("h1", {}, sweep.name, " ", badge(sweep.status)),
      el("div", {class: "muted"}, sweep.trials_done + " of " + sweep.trials + " trials done \u00B7 " + (sweep.model || "") + " \u00B7 " + settingsText(sweep.settings, sweep.params)),
      sweep.command ? el("pre", {class: "muted"}, sweep.command) : "", problems(sweep.problems));
    const s = JSON.stringify(sweep.rows.map(r => [r.status, r.epochs_done, r.best_val_acc]));
    if (s !== stamp) { stamp = s; render(); }
  };
  tick();
  pageTimer = setInterval(tick, POLL_MS * 2);
}

// ------------------------------------------------------------------ routing

function route() {
  clearInterval(pageTimer);
  pageCharts.forEach(c => c.destroy());
  pageCharts = [];
  const hash = location.hash.replace(/^#\/?/, "");
  const [page, ...rest] = hash.split("/");
  document.querySelectorAll("[data-nav]").forEach(a => a.classList.toggle("active", a.dataset.nav === (page || "runs")));
  const tail = rest.join("/");
  if (page === "run") {
    const m = tail.match(/^(.*?)(?:\/(model|try))?$/);
    pageRun(decodeURIComponent(m[1]), m[2]);
  } else if (page === "sweep") {
    pageSweep(decodeURIComponent(tail));
  } else if (page === "compare") {
    pageCompare(tail ? tail.split(",").map(decodeURIComponent) : []);
  } else {
    pageRuns();
  }
}

window.addEventListener("hashchange", route);
route();
