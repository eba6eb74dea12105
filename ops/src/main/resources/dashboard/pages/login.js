// Sign in; on a brain without any account yet, the first-run form (setup token from the link
// printed at start) instead.
import { api } from "../api.js";
import { h, clear, errorText } from "../ui.js";

export async function render(view, { session, navigate, reload }) {
  const next = new URLSearchParams(location.search).get("next");
  const target = next && next.startsWith("/") && !next.startsWith("//") ? next : "/home";
  let firstBoot = false;
  try { firstBoot = (await api("/setup/status")).first_boot; } catch { firstBoot = false; }
  const msg = h("p.error", { role: "alert", id: "login-error" });
  const done = async () => { session.me = null; await reload(); navigate(target, true); };

  if (firstBoot) {
    const token = h("input", { id: "setup-token", required: true, autocomplete: "off",
      value: new URLSearchParams(location.search).get("token") || "" });
    const email = h("input", { id: "setup-email", type: "email", required: true, autocomplete: "username" });
    const name = h("input", { id: "setup-name", maxLength: 200 });
    const pw = h("input", { id: "setup-password", type: "password", required: true, autocomplete: "new-password" });
    const form = h("form.form", { onsubmit: async (ev) => {
      ev.preventDefault(); msg.textContent = "";
      try {
        await api("/setup/complete", { method: "POST", body: { token: token.value.trim(), email: email.value,
          display_name: name.value || null, password: pw.value } });
        await done();
      } catch (e) { msg.textContent = errorText(e); }
    } },
    h("label", "Setup token (from the link printed at start)", token), h("label", "Email", email),
    h("label", "Display name (optional)", name),
    h("label", "Password (12+ characters; under 16 needs 3 of lower, upper, digit, symbol)", pw),
    h("button.primary", { type: "submit" }, "Create the first admin"), msg);
    clear(view, h("div.login.panel", h("h1", "Welcome to z4j"),
      h("p", "This brain has no operator account yet. Create the first admin."), form));
    return null;
  }

  const email = h("input", { id: "email", type: "email", required: true, autocomplete: "username", autofocus: true });
  const pw = h("input", { id: "password", type: "password", required: true, autocomplete: "current-password" });
  const remember = h("input", { id: "remember", type: "checkbox" });
  const submit = h("button.primary", { type: "submit", id: "sign-in" }, "Sign in");
  const form = h("form.form", { onsubmit: async (ev) => {
    ev.preventDefault(); msg.textContent = ""; submit.disabled = true;
    try {
      await api("/auth/login", { method: "POST", body: { email: email.value, password: pw.value, remember_me: remember.checked } });
      await done();
    } catch (e) {
      msg.textContent = e.status === 401 ? "Wrong email or password." : errorText(e);
    } finally { submit.disabled = false; }
  } },
  h("label", "Email", email), h("label", "Password", pw), h("label.check", remember, "Keep me signed in (30 days)"),
  submit, msg);
  clear(view, h("div.login.panel", h("h1", "Sign in to z4j"), form,
    h("p.muted", "What this server is and its API: ", h("a", { href: "/about" }, "/about"))));
  email.focus();
  return null;
}
