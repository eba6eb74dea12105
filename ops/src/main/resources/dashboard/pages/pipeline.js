// This replica's ingest pipeline (global admins): rates and latency percentiles over the last
// sampling interval, from the cumulative counters and histograms of /api/v1/system/pipeline.
import { api } from "../api.js";
import { h, clear, num, card, errorBox } from "../ui.js";

const SAMPLE_MS = 5000;

/** The q-quantile of the observations between two cumulative histograms (bucket upper bound). */
export function quantile(now, before, q) {
  const prev = new Map((before ? before.buckets : []).map((b) => [b.le, b.count]));
  const deltas = now.buckets.map((b) => [b.le, b.count - (prev.get(b.le) || 0)]);
  const total = now.count - (before ? before.count : 0);
  if (total <= 0) return null;
  const rank = q * total;
  for (const [le, c] of deltas) if (c >= rank) return le;
  return deltas.length ? Infinity : null;
}

const ms = (s) => (s === null ? "—" : s === Infinity ? "> max" : s < 1 ? `${(s * 1000).toFixed(s < 0.01 ? 1 : 0)} ms` : `${s.toFixed(2)} s`);
const rate = (a, b, secs) => (b === undefined ? "—" : `${num(Math.round(((a - b) / secs) * 10) / 10)}/s`);

export async function render(view) {
  const out = h("div", { id: "pipeline" });
  const note = h("p.muted", `This replica, sampled every ${SAMPLE_MS / 1000} s: rates and percentiles cover the last interval.`);
  clear(view, h("h1", "Pipeline"), note, out);
  let before = null;
  async function sample() {
    try {
      const now = await api("/system/pipeline");
      const secs = before ? (Date.parse(now.at) - Date.parse(before.at)) / 1000 || 1 : 1;
      const b = before || {};
      const resentNow = Object.values(now.batches_resent).reduce((x, y) => x + y, 0);
      const resentBefore = before ? Object.values(before.batches_resent).reduce((x, y) => x + y, 0) : undefined;
      const occupancy = now.ring.size ? (now.ring.size - now.ring.remaining) / now.ring.size : 0;
      clear(out, h("div.cards",
        card("events received", rate(now.events.received, b.events && b.events.received, secs), h("div.muted", num(now.events.received) + " total")),
        card("events committed", rate(now.events.stored + now.events.duplicate, b.events && b.events.stored + b.events.duplicate, secs),
          h("div.muted", `${num(now.events.stored)} new, ${num(now.events.duplicate)} duplicate`)),
        card("ack latency p50", ms(quantile(now.ack_latency_seconds, before && before.ack_latency_seconds, 0.5))),
        card("ack latency p99", ms(quantile(now.ack_latency_seconds, before && before.ack_latency_seconds, 0.99))),
        card("ring occupancy", `${(occupancy * 100).toFixed(1)} %`, h("div.muted", `${num(now.ring.size - now.ring.remaining)} of ${num(now.ring.size)}`)),
        card("resent batches", rate(resentNow, resentBefore, secs), h("div.muted", num(resentNow) + " total")),
        card("agent sockets", num(now.sockets.agent_sockets), h("div.muted", `${num(now.sockets.agents)} agents, ${num(now.sockets.dashboards)} dashboards`)),
        card("DB write p50", ms(quantile(now.commit_seconds, before && before.commit_seconds, 0.5))),
        card("DB write p99", ms(quantile(now.commit_seconds, before && before.commit_seconds, 0.99)))));
      before = now;
    } catch (e) { clear(out, errorBox(e)); }
  }
  await sample();
  const timer = setInterval(() => { if (!document.hidden) sample(); }, SAMPLE_MS);
  return () => clearInterval(timer);
}
