// The operator console shell: sign-in, navigation (#/page), language
// switch. Each page module renders into <main>; a page that polls returns a
// stop function, called when another page is shown.
import api, { get, post, ApiError } from "./api.js";
import { h } from "../dom.js";
import { loadSession, renderError, renderSignIn } from "../sign_in.js";
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
  document.getElementById("nav").replaceChildren(...(session ? Object.keys(pages).map((p) =>
    h("a", { href: `#/${p}`, id: `nav-${p}`, class: p === pageName() ? "active" : null }, t(titles[p] ?? p))) : []));
}

function showError(e) { renderError(app, t, e); }

async function route() {
  if (stop) { stop(); stop = null; }
  renderChrome();
  if (!session) return renderLogin();
  const name = pageName();
  try {
    const mod = await pages[name]();
    const started = performance.now();
    stop = (await mod.render(app)) ?? null;
    app.dataset.page = name;
    app.dataset.renderMs = (performance.now() - started).toFixed(1);
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) { session = null; return route(); }
    showError(e);
  }
}

function renderLogin() {
  renderSignIn(app, t, api, async () => { session = await loadSession(api); route(); });
}

document.getElementById("lang").addEventListener("click", () => { toggleLang(); route(); });
document.getElementById("logout").addEventListener("click", async () => {
  await post("logout").catch(() => {});
  session = null;
  location.hash = "#/accounts";
  route();
});
window.addEventListener("hashchange", route);
loadSession(api).then((s) => { session = s; route(); }, showError);
