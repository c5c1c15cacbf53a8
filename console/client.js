// What the tenant console and the operator console share to talk to their
// JSON APIs: same-origin fetches, the HttpOnly session cookie, and the
// session's CSRF token on every POST. Errors carry the API's code.
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

// Calls that are the sign-in itself: a 401 there is an answer, not a lost session.
const kSessionPaths = new Set(["login", "session", "logout"]);

// A client for the API under `base` (e.g. "/console/api/"). When a call
// finds the session gone (401), `onSessionLost()` (set by the shell) signs
// in again and the call is made once more, so every page and action gets
// the same path without handling it itself.
export function apiClient(base) {
  let csrf = "";
  let onSessionLost = null;
  async function call(method, path, body, retried = false) {
    const headers = {};
    if (method === "POST") {
      headers["Content-Type"] = "application/json";
      headers["X-CSRF-Token"] = csrf;
    }
    const res = await fetch(`${base}${path}`, {
      method,
      headers,
      credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = await res.json().catch(() => ({}));
    if (res.status === 401 && onSessionLost && !retried && !kSessionPaths.has(path.split("?")[0])) {
      await onSessionLost();
      return call(method, path, body, true);
    }
    if (!res.ok)
      throw new ApiError(res.status, data.Error?.Code ?? "", data.Error?.Message ?? res.statusText);
    return data;
  }
  return {
    setCsrf: (token) => {
      csrf = token;
    },
    setSessionLost: (fn) => {
      onSessionLost = fn;
    },
    get: (path) => call("GET", path),
    post: (path, body = {}) => call("POST", path, body),
  };
}
