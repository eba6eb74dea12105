// The live feed: one /ws/dashboard socket (session cookie; the server checks our Origin),
// subscribed to the current project. Pages listen for topics; the header shows the state.
// A dropped socket reconnects with exponential backoff (0.5 s doubling to 30 s, with jitter).

const MAX_BACKOFF_MS = 30000;

export class Live {
  constructor(indicator, label) {
    this.indicator = indicator;
    this.label = label;
    this.listeners = new Set();
    this.project = null;
    this.ws = null;
    this.paused = false;
    this.missed = false;
    this.attempt = 0;
    this.timer = null;
    this.state = "off";
    indicator.addEventListener("click", () => this.setPaused(!this.paused));
  }

  /** Subscribe to a project's notices (null: none). */
  watch(projectId) {
    if (projectId === this.project) return;
    this.project = projectId;
    this.close();
    if (projectId) this.connect();
    else this.show("off");
  }

  /** fn(topic, notice) for every notice while not paused; returns the unsubscribe. */
  on(fn) {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  get isLive() { return this.state === "live" && !this.paused; }

  setPaused(paused) {
    this.paused = paused;
    if (!paused && this.missed) {
      this.missed = false;
      this.emit("resume", {});
    }
    this.show(this.state);
  }

  connect() {
    clearTimeout(this.timer);
    this.show("connecting");
    const url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws/dashboard";
    const ws = new WebSocket(url);
    const project = this.project;
    this.ws = ws;
    ws.onopen = () => ws.send(JSON.stringify({ type: "subscribe", project_id: project }));
    ws.onmessage = (m) => {
      let n;
      try { n = JSON.parse(m.data); } catch { return; }
      if (n.type === "ready") {
        const reconnected = this.attempt > 0;
        this.attempt = 0;
        this.show("live");
        if (reconnected) this.emit("resume", n); // what changed while we were away
      } else if (n.type === "event" && n.topic) {
        this.emit(n.topic, n);
      }
    };
    ws.onclose = (ev) => {
      if (this.ws !== ws) return; // replaced on purpose
      this.ws = null;
      if (ev.code === 4401) { location.assign("/login?next=" + encodeURIComponent(location.pathname + location.search)); return; }
      this.show("down");
      const delay = Math.min(MAX_BACKOFF_MS, 500 * 2 ** this.attempt++) * (0.75 + Math.random() * 0.5);
      this.timer = setTimeout(() => { if (this.project === project) this.connect(); }, delay);
    };
  }

  close() {
    clearTimeout(this.timer);
    const ws = this.ws;
    this.ws = null;
    this.attempt = 0;
    if (ws) ws.close(1000);
  }

  emit(topic, n) {
    if (this.paused) { this.missed = true; return; }
    for (const fn of [...this.listeners]) fn(topic, n);
  }

  show(state) {
    this.state = state;
    const shown = this.paused ? "paused" : state;
    this.indicator.dataset.state = shown;
    this.label.textContent = shown;
    this.indicator.title = this.paused ? "Live updates paused: click to resume"
      : state === "live" ? "Live: pages refresh when something changes. Click to pause."
      : state === "off" ? "No project selected" : "Reconnecting to the live feed…";
  }
}
