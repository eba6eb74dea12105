// Tasks: filters (kept in the URL), search, keyset pages, CSV export, selection -> retry/cancel,
// keyboard (j/k or arrows, x selects, Enter opens), live refresh of the rows on screen.
import { api, query, enc } from "../api.js";
import { h, clear, time, duration, badge, debounce, toast, errorBox, errorText, typing, TERMINAL_COMMAND } from "../ui.js";

const STATES = ["pending", "received", "started", "success", "failure", "retry", "revoked", "rejected", "unknown"];
const PRIORITIES = ["critical", "high", "normal", "low"];
const FILTERS = ["state", "priority", "name", "search", "queue", "worker", "since", "until"];
const LIMIT = 50;
const LIVE_DEBOUNCE_MS = 400;
const FALLBACK_POLL_MS = 30000;

export async function render(view, ctx) {
  const { slug, live, can, role } = ctx;
  const base = `/projects/${enc(slug)}`;
  const filters = Object.fromEntries(FILTERS.map((k) => [k, ctx.query.get(k) || ""]));
  let cursors = [null];             // cursors[i] opens page i; the last one is the page on screen
  if (ctx.query.get("cursor")) cursors = [null, ctx.query.get("cursor")];
  let page = { items: [], next_cursor: null };
  let focus = -1;
  const selected = new Map();      // row id -> task
  let inflight = null;
  let disposed = false;

  const field = (k, el) => { el.id = `f-${k}`; el.name = k; el.value = filters[k]; return h("label", { for: el.id }, k, el); };
  const toInput = (iso) => (iso ? new Date(iso).toISOString().slice(0, 16) : ""); // UTC in the inputs; labelled
  const stateSel = h("select", h("option", { value: "" }, "any"), STATES.map((s) => h("option", { value: s }, s)));
  const prioSel = h("select", h("option", { value: "" }, "any"), PRIORITIES.map((s) => h("option", { value: s }, s)));
  const name = h("input", { placeholder: "task name contains" });
  const queue = h("input", { placeholder: "exact queue" });
  const worker = h("input", { placeholder: "worker name" });
  const since = h("input", { type: "datetime-local" });
  const until = h("input", { type: "datetime-local" });
  const search = h("input", { type: "search", placeholder: "search id, name, args… ( / )" });
  const form = h("form.filters", { role: "search" },
    field("state", stateSel), field("priority", prioSel), field("name", name), field("queue", queue),
    field("worker", worker), h("label", { for: "f-since" }, "since (UTC)", since), h("label", { for: "f-until" }, "until (UTC)", until),
    field("search", search), h("button", { type: "submit" }, "Apply"),
    h("button", { type: "button", onclick: () => { for (const k of FILTERS) filters[k] = ""; syncInputs(); apply(); } }, "Clear"));
  since.id = "f-since"; until.id = "f-until";
  function syncInputs() {
    stateSel.value = filters.state; prioSel.value = filters.priority; name.value = filters.name; queue.value = filters.queue;
    worker.value = filters.worker; search.value = filters.search; since.value = toInput(filters.since); until.value = toInput(filters.until);
  }
  syncInputs();
  function readInputs() {
    Object.assign(filters, { state: stateSel.value, priority: prioSel.value, name: name.value.trim(), queue: queue.value.trim(),
      worker: worker.value.trim(), search: search.value.trim(),
      since: since.value ? since.value + ":00Z" : "", until: until.value ? until.value + ":00Z" : "" });
  }
  const apply = () => { readInputs(); cursors = [null]; selected.clear(); focus = -1; load(); };
  form.addEventListener("submit", (ev) => { ev.preventDefault(); apply(); });
  form.addEventListener("change", (ev) => { if (ev.target.tagName === "SELECT") apply(); });
  search.addEventListener("input", debounce(apply, 350));

  const csv = h("a", { download: "", id: "export-csv" }, "Export CSV");
  const status = h("span.muted", { id: "tasks-status" });
  const retryBtn = h("button", { type: "button", id: "retry-selected", onclick: () => issue("retry-task") }, "Retry selected");
  const cancelBtn = h("button", { type: "button", id: "cancel-selected", onclick: () => issue("cancel-task") }, "Cancel selected");
  const mayCommand = can(role, "operator");
  const actions = h("div.row", mayCommand ? [retryBtn, cancelBtn] : null, csv, h("span.spacer"), status);
  const progress = h("div.progress", { id: "command-progress" });
  const body = h("tbody", { id: "task-rows" });
  const table = h("div.table-wrap", h("table.fixed",
    h("colgroup", h("col", { style: "width:2.2rem" }), h("col"), h("col", { style: "width:7rem" }),
      h("col.hide-narrow", { style: "width:9rem" }), h("col.hide-narrow", { style: "width:11rem" }),
      h("col", { style: "width:15rem" }), h("col.hide-narrow", { style: "width:6.5rem" })),
    h("thead", h("tr", h("th", h("span.sr", "select")), h("th", "name / task id"), h("th", "state"),
      h("th.hide-narrow", "queue"), h("th.hide-narrow", "worker"), h("th", "started"), h("th.hide-narrow", "runtime"))),
    body));
  const newer = h("button", { type: "button", id: "page-newer", onclick: () => { if (cursors.length > 1) { cursors.pop(); load(); } } }, "← Newer");
  const older = h("button", { type: "button", id: "page-older", onclick: () => { if (page.next_cursor) { cursors.push(page.next_cursor); load(); } } }, "Older →");
  const pageNo = h("span.muted");
  const error = h("div");
  clear(view, h("h1", "Tasks"), form, actions, progress, error, table, h("div.pager", pageNo, newer, older),
    h("p.muted", "Keys: j/k or ↑/↓ move, x selects, Enter opens, / searches."));

  function params(extra = {}) {
    return query({ ...filters, ...extra });
  }

  async function load({ quiet = false } = {}) {
    const cursor = cursors[cursors.length - 1];
    ctx.setQuery({ ...filters, cursor });
    csv.href = `/api/v1${base}/tasks${params({ format: "csv" })}`;
    if (inflight) inflight.abort();
    const ac = new AbortController();
    inflight = ac;
    if (!quiet) status.textContent = "loading…";
    try {
      const next = await api(`${base}/tasks${params({ cursor, limit: LIMIT })}`, { signal: ac.signal });
      if (disposed || ac !== inflight) return;
      page = next;
      clear(error);
      draw();
      status.textContent = `${page.items.length} task${page.items.length === 1 ? "" : "s"}${page.next_cursor ? " (more)" : ""}`
        + (live.isLive ? " · live" : "");
    } catch (e) {
      if (e.name === "AbortError") return;
      clear(error, errorBox(e));
      status.textContent = "";
    } finally {
      if (ac === inflight) inflight = null;
    }
  }

  const key = (t) => `${t.engine}/${t.task_id}`;
  const href = (t) => `/p/${enc(slug)}/tasks/${enc(t.engine)}/${enc(t.task_id)}`;

  // Rows are redrawn in place (fixed row height, fixed columns): live updates never move the layout.
  function draw() {
    const focusedKey = focus >= 0 && page.items[focus] ? key(page.items[focus]) : null;
    const rows = page.items.map((t, i) => {
      const box = h("input", { type: "checkbox", checked: selected.has(key(t)), "aria-label": `select ${t.task_id}`,
        onclick: (ev) => { ev.stopPropagation(); toggle(t); } });
      const tr = h("tr.clickable", { dataset: { key: key(t), index: i }, onclick: () => ctx.navigate(href(t)) },
        h("td", box),
        h("td", { title: t.name }, h("a", { href: href(t), onclick: (ev) => ev.stopPropagation() }, t.name || "(unnamed)"),
          " ", h("span.muted.mono", t.task_id)),
        h("td", badge(t.state)), h("td.hide-narrow", t.queue || "—"), h("td.hide-narrow", { title: t.worker_name || "" }, t.worker_name || "—"),
        h("td", time(t.started_at || t.received_at)), h("td.hide-narrow", duration(t.runtime_ms)));
      if (selected.has(key(t))) tr.classList.add("selected");
      return tr;
    });
    clear(body, rows.length ? rows : h("tr", h("td.empty", { colSpan: 7 }, "No tasks match.")));
    focus = focusedKey ? page.items.findIndex((t) => key(t) === focusedKey) : Math.min(focus, page.items.length - 1);
    markFocus(false);
    newer.disabled = cursors.length <= 1;
    older.disabled = !page.next_cursor;
    pageNo.textContent = `page ${cursors.length}`;
    retryBtn.disabled = cancelBtn.disabled = selected.size === 0;
  }

  function toggle(t) {
    if (selected.has(key(t))) selected.delete(key(t)); else selected.set(key(t), t);
    draw();
  }

  function markFocus(scroll = true) {
    [...body.querySelectorAll("tr.focus")].forEach((r) => r.classList.remove("focus"));
    const row = focus >= 0 ? body.querySelector(`tr[data-index="${focus}"]`) : null;
    if (row) { row.classList.add("focus"); if (scroll) row.scrollIntoView({ block: "nearest" }); }
  }

  async function issue(command) {
    const tasks = [...selected.values()];
    if (!tasks.length) return;
    for (const t of tasks) {
      const line = h("div", `${command} ${t.task_id}: sending…`);
      progress.append(line);
      try {
        const c = await api(`${base}/commands/${command}`, { method: "POST", body: { engine: t.engine, task_id: t.task_id } });
        follow(c, line, `${command} ${t.task_id}`);
      } catch (e) {
        line.className = "error";
        line.textContent = `${command} ${t.task_id}: ${errorText(e)}`;
      }
    }
    selected.clear();
    draw();
  }

  // A command's status until it ends: refetched on command.changed notices, else every 3 s.
  function follow(c, line, label) {
    const show = (x) => { clear(line, `${label}: `, badge(x.status), x.error ? ` ${x.error}` : ""); line.dataset.status = x.status; };
    show(c);
    const check = async () => {
      if (disposed) return;
      try {
        const x = await api(`${base}/commands/${enc(c.id)}`);
        show(x);
        if (TERMINAL_COMMAND.has(x.status)) { stop(); if (x.status === "completed") setTimeout(() => line.remove(), 15000); }
      } catch (e) { line.textContent = `${label}: ${errorText(e)}`; stop(); }
    };
    const off = live.on((topic) => { if (topic === "command.changed" || topic === "resume") check(); });
    const timer = setInterval(check, 3000);
    const stop = () => { off(); clearInterval(timer); };
    followers.add(stop);
  }
  const followers = new Set();

  const onKey = (ev) => {
    if (typing(ev) || ev.metaKey || ev.ctrlKey || ev.altKey) return;
    const n = page.items.length;
    if ((ev.key === "j" || ev.key === "ArrowDown") && n) { focus = Math.min(n - 1, focus + 1); markFocus(); ev.preventDefault(); }
    else if ((ev.key === "k" || ev.key === "ArrowUp") && n) { focus = Math.max(0, focus - 1); markFocus(); ev.preventDefault(); }
    else if (ev.key === "Enter" && focus >= 0 && page.items[focus]) { ctx.navigate(href(page.items[focus])); ev.preventDefault(); }
    else if (ev.key === "x" && focus >= 0 && page.items[focus]) { toggle(page.items[focus]); ev.preventDefault(); }
  };
  document.addEventListener("keydown", onKey);

  // Live: a task.changed notice refetches what is on screen (debounced); without a live socket,
  // a slow poll keeps the page from going stale.
  const refresh = debounce(() => load({ quiet: true }), LIVE_DEBOUNCE_MS);
  const off = live.on((topic) => { if (topic === "task.changed" || topic === "resume") refresh(); });
  const poll = setInterval(() => { if (!live.isLive && !document.hidden) load({ quiet: true }); }, FALLBACK_POLL_MS);

  await load();
  return () => {
    disposed = true;
    off(); refresh.cancel(); clearInterval(poll);
    document.removeEventListener("keydown", onKey);
    for (const stop of followers) stop();
    if (inflight) inflight.abort();
  };
}
