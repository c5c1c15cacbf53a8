import { get } from "../api.js";
import { h, card, table, monthPicker, thisMonth } from "../dom.js";
import { t } from "../i18n.js";

export async function render(app, _ctx, month = thisMonth()) {
  const b = await get(`bill?month=${month}`);
  app.replaceChildren(card(`${t("bill")} ${b.Month}`,
    monthPicker(month, (m) => render(app, _ctx, m), t("month")),
    h("p", {}, `${t("status")}: `, h("b", { id: "bill-status" }, t(b.Status))),
    table([t("action"), t("quantity"), t("tier"), t("unitPrice"), t("amount")],
      b.Lines.map((l) => [h("a", { href: `#/drill?${new URLSearchParams({ month: b.Month, action: l.Action })}`, class: "drill", "data-action": l.Action }, l.Action),
        l.Quantity, l.Tier, l.UnitPrice, l.Amount]), [1, 2, 3, 4]),
    h("p", {}, `${t("total")}: `, h("b", { id: "bill-total" }, b.Total)),
    h("p", {}, `${t("paidBy")}: ${t("cash")} ${b.Paid.Cash} · ${t("income")} ${b.Paid.Income} · ${t("gift")} ${b.Paid.Gift}`),
    h("div", { class: "toolbar" },
      h("a", { href: `/console/api/bill.csv?month=${b.Month}`, id: "bill-csv", download: `bill-${b.Month}.csv` }, t("downloadCsv")),
      h("button", { type: "button", class: "link", onclick: () => window.print() }, t("print")))));
}
