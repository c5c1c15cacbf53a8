// Vouchers: issue one to an account, list the latest issued.
import { get, post } from "../api.js";
import { h, card, table } from "../../dom.js";
import { t } from "../i18n.js";
import { message, errorText } from "./common.js";

export async function render(app, note = "", code = "") {
  const data = await get("vouchers");
  const account = h("input", { id: "voucher-account", placeholder: t("account"), size: 22 });
  const amount = h("input", { id: "voucher-amount", placeholder: t("amount"), size: 10 });
  const expires = h("input", { id: "voucher-expires", placeholder: t("expires"), size: 28 });
  const form = h("form", { class: "inline", id: "voucher-form" }, account, amount, expires,
    h("button", { class: "primary", type: "submit", id: "voucher-submit" }, t("issue")));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      const r = await post("vouchers/grant", { Account: account.value, Amount: amount.value, ExpiresAt: expires.value,
        IdempotencyKey: crypto.randomUUID() });
      await render(app, `${t("issued")}: ${r.VoucherId}`);
    } catch (e) { await render(app, errorText(e), e.code); }
  });
  app.replaceChildren(message("vouchers-message", note, code),
    card(t("vouchers"), form,
      data.Vouchers.length === 0 ? h("p", { class: "muted" }, t("none")) :
        table([t("voucherId"), "AccountId", t("amount"), t("grantedAt"), t("expiresAt")],
          data.Vouchers.map((v) => [v.VoucherId, v.AccountId, v.Amount, v.GrantedAt, v.ExpiresAt ?? "—"]), [2])));
}
