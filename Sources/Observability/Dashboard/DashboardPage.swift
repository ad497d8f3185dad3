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
        svg text { fill: #8fa3b8; font-size: 10px; }
        svg line.axis { stroke: #4a5668; stroke-width: 1; }
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
        <div>augment in flight <b id="augment-in-flight">--</b> documents ·
        batch occupancy <b id="augment-batch-occupancy">--</b></div>
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
        <div>lineage: samples sharded <b id="lineage-sharded">0</b> · trained <b id="lineage-trained">0</b> ·
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
        function svgElement(name, attributes, content) {
          const e = document.createElementNS(NS, name);
          for (const [k, v] of Object.entries(attributes)) e.setAttribute(k, String(v));
          if (content !== undefined) e.textContent = content;
          return e;
        }
        function compact(v) { return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2); }
        function clock(ms) { return new Date(ms).toISOString().slice(11, 19); }
        function levelName(level) { return /^[0-9]+$/.test(level) ? "level " + level : level; }
        // A time series in viewBox 400x120: plot x 44..396 by timestamp, y 6..96 from 0 to the peak; value labels left,
        // UTC time labels (first, middle, last) below.
        function lineChart(svg, times, series) {
          while (svg.firstChild) svg.removeChild(svg.firstChild);
          const L = 44, R = 396, T = 6, B = 96;
          let max = 0;
          for (const s of series) for (const v of s.values) if (v !== null && isFinite(v)) max = Math.max(max, v);
          if (times.length < 1) return;
          const t0 = Math.min(...times), t1 = Math.max(...times);
          const top = max > 0 ? max * 1.1 : 1;
          const x = t => t1 === t0 ? R : L + (t - t0) / (t1 - t0) * (R - L), y = v => B - v / top * (B - T);
          svg.appendChild(svgElement("line", { class: "axis x-axis", x1: L, y1: B, x2: R, y2: B }));
          svg.appendChild(svgElement("line", { class: "axis y-axis", x1: L, y1: T, x2: L, y2: B }));
          svg.appendChild(svgElement("text", { class: "y-label", x: L - 3, y: y(max) + 4, "text-anchor": "end" }, compact(max)));
          svg.appendChild(svgElement("text", { class: "y-label", x: L - 3, y: B + 3, "text-anchor": "end" }, "0"));
          const ticks = t1 === t0 ? [t0] : [t0, Math.floor((t0 + t1) / 2), t1];
          ticks.forEach((t, i) => {
            const anchor = ticks.length === 1 || i === 2 ? "end" : i === 0 ? "start" : "middle";
            svg.appendChild(svgElement("line", { class: "axis tick", x1: x(t), y1: B, x2: x(t), y2: B + 3 }));
            svg.appendChild(svgElement("text", { class: "time-label", x: x(t), y: B + 14, "text-anchor": anchor }, clock(t)));
          });
          svg.appendChild(svgElement("text", { class: "axis-title", x: (3 * L + R) / 4 + 10, y: B + 14, "text-anchor": "middle" },
            "time (UTC)"));
          const order = times.map((t, i) => i).sort((a, b) => times[a] - times[b]);
          for (const s of series) {
            const points = [];
            for (const i of order) { const v = s.values[i]; if (v !== null && isFinite(v)) points.push(x(times[i]).toFixed(1) + "," + y(v).toFixed(1)); }
            svg.appendChild(svgElement("polyline", { points: points.join(" "), fill: "none", stroke: s.color, "stroke-width": 2 }));
            if (points.length === 1) {
              const [px, py] = points[0].split(",");
              svg.appendChild(svgElement("circle", { cx: Math.min(R, px), cy: py, r: 4, fill: s.color }));
            }
          }
        }
        // One level's thinking-length histogram in viewBox 400x90: bars x 44..396, y 6..60 from 0 to the fullest bin, one
        // label per bin (its upper bound in tokens, the last one open), axis titles below and left.
        function histogram(h) {
          const svg = svgElement("svg", { class: "histogram", viewBox: "0 0 400 90" }); svg.style.height = "90px";
          const L = 44, R = 396, T = 6, B = 60;
          const peak = Math.max(1, ...h.counts), w = (R - L) / h.counts.length;
          svg.appendChild(svgElement("line", { class: "axis x-axis", x1: L, y1: B, x2: R, y2: B }));
          svg.appendChild(svgElement("line", { class: "axis y-axis", x1: L, y1: T, x2: L, y2: B }));
          svg.appendChild(svgElement("text", { class: "y-label", x: L - 3, y: T + 6, "text-anchor": "end" }, peak));
          svg.appendChild(svgElement("text", { class: "y-label", x: L - 3, y: B + 3, "text-anchor": "end" }, "0"));
          svg.appendChild(svgElement("text", {
            class: "axis-title", x: 10, y: (T + B) / 2, "text-anchor": "middle", transform: "rotate(-90 10 " + (T + B) / 2 + ")" },
            "samples"));
          h.counts.forEach((c, i) => {
            const height = c / peak * (B - T);
            const r = svgElement("rect", {
              class: "bin", "data-count": c, x: L + i * w + 1, width: w - 2, y: B - height, height: height, fill: "#56ccf2" });
            const label = i < h.bounds.length ? "≤" + h.bounds[i] : ">" + h.bounds[h.bounds.length - 1];
            r.appendChild(svgElement("title", {}, label + ": " + c)); svg.appendChild(r);
            svg.appendChild(svgElement("text", { class: "bin-label", x: L + (i + 0.5) * w, y: B + 12, "text-anchor": "middle" }, label));
          });
          svg.appendChild(svgElement("text", { class: "axis-title", x: (L + R) / 2, y: 86, "text-anchor": "middle" },
            "thinking tokens (bin upper bound)"));
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
            cell(row, levelName(d.level), "level"); cell(row, d.samples, "samples"); cell(row, (d.fraction * 100).toFixed(1) + "%", "fraction");
            row.insertCell().appendChild(bar(d.fraction, "#f2c94c"));
          }
          const charts = $("thinking-charts"); charts.textContent = "";
          for (const h of state.thinkingLength) {
            const div = document.createElement("div"); div.dataset.level = h.level;
            div.appendChild(document.createElement("span")).textContent =
              levelName(h.level) + ": " + h.count + " samples, mean " + h.mean.toFixed(0) + " tokens";
            div.appendChild(histogram(h)); charts.appendChild(div);
          }
          const dead = $("dead-letter-rows"); dead.textContent = "";
          for (const d of state.deadLetters) {
            const row = dead.insertRow(); row.dataset.component = d.component; row.dataset.reason = d.reason; cell(row, d.component); cell(row, d.reason); cell(row, d.count, "count");
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
          text("augment-in-flight", state.augment.inFlightDocuments == null ? "--" : state.augment.inFlightDocuments);
          text("augment-batch-occupancy",
            state.augment.batchOccupancy == null ? "--" : (state.augment.batchOccupancy * 100).toFixed(1) + "%");
          text("lineage-sharded", state.lineage.sharded); text("lineage-trained", state.lineage.trained);
          text("lineage-latency", state.lineage.lastLatencySeconds == null ? "--" : state.lineage.lastLatencySeconds.toFixed(1) + " s");
          const rateTimes = state.rateHistory.map(p => p.timestampMs);
          lineChart($("chart-rates"), rateTimes, [
            { color: "#56ccf2", values: state.rateHistory.map(p => p.documentsPerSecond) },
            { color: "#f2c94c", values: state.rateHistory.map(p => p.samplesPerSecond) }]);
          lineChart($("chart-tokens"), rateTimes, [{ color: "#6fcf97", values: state.rateHistory.map(p => p.generatedTokensPerSecond) }]);
          lineChart($("chart-loss"), state.lossHistory.map(p => p.timestampMs), [
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
