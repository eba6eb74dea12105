// A project's commands, newest first, live: a command.changed notice refetches the page on screen.
import { api, query, enc } from "../api.js";
import { h, clear, time, badge, table, errorBox, debounce } from "../ui.js";

const STATUSES = ["pending", "dispatched", "completed", "failed", "timeout", "cancelled"];

export async function render(view, ctx) {
  const { slug, live } = ctx;
  const base = `/projects/${enc(slug)}/commands`;
  let status = ctx.query.get("status") || "";
  let cursors = [null];
  let page = { items: [], next_cursor: null };
  const sel = h("select", { id: "command-status" }, h("option", { value: "" }, "any"), STATUSES.map((s) => h("option", { value: s, selected: s === status }, s)));
  sel.addEventListener("change", () => { status = sel.value; cursors = [null]; ctx.setQuery({ status }); load(); });
  const list = h("div", { id: "commands" });
  const newer = h("button", { type: "button", onclick: () => { cursors.pop(); load(); } }, "← Newer");
  const older = h("button", { type: "button", onclick: () => { cursors.push(page.next_cursor); load(); } }, "Older →");
  clear(view, h("h1", "Commands"), h("div.filters", h("label", "status", sel)), list, h("div.pager", newer, older));

  async function load() {
    try {
      page = await api(base + query({ status, cursor: cursors[cursors.length - 1], limit: 50 }));
      clear(list, table(["action", "target", "status", "issued", "completed", "error"], page.items.map((c) => h("tr", { dataset: { command: c.id } },
        h("td", c.action), h("td.mono", { title: c.target_id || "" }, c.target_type, " ", c.target_id || ""),
        h("td", badge(c.status)), h("td", time(c.issued_at)), h("td", time(c.completed_at)), h("td", { title: c.error || "" }, c.error || "")))
        , { fixed: true, cols: ["11rem", null, "7rem", "12rem", "12rem", "14rem"] }));
      newer.disabled = cursors.length <= 1;
      older.disabled = !page.next_cursor;
    } catch (e) { clear(list, errorBox(e)); }
  }
  const refresh = debounce(load, 400);
  const off = live.on((topic) => { if (topic === "command.changed" || topic === "resume") refresh(); });
  const poll = setInterval(() => { if (!live.isLive && !document.hidden) load(); }, 30000);
  await load();
  return () => { off(); refresh.cancel(); clearInterval(poll); };
}
