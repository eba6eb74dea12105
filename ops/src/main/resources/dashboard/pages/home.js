// Home: every project the caller may see, side by side, with what needs attention and the most
// recent failures across them.
import { api, query, enc } from "../api.js";
import { h, clear, time, badge, num, card, table, errorBox, debounce } from "../ui.js";

export async function render(view, ctx) {
  const out = h("div");
  clear(view, h("h1", "Home"), out);
  async function load() {
    try {
      const [s, failures] = await Promise.all([api("/home/summary"), api(`/home/recent-failures${query({ limit: 10 })}`)]);
      const a = s.aggregate;
      clear(out,
        h("div.cards", card("tasks, 24 h", num(a.tasks_24h)), card("failures, 24 h", num(a.failures_24h)),
          card("failure rate", `${(a.failure_rate_24h * 100).toFixed(1)} %`),
          card("agents online", `${num(a.agents_online)} / ${num(a.agents_total)}`),
          card("workers online", `${num(a.workers_online)} / ${num(a.workers_total)}`), card("stuck commands", num(a.stuck_commands))),
        s.attention.length ? h("section", h("h2", "Needs attention"), h("ul#attention", s.attention.map((x) =>
          h("li", badge(x.severity), " ", h("a", { href: `/p/${enc(x.project_slug)}` }, x.project_name), ": ", x.message)))) : null,
        h("h2", "Projects"),
        table(["project", "health", "tasks 24 h", "failures 24 h", "agents", "workers", "role"], s.projects.map((p) => h("tr",
          h("td", h("a", { href: `/p/${enc(p.slug)}` }, p.name), " ", h("span.muted", p.environment)),
          h("td", badge(p.health)), h("td", num(p.tasks_24h)), h("td", num(p.failures_24h)),
          h("td", `${num(p.agents_online)} / ${num(p.agents_total)}`), h("td", `${num(p.workers_online)} / ${num(p.workers_total)}`),
          h("td", p.role || (s.user && s.user.is_admin ? "admin" : "—"))))),
        h("h2", "Recent failures"),
        table(["task", "project", "exception", "failed"], failures.items.map((f) => {
          const p = s.projects.find((x) => x.id === f.project_id);
          const link = p ? `/p/${enc(p.slug)}/tasks/${enc(f.engine)}/${enc(f.task_id)}` : null;
          return h("tr", h("td", link ? h("a", { href: link }, f.task_name || f.task_id) : f.task_id),
            h("td", p ? p.slug : "—"), h("td", { title: f.exception || "" }, f.exception || "—"), h("td", time(f.occurred_at)));
        }), { fixed: true, cols: [null, "9rem", null, "12rem"] }));
    } catch (e) { clear(out, errorBox(e)); }
  }
  const refresh = debounce(load, 500);
  const off = ctx.live.on((topic) => { if (topic === "task.changed" || topic === "agent.changed" || topic === "resume") refresh(); });
  await load();
  return () => { off(); refresh.cancel(); };
}
