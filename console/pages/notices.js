// Notices (通知): computed by the billing engine (src/billing/notices.h) from
// the account's state and the clock; the page only words them.
import { get } from "../api.js";
import { h, card } from "../dom.js";
import { t, fmt } from "../i18n.js";

function text(n) {
  switch (n.Kind) {
    case "arrears": return fmt("noticeArrears", { amount: n.Amount });
    case "spend_guard": return fmt("noticeSpend", { percent: n.Percent, spent: n.Amount, limit: n.Limit });
    case "free_pack": return fmt(n.Percent >= 100 ? "noticeFree100" : "noticeFree80",
      { group: n.Subject, used: n.Used, quota: n.Quota, percent: n.Percent });
    case "pack_expiring": return fmt("noticePackExpiring",
      { pack: n.Subject, action: n.Action, left: n.Quota - n.Used, at: n.ExpiresAt });
    case "catalog_change": return `${t("noticeCatalog")}: ${n.Message}`;
    default: return n.Kind;
  }
}

export async function render(app) {
  const data = await get("notices");
  app.replaceChildren(card(`${t("notices")} (${data.Count})`,
    data.Notices.length === 0 ? h("p", { class: "muted", id: "no-notices" }, t("noNotices")) :
      h("ul", { class: "notices", id: "notice-list" }, data.Notices.map((n) =>
        h("li", { class: `notice-item ${n.Level}`, "data-kind": n.Kind, "data-percent": n.Percent, "data-subject": n.Subject },
          h("span", { class: "level" }, t(`level_${n.Level}`)), " ", text(n),
          h("span", { class: "muted" }, ` · ${n.At}`))))));
}
