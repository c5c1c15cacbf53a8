import { get } from "../api.js";
import { h, card, table } from "../dom.js";
import { t } from "../i18n.js";

export async function render(app) {
  const o = await get("overview");
  const fig = (id, label, value) => h("div", { class: "figure" },
    h("div", { class: "label" }, label), h("div", { class: "value", id }, value));
  app.replaceChildren(
    card(t("status"), h("div", { class: "figures" }, fig("status", t("status"), t(o.Status)))),
    card(t("balance"), h("div", { class: "figures" },
      fig("balance-total", t("total"), o.Balance.Total), fig("balance-cash", t("cash"), o.Balance.Cash),
      fig("balance-income", t("income"), o.Balance.Income), fig("balance-gift", t("gift"), o.Balance.Gift))),
    card(t("vouchers"), o.Vouchers.length === 0 ? h("p", { class: "muted" }, t("none")) :
      table([t("voucherId"), t("amount"), t("remaining"), t("expiresAt")],
        o.Vouchers.map((v) => [v.VoucherId, v.Amount, v.Remaining, v.ExpiresAt ?? "—"]), [1, 2])),
    card(`${t("thisMonth")} ${o.Month}`, h("div", { class: "figures" },
      fig("cost-so-far", t("costSoFar"), o.CostSoFar), fig("forecast", t("forecast"), o.Forecast))));
}
