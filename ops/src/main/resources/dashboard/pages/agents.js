// Agents: list; admins mint (token and secret shown once, with the lines an agent needs) and
// revoke (asked twice).
import { api, enc } from "../api.js";
import { h, clear, time, badge, table, toast, errorBox, errorText, confirmButton, copyButton, debounce } from "../ui.js";

export async function render(view, ctx) {
  const { slug, can, role, live } = ctx;
  const base = `/projects/${enc(slug)}/agents`;
  const admin = can(role, "admin");
  const list = h("div", { id: "agents" });
  const minted = h("div", { id: "minted" });
  const name = h("input", { id: "agent-name", required: true, maxLength: 100, placeholder: "e.g. worker-1" });
  const msg = h("p.error");
  const form = admin ? h("form.row.panel", { onsubmit: async (ev) => {
    ev.preventDefault(); msg.textContent = "";
    try {
      const m = await api(base, { method: "POST", body: { name: name.value.trim() } });
      name.value = "";
      showMinted(m);
      load();
    } catch (e) { msg.textContent = errorText(e); }
  } }, h("label", { for: "agent-name" }, "New agent "), name, h("button.primary", { type: "submit", id: "mint" }, "Mint"), msg) : null;
  clear(view, h("h1", "Agents"), form, minted, list);

  function showMinted(m) {
    const url = location.origin;
    const lines = `Z4J_BRAIN_URL=${url}\nZ4J_TOKEN=${m.token}\nZ4J_HMAC_SECRET=${m.hmac_secret}\nZ4J_PROJECT_ID=${m.project_id}`;
    clear(minted, h("section.notice", { id: "minted-secret" },
      h("h2", `Agent '${m.name}' minted`),
      h("p", h("b", "Shown once: "), "copy them now; the brain keeps only a hash of the token."),
      h("div.secret", "token ", h("code#minted-token", m.token), copyButton(m.token)),
      h("div.secret", "secret ", h("code#minted-hmac", m.hmac_secret), copyButton(m.hmac_secret)),
      h("p", "The agent's configuration (environment of the worker process):"),
      h("pre#minted-config", lines), copyButton(lines),
      h("p", h("button", { type: "button", onclick: () => clear(minted) }, "Done, hide them"))));
  }

  async function load() {
    try {
      const agents = await api(base);
      clear(list, table(["name", "state", "host", "version", "last seen", "created", ""], agents.map((a) => h("tr", { dataset: { agent: a.name } },
        h("td", a.name), h("td", badge(a.state)), h("td", a.host_name || "—"), h("td", a.agent_version || "—"),
        h("td", time(a.last_seen_at)), h("td", time(a.created_at)),
        h("td", admin ? confirmButton("Revoke", "Really revoke?", async () => {
          try { await api(`${base}/${enc(a.id)}`, { method: "DELETE" }); toast(`Agent '${a.name}' revoked`); load(); }
          catch (e) { toast(errorText(e), true); }
        }) : null)))));
    } catch (e) { clear(list, errorBox(e)); }
  }
  const refresh = debounce(load, 400);
  const off = live.on((topic) => { if (topic === "agent.changed" || topic === "resume") refresh(); });
  await load();
  return () => { off(); refresh.cancel(); };
}
