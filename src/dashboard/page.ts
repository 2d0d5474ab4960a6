/**
 * The live dashboard's page: one HTML document with inline CSS and JS, no external resources. It
 * opens an EventSource on /events (the server replays the run's history, then streams each step),
 * keeps every step it has seen (deduplicated by step number, so a replay after a reconnect is
 * harmless), and redraws its SVG charts: reward and accuracy, accuracy and thinking length per
 * difficulty, KL, clip ratio, entropy, groups kept/dropped; the latest step's sample traces with the
 * `<think>…</think>` scratchpad highlighted; and, at the end, the summary and the final report.
 */

const CSS = `
:root { --fg:#1d2330; --muted:#667085; --line:#e4e7ec; --bg:#f7f8fa; --card:#fff; --think:#fff4d6; --thinkfg:#7a4b00; }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; color:var(--fg); background:var(--bg); }
header { display:flex; flex-wrap:wrap; gap:16px; align-items:baseline; padding:14px 20px; background:var(--card); border-bottom:1px solid var(--line); }
header h1 { font-size:18px; margin:0; }
#conn { font-size:12px; padding:2px 8px; border-radius:10px; background:#eee; }
#conn.live { background:#d1fadf; color:#05603a; } #conn.down { background:#fee4e2; color:#912018; } #conn.done { background:#e0eaff; color:#1d3a8a; }
#progress { font-variant-numeric: tabular-nums; } #phase { color:var(--muted); }
#bar { height:4px; background:var(--line); } #bar > div { height:4px; width:0; background:#2e90fa; transition:width .3s; }
main { padding:16px 20px; }
#info { color:var(--muted); font-size:12px; margin-bottom:12px; }
#tiles { display:grid; grid-template-columns:repeat(auto-fill,minmax(130px,1fr)); gap:8px; margin-bottom:14px; }
.tile { background:var(--card); border:1px solid var(--line); border-radius:8px; padding:8px 10px; }
.tile .k { color:var(--muted); font-size:11px; text-transform:uppercase; letter-spacing:.03em; } .tile .v { font-size:20px; font-variant-numeric: tabular-nums; }
#charts { display:grid; grid-template-columns:repeat(auto-fill,minmax(420px,1fr)); gap:12px; }
figure { margin:0; background:var(--card); border:1px solid var(--line); border-radius:8px; padding:10px 12px; }
figcaption { font-weight:600; margin-bottom:4px; } svg { width:100%; height:auto; display:block; }
.legend { font-size:12px; color:var(--muted); display:flex; flex-wrap:wrap; gap:10px; } .legend i { display:inline-block; width:10px; height:10px; border-radius:2px; margin-right:4px; vertical-align:-1px; }
.axis { stroke:#98a2b3; stroke-width:1; } .grid { stroke:var(--line); stroke-width:1; } .lbl { font-size:11px; fill:var(--muted); }
section { margin-top:16px; } h2 { font-size:15px; margin:0 0 8px; }
.trace { background:var(--card); border:1px solid var(--line); border-radius:8px; padding:8px 10px; margin-bottom:6px; font-family:ui-monospace, Menlo, Consolas, monospace; font-size:13px; overflow-wrap:anywhere; }
.trace .meta { font-family:system-ui, sans-serif; font-size:12px; color:var(--muted); margin-bottom:2px; }
.trace .ok { color:#067647; } .trace .bad { color:#b42318; }
.think { background:var(--think); color:var(--thinkfg); border-radius:3px; } .wait { font-weight:700; text-decoration:underline; }
#end { display:none; } #end.shown { display:block; } #end pre { background:var(--card); border:1px solid var(--line); border-radius:8px; padding:10px; overflow:auto; font-size:12px; }
#end .error { color:#b42318; font-weight:600; }
#report-frame { width:100%; height:900px; border:1px solid var(--line); border-radius:8px; background:#fff; }
.empty { color:var(--muted); }
`;

/* The page's script (plain ES5-style JS, no modules, no template literals). Every string that comes
 * from the run (prompts, completions, names) is set with textContent, never parsed as HTML. */
