// The sign-in form, the session load and the error card, the same in the
// tenant and the operator console; each passes its own API client and
// dictionary.
import { ApiError } from "./client.js";
import { h } from "./dom.js";

// The signed-in session ({Login, CsrfToken, …}), or null when signed out.
export async function loadSession(api) {
  try {
    const session = await api.get("session");
    api.setCsrf(session.CsrfToken);
    return session;
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 401) throw e;
    return null;
  }
}

export function renderError(app, t, e) {
  app.replaceChildren(h("div", { class: "card error", id: "error" }, `${t("error")}: ${e.code || ""} ${e.message}`));
}

// Renders the sign-in form into `app`; after a good sign-in, `signedIn()`.
export function renderSignIn(app, t, api, signedIn) {
  const login = h("input", { id: "login", autocomplete: "username", required: true });
  const password = h("input", { id: "password", type: "password", autocomplete: "current-password", required: true });
  const error = h("div", { class: "error", id: "login-error" });
  const form = h("form", { class: "login card", id: "login-form" },
    h("h2", {}, t("login")),
    h("label", { for: "login" }, t("loginName")), login,
    h("label", { for: "password" }, t("password")), password,
    error,
    h("button", { class: "primary", type: "submit", id: "login-submit" }, t("login")));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      await api.post("login", { Login: login.value, Password: password.value });
      await signedIn();
    } catch (e) { error.textContent = `${e.code}: ${e.message}`; }
  });
  app.replaceChildren(form);
}
