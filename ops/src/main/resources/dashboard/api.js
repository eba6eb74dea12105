// The public operator API (/api/v1) as the dashboard calls it: the session cookie goes along by
// itself; unsafe requests carry the CSRF cookie's value in X-CSRF-Token (double submit).

export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || `HTTP ${status}`);
    this.status = status;
    this.code = body && body.error;
    this.details = (body && body.details) || {};
  }
}

let unauthenticated = () => {};
/** What to do when the session is gone (401 anywhere but the login call). */
export function onUnauthenticated(fn) { unauthenticated = fn; }

export function csrfToken() {
  const m = document.cookie.match(/(?:^|;\s*)(?:__Host-)?z4j_csrf=([^;]*)/);
  return m ? decodeURIComponent(m[1]) : "";
}

export async function api(path, { method = "GET", body, signal } = {}) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET" && method !== "HEAD") headers["X-CSRF-Token"] = csrfToken();
  const res = await fetch("/api/v1" + path, {
    method, headers, signal, credentials: "same-origin",
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { json = null; }
  if (!res.ok) {
    if (res.status === 401 && !path.startsWith("/auth/login") && !path.startsWith("/setup/")) unauthenticated();
    throw new ApiError(res.status, json);
  }
  return json;
}

/** A query string from the non-empty values of an object ("" when none). */
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== "") q.set(k, v);
  }
  const s = q.toString();
  return s ? "?" + s : "";
}

export const enc = encodeURIComponent;
