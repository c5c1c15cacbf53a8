// Notices (通知): computed by the billing engine (src/billing/notices.h) from
// the account's state and the clock; the page only words them and links
// each to the page where it is acted on.
import { get } from "../api.js";
import { h, card, when } from "../dom.js";
import { t, fmt, num } from "../i18n.js";

export function noticeText(n) {
  switch (n.Kind) {
    case "arrears": return fmt("noticeArrears", { amount: num(n.Amount) });
    case "spend_guard": return fmt("noticeSpend", { percent: n.Percent, spent: num(n.Amount), limit: num(n.Limit) });
    case "free_pack": return fmt(n.Percent >= 100 ? "noticeFree100" : "noticeFree80",
      { group: n.Subject, used: num(n.Used), quota: num(n.Quota), percent: n.Percent });
    case "pack_expiring": return fmt("noticePackExpiring",
      { pack: n.Subject, action: n.Action, left: num(n.Quota - n.Used), at: when(n.ExpiresAt) });
    case "catalog_change": return `${t("noticeCatalog")}: ${n.Message}`;
    default: return n.Kind;
  }
}

// A catalog change notice was issued at a time; the others are the
// account's state now (the engine derives them when read), said as such
// rather than stamped with the time of reading.
export function noticeWhen(n) {
  return n.Kind === "catalog_change" ? `${t("issuedAt")} ${when(n.At)}` : t("currentState");
}

export function noticeLink(n) {
  return { arrears: "#/overview", spend_guard: "#/spend-guard", free_pack: "#/free-packs", pack_expiring: "#/packs" }[n.Kind] ?? "#/notices";
}

export async function render(app) {
  const data = await get("notices");
  app.replaceChildren(card(`${t("notices")} (${data.Count})`,
    data.Notices.length === 0 ? h("p", { class: "muted", id: "no-notices" }, t("noNotices")) :
      h("ul", { class: "notices", id: "notice-list" }, data.Notices.map((n) =>
        h("li", { class: `notice-item ${n.Level}`, "data-kind": n.Kind, "data-percent": n.Percent, "data-subject": n.Subject },
          h("span", { class: "level" }, t(`level_${n.Level}`)), " ", noticeText(n),
          h("span", { class: "muted notice-at" }, ` · ${noticeWhen(n)} · `), h("a", { href: noticeLink(n) }, t("goAct")))))));
}
