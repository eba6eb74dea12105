// A project's queues with their depth as the agents last reported it.
import { api, enc } from "../api.js";
import { h, clear, num, time, table, errorBox, debounce } from "../ui.js";

export async function render(view, ctx) {
  const base = `/projects/${enc(ctx.slug)}`;
  const list = h("div", { id: "queues" });
  clear(view, h("h1", "Queues"), list);
  async function load() {
    try {
      const [queues, stats] = await Promise.all([api(`${base}/queues`), api(`${base}/stats`)]);
      const depth = new Map(stats.queue_depths.map((q) => [`${q.engine}/${q.name}`, q.pending_count]));
      clear(list, table(["queue", "engine", "depth", "broker", "last seen", "created"], queues.map((q) => h("tr",
        h("td", h("a", { href: `/p/${enc(ctx.slug)}/tasks?queue=${enc(q.name)}` }, q.name)), h("td", q.engine),
        h("td", num(depth.get(`${q.engine}/${q.name}`))), h("td", q.broker_type || "—", q.broker_url_hint ? h("span.muted", ` ${q.broker_url_hint}`) : ""),
        h("td", time(q.last_seen_at)), h("td", time(q.created_at))))));
    } catch (e) { clear(list, errorBox(e)); }
  }
  const refresh = debounce(load, 1000);
  const off = ctx.live.on((topic) => { if (topic === "agent.changed" || topic === "resume") refresh(); });
  const poll = setInterval(() => { if (!document.hidden) load(); }, 30000);
  await load();
  return () => { off(); refresh.cancel(); clearInterval(poll); };
}
