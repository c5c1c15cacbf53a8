// The console shell: sign-in, navigation (#/page), language switch, the
// account-status banner. Each page module renders into #view.
import api, { get, post, ApiError } from "./api.js";
import { h } from "./dom.js";
import { loadSession, renderError, renderSignIn, guardSession } from "./sign_in.js";
import { renderNav, setHeading, setUpChrome } from "./shell.js";
import { t, toggleLang, lang } from "./i18n.js";

const pages = {
  overview: () => import("./pages/overview.js"),
  "free-packs": () => import("./pages/free_packs.js"),
  usage: () => import("./pages/usage.js"),
  packs: () => import("./pages/packs.js"),
  bills: () => import("./pages/bills.js"),
  keys: () => import("./pages/keys.js"),
  "spend-guard": () => import("./pages/spend_guard.js"),
  notices: () => import("./pages/notices.js"),
  drill: () => import("./pages/drill.js"),
};
const titles = {
  overview: "overview",
  "free-packs": "freePacks",
  usage: "usage",
  packs: "packs",
  bills: "bills",
  keys: "keys",
  "spend-guard": "spendGuard",
  notices: "notices",
};

const view = document.getElementById("view");
let session = null;

function pageName() {
  const name = location.hash.replace(/^#\/?/, "").split("?")[0];
  return pages[name] ? name : "overview";
}

function renderChrome() {
  document.title = t("title");
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  document.getElementById("lang").textContent = t("lang");
  const logout = document.getElementById("logout");
  logout.textContent = t("logout");
  logout.hidden = !session;
  document.getElementById("who").textContent = session
    ? `${session.Login} · ${session.AccountName}`
    : "";
  renderNav(
    t,
    session
      ? Object.keys(titles).map((p) => [
          p,
          t(titles[p]),
          p === "notices" ? h("span", { class: "badge", id: "notice-badge", hidden: true }) : null,
        ])
      : [],
    pageName(),
  );
}

// The notices badge: how many notices hold now (the engine's count).
async function refreshBadge() {
  const badge = document.getElementById("notice-badge");
  if (!session || !badge) return;
  const n = await get("notices");
  badge.textContent = String(n.Count);
  badge.hidden = n.Count === 0;
}

// The status banner; `overview` when the page already fetched it.
export async function refreshBanner(overview = null) {
  const banner = document.getElementById("banner");
  if (!session) {
    banner.hidden = true;
    return;
  }
  const o = overview ?? (await get("overview"));
  const text = { arrears: "bannerArrears", disabled: "bannerDisabled", inactive: "bannerInactive" }[
    o.Status
  ];
  banner.hidden = !text;
  banner.className = o.Status;
  banner.textContent = text ? t(text) : "";
}

async function route() {
  renderChrome();
  if (!session) return renderLogin();
  const name = pageName();
  setHeading(t(titles[name] ?? name));
  const ctx = { refreshBanner, overview: null };
  // Each route renders into its own box: a slower page still loading when
  // the next is asked for finishes into a box no longer on screen.
  const root = h("div", { class: "page", "data-page": name });
  view.replaceChildren(root);
  try {
    const mod = await pages[name]();
    const started = performance.now();
    await mod.render(root, ctx);
    if (!root.isConnected) return;
    performance.mark(`page-${name}-rendered`, { detail: { ms: performance.now() - started } });
    await Promise.all([refreshBanner(ctx.overview), refreshBadge()]);
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
  document.getElementById("banner").hidden = true;
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
  location.hash = "#/overview";
  location.reload();
});
window.addEventListener("hashchange", route);
// The first page's module loads while the session is asked for (route()
// imports it again: the same module, already on its way).
pages[pageName()]().catch(() => {});
loadSession(api).then(
  (s) => {
    session = s;
    route();
  },
  (e) => renderError(view, t, e),
);
