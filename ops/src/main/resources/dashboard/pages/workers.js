// Workers: the list, and one worker with its inspect snapshot and the worker commands (operators):
// pool resize, add / cancel a consumer, restart; each followed until it ends.
import { api, enc } from "../api.js";
import { h, clear, time, badge, num, table, jsonBlock, errorBox, errorText, confirmButton, debounce, TERMINAL_COMMAND } from "../ui.js";

export async function render(view, ctx) {
  const { slug, live, can, role } = ctx;
  const base = `/projects/${enc(slug)}`;
  const [workerId] = ctx.params;
  const out = h("div");
  const progress = h("div.progress", { id: "command-progress" });
  const stops = new Set();
  clear(view, workerId ? h("p", h("a", { href: `/p/${enc(slug)}/workers` }, "← Workers")) : h("h1", "Workers"), progress, out);

  async function load() {
    try {
      if (!workerId) {
        const workers = await api(`${base}/workers`);
        clear(out, table(["worker", "state", "host", "concurrency", "active", "processed", "failed", "heartbeat"], workers.map((w) => h("tr",
          h("td", h("a", { href: `/p/${enc(slug)}/workers/${enc(w.id)}` }, w.name)), h("td", badge(w.state)), h("td", w.hostname || "—"),
          h("td", num(w.concurrency)), h("td", num(w.active_tasks)), h("td", num(w.processed)), h("td", num(w.failed)),
          h("td", time(w.last_heartbeat))))));
        return;
      }
      const w = await api(`${base}/workers/${enc(workerId)}`);
      clear(out, h("h1", w.name, " ", badge(w.state)), can(role, "operator") ? controls(w) : null,
        h("div.grid2",
          h("section.panel", h("h2", "Fields"), h("dl.fields", [["engine", w.engine], ["host", w.hostname || "—"], ["pid", w.pid ?? "—"],
            ["concurrency", num(w.concurrency)], ["queues", (w.queues || []).join(", ") || "—"], ["active", num(w.active_tasks)],
            ["succeeded", num(w.succeeded)], ["failed", num(w.failed)], ["retried", num(w.retried)],
            ["heartbeat", time(w.last_heartbeat)], ["load", JSON.stringify(w.load_average)]].map(([k, v]) => [h("dt", k), h("dd", v)]))),
          h("section.panel", h("h2", "Last inspect snapshot"), jsonBlock(w.metadata))));
    } catch (e) { clear(out, errorBox(e)); }
  }

  function controls(w) {
    const delta = h("input", { type: "number", id: "pool-delta", value: 1, min: -100, max: 100, style: "width:5rem" });
    const queue = h("input", { id: "consumer-queue", placeholder: "queue" });
    const send = (command, body) => issue(command, { worker_name: w.name, ...body });
    return h("div.panel.row",
      h("label", "pool ", delta), h("button", { type: "button", onclick: () => send("pool-resize", { delta: Number(delta.value) }) }, "Resize"),
      h("label", "consumer ", queue),
      h("button", { type: "button", onclick: () => send("add-consumer", { queue: queue.value.trim() }) }, "Add"),
      h("button", { type: "button", onclick: () => send("cancel-consumer", { queue: queue.value.trim() }) }, "Cancel"),
      confirmButton("Restart worker", "Really restart?", () => send("restart-worker", {})));
  }

  async function issue(command, body) {
    const line = h("div", { dataset: { command } }, `${command}: sending…`);
    progress.append(line);
    try {
      const c = await api(`${base}/commands/${command}`, { method: "POST", body });
      const show = (x) => { line.dataset.status = x.status; clear(line, `${command}: `, badge(x.status), x.error ? ` ${x.error}` : ""); };
      show(c);
      const check = async () => {
        try {
          const x = await api(`${base}/commands/${enc(c.id)}`);
          show(x);
          if (TERMINAL_COMMAND.has(x.status)) { stop(); load(); }
        } catch (e) { line.textContent = `${command}: ${errorText(e)}`; stop(); }
      };
      const off = live.on((topic) => { if (topic === "command.changed") check(); });
      const timer = setInterval(check, 3000);
      const stop = () => { off(); clearInterval(timer); stops.delete(stop); };
      stops.add(stop);
    } catch (e) { line.className = "error"; line.textContent = `${command}: ${errorText(e)}`; }
  }

  const refresh = debounce(load, 1000);
  const off = live.on((topic) => { if (topic === "agent.changed" || topic === "resume") refresh(); });
  const poll = setInterval(() => { if (!document.hidden) load(); }, 30000);
  await load();
  return () => { off(); refresh.cancel(); clearInterval(poll); for (const s of [...stops]) s(); };
}