const SCRIPT = String.raw`
(function () {
  "use strict";
  var PALETTE = ["#2e90fa", "#f79009", "#12b76a", "#f04438", "#7a5af8", "#0e9384", "#ee46bc", "#667085"];
  var CHARTS = [
    { id: "reward", title: "Reward and accuracy", y: [null, null] },
    { id: "accuracy_difficulty", title: "Accuracy by difficulty", y: [0, 1] },
    { id: "thinking_difficulty", title: "Thinking length by difficulty (tokens)", y: [0, null] },
    { id: "kl", title: "KL to the reference (k3)", y: [0, null] },
    { id: "clip", title: "Clip ratio", y: [0, null] },
    { id: "entropy", title: "Entropy (nats per token)", y: [0, null] },
    { id: "groups", title: "Groups kept and dropped (dynamic sampling)", y: [0, null] }
  ];
  var state;
  function reset() { state = { runId: null, steps: {}, order: [], total: 0, info: null, phase: "", end: null }; }
  reset();
  var es = null, pending = false;
  var $ = function (id) { return document.getElementById(id); };
  function num(x) { return typeof x === "number" && isFinite(x) ? x : null; }
  function fmt(x, d) { var v = num(x); return v === null ? "–" : v.toFixed(d === undefined ? 3 : d); }
  function pct(x) { var v = num(x); return v === null ? "–" : (100 * v).toFixed(1) + "%"; }
  function el(tag, cls, text) { var e = document.createElement(tag); if (cls) e.className = cls; if (text !== undefined) e.textContent = text; return e; }
  function svgEl(tag, attrs) { var e = document.createElementNS("http://www.w3.org/2000/svg", tag); for (var k in attrs) e.setAttribute(k, String(attrs[k])); return e; }

  function setConn(cls, text) { var c = $("conn"); c.className = cls; c.textContent = text; }

  function connect() {
    if (es) es.close();
    es = new EventSource("/events");
    es.onopen = function () { if (!state.end) setConn("live", "live"); };
    es.onerror = function () { if (!state.end) setConn("down", "reconnecting…"); };
    es.addEventListener("hello", function (ev) {
      var h = JSON.parse(ev.data);
      if (state.runId !== null && h.run_id !== state.runId) {
        // Another run on this address: start over from its first event.
        reset(); state.runId = h.run_id; schedule();
        if (h.replay_from > 0) { connect(); return; }
      }
      state.runId = h.run_id;
    });
    es.addEventListener("run", function (ev) { var d = JSON.parse(ev.data); state.info = d; schedule(); });
    es.addEventListener("step", function (ev) {
      var d = JSON.parse(ev.data);
      if (!state.steps[d.step]) state.order.push(d.step);
      state.steps[d.step] = d; state.total = d.steps; schedule();
    });
    es.addEventListener("phase", function (ev) { state.phase = JSON.parse(ev.data).text; schedule(); });
    es.addEventListener("end", function (ev) {
      state.end = JSON.parse(ev.data); es.close(); es = null;
      setConn(state.end.ok ? "done" : "down", state.end.ok ? "finished" : "stopped"); schedule();
    });
  }

  function schedule() { if (!pending) { pending = true; setTimeout(function () { pending = false; render(); }, 0); } }

  function sortedSteps() {
    state.order.sort(function (a, b) { return a - b; });
    return state.order.map(function (s) { return state.steps[s]; });
  }

  function seriesFor(id, steps) {
    var S = function (name, get) { return { name: name, pts: steps.map(function (s) { return [s.step, num(get(s.metrics))]; }) }; };
    var levels = [];
    steps.forEach(function (s) { (s.metrics.by_difficulty || []).forEach(function (d) { if (levels.indexOf(d.difficulty) < 0) levels.push(d.difficulty); }); });
    levels.sort(function (a, b) { return a - b; });
    var byLevel = function (key) {
      return levels.map(function (lv) {
        return S("difficulty " + lv, function (m) { var d = (m.by_difficulty || []).filter(function (x) { return x.difficulty === lv; })[0]; return d ? d[key] : null; });
      });
    };
    var pol = function (f) { return function (m) { return m.policy ? f(m.policy) : null; }; };
    switch (id) {
      case "reward": return [S("reward", function (m) { return m.reward; }), S("accuracy", function (m) { return m.accuracy; })];
      case "accuracy_difficulty": return byLevel("accuracy");
      case "thinking_difficulty": return byLevel("thinking_mean_tokens");
      case "kl": return [S("kl", pol(function (p) { return p.kl; }))];
      case "clip": return [S("region", pol(function (p) { return p.clip_ratio.region_mean; })), S("low", pol(function (p) { return p.clip_ratio.low_mean; })), S("high", pol(function (p) { return p.clip_ratio.high_mean; }))];
      case "entropy": return [S("entropy", pol(function (p) { return p.entropy; }))];
      case "groups": return [S("kept", function (m) { return m.groups_kept; }), S("dropped", function (m) { return m.groups_dropped; })];
    }
    return [];
  }

  function drawChart(fig, spec, steps) {
    var W = 460, H = 190, L = 46, R = 10, T = 8, B = 24;
    var series = seriesFor(spec.id, steps);
    var svg = svgEl("svg", { viewBox: "0 0 " + W + " " + H, role: "img", "data-chart": spec.id, "data-steps": steps.length });
    svg.setAttribute("aria-label", spec.title);
    var xs = [1, Math.max(2, state.total || 0)], ys = [];
    series.forEach(function (s) { s.pts.forEach(function (p) { if (p[1] !== null) ys.push(p[1]); xs.push(p[0]); }); });
    var x0 = Math.min.apply(null, xs), x1 = Math.max.apply(null, xs);
    var y0 = spec.y[0] !== null ? spec.y[0] : (ys.length ? Math.min.apply(null, ys) : 0);
    var y1 = spec.y[1] !== null ? spec.y[1] : (ys.length ? Math.max.apply(null, ys) : 1);
    if (spec.y[1] === null && ys.length) y1 = Math.max(y1, y0);
    if (y1 - y0 < 1e-9) { y1 = y0 + (Math.abs(y0) > 0 ? Math.abs(y0) * 0.1 : 1); }
    var sx = function (x) { return L + (W - L - R) * (x - x0) / Math.max(1e-9, x1 - x0); };
    var sy = function (y) { return T + (H - T - B) * (1 - (y - y0) / (y1 - y0)); };
    [0, 0.5, 1].forEach(function (f) {
      var y = y0 + f * (y1 - y0);
      svg.appendChild(svgEl("line", { x1: L, x2: W - R, y1: sy(y), y2: sy(y), class: "grid" }));
      var t = svgEl("text", { x: L - 4, y: sy(y) + 4, "text-anchor": "end", class: "lbl" });
      t.textContent = Math.abs(y1 - y0) >= 10 ? y.toFixed(0) : Math.abs(y1 - y0) >= 1 ? y.toFixed(1) : y.toPrecision(2);
      svg.appendChild(t);
    });
    svg.appendChild(svgEl("line", { x1: L, x2: L, y1: T, y2: H - B, class: "axis" }));
    svg.appendChild(svgEl("line", { x1: L, x2: W - R, y1: H - B, y2: H - B, class: "axis" }));
    [x0, x1].forEach(function (x, i) {
      var t = svgEl("text", { x: sx(x), y: H - 6, "text-anchor": i ? "end" : "start", class: "lbl" });
      t.textContent = "step " + x; svg.appendChild(t);
    });
    var many = steps.length > 200;
    series.forEach(function (s, i) {
      var color = PALETTE[i % PALETTE.length], run = [];
      var flush = function () {
        if (run.length > 1) svg.appendChild(svgEl("polyline", { points: run.join(" "), fill: "none", stroke: color, "stroke-width": 1.8, "data-series": s.name }));
        run = [];
      };
      s.pts.forEach(function (p) {
        if (p[1] === null) { flush(); return; }
        var X = sx(p[0]).toFixed(1), Y = sy(p[1]).toFixed(1);
        run.push(X + "," + Y);
        if (!many) {
          var c = svgEl("circle", { cx: X, cy: Y, r: 2.2, fill: color, "data-series": s.name, "data-step": p[0] });
          var tt = svgEl("title", {}); tt.textContent = s.name + " at step " + p[0] + ": " + fmt(p[1]); c.appendChild(tt);
          svg.appendChild(c);
        }
      });
      flush();
    });
    var legend = el("div", "legend");
    series.forEach(function (s, i) { var it = el("span"); var sw = el("i"); sw.style.background = PALETTE[i % PALETTE.length]; it.appendChild(sw); it.appendChild(document.createTextNode(s.name)); legend.appendChild(it); });
    fig.replaceChildren(el("figcaption", "", spec.title), svg, legend);
  }

  function traceNode(text) {
    var out = el("div"), i = 0;
    var addThink = function (t) {
      var span = el("span", "think");
      t.split(/(\bwait\b)/).forEach(function (part, j) { span.appendChild(j % 2 ? el("span", "wait", part) : document.createTextNode(part)); });
      out.appendChild(span);
    };
    while (i < text.length) {
      var a = text.indexOf("<think>", i);
      if (a < 0) { out.appendChild(document.createTextNode(text.slice(i))); break; }
      out.appendChild(document.createTextNode(text.slice(i, a)));
      var b = text.indexOf("</think>", a);
      var stop = b < 0 ? text.length : b + 8;
      addThink(text.slice(a, stop)); i = stop;
    }
    return out;
  }

  function tile(k, v) { var t = el("div", "tile"); t.appendChild(el("div", "k", k)); t.appendChild(el("div", "v", v)); return t; }

  function render() {
    var steps = sortedSteps(), last = steps[steps.length - 1];
    var info = state.info;
    document.title = (info ? info.title : "scratchpad") + (last ? " · step " + last.step + "/" + last.steps : "") + " · dashboard";
    $("title").textContent = info ? info.title : "scratchpad";
    $("info").textContent = info ? Object.keys(info.config).map(function (k) { return k + " " + info.config[k]; }).join(" · ") : "waiting for the first step…";
    $("progress").textContent = last ? "step " + last.step + " / " + last.steps : "step 0";
    $("bar").firstChild.style.width = last ? (100 * last.step / last.steps).toFixed(1) + "%" : "0";
    $("phase").textContent = state.end ? "" : state.phase;
    var tiles = $("tiles"); tiles.replaceChildren();
    if (last) {
      var m = last.metrics, p = m.policy || null;
      var eta = last.step > 0 ? m.time.elapsed_s / last.step * (last.steps - last.step) : null;
      [["reward", fmt(m.reward)], ["accuracy", pct(m.accuracy)], ["thinking tokens", fmt(m.thinking.mean_tokens, 1)], ["thinks", pct(m.thinking.rate)],
       ["KL", p ? fmt(p.kl, 4) : "–"], ["entropy", p ? fmt(p.entropy) : "–"], ["clip ratio", p ? pct(p.clip_ratio.region_mean) : "–"],
       ["groups kept", m.groups_kept + " (" + m.groups_dropped + " dropped)"], ["s / step", fmt(m.time.step_s, 1)], ["ETA", state.end ? "done" : eta === null ? "–" : Math.round(eta) + " s"]
      ].forEach(function (kv) { tiles.appendChild(tile(kv[0], kv[1])); });
    }
    var charts = $("charts");
    if (!charts.childElementCount) CHARTS.forEach(function (c) { var f = el("figure"); f.id = "fig-" + c.id; charts.appendChild(f); });
    CHARTS.forEach(function (c) { drawChart($("fig-" + c.id), c, steps); });
    var tr = $("traces"); tr.replaceChildren();
    $("traces-step").textContent = last ? " (step " + last.step + ")" : "";
    if (!last || !last.traces.length) tr.appendChild(el("div", "empty", "no samples yet"));
    else last.traces.forEach(function (t) {
      var box = el("div", "trace");
      var meta = el("div", "meta");
      meta.appendChild(document.createTextNode((t.difficulty === null ? "" : "difficulty " + t.difficulty + " · ") + "reward " + fmt(t.reward, 2) + " · " + t.thinking_tokens + " thinking tokens · "));
      meta.appendChild(el("span", t.correct ? "ok" : "bad", t.correct ? "correct" : "wrong"));
      box.appendChild(meta);
      var body = traceNode(t.text); body.insertBefore(el("b", "", t.prompt), body.firstChild);
      box.appendChild(body); tr.appendChild(box);
    });
    var end = $("end");
    if (state.end && !end.classList.contains("shown")) {
      end.classList.add("shown");
      $("summary").textContent = state.end.summary || "";
      if (state.end.error) { var er = el("div", "error", state.end.error); end.insertBefore(er, $("summary")); }
      var rep = state.end.report;
      if (rep) {
        // A blob: link and an embedded copy keep working after the training process (and this server) exits.
        var url = URL.createObjectURL(new Blob([rep.html], { type: "text/html" }));
        var a = $("report-link"); a.href = url; a.textContent = "Open the final report"; a.title = rep.path;
        $("report-path").textContent = " (" + rep.path + ")";
        var f = $("report-frame"); f.srcdoc = rep.html; f.style.display = "block";
      }
    }
  }

  render();
  connect();
})();
`;

/** The dashboard's HTML page (self-contained). */
export function dashboardPage(title: string): string {
  const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} · dashboard</title>
<style>${CSS}</style></head>
<body>
<header><h1 id="title">${esc(title)}</h1><span id="progress">step 0</span><span id="conn">connecting…</span><span id="phase"></span></header>
<div id="bar"><div></div></div>
<main>
<div id="info"></div>
<div id="tiles"></div>
<div id="charts"></div>
<section><h2>Samples<span id="traces-step"></span> <small class="empty">(one per difficulty; the scratchpad highlighted)</small></h2><div id="traces"></div></section>
<section id="end"><h2>Run finished</h2><pre id="summary"></pre>
<p><a id="report-link" target="_blank" rel="noopener"></a><span id="report-path"></span></p>
<iframe id="report-frame" title="final report" style="display:none"></iframe></section>
</main>
<script>${SCRIPT}</script>
</body></html>
`;
}
