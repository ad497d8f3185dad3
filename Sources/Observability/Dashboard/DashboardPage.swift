import Foundation

/// The dashboard's single page: HTML with inline CSS and JS that draws SVG charts. It renders the embedded initial
/// overview synchronously while the page loads, then follows `/events` (server-sent events). No external assets.
enum DashboardPage {
    /// The page with `initialState` (overview JSON) embedded; `</` is escaped so the JSON cannot end the script.
    static func render(initialState: [UInt8]) -> String {
        let json = String(decoding: initialState, as: UTF8.self).replacingOccurrences(of: "</", with: "<\\/")
        return template.replacingOccurrences(of: "__INITIAL_STATE__", with: json)
    }

    static let template = #"""
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>ThinkStream dashboard</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 0; background: #0f1419; color: #e6e6e6; }
header { padding: 10px 16px; background: #1a2029; display: flex; gap: 24px; align-items: baseline; }
header h1 { font-size: 18px; margin: 0; }
main { display: grid; grid-template-columns: repeat(auto-fill, minmax(380px, 1fr)); gap: 12px; padding: 12px; }
section { background: #1a2029; border-radius: 6px; padding: 10px 12px; }
h2 { font-size: 13px; text-transform: uppercase; letter-spacing: .05em; color: #8fa3b8; margin: 0 0 8px; }
.big { font-size: 26px; font-weight: 600; }
.unit { color: #8fa3b8; font-size: 12px; margin-left: 4px; }
.row { display: flex; gap: 18px; flex-wrap: wrap; }
table { border-collapse: collapse; width: 100%; }
td, th { text-align: left; padding: 2px 6px; border-bottom: 1px solid #2a3340; }
svg { width: 100%; height: 120px; display: block; margin-top: 6px; }
.alive { color: #6fcf97; } .exited { color: #8fa3b8; } .stale { color: #eb5757; }
.legend span { margin-right: 12px; font-size: 12px; }
</style>
</head>
<body>
<header><h1>ThinkStream</h1><span>events <b id="events-seen">0</b></span>
<span id="connection">connecting</span><span>updates <b id="update-count">0</b></span></header>
<main>
<section id="panel-throughput"><h2>Documents and samples per second</h2>
<div class="row">
<div><span class="big" id="feed-docs-per-second">0</span><span class="unit">feed docs/s</span></div>
<div><span class="big" id="augment-docs-per-second">0</span><span class="unit">augment docs/s</span></div>
<div><span class="big" id="samples-per-second">0</span><span class="unit">samples/s</span></div>
</div>
<div>feed read <b id="feed-documents-in">0</b> · produced <b id="feed-documents-produced">0</b> ·
duplicates <b id="feed-duplicates">0</b> · dead-lettered <b id="feed-dead-lettered">0</b></div>
<svg id="chart-rates" viewBox="0 0 400 120" preserveAspectRatio="none"></svg>
<div class="legend"><span style="color:#56ccf2">feed docs/s</span><span style="color:#f2c94c">samples/s</span></div>
</section>
<section id="panel-tokens"><h2>Generated tokens per second</h2>
<div><span class="big" id="generated-tokens-per-second">0</span><span class="unit">tokens/s</span></div>
<svg id="chart-tokens" viewBox="0 0 400 120" preserveAspectRatio="none"></svg>
</section>
<section id="panel-lag"><h2>Consumer lag by partition</h2>
<div>raw backlog <b id="raw-backlog">0</b> records · ETA <b id="backlog-eta">--</b></div>
<table><thead><tr><th>component</th><th>partition</th><th>lag</th><th></th></tr></thead><tbody id="lag-rows"></tbody></table>
</section>
<section id="panel-difficulty"><h2>Difficulty-level mix</h2>
<table><tbody id="difficulty-rows"></tbody></table>
</section>
<section id="panel-thinking"><h2>Thinking length by level (tokens)</h2>
<div id="thinking-charts"></div>
</section>
<section id="panel-dead-letters"><h2>Dead letters by reason</h2>
<table><tbody id="dead-letter-rows"></tbody></table>
</section>
<section id="panel-trainer"><h2>Trainer</h2>
<div class="row">
<div><span class="big" id="loss-document">--</span><span class="unit">document loss</span></div>
<div><span class="big" id="loss-thinking">--</span><span class="unit">thinking loss</span></div>
<div><span class="big" id="trained-tokens-per-second">0</span><span class="unit">tokens/s</span></div>
</div>
<div>step <b id="trainer-step">--</b> · tokens trained <b id="tokens-trained">0</b></div>
<svg id="chart-loss" viewBox="0 0 400 120" preserveAspectRatio="none"></svg>
<div class="legend"><span style="color:#56ccf2">document</span><span style="color:#bb6bd9">thinking</span></div>
</section>
<section id="panel-workers"><h2>Workers</h2>
<table><thead><tr><th>component</th><th>instance</th><th>host</th><th>last seen</th><th>status</th></tr></thead>
<tbody id="worker-rows"></tbody></table>
<div>lineage: sharded <b id="lineage-sharded">0</b> · trained <b id="lineage-trained">0</b> ·
latency <b id="lineage-latency">--</b></div>
</section>
</main>
<script>
"use strict";
const NS = "http://www.w3.org/2000/svg";
function $(id) { return document.getElementById(id); }
function text(id, value) { $(id).textContent = value; }
function rate(x) { return (x || 0).toFixed(1); }
function loss(x) { return x === null || x === undefined ? "--" : Number(x).toFixed(4); }
function duration(s) {
  if (s === null || s === undefined || !isFinite(s)) return "--";
  s = Math.round(s); const h = Math.floor(s / 3600), m = Math.floor(s / 60) % 60, r = s % 60;
  const two = n => String(n).padStart(2, "0");
  return h > 0 ? h + ":" + two(m) + ":" + two(r) : two(m) + ":" + two(r);
}
function cell(row, value, cls) { const td = row.insertCell(); td.textContent = value; if (cls) td.className = cls; return td; }
function bar(fraction, color) {
  const svg = document.createElementNS(NS, "svg"); svg.setAttribute("viewBox", "0 0 100 10");
  svg.setAttribute("preserveAspectRatio", "none"); svg.style.height = "10px"; svg.style.width = "120px";
  const r = document.createElementNS(NS, "rect"); r.setAttribute("width", String(Math.max(0, Math.min(1, fraction)) * 100));
  r.setAttribute("height", "10"); r.setAttribute("fill", color); svg.appendChild(r); return svg;
}
function lineChart(svg, series) {
  while (svg.firstChild) svg.removeChild(svg.firstChild);
  let max = 0, n = 0;
  for (const s of series) for (const v of s.values) { if (v !== null && isFinite(v)) max = Math.max(max, v); n = Math.max(n, s.values.length); }
  if (n < 1) return;
  max = max > 0 ? max * 1.1 : 1;
  for (const s of series) {
    const points = [];
    s.values.forEach((v, i) => { if (v !== null && isFinite(v)) points.push(((n === 1 ? 1 : i / (n - 1)) * 400).toFixed(1) + "," + (120 - v / max * 115).toFixed(1)); });
    const line = document.createElementNS(NS, "polyline"); line.setAttribute("points", points.join(" "));
    line.setAttribute("fill", "none"); line.setAttribute("stroke", s.color); line.setAttribute("stroke-width", "2");
    svg.appendChild(line);
    if (points.length === 1) {
      const [x, y] = points[0].split(",");
      const dot = document.createElementNS(NS, "circle"); dot.setAttribute("cx", Math.min(396, x)); dot.setAttribute("cy", y);
      dot.setAttribute("r", "4"); dot.setAttribute("fill", s.color); svg.appendChild(dot);
    }
  }
  const label = document.createElementNS(NS, "text"); label.setAttribute("x", "4"); label.setAttribute("y", "12");
  label.setAttribute("fill", "#8fa3b8"); label.setAttribute("font-size", "11"); label.textContent = "max " + (max / 1.1).toFixed(2);
  svg.appendChild(label);
}
function histogram(h) {
  const svg = document.createElementNS(NS, "svg"); svg.setAttribute("viewBox", "0 0 400 60"); svg.style.height = "60px";
  const peak = Math.max(1, ...h.counts), w = 400 / h.counts.length;
  h.counts.forEach((c, i) => {
    const r = document.createElementNS(NS, "rect"); const height = c / peak * 48;
    r.setAttribute("x", String(i * w + 1)); r.setAttribute("width", String(w - 2)); r.setAttribute("y", String(50 - height));
    r.setAttribute("height", String(height)); r.setAttribute("fill", "#56ccf2");
    const title = document.createElementNS(NS, "title");
    title.textContent = "≤ " + (i < h.bounds.length ? h.bounds[i] : "∞") + ": " + c; r.appendChild(title); svg.appendChild(r);
  });
  return svg;
}
function render(state) {
  text("events-seen", state.eventsSeen);
  text("feed-docs-per-second", rate(state.documentsPerSecond));
  text("augment-docs-per-second", rate(state.augmentDocumentsPerSecond));
  text("samples-per-second", rate(state.samplesPerSecond));
  text("generated-tokens-per-second", rate(state.generatedTokensPerSecond));
  text("trained-tokens-per-second", rate(state.trainedTokensPerSecond));
  text("feed-documents-in", state.feed.documentsIn); text("feed-documents-produced", state.feed.produced);
  text("feed-duplicates", state.feed.duplicates); text("feed-dead-lettered", state.feed.deadLettered);
  text("raw-backlog", state.rawBacklog); text("backlog-eta", duration(state.backlogEtaSeconds));
  const maxLag = Math.max(1, ...state.lag.map(l => l.records));
  const lagRows = $("lag-rows"); lagRows.textContent = "";
  for (const l of state.lag) {
    const row = lagRows.insertRow(); row.dataset.component = l.component; row.dataset.partition = l.partition;
    cell(row, l.component); cell(row, l.partition); cell(row, l.records, "lag"); row.insertCell().appendChild(bar(l.records / maxLag, "#f2994a"));
  }
  const mix = $("difficulty-rows"); mix.textContent = "";
  for (const d of state.difficultyMix) {
    const row = mix.insertRow(); row.dataset.level = d.level;
    cell(row, "level " + d.level); cell(row, d.samples, "samples"); cell(row, (d.fraction * 100).toFixed(1) + "%", "fraction");
    row.insertCell().appendChild(bar(d.fraction, "#f2c94c"));
  }
  const charts = $("thinking-charts"); charts.textContent = "";
  for (const h of state.thinkingLength) {
    const div = document.createElement("div"); div.dataset.level = h.level;
    div.textContent = "level " + h.level + ": " + h.count + " samples, mean " + h.mean.toFixed(0) + " tokens";
    div.appendChild(histogram(h)); charts.appendChild(div);
  }
  const dead = $("dead-letter-rows"); dead.textContent = "";
  for (const d of state.deadLetters) {
    const row = dead.insertRow(); row.dataset.reason = d.reason; cell(row, d.component); cell(row, d.reason); cell(row, d.count, "count");
  }
  if (state.trainer) {
    text("loss-document", loss(state.trainer.documentLoss)); text("loss-thinking", loss(state.trainer.thinkingLoss));
    text("trainer-step", state.trainer.step); text("tokens-trained", state.trainer.tokensTrained);
  }
  const workers = $("worker-rows"); workers.textContent = "";
  for (const w of state.workers) {
    const row = workers.insertRow(); row.dataset.instance = w.instanceId;
    cell(row, w.component); cell(row, w.instanceId); cell(row, w.host); cell(row, w.ageSeconds.toFixed(0) + " s ago"); cell(row, w.status, w.status);
  }
  text("lineage-sharded", state.lineage.sharded); text("lineage-trained", state.lineage.trained);
  text("lineage-latency", state.lineage.lastLatencySeconds == null ? "--" : state.lineage.lastLatencySeconds.toFixed(1) + " s");
  lineChart($("chart-rates"), [
    { color: "#56ccf2", values: state.rateHistory.map(p => p.documentsPerSecond) },
    { color: "#f2c94c", values: state.rateHistory.map(p => p.samplesPerSecond) }]);
  lineChart($("chart-tokens"), [{ color: "#6fcf97", values: state.rateHistory.map(p => p.generatedTokensPerSecond) }]);
  lineChart($("chart-loss"), [
    { color: "#56ccf2", values: state.lossHistory.map(p => p.document) },
    { color: "#bb6bd9", values: state.lossHistory.map(p => p.thinking) }]);
}
let updates = 0;
function connect() {
  if (!window.EventSource) { text("connection", "no server-sent events"); return; }
  const source = new EventSource("events");
  source.onopen = () => text("connection", "live");
  source.onerror = () => text("connection", "reconnecting");
  source.onmessage = e => { updates += 1; text("update-count", updates); render(JSON.parse(e.data)); };
}
render(__INITIAL_STATE__);
connect();
</script>
</body>
</html>
"""#
}
