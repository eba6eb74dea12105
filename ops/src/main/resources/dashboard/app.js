// The shell: who is signed in, the project picker, the nav, the live indicator, and a router over
// the History API (the server answers index.html at each of these paths).
import { api, onUnauthenticated, enc } from "./api.js";
import { h, clear, errorBox, typing } from "./ui.js";
import { Live } from "./live.js";

const ROLE_RANK = { viewer: 1, operator: 2, admin: 3 };

// [pattern, module, needs a project]
const ROUTES = [
  [/^\/login$/, "login", false],
  [/^\/(home)?$/, "home", false],
  [/^\/api-keys$/, "apikeys", false],
  [/^\/pipeline$/, "pipeline", false],
  [/^\/p\/([^/]+)$/, "overview", true],
  [/^\/p\/([^/]+)\/tasks$/, "tasks", true],
  [/^\/p\/([^/]+)\/tasks\/([^/]+)\/(.+)$/, "task", true],
  [/^\/p\/([^/]+)\/commands$/, "commands", true],
  [/^\/p\/([^/]+)\/workers$/, "workers", true],
  [/^\/p\/([^/]+)\/workers\/([^/]+)$/, "workers", true],
  [/^\/p\/([^/]+)\/queues$/, "queues", true],
  [/^\/p\/([^/]+)\/agents$/, "agents", true],
  [/^\/p\/([^/]+)\/audit$/, "audit", true],
];

const view = document.getElementById("view");
const top = document.getElementById("top");
const nav = document.getElementById("nav");
const picker = document.getElementById("project");
const live = new Live(document.getElementById("live"), document.getElementById("live-text"));
const assets = document.body.dataset.assets;

const session = { me: null, projects: [] };
let cleanup = null;
let renderId = 0;

onUnauthenticated(() => {
  if (location.pathname !== "/login") navigate("/login?next=" + enc(location.pathname + location.search), true);
});

export function navigate(url, replace = false) {
  if (replace) history.replaceState(null, "", url);
  else history.pushState(null, "", url);
  route();
}

/** The caller's role in a project: its membership, or admin for a global admin. */
function roleIn(slug) {
  const me = session.me;
  if (!me) return null;
  const m = (me.memberships || []).find((x) => x.project_slug === slug);
  if (me.is_admin) return "admin";
  return m ? m.role : null;
}

export function can(role, need) {
  return (ROLE_RANK[role] || 0) >= ROLE_RANK[need];
}

async function loadSession() {
  [session.me, session.projects] = await Promise.all([api("/auth/me"), api("/projects")]);
}

function currentSlug() {
  const m = location.pathname.match(/^\/p\/([^/]+)/);
  if (m) return decodeURIComponent(m[1]);
  return localStorage.getItem("z4j.project") || (session.projects[0] && session.projects[0].slug) || null;
}

function renderShell(slug, page) {
  top.hidden = false;
  document.getElementById("who").textContent = session.me.display_name || session.me.email;
  clear(picker, session.projects.map((p) => h("option", { value: p.slug, selected: p.slug === slug }, p.name || p.slug)));
  const role = roleIn(slug);
  const p = slug ? `/p/${enc(slug)}` : null;
  const links = [["Home", "/home", "home"]];
  if (p) {
    links.push(["Overview", p, "overview"], ["Tasks", `${p}/tasks`, "tasks"], ["Commands", `${p}/commands`, "commands"],
      ["Workers", `${p}/workers`, "workers"], ["Queues", `${p}/queues`, "queues"], ["Agents", `${p}/agents`, "agents"]);
    if (can(role, "admin")) links.push(["Audit", `${p}/audit`, "audit"]);
  }
  links.push(["API keys", "/api-keys", "apikeys"]);
  if (session.me.is_admin) links.push(["Pipeline", "/pipeline", "pipeline"]);
  clear(nav, links.map(([label, href, mod]) => h("a", { href, "aria-current": mod === page ? "page" : null }, label)));
  nav.classList.remove("open");
}

async function route() {
  const id = ++renderId;
  if (cleanup) { try { cleanup(); } catch { /* page already gone */ } cleanup = null; }
  const path = location.pathname;
  const match = ROUTES.map(([re, mod, needsProject]) => [path.match(re), mod, needsProject]).find(([m]) => m);
  if (!match) { clear(view, h("h1", "Not found"), h("p", h("a", { href: "/home" }, "Home"))); return; }
  const [m, mod, needsProject] = match;
  if (mod !== "login" && !session.me) {
    try { await loadSession(); } catch (e) { if (e.status !== 401) clear(view, errorBox(e)); return; }
  }
  if (id !== renderId) return;
  let page;
  try {
    page = await import(`./pages/${mod}.js`);
  } catch (e) { clear(view, errorBox(e)); return; }
  if (id !== renderId) return;
  if (mod === "login") {
    top.hidden = true;
    live.watch(null);
    cleanup = await page.render(view, { session, navigate, reload: async () => { await loadSession(); } });
    return;
  }
  const slug = needsProject ? decodeURIComponent(m[1]) : currentSlug();
  const project = session.projects.find((p) => p.slug === slug) || null;
  if (needsProject && !project) {
    renderShell(slug, mod);
    clear(view, h("h1", "Project not found"), h("p", `No project '${slug}' you may see.`));
    return;
  }
  if (project) localStorage.setItem("z4j.project", project.slug);
  renderShell(project && project.slug, mod);
  live.watch(project ? project.id : null);
  const ctx = {
    params: m.slice(needsProject ? 2 : 1).map((x) => decodeURIComponent(x)),
    query: new URLSearchParams(location.search),
    slug: project && project.slug, project, role: project ? roleIn(project.slug) : null,
    me: session.me, session, live, navigate, can, assets,
    /** Replace the URL's query without a new history entry (filters). */
    setQuery(params) {
      const q = new URLSearchParams();
      for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== "") q.set(k, v);
      const s = q.toString();
      history.replaceState(null, "", location.pathname + (s ? "?" + s : ""));
    },
  };
  document.title = `z4j · ${mod}${project ? " · " + project.slug : ""}`;
  clear(view);
  try {
    cleanup = (await page.render(view, ctx)) || null;
  } catch (e) {
    clear(view, errorBox(e));
  }
}

document.addEventListener("click", (ev) => {
  const a = ev.target.closest("a[href]");
  if (!a || ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin || a.hasAttribute("download") || a.target) return;
  if (url.pathname.startsWith("/api/") || url.pathname === "/about" || url.pathname === "/metrics") return;
  ev.preventDefault();
  navigate(url.pathname + url.search);
});

picker.addEventListener("change", () => {
  const slug = picker.value;
  const rest = location.pathname.match(/^\/p\/[^/]+(\/(tasks|commands|workers|queues|agents|audit))?/);
  navigate(`/p/${enc(slug)}${rest && rest[1] ? rest[1] : ""}`);
});

document.getElementById("menu").addEventListener("click", (ev) => {
  ev.currentTarget.setAttribute("aria-expanded", String(nav.classList.toggle("open")));
});

document.getElementById("logout").addEventListener("click", async () => {
  try { await api("/auth/logout", { method: "POST" }); } catch { /* signed out anyway */ }
  session.me = null;
  live.watch(null);
  navigate("/login", true);
});

// "g h" style jumps are left out: j/k/Enter live on the list pages themselves.
document.addEventListener("keydown", (ev) => {
  if (ev.key === "/" && !typing(ev)) {
    const search = view.querySelector("input[type=search]");
    if (search) { ev.preventDefault(); search.focus(); }
  }
});

window.addEventListener("popstate", route);
route();
