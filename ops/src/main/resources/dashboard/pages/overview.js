// A project's overview: stats for a chosen window, finished tasks over time by state (uPlot),
// queue depths and health.
import { api, query, enc } from "../api.js";
import { h, clear, num, card, badge, table, time, errorBox, debounce } from "../ui.js";

// window -> [trends window, bucket, stats hours, bucket seconds]
const WINDOWS = { "1h": ["1h", "1m", 1, 60], "6h": ["6h", "5m", 6, 300], "24h": ["24h", "1h", 24, 3600],
  "72h": ["72h", "1h", 72, 3600], "7d": ["7d", "1d", 168, 86400] };
const SERIES = [["success", "#2e9e5b"], ["failure", "#d0453a"], ["retry", "#d89b1a"], ["revoked", "#7a7f8a"]];

/** uPlot is loaded once, on the first page that draws a chart. */
let uplot = null;
function loadUplot(assets) {
  if (!uplot) {
    uplot = new Promise((resolve, reject) => {
      document.head.append(h("link", { rel: "stylesheet", href: `${assets}/vendor/uPlot.min.css` }));
      const s = h("script", { src: `${assets}/vendor/uPlot.iife.min.js` });
      s.onload = () => resolve(window.uPlot);
      s.onerror = () => reject(new Error("could not load the chart library"));
      document.head.append(s);
    });
  }
  return uplot;
}

export async function render(view, ctx) {
  const { slug, live, assets } = ctx;
  const base = `/projects/${enc(slug)}`;
  let win = WINDOWS[ctx.query.get("window")] ? ctx.query.get("window") : "24h";
  const picker = h("select", { id: "window" }, Object.keys(WINDOWS).map((w) => h("option", { value: w, selected: w === win }, w)));
  picker.addEventListener("change", () => { win = picker.value; ctx.setQuery({ window: win }); load(); });
  const stats = h("div");
  const chart = h("div.chart.panel", { id: "trend-chart" });
  const queues = h("div");
  let plot = null;
  clear(view, h("div.row", h("h1", ctx.project.name), h("span.spacer"), h("label", "window ", picker)), stats,
    h("h2", "Finished tasks by state"), chart, h("h2", "Queues"), queues);

  async function load() {
    const [w, bucket, hours, step] = WINDOWS[win];
    try {
      // The chart draws as soon as its series arrives; the stats (which count every task) fill in after.
      const trendsDone = api(`${base}/trends${query({ window: w, bucket })}`).then((t) => draw(t.series, hours * 3600, step))
        .catch((e) => clear(chart, errorBox(e)));
      const s = await api(`${base}/stats${query({ hours })}`);
      const hth = s.system_health;
      clear(stats, h("div.cards",
        card("health", badge(hth.status)), card(`finished, ${win}`, num(s.tasks_succeeded_24h + s.tasks_failed_24h)),
        card(`failed, ${win}`, num(s.tasks_failed_24h)), card("failure rate", `${(s.failure_rate_24h * 100).toFixed(1)} %`),
        card("agents online", `${num(s.agents_online)} / ${num(s.agents_online + s.agents_offline)}`),
        card("workers online", `${num(s.workers_online)} / ${num(s.workers_online + s.workers_offline)}`),
        card("commands pending", num(s.commands_pending)), card("tasks stored", num(s.tasks_total))),
        h("p.muted", "By state: ", Object.entries(s.tasks_by_state).filter(([, n]) => n > 0)
          .map(([k, n]) => [badge(k), " ", num(n), "  "])));
      clear(queues, table(["queue", "engine", "depth", "broker", "last seen"], s.queue_depths.map((q) => h("tr",
        h("td", q.name), h("td", q.engine), h("td", num(q.pending_count)), h("td", q.broker_type || "—"), h("td", time(q.last_seen_at))))));
      await trendsDone;
    } catch (e) { clear(stats, errorBox(e)); }
  }

  // The series lists only buckets with tasks: every bucket of the window is drawn, empty ones as 0.
  async function draw(series, windowSeconds, step) {
    const uPlot = await loadUplot(assets);
    const now = Date.now() / 1000;
    const first = Math.floor((now - windowSeconds) / step) * step;
    const xs = [];
    for (let x = first; x <= now; x += step) xs.push(x);
    const byTime = new Map(series.map((b) => [Math.floor(Date.parse(b.t) / 1000 / step) * step, b]));
    const data = [xs, ...SERIES.map(([k]) => xs.map((x) => (byTime.get(x) ? byTime.get(x)[k] : 0)))];
    const width = Math.max(280, chart.clientWidth - 32);
    if (plot) plot.destroy();
    chart.replaceChildren();
    plot = new uPlot({ width, height: 240, series: [{}, ...SERIES.map(([label, stroke]) => ({ label, stroke, width: 2,
      fill: stroke + "22", points: { show: false } }))], axes: [{ stroke: "#888" }, { stroke: "#888" }],
      scales: { x: { time: true } } }, data, chart);
  }

  const resize = debounce(() => plot && plot.setSize({ width: Math.max(280, chart.clientWidth - 32), height: 240 }), 150);
  window.addEventListener("resize", resize);
  const refresh = debounce(load, 1000);
  const off = live.on((topic) => { if (topic !== "command.changed") refresh(); });
  await load();
  return () => { off(); refresh.cancel(); window.removeEventListener("resize", resize); if (plot) plot.destroy(); };
}
