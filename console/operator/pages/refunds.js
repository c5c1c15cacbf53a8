// The refund log: every pack refund over all accounts, newest first.
import { get } from "../api.js";
import { h, card, table, when } from "../../dom.js";
import { t } from "../i18n.js";

export async function render(app) {
  const data = await get("refunds");
  app.replaceChildren(
    card(
      t("refunds"),
      data.Refunds.length === 0
        ? h("p", { class: "muted", id: "refunds-none" }, t("none"))
        : h(
            "div",
            { id: "refunds" },
            table(
              [t("at"), "AccountId", t("pack"), t("amount"), t("reason"), t("txn")],
              data.Refunds.map((r) => [
                when(r.At),
                r.AccountId,
                r.PackId,
                r.Amount,
                r.Reason,
                r.TxnId,
              ]),
              [3],
            ),
          ),
    ),
  );
}
