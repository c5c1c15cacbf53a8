// What-if: last month's usage billed again under a draft catalog (edited in
// the page from the version in force, or a file as `kanjian catalog publish`
// takes), before publishing it. The engine prices both sides; nothing is
// written.
import { post, get } from "../api.js";
import { h, card, table } from "../../dom.js";
import { t } from "../i18n.js";
import { message, errorText, draftEditor } from "./common.js";

export async function render(app) {
  const [runs, catalog] = await Promise.all([get("bill-runs"), get("catalog")]);
  const month = h("input", { type: "month", id: "whatif-month", value: runs.LastMonth });
  const editor = draftEditor("whatif", catalog.InForceDocument, t);
  const out = h("div", { id: "whatif-result" });
  const form = h(
    "form",
    { class: "editor", id: "whatif-form" },
    h("label", { for: "whatif-month" }, t("month")),
    month,
    editor.fields,
    h("div", {}, h("button", { class: "primary", type: "submit", id: "whatif-run" }, t("run"))),
  );
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      const started = performance.now();
      const r = await post("what-if", { Month: month.value, Draft: await editor.read() });
      const fig = (id, label, value) =>
        h(
          "div",
          { class: "figure" },
          h("div", { class: "label" }, label),
          h("div", { class: "value", id }, value),
        );
      const sign = (c) => (c.startsWith("-") ? "down" : c === "0.00" ? "" : "up");
      out.replaceChildren(
        h(
          "div",
          { class: "figures" },
          fig("whatif-old-total", t("oldTotal"), r.OldTotal),
          fig("whatif-new-total", t("newTotal"), r.NewTotal),
          fig(
            "whatif-changed",
            t("accountsChanged"),
            `${r.AccountsChanged} / ${r.AccountsWithCalls}`,
          ),
        ),
        h(
          "p",
          { class: "muted" },
          `${r.Month} · ${t("pricedBy")} ${r.CurrentVersion} → ${r.DraftVersion}`,
        ),
        table(
          ["AccountId", t("name"), t("oldTotal"), t("newTotal"), t("change")],
          r.Accounts.map((a) => [
            a.AccountId,
            a.Name,
            a.OldTotal,
            h(
              "span",
              { "data-account": a.AccountId, "data-old": a.OldTotal, "data-new": a.NewTotal },
              a.NewTotal,
            ),
            h("span", { class: sign(a.Change) }, a.Change),
          ]),
          [2, 3, 4],
        ),
      );
      out.dataset.ms = (performance.now() - started).toFixed(1);
    } catch (e) {
      out.replaceChildren(message("whatif-message", errorText(e), e.code, e.message));
    }
  });
  app.replaceChildren(card(t("whatIf"), form, out));
}
