// JSON calls to the bnc-search API; every failure becomes an ApiError with a kind the page can explain.

export class ApiError extends Error {
  /** kind: "network" | "server" | "unavailable" | "input" | "notfound"; code: the API's stable error code, if any */
  constructor(kind, status, detail, code = "", field = null) {
    super(detail || kind);
    this.kind = kind;
    this.status = status;
    this.detail = detail || "";
    this.code = code || "";
    this.field = field;
  }
}

function kindOf(status) {
  if (status === 404) return "notfound";
  if (status === 503) return "unavailable";
  if (status >= 400 && status < 500) return "input";
  return "server";
}

async function request(url, options) {
  let res;
  try {
    // the interface language, so that any message the server writes comes in it too
    const headers = { Accept: "application/json", "Accept-Language": document.documentElement.lang || "en" };
    res = await fetch(url, { ...options, headers: { ...headers, ...(options.headers || {}) } });
  } catch (err) {
    if (err && err.name === "AbortError") throw err;
    throw new ApiError("network", 0, String(err));
  }
  let body = null;
  try {
    body = await res.json();
  } catch {
    body = null; // e.g. an HTML error page from a proxy
  }
  if (!res.ok || body === null) {
    const detail = body && typeof body.detail === "string" ? body.detail : "";
    const code = body && typeof body.code === "string" ? body.code : "";
    throw new ApiError(res.ok ? "server" : kindOf(res.status), res.status, detail, code, body ? body.field : null);
  }
  return body;
}

export function getJSON(url, signal) {
  return request(url, { method: "GET", signal });
}

export function postJSON(url, payload, signal) {
  return request(url, {
    method: "POST",
    signal,
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(payload),
  });
}

/** A multipart form (files) posted with extra headers, e.g. the admin key; the browser sets the boundary. */
export function postForm(url, form, headers = {}, signal) {
  return request(url, { method: "POST", signal, headers, body: form });
}

/** Any method with an optional JSON body and extra headers (the admin key). */
export function sendJSON(method, url, payload, headers = {}, signal) {
  const body = payload === undefined ? undefined : JSON.stringify(payload);
  const type = payload === undefined ? {} : { "Content-Type": "application/json" };
  return request(url, { method, signal, headers: { ...type, ...headers }, body });
}
