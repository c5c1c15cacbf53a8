// The sign-in form, the session load and the error card, the same in the
// tenant and the operator console; each passes its own API client and
// dictionary.
import { ApiError } from "./client.js";
import { h, setZoneOffset } from "./dom.js";
import { errorText } from "./i18n.js";

// The signed-in session ({Login, CsrfToken, …}), or null when signed out.
export async function loadSession(api) {
  try {
    const session = await api.get("session");
    api.setCsrf(session.CsrfToken);
    setZoneOffset(session.UtcOffsetSeconds);
    return session;
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 401) throw e;
    return null;
  }
}

export function renderError(app, t, e) {
  app.replaceChildren(
    h(
      "div",
      { class: "card error", id: "error", role: "alert", "data-code": e.code || null },
      `${t("error")}: ${errorText(e)}`,
    ),
  );
}

function signInForm(t, api, signedIn, heading) {
  const login = h("input", { id: "login", autocomplete: "username", required: true });
  const password = h("input", {
    id: "password",
    type: "password",
    autocomplete: "current-password",
    required: true,
  });
  const error = h("div", { class: "error", id: "login-error", role: "alert" });
  const form = h(
    "form",
    { class: "login card", id: "login-form" },
    heading,
    h("label", { for: "login" }, t("loginName")),
    login,
    h("label", { for: "password" }, t("password")),
    password,
    error,
    h("button", { class: "primary", type: "submit", id: "login-submit" }, t("login")),
  );
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      await api.post("login", { Login: login.value, Password: password.value });
      await signedIn(login.value);
    } catch (e) {
      error.dataset.code = e.code ?? "";
      error.textContent = errorText(e);
    }
  });
  return { form, login };
}

// Renders the sign-in form into `app`; after a good sign-in, `signedIn()`.
export function renderSignIn(app, t, api, signedIn) {
  app.replaceChildren(signInForm(t, api, signedIn, h("h1", {}, t("login"))).form);
}

// The one path for a session that ends while a page is open: the sign-in
// form opens over the page (which keeps what was typed), a banner says that
// nothing is refreshed meanwhile, and once signed in again the call that
// found the session gone is made again. A different login reloads the page
// rather than carry one user's action over to another.
export function guardSession(api, t, currentLogin) {
  let pending = null;
  api.setSessionLost(() => {
    if (!currentLogin())
      return Promise.reject(new ApiError(401, "AuthFailure.SessionInvalid", "signed out"));
    pending ??= new Promise((resolve) => {
      const banner = h(
        "div",
        { id: "session-banner", class: "session-banner", role: "alert" },
        t("sessionPaused"),
      );
      document.body.prepend(banner);
      const dlg = h("dialog", {
        id: "signin-dialog",
        class: "dialog",
        "aria-labelledby": "signin-title",
      });
      const { form, login } = signInForm(
        t,
        api,
        async (who) => {
          const was = currentLogin();
          const session = await loadSession(api);
          if (!session || session.Login !== was || who !== was) {
            location.reload();
            return;
          }
          dlg.close();
          dlg.remove();
          banner.remove();
          pending = null;
          resolve();
        },
        h("h2", { id: "signin-title" }, t("signInAgain")),
      );
      form.prepend(h("p", { class: "muted" }, t("sessionLost")));
      login.value = currentLogin();
      dlg.addEventListener("cancel", (ev) => ev.preventDefault()); // the action waits for the sign-in
      dlg.append(form);
      document.body.append(dlg);
      dlg.showModal();
      dlg.querySelector("#password").focus();
    });
    return pending;
  });
}
