// Notices (通知): computed by the billing engine (src/billing/rules/notices.h) from
// the account's state and the clock; the page only words them and links
// each to the page where it is acted on.
import { get } from "../api.js";
import { h, card, when } from "../dom.js";
import { t, fmt, num } from "../i18n.js";
import { renderAlerts } from "./alerts.js";

export function noticeText(n) {
  switch (n.Kind) {
    case "arrears":
      return fmt("noticeArrears", { amount: num(n.Amount) });
    case "spend_guard":
      return fmt("noticeSpend", { percent: n.Percent, spent: num(n.Amount), limit: num(n.Limit) });
    case "free_pack":
      return fmt(n.Percent >= 100 ? "noticeFree100" : "noticeFree80", {
        group: n.Subject,
        used: num(n.Used),
        quota: num(n.Quota),
        percent: n.Percent,
      });
    case "pack_expiring":
      return fmt("noticePackExpiring", {
        pack: n.Subject,
        action: n.Action,
        left: num(n.Quota - n.Used),
        at: when(n.ExpiresAt),
      });
    case "catalog_change":
      return `${t("noticeCatalog")}: ${n.Message}`;
    default:
      return n.Kind;
  }
}

// A catalog change notice was issued at a time; the others are the
// account's state, stamped with when the alert dispatcher first saw it
// (Since) where it did, else said to be the state now.
export function noticeWhen(n) {
  if (n.Kind === "catalog_change") return `${t("issuedAt")} ${when(n.At)}`;
  return n.Since ? `${t("since")} ${when(n.Since)}` : t("currentState");
}

export function noticeLink(n) {
  return (
    {
      arrears: "#/overview",
      spend_guard: "#/spend-guard",
      free_pack: "#/free-packs",
      pack_expiring: "#/packs",
    }[n.Kind] ?? "#/notices"
  );
}

export async function render(app, ctx, message = null) {
  const data = await get("notices");
  const alerts = await renderAlerts((m) => render(app, ctx, m), message);
  app.replaceChildren(
    card(
      `${t("notices")} (${data.Count})`,
      data.Notices.length === 0
        ? h("p", { class: "muted", id: "no-notices" }, t("noNotices"))
        : h(
            "ul",
            { class: "notices", id: "notice-list" },
            data.Notices.map((n) =>
              h(
                "li",
                {
                  class: `notice-item ${n.Level}`,
                  "data-kind": n.Kind,
                  "data-percent": n.Percent,
                  "data-subject": n.Subject,
                },
                h("span", { class: "level" }, t(`level_${n.Level}`)),
                " ",
                noticeText(n),
                h("span", { class: "muted notice-at" }, ` · ${noticeWhen(n)} · `),
                h("a", { href: noticeLink(n) }, t("goAct")),
              ),
            ),
          ),
    ),
    alerts,
  );
}
