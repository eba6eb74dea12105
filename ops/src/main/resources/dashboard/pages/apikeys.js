// The caller's personal API keys: create (scopes, optional project binding, expiry; the token is
// shown once) and revoke.
import { api } from "../api.js";
import { h, clear, time, table, toast, errorBox, errorText, confirmButton, copyButton } from "../ui.js";

export async function render(view, ctx) {
  const { session } = ctx;
  const list = h("div", { id: "api-keys" });
  const created = h("div");
  const catalogue = await api("/api-keys/scopes");
  const adminOnly = new Set(catalogue.admin_only);
  const name = h("input", { id: "key-name", required: true, maxLength: 100 });
  const boxes = catalogue.scopes.filter((s) => session.me.is_admin || !adminOnly.has(s))
    .map((s) => h("label.check", h("input", { type: "checkbox", value: s, name: "scope" }), h("span.mono", s)));
  const project = h("select", { id: "key-project" }, h("option", { value: "" }, "every project I may see"),
    session.projects.map((p) => h("option", { value: p.id }, p.slug)));
  const days = h("input", { id: "key-days", type: "number", min: 1, max: 3650, placeholder: "never" });
  const msg = h("p.error");
  const form = h("form.panel", { onsubmit: async (ev) => {
    ev.preventDefault(); msg.textContent = "";
    const scopes = boxes.map((b) => b.querySelector("input")).filter((i) => i.checked).map((i) => i.value);
    try {
      const k = await api("/api-keys", { method: "POST", body: { name: name.value.trim(), scopes,
        project_id: project.value || null, expires_in_days: days.value ? Number(days.value) : null } });
      clear(created, h("section.notice", h("h2", `Key '${k.name}' created`), h("p", h("b", "Shown once: "), "copy it now."),
        h("div.secret", h("code#created-key", k.token), copyButton(k.token))));
      form.reset();
      load();
    } catch (e) { msg.textContent = errorText(e); }
  } },
  h("h2", "New key"), h("div.form", h("label", "Name", name), h("label", "Project", project), h("label", "Expires after (days)", days)),
  h("p.muted", "Scopes: read = GET, write = everything else (write implies read)."), h("div.row", boxes),
  h("p", h("button.primary", { type: "submit" }, "Create key")), msg);
  clear(view, h("h1", "API keys"), created, form, list);

  async function load() {
    try {
      const keys = await api("/api-keys");
      clear(list, table(["name", "prefix", "scopes", "project", "last used", "expires", "created", ""], keys.map((k) => h("tr",
        h("td", k.name), h("td.mono", k.prefix), h("td.mono", { title: k.scopes.join(" ") }, k.scopes.join(" ")),
        h("td", k.project_slug || "all"), h("td", time(k.last_used_at)), h("td", time(k.expires_at)), h("td", time(k.created_at)),
        h("td", confirmButton("Revoke", "Really revoke?", async () => {
          try { await api(`/api-keys/${k.id}`, { method: "DELETE" }); toast(`Key '${k.name}' revoked`); load(); }
          catch (e) { toast(errorText(e), true); }
        }))))));
    } catch (e) { clear(list, errorBox(e)); }
  }
  await load();
  return null;
}
