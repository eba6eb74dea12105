// A project's queues with their depth as the agents last reported it.
import { api, enc } from "../api.js";
import { h, clear, num, time, table, errorBox, debounce } from "../ui.js";

export async function render(view, ctx) {
  const base = `/projects/${enc(ctx.slug)}`;
  const list = h("div", { id: "queues" });
  clear(view, h("h1", "Queues"), list);
  async function load() {
    try {
      // The list first; the depths (from the stats, which count the project's tasks) fill in after.
      const queues = await api(`${base}/queues`);
      const depths = new Map();
      clear(list, table(["queue", "engine", "depth", "broker", "last seen", "created"], queues.map((q) => h("tr",
        h("td", h("a", { href: `/p/${enc(ctx.slug)}/tasks?queue=${enc(q.name)}` }, q.name)), h("td", q.engine),
        depths.set(`${q.engine}/${q.name}`, h("td", "…")).get(`${q.engine}/${q.name}`), h("td", q.broker_type || "—", q.broker_url_hint ? h("span.muted", ` ${q.broker_url_hint}`) : ""),
        h("td", time(q.last_seen_at)), h("td", time(q.created_at))))));
      const stats = await api(`${base}/stats`);
      for (const q of stats.queue_depths) {
        const cell = depths.get(`${q.engine}/${q.name}`);
        if (cell) cell.textContent = num(q.pending_count);
      }
      for (const cell of depths.values()) if (cell.textContent === "…") cell.textContent = "—";
    } catch (e) { clear(list, errorBox(e)); }
  }
  const refresh = debounce(load, 1000);
  const off = ctx.live.on((topic) => { if (topic === "agent.changed" || topic === "resume") refresh(); });
  const poll = setInterval(() => { if (!document.hidden) load(); }, 30000);
  await load();
  return () => { off(); refresh.cancel(); clearInterval(poll); };
}
