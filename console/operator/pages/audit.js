// The audit, run live (`kanjian audit`): green when every invariant holds,
// a red badge and the problems otherwise.
import { get } from "../api.js";
import { h, card, when } from "../../dom.js";
import { t } from "../i18n.js";

export async function render(app) {
  const r = await get("audit");
  const badge = h(
    "span",
    { id: "audit-badge", class: `badge ${r.Ok ? "ok" : "bad"}` },
    r.Ok ? t("auditOk") : `${t("auditBad")} (${r.Problems.length})`,
  );
  app.replaceChildren(
    card(
      t("audit"),
      h(
        "p",
        {},
        badge,
        " ",
        h(
          "button",
          { class: "link", type: "button", id: "audit-rerun", onclick: () => render(app) },
          t("rerun"),
        ),
      ),
      h(
        "p",
        { class: "muted" },
        `${t("checkedAt")} ${when(r.At)} · ${t("accounts")} ${r.Accounts} · ${t("ledgerTxns")} ${r.LedgerTxns} · ${t("packs")} ${r.Packs}`,
      ),
      r.Problems.length
        ? h(
            "ul",
            { id: "audit-problems" },
            r.Problems.map((p) => h("li", { class: "error" }, p)),
          )
        : null,
    ),
  );
}
