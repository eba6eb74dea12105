// Small DOM helpers shared by the pages: no framework, just elements.

/** h("tag#id.class", {attrs, on*: handlers}, ...children); attrs may be left out. */
export function h(spec, attrs, ...children) {
  const [head, ...classes] = spec.split(".");
  const [tag, id] = head.split("#");
  const el = document.createElement(tag || "div");
  if (id) el.id = id;
  if (classes.length) el.className = classes.join(" ");
  if (attrs !== undefined && attrs !== null
      && (typeof attrs !== "object" || attrs instanceof Node || Array.isArray(attrs))) {
    children.unshift(attrs);
    attrs = null;
  }
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
    else if (k === "dataset") Object.assign(el.dataset, v);
    else if (k === "class") el.className = v;
    else if (k in el && typeof v !== "string") el[k] = v;
    else el.setAttribute(k, v === true ? "" : v);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
}

export function clear(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

const local = new Intl.DateTimeFormat(undefined, { year: "numeric", month: "short", day: "2-digit",
  hour: "2-digit", minute: "2-digit", second: "2-digit" });

/** A time in the browser's zone; UTC in the title (hover). */
export function time(iso) {
  if (!iso) return h("span.muted", "—");
  const d = new Date(iso);
  if (isNaN(d)) return h("span", iso);
  return h("time", { datetime: d.toISOString(), title: d.toISOString().replace("T", " ").replace(/\.\d+Z$|Z$/, " UTC") },
    local.format(d));
}

export function duration(ms) {
  if (ms === null || ms === undefined) return "—";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60000) return `${(ms / 1000).toFixed(ms < 10000 ? 2 : 1)} s`;
  return `${Math.floor(ms / 60000)} min ${Math.round((ms % 60000) / 1000)} s`;
}

export function num(n) {
  return n === null || n === undefined ? "—" : Number(n).toLocaleString();
}

export function badge(state) {
  return h(`span.badge.s-${String(state || "unknown").replace(/[^a-z_]/gi, "")}`, state || "unknown");
}

/** Pretty JSON of a value (or of a JSON string), in a <pre>. */
export function jsonBlock(value) {
  let v = value;
  if (typeof v === "string") { try { v = JSON.parse(v); } catch { /* plain text */ } }
  return h("pre.json", v === null || v === undefined ? "null" : typeof v === "string" ? v : JSON.stringify(v, null, 2));
}

export function debounce(fn, ms) {
  let t = null;
  const d = (...args) => { clearTimeout(t); t = setTimeout(() => { t = null; fn(...args); }, ms); };
  d.cancel = () => clearTimeout(t);
  return d;
}

export function toast(message, bad = false) {
  const t = h(`div.toast${bad ? ".bad" : ""}`, { role: "status" }, message);
  document.getElementById("toasts").append(t);
  setTimeout(() => t.remove(), bad ? 8000 : 4000);
}

/** The message of an API error for the page. */
export function errorText(e) {
  return e && e.status ? `${e.message} (${e.status}${e.code ? " " + e.code : ""})` : String(e && e.message || e);
}

export function errorBox(e) {
  return h("p.error", { role: "alert" }, errorText(e));
}

export function card(label, value, extra) {
  return h("div.card", h("div.n", value), h("div.l", label), extra);
}

export function table(headers, rows, { fixed = false, cols } = {}) {
  return h("div.table-wrap", h(`table${fixed ? ".fixed" : ""}`,
    cols ? h("colgroup", cols.map((w) => h("col", { style: w ? `width:${w}` : null }))) : null,
    h("thead", h("tr", headers.map((x) => h("th", { scope: "col" }, x)))),
    h("tbody", rows.length ? rows : h("tr", h("td.empty", { colSpan: headers.length }, "Nothing here yet.")))));
}

/** A button that asks once more before doing something that cannot be undone. */
export function confirmButton(label, confirmLabel, action, cls = "danger") {
  const b = h(`button.${cls}`, { type: "button" }, label);
  let armed = false, timer = null;
  b.addEventListener("click", async () => {
    if (!armed) {
      armed = true; b.textContent = confirmLabel;
      timer = setTimeout(() => { armed = false; b.textContent = label; }, 5000);
      return;
    }
    clearTimeout(timer); b.disabled = true;
    try { await action(); } finally { armed = false; b.textContent = label; b.disabled = false; }
  });
  return b;
}

export function copyButton(text) {
  return h("button", { type: "button", onclick: async (e) => {
    try { await navigator.clipboard.writeText(text); e.target.textContent = "Copied"; }
    catch { e.target.textContent = "Select and copy"; }
  } }, "Copy");
}

/** Is the keyboard event typed into a field (so page shortcuts must not fire)? */
export function typing(ev) {
  const t = ev.target;
  return t && (t.isContentEditable || /^(INPUT|SELECT|TEXTAREA)$/.test(t.tagName));
}

export const TERMINAL_COMMAND = new Set(["completed", "failed", "timeout", "cancelled"]);
