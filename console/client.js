// What the tenant console and the operator console share to talk to their
// JSON APIs: same-origin fetches, the HttpOnly session cookie, and the
// session's CSRF token on every POST. Errors carry the API's code.
export class ApiError extends Error {
  constructor(status, code, message) { super(message); this.status = status; this.code = code; }
}

// A client for the API under `base` (e.g. "/console/api/").
export function apiClient(base) {
  let csrf = "";
  async function call(method, path, body) {
    const headers = {};
    if (method === "POST") { headers["Content-Type"] = "application/json"; headers["X-CSRF-Token"] = csrf; }
    const res = await fetch(`${base}${path}`, {
      method, headers, credentials: "same-origin", body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = await res.json().catch(() => ({}));
    if (!res.ok) throw new ApiError(res.status, data.Error?.Code ?? "", data.Error?.Message ?? res.statusText);
    return data;
  }
  return {
    setCsrf: (token) => { csrf = token; },
    get: (path) => call("GET", path),
    post: (path, body = {}) => call("POST", path, body),
  };
}
