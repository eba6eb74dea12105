// The project's audit log (project admins): filters, cursor pages, CSV export.
import { api, query, enc } from "../api.js";
import { h, clear, time, badge, table, errorBox } from "../ui.js";

export async function render(view, ctx) {
  const base = `/projects/${enc(ctx.slug)}/audit`;
  const f = { action_prefix: ctx.query.get("action_prefix") || "", outcome: ctx.query.get("outcome") || "" };
  let cursors = [null];
  let page = { items: [], next_cursor: null };
  const prefix = h("input", { id: "audit-action", value: f.action_prefix, placeholder: "e.g. auth. or command.issue" });
  const outcome = h("select", { id: "audit-outcome" }, ["", "allow", "deny"].map((o) => h("option", { value: o, selected: o === f.outcome }, o || "any")));
  const csv = h("a", { download: "" }, "Export CSV");
  const list = h("div", { id: "audit" });
  const newer = h("button", { type: "button", onclick: () => { cursors.pop(); load(); } }, "← Newer");
  const older = h("button", { type: "button", onclick: () => { cursors.push(page.next_cursor); load(); } }, "Older →");
  const form = h("form.filters", { onsubmit: (ev) => { ev.preventDefault(); f.action_prefix = prefix.value.trim(); f.outcome = outcome.value; cursors = [null]; load(); } },
    h("label", "action starts with", prefix), h("label", "outcome", outcome), h("button", { type: "submit" }, "Apply"), csv);
  clear(view, h("h1", "Audit log"), form, list, h("div.pager", newer, older));

  async function load() {
    ctx.setQuery(f);
    csv.href = `/api/v1${base}${query({ ...f, format: "csv" })}`;
    try {
      page = await api(base + query({ ...f, cursor: cursors[cursors.length - 1], limit: 50 }));
      clear(list, table(["when", "action", "target", "result", "outcome", "from"], page.items.map((a) => h("tr",
        h("td", time(a.occurred_at)), h("td.mono", a.action), h("td", { title: a.target_id || "" }, a.target_type, " ", a.target_id || ""),
        h("td", badge(a.result)), h("td", a.outcome ? badge(a.outcome) : "—"), h("td", a.source_ip || "—"))),
        { fixed: true, cols: ["14rem", "15rem", null, "7rem", "6rem", "9rem"] }));
      newer.disabled = cursors.length <= 1;
      older.disabled = !page.next_cursor;
    } catch (e) { clear(list, errorBox(e)); }
  }
  await load();
  return null;
}
