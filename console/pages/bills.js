import { get } from "../api.js";
import { h, card, table, monthPicker, thisMonth } from "../dom.js";
import { t, num, yuan } from "../i18n.js";

// "open" is the engine's word for a month not settled yet: the running
// month, a month still to come, or an ended month before its settlement.
function statusWord(b) {
  if (b.Status !== "open") return t(b.Status);
  const now = thisMonth();
  return t(b.Month > now ? "future" : b.Month < now ? "past" : "open");
}

export async function render(app, _ctx, month = thisMonth()) {
  const b = await get(`bill?month=${month}`);
  app.replaceChildren(
    card(
      `${t("bill")} ${b.Month}`,
      monthPicker(month, (m) => render(app, _ctx, m), t("month")),
      h(
        "p",
        {},
        `${t("status")}: `,
        h("b", { id: "bill-status", "data-status": b.Status }, statusWord(b)),
      ),
      table(
        [t("action"), t("quantity"), t("tier"), t("unitPrice"), t("billAmount")],
        b.Lines.map((l) => [
          h(
            "a",
            {
              href: `#/drill?${new URLSearchParams({ month: b.Month, action: l.Action })}`,
              class: "drill",
              "data-action": l.Action,
            },
            l.Action,
          ),
          num(l.Quantity),
          l.Tier,
          num(l.UnitPrice),
          num(l.Amount),
        ]),
        [1, 2, 3, 4],
      ),
      h(
        "p",
        {},
        `${t("total")}: `,
        h("b", { id: "bill-total", "data-value": b.Total }, yuan(b.Total)),
      ),
      h(
        "p",
        {},
        `${t("paidBy")}: ${t("cash")} ${yuan(b.Paid.Cash)} · ${t("income")} ${yuan(b.Paid.Income)} · ${t("gift")} ${yuan(b.Paid.Gift)}`,
      ),
      h(
        "div",
        { class: "toolbar" },
        h(
          "a",
          {
            href: `/console/api/bill.csv?month=${b.Month}`,
            id: "bill-csv",
            download: `bill-${b.Month}.csv`,
          },
          t("downloadCsv"),
        ),
        h("button", { type: "button", class: "link", onclick: () => window.print() }, t("print")),
      ),
    ),
  );
}
