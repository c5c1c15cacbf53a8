// The operator console shell: sign-in, navigation (#/page), language
// switch. Each page module renders into #view; a page that polls returns a
// stop function, called when another page is shown.
import api, { post, ApiError } from "./api.js";
import { h } from "../dom.js";
import { loadSession, renderError, renderSignIn, guardSession } from "../sign_in.js";
import { renderNav, setHeading, setUpChrome } from "../shell.js";
import { t, toggleLang, lang } from "./i18n.js";

const pages = {
  accounts: () => import("./pages/accounts.js"),
  vouchers: () => import("./pages/vouchers.js"),
  catalog: () => import("./pages/catalog.js"),
  settlement: () => import("./pages/settlement.js"),
  refunds: () => import("./pages/refunds.js"),
  audit: () => import("./pages/audit.js"),
  metrics: () => import("./pages/metrics.js"),
  "what-if": () => import("./pages/what_if.js"),
  log: () => import("./pages/log.js"),
};
const titles = { "what-if": "whatIf" };

const app = document.getElementById("app");
const view = document.getElementById("view");
let session = null;
let stop = null;

function pageName() {
  const name = location.hash.replace(/^#\/?/, "").split("?")[0];
  return pages[name] ? name : "accounts";
}

function renderChrome() {
  document.title = t("title");
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  document.getElementById("realm").textContent = t("realm");
  document.getElementById("lang").textContent = t("lang");
  const logout = document.getElementById("logout");
  logout.textContent = t("logout");
  logout.hidden = !session;
  document.getElementById("who").textContent = session ? session.Login : "";
  renderNav(t, session ? Object.keys(pages).map((p) => [p, t(titles[p] ?? p)]) : [], pageName());
}

async function route() {
  if (stop) {
    stop();
    stop = null;
  }
  renderChrome();
  if (!session) return renderLogin();
  const name = pageName();
  setHeading(t(titles[name] ?? name));
  // Each route renders into its own box: a slower page still loading when
  // the next is asked for finishes into a box no longer on screen.
  const root = h("div", { class: "page", "data-page": name });
  view.replaceChildren(root);
  try {
    const mod = await pages[name]();
    const started = performance.now();
    const stopThis = (await mod.render(root)) ?? null;
    if (!root.isConnected) {
      stopThis?.();
      return;
    }
    stop = stopThis;
    app.dataset.page = name;
    app.dataset.renderMs = (performance.now() - started).toFixed(1);
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      session = null;
      return route();
    }
    if (root.isConnected) renderError(root, t, e);
  }
}

function renderLogin() {
  setHeading("");
  renderSignIn(view, t, api, async () => {
    session = await loadSession(api);
    route();
  });
}

setUpChrome();
guardSession(api, t, () => session?.Login ?? null);
document.getElementById("lang").addEventListener("click", () => {
  toggleLang();
  route();
});
document.getElementById("logout").addEventListener("click", async () => {
  await post("logout").catch(() => {});
  // A fresh page: nothing of this session (a SecretKey on screen, typed
  // values) stays in memory for whoever signs in next.
  location.hash = "#/accounts";
  location.reload();
});
window.addEventListener("hashchange", route);
loadSession(api).then(
  (s) => {
    session = s;
    route();
  },
  (e) => renderError(view, t, e),
);
