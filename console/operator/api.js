// The operator console's JSON API (/console/operator/api/): same-origin
// fetches; the session cookie is HttpOnly, every POST carries the CSRF token.
let csrf = "";
export function setCsrf(token) { csrf = token; }

export class ApiError extends Error {
  constructor(status, code, message) { super(message); this.status = status; this.code = code; }
}

async function call(method, path, body) {
  const headers = {};
  if (method === "POST") { headers["Content-Type"] = "application/json"; headers["X-CSRF-Token"] = csrf; }
  const res = await fetch(`/console/operator/api/${path}`, {
    method, headers, credentials: "same-origin", body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw new ApiError(res.status, data.Error?.Code ?? "", data.Error?.Message ?? res.statusText);
  return data;
}

export const get = (path) => call("GET", path);
export const post = (path, body = {}) => call("POST", path, body);
