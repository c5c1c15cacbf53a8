// Vouchers: issue one to an account (picked from the accounts, an expiry
// date picked in the billing zone), after a confirmation; the latest issued.
import { get, post } from "../api.js";
import { h, card, table, when, zoneSuffix } from "../../dom.js";
import { t } from "../i18n.js";
import { num, yuan } from "../../i18n.js";
import { confirmAction } from "../../dialog.js";
import { message, errorText } from "./common.js";

export async function render(app, note = "", code = "", detail = "") {
  const [data, accounts] = await Promise.all([get("vouchers"), get("accounts?q=")]);
  const account = h("input", {
    id: "voucher-account",
    placeholder: t("account"),
    "aria-label": t("account"),
    size: 22,
    list: "voucher-accounts",
    autocomplete: "off",
  });
  const options = h(
    "datalist",
    { id: "voucher-accounts" },
    accounts.Accounts.map((a) => h("option", { value: a.AccountId }, a.Name)),
  );
  const amount = h("input", {
    id: "voucher-amount",
    placeholder: t("amount"),
    "aria-label": t("amount"),
    inputmode: "decimal",
    size: 10,
  });
  const expires = h("input", {
    id: "voucher-expires",
    type: "date",
    "aria-label": t("expires"),
    title: t("expires"),
  });
  const form = h(
    "form",
    { class: "inline", id: "voucher-form" },
    account,
    options,
    amount,
    h("label", { for: "voucher-expires" }, t("expires")),
    expires,
    h("button", { class: "primary", type: "submit", id: "voucher-submit" }, t("issue")),
  );
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    // The voucher lasts through the chosen day, in the billing zone.
    const until = expires.value ? `${expires.value}T23:59:59${zoneSuffix()}` : "";
    const ok = await confirmAction({
      t,
      title: t("confirmVoucher"),
      ok: t("issue"),
      consequence: t("voucherConsequence"),
      rows: [
        [t("account"), account.value],
        [t("amount"), yuan(amount.value)],
        [t("expiresAt"), until ? when(until) : "—"],
      ],
    });
    if (!ok) return;
    try {
      const r = await post("vouchers/grant", {
        Account: account.value,
        Amount: amount.value,
        ExpiresAt: until,
        IdempotencyKey: crypto.randomUUID(),
      });
      await render(app, `${t("issued")}: ${r.VoucherId}`);
    } catch (e) {
      await render(app, errorText(e), e.code, e.message);
    }
  });
  app.replaceChildren(
    message("vouchers-message", note, code, detail),
    card(
      t("vouchers"),
      form,
      data.Vouchers.length === 0
        ? h("p", { class: "muted" }, t("none"))
        : h(
            "div",
            { id: "vouchers-list" },
            table(
              [t("voucherId"), "AccountId", t("amount"), t("grantedAt"), t("expiresAt")],
              data.Vouchers.map((v) => [
                v.VoucherId,
                v.AccountId,
                num(v.Amount),
                when(v.GrantedAt),
                when(v.ExpiresAt),
              ]),
              [2],
            ),
          ),
    ),
  );
}
