// One task: every field, arguments and result as JSON, traceback, timeline, canvas tree, and
// Retry / Cancel (operators) with the command's progress until it ends.
import { api, query, enc } from "../api.js";
import { h, clear, time, duration, badge, jsonBlock, debounce, errorBox, errorText, TERMINAL_COMMAND } from "../ui.js";

export async function render(view, ctx) {
  const { slug, live, can, role } = ctx;
  const [engine, taskId] = ctx.params;
  const base = `/projects/${enc(slug)}`;
  const path = `${base}/tasks/${enc(engine)}/${enc(taskId)}`;
  const head = h("div");
  const main = h("div");
  const progress = h("div.progress", { id: "command-progress", "aria-live": "polite" });
  const stops = new Set();
  let disposed = false;
  clear(view, h("p", h("a", { href: `/p/${enc(slug)}/tasks` }, "← Tasks")), head, progress, main);

  async function load() {
    let task;
    try {
      task = await api(path);
    } catch (e) {
      clear(head, h("h1", taskId)); clear(main, errorBox(e)); return;
    }
    if (disposed) return;
    drawHead(task);
    // The task first; its timeline and canvas fill in as they arrive (the tree can take longest).
    const timelineBox = h("div", h("p.muted", "loading…"));
    const treeBox = h("div", h("p.muted", "loading…"));
    api(`${base}/events${query({ engine, task_id: taskId, limit: 200 })}`)
      .then((events) => { if (!disposed) clear(timelineBox, timeline(events.items)); })
      .catch((e) => { if (!disposed) clear(timelineBox, errorBox(e)); });
    api(`${path}/tree`)
      .then((tree) => { if (!disposed) clear(treeBox, treeView(tree)); })
      .catch((e) => { if (!disposed) clear(treeBox, errorBox(e)); });
    clear(main,
      h("div.grid2",
        h("section.panel", h("h2", "Fields"), fields(task)),
        h("section.panel", h("h2", "Arguments"), h("h3.muted", "args"), jsonBlock(task.args),
          h("h3.muted", "kwargs"), jsonBlock(task.kwargs), h("h2", "Result"), jsonBlock(task.result))),
      task.exception || task.traceback ? h("section.panel", h("h2", "Error"),
        task.exception ? h("p.error.mono", task.exception) : null, task.traceback ? h("pre#traceback", task.traceback) : null) : null,
      h("div.grid2",
        h("section.panel", h("h2", "Timeline"), timelineBox),
        h("section.panel", h("h2", "Canvas"), treeBox)));
  }

  function drawHead(task) {
    const buttons = can(role, "operator") ? h("div.row",
      h("button.primary", { type: "button", id: "retry", onclick: () => issue("retry-task") }, "Retry"),
      h("button.danger", { type: "button", id: "cancel", onclick: () => issue("cancel-task") }, "Cancel")) : null;
    clear(head, h("h1", task.name || "(unnamed task)", " ", badge(task.state)),
      h("p.muted.mono", `${task.engine} · ${task.task_id}`), buttons);
  }

  function fields(t) {
    const rows = [["state", badge(t.state)], ["priority", t.priority], ["queue", t.queue || "—"], ["worker", t.worker_name || "—"],
      ["received", time(t.received_at)], ["started", time(t.started_at)], ["finished", time(t.finished_at)],
      ["runtime", duration(t.runtime_ms)], ["retries", t.retry_count], ["eta", time(t.eta)],
      ["parent", t.parent_task_id ? taskLink(t.parent_task_id) : "—"], ["root", t.root_task_id ? taskLink(t.root_task_id) : "—"],
      ["tags", (t.tags || []).join(", ") || "—"], ["row id", h("span.mono", t.id)], ["created", time(t.created_at)],
      ["updated", time(t.updated_at)]];
    return h("dl.fields", rows.map(([k, v]) => [h("dt", k), h("dd", v)]));
  }

  const taskLink = (id) => h("a.mono", { href: `/p/${enc(slug)}/tasks/${enc(engine)}/${enc(id)}` }, id);

  function timeline(items) {
    if (!items.length) return h("p.muted", "No events stored.");
    return h("ol.timeline", { id: "timeline" }, [...items].reverse().map((e) => h("li",
      h("div", h("b", e.kind), " ", time(e.occurred_at)),
      h("details", h("summary.muted", "payload"), jsonBlock(e.payload)))));
  }

  function treeView(tree) {
    if (!tree.nodes || tree.nodes.length <= 1) return h("p.muted", "Not part of a canvas (chain, group, chord).");
    const children = new Map();
    for (const n of tree.nodes) {
      const p = n.parent_task_id && n.task_id !== tree.root_task_id ? n.parent_task_id : null;
      if (!children.has(p)) children.set(p, []);
      children.get(p).push(n);
    }
    const known = new Set(tree.nodes.map((n) => n.task_id));
    const roots = tree.nodes.filter((n) => n.task_id === tree.root_task_id || !n.parent_task_id || !known.has(n.parent_task_id));
    const seen = new Set();
    const item = (n) => {
      if (seen.has(n.task_id)) return null;
      seen.add(n.task_id);
      const kids = (children.get(n.task_id) || []).map(item).filter(Boolean);
      return h("li", h(n.task_id === taskId ? "span.here" : "span", taskLink(n.task_id), " ", n.name, " ", badge(n.state)),
        kids.length ? h("ul", kids) : null);
    };
    return h("div", h("p.muted", `${tree.node_count} tasks${tree.truncated ? " (truncated)" : ""}`),
      h("ul.tree", { id: "tree" }, roots.map(item)));
  }

  async function issue(command) {
    const line = h("div", { dataset: { command } }, `${command}: sending…`);
    progress.append(line);
    try {
      const c = await api(`${base}/commands/${command}`, { method: "POST", body: { engine, task_id: taskId } });
      follow(c, line, command);
    } catch (e) {
      line.className = "error";
      line.textContent = `${command}: ${errorText(e)}`;
    }
  }

  // Until the command ends: refetched on command.changed notices, with a 3 s check as a fallback.
  function follow(c, line, label) {
    const show = (x) => {
      line.dataset.status = x.status;
      clear(line, `${label} `, h("span.mono", x.id.slice(0, 8)), ": ", badge(x.status),
        x.error ? h("span.error", ` ${x.error}`) : "", x.completed_at ? h("span.muted", " at ", time(x.completed_at)) : "");
    };
    show(c);
    const check = async () => {
      try {
        const x = await api(`${base}/commands/${enc(c.id)}`);
        if (disposed) return;
        show(x);
        if (TERMINAL_COMMAND.has(x.status)) { stop(); reload(); }
      } catch (e) { line.textContent = `${label}: ${errorText(e)}`; stop(); }
    };
    const off = live.on((topic) => { if (topic === "command.changed" || topic === "resume") check(); });
    const timer = setInterval(check, 3000);
    const stop = () => { off(); clearInterval(timer); stops.delete(stop); };
    stops.add(stop);
  }

  const reload = debounce(load, 400);
  const off = live.on((topic) => { if (topic === "task.changed" || topic === "resume") reload(); });
  await load();
  return () => { disposed = true; off(); reload.cancel(); for (const s of [...stops]) s(); };
}
