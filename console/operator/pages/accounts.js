// Accounts: search, status, balances by source; recharge with a source;
// disable for content review / enable. Every action is the CLI's call and
// lands in the operator log.
import { get, post } from "../api.js";
import { h, card, table } from "../../dom.js";
import { t } from "../i18n.js";
import { message, errorText } from "./common.js";

export async function render(app, query = "", note = "", code = "") {
  const data = await get(`accounts?q=${encodeURIComponent(query)}`);
  const again = (text, c = "") => render(app, query, text, c);
  const q = h("input", { id: "account-q", value: query, placeholder: t("searchHint") });
  const search = h("form", { class: "inline", id: "account-search-form" }, q,
    h("button", { class: "primary", type: "submit", id: "account-search" }, t("search")));
  search.addEventListener("submit", (ev) => { ev.preventDefault(); render(app, q.value); });

  const amount = h("input", { id: "recharge-amount", placeholder: t("amount"), size: 10 });
  const source = h("select", { id: "recharge-source" },
    ...["cash", "income", "gift"].map((s) => h("option", { value: s }, t(s))));
  const target = h("input", { id: "recharge-account", placeholder: t("account"), size: 22 });
  const recharge = h("form", { class: "inline", id: "recharge-form" }, target, amount, source,
    h("button", { class: "primary", type: "submit", id: "recharge-submit" }, t("recharge")));
  recharge.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      const r = await post("accounts/recharge", { Account: target.value, Amount: amount.value, Source: source.value,
        IdempotencyKey: crypto.randomUUID() });
      await again(`${t("rechargeDone")} ${r.Balance.Total} (${target.value})`);
    } catch (e) { await again(errorText(e), e.code); }
  });
  const act = async (path, body, done) => {
    try { await post(path, body); await again(`${done}: ${body.Account}`); } catch (e) { await again(errorText(e), e.code); }
  };
  const actions = (a) => h("span", {},
    h("button", { class: "link", type: "button", "data-recharge": a.AccountId,
      onclick: () => { target.value = a.AccountId; amount.focus(); } }, t("recharge")),
    a.Status === "disabled"
      ? h("button", { class: "link", type: "button", "data-enable": a.AccountId,
        onclick: () => act("accounts/enable", { Account: a.AccountId }, t("enabledDone")) }, t("enable"))
      : h("button", { class: "link", type: "button", "data-disable": a.AccountId,
        onclick: () => act("accounts/disable", { Account: a.AccountId, Reason: "content-review" }, t("disabledDone")) }, t("disableReview")));
  const status = (a) => h("span", { class: `st-${a.Status}`, "data-status": a.Status, "data-account": a.AccountId },
    t(a.Status) + (a.DisabledReason ? ` (${a.DisabledReason})` : ""));
  app.replaceChildren(message("accounts-message", note, code),
    card(t("accounts"), search, recharge,
      data.Accounts.length === 0 ? h("p", { class: "muted" }, t("none")) :
        table(["AccountId", t("name"), t("status"), t("cash"), t("income"), t("gift"), t("total"), t("voucherLeft"), ""],
          data.Accounts.map((a) => [a.AccountId, a.Name, status(a), a.Balance.Cash, a.Balance.Income, a.Balance.Gift,
            h("span", { "data-total": a.AccountId }, a.Balance.Total), a.Vouchers, actions(a)]), [3, 4, 5, 6, 7])));
}
